"""The rows of a placements file and the header that names its columns: a CSV's text (encoding, delimiter,
quoting) or an ``.xlsx`` sheet's cells, each row numbered as a spreadsheet shows it.

:func:`csv_rows` and :func:`xlsx_rows` find the header (:func:`find_header`: the first of the first
:data:`HEADER_SEARCH_ROWS` rows naming Trade date, Shares and Price, matched by :func:`header_key`) and return
the rows after it with the column of each name. The rules, and why, are in :mod:`workbook.reading.placements_file`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

from openpyxl.utils import get_column_letter

from model.ledger import AGENT, INPUT_COLUMNS
from udfs import excel
from workbook.reading.placement_values import PlacementsFileError, Serial1904

HEADER_SEARCH_ROWS = 10
DELIMITERS = (",", ";", "\t")


def header_key(header: object) -> str:
    """A header as it is matched: case, spaces, ``_`` and ``-`` ignored (``TRADE_DATE`` is ``trade date``)."""
    return re.sub(r"[\s_\-]+", " ", str(header)).strip().casefold() if header is not None else ""


_WANTED = {header_key(c): c for c in INPUT_COLUMNS}
_OPTIONAL = {header_key(AGENT): AGENT}  # the agent of each placement: required by the model when there are several


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


def csv_rows(path: Path) -> tuple[Iterator[tuple[int, list]], int, dict[str, int], str]:
    """A CSV's rows after its header, the header's row, the column of each name and the delimiter that splits the
    header into the names."""
    name = path.name
    text = _decode(name, path.read_bytes())
    if "\x00" in text:
        raise PlacementsFileError(f"{name}: contains NUL characters (binary data?); save it as CSV (UTF-8) or .xlsx")
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            found = find_header(name, enumerate(reader, start=1), quiet=True)
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
    find_header(name, enumerate(reader, start=1), quiet=False)  # raises with what row 1 holds
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


def find_header(name: str, rows: Iterator[tuple[int, list]], quiet: bool) -> tuple[int, dict[str, int]] | None:
    """The header's row and the column of each name; None (``quiet``) or a refusal when no row names all three."""
    first = None
    for number, row in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        keys = [header_key(v) for v in row]
        if first is None and any(keys):
            first = (number, row)
        if not set(_WANTED) <= set(keys):
            continue
        columns: dict[str, int] = {}
        for index, key in enumerate(keys, start=1):
            label = f"column {get_column_letter(index)}"
            if key in _WANTED or key in _OPTIONAL:
                known = _WANTED.get(key) or _OPTIONAL[key]
                if known in columns:
                    raise PlacementsFileError(f"{name}: row {number}, {label}: a second {known} column")
                columns[known] = index
            elif key:
                raise PlacementsFileError(
                    f"{name}: row {number}, {label}: unknown column {str(row[index - 1]).strip()!r:.40}; "
                    "a placements file has only Trade date, Shares and Price, and Agent (delete the others)"
                )
        return number, columns
    if quiet:
        return None
    if first is None:
        raise PlacementsFileError(f"{name}: empty; needs a header row Trade date, Shares, Price")
    number, row = first
    missing = [c for c in INPUT_COLUMNS if header_key(c) not in {header_key(v) for v in row}]
    shown = ", ".join(repr(str(v).strip())[:30] for v in row[:6] if v not in (None, ""))
    raise PlacementsFileError(
        f"{name}: row {number}: the header must name Trade date, Shares and Price "
        f"(comma, semicolon or tab separated); missing {', '.join(missing)} in {shown}"
    )


def xlsx_rows(path: Path) -> tuple[object, Iterator[tuple[int, list]], int, dict[str, int]]:
    """The open workbook (the caller closes it), the rows after the header of its ``Placements`` sheet (else its
    first), the header's row and the column of each name."""
    from openpyxl import load_workbook

    from workbook.kit.safety import UnreadableWorkbook, check_package

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

        found = find_header(f"{name} (sheet {sheet.title})", rows(), quiet=False)
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
        return Serial1904(value)
    return value
