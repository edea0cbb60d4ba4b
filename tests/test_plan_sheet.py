"""The Plan sheet added by ``build.py --plan`` (workbook/sheets/plan_sheet.py), on a copy of the session's build.

The plan's own figures are checked in tests/test_execution.py against the paper; here: the sheet holds
exactly that plan, the deal's calibration (σ = price × volatility / √252, the straight line's participation),
a trajectory chart drawn from its table, and it leaves the model as built (validate: info S004 only).
"""

from __future__ import annotations

import math
import shutil

import pytest
from helpers import cached_values
from openpyxl import load_workbook

import build
import model
from workbook.sheets.plan_sheet import SHEET, add_plan_sheet, illustrative_plan
from workbook.testing import findings


def test_plan_sheet_holds_the_plan_and_its_chart_and_leaves_the_model_alone(built, tmp_path):
    source = built["udf"].path
    target = tmp_path / source.name
    shutil.copy(source, target)
    planned = illustrative_plan(model.PROSPECTUS)
    add_plan_sheet(target, built["udf"].values, planned, "prospectus")

    before, after = cached_values(source), cached_values(target)
    assert {k: v for k, v in after.items() if k[0] != SHEET} == before
    assert [(f.severity, f.rule, f.sheet) for f in findings(target)] == [("info", "S004", SHEET)]

    ws = load_workbook(target)[SHEET]
    labels = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, 30)}
    deal = model.PROSPECTUS
    # a fifth of $25M at $4.04: 1,237,623 whole shares over 60 days, i.e. 20.6% of the 100,000-share ADV a day
    assert labels["Shares to sell (at the last sale price)"] == math.floor(0.2 * 25_000_000 / 4.04) == 1_237_623
    assert labels["Participation of the straight line"] == pytest.approx(1_237_623 / 60 / 100_000, rel=1e-14)
    assert labels["sigma ($/share/√day)"] == pytest.approx(deal.last_sale_price * deal.volatility / 252**0.5)
    assert labels["Expected cost ($)"] == pytest.approx(planned.plan.expected_cost, rel=1e-14)
    assert labels["Trajectory, live"].startswith("in a cell: =CEO_AC_HOLDINGS(1237623, 60, 60, ")
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Interval")
    held = [ws.cell(r, 3).value for r in range(header + 1, header + 62)]
    assert held == pytest.approx(planned.plan.holdings.tolist(), rel=1e-14)
    assert held[0] == 1_237_623 and held[-1] == 0
    assert len(ws._charts) == 1


def test_build_refuses_a_plan_the_deal_cannot_make(tmp_path, capsys):
    terms = tmp_path / "deal.toml"
    terms.write_text("volatility = 0.0\n", encoding="utf-8")  # eta = 0: no impact can be calibrated
    assert build.main(["--out", str(tmp_path / "out"), "--terms", str(terms), "--plan", "--no-picture"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--plan" in err
    assert not (tmp_path / "out").exists()
