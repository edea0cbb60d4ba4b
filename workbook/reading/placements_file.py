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
  1,048,576; :func:`workbook.kit.safety.check_package` bounds those); a row with
  some cells empty is refused. At most :data:`MAX_PLACEMENTS` placements: rows are parsed one by
  one and parsing stops at the first placement too many. Files above
  :data:`MAX_FILE_BYTES` are refused before anything is read. An ``.xlsx`` passes :func:`workbook.kit.safety.check_package`
  first and is read with openpyxl in read-only mode (cached values, not
  formulas) from the sheet named ``Placements`` or else the first sheet.
- **A header-only file** is a valid empty programme (0 placements).

Every refusal is a :class:`PlacementsFileError`: one line naming the file, the
row (1-based as a spreadsheet shows it; the header is row 1 in a plain file)
and the column (letter and name).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

import model
from model.calendars import non_trading_reason
from model.errors import CEOModelError
from model.ledger import AGENT, INPUT_COLUMNS
from model.terms import DealTerms
from workbook.reading.placement_rows import DELIMITERS, HEADER_SEARCH_ROWS, csv_rows, xlsx_rows
from workbook.reading.placement_values import (
    FIRST_SERIAL,
    LAST_SERIAL,
    Cell,
    PlacementsFileError,
    decimal_mark,
    parse_dates,
    parse_number,
    where,
)

# A desk modelling a shelf's whole life (issue 19). Measured with `python bench.py build_growth` (docs/terms.md):
# a 10,000-placement build of both flavours, values cached, takes well under a minute, and its ~232,000 formula
# cells stay below workbook.kit.safety.MAX_FORMULAS, so the built file can be validated and refreshed (tests/test_large.py).
MAX_PLACEMENTS = 10_000
MAX_FILE_BYTES = 2 * 1024 * 1024  # 10,000 placements take ~220 kB as CSV (UTF-16: ~450 kB), ~175 kB as .xlsx

__all__ = [
    "DELIMITERS",
    "FIRST_SERIAL",
    "HEADER_SEARCH_ROWS",
    "LAST_SERIAL",
    "MAX_FILE_BYTES",
    "MAX_PLACEMENTS",
    "PlacementsFileError",
    "read_placements",
]


def read_placements(
    path: Path | str,
    terms: DealTerms = model.PROSPECTUS,
    date_format: str | None = None,
    *,
    allow_duplicates: bool = True,
    allow_non_trading_days: bool = True,
) -> pd.DataFrame:
    """Placements from ``path`` as a frame ``Trade date | Shares | Price`` (dates as ``datetime.date``), and
    ``Agent`` when the file has that column (its text as written; the model matches it to the terms' agents).

    A trade date that is not a trading day of the deal (a weekend, a holiday of its calendar, before the
    document date: :func:`model.calendars.non_trading_reason`) is refused naming its row unless
    ``allow_non_trading_days`` (the commands that read placements pass False unless given
    ``--allow-non-trading-days``; the default here keeps what callers of this function have always had).

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
        rows, header_row, columns, delimiter = csv_rows(path)
        decimal = "." if delimiter == "," else None  # ; or tab: decided from the file's own numbers
        return _frame(
            name, rows, header_row, columns, decimal, date_format, terms, allow_duplicates, allow_non_trading_days
        )
    book = None
    try:
        book, rows, header_row, columns = xlsx_rows(path)
        return _frame(
            name, rows, header_row, columns, ".", date_format, terms, allow_duplicates, allow_non_trading_days
        )
    except PlacementsFileError:
        raise
    except Exception as exc:  # a sheet that breaks openpyxl mid-way is refused in one line, never a traceback
        raise PlacementsFileError(f"{name}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    finally:
        if book is not None:
            book.close()


def _frame(
    name: str,
    rows: Iterator[tuple[int, list]],
    header_row: int,
    columns: dict[str, int],
    decimal: str | None,
    date_format: str | None,
    terms: DealTerms,
    allow_duplicates: bool = True,
    allow_non_trading_days: bool = False,
) -> pd.DataFrame:
    records: list[list[Cell]] = []
    agents: list[Cell | None] = []
    last = max(columns.values())
    for number, row in rows:
        cells = [Cell(number, columns[c], c, _blank(_at(row, columns[c]))) for c in INPUT_COLUMNS]
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
                raise PlacementsFileError(f"{name}: {where(cell)}: empty in a row that has other values")
        if len(records) == MAX_PLACEMENTS:
            raise PlacementsFileError(
                f"{name}: row {number}: more than {MAX_PLACEMENTS:,} placements; the model workbook holds at most "
                f"{MAX_PLACEMENTS:,} (split the programme, or sum placements of the same day)"
            )
        records.append(cells)
        agents.append(
            Cell(number, columns[AGENT], AGENT, _blank(_at(row, columns[AGENT]))) if AGENT in columns else None
        )
    if decimal is None:
        decimal = decimal_mark(name, records)
    dates = parse_dates(name, [r[0] for r in records], date_format)
    shares = [parse_number(name, r[1], decimal) for r in records]
    prices = [parse_number(name, r[2], decimal) for r in records]
    frame = pd.DataFrame({"Trade date": dates, "Shares": shares, "Price": prices}, columns=list(INPUT_COLUMNS))
    if AGENT in columns:
        frame[AGENT] = [None if c.value is None else str(c.value).strip() for c in agents]
    if not allow_non_trading_days:
        for record, day in zip(records, dates, strict=True):
            reason = non_trading_reason(day, terms)
            if reason:
                raise PlacementsFileError(
                    f"{name}: {where(record[0])}: {day.isoformat()} is not a trading day ({reason}); correct it, or "
                    "give --allow-non-trading-days to keep it"
                )
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
    _check_model(name, frame, [r + ([a] if a else []) for r, a in zip(records, agents, strict=True)], terms)
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


def _check_model(name: str, frame: pd.DataFrame, records: list[list[Cell]], terms: DealTerms) -> None:
    """The model's own row checks (positive whole shares, positive price, programme maximum), positions mapped."""
    try:
        model.placements(frame, terms, name="placements", header_rows=0)
    except CEOModelError as exc:
        if exc.position and len(exc.position) == 2:
            row, column = exc.position
            cell = records[row - 1][column - 1]
            rule = exc.rule.removeprefix(f"{cell.name} ")
            raise PlacementsFileError(f"{name}: {where(cell)}: {rule}") from None
        raise PlacementsFileError(f"{name}: {exc.rule}") from None
