"""Place the template on cells: one :class:`Layout` per flavour.

The layout is the single description of the generated workbook that both the
builder (:mod:`workbook.kit.builder`) and the validator read: every cell's content,
role and number format, every defined name, validation rule, table and chart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass, field

import pandas as pd
from openpyxl.utils import column_index_from_string, get_column_letter

from workbook.kit import labels
from workbook.kit.shape import (
    FLAVOURS,
    PLACEMENT_COLUMN_NAMES,
    PLACEMENTS_FIRST_ROW,
    PLACEMENTS_TABLE,
    PLACEMENTS_WATCHED_BELOW,
    VERSION,
)
from workbook.kit.spec import (
    BlockRows,
    Chart,
    CheckGroup,
    Contents,
    Input,
    InputBlock,
    Item,
    Kind,
    Label,
    Legend,
    Output,
    RowTable,
    Section,
    Sheet,
    Strip,
    Timeline,
    TimelineRow,
    Unit,
)

# Roles of cells. Inputs are what a user may change; calc/check/output cells
# must keep the template's formula.
INPUT, CALC, LINK, CHECK, OUTPUT = "input", "calc", "link", "check", "output"
TITLE, SUBTITLE, SECTION, HEADER, LABEL, UNIT, SOURCE_TEXT, NOTE, WARNING, BOUND = (
    "title",
    "subtitle",
    "section",
    "header",
    "label",
    "unit",
    "source",
    "note",
    "warning",
    "bound",
)
# a label, heading or note computed from inputs (a workbook.kit.spec.Label): looks like the text it replaces
LABEL_FORMULA = "label_formula"
FORMULA_ROLES = frozenset({CALC, LINK, CHECK, OUTPUT, LABEL_FORMULA})
ARRAY_PART = "array part"  # a cell an array formula fills, other than the one holding the formula


@dataclass
class CellSpec:
    """What the template puts in one cell."""

    value: object
    role: str
    unit: Unit | None = None
    line: str | None = None  # cells of one line item share one formula (R1C1)
    name: str | None = None
    label: str | None = None  # what a modeller calls this cell, for messages
    number_format: str | None = None  # instead of the unit's format
    style: str | None = None  # look like another role (the Cover's colour legend)
    hyperlink: str | None = None  # "#'Sheet'!A1"
    array: str | None = None  # the range an array formula fills (on the formula's cell and on every part)


@dataclass(frozen=True)
class Validation:
    sheet: str
    ref: str
    kind: Kind
    low: object
    high: object
    label: str


@dataclass(frozen=True)
class ResolvedChart:
    sheet: str
    chart: Chart
    series: tuple[tuple[str, str], ...]  # (title, "Sheet!$A$1:$A$9")
    categories: str
    secondary: tuple[tuple[str, str], ...]
    title_ref: str = ""  # "Sheet!$A$9": the cell holding the title (a label formula), shown as title_text when built
    title_text: str = ""
    lines: tuple[tuple[str, str], ...] = ()  # drawn as lines on the primary axis


@dataclass(frozen=True)
class PageSetup:
    """How a sheet prints: orientation and the rows repeated on every page."""

    landscape: bool
    title_rows: str | None = None  # "1:4"
    areas: tuple[str, ...] = ()  # print ranges, each paginated and scaled on its own; () = the used range
    pages_tall: int = 0  # at most this many pages tall (scaled down to fit); 0 = as many as needed


@dataclass
class Layout:
    flavour: str
    cells: dict[str, dict[str, CellSpec]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    validations: list[Validation] = field(default_factory=list)
    tables: list[tuple[str, str, str]] = field(default_factory=list)  # sheet, name, ref
    charts: list[ResolvedChart] = field(default_factory=list)
    widths: dict[str, dict[str, float]] = field(default_factory=dict)
    freeze: dict[str, str] = field(default_factory=dict)
    tab_colors: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, Input] = field(default_factory=dict)
    blocks: dict[str, InputBlock] = field(default_factory=dict)
    sheet_order: list[str] = field(default_factory=list)
    pages: dict[str, PageSetup] = field(default_factory=dict)
    # (sheet, range, formula of its top-left cell): cells shown blank where the formula is true
    blank_when: list[tuple[str, str, str]] = field(default_factory=list)

    def put(self, sheet: str, ref: str, spec: CellSpec) -> None:
        self.cells.setdefault(sheet, {})[ref] = spec

    def name(self, name: str, sheet: str, ref: str) -> None:
        if name in self.names:
            raise ValueError(f"defined name {name} declared twice")
        self.names[name] = f"{quote(sheet)}!{absolute(ref)}"

    def formula_cells(self):
        """(sheet, ref, spec) of every cell that must hold the template's formula."""
        for sheet, cells in self.cells.items():
            for ref, spec in cells.items():
                if spec.role in FORMULA_ROLES:
                    yield sheet, ref, spec


def quote(sheet: str) -> str:
    return f"'{sheet}'" if re.search(r"[^A-Za-z0-9_]", sheet) else sheet


def absolute(ref: str) -> str:
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))


TIMELINE_WIDTH = 17  # characters of a Timeline month column


def block_head_rows(width: int) -> int:
    """Rows from an Inputs block's title to its first value: a one-column block's title line is also its
    column's line; a wider block has a line per column, then a line of headers."""
    return 1 if width == 1 else width + 2


SOURCE_COLUMN = "F"  # on Inputs: the source beside each input and each block's title


def col(n: int) -> str:
    return get_column_letter(n)


_TOKEN = re.compile(r"\{([a-z_]+)(?::([A-Za-z0-9_]+))?(?::([A-Za-z0-9_]+))?\}")


ROW = "\x00"  # stands for the row number in a line item's text rendered once for all its rows


def render(template: str, resolve) -> str:
    """Replace ``{kind:arg}`` placeholders through ``resolve(kind, arg, arg2)``."""
    return _TOKEN.sub(lambda m: resolve(m.group(1), m.group(2), m.group(3)), template)


class _Builder:
    def __init__(self, flavour: str, sheets: tuple[Sheet, ...]):
        if flavour not in FLAVOURS:
            raise ValueError(f"flavour must be one of {', '.join(FLAVOURS)}, got {flavour!r}")
        self.lay = Layout(flavour)
        self.flavour = flavour
        self.sheets = sheets
        self.block_widths: dict[str, float] = {}  # Inputs columns the blocks use: wide enough for their Min/Max
        self.block_cells: dict[str, list[str]] = {}  # block name -> absolute refs of its first column
        self.part_ranges: dict[str, str] = {}  # "FeeCurve.fee" -> range for charts
        self.flag_rows: list[tuple[str, str]] = []
        self.areas: dict[str, str] = {}  # sheet -> the range its formulas span ({area:Sheet} in checks)
        # scalar inputs' values, for the text a Label shows (messages, the command line)
        self.values = {p.name: p.value for sh in sheets for p in sh.parts if isinstance(p, Input)}

    def text(self, text: str | Label, role: str, *, style: str | None = None, **extra) -> CellSpec:
        """A text cell; a :class:`Label` becomes a label formula that looks like text of ``role``."""
        if isinstance(text, Label):
            label = f"the label '{self.plain(text)}'"
            return CellSpec(labels.formula(text), LABEL_FORMULA, label=label, style=style or role, **extra)
        return CellSpec(text, role, style=style, **extra)

    def plain(self, text: str | Label) -> str:
        """The text a label shows with the inputs as built."""
        return labels.shown(text, self.values)

    def formula(self, native: str, udf: str | None) -> str:
        return udf if self.flavour == "udf" and udf else native

    def calc_text(self, item, array: str | None, part: bool, resolve) -> tuple[str | None, str]:
        """(formula, role) of one cell of a line item: a part an array formula fills holds nothing of its own;
        the array's first cell holds ``item.udf_array``; any other cell the flavour's per-cell formula."""
        if array and part:
            return None, ARRAY_PART
        return render(item.udf_array if array else self.formula(item.native, item.udf), resolve), CALC

    # -- sheets ---------------------------------------------------------------
    def run(self) -> Layout:
        by_name = {s.name: s for s in self.sheets}
        for sheet in self.sheets:
            self.lay.sheet_order.append(sheet.name)
            if sheet.tab_color:
                self.lay.tab_colors[sheet.name] = sheet.tab_color
        self.cover(by_name["Cover"])
        self.inputs(by_name["Inputs"])
        self.placements(by_name["Placements"])
        self.calculations(by_name["Calculations"])
        self.conversions(by_name["Conversions"])
        self.scenarios(by_name["Scenarios"])
        if "Timeline" in by_name:
            self.timeline(by_name["Timeline"])
        self.checks(by_name["Checks"])
        self.outputs(by_name["Outputs"])
        self.xlwings_conf()
        return self.lay

    def title(self, sheet: str, text: str, subtitle: str = "") -> None:
        self.lay.put(sheet, "A1", CellSpec(text, TITLE))
        if subtitle:
            self.lay.put(sheet, "A2", CellSpec(subtitle, SUBTITLE))

    def cover(self, sheet: Sheet) -> None:
        flavour_text = {
            "udf": "Flavour: udf — calculations call the CEO_* functions (Excel with the xlwings add-in and UDF Modules = udfs; "
            "values are cached, so Excel also opens it correctly without the add-in until it recalculates). LibreOffice "
            "computes array formulas on opening: without the CEO_Model.oxt add-in the line items over ranges are errors "
            "and the commission and dilution charts on Outputs are empty — install the add-in, or open the native file.",
            "native": "Flavour: native — built-in Excel functions only; works in any spreadsheet without the add-in.",
        }[self.flavour]
        s = sheet.name
        row = 1
        for part in sheet.parts:
            if isinstance(part, Contents):
                row += 1
                self.lay.put(s, f"A{row}", CellSpec("Contents", SECTION))
                self.lay.put(s, f"B{row}", CellSpec(None, SECTION))
                for target, what in part.entries:
                    row += 1
                    link = f"#{quote(target)}!A1"
                    self.lay.put(s, f"A{row}", CellSpec(f"{target}: {what}", LABEL, hyperlink=link))
                row += 1
            elif isinstance(part, Legend):
                row += 1
                self.lay.put(s, f"A{row}", CellSpec("Colour legend", SECTION))
                self.lay.put(s, f"B{row}", CellSpec(None, SECTION))
                for role, sample, meaning in part.entries:
                    row += 1
                    self.lay.put(s, f"A{row}", CellSpec(meaning, LABEL))
                    self.lay.put(s, f"B{row}", CellSpec(sample, LABEL, style=role))
                row += 1
            else:
                text = flavour_text if part.text == "FLAVOUR" else part.text
                role = {"title": TITLE, "subtitle": SUBTITLE, "warning": WARNING}.get(part.style, NOTE)
                style = "disclaimer" if role == WARNING else None  # wraps within the page
                self.lay.put(s, f"A{row}", self.text(text, role, style=style))
                row += 2 if part.style == "title" else 1
        self.lay.widths[s] = {"A": 130, "B": 12}
        self.lay.pages[s] = PageSetup(landscape=False)

    def inputs(self, sheet: Sheet) -> None:
        s = sheet.name
        self.title(
            s,
            "Inputs",
            "Yellow cells are inputs. Min and Max are the validation range; the last column gives the source.",
        )
        for i, text in enumerate(("Input", "Value", "Unit", "Min", "Max", "Source / comment")):
            self.lay.put(s, f"{col(i + 1)}4", CellSpec(text, HEADER))
        row = 5
        for part in sheet.parts:
            if isinstance(part, Section):
                self.lay.put(s, f"A{row}", CellSpec(part.title, SECTION))
                row += 1
            elif isinstance(part, Input):
                self.scalar_input(s, row, part)
                row += 1
            elif isinstance(part, InputBlock):
                row = self.block_input(s, row + 1, part) + 1
        self.lay.widths[s] = {"A": 46, "B": 16, "C": 9, "D": 13, "E": 23, "F": 60}
        for letter, width in self.block_widths.items():
            self.lay.widths[s][letter] = max(self.lay.widths[s][letter], width)
        self.lay.freeze[s] = "A5"
        self.lay.pages[s] = PageSetup(landscape=False, title_rows="4:4", areas=(f"A1:F{row - 1}",))

    def scalar_input(self, s: str, row: int, inp: Input) -> None:
        ref = f"B{row}"
        self.lay.inputs[inp.name] = inp
        self.lay.put(s, f"A{row}", CellSpec(inp.label, LABEL))
        self.lay.put(s, ref, CellSpec(inp.value, INPUT, inp.unit, name=inp.name, label=inp.label))
        self.lay.put(s, f"C{row}", CellSpec(inp.unit.label, UNIT))
        if inp.kind is Kind.TEXT:
            self.lay.put(s, f"D{row}", CellSpec(", ".join(inp.low or ()) or None, BOUND, inp.unit))
        else:
            self.lay.put(s, f"D{row}", CellSpec(inp.low, BOUND, inp.unit))
            self.lay.put(s, f"E{row}", CellSpec(inp.high, BOUND, inp.unit))
        self.lay.put(s, f"{SOURCE_COLUMN}{row}", CellSpec(inp.source, SOURCE_TEXT))
        self.lay.name(inp.name, s, ref)
        self.lay.validations.append(Validation(s, ref, inp.kind, inp.low, inp.high, inp.label))
        if inp.kind is Kind.TEXT and inp.low:
            choices = ",".join(f'{inp.name}="{c}"' for c in inp.low)
            flag = f"=IF(OR({choices}),0,1)"
        else:
            flag = _flag(inp.name, f"Inputs!$D${row}", f"Inputs!$E${row}", inp.kind, single=True)
        self.flag_rows.append((inp.label, flag))

    def block_input(self, s: str, title_row: int, block: InputBlock) -> int:
        """One block below the single inputs, in the same columns; returns its last row.

        Each column of the block has a line like a single input's (label, unit, Min, Max; the source on the
        title's line): a one-column block's is its title line, with the column's header in the Value
        column and the values below it; a wider block's lines follow its title, then a line of headers."""
        self.lay.blocks[block.name] = block
        width = len(block.header)
        first_row = title_row + block_head_rows(width)
        last_row = first_row + len(block.rows) - 1
        self.lay.put(s, f"A{title_row}", CellSpec(block.title, SECTION))
        for j, head in enumerate(block.header):
            c = col(2 + j)
            line = title_row if width == 1 else title_row + 1 + j
            unit = block.unit[j]
            self.block_widths[c] = 23 if unit in (Unit.USD, Unit.SHARES) else 13  # "$1,000,000,000,000.00"
            if width > 1:
                self.lay.put(s, f"A{line}", CellSpec(head, LABEL))
            self.lay.put(s, f"C{line}", CellSpec(unit.label, UNIT))
            self.lay.put(s, f"D{line}", CellSpec(block.low[j], BOUND, unit))
            self.lay.put(s, f"E{line}", CellSpec(block.high[j], BOUND, unit))
            self.lay.put(s, f"{c}{first_row - 1}", CellSpec(head, HEADER))
            for i, values in enumerate(block.rows):
                label = f"{block.title}, {head} {i + 1}"
                self.lay.put(s, f"{c}{first_row + i}", CellSpec(values[j], INPUT, unit, label=label))
            ref = f"{c}{first_row}:{c}{last_row}"
            if block.column_names:
                self.lay.name(block.column_names[j], s, ref)
            self.lay.validations.append(
                Validation(s, ref, block.kind, block.low[j], block.high[j], f"{block.title}: {head}")
            )
            bounds = f"Inputs!$D${line}", f"Inputs!$E${line}"
            flag = _flag(f"Inputs!{absolute(ref)}", *bounds, block.kind, single=False)
            self.flag_rows.append((f"{block.title}: {head}", flag))
        self.lay.name(block.name, s, f"B{first_row}:{col(1 + width)}{last_row}")
        self.block_cells[block.name] = [f"Inputs!$B${first_row + i}" for i in range(len(block.rows))]
        if block.source:
            self.lay.put(s, f"{SOURCE_COLUMN}{title_row}", CellSpec(block.source, SOURCE_TEXT))
        return last_row

    def placements(self, sheet: Sheet) -> None:
        s = sheet.name
        note, rows, capacity = sheet.parts
        self.title(s, "Placements")
        self.lay.put(s, "A2", CellSpec(note.text, WARNING if note.style == "warning" else SUBTITLE))
        headers = ("Trade date", "Shares", "Price")
        units = (Unit.DATE, Unit.SHARES, Unit.PRICE)
        header_row = PLACEMENTS_FIRST_ROW - 1
        last_row = PLACEMENTS_FIRST_ROW + capacity - 1
        for j, (head, unit) in enumerate(zip(headers, units, strict=True)):
            c = col(j + 1)
            self.lay.put(s, f"{c}{header_row}", CellSpec(head, HEADER))
            values = list(rows[head]) if head in rows else []
            for i in range(capacity):
                value = values[i] if i < len(values) else None
                if isinstance(value, pd.Timestamp):
                    value = value.date()
                self.lay.put(
                    s,
                    f"{c}{PLACEMENTS_FIRST_ROW + i}",
                    CellSpec(value, INPUT, unit, label=f"Placement {i + 1}, {head}"),
                )
        self.lay.tables.append((s, PLACEMENTS_TABLE, f"A{header_row}:C{last_row}"))
        # Each column with its header: a row inserted anywhere in the table, its first row included, is inside.
        for name, letter in zip(PLACEMENT_COLUMN_NAMES, "ABC", strict=True):
            self.lay.name(name, s, f"{letter}{header_row}:{letter}{last_row}")
        self.lay.name("Placements", s, f"A{header_row}:C{last_row}")
        self.lay.name("PlacementsBelow", s, f"A{last_row + 1}:C{last_row + PLACEMENTS_WATCHED_BELOW}")
        first, last = PLACEMENTS_FIRST_ROW, last_row
        self.lay.validations += [
            Validation(s, f"A{first}:A{last}", Kind.DATE, dt.date(1990, 1, 1), dt.date(2099, 12, 31), "Trade date"),
            Validation(s, f"B{first}:B{last}", Kind.WHOLE, 1, 1e12, "Shares"),
            Validation(s, f"C{first}:C{last}", Kind.DECIMAL, 0.0001, 100_000, "Price"),
        ]
        self.lay.widths[s] = {"A": 14, "B": 14, "C": 12}
        self.lay.freeze[s] = f"A{PLACEMENTS_FIRST_ROW}"
        self.lay.pages[s] = PageSetup(landscape=False, title_rows=f"{header_row}:{header_row}")

    # -- calculations ---------------------------------------------------------
    def calculations(self, sheet: Sheet) -> None:
        s = sheet.name
        self.title(s, "Calculations", "Formulas only — change Inputs and Placements instead.")
        row = 3
        # print ranges: rows of line items and tables together, every strip (wide) on its own
        areas: list[list[int]] = [[1, 0, 3, False]]  # first row, last row, last column, is a strip
        for part in sheet.parts:
            top = row
            if isinstance(part, RowTable):
                row = self.row_table(s, row, part) + 1
                width = len(part.columns)
            elif isinstance(part, Section):
                self.lay.put(s, f"A{row}", self.text(part.title, SECTION))
                row += 1
                width = 1
            elif isinstance(part, Item):
                self.item(s, row, part)
                row += 1
                width = 3
            elif isinstance(part, Strip):
                row = self.strip(s, row + 1, part) + 1
                width = 2 + len(self.block_cells[part.axis])
            elif isinstance(part, BlockRows):
                row = self.block_rows(s, row, part)
                width = 1 + len(part.columns)
            else:
                continue
            strip = isinstance(part, Strip)
            if strip or areas[-1][3]:
                areas.append([top, row - 1, width, strip])
            else:
                areas[-1][1], areas[-1][2] = row - 1, max(areas[-1][2], width)
        self.lay.widths[s] = {"A": 40, **{col(c): 15 for c in range(2, 28)}}
        self.lay.freeze[s] = "B5"
        self.lay.pages[s] = PageSetup(
            landscape=True, areas=tuple(f"A{a}:{col(c)}{b}" for a, b, c, _ in areas if b >= a)
        )

    def item(self, s: str, row: int, item: Item) -> None:
        self.lay.put(s, f"A{row}", self.text(item.label, LABEL))
        self.lay.put(
            s,
            f"B{row}",
            CellSpec(
                self.formula(item.native, item.udf), CALC, item.unit, item.name, item.name, self.plain(item.label)
            ),
        )
        self.lay.put(s, f"C{row}", CellSpec(item.unit.label, UNIT))
        self.lay.name(item.name, s, f"B{row}")

    def row_table(self, s: str, row: int, table: RowTable) -> int:
        self.lay.put(s, f"A{row}", CellSpec(table.title, SECTION))
        header_row = row + 1
        first = table.first_row
        last = first + table.rows - 1
        if header_row >= first:
            raise ValueError("the ledger must start below its title, aligned with the source rows")
        letters = {c.key: col(j + 1) for j, c in enumerate(table.columns)}
        for c in table.columns:
            letter = letters[c.key]
            self.lay.put(s, f"{letter}{header_row}", self.text(c.header, HEADER))
            array = f"{letter}{first}:{letter}{last}" if self.flavour == "udf" and c.udf_array else None

            def resolve(kind, arg, _arg2, r=ROW):
                if kind == "col":
                    return f"{letters[arg]}{r}"
                if kind == "first":
                    return f"{letters[arg]}${first}"
                if kind == "head":
                    return f"${letters[arg]}${header_row}"
                if kind == "all":
                    return f"${letters[arg]}${first}:${letters[arg]}${last}"
                raise KeyError(kind)

            # one text per column, its row filled in per cell (10,000 rows: render once, not 10,000 times)
            head_text, number_format = self.plain(c.header), c.unit.blank_zero_format
            head_cell = self.calc_text(c, array, False, resolve)  # the first row's (text, role)
            body_cell = self.calc_text(c, array, True, resolve)  # every other row's
            for r in range(first, last + 1):
                text, role = head_cell if r == first else body_cell
                self.lay.put(
                    s,
                    f"{letter}{r}",
                    CellSpec(
                        text.replace(ROW, str(r)) if text is not None else None,
                        role,
                        c.unit,
                        f"{table.key}.{c.key}",
                        label=f"{head_text}, row {r}",
                        number_format=number_format,  # rows without a placement stay blank
                        style=CALC if role == ARRAY_PART else None,
                        array=array,
                    ),
                )
            if c.name:
                self.lay.name(c.name, s, f"{letter}{first}:{letter}{last}")
        if table.filled:  # a row whose source row is empty shows nothing (running totals included)
            last_letter = col(len(table.columns))
            self.lay.blank_when.append((s, f"A{first}:{last_letter}{last}", f"${letters[table.filled]}{first}=0"))
        return last + 1

    def block_rows(self, s: str, row: int, table: BlockRows) -> int:
        """A table with one row per row of an input block; returns the row below it."""
        block = self.lay.blocks[table.block]
        first_cell = self.block_cells[table.block][0].split("!")[1].replace("$", "")
        first_col = re.match(r"[A-Z]+", first_cell).group(0)
        first_index = column_index_from_string(first_col)
        in_letters = {name: col(first_index + j) for j, name in enumerate(block.column_names)}
        self.lay.put(s, f"A{row}", CellSpec(table.title, SECTION))
        header = row + 1
        self.lay.put(s, f"A{header}", CellSpec(table.row_label, HEADER))
        letters = {c.key: col(j + 2) for j, c in enumerate(table.columns)}
        first = header + 1
        last = first + len(block.rows) - 1
        for c in table.columns:
            self.lay.put(s, f"{letters[c.key]}{header}", CellSpec(c.header, HEADER))
        for i, source in enumerate(self.block_cells[table.block]):
            r = first + i
            src_row = int(re.search(r"(\d+)$", source).group(1))
            self.lay.put(s, f"A{r}", CellSpec(f"{table.row_label} {i + 1}", LABEL))
            for c in table.columns:

                def resolve(kind, arg, _arg2, r=r, src_row=src_row):
                    if kind == "in":
                        return f"Inputs!${in_letters[arg]}${src_row}"
                    if kind == "col":
                        return f"{letters[arg]}{r}"
                    raise KeyError(kind)

                text = render(self.formula(c.native, c.udf), resolve)
                role = LINK if re.fullmatch(r"=\{in:\w+\}", c.native) else CALC
                self.lay.put(
                    s,
                    f"{letters[c.key]}{r}",
                    CellSpec(
                        text, role, c.unit, f"{table.key}.{c.key}", label=f"{c.header}, {table.row_label} {i + 1}"
                    ),
                )
        for c in table.columns:
            if c.name:
                self.lay.name(c.name, s, f"{letters[c.key]}{first}:{letters[c.key]}{last}")
        return last + 1

    def timeline(self, sheet: Sheet) -> None:
        """Items at the top, then periods across columns (C onwards) and line items down, then the charts."""
        s = sheet.name
        self.title(s, "Timeline", "The programme month by month, from the ledger (trade dates).")
        row, periods = 3, 0
        for part in sheet.parts:
            if isinstance(part, Item):
                self.item(s, row, part)
                row += 1
            elif isinstance(part, Timeline):
                row = self.periods(s, row + 1, part)
                periods = max(periods, part.periods)
        # 17: "$100,000,000.00" and its padding fit (a $100M programme's month-12 totals showed ###### at 14)
        self.lay.widths[s] = {"A": 44, "B": 12, **{col(c): TIMELINE_WIDTH for c in range(3, 3 + periods)}}
        self.lay.freeze[s] = "C1"
        self.lay.pages[s] = PageSetup(landscape=True)

    def periods(self, s: str, row: int, tl: Timeline) -> int:
        self.lay.put(s, f"A{row}", CellSpec(tl.title, SECTION))
        head = row + 1
        self.lay.put(s, f"A{head}", CellSpec(tl.period_label, HEADER))
        first_col, last_col = 3, 3 + tl.periods - 1
        for k in range(tl.periods):
            self.lay.put(s, f"{col(first_col + k)}{head}", CellSpec(k + 1, HEADER))
        rows_of: dict[str, int] = {}
        r = head + 1
        for part in tl.rows:  # rows first: a line may use a row declared below it
            if isinstance(part, TimelineRow):
                rows_of[part.key] = r
            r += 1
        r = head + 1
        for part in tl.rows:
            if isinstance(part, Section):
                self.lay.put(s, f"A{r}", CellSpec(part.title, SECTION))
                r += 1
                continue
            self.lay.put(s, f"A{r}", CellSpec(part.label, LABEL))
            self.lay.put(s, f"B{r}", CellSpec(part.unit.label, UNIT))
            rng = f"{col(first_col)}{r}:{col(last_col)}{r}"
            array = rng if self.flavour == "udf" and part.udf_array else None
            for k in range(tl.periods):
                c = col(first_col + k)

                def resolve(kind, arg, _arg2, c=c):
                    if kind == "col_head":
                        return f"{c}${head}"
                    if kind == "row":
                        return f"{c}{rows_of[arg]}"
                    if kind == "first":
                        return f"${col(first_col)}{rows_of[arg]}"
                    if kind == "line":
                        return absolute(f"{col(first_col)}{rows_of[arg]}:{col(last_col)}{rows_of[arg]}")
                    raise KeyError(kind)

                text, role = self.calc_text(part, array, k > 0, resolve)
                self.lay.put(
                    s,
                    f"{c}{r}",
                    CellSpec(
                        text,
                        role,
                        part.unit,
                        f"{tl.key}.{part.key}",
                        label=f"{part.label}, {c}{r}",
                        style=CALC if role == ARRAY_PART else None,
                        array=array,
                    ),
                )
            self.part_ranges[f"{tl.key}.{part.key}"] = f"{quote(s)}!{absolute(rng)}"
            if part.name:
                self.lay.name(part.name, s, rng)
            r += 1
        anchor_row = r + 1
        for chart in tl.charts:
            placed = dataclasses.replace(chart, anchor=f"A{anchor_row}")
            self.lay.charts.append(self.resolve_chart(s, placed))
            anchor_row += math.ceil(chart.size[1] / 0.53) + 2  # a default row is 0.53 cm
        return r

    def strip(self, s: str, row: int, strip: Strip) -> int:
        self.lay.put(s, f"A{row}", CellSpec(strip.title, SECTION))
        axis_row = row + 1
        axis = self.block_cells[strip.axis]
        first_col, last_col = 3, 3 + len(axis) - 1
        self.lay.put(s, f"A{axis_row}", CellSpec(strip.axis_label, HEADER))
        self.lay.put(s, f"B{axis_row}", CellSpec(strip.axis_unit.label, UNIT))
        for k, ref in enumerate(axis):
            self.lay.put(
                s, f"{col(first_col + k)}{axis_row}", CellSpec(f"={ref}", LINK, strip.axis_unit, f"{strip.key}.axis")
            )
        self.part_ranges[f"{strip.key}.axis"] = (
            f"{quote(s)}!{absolute(f'{col(first_col)}{axis_row}:{col(last_col)}{axis_row}')}"
        )
        rows_of: dict[str, tuple[int, int]] = {}
        r = axis_row + 1
        for line in strip.rows:
            repeats = self.block_cells[line.repeat] if line.repeat else [None]
            start = r
            for i, rep in enumerate(repeats):
                label = _numbered(line.label, i + 1) if line.repeat else line.label
                self.lay.put(s, f"A{r}", self.text(label, LABEL))
                label = self.plain(label)
                self.lay.put(s, f"B{r}", CellSpec(line.unit.label, UNIT))
                whole = f"{col(first_col)}{r}:{col(last_col)}{r}"
                array = whole if self.flavour == "udf" and line.udf_array and not line.repeat else None
                for k in range(len(axis)):
                    c = col(first_col + k)

                    def resolve(kind, arg, _arg2, c=c, rep=rep):
                        if kind == "col_head":
                            return f"{c}${axis_row}"
                        if kind == "row":
                            return f"{c}{rows_of[arg][0]}"
                        if kind == "rows":
                            a, b = rows_of[arg]
                            return f"{c}{a}:{c}{b}"
                        if kind == "repeat":
                            return rep
                        if kind == "axis":
                            return absolute(f"{col(first_col)}{axis_row}:{col(last_col)}{axis_row}")
                        if kind == "line":
                            a = rows_of[arg][0]
                            return absolute(f"{col(first_col)}{a}:{col(last_col)}{a}")
                        if kind == "lines":  # every row of a repeated line, across the axis (a grid)
                            a, b = rows_of[arg]
                            return absolute(f"{col(first_col)}{a}:{col(last_col)}{b}")
                        raise KeyError(kind)

                    line_id = f"{strip.key}.{line.key}" + (f".{i + 1}" if line.repeat else "")
                    text, role = self.calc_text(line, array, k > 0, resolve)
                    self.lay.put(
                        s,
                        f"{c}{r}",
                        CellSpec(
                            text,
                            role,
                            line.unit,
                            line_id,
                            label=f"{label}, column {c}",
                            style=CALC if role == ARRAY_PART else None,
                            array=array,
                        ),
                    )
                r += 1
            rows_of[line.key] = (start, r - 1)
            rng = f"{col(first_col)}{start}:{col(last_col)}{r - 1}"
            self.part_ranges[f"{strip.key}.{line.key}"] = f"{quote(s)}!{absolute(rng)}"
            if line.name:
                self.lay.name(line.name, s, rng)
        return r

    def conversions(self, sheet: Sheet) -> None:
        s = sheet.name
        self.title(
            s,
            "Conversions",
            "Debenture conversion and called-warrant exercise terms across share prices (terms on Inputs).",
        )
        row = 3
        for part in sheet.parts:
            if isinstance(part, Item):
                self.item(s, row, part)
                row += 1
            elif isinstance(part, Strip):
                row = self.strip(s, row + 1, part) + 1
        self.lay.widths[s] = {"A": 50, "B": 9, **{col(c): 15 for c in range(3, 14)}}  # A: labels stating terms
        self.lay.freeze[s] = "C1"

    def scenarios(self, sheet: Sheet) -> None:
        s = sheet.name
        (grid,) = sheet.parts
        self.title(s, "Scenarios", f"{grid.title}: shares issued, dilution and net proceeds.")
        rows_axis, cols_axis = self.block_cells[grid.row_axis], self.block_cells[grid.col_axis]
        row = 4
        block_origin: dict[str, int] = {}
        for block in grid.blocks:
            self.lay.put(s, f"A{row}", CellSpec(f"{block.title} ({block.unit.label})", SECTION))
            head_row = row + 1
            block_origin[block.key] = head_row + 1
            self.lay.put(s, f"A{head_row}", CellSpec(f"{grid.row_label} \\ {grid.col_label}", HEADER))
            for k, ref in enumerate(cols_axis):
                self.lay.put(
                    s,
                    f"{col(2 + k)}{head_row}",
                    CellSpec(f"={ref}", LINK, grid.col_unit, f"{grid.key}.{block.key}.cols"),
                )
            last_c = col(1 + len(cols_axis))
            whole = f"B{head_row + 1}:{last_c}{head_row + len(rows_axis)}"
            array = whole if self.flavour == "udf" and block.udf_array else None
            for i, ref in enumerate(rows_axis):
                r = head_row + 1 + i
                self.lay.put(s, f"A{r}", CellSpec(f"={ref}", LINK, grid.row_unit, f"{grid.key}.{block.key}.rows"))
                for k in range(len(cols_axis)):
                    c = col(2 + k)

                    def resolve(kind, arg, _arg2, c=c, i=i, head_row=head_row, r=r, last_c=last_c):
                        if kind == "col_head":
                            return f"{c}${head_row}"
                        if kind == "row_head":
                            return f"$A{r}"
                        if kind == "block":
                            return f"{c}{block_origin[arg] + i}"
                        if kind == "col_heads":
                            return absolute(f"B{head_row}:{last_c}{head_row}")
                        if kind == "block_all":
                            top = block_origin[arg]
                            return absolute(f"B{top}:{last_c}{top + len(rows_axis) - 1}")
                        raise KeyError(kind)

                    text, role = self.calc_text(block, array, (i, k) != (0, 0), resolve)
                    self.lay.put(
                        s,
                        f"{c}{r}",
                        CellSpec(
                            text,
                            role,
                            block.unit,
                            f"{grid.key}.{block.key}",
                            label=f"{block.title}, {c}{r}",
                            style=CALC if role == ARRAY_PART else None,
                            array=array,
                        ),
                    )
            last_r = head_row + len(rows_axis)
            rng = f"B{head_row + 1}:{col(1 + len(cols_axis))}{last_r}"
            self.part_ranges[f"{grid.key}.{block.key}"] = f"{quote(s)}!{absolute(rng)}"
            self.part_ranges[f"{grid.key}.rows"] = f"{quote(s)}!{absolute(f'A{head_row + 1}:A{last_r}')}"
            self.part_ranges[f"{grid.key}.{block.key}.titles"] = (
                f"{quote(s)}!{absolute(f'B{head_row}:{col(1 + len(cols_axis))}{head_row}')}"
            )
            row = last_r + 2
        self.lay.widths[s] = {"A": 28, **{col(c): 16 for c in range(2, 8)}}

    def checks(self, sheet: Sheet) -> None:
        s = sheet.name
        self.title(s, "Checks", "Each check is 1 when its rule is broken. The total must be 0.")
        for i, text in enumerate(("Check", "Result", "")):
            self.lay.put(s, f"{col(i + 1)}3", CellSpec(text, HEADER))
        row = 4
        for part in sheet.parts:
            group = part if isinstance(part, CheckGroup) else None
            if group is not None:
                self.lay.put(s, f"A{row}", CellSpec(group.title, SECTION))
                row += 1
            first = row
            for check in group.checks if group else (part,):
                text = self.check_formula(check.formula)
                self.lay.put(s, f"A{row}", self.text(check.label, LABEL))
                self.lay.put(
                    s, f"B{row}", CellSpec(text, CHECK, Unit.FLAG, check.name, check.name, self.plain(check.label))
                )
                self.lay.name(check.name, s, f"B{row}")
                row += 1
            if group is not None:
                self.lay.name(group.name, s, f"B{first}:B{row - 1}")
        self.lay.put(s, f"A{row}", CellSpec("Total (0 = all checks pass)", SECTION))
        self.lay.put(
            s,
            f"B{row}",
            CellSpec(f"=SUM(B4:B{row - 1})", CHECK, Unit.COUNT, "ChecksTotal", "ChecksTotal", "Checks total"),
        )
        self.lay.name("ChecksTotal", s, f"B{row}")
        row += 2
        self.lay.put(
            s, f"A{row}", CellSpec("Input validity (1 = outside its Min/Max, wrong type or not whole)", SECTION)
        )
        first = row + 1
        for i, (label, text) in enumerate(self.flag_rows):
            r = first + i
            self.lay.put(s, f"A{r}", CellSpec(label, LABEL))
            self.lay.put(
                s, f"B{r}", CellSpec(text, CHECK, Unit.COUNT, f"InputFlag.{i + 1}", label=f"Input validity: {label}")
            )
        self.lay.name("InputFlags", s, f"B{first}:B{first + len(self.flag_rows) - 1}")
        self.lay.widths[s] = {"A": 62, "B": 10}
        self.lay.pages[s] = PageSetup(landscape=False, title_rows="3:3", pages_tall=2)

    def check_formula(self, formula: str) -> str:
        """A check's formula with its placeholders (see :class:`workbook.kit.spec.Check`) resolved."""

        def cells(name: str) -> list[str]:
            ref = self.lay.names[name]
            if ":" not in ref:
                return [ref]
            sheet, rng = ref.rsplit("!", 1)
            first, last = rng.replace("$", "").split(":")
            c1, r1 = _position(first)
            c2, r2 = _position(last)
            if c1 != c2:
                raise ValueError(f"check placeholder: {name} is not one column")
            return [f"{sheet}!${c1}${r}" for r in range(r1, r2 + 1)]

        def area(sheet: str) -> str:
            if sheet in self.areas:  # the same for every check naming it (the ledger's ~200,000 cells, once)
                return self.areas[sheet]
            refs = [_position(ref) for ref, spec in self.lay.cells[sheet].items() if spec.role in FORMULA_ROLES]
            if not refs:
                raise ValueError(f"check placeholder: {sheet} has no formulas")
            columns = sorted({c for c, _ in refs}, key=lambda c: (len(c), c))
            rows = [r for _, r in refs]
            self.areas[sheet] = f"{quote(sheet)}!{absolute(f'{columns[0]}{min(rows)}:{columns[-1]}{max(rows)}')}"
            return self.areas[sheet]

        def resolve(m: re.Match) -> str:
            kind, name = m.group(1), m.group(2)
            if kind == "area":
                return area(name)
            if kind == "first":
                return cells(name)[0]
            if kind == "after":  # every row but the first, however many rows the name has
                return f"INDEX({name},2):INDEX({name},ROWS({name}))"
            return f"INDEX({name},1):INDEX({name},ROWS({name})-1)"  # before: every row but the last

        return _CHECK_PLACEHOLDER.sub(resolve, formula)

    def outputs(self, sheet: Sheet) -> None:
        s = sheet.name
        outputs, compensation, charts = sheet.parts
        self.title(s, "Outputs", "Key figures of the offering (the deal is named on the Cover).")
        for i, text in enumerate(("Figure", "Value", "Unit")):
            self.lay.put(s, f"{col(i + 1)}3", CellSpec(text, HEADER))
        row = 4
        for out in outputs:
            self.output(s, row, out)
            row += 1
        row += 1
        self.lay.put(s, f"A{row}", CellSpec("Compensation against the cap (chart data)", SECTION))
        first = row + 1
        for i, out in enumerate(compensation):
            self.output(s, first + i, out)
        last = first + len(compensation) - 1
        self.part_ranges["Outputs.compensation"] = f"{quote(s)}!{absolute(f'B{first}:B{last}')}"
        self.part_ranges["Outputs.compensation_labels"] = f"{quote(s)}!{absolute(f'A{first}:A{last}')}"
        # each chart's title in a cell, so a title that states a term follows its input (the chart links to it)
        row = last + 2
        self.lay.put(s, f"A{row}", CellSpec("Chart titles", SECTION))
        for chart in charts:
            row += 1
            self.lay.put(s, f"A{row}", self.text(chart.title, LABEL))
            ref = f"{quote(s)}!{absolute(f'A{row}')}"
            self.lay.charts.append(self.resolve_chart(s, chart, ref))
        self.lay.widths[s] = {"A": 38, "B": 18, "C": 9}

    def output(self, s: str, row: int, out: Output) -> None:
        self.lay.put(s, f"A{row}", self.text(out.label, LABEL))
        self.lay.put(
            s, f"B{row}", CellSpec(f"={out.source}", OUTPUT, out.unit, out.name, out.name, self.plain(out.label))
        )
        self.lay.put(s, f"C{row}", CellSpec(out.unit.label, UNIT))
        self.lay.name(out.name, s, f"B{row}")

    def resolve_chart(self, s: str, chart: Chart, title_ref: str = "") -> ResolvedChart:
        def ref(key: str) -> str:
            return self.part_ranges[key]

        return ResolvedChart(
            s,
            chart,
            tuple((t, ref(k)) for t, k in chart.series),
            ref(chart.categories),
            tuple((t, ref(k)) for t, k in chart.secondary),
            title_ref,
            self.plain(chart.title),
            tuple((t, ref(k)) for t, k in chart.lines),
        )

    def xlwings_conf(self) -> None:
        s = "xlwings.conf"
        self.lay.sheet_order.append(s)
        self.lay.put(s, "A1", CellSpec("UDF Modules", LABEL))
        self.lay.put(s, "B1", CellSpec("udfs", LABEL))
        self.lay.put(
            s,
            "D1",
            CellSpec(
                "xlwings settings for this workbook. Also set PYTHONPATH (xlwings ribbon or ~/.xlwings/xlwings.conf) to the "
                "CEO Model project folder, then click Import Functions.",
                NOTE,
            ),
        )
        self.lay.widths[s] = {"A": 16, "B": 12, "D": 100}


def _numbered(text: str | Label, n: int) -> str | Label:
    """The label of the n-th row of a repeated line item."""
    return Label(f"{text.text} {n}") if isinstance(text, Label) else f"{text} {n}"


def _flag(target: str, low: str, high: str, kind: Kind, *, single: bool) -> str:
    """Validity flag formula of an input (1 = invalid); of a block, the number of invalid cells.

    Written in forms Excel, LibreOffice, Gnumeric and our engine evaluate alike:
    Gnumeric gives ``ISNUMBER(range)`` one answer for the whole range and
    ``INT(range)`` ``#VALUE!`` even inside SUMPRODUCT, and the ``formulas``
    package counts a number typed as text in COUNT and COUNTIFS. So a block of
    decimals counts its valid cells with comparisons only (text compares above
    every number, so it fails ``<=`` the upper bound; ``<>""`` drops blanks),
    and a block of whole numbers adds, cell by cell, the numbers within the
    bounds that are not whole. The range form also counts the empty entry a
    row inserted through the block adds.
    """
    whole = kind is Kind.WHOLE
    if kind is Kind.TEXT:
        return f"=IF(ISTEXT({target}),0,1)"
    if single:
        return "=" + _cell_flag(target, low, high, whole)
    outside = f'ROWS({target})-SUMPRODUCT(({target}<>"")*({target}>={low})*({target}<={high}))'
    if whole:
        fractions = (f"IF(ISNUMBER({c}),IF(AND({c}>={low},{c}<={high},{c}<>INT({c})),1,0),0)" for c in _cells(target))
        return f"={outside}+{'+'.join(fractions)}"
    return f"={outside}"


def _cell_flag(cell: str, low: str, high: str, whole: bool) -> str:
    conds = [f"{cell}>={low}", f"{cell}<={high}"] + ([f"{cell}=INT({cell})"] if whole else [])
    return f"IF(ISNUMBER({cell}),IF(AND({','.join(conds)}),0,1),1)"


_CHECK_PLACEHOLDER = re.compile(r"\{(area|first|after|before):(\w+)\}")


def _position(cell: str) -> tuple[str, int]:
    column = cell.rstrip("0123456789")
    return column, int(cell[len(column) :])


def _cells(target: str) -> list[str]:
    """``Sheet!$C$8``, ``Sheet!$C$9`` … of a one-column range ``Sheet!$C$8:$C$12``."""
    sheet, rng = target.rsplit("!", 1)
    first, last = rng.replace("$", "").split(":")
    column = first.rstrip("0123456789")
    return [f"{sheet}!${column}${r}" for r in range(int(first[len(column) :]), int(last[len(column) :]) + 1)]


def build_layout(flavour: str, sheets: tuple[Sheet, ...]) -> Layout:
    """The layout of the workbook for one flavour."""
    return _Builder(flavour, sheets).run()


__all__ = [
    "ARRAY_PART",
    "FORMULA_ROLES",
    "INPUT",
    "LABEL_FORMULA",
    "SOURCE_COLUMN",
    "VERSION",
    "CellSpec",
    "Layout",
    "ResolvedChart",
    "Validation",
    "block_head_rows",
    "build_layout",
    "render",
]
