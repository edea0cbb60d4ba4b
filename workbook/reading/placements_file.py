"""Read a placements file as people export it: ``.csv`` (any common encoding and delimiter) or ``.xlsx``.

The file needs a header row naming ``Trade date``, ``Shares`` and ``Price``
and one row per placement below it. What is accepted, and why:

- **Header.** Names are matched ignoring case, spaces, ``_`` and ``-``
  (``trade date``, `` Trade  Date ``, ``TRADE_DATE`` and ``Trade-Date`` all
  name *Trade date*); columns in any order. The header is the first of the
  first :data:`HEADER_SEARCH_ROWS` rows that names all three (so title rows
  above it, as on a CEO Model workbook's Placements sheet, are skipped). Any
  other named column is refused (a ``Commission`` or ``Settlement date``
  column would otherwise look used while being ignored); columns with an
  empty header and no values (trailing delimiters) are ignored.
- **Text encodings.** UTF-8 with or without BOM, UTF-16 LE/BE with BOM; CRLF,
  LF or CR line ends. Anything else (a legacy code page, binary data) is
  refused: save as "CSV UTF-8".
- **Delimiter.** ``,``, ``;`` or tab — the one that splits the header into the
  three names (deterministic, not guessed from the data).
- **Numbers.** `` 4.04 ``, ``$4.04``, ``"1,000,000"``, ``1 000 000`` (spaces or
  no-break spaces as thousands separators, in groups of three). A decimal
  comma (``4,04``; ``1.000.000``) is read only in ``;``- or tab-delimited files
  and only when the file itself shows which mark is decimal (some number with
  a separator followed by other than three digits); otherwise a number like
  ``1,000`` or ``1.000`` in such a file is ambiguous and refused.
- **Dates.** ISO ``2001-11-05`` (or ``2001/11/05``; a time after it is dropped), ``20011105``,
  Excel serials (``37200``, 1900 date system; 61 = 1900-03-01 onwards),
  ``.xlsx`` date cells. Slash or dot dates (``05/11/2001``, ``5.11.2001``) only
  when the file shows the order: some date has a first part above 12 (day
  first) or a second part above 12 (month first), and none contradicts it.
  Otherwise refused with the row, suggesting ``--date-format`` (a ``strptime``
  format such as ``%d/%m/%Y``, which then applies to the text dates it matches;
  ISO, ``yyyymmdd`` and serials are still read, and a date matching none is
  refused naming its row).
- **Rows.** Entirely empty rows are skipped, however many (an ``.xlsx`` is read
  by the rows its sheet holds, not by a used range LibreOffice may stretch to row
  1,048,576; :func:`workbook.reading.safety.check_package` bounds those); a row with
  some cells empty is refused. At most :data:`MAX_PLACEMENTS` placements: rows are parsed one by
  one and parsing stops at the first placement too many. Files above
  :data:`MAX_FILE_BYTES` are refused before anything is read. An ``.xlsx`` passes :func:`workbook.reading.safety.check_package`
  first and is read with openpyxl in read-only mode (cached values, not
  formulas) from the sheet named ``Placements`` or else the first sheet.
- **A header-only file** is a valid empty programme (0 placements).

Every refusal is a :class:`PlacementsFileError`: one line naming the file, the
row (1-based as a spreadsheet shows it; the header is row 1 in a plain file)
and the column (letter and name).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

import model
from model.errors import CEOModelError
from model.ledger import INPUT_COLUMNS
from model.terms import DealTerms
from udfs import excel

# A desk modelling a shelf's whole life (issue 19). Measured with `python bench.py build_growth` (docs/terms.md):
# a 10,000-placement build of both flavours, values cached, takes well under a minute, and its ~232,000 formula
# cells stay below workbook.reading.safety.MAX_FORMULAS, so the built file can be validated and refreshed (tests/test_large.py).
MAX_PLACEMENTS = 10_000
MAX_FILE_BYTES = 2 * 1024 * 1024  # 10,000 placements take ~220 kB as CSV (UTF-16: ~450 kB), ~175 kB as .xlsx
HEADER_SEARCH_ROWS = 10
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
FIRST_SERIAL, LAST_SERIAL = excel.FIRST_SERIAL, excel.LAST_SERIAL


class PlacementsFileError(ValueError):
    """A placements file that cannot be used; the message is one line naming file, row and column."""


def _key(header: object) -> str:
    return re.sub(r"[\s_\-]+", " ", str(header)).strip().casefold() if header is not None else ""


_WANTED = {_key(c): c for c in INPUT_COLUMNS}


@dataclass
class _Cell:
    row: int  # 1-based, as a spreadsheet shows it
    column: int  # 1-based
    name: str  # Trade date | Shares | Price
    value: object  # str from a CSV; str, number, date or None from an .xlsx


def read_placements(
    path: Path | str,
    terms: DealTerms = model.PROSPECTUS,
    date_format: str | None = None,
    *,
    allow_duplicates: bool = True,
) -> pd.DataFrame:
    """Placements from ``path`` as a frame ``Trade date | Shares | Price`` (dates as ``datetime.date``).

    The rows are also checked by :func:`model.placements` against ``terms``
    (positive whole shares, positive prices, cumulative gross within the
    programme maximum), so a file that reads is a file that builds.

    Rows that repeat an earlier row exactly (a placement entered twice counts twice) are refused unless
    ``allow_duplicates``; the accepted ones are listed in ``frame.attrs["duplicates"]`` as (first row, repeat row).

    Raises
    ------
    PlacementsFileError
        With a one-line message naming the file, the row and the column.
    """
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PlacementsFileError(f"{name}: cannot be read: {exc.strerror or exc}") from None
    if not path.is_file():
        raise PlacementsFileError(f"{name}: not a file")
    if size > MAX_FILE_BYTES:
        raise PlacementsFileError(
            f"{name}: {size:,} bytes, above the {MAX_FILE_BYTES:,}-byte limit for a placements file "
            f"(at most {MAX_PLACEMENTS:,} placements)"
        )
    with path.open("rb") as fp:
        head = fp.read(4)
    if not (head.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm")):
        rows, header_row, columns, delimiter = _csv_rows(path)
        decimal = "." if delimiter == "," else None  # ; or tab: decided from the file's own numbers
        return _frame(name, rows, header_row, columns, decimal, date_format, terms, allow_duplicates)
    book = None
    try:
        book, rows, header_row, columns = _xlsx_rows(path)
        return _frame(name, rows, header_row, columns, ".", date_format, terms, allow_duplicates)
    except PlacementsFileError:
        raise
    except Exception as exc:  # a sheet that breaks openpyxl mid-way is refused in one line, never a traceback
        raise PlacementsFileError(f"{name}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    finally:
        if book is not None:
            book.close()


# ---------------------------------------------------------------- reading cells


def _decode(name: str, data: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            data, label = data[len(bom) :], encoding.upper().replace("-LE", " LE").replace("-BE", " BE")
            break
    else:
        encoding = label = "utf-8"
        if b"\x00" in data:
            raise PlacementsFileError(
                f"{name}: binary data or UTF-16 without a byte-order mark; save it as CSV (UTF-8) or .xlsx"
            )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n" if encoding == "utf-8" else "\n".encode(encoding)) + 1
        raise PlacementsFileError(
            f"{name}: row {line}: not {label.upper()} text (byte {exc.start + 1:,}); save it as CSV (UTF-8) or .xlsx"
        ) from None


def _csv_rows(path: Path) -> tuple[Iterator[tuple[int, list]], int, dict[str, int], str]:
    name = path.name
    text = _decode(name, path.read_bytes())
    if "\x00" in text:
        raise PlacementsFileError(f"{name}: contains NUL characters (binary data?); save it as CSV (UTF-8) or .xlsx")
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            found = _find_header(name, enumerate(reader, start=1), quiet=True)
        except csv.Error:
            continue
        if found is not None:
            header_row, columns = found
            rows = _csv_records(name, text, delimiter)
            for number, _ in rows:
                if number == header_row:
                    break
            return rows, header_row, columns, delimiter
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",")
    _find_header(name, enumerate(reader, start=1), quiet=False)  # raises with what row 1 holds
    raise AssertionError("unreachable")  # pragma: no cover


def _csv_records(name: str, text: str, delimiter: str) -> Iterator[tuple[int, list]]:
    """Numbered records; a broken one (an unclosed quote) is refused naming its row and column."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        start = reader.line_num  # physical lines read before this record
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = text.splitlines()[start] if start < len(text.splitlines()) else ""
            column = _open_quote_column(line, delimiter)
            raise PlacementsFileError(
                f"{name}: row {number + 1}, column {get_column_letter(column)}: not valid CSV ({exc}; "
                "a quote opened here is not closed properly)"
            ) from None
        number += 1
        yield number, row


def _open_quote_column(line: str, delimiter: str) -> int:
    column, quoted = 1, False
    opened = 1
    for ch in line:
        if ch == '"':
            quoted = not quoted
            if quoted:
                opened = column
        elif ch == delimiter and not quoted:
            column += 1
    return opened


def _find_header(name: str, rows: Iterator[tuple[int, list]], quiet: bool) -> tuple[int, dict[str, int]] | None:
    first = None
    for number, row in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        keys = [_key(v) for v in row]
        if first is None and any(keys):
            first = (number, row)
        if not set(_WANTED) <= set(keys):
            continue
        columns: dict[str, int] = {}
        for index, key in enumerate(keys, start=1):
            label = f"column {get_column_letter(index)}"
            if key in _WANTED:
                if _WANTED[key] in columns:
                    raise PlacementsFileError(f"{name}: row {number}, {label}: a second {_WANTED[key]} column")
                columns[_WANTED[key]] = index
            elif key:
                raise PlacementsFileError(
                    f"{name}: row {number}, {label}: unknown column {str(row[index - 1]).strip()!r:.40}; "
                    "a placements file has only Trade date, Shares and Price (delete the others)"
                )
        return number, columns
    if quiet:
        return None
    if first is None:
        raise PlacementsFileError(f"{name}: empty; needs a header row Trade date, Shares, Price")
    number, row = first
    missing = [c for c in INPUT_COLUMNS if _key(c) not in {_key(v) for v in row}]
    shown = ", ".join(repr(str(v).strip())[:30] for v in row[:6] if v not in (None, ""))
    raise PlacementsFileError(
        f"{name}: row {number}: the header must name Trade date, Shares and Price "
        f"(comma, semicolon or tab separated); missing {', '.join(missing)} in {shown}"
    )


def _xlsx_rows(path: Path) -> tuple[object, Iterator[tuple[int, list]], int, dict[str, int]]:
    from openpyxl import load_workbook

    from workbook.reading.safety import UnreadableWorkbook, check_package

    name = path.name
    try:
        check_package(path)
        book = load_workbook(path, read_only=True, data_only=True)
    except UnreadableWorkbook as exc:
        raise PlacementsFileError(str(exc)) from None
    except Exception as exc:  # a broken file is refused in one line, whatever openpyxl raised
        raise PlacementsFileError(f"{name}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        sheets = [ws for ws in book.worksheets if ws.title.strip().casefold() == "placements"] or book.worksheets[:1]
        if not sheets:
            raise PlacementsFileError(f"{name}: has no worksheet")
        sheet = sheets[0]
        sheet.reset_dimensions()  # a LibreOffice used range to row 1,048,576: read the rows the file has, not its claim
        epoch = book.epoch

        def rows() -> Iterator[tuple[int, list]]:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_xlsx_value(v, epoch) for v in row]

        found = _find_header(f"{name} (sheet {sheet.title})", rows(), quiet=False)
        assert found is not None
        header_row, columns = found
        data = rows()
        for number, _ in data:
            if number == header_row:
                break
        return book, data, header_row, columns
    except BaseException:
        book.close()
        raise


def _xlsx_value(value, epoch):
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, bool):
        return str(value).upper()  # refused as a number and as a date, like the text TRUE
    if isinstance(value, int | float) and epoch.date() != excel.EPOCH and value:
        return _Serial1904(value)
    return value


class _Serial1904(float):
    """A number in a workbook using the 1904 date system (a date only when it lands in the date column)."""


# ---------------------------------------------------------------- values


def _frame(
    name: str,
    rows: Iterator[tuple[int, list]],
    header_row: int,
    columns: dict[str, int],
    decimal: str | None,
    date_format: str | None,
    terms: DealTerms,
    allow_duplicates: bool = True,
) -> pd.DataFrame:
    records: list[list[_Cell]] = []
    last = max(columns.values())
    for number, row in rows:
        cells = [_Cell(number, columns[c], c, _blank(_at(row, columns[c]))) for c in INPUT_COLUMNS]
        extra = [(i, v) for i, v in enumerate(row, start=1) if i not in columns.values() and _blank(v) is not None]
        if extra:
            index, value = extra[0]
            raise PlacementsFileError(
                f"{name}: row {number}, column {get_column_letter(index)}: a value ({str(value).strip()!r:.30}) "
                f"outside the columns of the header (A–{get_column_letter(last)})"
            )
        if all(c.value is None for c in cells):
            continue  # the rows come from the file itself, which the size limits bound (never padded to 1,048,576)
        for cell in cells:
            if cell.value is None:
                raise PlacementsFileError(f"{name}: {_where(cell)}: empty in a row that has other values")
        if len(records) == MAX_PLACEMENTS:
            raise PlacementsFileError(
                f"{name}: row {number}: more than {MAX_PLACEMENTS:,} placements; the model workbook holds at most "
                f"{MAX_PLACEMENTS:,} (split the programme, or sum placements of the same day)"
            )
        records.append(cells)
    if decimal is None:
        decimal = _decimal_from(name, records)
    dates = _dates(name, [r[0] for r in records], date_format)
    shares = [_number(name, r[1], decimal) for r in records]
    prices = [_number(name, r[2], decimal) for r in records]
    frame = pd.DataFrame({"Trade date": dates, "Shares": shares, "Price": prices}, columns=list(INPUT_COLUMNS))
    seen: dict[tuple, int] = {}
    duplicates = []
    for record, key in zip(records, zip(dates, shares, prices, strict=True), strict=True):
        row = record[0].row
        if key in seen:
            if not allow_duplicates:
                raise PlacementsFileError(
                    f"{name}: row {row} repeats row {seen[key]} exactly ({key[0].isoformat()}, {key[1]:,.0f} shares at "
                    f"{key[2]:g}): a row entered twice counts twice; delete it, or give --allow-duplicates if these "
                    "were two placements"
                )
            duplicates.append((seen[key], row))
        else:
            seen[key] = row
    _check_model(name, frame, records, terms)
    if frame["Shares"].size and frame["Shares"].max() < 2**53:
        frame["Shares"] = frame["Shares"].astype("int64")  # whole, as the model checked
    frame.attrs["duplicates"] = duplicates
    return frame


def _at(row: list, index: int):
    return row[index - 1] if index <= len(row) else None


def _blank(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _where(cell: _Cell) -> str:
    return f"row {cell.row}, column {get_column_letter(cell.column)} ({cell.name})"


def _check_model(name: str, frame: pd.DataFrame, records: list[list[_Cell]], terms: DealTerms) -> None:
    """The model's own row checks (positive whole shares, positive price, programme maximum), positions mapped."""
    try:
        model.placements(frame, terms, name="placements", header_rows=0)
    except CEOModelError as exc:
        if exc.position and len(exc.position) == 2:
            row, column = exc.position
            cell = records[row - 1][column - 1]
            rule = exc.rule.removeprefix(f"{cell.name} ")
            raise PlacementsFileError(f"{name}: {_where(cell)}: {rule}") from None
        raise PlacementsFileError(f"{name}: {exc.rule}") from None


# numbers

_SPACES = " \u00a0\u202f"
_GROUPED = {
    ".": re.compile(r"^\d{1,3}(?:([,' \u00a0\u202f])\d{3})(?:\1\d{3})*(?:\.\d+)?$|^\d*(?:\.\d+)?$"),
    ",": re.compile(r"^\d{1,3}(?:([.' \u00a0\u202f])\d{3})(?:\1\d{3})*(?:,\d+)?$|^\d*(?:,\d+)?$"),
}


def _decimal_from(name: str, records: list[list[_Cell]]) -> str:
    """The decimal mark a ``;``/tab file uses, from a number that shows it; refuse if it contradicts itself."""
    seen: dict[str, _Cell] = {}
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
            f"{name}: {_where(cell)}: {cell.value.strip()!r} uses a different decimal mark from "
            f"{_where(min(seen.values(), key=lambda c: (c.row, c.column)))}"
        )
    if seen:
        return next(iter(seen))
    if ambiguous is not None:
        raise PlacementsFileError(
            f"{name}: {_where(ambiguous)}: {ambiguous.value.strip()!r} could be a decimal or a thousands separator; "
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


def _number(name: str, cell: _Cell, decimal: str) -> float:
    value = cell.value
    if isinstance(value, _Serial1904):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        raise PlacementsFileError(f"{name}: {_where(cell)}: must be a number, not {value!r:.40}")
    text = value.strip(_SPACES + "\t")
    negative = text.startswith("-")
    body = _strip_number(text)
    match = _GROUPED[decimal].match(body)
    if not body or not any(ch.isdigit() for ch in body) or match is None:
        raise PlacementsFileError(f"{name}: {_where(cell)}: must be a number, not {text!r:.40}")
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


def _dates(name: str, cells: list[_Cell], date_format: str | None) -> list[dt.date]:
    if date_format:
        return [_date_with_format(name, cell, date_format) for cell in cells]
    order = _slash_order(name, cells)
    return [_date(name, cell, order) for cell in cells]


def _slash_order(name: str, cells: list[_Cell]) -> str | None:
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
            f"{name}: {_where(later)}: {later.value.strip()!r} puts day and month the other way round from "
            f"{earlier.value.strip()!r} in row {earlier.row}; use one order (ISO 2001-11-05 is safest)"
        )
    if first_big:
        return "dmy"
    if second_big:
        return "mdy"
    if ambiguous is not None:
        raise PlacementsFileError(
            f"{name}: {_where(ambiguous)}: {ambiguous.value.strip()!r} could be day/month or month/day and no date in "
            "the file tells which; give --date-format (e.g. %d/%m/%Y or %m/%d/%Y) or use ISO dates (2001-11-05)"
        )
    return None


def _date(name: str, cell: _Cell, order: str | None) -> dt.date:
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, _Serial1904):
        return _from_serial(name, cell, float(value), dt.datetime(1904, 1, 1))
    if isinstance(value, int | float):
        return _from_serial(name, cell, float(value))
    if not isinstance(value, str):
        raise PlacementsFileError(f"{name}: {_where(cell)}: must be a date, not {value!r:.40}")
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
        f"{name}: {_where(cell)}: {text!r:.40} is not a date (use 2001-11-05, 20011105, an Excel serial, "
        "or give --date-format)"
    )


def _make_date(name: str, cell: _Cell, year: int, month: int, day: int) -> dt.date:
    try:
        if year < 1900:
            raise ValueError("year before 1900")
        return dt.date(year, month, day)
    except ValueError as exc:
        raise PlacementsFileError(
            f"{name}: {_where(cell)}: {str(cell.value).strip()!r} is not a real date ({exc})"
        ) from None


def _from_serial(name: str, cell: _Cell, serial: float, epoch: dt.datetime | None = None) -> dt.date:
    low = 0 if epoch else FIRST_SERIAL
    if not low <= serial <= LAST_SERIAL:
        raise PlacementsFileError(
            f"{name}: {_where(cell)}: {cell.value!s:.20} is not an Excel date serial ({FIRST_SERIAL:,}–{LAST_SERIAL:,})"
        )
    return (from_excel(serial, epoch) if epoch else from_excel(serial)).date()


def _date_with_format(name: str, cell: _Cell, date_format: str) -> dt.date:
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
            f"{name}: {_where(cell)}: {text!r:.40} matches neither --date-format {date_format!r} nor an ISO date "
            "(2001-11-05), 20011105 or an Excel serial (or is not a real date)"
        ) from None
    if parsed.year < 1900:
        raise PlacementsFileError(f"{name}: {_where(cell)}: {text!r:.40} is before 1900")
    return parsed
