"""Placements (I004, S003, N004): complete rows, inside the ledger, within the programme maximum."""

from __future__ import annotations

from openpyxl.utils import get_column_letter, range_boundaries

from model.rounding import round_half_up
from workbook.reading.existing import parse_ref
from workbook.validate.context import Context, empty, number


def placements(ctx: Context) -> None:
    lay = ctx.layout
    if ctx.ws("Placements") is None or "PlacementShares" not in lay.names:
        return
    _, shares = parse_ref(lay.names["PlacementShares"])
    _, header, _, last = range_boundaries(shares)  # the column with its header
    first = header + 1
    where = ctx.actual["Placements"]
    headers = [lay.cells["Placements"][f"{c}{first - 1}"].value for c in "ABC"]
    for row in range(first, last + 1):
        values = [ctx.input_value("Placements", f"{c}{row}")[0] for c in "ABC"]
        filled = [not empty(x) for x in values]
        if any(filled) and not all(filled):
            missing = [headers[i] for i in range(3) if not filled[i]]
            at = "ABC"[filled.index(False)]
            ctx.add(
                "I004",
                where,
                ctx.loc("Placements", f"{at}{row}"),
                f"placement {row - first + 1} has no {' or '.join(missing)}: the row is incomplete, "
                "its commission and warrants are not computed and the Checks sheet flags it",
            )
    _beyond_ledger(ctx, first, last)
    maximum = programme_maximum(ctx)
    if maximum is None:
        return
    total = 0.0
    for row in range(first, last + 1):
        shares_value = ctx.input_value("Placements", f"B{row}")[0]
        price = ctx.input_value("Placements", f"C{row}")[0]
        if not (number(shares_value) and number(price)):
            continue
        total = round_half_up(total + round_half_up(shares_value * price, 2), 2)
        if total > maximum + 0.005:
            ctx.add(
                "N004",
                where,
                ctx.loc("Placements", f"B{row}"),
                f"placement {row - first + 1} takes cumulative gross sales to ${total:,.2f}, beyond the programme "
                f"maximum of ${maximum:,.2f} (the largest To of the commission schedule)",
            )
            return


def _beyond_ledger(ctx: Context, first: int, last: int) -> None:
    """S003: placements a person's inserted rows pushed past the ledger's last row: the totals leave them out."""
    ledger = ctx.layout.names.get("LedgerShares")
    if not ledger:
        return
    _, r1, _, r2 = range_boundaries(parse_ref(ledger)[1])
    reach = first + (r2 - r1 + 1) - 1  # ledger row k reads placement k
    beyond = [
        row
        for row in range(reach + 1, last + 1)
        if any(not empty(ctx.input_value("Placements", f"{c}{row}")[0]) for c in "ABC")
    ]
    if beyond:
        ctx.add(
            "S003",
            ctx.actual["Placements"],
            ctx.loc("Placements", f"A{beyond[0]}"),
            f"{len(beyond)} placement row(s) (rows {beyond[0]}–{beyond[-1]}) lie past the ledger's "
            f"{r2 - r1 + 1} rows, so the totals leave them out: refresh the workbook (ceo-model refresh FILE) to build a "
            "longer ledger",
        )


def programme_maximum(ctx: Context) -> float | None:
    """The largest To of the file's commission schedule (None when there is none to read)."""
    ref = ctx.layout.names.get("ScheduleTo")
    if not ref:
        return None
    sheet, cells = parse_ref(ref)
    if ctx.ws(sheet) is None:
        return None
    c1, r1, c2, r2 = range_boundaries(cells)
    values = [
        ctx.input_value(sheet, f"{get_column_letter(c)}{r}")[0] for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
    ]
    numbers = [x for x in values if number(x)]
    return max(numbers) if numbers else None
