"""What users see, checked without taking the expected value from the code under test (issue 24, item 3).

- Every cell of every sheet, not only the cells the layout lists: no error value, and every formula has a
  cached value (what pandas, openpyxl's ``data_only`` and file previewers show).
- The udf flavour's figures against a derivation in this file: the spec's terms (SPEC §2) and the illustrative
  placements, in decimal arithmetic with Excel's half-up rounding, not ``model/`` (the udf cells call ``model/``).
  The udf flavour against the native flavour recomputed by LibreOffice, cell by cell, is
  tests/test_lo_engine.py's.
- ``validate --recalc`` recalculates with the engine ``recalc`` would choose (LibreOffice when present).
"""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest
from conftest import require
from helpers import run_cli
from openpyxl import load_workbook

from model.deals.prospectus_2001 import PLACEMENTS

FLAVOURS = ("udf", "native")
ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "Err:")
# SPEC §2: 4.00% of $0–10M, 3.50% of $10M–20M, 3.00% of $20M–25M; warrants for 10% of the shares at 130% of VWAP
TIERS = (
    (Decimal(0), Decimal(10_000_000), Decimal("0.04")),
    (Decimal(10_000_000), Decimal(20_000_000), Decimal("0.035")),
)
TIERS += ((Decimal(20_000_000), Decimal(25_000_000), Decimal("0.03")),)
COVERAGE, PREMIUM = Decimal("0.10"), Decimal("1.30")
CENT = Decimal("0.01")


def _is_formula(value) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__ == "ArrayFormula"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_cell_of_every_sheet_is_cached_and_shows_no_error(built, flavour):
    path = built[flavour].path
    formulas, values = load_workbook(path), load_workbook(path, data_only=True)
    uncached, errors, seen = [], [], 0
    for ws in formulas.worksheets:
        shown = values[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                value = shown[cell.coordinate].value
                if isinstance(value, str) and value.startswith(ERRORS):
                    errors.append((ws.title, cell.coordinate, value))
                if _is_formula(cell.value):
                    seen += 1
                    if value is None:
                        uncached.append((ws.title, cell.coordinate, str(cell.value)[:60]))
    assert errors == []
    assert uncached == []
    assert seen > 2000  # every sheet was read, not only a listed few


def _fee(gross: Decimal) -> Decimal:
    """Commission on cumulative gross, tier by tier, to the cent half up (SPEC §2, Excel's ROUND)."""
    fee = sum(((min(gross, hi) - lo) * rate for lo, hi, rate in TIERS if gross > lo), Decimal(0))
    return fee.quantize(CENT, ROUND_HALF_UP)


def _by_hand() -> dict[str, float]:
    shares = [Decimal(int(s)) for s in PLACEMENTS["Shares"]]
    prices = [Decimal(str(p)) for p in PLACEMENTS["Price"]]
    gross = [(s * p).quantize(CENT, ROUND_HALF_UP) for s, p in zip(shares, prices, strict=True)]
    total = sum(gross, Decimal(0))
    vwap = sum((s * p for s, p in zip(shares, prices, strict=True)), Decimal(0)) / sum(shares, Decimal(0))
    return {
        "OutTotalGross": float(total),
        "OutTotalCommission": float(_fee(total)),
        "OutNetProceeds": float(total - _fee(total)),
        "OutVWAP": float(vwap),
        "OutWarrantShares": float(sum((s * COVERAGE).to_integral_value(ROUND_DOWN) for s in shares)),
        "OutWarrantStrike": float((vwap * PREMIUM).quantize(CENT, ROUND_HALF_UP)),
    }


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_figures_equal_a_derivation_by_hand(built, flavour):
    names = built[flavour].layout.names
    values = load_workbook(built[flavour].path, data_only=True)
    for name, expected in _by_hand().items():
        sheet, ref = names[name].rsplit("!", 1)
        shown = values[sheet.strip("'")][ref.replace("$", "")].value
        assert math.isclose(shown, expected, rel_tol=1e-12, abs_tol=1e-9), (flavour, name, shown, expected)


def test_the_derivation_by_hand_meets_the_documents_figures():
    """The hand derivation itself against the document: $900,000 on $25M [S-12], strike $5.25 on $4.04 [S-11]."""
    assert _fee(Decimal(25_000_000)) == 900_000 and _fee(Decimal(10_000_000)) == 400_000
    assert (Decimal("4.04") * PREMIUM).quantize(CENT, ROUND_HALF_UP) == Decimal("5.25")


def test_validate_recalc_uses_the_engine_recalc_chooses(built, monkeypatch):
    from workbook.engine import engines, lo_engine

    require(lo_engine.unavailable_reason() is None, f"LibreOffice engine: {lo_engine.unavailable_reason()}")
    used = []
    real = engines.compute

    def spy(path, engine):
        used.append(engine)
        return real(path, "libreoffice")  # the answer is the same file's; only the choice is under test

    monkeypatch.setattr(engines, "compute", spy)
    path = built["native"].path
    done = run_cli("validate", path, "--recalc")
    assert done.returncode == 0, done.stdout + done.stderr
    assert used == ["libreoffice"] and "with libreoffice" in done.stderr
    done = run_cli("validate", path, "--recalc", "--engine", "formulas")
    assert done.returncode == 0 and used[-1] == "formulas" and "with formulas" in done.stderr
    done = run_cli("validate", path, "--engine", "formulas")
    assert done.returncode == 2 and "--recalc" in done.stderr


def test_recalc_takes_several_workbooks_with_one_engine(built, modern, tmp_path):
    """``recalc IN IN -o DIR``: each written into DIR under its own name, values as one recalc of each gives."""
    from helpers import cached_values

    from workbook.engine import lo_engine

    require(lo_engine.unavailable_reason() is None, f"LibreOffice engine: {lo_engine.unavailable_reason()}")
    out = tmp_path / "recalculated"
    out.mkdir()
    done = run_cli("recalc", built["native"].path, modern["udf"], "-o", out)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 2  # a line per workbook
    for source in (built["native"].path, modern["udf"]):
        assert cached_values(out / source.name) == cached_values(source)  # what the build cached: same engine
    # -o must be a folder when there are several; nothing written
    refused = run_cli("recalc", built["native"].path, modern["udf"], "-o", out / "one.xlsx")
    assert refused.returncode == 2 and "folder" in refused.stderr and not (out / "one.xlsx").exists()
