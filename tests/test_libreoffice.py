"""LibreOffice — an engine this project did not write — recalculates the native flavour.

LibreOffice is forced to recalculate every formula on load (a private profile
per run), so the values it reports are its own, not our cached ones.
"""

from __future__ import annotations

import pytest
from conftest import require
from helpers import as_number, close, expected_outputs, named
from openpyxl import load_workbook

import model
from workbook.engine import libreoffice
from workbook.engine.recalc import ExcelErrorValue, compute, write_cached_values


@pytest.fixture(scope="module", autouse=True)
def _libreoffice():
    require(libreoffice.available(), "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")


@pytest.fixture(scope="module")
def lo_native(built):
    return {k: as_number(v) for k, v in libreoffice.recalculated_values(built["native"].path).items()}


def test_every_numeric_cell_matches_our_engine(built, lo_native):
    ours = compute(built["native"].path)  # the formulas engine: the built values may come from LibreOffice itself
    compared, mismatches = 0, []
    for key, value in ours.items():
        if isinstance(value, ExcelErrorValue):
            mismatches.append((key, value, lo_native.get(key)))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            compared += 1
            if not close(value, lo_native.get(key)):
                mismatches.append((key, value, lo_native.get(key)))
    assert mismatches == []
    assert compared > 1500


def test_outputs_match_model_in_libreoffice(built, lo_native):
    for name, value in expected_outputs().items():
        assert close(named(lo_native, built["native"].layout.names, name), value), name


def test_libreoffice_does_not_trust_our_cached_values(built, tmp_path):
    # Store deliberately wrong cached values: a forced recalculation must replace them all.
    wrong = {key: 12345.678 for key, v in built["native"].values.items() if isinstance(v, float)}
    tampered = tmp_path / "tampered.xlsx"
    write_cached_values(built["native"].path, wrong, tampered)
    lo = libreoffice.recalculated_values(tampered)
    names = built["native"].layout.names
    assert close(as_number(named(lo, names, "OutTotalCommission")), expected_outputs()["OutTotalCommission"])


def test_changed_inputs_flow_through_libreoffice_and_our_engine_alike(built, tmp_path):
    lay = built["native"].layout
    price = lay.names["SharePrice"].split("!")[1].replace("$", "")
    rate = lay.names["ScheduleRate"].split("!")[1].replace("$", "").split(":")[0]
    wb = load_workbook(built["native"].path)
    wb["Inputs"][price] = 6.00
    wb["Inputs"][rate] = 0.05
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    lo = libreoffice.recalculated_values(edited)
    ours = compute(edited)
    schedule = model.Schedule.from_rows([[0, 10e6, 0.05], [10e6, 20e6, 0.035], [20e6, 25e6, 0.03]])
    expected = expected_outputs(model.PROSPECTUS.replace(last_sale_price=6.00, schedule=schedule))
    assert expected["OutChecksTotal"] == 1  # at $6.00 the warrants' value breaks the 8% cap
    for name in (
        "OutTotalCommission",
        "OutNetProceeds",
        "OutTotalWarrantValue",
        "OutCompensationHeadroom",
        "OutChecksTotal",
    ):
        assert close(as_number(named(lo, lay.names, name)), expected[name]), name
        assert close(named(ours, lay.names, name), expected[name]), name


# The rendered pictures (both flavours, every chart series drawn from the workbook): tests/test_rendered_charts.py
