"""Template refresh: rebuild an old workbook with the current template, carrying every input.

``python build.py --refresh OLD.xlsx [-o NEW.xlsx]``. The new workbook is the
builder's own output (:func:`workbook.generate.build`) for the current
template instantiated with OLD's inputs (:func:`workbook.reading.existing.read_inputs`):

- scalar inputs by defined name (falling back to the label in column A);
- input blocks cell by cell, keeping OLD's number of rows (a four-tier
  schedule stays four tiers);
- every placement row of OLD's Placements table, at the same positions;
- text stays text: an input such as ``=1+2`` is written as text, never as a
  formula;
- a formula typed into an input cell is carried as its last computed value
  (and reported), since inputs are values.

What cannot be mapped (a missing name and label, data below the Placements
table or below a block, which OLD's formulas did not count either) is
reported, and the template's default is kept. The validation ranges are the
current template's; where OLD's Min/Max differ, the report says so. OLD is
only read, never written; NEW defaults to ``OLD_refreshed.xlsx`` beside it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import model
from model.errors import CEOModelError
from model.terms import TERMS
from workbook.generate import Built, build
from workbook.kit.files import RefusedOverwrite
from workbook.kit.layout import build_layout
from workbook.kit.spec import Input, InputBlock
from workbook.reading.existing import InputsRead, detect_flavour, open_workbook, read_inputs
from workbook.reading.placements_file import read_placements
from workbook.sheets.template import FLAVOURS, PLACEMENTS_FIRST_ROW, Deal, template


@dataclass
class Refreshed:
    old: Path
    new: Path
    flavour: str
    inputs: InputsRead
    built: Built
    macros: list[str]

    @property
    def complete(self) -> bool:
        """Whether every input of OLD was carried."""
        return not self.inputs.not_carried


def default_target(old: Path) -> Path:
    return Path(old).with_name(f"{Path(old).stem}_refreshed.xlsx")


def refresh(
    old: Path,
    new: Path | None = None,
    *,
    flavour: str | None = None,
    force: bool = False,
    deal: Deal | None = None,
    placements_file: Path | None = None,
    date_format: str | None = None,
    allow_duplicates: bool = True,
    allow_non_trading_days: bool = True,
) -> Refreshed:
    """Write NEW from the current template with OLD's inputs; OLD is never modified.

    OLD's own terms (read back from its Inputs) are used unless ``deal`` is
    given (``--terms``), and OLD's placements unless ``placements_file`` is
    (``--placements``, read and checked against the terms that apply). Inputs that are not terms (scenario axes, debenture
    prices, the checks' tolerance) are carried from OLD where their shape fits.

    Raises :class:`~workbook.kit.safety.UnreadableWorkbook` for a file that cannot
    be read safely and :class:`~workbook.kit.files.RefusedOverwrite` when NEW is
    OLD or a file this project did not build (unless ``force``).
    """
    old = Path(old)
    new = Path(new) if new is not None else default_target(old)
    if new.exists() and old.exists() and new.resolve() == old.resolve():
        raise RefusedOverwrite(f"{new} is the old workbook itself; refresh never modifies it — choose another -o")
    if new.suffix.lower() != ".xlsx":
        raise RefusedOverwrite(f"{new.name}: the refreshed workbook is an .xlsx (no macros); name it *.xlsx")
    opened = open_workbook(old)
    read = read_inputs(opened, as_built=False)
    if read.cells == 0:
        raise CEOModelError("OLD", f"{Path(old).name} is not a CEO Model workbook: none of its inputs were found")
    if deal is not None or placements_file is not None:
        if deal is None and read.terms is None:
            raise CEOModelError("OLD", "its terms are not valid, so --placements alone cannot be applied; give --terms")
        placements = None
        if placements_file is not None:
            terms = deal.terms if deal is not None else read.terms
            placements = read_placements(
                placements_file,
                terms,
                date_format,
                allow_duplicates=allow_duplicates,
                allow_non_trading_days=allow_non_trading_days,
            )
            read.notes.append(f"placements replaced by {Path(placements_file).name} ({len(placements)} rows)")
        if deal is not None:
            read.notes.append("terms replaced by the --terms file (OLD's own terms are not used)")
        read.sheets = _override(read, deal, placements)
    if flavour is None:
        layouts = {f: build_layout(f, read.sheets) for f in FLAVOURS}
        flavour = detect_flavour(opened.book, layouts)
    built = build(new.parent, flavour, force=force, sheets=read.sheets, target=new)
    return Refreshed(old, new, flavour, read, built, list(opened.package.macros))


def _override(read: InputsRead, deal: Deal | None, placements: pd.DataFrame | None) -> tuple:
    """The template for the given deal and placements, carrying OLD's other inputs where they fit."""
    frame = placements if placements is not None else _placements_of(read.sheets)
    if deal is not None and placements is None:
        # OLD's placements under the new terms: refused (naming the row) if they pass the new maximum
        model.placements(frame, deal.terms, "OLD's placements", header_rows=PLACEMENTS_FIRST_ROW - 1)
    if deal is None:
        deal = Deal(read.terms, {p.name: p.source for p in _inputs(read.sheets)}, True)
    sheets = template(deal, frame, illustrative=False)
    old = {p.name: p for p in _inputs(read.sheets)}
    term_homes = {t.excel for t in TERMS if t.excel} | {"Schedule", "Holidays", "LowestRanks"}
    parts = []
    for part in next(s for s in sheets if s.name == "Inputs").parts:
        was = old.get(getattr(part, "name", None))
        if was is None or part.name in term_homes:
            parts.append(part)
        elif isinstance(part, Input):
            parts.append(dataclasses.replace(part, value=was.value))
        elif len(was.rows) == len(part.rows) and _within(was.rows, part):
            parts.append(dataclasses.replace(part, rows=was.rows))
        else:
            read.notes.append(f"{part.name}: OLD's values do not fit the new terms (rows or range); defaults used")
            parts.append(part)
    return tuple(dataclasses.replace(s, parts=tuple(parts)) if s.name == "Inputs" else s for s in sheets)


def _within(rows, block: InputBlock) -> bool:
    """Whether every number of ``rows`` lies within the block's validation range (e.g. a chart axis up to the
    programme maximum)."""
    return all(
        not isinstance(v, int | float) or block.low[j] <= v <= block.high[j]
        for row in rows
        for j, v in enumerate(row)
        if j < len(block.low) and isinstance(block.low[j], int | float) and isinstance(block.high[j], int | float)
    )


def _inputs(sheets) -> list:
    return [p for p in next(s for s in sheets if s.name == "Inputs").parts if isinstance(p, Input | InputBlock)]


def _placements_of(sheets) -> pd.DataFrame:
    return next(s for s in sheets if s.name == "Placements").parts[1]


def report(r: Refreshed) -> str:
    """What was carried, what was not and why — for a person."""
    i = r.inputs
    lines = [
        f"refreshed {r.old} -> {r.new} ({r.flavour} flavour, current template)",
        f"carried {i.cells} input cell(s): {len(i.carried)} inputs and blocks, {i.placements} placement row(s)",
    ]
    lines += [f"  carried: {line}" for line in i.carried]
    if i.notes or r.macros:
        lines.append("notes:")
        lines += [f"  {line}" for line in i.notes]
        lines += [f"  macros/active content not carried (the refreshed file is a plain .xlsx): {m}" for m in r.macros]
    if i.not_carried:
        lines.append(f"NOT carried ({len(i.not_carried)}):")
        lines += [f"  {line}" for line in i.not_carried]
    else:
        lines.append("every input was carried")
    return "\n".join(lines)
