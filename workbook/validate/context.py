"""What every rule reads: the opened workbook, the ONE expected layout of this validation, and where things moved.

A :class:`Context` is made once per :func:`workbook.validate.validate` call;
every rule family takes it and adds its findings to it. The layout is the
builder's own (:mod:`workbook.kit.layout`) for the file's inputs in the
flavour its formulas match; the sheet names and rows a person moved are
mapped through :attr:`Context.actual` and :attr:`Context.rowmaps`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from workbook.kit import formula_text as ft
from workbook.kit.layout import Layout
from workbook.kit.rows import RowMap
from workbook.reading.existing import Opened, formula_text, plain
from workbook.validate.catalogue import RULES
from workbook.validate.report import Finding


@dataclass
class Context:
    opened: Opened
    layout: Layout
    recalc: bool = False
    engine: str | None = None
    findings: list[Finding] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)  # actual sheet name -> template sheet name
    actual: dict[str, str] = field(default_factory=dict)  # template sheet name -> actual name (present sheets)
    rowmaps: dict[str, RowMap] = field(default_factory=dict)  # template sheet -> where its rows are (rows moved)
    signatures: dict[str, list[tuple]] = field(default_factory=dict)  # template sheet -> its rows' signatures

    @property
    def book(self):
        return self.opened.book

    def add(self, rule: str, sheet: str | None, cell: str | None, message: str) -> None:
        self.findings.append(Finding(RULES[rule][0], rule, sheet, cell, message))

    def extend(self, index: int, text: str) -> None:
        """Add ``text`` to the message of finding ``index`` (findings are frozen: it is replaced)."""
        self.findings[index] = dataclasses.replace(self.findings[index], message=self.findings[index].message + text)

    def ws(self, sheet: str):
        """The file's worksheet for the template's ``sheet`` (None when it is missing)."""
        actual = self.actual.get(sheet)
        return self.book[actual] if actual else None

    def at(self, sheet: str, ref: str) -> str | None:
        """Where the template's cell ``ref`` of ``sheet`` is in the file (None: its row was deleted)."""
        found = self.rowmaps.get(sheet)
        if found is None:
            return ref
        letters, row = coordinate_from_string(ref)
        moved = found.row(row)
        return None if moved is None else f"{letters}{moved}"

    def loc(self, sheet: str, ref: str) -> str:
        """:meth:`at`, or the template's own ``ref`` when its row was deleted (to name it in a finding)."""
        return self.at(sheet, ref) or ref

    def moved(self, sheet: str, row: int, end: bool | None, column: int) -> int | None:
        sheet = self.renames.get(sheet, sheet)
        found = self.rowmaps.get(sheet)
        if found is None:
            return row
        return found.row(row, end)

    def expected(self, sheet: str, formula: str) -> str:
        """The template's formula as it reads after the file's rows moved (Excel moves references with rows)."""
        if not self.rowmaps:
            return formula
        return ft.move_rows(formula, sheet, self.moved)

    def moved_ref(self, sheet: str, ref: str) -> str:
        """A defined name's or table's reference (``Sheet!$A$1:$B$2`` or ``A1:B2``) after the rows moved."""
        if sheet not in self.rowmaps:
            return ref
        return ft.move_rows("=" + ref, sheet, self.moved)[1:]

    def input_value(self, sheet: str, template_ref: str):
        """(value, formula text or None) of the input cell at ``template_ref``; a formula's cached value stands
        for the value; (None, None) when its row was deleted."""
        ws = self.ws(sheet)
        ref = self.at(sheet, template_ref)
        if ref is None:
            return None, None
        cell = ws[ref]
        text = formula_text(cell)
        if text is None:
            return plain(cell.value), None
        return plain(self.opened.cached[ws.title][ref].value), text


def empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def position(ref: str) -> tuple[int, int]:
    """(row, column) of ``A1``."""
    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)
