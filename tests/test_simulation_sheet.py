"""The Simulation sheet added by ``build.py --simulate`` (workbook/sheets/simulation_sheet.py)."""

from __future__ import annotations

import shutil

import pytest
from conftest import require
from helpers import as_number, cached_values, close
from openpyxl import load_workbook

import build
import model
from model.simulate import Simulation, simulate
from workbook.engine import libreoffice
from workbook.engine.recalc import ExcelErrorValue
from workbook.sheets.simulation_sheet import SHEET, add_simulation_sheet
from workbook.testing import findings


@pytest.fixture(scope="module")
def result():
    return simulate(model.PROSPECTUS, Simulation(paths=600, days=80, adv_fraction=0.2, seed=4))


@pytest.mark.parametrize("flavour", ["udf", "native"])
def test_sheet_is_added_without_touching_the_model(built, result, tmp_path, flavour):
    source = built[flavour].path
    target = tmp_path / source.name
    shutil.copy(source, target)
    add_simulation_sheet(target, built[flavour].values, result, "prospectus")

    # every other cell's cached value, the charts and the names are as built
    before, after = cached_values(source), cached_values(target)
    assert {k: v for k, v in after.items() if k[0] != SHEET} == before
    old, new = load_workbook(source), load_workbook(target)
    assert new.sheetnames == [*old.sheetnames, SHEET]
    assert len(new["Outputs"]._charts) == len(old["Outputs"]._charts) > 0
    assert set(new.defined_names) == set(old.defined_names)

    # validate: clean, the extra sheet reported as info S004 only
    found = findings(target)
    assert [(f.severity, f.rule, f.sheet) for f in found] == [("info", "S004", SHEET)]

    ws = new[SHEET]
    assert len(ws._images) == 1
    rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 6)] for r in range(1, ws.max_row + 1)}
    summary = result.summary()
    for label, key in (
        ("Gross proceeds ($)", "gross"),
        ("Commission ($)", "commission"),
        ("Shares sold", "shares_sold"),
    ):
        assert rows[label] == pytest.approx(
            [summary[key][s] for s in ("mean", "p05", "p50", "p95")], rel=1e-14
        )  # stored to 15 digits
    assert rows["P(cash runs out)"][0] == summary["probabilities"]["cash_out"]
    assert rows["Paths"][0] == 600 and rows["Seed"][0] == 4 and rows["Terms"][0] == "prospectus"
    # 20,000 shares a day for 80 days on every path (the maximum is out of reach)
    assert rows["Shares sold"] == [1_600_000] * 4


def test_build_refuses_a_bad_path_count(tmp_path, capsys):
    assert build.main(["--out", str(tmp_path), "--simulate", "0", "--no-picture"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--simulate" in err and "paths" in err
    assert not any(tmp_path.iterdir())  # nothing written


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_model_alongside_the_simulation_sheet(built, result, tmp_path):
    # An engine we did not write opens the post-processed file, recalculates every formula and agrees with
    # the build's values; the Simulation sheet's values come through unchanged.
    require(libreoffice.available(), "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    target = tmp_path / built["native"].path.name
    shutil.copy(built["native"].path, target)
    add_simulation_sheet(target, built["native"].values, result, "prospectus")
    lo = {k: as_number(v) for k, v in libreoffice.recalculated_values(target).items()}
    compared, mismatches = 0, []
    for key, value in built["native"].values.items():
        if isinstance(value, ExcelErrorValue):
            mismatches.append((key, value, lo.get(key)))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            compared += 1
            if not close(value, lo.get(key)):
                mismatches.append((key, value, lo.get(key)))
    assert mismatches == [] and compared > 1500
    cells = {v: k for k, v in lo.items() if k[0] == SHEET and isinstance(v, str)}
    paths_row = cells["Paths"][1][1:]
    assert lo[(SHEET, f"B{paths_row}")] == 600
    gross_row = cells["Gross proceeds ($)"][1][1:]
    assert lo[(SHEET, f"B{gross_row}")] == pytest.approx(result.summary()["gross"]["mean"], rel=1e-15)
