"""Model audit (A002–A008): what any workbook is checked for, ours or not.

Links to other workbooks, volatile functions, constants embedded in
formulas, ``#REF!`` in formula text, hidden sheets, manual calculation,
macros, and circular references (on the dependency graph, :mod:`.graph`).
Error values shown in cells (A001, A009) are :mod:`.error_values`.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from workbook.kit import formula_text as ft
from workbook.validate.catalogue import ALLOWED_CONSTANTS, VOLATILE
from workbook.validate.context import Context
from workbook.validate.graph import Graph
from workbook.validate.report import clip


def workbook_settings(ctx: Context) -> None:
    """A005 hidden sheets, A006 manual calculation, A008 active content, A002 external link parts and names."""
    book, package = ctx.book, ctx.opened.package
    for ws in book.worksheets + list(getattr(book, "chartsheets", [])):
        if ws.sheet_state != "visible":
            ctx.add(
                "A005",
                ws.title,
                None,
                f"sheet '{ws.title}' is {ws.sheet_state.replace('veryHidden', 'very hidden')}; "
                "hidden sheets hide logic from reviewers",
            )
    calc = getattr(book, "calculation", None)
    if calc is not None and (calc.calcMode or "auto") == "manual":
        ctx.add(
            "A006",
            None,
            None,
            "calculation mode is manual: Excel does not update figures when inputs change, "
            "so the numbers shown may be stale (Formulas > Calculation Options > Automatic)",
        )
    for part in package.macros:
        ctx.add(
            "A008",
            None,
            None,
            f"the file contains macros or other active content ({part}); they were not run — "
            "do not enable them unless you trust the sender",
        )
    for part in package.external_links:
        if part.startswith("xl/externalLinks/"):
            ctx.add("A002", None, None, f"the workbook links to another workbook ({part})")
    for name, defined in book.defined_names.items():
        if ft.has_external(defined.attr_text or ""):
            ctx.add("A002", None, None, f"defined name {name} refers to another workbook: {defined.attr_text}")


def formulas(ctx: Context, cells: dict) -> None:
    """A002 external references, A003 OFFSET/INDIRECT, A004 embedded constants, A001 error literals."""
    for (sheet, row, column), text in cells.items():
        ref = f"{get_column_letter(column)}{row}"
        if ft.has_external(text):
            ctx.add("A002", sheet, ref, f"the formula {clip(text)} refers to another workbook")
        used = sorted(VOLATILE.intersection(ft.functions(text)))
        if used:
            ctx.add(
                "A003",
                sheet,
                ref,
                f"the formula {clip(text)} uses {' and '.join(used)}: the cells it depends on are hidden from "
                "auditing; use direct references or INDEX",
            )
        constants = [n for n in ft.numbers(text) if ft._number(n) not in ALLOWED_CONSTANTS]
        if constants:
            ctx.add(
                "A004",
                sheet,
                ref,
                f"the formula {clip(text)} embeds the constant(s) {', '.join(constants[:5])}: put them on the "
                "Inputs sheet as named inputs",
            )
        errors = ft.errors(text)
        if errors:
            ctx.add(
                "A001",
                sheet,
                ref,
                f"the formula {clip(text)} contains {errors[0]} (a reference to deleted cells or an error literal)",
            )


def circular(ctx: Context, graph: Graph) -> None:
    """A007: each cycle of the dependency graph, once."""
    for cycle in graph.cycles():
        names = [f"{s}!{get_column_letter(c)}{r}" for s, r, c in cycle]
        sheet, row, col = cycle[0]
        shown = " → ".join([*names[:6], names[0]]) if len(names) <= 6 else " → ".join(names[:6]) + " → …"
        ctx.add(
            "A007", sheet, f"{get_column_letter(col)}{row}", f"circular reference through {len(cycle)} cell(s): {shown}"
        )
