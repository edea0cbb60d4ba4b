"""udfs.excel, the one home of Excel facts, against what other software says about Excel."""

from __future__ import annotations

import datetime as dt

import openpyxl
import xlwings.constants as constants
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.datetime import from_excel, to_excel

from udfs import excel


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_serials_agree_with_openpyxl(day):
    assert excel.serial(day) == to_excel(day)
    assert excel.from_serial(to_excel(day)) == day == from_excel(to_excel(day)).date()


def test_the_serial_range_ends_where_excel_does():
    # Excel's documented range: 1 March 1900 is 61 (after the phantom 29 February), 31 December 9999 is 2,958,465
    assert (excel.FIRST_SERIAL, excel.LAST_SERIAL) == (61, 2_958_465)
    assert excel.serial(excel.FIRST_DATE) == excel.FIRST_SERIAL
    assert excel.serial(excel.LAST_DATE) == excel.LAST_SERIAL


def test_error_codes_are_xlwings_cverror_numbers():
    names = {"#NULL!": "xlErrNull", "#DIV/0!": "xlErrDiv0", "#VALUE!": "xlErrValue", "#REF!": "xlErrRef"}
    names |= {"#NAME?": "xlErrName", "#NUM!": "xlErrNum", "#N/A": "xlErrNA"}
    assert {text: getattr(constants.CVError, name) for text, name in names.items()} == excel.ERROR_CODES


def test_sheet_limits_are_openpyxls():
    assert (1_048_576, openpyxl.utils.column_index_from_string("XFD")) == (excel.MAX_ROWS, excel.MAX_COLUMNS)
    assert openpyxl.utils.get_column_letter(excel.MAX_COLUMNS) == "XFD"
