"""Rows a person inserted or deleted (S005, I005): the template's rows found where the edits moved them.

On a sheet whose defined names or table moved, the rows of the file are
aligned with the template's by their signatures (labels, and where formulas
and values are): :func:`locate_rows` fills :attr:`Context.rowmaps`, through
which every other rule finds the template's cells. A row inserted into an
Inputs block grows the block by an empty entry; :func:`without_inserted_entries`
gives the template without those entries (each reported once, I005), so the
rest is compared with the blocks as built.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from openpyxl.utils import get_column_letter, range_boundaries

from workbook.kit.rows import align
from workbook.kit.spec import InputBlock
from workbook.reading.existing import is_formula, name_destination, parse_ref
from workbook.validate.context import Context, empty, position
from workbook.validate.report import rows_words

# In a row's signature on Inputs, where a number or date is: the rows of an input table hold nothing else, and an
# empty row inserted into a table must be told from the table's own rows.
VALUE = "#"


def locate_rows(ctx: Context) -> None:
    """Align the rows of each template sheet whose names or table moved; report rows that are not ours (S005)."""
    for sheet in ctx.layout.sheet_order:
        if sheet not in ctx.actual or not rows_moved(ctx, sheet):
            continue
        found = align(template_signatures(ctx, sheet), actual_signatures(ctx, sheet))
        if found.identity:
            continue
        ctx.rowmaps[sheet] = found
        parts = []
        if found.inserted:
            parts.append(f"row(s) {rows_words(found.inserted)} were inserted: they are audited, not compared")
        signatures = template_signatures(ctx, sheet)
        blank = [r for r in found.deleted if not signatures[r - 1]]
        labels = [r for r in found.deleted if signatures[r - 1] and all(v != "=" for _, v in signatures[r - 1])]
        if blank:
            parts.append(f"blank template row(s) {rows_words(blank)} were deleted")
        if labels:
            parts.append(f"template row(s) {rows_words(labels)}, holding labels only, were deleted")
        if parts:
            ctx.add(
                "S005",
                ctx.actual[sheet],
                None,
                f"sheet '{ctx.actual[sheet]}': {'; '.join(parts)}; the template's cells were found where the "
                "rows moved them",
            )


def inputs_sheet(book, sheets: tuple) -> str | None:
    """The file's Inputs sheet before the layout exists: by its name, else (renamed) by its title, as
    :func:`workbook.validate.structure.sheets` finds it once the layout is there."""
    spec = next((s for s in sheets if s.name == "Inputs"), None)
    if spec is None:
        return None
    if spec.name in book.sheetnames:
        return spec.name
    ours = {s.name for s in sheets}
    return next((e for e in book.sheetnames if e not in ours and book[e]["A1"].value == spec.title), None)


def without_inserted_entries(book, sheets: tuple, inputs: str | None) -> tuple[tuple | None, list[tuple]]:
    """The template's sheets without the empty entries that rows inserted into Inputs blocks added, and the I005
    finding of each (rule, sheet, cell, message); (None, []) when there is none.

    The expected layout reads each block at the size its name has in the file
    (:func:`workbook.reading.existing.read_inputs`); a row inserted into a block grows
    it by an empty entry, which would make the template expect one more entry
    (and one more line item) than was built. Each such entry is reported once
    (I005), and the blocks are compared as built. ``inputs``: the file's Inputs sheet (:func:`inputs_sheet`).
    """
    if inputs is None:
        return None, []
    ws = book[inputs]
    out, found = [], []
    for sheet in sheets:
        if sheet.name != "Inputs":
            out.append(sheet)
            continue
        parts = []
        for part in sheet.parts:
            dest = name_destination(book, part.name) if isinstance(part, InputBlock) else None
            if dest and dest[0] == inputs:
                c1, r1, c2, r2 = range_boundaries(dest[1])
                drop = [r for r in range(r1, r2 + 1) if all(empty(ws.cell(r, c).value) for c in range(c1, c2 + 1))]
                if drop and len(drop) < len(part.rows) and len(part.rows) == r2 - r1 + 1:
                    part = dataclasses.replace(
                        part, rows=tuple(x for i, x in enumerate(part.rows) if r1 + i not in drop)
                    )
                    found.append(
                        (
                            "I005",
                            inputs,
                            f"{get_column_letter(c1)}{drop[0]}",
                            f"{part.title}: row(s) {rows_words(drop)} added an empty entry to {part.name} "
                            f"({dest[1]}); formulas over the block include it — fill it in or delete the row",
                        )
                    )
            parts.append(part)
        out.append(dataclasses.replace(sheet, parts=tuple(parts)))
    return (tuple(out) if found else None), found


def rows_moved(ctx: Context, sheet: str) -> bool:
    """Whether a defined name or table of the template on ``sheet`` is elsewhere in the file."""
    for name, ref in ctx.layout.names.items():
        target = parse_ref(ref)
        if not target or target[0] != sheet:
            continue
        defined = ctx.book.defined_names.get(name)
        if defined is None:
            continue
        if "#REF!" in (defined.attr_text or "").upper():
            return True
        found = parse_ref(defined.attr_text or "")
        if found and found[0] == ctx.actual[sheet] and found[1] != target[1]:
            return True
    ws = ctx.ws(sheet)
    for tsheet, name, ref in ctx.layout.tables:
        table = ws.tables.get(name) if tsheet == sheet else None
        if table is not None and table.ref.replace("$", "") != ref:
            return True
    return False


def template_signatures(ctx: Context, sheet: str) -> list[tuple]:
    """Per row of the template's ``sheet``: (column, "=" for a formula, the text, or VALUE), sorted."""
    if sheet not in ctx.signatures:
        rows: dict[int, list] = defaultdict(list)
        for ref, spec in ctx.layout.cells[sheet].items():
            row, col = position(ref)
            value = spec.value
            if isinstance(value, str) and value.startswith("="):
                rows[row].append((col, "="))
            elif isinstance(value, str) and value.strip():  # labels, and text inputs as built
                rows[row].append((col, value))
            elif sheet == "Inputs" and value is not None:
                rows[row].append((col, VALUE))
        last = max(rows, default=0)
        ctx.signatures[sheet] = [tuple(sorted(rows.get(r, ()))) for r in range(1, last + 1)]
    return ctx.signatures[sheet]


def actual_signatures(ctx: Context, sheet: str) -> list[tuple]:
    """:func:`template_signatures` of the file's sheet."""
    ws = ctx.ws(sheet)
    rows: dict[int, list] = defaultdict(list)
    for (row, col), cell in ws._cells.items():
        if is_formula(cell):
            rows[row].append((col, "="))
        elif isinstance(cell.value, str) and cell.value.strip():
            rows[row].append((col, cell.value))
        elif sheet == "Inputs" and cell.value is not None and not isinstance(cell.value, str):
            rows[row].append((col, VALUE))
    last = max(rows, default=0)
    return [tuple(sorted(rows.get(r, ()))) for r in range(1, last + 1)]
