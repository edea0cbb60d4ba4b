"""Read the agents' trade confirmations as they send them: ``.csv`` or ``.xlsx``, loose column names, US dates.

Columns are matched as the placements reader matches them (case, spaces, ``_`` and ``-`` ignored), under the
names agents use (:data:`ALIASES`: ``Trade Date``, ``Agent``, ``Shares``, ``Gross Price``, ``Gross Amount``,
``Commission``, ``Net Amount``, ``Settlement Date`` and their usual variants); ``Trade date`` is required, the
others are compared when present. Numbers may carry ``$`` and thousands separators; dates are US
``MM/DD/YYYY`` (ISO, ``yyyymmdd``, Excel serials and date cells are read too). Any other named column is
refused. Every refusal is one line naming the file, the row and the column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from model.reconcile import CONFIRMATION_COLUMNS
from workbook.reading.placement_rows import _decode, header_key
from workbook.reading.placement_values import Cell, PlacementsFileError, parse_dates, parse_number, where

MAX_BYTES = 4 * 1024 * 1024
US_DATES = "%m/%d/%Y"
ALIASES = {
    "Trade date": ("trade date", "date", "trade dt", "execution date"),
    "Agent": ("agent", "sales agent", "broker", "dealer"),
    "Shares": ("shares", "quantity", "qty", "shares sold", "number of shares"),
    "Price": ("price", "gross price", "average price", "avg price", "gross sales price"),
    "Gross": ("gross", "gross amount", "gross proceeds", "principal", "gross sales"),
    "Commission": ("commission", "commissions", "comm", "agent commission", "fee"),
    "Net": ("net", "net amount", "net proceeds"),
    "Settlement date": ("settlement date", "settle date", "settlement", "value date"),
}
_KEY = {alias: column for column, names in ALIASES.items() for alias in names}
_DATES = ("Trade date", "Settlement date")


class ConfirmationsFileError(PlacementsFileError):
    """A confirmations file that cannot be used; one line naming the file, row and column."""


def read_confirmations(path: Path | str) -> pd.DataFrame:
    """The confirmations of ``path``: a frame with the columns of :data:`model.reconcile.CONFIRMATION_COLUMNS`
    the file has (dates as ``datetime.date``, amounts as floats, Agent as text)."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ConfirmationsFileError(f"{name}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise ConfirmationsFileError(f"{name}: above the {MAX_BYTES:,}-byte limit for a confirmations file")
    try:
        rows = _xlsx(path) if path.read_bytes()[:4] == b"PK\x03\x04" else _csv(path)
        return _frame(name, rows)
    except PlacementsFileError as exc:
        raise ConfirmationsFileError(str(exc)) from None


def _csv(path: Path) -> list[list]:
    text = _decode(path.name, path.read_bytes())
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise ConfirmationsFileError(f"{path.name}: not valid CSV ({exc})") from None


def _xlsx(path: Path) -> list[list]:
    from openpyxl import load_workbook

    from workbook.kit.safety import UnreadableWorkbook, check_package

    try:
        check_package(path)
        book = load_workbook(path, read_only=True, data_only=True)
    except UnreadableWorkbook as exc:
        raise ConfirmationsFileError(str(exc)) from None
    except Exception as exc:
        raise ConfirmationsFileError(f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _frame(name: str, rows: list[list]) -> pd.DataFrame:
    number, header = next(((i, r) for i, r in enumerate(rows, start=1) if any(_text(v) for v in r)), (0, []))
    columns: dict[str, int] = {}
    for index, value in enumerate(header):
        key = header_key(value)
        if not key:
            continue
        column = _KEY.get(key)
        if column is None:
            raise ConfirmationsFileError(
                f"{name}: row {number}, column {index + 1}: unknown column {str(value).strip()!r:.40} "
                f"(one of {', '.join(ALIASES)} or their usual names)"
            )
        if column in columns:
            raise ConfirmationsFileError(f"{name}: row {number}, column {index + 1}: a second {column} column")
        columns[column] = index
    if "Trade date" not in columns:
        raise ConfirmationsFileError(f"{name}: row {max(number, 1)}: the header must name a Trade Date column")
    cells: dict[str, list[Cell]] = {c: [] for c in columns}
    for row_number, row in enumerate(rows[number:], start=number + 1):
        if not any(_text(v) for v in row):
            continue
        for column, index in columns.items():
            value = row[index] if index < len(row) else None
            cells[column].append(Cell(row_number, index + 1, column, None if not _text(value) else value))
        date_cell = cells["Trade date"][-1]
        if date_cell.value is None:
            raise ConfirmationsFileError(f"{name}: {where(date_cell)}: empty in a row that has other values")
    out = {}
    for column in CONFIRMATION_COLUMNS:
        if column not in cells:
            continue
        found = cells[column]
        if column in _DATES:
            given = [c for c in found if c.value is not None]
            dates = iter(parse_dates(name, given, US_DATES))
            out[column] = [next(dates) if c.value is not None else None for c in found]
        elif column == "Agent":
            out[column] = [None if c.value is None else " ".join(str(c.value).split()) for c in found]
        else:
            out[column] = [None if c.value is None else parse_number(name, c, ".") for c in found]
    return pd.DataFrame(out)


def _text(value) -> bool:
    return value is not None and str(value).strip() != ""
