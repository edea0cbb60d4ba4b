"""Vocabulary of the template spec: inputs, line items, tables and grids.

A line item is written once, with its native form (built-in Excel functions
only) and, where a CEO_* function exists for it, its UDF form. Formula text
uses placeholders resolved by :mod:`workbook.kit.layout`:

``{Name}``          a defined name (inputs, calculations) — written as the name itself
``{col:key}``       the cell of column ``key`` in the same row of the same table
``{first:key}``     the first row of column ``key``, row-absolute (for running sums)
``{head:key}``      the header cell of column ``key``, absolute (for a row's position in its table)
``{all:key}``       every row of column ``key``, absolute (a whole-column argument of an array formula)
``{col_heads}``     a grid's whole column-header row; ``{block_all:key}`` all of grid block ``key``
``{axis}``          a strip's whole axis row, absolute (array formulas across a strip)
``{line:key}``      every column of strip line ``key``, absolute (array formulas across a strip)
``{row_head}``      the row header of a grid / the axis value of a table row
``{col_head}``      the column header of a grid
``{block:key}``     the same grid position in another block of the grid
``{span:a:b}``      the range from column ``a`` to column ``b`` in the same row

A label that states a term is a :class:`Label`, not typed text: its
``{InputName:format}`` placeholders become ``TEXT(InputName, …)`` in a label
formula (:mod:`workbook.kit.labels`), so the workbook shows the term it was built
with, and follows the input when someone changes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Label:
    """Label text computed from inputs: ``Label("Compensation within the {CompensationCap:%} cap")``.

    Placeholders are ``{Name:format}``, ``Name`` a scalar input's defined name and
    ``format`` one of :data:`workbook.kit.labels.FORMATS` (``%`` a percentage with
    the decimals it needs, ``0%`` a whole percentage, ``0`` a whole number,
    ``#`` a number with the decimals it needs). Usable wherever a label, check,
    output, section title, note or heading is text.

    ``zero`` is ``(Name, text)``: the label shows ``text`` instead while the
    input ``Name`` is 0 (e.g. no warrant strike to state when no warrants are
    granted).
    """

    text: str
    zero: tuple[str, str] | None = None


Text = str | Label


class Unit(Enum):
    """Units: (Excel number format, label shown beside the value)."""

    # Accounting style: negatives in red parentheses, positives padded to line up with them.
    USD = ('"$"#,##0.00_);[Red]("$"#,##0.00)', "$")
    PRICE = ('"$"#,##0.00##_);[Red]("$"#,##0.00##)', "$/share")
    PCT = ("0.00%_);[Red](0.00%)", "%")
    RATE = ("0.000%_);[Red](0.000%)", "%")
    SHARES = ("#,##0_);[Red](#,##0)", "shares")
    DATE = ("yyyy-mm-dd;;", "date")  # zero and negatives (no date) blank
    YEARS = ("0.00_);[Red](0.00)", "years")
    DAYS = ("0_);[Red](0)", "days")
    MONTHS = ("0.0_);[Red](0.0)", "months")
    COUNT = ("0", "count")
    FLAG = ("0", "0/1")
    NUMBER = ("0.0000_);[Red](0.0000)", "")
    TEXT = ("@", "text")

    @property
    def format(self) -> str:
        return self.value[0]

    @property
    def blank_zero_format(self) -> str:
        """The format with zero shown blank (rows of a table that hold no data)."""
        if self is Unit.TEXT:
            return self.format
        sections = self.format.split(";")
        if len(sections) == 1:
            sections.append("-" + sections[0])
        return ";".join([*sections[:2], ""])

    @property
    def label(self) -> str:
        return self.value[1]


class Kind(Enum):
    """How an input is validated."""

    DECIMAL = "decimal"
    WHOLE = "whole"
    DATE = "date"
    TEXT = "text"  # names; with choices (``low`` holds them) one of a list


Bound = float | dt.date | tuple | None


@dataclass(frozen=True)
class Input:
    """A single input cell with its defined name, unit, validation range and source."""

    name: str
    label: str
    value: float | dt.date | str
    unit: Unit
    low: Bound
    high: Bound
    kind: Kind = Kind.DECIMAL
    source: str = ""


@dataclass(frozen=True)
class InputBlock:
    """A vertical block of input cells (a table or a list), named as a whole and per column.

    ``low``, ``high`` and ``unit`` hold one entry per column.
    """

    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple, ...]
    unit: tuple[Unit, ...]
    low: tuple[Bound, ...]
    high: tuple[Bound, ...]
    kind: Kind = Kind.DECIMAL
    source: str = ""
    column_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A heading between groups of inputs or line items."""

    title: Text


@dataclass(frozen=True)
class Item:
    """A single calculation line item (one named cell)."""

    name: str
    label: Text
    unit: Unit
    native: str
    udf: str | None = None


@dataclass(frozen=True)
class Column:
    """One line item of a row table: the same formula down every row."""

    key: str
    header: str | Label
    unit: Unit
    native: str
    udf: str | None = None
    name: str | None = None
    udf_array: str | None = None  # the udf flavour's one call for every row: an array formula over {all:…}


@dataclass(frozen=True)
class RowTable:
    """One row per position of a source table (the placement ledger); line items are columns.

    The rows read their source by position (``INDEX`` over the source's named
    columns), never cell by cell, so rows a person inserts into or deletes from
    the source are counted. ``first_row`` places the first row beside the
    source's first row; a row whose ``filled`` column is 0 shows blank.
    """

    key: str
    title: str
    columns: tuple[Column, ...]
    first_row: int
    rows: int
    filled: str | None = None  # key of the column counting the source cells filled in the row


@dataclass(frozen=True)
class StripRow:
    """A line item of a strip: one formula across every scenario column.

    With ``repeat`` (an input block name) the row is repeated once per value of
    that block, ``{repeat}`` being that value's cell.
    """

    key: str
    label: Text
    unit: Unit
    native: str
    udf: str | None = None
    repeat: str | None = None
    udf_array: str | None = None  # the udf flavour's one call across the axis: an array formula over {axis}/{line:…}
    name: str | None = None  # defined name of the row across the scenario columns


@dataclass(frozen=True)
class Strip:
    """Scenarios across columns (from an input block), line items down rows."""

    key: str
    title: str
    axis: str
    axis_label: str
    axis_unit: Unit
    rows: tuple[StripRow, ...]


@dataclass(frozen=True)
class GridBlock:
    key: str
    title: str
    unit: Unit
    native: str
    udf: str | None = None
    udf_array: str | None = None  # the udf flavour's one call for the block: over {col_heads}/{block_all:…}


@dataclass(frozen=True)
class Grid:
    """Two-way table: rows from one input block, columns from another."""

    key: str
    title: str
    row_axis: str
    col_axis: str
    row_label: str
    col_label: str
    row_unit: Unit
    col_unit: Unit
    blocks: tuple[GridBlock, ...]


@dataclass(frozen=True)
class Check:
    """A 0/1 check: 1 when the rule is broken.

    A check's formula may use placeholders the layout resolves against defined names (for rules that need
    a range shifted by a row): ``{first:Name}`` its first cell (Gnumeric's INDEX refuses a one-cell range),
    ``{after:Name}`` the range of Name without its first cell, ``{before:Name}`` without its last cell (both as
    ``INDEX(Name,k):INDEX(Name,…)`` over the whole name, so rows inserted into it are included; guard them with
    ``IF(ROWS(Name)<2,…)``);
    ``{area:Sheet}`` the smallest range holding every formula of Sheet.
    """

    name: str
    label: Text
    formula: str


@dataclass(frozen=True)
class CheckGroup:
    """Checks under a heading on the Checks sheet; ``name`` names the range of their results."""

    name: str
    title: str
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class Output:
    """A key figure on the Outputs sheet, linked to a calculation."""

    name: str
    label: Text
    source: str
    unit: Unit


@dataclass(frozen=True)
class Note:
    """Free text (cover page, explanations)."""

    text: Text
    style: str = "body"  # "title", "subtitle", "body", "warning"


@dataclass(frozen=True)
class Contents:
    """The Cover's table of contents: (sheet, what it holds), each linked to its sheet."""

    entries: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Legend:
    """The Cover's colour legend: (role whose look is shown, sample, meaning)."""

    entries: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Chart:
    """A chart on a sheet; series given as (title, part key, line key) resolved by the layout.

    The title (a :class:`Label` when it states a term) is written in a cell the chart's title links to.
    """

    title: Text
    kind: str  # "line", "bar"
    anchor: str
    series: tuple[tuple[str, str], ...]  # (series title, range or defined name)
    categories: str
    y_title: str
    x_title: str = ""
    secondary: tuple[tuple[str, str], ...] = ()
    y2_title: str = ""
    y_format: str = ""
    x_format: str = ""
    stacked: bool = False  # bars stacked on one another (a "bar" chart)
    lines: tuple[tuple[str, str], ...] = ()  # series drawn as lines on the primary axis (over stacked bars)
    time_unit: str = "days"  # of a date axis: "months" for one point a month (bars a month wide)
    size: tuple[float, float] = (17.0, 8.5)  # width, height in cm


@dataclass(frozen=True)
class BlockRows:
    """One row per row of an input block (one per commission tier, say); line items are columns.

    ``{in:Name}`` is the cell of the block's column named ``Name`` in the same row; ``{col:key}`` the cell of
    column ``key`` in the same row of this table.
    """

    key: str
    title: str
    block: str
    row_label: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class TimelineRow:
    """A line item of a timeline: one formula across every period column.

    ``{col_head}`` is the period's number (1, 2, …), ``{row:key}`` the same period of another row and
    ``{first:key}`` the first period of another row (column-absolute, for running sums); in ``udf_array``,
    ``{line:key}`` is every period of another row.
    """

    key: str
    label: str
    unit: Unit
    native: str
    udf: str | None = None
    name: str | None = None  # defined name of the whole row
    udf_array: str | None = None  # the udf flavour's one call across the periods: an array formula over {line:…}


@dataclass(frozen=True)
class Timeline:
    """Periods across columns (FAST style), line items down; a chart of some rows below them."""

    key: str
    title: str
    periods: int
    period_label: str
    rows: tuple  # TimelineRow and Section
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    parts: tuple = field(default_factory=tuple)
    tab_color: str = ""
