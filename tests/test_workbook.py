"""The generated workbooks: structure, formulas, cached values, and agreement with model/."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile

import pandas as pd
import pytest
from helpers import cached_values, close, expected_outputs, named, named_column
from openpyxl import load_workbook

import model
from model.deals.prospectus_2001 import PLACEMENTS as ILLUSTRATIVE_PLACEMENTS
from udfs import excel
from workbook.engine import engines
from workbook.engine.recalc import write_cached_values
from workbook.generate import build, named_values
from workbook.kit.files import RefusedOverwrite
from workbook.kit.layout import CALC, INPUT

SHEETS = [
    "Cover",
    "Inputs",
    "Placements",
    "Calculations",
    "Timeline",
    "Conversions",
    "Scenarios",
    "Outputs",
    "Checks",
    "xlwings.conf",
]
FLAVOURS = ("udf", "native")


@pytest.fixture(scope="module")
def books(built):
    return {f: load_workbook(built[f].path) for f in FLAVOURS}


@pytest.fixture(scope="module")
def cached(built):
    return {f: cached_values(built[f].path) for f in FLAVOURS}


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_sheets_names_table_and_charts(books, flavour):
    wb = books[flavour]
    assert wb.sheetnames == SHEETS
    for name in (
        "Schedule",
        "ScheduleRate",
        "SharePrice",
        "SharesOutstanding",
        "Holidays",
        "PlacementShares",
        "TotalGross",
        "TotalCommission",
        "NetProceeds",
        "OutNetProceeds",
        "ChecksTotal",
    ):
        assert name in wb.defined_names, name
    assert wb.defined_names["Schedule"].attr_text == "Inputs!$B$75:$D$77"  # below the single inputs
    assert wb["Inputs"]["A70"].value == "Commission schedule"
    assert [c.value for c in wb["Inputs"]["B74:D74"][0]] == ["From", "To", "Rate"]
    table = wb["Placements"].tables["PlacementsTable"]
    assert table.ref == "A4:C54"  # header + room for 50 placements
    assert [c.name for c in table.tableColumns] == ["Trade date", "Shares", "Price"]
    assert len(wb["Outputs"]._charts) == 3
    conf = wb["xlwings.conf"]
    assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", "udfs")
    assert "ILLUSTRATIVE" in wb["Placements"]["A2"].value


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_input_is_validated_and_styled(built, books, flavour):
    wb = books[flavour]
    lay = built[flavour].layout
    for sheet, cells in lay.cells.items():
        ws = wb[sheet]
        covered = [dv for dv in ws.data_validations.dataValidation]
        for ref, spec in cells.items():
            if spec.role != INPUT:
                continue
            assert any(ref in dv.sqref for dv in covered), f"{sheet}!{ref} has no data validation"
            assert ws[ref].fill.fgColor.rgb.endswith("FFF2CC"), f"{sheet}!{ref} not styled as an input"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_calculation_cell_is_a_formula_without_volatile_lookups(built, books, flavour):
    wb = books[flavour]
    count = 0
    for sheet, ref, spec in built[flavour].layout.formula_cells():
        value = wb[sheet][ref].value
        if spec.array:  # one array formula for a whole line item (udf flavour): its text, over its range
            assert value.ref.replace("$", "") == spec.array, f"{sheet}!{ref} fills {value.ref}, not {spec.array}"
            value = value.text
        assert isinstance(value, str) and value.startswith("="), f"{sheet}!{ref} holds {value!r}"
        assert not re.search(r"\b(OFFSET|INDIRECT)\(", value)
        count += spec.role == CALC
    assert count > 1000


def test_flavours_differ_only_in_calls(books):
    udf, native = books["udf"]["Calculations"], books["native"]["Calculations"]
    total = next(row for row in range(1, 200) if udf[f"A{row}"].value == "Commission on total gross")
    assert udf[f"B{total}"].value == "=CEO_FEE(TotalGross,Schedule)"
    assert native[f"B{total}"].value.startswith("=ROUND(SUMPRODUCT(")
    for ws in books["native"].worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and "CEO_" in cell.value and cell.value.startswith("=")), (
                    cell.coordinate
                )


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_cached_values_are_numbers_and_no_errors(built, cached, flavour):
    values = cached[flavour]
    errors = {k: v for k, v in values.items() if isinstance(v, str) and re.fullmatch(r"#[A-Z/0!?]+[!?A]?", v)}
    assert errors == {}
    for sheet, ref, _spec in built[flavour].layout.formula_cells():
        assert (sheet, ref) in values, f"{sheet}!{ref} has no cached value"
    frame = pd.read_excel(built[flavour].path, sheet_name="Outputs", header=None)
    assert frame.iloc[3:20, 1].map(lambda v: isinstance(v, int | float)).all()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_outputs_equal_model(built, cached, flavour):
    expected = expected_outputs()
    for name, value in expected.items():
        got = named(cached[flavour], built[flavour].layout.names, name)
        assert close(got, value), f"{flavour} {name}: workbook {got}, model {value}"


def test_udf_and_native_flavours_agree_cell_by_cell(cached):
    udf, native = cached["udf"], cached["native"]
    assert set(udf) == set(native)
    differing = [k for k in udf if not close(udf[k], native[k]) and k != ("Cover", "A7")]
    assert differing == []


def test_ledger_rows_match_model_ledger(built, cached):
    ledger = model.placements(ILLUSTRATIVE_PLACEMENTS, model.PROSPECTUS)
    for flavour in FLAVOURS:
        names, values = built[flavour].layout.names, cached[flavour]
        column = {
            name: named_column(values, names, name)
            for name in ("LedgerGross", "LedgerCommission", "LedgerWarrantShares", "LedgerStrikes", "LedgerSettlement")
        }
        for i, row in ledger.iterrows():
            assert close(column["LedgerGross"][i], row["Gross"])
            assert close(column["LedgerCommission"][i], row["Commission"])
            assert close(column["LedgerWarrantShares"][i], row["Warrant shares"])
            assert close(column["LedgerStrikes"][i], row["Warrant strike"])
            settle = excel.serial(row["Settlement date"])
            assert close(column["LedgerSettlement"][i], settle)
        # the 3.85 placement: 130% is 5.005, Excel's ROUND gives 5.01
        assert column["LedgerStrikes"][2] == 5.01
        # the spare rows of the ledger (past the table's placements) are zero, never an error
        assert all(v == 0 for v in column["LedgerGross"][len(ledger) :])


def test_checks_pass_with_defaults(built):
    for flavour in FLAVOURS:
        values = named_values(built[flavour], prefix="Check")
        assert values and all(v == 0 for v in values.values()), values
        assert named_values(built[flavour])["OutChecksTotal"] == 0


def _edit_and_recalc(path, edits: dict[tuple[str, str], object], tmp_path, name: str):
    wb = load_workbook(path)
    for (sheet, ref), value in edits.items():
        wb[sheet][ref] = value
    edited = tmp_path / f"{name}_edited.xlsx"
    wb.save(edited)
    values = engines.compute(edited, engines.choose())  # the engine recalc chooses: LibreOffice where installed
    out = tmp_path / f"{name}.xlsx"
    write_cached_values(edited, values, out)
    return out, values


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_placements_beyond_programme_maximum_fail_the_checks(built, tmp_path, flavour):
    # 5,000,000 shares at $2.00 more: $27.7M in all, above the $25M programme.
    edits = {("Placements", "A11"): dt.date(2002, 4, 8), ("Placements", "B11"): 5_000_000, ("Placements", "C11"): 2.0}
    _out, values = _edit_and_recalc(built[flavour].path, edits, tmp_path, flavour)
    names = built[flavour].layout.names
    assert named(values, names, "CheckProgrammeMax") == 1
    assert named(values, names, "ChecksTotal") >= 1
    assert named(values, names, "OutChecksTotal") >= 1


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_invalid_input_fails_the_input_check(built, tmp_path, flavour):
    names = built[flavour].layout.names
    coverage = names["WarrantCoverage"].split("!")[1].replace("$", "")
    _out, values = _edit_and_recalc(built[flavour].path, {("Inputs", coverage): 1.5}, tmp_path, flavour)  # 150%
    assert named(values, names, "CheckInputs") == 1


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_changed_price_and_rate_flow_to_outputs(built, tmp_path, flavour):
    lay = built[flavour].layout
    price_ref = lay.names["SharePrice"].split("!")[1].replace("$", "")
    rate_ref = lay.names["ScheduleRate"].split("!")[1].replace("$", "").split(":")[0]  # first tier's rate
    out, values = _edit_and_recalc(
        built[flavour].path, {("Inputs", price_ref): 6.00, ("Inputs", rate_ref): 0.05}, tmp_path, flavour
    )
    schedule = model.Schedule.from_rows([[0, 10e6, 0.05], [10e6, 20e6, 0.035], [20e6, 25e6, 0.03]])
    terms = model.PROSPECTUS.replace(last_sale_price=6.00, schedule=schedule)
    expected = expected_outputs(terms)
    for name in ("OutTotalCommission", "OutNetProceeds", "OutTotalWarrantValue", "OutCompensationHeadroom"):
        assert close(named(values, lay.names, name), expected[name]), name
    assert expected["OutTotalCommission"] != expected_outputs()["OutTotalCommission"]
    assert close(named(cached_values(out), lay.names, "OutTotalCommission"), expected["OutTotalCommission"])


def test_cached_values_kept_with_formulas_and_full_recalc_on_open(built):
    path = built["udf"].path
    with zipfile.ZipFile(path) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
        assert 'fullCalcOnLoad="1"' in workbook_xml
    wb = load_workbook(path)
    assert wb["Outputs"]["B5"].value.startswith("=")
    assert load_workbook(path, data_only=True)["Outputs"]["B5"].value == pytest.approx(
        expected_outputs()["OutTotalCommission"]
    )


def test_build_refuses_to_overwrite_a_foreign_file(tmp_path):
    foreign = tmp_path / "CEO_Model_native.xlsx"
    foreign.write_bytes(b"someone else's workbook")
    with pytest.raises(RefusedOverwrite):
        build(tmp_path, "native")
    assert foreign.read_bytes() == b"someone else's workbook"
    assert not list(tmp_path.glob(".CEO_Model*"))  # no temp file left behind


def test_build_replaces_its_own_file(built, tmp_path):
    first = build(tmp_path, "native")
    again = build(tmp_path, "native")
    assert again.path == first.path and again.path.exists()
    umask = os.umask(0)
    os.umask(umask)
    assert again.path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


def test_warrant_dates_and_price_range_follow_the_terms(built):
    """First placement 5 Nov 2001: cashless and transferable after 1 year, expiring after 5 [S-12];
    $4.04 in the $2.22–$13.50 range [cover; S-10] is (4.04 − 2.22) / (13.50 − 2.22) of the way up."""
    from helpers import named

    for flavour in ("udf", "native"):
        values = cached_values(built[flavour].path)
        names = built[flavour].layout.names
        serial = lambda day: float(excel.serial(day))  # noqa: E731
        assert named(values, names, "FirstTradeDate") == serial(dt.date(2001, 11, 5))
        assert named(values, names, "WarrantsCashlessFrom") == serial(dt.date(2002, 11, 5))
        assert named(values, names, "WarrantsTransferableFrom") == serial(dt.date(2002, 11, 5))
        assert named(values, names, "WarrantsExpire") == serial(dt.date(2006, 11, 5))
        assert close(named(values, names, "SharePriceInRange"), (4.04 - 2.22) / (13.50 - 2.22))


def test_udf_ledger_is_one_array_call_per_line_item(built):
    """Issue 10 item 4: the udf flavour fills each ledger line item with one CEO_* call over every row."""
    book = load_workbook(built["udf"].path)
    ws = book["Calculations"]
    names = built["udf"].layout.names
    ledger_rows = len(named_column({}, names, "LedgerShares"))
    calls = {}
    for name in ("LedgerCommission", "LedgerWarrantShares", "LedgerStrikes", "LedgerSettlement"):
        ref = names[name].rsplit("!", 1)[1].replace("$", "")
        first = ws[ref.split(":")[0]]
        assert type(first.value).__name__ == "ArrayFormula", name
        assert first.value.ref.replace("$", "") == ref, name  # the array fills the whole line item
        calls[name] = first.value.text
    assert all("CEO_" in text for text in calls.values()), calls
    single = [
        c.coordinate
        for row in ws.iter_rows(min_row=5, max_row=4 + ledger_rows)
        for c in row
        if isinstance(c.value, str) and "CEO_" in c.value
    ]
    assert single == []  # no per-row CEO_* call is left in the ledger
