"""The Inputs sheet (issue 11): one vertical column of blocks, units and sources beside each.

The single inputs come first, one per row (label, value, unit, Min, Max,
source in columns A:F); below them, in the same columns, each table of inputs:
its title, its columns' units and Min/Max on lines like a single input's, then
its values. A person adds an entry to a table by inserting a row inside it,
and real LibreOffice computes the model with the longer table.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from conftest import require
from helpers import ILLUSTRATIVE_PLACEMENTS, as_number, close
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, range_boundaries

import model
from workbook.engine import lo_edit
from workbook.sheets.template import FLAVOURS
from workbook.validate import ERROR, validate

COLUMNS = "ABCDEF"  # Input, Value, Unit, Min, Max, Source


def _inputs_names(book) -> dict[str, tuple[int, int, int, int]]:
    out = {}
    for name, defined in book.defined_names.items():
        sheet, _, ref = (defined.attr_text or "").rpartition("!")
        if sheet.strip("'") == "Inputs":
            out[name] = range_boundaries(ref.replace("$", ""))
    return out


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_input_is_in_one_column_of_blocks(built, flavour):
    book = load_workbook(built[flavour].path)
    ws = book["Inputs"]
    assert ws.max_column <= len(COLUMNS), f"Inputs uses columns up to {ws.max_column}"
    names = _inputs_names(book)
    singles = {n: r for n, r in names.items() if r[1] == r[3] and r[0] == r[2]}
    blocks = {n: r for n, r in names.items() if r not in singles.values()}
    assert singles and blocks
    assert all(c1 == column_index_from_string("B") for c1, *_ in singles.values()), "single inputs are in B"
    last_single = max(r[1] for r in singles.values())
    spans = sorted((r[1], r[3], n) for n, r in blocks.items() if r[0] == column_index_from_string("B"))
    assert spans[0][0] > last_single, "the tables follow the single inputs"
    whole = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and o != s for o in spans)]
    for (_, end, name), (start, _, following) in itertools.pairwise(whole):
        assert end < start, f"{name} overlaps {following}"
    print_area = ws.print_area if isinstance(ws.print_area, str) else ",".join(ws.print_area)
    assert print_area.replace("$", "").replace("'Inputs'!", "").replace("Inputs!", "") == f"A1:F{ws.max_row}"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_each_table_column_states_its_unit_min_max_and_source_beside_it(built, flavour):
    """Min/Max shown beside a table's column are the bounds its data validation enforces; a source on its title."""
    book = load_workbook(built[flavour].path)
    ws = book["Inputs"]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    tables = 0
    for name, (c1, r1, c2, r2) in _inputs_names(book).items():
        if c1 != c2 or r1 == r2 or f"{ws.cell(r1, c1).coordinate}:{ws.cell(r2, c1).coordinate}" not in validations:
            continue
        dv = validations[f"{ws.cell(r1, c1).coordinate}:{ws.cell(r2, c1).coordinate}"]
        header = ws.cell(r1 - 1, c1).value
        # the column's line: a one-column table's title line (header in the Value column), else the line labelled
        # with the header above the table's header row
        labelled = [r for r in range(r1 - 2, max(r1 - 8, 0), -1) if ws.cell(r, 1).value == header]
        line = labelled[0] if labelled else r1 - 1
        unit, low, high = (ws.cell(line, column_index_from_string(c)).value for c in "CDE")
        assert isinstance(unit, str) and unit.strip(), f"{name}: no unit beside it"
        if dv.type in ("decimal", "whole"):
            assert (as_number(low), as_number(high)) == (float(dv.formula1), float(dv.formula2)), name
        title = next((r for r in range(line, max(line - 8, 0), -1) if isinstance(ws.cell(r, 6).value, str)), None)
        assert title is not None and ws.cell(title, 1).value, f"{name}: no source on its title's line"
        tables += 1
    assert tables >= 9


def test_a_row_inserted_inside_the_schedule_adds_a_tier(built, tmp_path):
    """Real LibreOffice: a row inserted inside the commission schedule, a tier typed into it, saved. LibreOffice's
    own commission is the four-tier schedule's and every check passes (the contiguity rule grows with the
    schedule); a refresh builds the per-tier line items for four tiers, and that workbook recalculates to the
    same figures with no validation error."""
    require(lo_edit.available(), "LibreOffice (soffice) with python3-uno is not installed")
    from workbook.commands.refresh import refresh
    from workbook.reading.existing import open_workbook, read_inputs

    book = load_workbook(built["native"].path)
    _, first, _, last = _inputs_names(book)["Schedule"]
    assert last - first == 2  # the prospectus's three tiers
    second = first + 1  # a tier inserted between the first and the second: 10M to 15M at 3.8%
    edits = [
        {"op": "insert_rows", "sheet": "Inputs", "row": second},
        {"op": "set", "sheet": "Inputs", "cell": f"B{second}", "value": 10_000_000.0},
        {"op": "set", "sheet": "Inputs", "cell": f"C{second}", "value": 15_000_000.0},
        {"op": "set", "sheet": "Inputs", "cell": f"D{second}", "value": 0.038},
        {"op": "set", "sheet": "Inputs", "cell": f"B{second + 1}", "value": 15_000_000.0},
    ]
    edited = tmp_path / "four_tiers.xlsx"
    lo_edit.edit_and_save([lo_edit.Job(built["native"].path, edited, edits)])

    schedule = model.Schedule.from_rows([[0, 10e6, 0.04], [10e6, 15e6, 0.038], [15e6, 20e6, 0.035], [20e6, 25e6, 0.03]])
    ledger = model.placements(ILLUSTRATIVE_PLACEMENTS, model.PROSPECTUS.replace(schedule=schedule))
    gross = float(ledger["Gross"].sum())
    commission = model.fee(gross, schedule)
    assert not close(commission, model.fee(gross, model.PROSPECTUS.schedule), rel=1e-6)  # the tier matters

    def named(path, name):
        saved = load_workbook(path, data_only=True)
        sheet, ref = saved.defined_names[name].attr_text.rsplit("!", 1)
        return as_number(saved[sheet.strip("'")][ref.replace("$", "")].value)

    assert load_workbook(edited).defined_names["Schedule"].attr_text.endswith(f"$B${first}:$D${last + 1}")
    assert close(named(edited, "TotalCommission"), commission, rel=1e-12)
    assert close(named(edited, "LedgerCommissionTotal"), float(ledger["Commission"].sum()), rel=1e-12)
    assert named(edited, "ChecksTotal") == 0
    assert read_inputs(open_workbook(edited)).terms.schedule == schedule

    done = refresh(edited, tmp_path / "refreshed.xlsx")
    assert done.complete, done.inputs.not_carried
    errors = [f for f in validate(done.new, recalc=True).findings if f.severity == ERROR]
    assert not errors, [(f.rule, f.cell, f.message) for f in errors]
    refreshed = load_workbook(done.new)
    tiers = [refreshed["Calculations"].cell(r, 1).value for r in range(1, refreshed["Calculations"].max_row + 1)]
    assert sum(1 for t in tiers if isinstance(t, str) and t.startswith("Tier ")) == 4


def test_an_empty_row_inserted_inside_a_table_is_one_warning(built, tmp_path):
    """An entry left empty is named (I005) at its row; the rest of the sheet compares as built."""
    require(lo_edit.available(), "LibreOffice (soffice) with python3-uno is not installed")
    book = load_workbook(built["native"].path)
    _, _first, _, last = _inputs_names(book)["ScenarioPrices"]
    out = tmp_path / "empty_entry.xlsx"
    lo_edit.edit_and_save(
        [lo_edit.Job(built["native"].path, out, [{"op": "insert_rows", "sheet": "Inputs", "row": last}])]
    )
    findings = validate(out).findings
    assert [(f.rule, f.cell) for f in findings if f.rule == "I005"] == [("I005", f"B{last}")]
    assert not [f for f in findings if f.rule in ("I001", "I002", "I003", "S002", "S003")], [
        (f.rule, f.cell, f.message) for f in findings
    ]


def test_input_dates_sit_in_date_cells(built):
    """A table of dates (market holidays) holds real dates, not text, so WORKDAY counts them."""
    book = load_workbook(built["native"].path)
    _, first, _, last = _inputs_names(book)["Holidays"]
    values = [book["Inputs"].cell(r, 2).value for r in range(first, last + 1)]
    assert all(isinstance(v, dt.datetime | dt.date) for v in values)
    assert dt.datetime(2001, 12, 25) in values  # Christmas 2001, inside the prospectus's programme
