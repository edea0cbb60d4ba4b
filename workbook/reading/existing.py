"""Reading an existing workbook against the template: shared by ``validate`` and template refresh.

The template is the only description of the workbook. To compare a file with
it (validate) or to rebuild it with a newer template (refresh), the template
is instantiated with the file's own inputs: its scalar inputs (found by
defined name), its input blocks cell by cell (a block's row count follows the
file, so a workbook built with a four-tier schedule is compared with a
four-tier layout) and its placement rows. :func:`read_inputs` returns those
sheets and an account of how each input was found.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

import model
from model.errors import CEOModelError
from workbook.kit.layout import SOURCE_COLUMN, Layout, block_head_rows, build_layout
from workbook.kit.safety import PackageInfo, check_package
from workbook.kit.spec import Input, InputBlock, Sheet
from workbook.reading.deal_inputs import terms_from_inputs
from workbook.sheets.template import FLAVOURS, PLACEMENT_ROWS, PLACEMENTS_FIRST_ROW, PLACEMENTS_TABLE, Deal, template

PLACEMENT_HEADERS = ("Trade date", "Shares", "Price")
MAX_BLOCK_ROWS = 1_000
_REF = re.compile(r"^(?:'?(?P<sheet>(?:[^'!]|'')+)'?!)?(?P<ref>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)$")


@dataclass
class Opened:
    """A workbook read twice: with formulas (``book``) and with cached values (``cached``)."""

    path: Path
    package: PackageInfo
    book: object
    cached: object


def open_workbook(path: Path) -> Opened:
    """Check the package (see :mod:`workbook.kit.safety`), then load it with openpyxl (defusedxml parsing)."""
    from openpyxl import load_workbook

    path = Path(path)
    package = check_package(path, allow_external_links=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
        book = load_workbook(path, data_only=False, keep_links=True)
        cached = load_workbook(path, data_only=True, keep_links=True)
    return Opened(path, package, book, cached)


def plain(value):
    """A cell value as the template holds it: dates without a time of day as dates."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def is_formula(cell) -> bool:
    return cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula")


def formula_text(cell) -> str | None:
    """The formula of a cell with its leading ``=``, or None."""
    if not is_formula(cell):
        return None
    value = cell.value
    text = getattr(value, "text", value)
    text = str(text or "")
    return text if text.startswith("=") else "=" + text


def name_destination(book, name: str) -> tuple[str, str] | None:
    """(sheet, "A1" or "A1:B9") of a workbook-scoped defined name, None when missing or not one range."""
    defined = book.defined_names.get(name)
    if defined is None:
        return None
    return parse_ref(defined.attr_text or "")


def parse_ref(text: str) -> tuple[str, str] | None:
    m = _REF.match(text.strip())
    if not m or not m["sheet"]:
        return None
    return m["sheet"].replace("''", "'"), m["ref"].replace("$", "")


@dataclass
class InputsRead:
    """The template instantiated with a workbook's inputs, and how each was found."""

    sheets: tuple[Sheet, ...]
    carried: list[str] = field(default_factory=list)  # one line per input or block carried
    not_carried: list[str] = field(default_factory=list)  # what could not be mapped, and why
    notes: list[str] = field(default_factory=list)  # carried, but worth knowing
    placements: int = 0  # non-empty placement rows carried
    terms: object = None  # the DealTerms read back from the inputs (None when they are not valid)
    cells: int = 0  # input cells carried in all


def read_inputs(opened: Opened, terms=model.PROSPECTUS, *, as_built: bool = True) -> InputsRead:
    """The current template carrying every input of ``opened``, instantiated with the file's own terms.

    ``terms`` only locates the inputs (every deal has the same input names);
    the sheets returned are the template for the terms read back from the file
    (:func:`workbook.reading.deal_inputs.terms_from_inputs`), so validation ranges,
    block sizes and scenario axes follow the file's deal, not the default one.
    ``as_built``: the ledger as long as the file's (to compare with it), else
    as long as a new build makes it for the file's table (to refresh it)."""
    book, cached = opened.book, opened.cached
    base = template(terms)
    where = input_positions(terms)
    result = InputsRead(base)
    inputs_sheet = next(s for s in base if s.name == "Inputs")
    parts = []
    for part in inputs_sheet.parts:
        if isinstance(part, Input):
            part = _scalar(book, cached, where, part, result)
        elif isinstance(part, InputBlock):
            part = _block(book, cached, where, part, result)
        parts.append(part)
    frame, illustrative = _placements(book, cached, result)
    read_sheets = tuple(dataclasses.replace(s, parts=tuple(parts)) if s.name == "Inputs" else s for s in base)
    try:
        result.terms = terms_from_inputs(read_sheets, frame)
    except CEOModelError as exc:
        result.terms = None
        result.notes.append(f"the file's terms are not valid ({exc}); the default deal's layout is used to compare")
    deal = Deal(result.terms or terms, {p.name: p.source for p in parts if isinstance(p, Input | InputBlock)}, True)
    sheets = template(
        deal,
        frame,
        illustrative=illustrative,
        table_rows=len(frame) or None,
        ledger_rows=ledger_rows(book) if as_built else None,
    )
    read = {p.name: p for p in parts if isinstance(p, Input | InputBlock)}
    inputs = next(s for s in sheets if s.name == "Inputs")
    carried = tuple(_carry(p, read.get(getattr(p, "name", None))) for p in inputs.parts)
    result.sheets = tuple(dataclasses.replace(s, parts=carried) if s.name == "Inputs" else s for s in sheets)
    return result


@functools.lru_cache(maxsize=4)
def input_positions(terms=model.PROSPECTUS) -> Layout:
    """Where the template puts every input of ``terms``'s deal: the same in every flavour and every call, so it is
    built once per deal and process (read it, never change it)."""
    return build_layout(FLAVOURS[-1], template(terms))


def _carry(new, old):
    """The new template's part with the old file's values (and its source text); ranges are the new template's."""
    if old is None:
        return new
    if isinstance(new, Input):
        return dataclasses.replace(new, value=old.value, source=old.source)
    return dataclasses.replace(new, rows=old.rows, source=old.source)


def _value(book, cached, sheet: str, ref: str, result: InputsRead, what: str):
    cell = book[sheet][ref]
    if is_formula(cell):
        value = plain(cached[sheet][ref].value)
        result.notes.append(
            f"{what} ({sheet}!{ref}) held the formula {formula_text(cell)}; its last computed value {value!r} "
            "was carried, not the formula"
        )
        return value
    return plain(cell.value)


def _scalar(book, cached, where: Layout, inp: Input, result: InputsRead) -> Input:
    found = name_destination(book, inp.name)
    how = "by name"
    if found is None or found[0] not in book.sheetnames or ":" in found[1]:
        found = _by_label(book, inp.label)
        how = "by label (its defined name is missing or not a single cell)"
        if found is None:
            result.not_carried.append(
                f"{inp.name} ({inp.label}): neither the defined name nor the label was found; "
                f"the template's default {inp.value!r} is used"
            )
            return inp
    sheet, ref = found
    value = _value(book, cached, sheet, ref, result, inp.label)
    source = book[sheet][f"{SOURCE_COLUMN}{re.sub(r'[^0-9]', '', ref)}"].value if sheet == "Inputs" else None
    if sheet == "Inputs" and isinstance(source, str):
        inp = dataclasses.replace(inp, source=source)
    result.cells += 1
    result.carried.append(f"{inp.name} = {value!r} ({how}, from {sheet}!{ref})")
    _range_note(book, sheet, ref, inp, where, result)
    return dataclasses.replace(inp, value=value)


def _by_label(book, label: str) -> tuple[str, str] | None:
    if "Inputs" not in book.sheetnames:
        return None
    ws = book["Inputs"]
    for row in ws.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if cell.value == label:
            return "Inputs", f"B{cell.row}"
    return None


def _range_note(book, sheet: str, ref: str, inp: Input, where: Layout, result: InputsRead) -> None:
    """Tell when the old workbook's Min/Max beside an input differ from the current template's."""
    if sheet != "Inputs":
        return
    row = int(re.sub(r"[A-Z]+", "", ref))
    old = (plain(book[sheet][f"D{row}"].value), plain(book[sheet][f"E{row}"].value))
    if old != (inp.low, inp.high) and all(isinstance(v, int | float | dt.date) for v in old):
        result.notes.append(
            f"{inp.name}: validation range was {old[0]!r} to {old[1]!r}, the current template's is "
            f"{inp.low!r} to {inp.high!r}"
        )


def _block(book, cached, where: Layout, block: InputBlock, result: InputsRead) -> InputBlock:
    """A block's values from its defined name, or, when the name is missing or broken, from below its title.

    Blocks sit one below another, so a block starts lower when one above it has more rows: the defined name,
    not the template's position, says where a block is; only its columns are the template's."""
    sheet, ref = parse_ref(where.names[block.name])
    min_col, _, max_col, _ = range_boundaries(ref)
    width = max_col - min_col + 1
    if sheet not in book.sheetnames:
        result.not_carried.append(f"{block.name}: sheet {sheet} is missing; the template's defaults are used")
        return block
    found = name_destination(book, block.name)
    if found and found[0] == sheet:
        c1, r1, c2, r2 = range_boundaries(found[1])
        if (c1, c2) == (min_col, max_col) and 1 <= r2 - r1 + 1 <= MAX_BLOCK_ROWS and r1 > block_head_rows(width):
            first_row, rows, how = r1, r2 - r1 + 1, "by name"
        else:
            why = f"its defined name points to {sheet}!{found[1]}, not a {width}-column block"
            found = None
    else:
        why = "its defined name is missing" if not found else f"its defined name points to sheet {found[0]}"
        found = None
    if found is None:
        title = _title_row(book[sheet], block.title)
        if title is None:
            result.not_carried.append(
                f"{block.name} ({block.title}): {why} and its title was not found in column A of {sheet}; "
                "the template's defaults are used"
            )
            return block
        first_row, rows, how = title + block_head_rows(width), len(block.rows), f"below its title ({why})"
    values = tuple(
        tuple(
            _value(
                book,
                cached,
                sheet,
                f"{get_column_letter(min_col + j)}{first_row + i}",
                result,
                f"{block.title}, {block.header[j]} {i + 1}",
            )
            for j in range(width)
        )
        for i in range(rows)
    )
    start = f"{get_column_letter(min_col)}{first_row}"
    result.cells += rows * width
    result.carried.append(f"{block.name}: {rows} rows × {width} columns ({how}, from {sheet}!{start})")
    if rows != len(block.rows):
        result.notes.append(f"{block.name} has {rows} rows in the old workbook, {len(block.rows)} in the template")
    below = [
        f"{get_column_letter(min_col + j)}{first_row + rows}"
        for j in range(width)
        if _filled(value := book[sheet].cell(row=first_row + rows, column=min_col + j).value)
        and not isinstance(value, str)  # a note typed below a block of numbers and dates is not a value
    ]
    if below:
        result.not_carried.append(
            f"{block.name}: values directly below the block ({', '.join(below)}) are outside its defined name "
            "(the old workbook's formulas ignored them)"
        )
    source = book[sheet][f"{SOURCE_COLUMN}{first_row - block_head_rows(width)}"].value
    return dataclasses.replace(block, rows=values, source=source if isinstance(source, str) else "")


def _title_row(ws, title: str) -> int | None:
    for (cell,) in ws.iter_rows(min_col=1, max_col=1):
        if cell.value == title:
            return cell.row
    return None


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _placements(book, cached, result: InputsRead) -> tuple[pd.DataFrame, bool]:
    """The old workbook's placement rows (positions kept, trailing empty rows of the table kept as capacity)."""
    empty = pd.DataFrame({h: pd.Series([], dtype=object) for h in PLACEMENT_HEADERS})
    if "Placements" not in book.sheetnames:
        result.not_carried.append("Placements: the sheet is missing; no placement rows carried")
        return empty, False
    ws = book["Placements"]
    note = ws["A2"].value
    illustrative = isinstance(note, str) and note.upper().startswith("ILLUSTRATIVE")
    span = placement_rows(book)
    if span is None:
        first, last = PLACEMENTS_FIRST_ROW, PLACEMENTS_FIRST_ROW + PLACEMENT_ROWS - 1
        result.notes.append(
            f"Placements: neither PlacementShares nor {PLACEMENTS_TABLE} found; rows {first}–{last} read"
        )
    else:
        first, last = span
    last_filled = max(
        (r for r in range(first, ws.max_row + 1) for c in range(1, 4) if _filled(ws.cell(row=r, column=c).value)),
        default=first - 1,
    )
    beyond = [
        r for r in range(last + 1, last_filled + 1) if any(_filled(ws.cell(row=r, column=c).value) for c in (1, 2, 3))
    ]
    if beyond:
        result.not_carried.append(
            f"Placements: {len(beyond)} row(s) below the table (rows {beyond[0]}–{beyond[-1]}) were not counted by the "
            "old workbook's formulas and are not carried; add them to the table and refresh again"
        )
    rows = []
    for r in range(first, last + 1):
        values = []
        for c in range(1, 4):
            ref = f"{get_column_letter(c)}{r}"
            values.append(_value(book, cached, "Placements", ref, result, f"Placement {r - first + 1}"))
        rows.append(values)
    filled = sum(1 for row in rows if any(_filled(v) for v in row))
    result.placements = filled
    result.cells += filled * 3
    result.carried.append(f"Placements: {filled} placement row(s) of {len(rows)} table rows")
    frame = pd.DataFrame(
        {h: pd.Series([row[j] for row in rows], dtype=object) for j, h in enumerate(PLACEMENT_HEADERS)}
    )
    return frame, illustrative


def placement_rows(book) -> tuple[int, int] | None:
    """First and last data row of the file's Placements table, wherever a person's row edits moved it.

    Read from the name ``PlacementShares`` (the column with its header since
    version 0.3; the data rows only before), else from the Excel table.
    """
    if "Placements" not in book.sheetnames:
        return None
    ws = book["Placements"]
    found = name_destination(book, "PlacementShares")
    if found and found[0] == ws.title:
        c1, r1, c2, r2 = range_boundaries(found[1])
        if c1 == c2 == 2:
            header = ws.cell(row=r1, column=2).value
            return (r1 + 1, r2) if header == PLACEMENT_HEADERS[1] else (r1, r2)
    table = ws.tables.get(PLACEMENTS_TABLE)
    if table is not None:
        c1, r1, c2, r2 = range_boundaries(table.ref)
        if (c1, c2) == (1, 3):
            return r1 + 1, r2
    return None


def ledger_rows(book) -> int | None:
    """Rows of the file's placement ledger (the size of ``LedgerShares``), if it has one."""
    found = name_destination(book, "LedgerShares")
    if not found:
        return None
    c1, r1, c2, r2 = range_boundaries(found[1])
    return r2 - r1 + 1 if c1 == c2 else None


DETECT_CELLS_PER_LINE = 3


def detect_flavour(book, layouts: dict[str, Layout]) -> str:
    """The flavour whose formulas the workbook matches best; the Cover's text breaks a tie."""
    from workbook.kit.formula_text import normalised

    scores = {}
    for flavour, lay in layouts.items():
        score = 0
        seen: Counter = Counter()
        for sheet, ref, spec in lay.formula_cells():
            if spec.line:  # a line item's cells share one formula: its first few tell (not 10,000 ledger rows)
                seen[spec.line] += 1
                if seen[spec.line] > DETECT_CELLS_PER_LINE:
                    continue
            if sheet in book.sheetnames:
                text = formula_text(book[sheet][ref])
                if text is not None and normalised(text) == normalised(spec.value):
                    score += 1
        scores[flavour] = score
    best = max(scores.values())
    tied = [f for f, s in scores.items() if s == best]
    return tied[0] if len(tied) == 1 else flavour_on_cover(book)


def flavour_on_cover(book) -> str:
    """The flavour that breaks a tie: native when the Cover's flavour line mentions it, else udf."""
    return "native" if "native" in cover_flavour_line(book).lower() else "udf"


def cover_flavour_line(book) -> str:
    """The Cover's line saying which flavour the file is ("Flavour: udf — …"; "" when there is none)."""
    with contextlib.suppress(KeyError):
        return str(book["Cover"]["A7"].value or "")
    return ""


def column_number(letters: str) -> int:
    return column_index_from_string(letters)
