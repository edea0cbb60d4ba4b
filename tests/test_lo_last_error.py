"""``CEO_LAST_ERROR`` in LibreOffice with the CEO add-in (issue 25.5): the reason of a failing cell, "" once it
succeeds, in real LibreOffice (one process, :mod:`workbook.engine.lo_edit`).

Calc does not tell an add-in which cell calls it: the add-in remembers each failed call with the arguments
Calc passed, and ``CEO_LAST_ERROR(cell)`` reads that cell's formula and arguments from the document (Calc
passes the calling document to a function whose first parameter is an ``XPropertySet``).
"""

from __future__ import annotations

import pytest
from conftest import require
from openpyxl import Workbook

from workbook.engine import lo_edit, lo_engine

NEGATIVE = "#NUM! CEO_FEE: gross: must not be negative (got -1)"
TEXT = "#VALUE! CEO_FEE: gross: must be a number, not the text 'abc'"

CELLS = {
    # the failing cells and one that succeeds
    "F1": "=CEO_FEE(-1)",
    "F2": '=CEO_FEE("abc")',
    "F3": "=CEO_FEE(1)",
    "F4": "=CEO_FEE(B1)",  # B1 = -1 as well: the same reason as F1, found through the reference
    "F5": "=1/0",  # an error, not a CEO_* one
    "B1": -1,
    # the reasons, asked for in every spelling
    "G1": '=CEO_LAST_ERROR("F1")',
    "G2": '=CEO_LAST_ERROR(CELL("address";F1))',
    "G3": '=CEO_LAST_ERROR("Sheet1!F1")',
    "G4": '=CEO_LAST_ERROR("$F$2")',
    "G5": '=CEO_LAST_ERROR("F3")',
    "G6": '=CEO_LAST_ERROR(CELL("address";F4))',
    "G7": '=CEO_LAST_ERROR("F5")',
    "G8": '=CEO_LAST_ERROR("E9")',  # an empty cell
    "G9": "=CEO_LAST_ERROR(5)",  # not an address
    "H1": '=CEO_LAST_ERROR(CELL("address";Other.A1))',  # another sheet
}
OTHER = {"A1": "=CEO_FEE(30000000)"}  # above the programme maximum


@pytest.fixture(scope="module")
def shown(tmp_path_factory):
    require(lo_edit.available(), "LibreOffice with its Python bridge (python3-uno) is not installed")
    require(lo_engine.usable(), f"the LibreOffice engine cannot run: {lo_engine.unavailable_reason()}")
    tmp = tmp_path_factory.mktemp("last_error")
    book = Workbook()
    book.active.title = "Sheet1"
    book.create_sheet("Other")
    blank = tmp / "blank.xlsx"
    book.save(blank)
    edits = [{"op": "set", "sheet": "Other", "cell": c, "value": v} for c, v in OTHER.items()]
    edits += [{"op": "set", "sheet": "Sheet1", "cell": c, "value": v} for c, v in CELLS.items()]
    latest = [  # no argument: the most recent error of any cell (one failing cell in this document)
        {"op": "set", "sheet": "Sheet1", "cell": "A1", "value": "=CEO_FEE(-1)"},
        {"op": "set", "sheet": "Sheet1", "cell": "B1", "value": "=CEO_LAST_ERROR()"},
    ]
    jobs = [
        lo_edit.Job(blank, tmp / "cells.xlsx", edits, read={"Sheet1": list(CELLS), "Other": list(OTHER)}),
        lo_edit.Job(blank, tmp / "latest.xlsx", latest, read={"Sheet1": ["A1", "B1"]}),
    ]
    cells, most_recent = lo_edit.run(jobs, extensions=(lo_engine.addin(),))
    return {**cells["read"]["Sheet1"], **{f"Other!{k}": v for k, v in cells["read"]["Other"].items()}}, most_recent[
        "read"
    ]["Sheet1"]


def test_the_failing_cells_show_excel_errors(shown):
    cells, _ = shown
    assert cells["F1"] == "#NUM!" and cells["F4"] == "#NUM!" and cells["Other!A1"] == "#NUM!"
    assert cells["F3"] == "0.04"


@pytest.mark.parametrize("cell", ["G1", "G2", "G3"])
def test_the_reason_of_a_cell_by_address_text_or_cell(shown, cell):
    cells, _ = shown
    assert cells[cell] == NEGATIVE


def test_a_type_error_and_a_reference_argument(shown):
    cells, _ = shown
    assert cells["G4"] == TEXT
    assert cells["G6"] == NEGATIVE


def test_a_cell_that_succeeded_or_is_no_ceo_error_gives_empty_text(shown):
    cells, _ = shown
    assert cells["G5"] == "" and cells["G7"] == "" and cells["G8"] == ""


def test_a_number_is_not_an_address(shown):
    cells, _ = shown
    assert cells["G9"] in ("#VALUE!", "Err:502")


def test_another_sheet(shown):
    cells, _ = shown
    assert cells["H1"] == "#NUM! CEO_FEE: gross: must be at most 25,000,000, the programme maximum (got 30,000,000)"


def test_without_an_argument_the_most_recent_error(shown):
    _, latest = shown
    assert latest["A1"] == "#NUM!"
    assert latest["B1"] == NEGATIVE
