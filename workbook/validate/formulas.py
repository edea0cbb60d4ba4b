"""Formulas (I001–I003): every calculation, check and output holds the template's formula, consistently.

A line item's cells share one formula (R1C1): a cell that differs from the
rest is inconsistent (I003); a whole line item that differs from the template
is one finding (I002); a formula replaced by a constant or deleted is a
hard-code (I001). Formulas are compared after normalising what applications
rewrite when they save (:func:`workbook.kit.formula_text.normalised`).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from openpyxl.utils import range_boundaries

from workbook.kit import formula_text as ft
from workbook.kit.layout import LINK
from workbook.reading.existing import formula_text, is_formula
from workbook.validate.context import Context, empty, position
from workbook.validate.report import shown


def template_formulas(ctx: Context) -> None:
    by_line: dict[str, list] = defaultdict(list)
    for sheet, template_ref, spec in ctx.layout.formula_cells():
        ws = ctx.ws(sheet)
        if ws is None:
            continue
        label = spec.label or spec.name or spec.line or template_ref
        where = ctx.actual[sheet]
        ref = ctx.at(sheet, template_ref)
        if ref is None:
            ctx.add(
                "I001",
                where,
                None,
                f"{label}: the row holding its formula (template {template_ref}) was deleted; the template has "
                f"{spec.value}",
            )
            continue
        cell = ws[ref]
        text = formula_text(cell)
        if text is None:
            what = (
                "was deleted (the cell is empty)"
                if empty(cell.value)
                else f"was replaced by the constant {shown(cell.value)}"
            )
            ctx.add(
                "I001",
                where,
                ref,
                f"{label}: the formula {what}; the template has {spec.value} — it no longer follows the inputs",
            )
            continue
        by_line[spec.line or f"{sheet}!{template_ref}"].append((sheet, ref, spec, text))
    for line, cells in by_line.items():
        _line_item(ctx, line, cells)


def _line_item(ctx: Context, line: str, cells: list) -> None:
    if not ctx.renames and all(text == ctx.expected(sheet, spec.value) for sheet, _, spec, text in cells):
        return  # every cell as the template writes it (so consistent, as built): nothing to tokenise
    inconsistent = set()
    consistent_cells = [c for c in cells if c[2].role != LINK]
    if len(consistent_cells) >= 2:
        forms = {}
        for sheet, ref, spec, text in consistent_cells:
            row, col = position(ref)
            forms[ref] = (ft.r1c1(text, row, col, ctx.renames), ft.r1c1(ctx.expected(sheet, spec.value), row, col))
        counts = Counter(actual for actual, _ in forms.values())
        template_form = next(iter(forms.values()))[1]
        reference = max(counts, key=lambda form: (counts[form], form == template_form))
        for sheet, ref, spec, text in consistent_cells:
            if forms[ref][0] != reference:
                inconsistent.add(ref)
                ctx.add(
                    "I003",
                    ctx.actual[sheet],
                    ref,
                    f"{spec.label or line}: {text} is inconsistent with the other {counts[reference]} cell(s) of its "
                    f"line item; the template has {spec.value}",
                )
    differing = [
        (sheet, ref, spec, text)
        for sheet, ref, spec, text in cells
        if ref not in inconsistent
        and ft.normalised(text, ctx.renames) != ft.normalised(ctx.expected(sheet, spec.value))
    ]
    if not differing:
        return
    sheet, ref, spec, text = differing[0]
    more = ""
    if len(differing) > 1:
        refs = [r for _, r, _, _ in differing]
        more = f" (and {len(differing) - 1} more cell(s) of this line item: {', '.join(refs[1:6])}{', …' if len(refs) > 6 else ''})"
    ctx.add(
        "I002",
        ctx.actual[sheet],
        ref,
        f"{spec.label or spec.name or line}: the formula is {text}; the template has {spec.value}{more}",
    )


def formula_cells(book) -> dict[tuple[str, int, int], str]:
    """{(sheet, row, column): formula text} of every formula cell in the workbook."""
    found = {}
    for ws in book.worksheets:
        for (row, column), cell in ws._cells.items():
            if is_formula(cell):
                found[(ws.title, row, column)] = formula_text(cell)
    return found


def with_array_parts(book, cells: dict) -> dict:
    """``cells`` and every cell an array formula fills, each with the array's formula (it computes there too)."""
    out = dict(cells)
    for ws in book.worksheets:
        for (row, column), cell in ws._cells.items():
            ref = getattr(cell.value, "ref", None)
            if type(cell.value).__name__ != "ArrayFormula" or not ref:
                continue
            c1, r1, c2, r2 = range_boundaries(str(ref).replace("$", ""))
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    out.setdefault((ws.title, r, c), cells[(ws.title, row, column)])
    return out
