"""The outcome after recalculation (O001): the Checks total is 0, or the failing checks and invalid inputs named."""

from __future__ import annotations

import sys

from workbook.engine import engines  # looked up at each call: the engine is chosen (and can be replaced) per run
from workbook.kit.layout import CHECK
from workbook.kit.shape import NOT_JUDGED
from workbook.reading.existing import name_destination, parse_ref
from workbook.validate.context import Context
from workbook.validate.report import shown


def outcome(ctx: Context) -> dict | None:
    """Recalculate the file and report failing checks; the computed values (None when not recalculated)."""
    lay = ctx.layout
    found = name_destination(ctx.book, "ChecksTotal") or parse_ref(lay.names.get("ChecksTotal", ""))
    sheet, ref = found if found else ("Checks", "B1")
    if ctx.opened.package.external_links:
        ctx.add("O001", sheet, ref, "not recalculated: the workbook links to other workbooks (see A002)")
        return None
    try:
        engine = ctx.engine or engines.choose()  # LibreOffice when it can run (seconds at 10,000 placements)
        print(  # say what is being done: the formulas engine takes minutes on a large workbook
            f"validate: recalculating {ctx.opened.path.name} with {engine}"
            + (" (can take a few minutes)" if engine == "formulas" else "")
            + "…",
            file=sys.stderr,
            flush=True,
        )
        values = engines.compute(ctx.opened.path, engine)
    except Exception as exc:
        ctx.add("O001", sheet, ref, f"could not recalculate: {type(exc).__name__}: {str(exc)[:150]}")
        return None
    total = values.get((sheet, ref))
    if total == 0:
        return values
    failing, flags = [], []
    for tsheet, cells in lay.cells.items():
        for cref, spec in cells.items():
            if spec.role != CHECK or spec.name == "ChecksTotal":
                continue
            value = values.get((ctx.actual.get(tsheet, tsheet), ctx.loc(tsheet, cref)))
            if value in (0, None, NOT_JUDGED):  # a check not judged: a broken input rule is the reason
                continue
            if spec.line and spec.line.startswith("InputFlag."):
                flags.append(f"{(spec.label or cref).removeprefix('Input validity: ')} ({tsheet}!{cref})")
            elif spec.name:
                failing.append(f"'{spec.label}' ({tsheet}!{cref} = {shown(value)})")
    detail = "; ".join(failing) or "no individual check is 1 — the total itself is wrong"
    if flags:
        detail += f"; invalid inputs: {', '.join(flags[:8])}{', …' if len(flags) > 8 else ''}"
    ctx.add("O001", sheet, ref, f"Checks total is {shown(total)} after recalculation. Failing: {detail}")
    return values
