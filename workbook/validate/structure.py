"""Structure (S001–S004): the template's sheets, defined names and the Placements table are where it put them."""

from __future__ import annotations

from openpyxl.utils import get_column_letter, range_boundaries

from workbook.kit import formula_text as ft
from workbook.reading.existing import parse_ref
from workbook.validate.context import Context
from workbook.validate.report import shown


def sheets(ctx: Context) -> None:
    """S001 (missing or renamed; a renamed sheet is found by its title) and S004 (a sheet not of the template)."""
    lay, book = ctx.layout, ctx.book
    present = set(book.sheetnames)
    extra = [s for s in book.sheetnames if s not in lay.sheet_order]
    for sheet in lay.sheet_order:
        if sheet in present:
            ctx.actual[sheet] = sheet
            continue
        title = lay.cells.get(sheet, {}).get("A1")
        match = next((e for e in extra if title and book[e]["A1"].value == title.value), None)
        if match:
            extra.remove(match)
            ctx.actual[sheet] = match
            ctx.renames[match] = sheet
            ctx.add(
                "S001",
                match,
                None,
                f"sheet '{sheet}' was renamed to '{match}'; rename it back "
                "(the template, refresh and the xlwings add-in find sheets by name)",
            )
        else:
            ctx.add(
                "S001", sheet, None, f"sheet '{sheet}' is missing; its line items and everything using them are lost"
            )
    for sheet in extra:
        ctx.add("S004", sheet, None, f"sheet '{sheet}' is not part of the template: its formulas are audited only")


def names(ctx: Context) -> None:
    """S002: every defined name of the template exists, points where the template says, and is not shadowed."""
    book, lay = ctx.book, ctx.layout
    for name, template_ref in lay.names.items():
        sheet, _ = parse_ref(template_ref)
        ref = ctx.moved_ref(sheet, template_ref)
        first = ref.rsplit("!", 1)[1].replace("$", "").split(":")[0]
        where_sheet = ctx.actual.get(sheet, sheet)
        expected = _canonical(ctx, ref)
        defined = book.defined_names.get(name)
        if defined is None:
            ctx.add(
                "S002",
                where_sheet,
                first,
                f"defined name {name} is missing (template: {ref}); formulas using it show #NAME?",
            )
            continue
        target = parse_ref(defined.attr_text or "")
        if target and target[0] not in book.sheetnames:
            ctx.add(
                "S002",
                where_sheet,
                first,
                f"defined name {name} points to {defined.attr_text}, on a sheet that does not exist; "
                f"the template has {ref}",
            )
        elif _canonical(ctx, defined.attr_text or "") != expected:
            ctx.add(
                "S002", where_sheet, first, f"defined name {name} points to {defined.attr_text}; the template has {ref}"
            )
    for ws in book.worksheets:
        for name in getattr(ws, "defined_names", {}):
            if name in lay.names:
                ctx.add(
                    "S002",
                    ws.title,
                    None,
                    f"a sheet-level name {name} on '{ws.title}' shadows the workbook name "
                    f"({ws.defined_names[name].attr_text}); formulas on this sheet use it instead of {lay.names[name]}",
                )


def _canonical(ctx: Context, text: str) -> str:
    sheet, rest = ft.split_sheet(text.strip())
    sheet = ctx.renames.get(sheet, sheet) if sheet else ""
    return f"{sheet.upper()}!{ft.one_cell(rest.replace('$', '').upper())}"


def table(ctx: Context) -> None:
    """S003: the Placements table is there, of the template's size and headers, with nothing typed below it."""
    for sheet, name, template_ref in ctx.layout.tables:
        ws = ctx.ws(sheet)
        if ws is None:
            continue
        ref = ctx.moved_ref(sheet, template_ref).replace("$", "")
        where = ctx.actual[sheet]
        top = ref.split(":")[0]
        found = ws.tables.get(name)
        if found is None:
            others = ", ".join(ws.tables.keys())
            ctx.add(
                "S003",
                where,
                top,
                f"the Excel table {name} ({ref}) is missing" + (f"; the sheet has {others}" if others else ""),
            )
        elif found.ref.replace("$", "") != ref:
            ctx.add("S003", where, top, f"the Excel table {name} spans {found.ref}; the template has {ref}")
        c1, r1, c2, r2 = range_boundaries(ref)
        template_r1 = range_boundaries(template_ref)[1]
        for c in range(c1, c2 + 1):
            head = f"{get_column_letter(c)}{r1}"
            expected = ctx.layout.cells[sheet][f"{get_column_letter(c)}{template_r1}"].value
            if ws[head].value != expected:
                ctx.add("S003", where, head, f"table header is {shown(ws[head].value)}; the template has {expected!r}")
        below = sorted(
            (cell.row, cell.column)
            for (row, column), cell in ws._cells.items()
            if row > r2 and c1 <= column <= c2 and cell.value not in (None, "")
        )
        if below:
            r, c = below[0]
            rows = sorted({r for r, _ in below})
            ctx.add(
                "S003",
                where,
                f"{get_column_letter(c)}{r}",
                f"{len(rows)} row(s) of data below the Placements table (rows {rows[0]}–{rows[-1]}): "
                f"formulas count rows {r1 + 1}–{r2} only, so these placements are ignored",
            )
