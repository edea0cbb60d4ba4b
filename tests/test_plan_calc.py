"""CEO_AC_HOLDINGS and CEO_AC_COST in LibreOffice Calc through the generated add-in (an engine we did not write).

Expected figures: the Almgren–Chriss example (2000, §1.5) at λ = 0, the straight line x_k = X(1 − k/N), with
E = ½γX² + εX + η̃X²/T = 662,500 and V = ⅓σ²X²T(1 − 1/N)(1 − 1/2N) = 1.083 × 10¹² (derived in
tests/test_execution.py); at λ = 10⁻⁶ E agrees with the paper's closed form checked there.
"""

from __future__ import annotations

import pytest
from conftest import require
from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from model.execution import plan
from udfs import calc_addin
from workbook.engine import lo_engine
from workbook.engine.recalc import ExcelErrorValue

pytestmark = pytest.mark.libreoffice
ARGS = "1000000,5,5,0.95,0.0625,0.0000025,0.00000025"


@pytest.fixture(scope="module")
def engine():
    require(lo_engine.usable(), f"LibreOffice engine: {lo_engine.unavailable_reason()}")
    require(calc_addin.unoidl_write() is not None, "unoidl-write is missing: apt-get install libreoffice-dev")
    return lo_engine.shared()


def test_calc_spills_the_trajectory_and_the_cost_and_shows_errors(engine, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"] = ArrayFormula("A1:A6", f"=CEO_AC_HOLDINGS({ARGS},0)")
    ws["B1"] = ArrayFormula("B1:C1", f"=CEO_AC_COST({ARGS},0)")
    ws["D1"] = "=CEO_AC_COST(-1,5,5,0.95,0.0625,0.0000025,0.00000025,0)"
    ws["E1"] = '=CEO_AC_HOLDINGS("x",5,5,0.95,0.0625,0.0000025,0.00000025,0)'
    ws["F1"] = "=CEO_AC_COST(1000000,5,5,0.95,0.0625,0.0000001,0.00000025,0)"  # eta~ < 0
    ws["G1"] = f"=INDEX(CEO_AC_COST({ARGS},0.000001),1,1)"
    source, saved = tmp_path / "plan.xlsx", tmp_path / "saved.xlsx"
    wb.save(source)
    engine.recalculate_to(source, saved)
    values = lo_engine.formula_values(saved)
    assert [values[("S", f"A{r}")] for r in range(1, 7)] == [1e6, 8e5, 6e5, 4e5, 2e5, 0.0]
    assert values[("S", "B1")] == pytest.approx(662_500, rel=1e-12)
    assert values[("S", "C1")] == pytest.approx(1.083e12, rel=1e-12)
    assert values[("S", "D1")] == ExcelErrorValue("#NUM!")
    assert values[("S", "E1")] == ExcelErrorValue("#VALUE!")
    assert values[("S", "F1")] == ExcelErrorValue("#NUM!")
    assert values[("S", "G1")] == pytest.approx(plan(1e6, 5, 5, 0.95, 0.0625, 2.5e-6, 2.5e-7, 1e-6).expected_cost)
