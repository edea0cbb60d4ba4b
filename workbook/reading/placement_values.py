"""The values in a placements file's cells: numbers as people type them and dates in the forms a file shows.

:func:`parse_number` reads ``4.04``, ``$4.04``, ``1,000,000``, ``1 000 000`` (and, with a decimal comma,
``4,04`` or ``1.000.000``); :func:`decimal_mark` decides which mark a ``;``- or tab-delimited file uses from its
own numbers. :func:`parse_dates` reads ISO, ``yyyymmdd``, Excel serials, date cells and slash or dot dates whose
order the file shows (or a ``--date-format``). The rules, and why, are in :mod:`workbook.reading.placements_file`.
Every refusal is a :class:`PlacementsFileError` naming the file, the row and the column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from udfs import excel

FIRST_SERIAL, LAST_SERIAL = excel.FIRST_SERIAL, excel.LAST_SERIAL


class PlacementsFileError(ValueError):
    """A placements file that cannot be used; the message is one line naming file, row and column."""


@dataclass
class Cell:
    """One cell of a placement row, where a refusal names it (:func:`where`)."""

    row: int  # 1-based, as a spreadsheet shows it
    column: int  # 1-based
    name: str  # Trade date | Shares | Price
    value: object  # str from a CSV; str, number, date or None from an .xlsx


def where(cell: Cell) -> str:
    """``row 3, column B (Shares)``: the cell as a refusal names it."""
    return f"row {cell.row}, column {get_column_letter(cell.column)} ({cell.name})"


class Serial1904(float):
    """A number in a workbook using the 1904 date system (a date only when it lands in the date column)."""


# numbers

_SPACES = " \u00a0\u202f"
_GROUPED = {
    ".": re.compile(r"^\d{1,3}(?:([,' \u00a0\u202f])\d{3})(?:\1\d{3})*(?:\.\d+)?$|^\d*(?:\.\d+)?$"),
    ",": re.compile(r"^\d{1,3}(?:([.' \u00a0\u202f])\d{3})(?:\1\d{3})*(?:,\d+)?$|^\d*(?:,\d+)?$"),
}


def decimal_mark(name: str, records: list[list[Cell]]) -> str:
    """The decimal mark a ``;``/tab file uses, from a number that shows it; refuse if it contradicts itself."""
    seen: dict[str, Cell] = {}
    ambiguous = None
    for record in records:
        for cell in record[1:]:
            if not isinstance(cell.value, str):
                continue
            text = _strip_number(cell.value)
            marks = [m for m in ".," if m in text]
            if len(marks) == 2:
                seen.setdefault("," if text.rfind(",") > text.rfind(".") else ".", cell)
            elif len(marks) == 1:
                mark = marks[0]
                parts = text.split(mark)
                if len(parts) > 2:
                    seen.setdefault("," if mark == "." else ".", cell)  # repeated: a thousands separator
                elif len(parts[1]) != 3:
                    seen.setdefault(mark, cell)
                elif ambiguous is None:
                    ambiguous = cell
    if len(seen) == 2:
        cell = max(seen.values(), key=lambda c: (c.row, c.column))
        raise PlacementsFileError(
            f"{name}: {where(cell)}: {cell.value.strip()!r} uses a different decimal mark from "
            f"{where(min(seen.values(), key=lambda c: (c.row, c.column)))}"
        )
    if seen:
        return next(iter(seen))
    if ambiguous is not None:
        raise PlacementsFileError(
            f"{name}: {where(ambiguous)}: {ambiguous.value.strip()!r} could be a decimal or a thousands separator; "
            "write the number without it (e.g. 1000 or 4.04)"
        )
    return "."


def _strip_number(text: str) -> str:
    text = text.strip(_SPACES + "\t")
    if text.startswith("-"):
        text = text[1:].lstrip(_SPACES)
    if text.startswith("$"):
        text = text[1:].strip(_SPACES)
    return text


def parse_number(name: str, cell: Cell, decimal: str) -> float:
    """The number in ``cell``, with ``decimal`` (``.`` or ``,``) as the decimal mark; ``$``, ``-`` and grouped
    thousands allowed (``$1,000,000.50``)."""
    value = cell.value
    if isinstance(value, Serial1904):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        raise PlacementsFileError(f"{name}: {where(cell)}: must be a number, not {value!r:.40}")
    text = value.strip(_SPACES + "\t")
    negative = text.startswith("-")
    body = _strip_number(text)
    match = _GROUPED[decimal].match(body)
    if not body or not any(ch.isdigit() for ch in body) or match is None:
        raise PlacementsFileError(f"{name}: {where(cell)}: must be a number, not {text!r:.40}")
    grouping = match.group(1) or ""
    plain = body.replace(grouping, "") if grouping else body
    plain = plain.replace(",", ".") if decimal == "," else plain
    number = float(plain)
    return -number if negative else number


# dates

_ISO = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_SLASHED = re.compile(r"^(\d{1,2})([/.])(\d{1,2})\2(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")


def parse_dates(name: str, cells: list[Cell], date_format: str | None) -> list[dt.date]:
    """The dates of the date column: with ``date_format`` (a ``strptime`` format) for its text dates, else in the
    slash order the column itself shows (see :mod:`workbook.reading.placements_file`)."""
    if date_format:
        return [_date_with_format(name, cell, date_format) for cell in cells]
    order = _slash_order(name, cells)
    return [_date(name, cell, order) for cell in cells]


def _slash_order(name: str, cells: list[Cell]) -> str | None:
    """``dmy`` or ``mdy`` when the file's slash/dot dates show it; None when it has none."""
    first_big = second_big = None
    ambiguous = None
    for cell in cells:
        match = _SLASHED.match(cell.value.strip()) if isinstance(cell.value, str) else None
        if not match:
            continue
        a, b = int(match.group(1)), int(match.group(3))
        if a > 12 and first_big is None:
            first_big = cell
        elif b > 12 and second_big is None:
            second_big = cell
        elif a != b and a <= 12 and b <= 12 and ambiguous is None:
            ambiguous = cell
    if first_big and second_big:
        later = max(first_big, second_big, key=lambda c: c.row)
        earlier = min(first_big, second_big, key=lambda c: c.row)
        raise PlacementsFileError(
            f"{name}: {where(later)}: {later.value.strip()!r} puts day and month the other way round from "
            f"{earlier.value.strip()!r} in row {earlier.row}; use one order (ISO 2001-11-05 is safest)"
        )
    if first_big:
        return "dmy"
    if second_big:
        return "mdy"
    if ambiguous is not None:
        raise PlacementsFileError(
            f"{name}: {where(ambiguous)}: {ambiguous.value.strip()!r} could be day/month or month/day and no date in "
            "the file tells which; give --date-format (e.g. %d/%m/%Y or %m/%d/%Y) or use ISO dates (2001-11-05)"
        )
    return None


def _date(name: str, cell: Cell, order: str | None) -> dt.date:
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, Serial1904):
        return _from_serial(name, cell, float(value), dt.datetime(1904, 1, 1))
    if isinstance(value, int | float):
        return _from_serial(name, cell, float(value))
    if not isinstance(value, str):
        raise PlacementsFileError(f"{name}: {where(cell)}: must be a date, not {value!r:.40}")
    text = value.strip(_SPACES + "\t")
    if match := _ISO.match(text):  # year first: 2001-11-05, 2001/11/05, 2001.11.05
        return _make_date(name, cell, int(match[1]), int(match[3]), int(match[4]))
    if match := _COMPACT.match(text):
        return _make_date(name, cell, int(match[1]), int(match[2]), int(match[3]))
    if _SERIAL.match(text):
        return _from_serial(name, cell, float(text))
    if (match := _SLASHED.match(text)) and order is not None:
        a, b = int(match[1]), int(match[3])
        day, month = (a, b) if order == "dmy" else (b, a)
        return _make_date(name, cell, int(match[4]), month, day)
    if match:  # day and month equal: either order gives the same date
        return _make_date(name, cell, int(match[4]), int(match[3]), int(match[1]))
    raise PlacementsFileError(
        f"{name}: {where(cell)}: {text!r:.40} is not a date (use 2001-11-05, 20011105, an Excel serial, "
        "or give --date-format)"
    )


def _make_date(name: str, cell: Cell, year: int, month: int, day: int) -> dt.date:
    try:
        if year < 1900:
            raise ValueError("year before 1900")
        return dt.date(year, month, day)
    except ValueError as exc:
        raise PlacementsFileError(
            f"{name}: {where(cell)}: {str(cell.value).strip()!r} is not a real date ({exc})"
        ) from None


def _from_serial(name: str, cell: Cell, serial: float, epoch: dt.datetime | None = None) -> dt.date:
    low = 0 if epoch else FIRST_SERIAL
    if not low <= serial <= LAST_SERIAL:
        raise PlacementsFileError(
            f"{name}: {where(cell)}: {cell.value!s:.20} is not an Excel date serial ({FIRST_SERIAL:,}–{LAST_SERIAL:,})"
        )
    return (from_excel(serial, epoch) if epoch else from_excel(serial)).date()


def _date_with_format(name: str, cell: Cell, date_format: str) -> dt.date:
    """A text date matching ``date_format``; dates, serials, ISO and ``yyyymmdd`` text are read whatever it says."""
    value = cell.value
    if not isinstance(value, str):
        return _date(name, cell, None)
    text = value.strip(_SPACES + "\t")
    try:
        parsed = dt.datetime.strptime(text, date_format).date()
    except ValueError:
        if _ISO.match(text) or _COMPACT.match(text) or _SERIAL.match(text):
            return _date(name, cell, None)  # never ambiguous: a re-saved file often mixes these with its own form
        raise PlacementsFileError(
            f"{name}: {where(cell)}: {text!r:.40} matches neither --date-format {date_format!r} nor an ISO date "
            "(2001-11-05), 20011105 or an Excel serial (or is not a real date)"
        ) from None
    if parsed.year < 1900:
        raise PlacementsFileError(f"{name}: {where(cell)}: {text!r:.40} is before 1900")
    return parsed
