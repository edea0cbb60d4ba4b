"""Excel facts: the 1900 date system, the serial range, error values and codes, sheet limits.

Every layer imports these from here (udfs, workbook, tests); nothing else writes them down.

>>> serial(dt.date(2001, 11, 5))
37200
>>> from_serial(37200)
datetime.date(2001, 11, 5)
"""

from __future__ import annotations

import datetime as dt

# Day 0 of Excel's 1900 date system. Excel counts a phantom 29 February 1900, so serials from 61
# (1 March 1900) on are days after this epoch and earlier serials are ambiguous.
EPOCH = dt.date(1899, 12, 30)
FIRST_SERIAL = 61
FIRST_DATE = dt.date(1900, 3, 1)
LAST_SERIAL = 2_958_465
LAST_DATE = dt.date(9999, 12, 31)
LAST_DATE_WORDS = "Excel's last date (31 December 9999)"

# Excel's CVErr codes (XlCVError; the same numbers as xlwings.constants.CVError).
ERROR_CODES = {
    "#NULL!": 2000,
    "#DIV/0!": 2007,
    "#VALUE!": 2015,
    "#REF!": 2023,
    "#NAME?": 2029,
    "#NUM!": 2036,
    "#N/A": 2042,
}
# Every error value a cell can hold: the coded ones and those of dynamic arrays and data types.
ERROR_VALUES = frozenset(ERROR_CODES) | frozenset(
    {"#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)

MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384


def serial(day: dt.date) -> int:
    """A date's Excel serial (1900 date system, from 1 March 1900)."""
    return (day - EPOCH).days


def from_serial(number: float) -> dt.date:
    """The date of an Excel serial (its whole part; the fraction is a time of day)."""
    return EPOCH + dt.timedelta(days=int(number // 1))
