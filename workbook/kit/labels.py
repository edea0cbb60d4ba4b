"""Labels computed from inputs: a :class:`~workbook.kit.spec.Label` as a label formula, and as the text it shows.

``Label("Compensation within the {CompensationCap:%} cap")`` becomes
``="Compensation within the "&TEXT(CompensationCap,IF(ROUND(CompensationCap,2)=CompensationCap,"0%","0.0#%"))&" cap"``:
a build with a 9% cap says 9%, and so does the workbook after someone types
9.5% into the input. The number formats are the few that Excel, LibreOffice,
Gnumeric and the ``formulas`` package render alike (percentages and whole or
decimal numbers; the ``formulas`` package gets ``"$#,##0"`` wrong below
1,000, so amounts are left to the value cells beside the labels).

:func:`shown` gives the text for the built values, as those formats render
them (Excel's half-up rounding), for messages and the command line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from model.rounding import round_half_up
from workbook.kit.spec import Label

# format key -> Excel format argument of TEXT, written with {x} for the input's name
FORMATS = {
    "%": 'IF(ROUND({x},2)={x},"0%","0.0#%")',  # 8%, 7.5%, 7.25%: the decimals the value needs, at most two
    "0%": '"0%"',
    "0": '"0"',
    "#": 'IF(ROUND({x},0)={x},"0","0.0#")',  # 3, 2.5, 0.25
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*):([^{}]+)\}")


def parts(label: Label) -> list[tuple[str, str | None]]:
    """``label``'s text split into (literal, None) and (input name, format key), in order."""
    out, at = [], 0
    for m in _PLACEHOLDER.finditer(label.text):
        if m.start() > at:
            out.append((label.text[at : m.start()], None))
        name, fmt = m.group(1), m.group(2)
        if fmt not in FORMATS:
            raise ValueError(f"label {label.text!r}: format {fmt!r} of {name} must be one of {', '.join(FORMATS)}")
        out.append((name, fmt))
        at = m.end()
    if at < len(label.text):
        out.append((label.text[at:], None))
    rest = "".join(text for text, fmt in out if fmt is None)
    if "{" in rest or "}" in rest:
        raise ValueError(f"label {label.text!r}: a placeholder must be {{InputName:format}}")
    return out


def names(label: Label) -> list[str]:
    """The inputs a label states."""
    return [name for name, fmt in parts(label) if fmt is not None] + ([label.zero[0]] if label.zero else [])


def formula(label: Label) -> str:
    """The label formula: text joined with ``TEXT(input, format)``."""
    pieces = []
    for text, fmt in parts(label):
        if fmt is None:
            pieces.append('"' + text.replace('"', '""') + '"')
        else:
            pieces.append(f"TEXT({text},{FORMATS[fmt].format(x=text)})")
    joined = "&".join(pieces)
    if label.zero:
        name, text = label.zero
        return f'=IF({name}=0,"{text.replace(chr(34), chr(34) * 2)}",{joined})'
    return "=" + joined


def shown(label: Label | str, values: Mapping[str, object]) -> str:
    """The text ``label`` shows when its inputs hold ``values`` (plain text is itself)."""
    if not isinstance(label, Label):
        return label
    if label.zero and values.get(label.zero[0]) == 0 and not isinstance(values.get(label.zero[0]), bool):
        return label.zero[1]
    out = []
    for text, fmt in parts(label):
        if fmt is None:
            out.append(text)
            continue
        if text not in values:
            raise ValueError(f"label {label.text!r}: {text} is not a scalar input")
        value = values[text]
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            out.append(
                f"[{text}]"
            )  # not a number (an invalid input read back from a workbook): the workbook shows #VALUE!
            continue
        out.append(_format(float(value), fmt))
    return "".join(out)


def _format(value: float, fmt: str) -> str:
    if fmt in ("%", "0%"):
        whole = float(round_half_up(value, 2)) == value
        if fmt == "0%" or whole:
            return f"{float(round_half_up(value * 100, 0)):.0f}%"
        return _decimals(float(round_half_up(value * 100, 2))) + "%"
    if fmt == "0" or float(round_half_up(value, 0)) == value:
        return f"{float(round_half_up(value, 0)):.0f}"
    return _decimals(float(round_half_up(value, 2)))


def _decimals(value: float) -> str:
    """``0.0#``: one decimal always, a second when it is not zero."""
    text = f"{value:.2f}"
    return text[:-1] if text.endswith("0") else text
