"""Error values shown in cells (A001, A009), reported where they start, not in every cell they spread to.

An error that follows from an input already reported (N001–N003, I004) is
counted in that input's finding; ``#NAME?`` in cells calling the add-in is one
A009 finding for all of them; every other error is one A001 where it starts,
with the count of cells depending on it.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from udfs import EXCEL_FUNCTIONS
from workbook.kit import formula_text as ft
from workbook.validate.catalogue import BAD_INPUT_RULES, ERROR_VALUES
from workbook.validate.context import Context, position
from workbook.validate.graph import Graph
from workbook.validate.report import clip


def error_values(ctx: Context, graph: Graph, computed: dict | None) -> None:
    """``computed``: the values after recalculation (None: the cached values, as last calculated)."""
    errors: dict[tuple[str, int, int], str] = {}
    for ws in ctx.opened.cached.worksheets:
        for (row, column), cell in ws._cells.items():
            value = cell.value
            if computed is not None and (ws.title, row, column) in graph.formulas:
                value = computed.get((ws.title, f"{get_column_letter(column)}{row}"), value)
            if isinstance(value, str) and (value.upper() in ERROR_VALUES or cell.data_type == "e"):
                errors[(ws.title, row, column)] = value
    _missing_addin(ctx, graph, errors)
    _follow_bad_inputs(ctx, graph, errors)
    already = {(f.sheet, f.cell) for f in ctx.findings if f.rule == "A001"}
    reported = 0
    for node in sorted(errors, key=lambda n: (n[0], n[1], n[2])):
        if any(p in errors for p in graph.precedents(node)):
            continue  # not where the error starts
        dependents = graph.dependents(node, errors)
        sheet, row, col = node
        reported += 1
        if (sheet, f"{get_column_letter(col)}{row}") in already:
            continue
        tail = f"; {len(dependents)} cell(s) depending on it show errors too" if dependents else ""
        text = graph.formulas.get(node)
        source = "after recalculation" if computed is not None else "as last calculated"
        what = f"the formula {clip(text)}" if text else "the cell"
        ctx.add("A001", sheet, f"{get_column_letter(col)}{row}", f"{what} shows {errors[node]} {source}{tail}")
    if errors and not reported:  # every error cell depends on another: a cycle of errors
        sheet, row, col = min(errors)
        ctx.add("A001", sheet, f"{get_column_letter(col)}{row}", f"the cell shows {errors[(sheet, row, col)]}")


def _bad_inputs(ctx: Context, graph: Graph) -> list[tuple[int, set]]:
    """Each finding on an input cell (its index) with the formula cells computed from it."""
    out = []
    for i, f in enumerate(ctx.findings):
        if f.rule not in BAD_INPUT_RULES or not f.sheet or not f.cell or ":" in f.cell:
            continue
        row, col = position(f.cell)
        out.append((i, graph.downstream((f.sheet, row, col))))
    return out


def _follow_bad_inputs(ctx: Context, graph: Graph, errors: dict) -> None:
    """Error values that follow from a reported input cell leave ``errors``; that cell's finding counts them."""
    for index, downstream in _bad_inputs(ctx, graph):
        hit = sorted(node for node in downstream if node in errors)
        if not hit:
            continue
        for node in hit:
            del errors[node]
        s, r, c = hit[0]
        ctx.extend(
            index, f"; {len(hit)} formula cell(s) computed from it show errors (first {s}!{get_column_letter(c)}{r})"
        )


def _missing_addin(ctx: Context, graph: Graph, errors: dict) -> None:
    """One A009 finding for all cells calling the add-in that show #NAME?; they leave ``errors`` (no A001 each)."""
    cells = [
        node
        for node, value in errors.items()
        if value.upper() == "#NAME?"
        and not EXCEL_FUNCTIONS.keys().isdisjoint(ft.functions(graph.formulas.get(node) or ""))
    ]
    if not cells:
        return
    for node in cells:
        del errors[node]
    spread = set()
    for node in cells:
        spread |= graph.dependents(node, errors)
    for node in spread:  # errors that only follow from the missing functions
        del errors[node]
    sheet, row, col = min(cells)
    ctx.add(
        "A009",
        sheet,
        f"{get_column_letter(col)}{row}",
        f"{len(cells)} cell(s) calling the add-in's functions (CEO_FEE, …) show #NAME? ({len(spread)} more depend "
        "on them): the "
        "application that last calculated this file did not have the CEO add-in loaded. Install the add-in "
        "(xlwings in Excel, the CEO extension in LibreOffice) and recalculate, or use the native flavour "
        "(build.py --flavour native), which needs no add-in",
    )
