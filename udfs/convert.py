"""What xlwings passes in, and what Excel takes back: dates, schedules, tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from model.args import numbers
from model.deals.prospectus_2001 import SCHEDULE as DEFAULT_SCHEDULE
from model.errors import CEOModelError, ErrorKind
from model.ledger import INPUT_COLUMNS
from model.terms import Schedule
from udfs.excel import EPOCH, FIRST_SERIAL, LAST_DATE_WORDS, LAST_SERIAL

EXCEL_EPOCH = np.datetime64(EPOCH, "D")


def schedule(value: object, name: str = "schedule") -> Schedule:
    """The default deal's schedule when omitted, else a checked ``From | To | Rate`` range."""
    if value is None or (np.size(value) == 1 and blank(value)):
        return DEFAULT_SCHEDULE
    if isinstance(value, Schedule):
        return value
    return Schedule.from_rows(value, name)


def blank(value: object) -> bool:
    """An omitted argument, or a range whose every cell is empty (xlwings passes empty cells as None)."""
    if value is None:
        return True
    if not isinstance(value, list | np.ndarray):
        return False
    try:
        cells = np.asarray(value, dtype=object)
    except ValueError:  # a ragged range: not blank; the model reports its shape
        return False
    return bool(np.equal(cells, None).all())


def dates(value: object, name: str, *, skip_empty: bool = False) -> np.ndarray:
    """Excel dates (serial numbers, or datetimes as classic xlwings passes them) as ``datetime64[D]``.

    With ``skip_empty`` empty cells are dropped (a holiday list with spare rows)."""
    keep = None
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        obj = value
    else:
        obj = np.asarray(value, dtype=object)
        if skip_empty:
            # checked in place (a valid stand-in for the empties) so that errors name the caller's cell
            keep = np.not_equal(obj, None)
            obj = np.where(keep, obj, FIRST_SERIAL)
        if any(issubclass(kind, dt.date | np.datetime64) for kind in set(map(type, obj.ravel()))):
            # classic xlwings passes date-formatted cells as datetimes; Excel itself passes serials
            obj = np.array([_serial_of(v) for v in obj.ravel()], dtype=object).reshape(obj.shape)
    days = numbers(obj, name, low=FIRST_SERIAL, high=LAST_SERIAL, high_name=LAST_DATE_WORDS)
    out = EXCEL_EPOCH + np.floor(days).astype("int64").astype("timedelta64[D]")
    return out if keep is None else out[keep]


def _serial_of(value: object) -> object:
    if isinstance(value, np.datetime64) and not np.isnat(value):
        value = value.astype("datetime64[D]").astype(dt.date)
    if isinstance(value, dt.date):
        return float((np.datetime64(_day(value), "D") - EXCEL_EPOCH).astype("int64"))
    return value


def _date_or_raw(value: object, name: str, row: int) -> object:
    """A table cell as a date when it is one (or a serial number); else unchanged, for the model to refuse.

    A number that is no Excel date (NaN, infinite, before 1 March 1900, after 9999) is refused here,
    as ``#NUM!``, naming its cell: ``row`` of the caller's range, column 1."""
    serial = _serial_of(value)
    if isinstance(serial, int | float | np.integer | np.floating) and not isinstance(serial, bool | np.bool_):
        if not (np.isfinite(serial) and FIRST_SERIAL <= serial <= LAST_SERIAL):
            raise CEOModelError(
                name,
                f"Trade date must be a date serial from {FIRST_SERIAL} (1 March 1900) to {LAST_SERIAL:,} (got {serial})",
                ErrorKind.NUM,
                (row, 1),
            )
        return (EXCEL_EPOCH + np.timedelta64(int(np.floor(serial)), "D")).astype(dt.date)
    return value


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def serials(days) -> np.ndarray | float:
    """``datetime64[D]`` or dates back to Excel serial numbers."""
    arr = np.asarray(days, dtype="datetime64[D]")
    out = (arr - EXCEL_EPOCH).astype("int64").astype(np.float64)
    return float(out) if out.ndim == 0 else out


def placements_table(value: object, name: str = "table") -> pd.DataFrame:
    """A ``Trade date | Shares | Price`` range (with its header row) as a DataFrame."""
    rows = np.asarray(value, dtype=object)
    if rows.ndim != 2 or rows.shape[1] != len(INPUT_COLUMNS) or rows.shape[0] < 1:
        raise CEOModelError(name, "must be a range of 3 columns with the header Trade date | Shares | Price")
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    expected = [c.lower() for c in INPUT_COLUMNS]
    for col, (got, want) in enumerate(zip(header, expected, strict=True)):
        if got != want:
            raise CEOModelError(
                name,
                f"header must be Trade date | Shares | Price; found {rows[0][col]!r}",
                ErrorKind.VALUE,
                (1, col + 1),
            )
    body = rows[1:]
    trade = [_date_or_raw(v, name, row) for row, v in enumerate(body[:, 0], start=2)]
    return pd.DataFrame({"Trade date": trade, "Shares": list(body[:, 1]), "Price": list(body[:, 2])}, dtype=object)


def table_with_header(frame: pd.DataFrame, date_columns=()) -> list[list]:
    """A DataFrame as a spilling 2-D list: header row, then values (dates as serials)."""
    out = frame.copy()
    for col in date_columns:
        out[col] = serials(np.array(out[col].tolist(), dtype="datetime64[D]")) if len(out) else []
    return [list(out.columns), *out.astype(object).values.tolist()]
