"""10,000 placements (issue 19 item 2): the limit, the guards kept with it, and the layout's size.

Nothing here builds a workbook (a 10,000-row build of both flavours takes most of a minute; ``python bench.py
build_growth`` measures it): the placements file is read in-process and the layout is laid out in memory.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

import bench
import build as build_cli
import model
from workbook.generate import read_terms
from workbook.kit import safety
from workbook.kit.layout import ARRAY_PART, FORMULA_ROLES, build_layout
from workbook.reading.placements_file import (
    MAX_FILE_BYTES,
    MAX_PLACEMENTS,
    PlacementsFileError,
    read_placements,
)
from workbook.sheets.template import template

ROW = b"2025-01-02,100,12.50\n"
HEADER = b"Trade date,Shares,Price\n"


@pytest.fixture(scope="module")
def shelf(tmp_path_factory):
    """The realistic 10,000-row programme of ``bench.py --write-placements`` and its terms ($3B maximum)."""
    return bench.write_shelf(10_000, tmp_path_factory.mktemp("shelf"))


def test_the_limit_is_at_least_ten_thousand():
    assert MAX_PLACEMENTS >= 10_000


def test_ten_thousand_realistic_placements_read(shelf):
    csv_path, terms_path = shelf
    terms = read_terms(terms_path).terms
    start = time.perf_counter()
    frame = read_placements(csv_path, terms)
    seconds = time.perf_counter() - start
    assert len(frame) == 10_000
    gross = np.round(frame["Shares"].to_numpy() * frame["Price"].to_numpy(), 2).sum()
    assert 0 < gross <= terms.schedule.maximum
    assert frame["Trade date"].is_monotonic_increasing and frame["Trade date"].iloc[0].isoformat() == "2025-01-02"
    assert seconds < 30, f"reading 10,000 placements took {seconds:.1f} s"  # about 0.3 s here: a loose bound


def test_the_generator_is_deterministic_and_plausible():
    a, b = bench.shelf_placements(2_000), bench.shelf_placements(2_000)
    assert a.equals(b)
    assert a["Price"].min() >= 12.5 and a["Price"].max() < 1_000
    assert (a["Shares"] % 100 == 0).all() and (a["Shares"] > 0).all()
    days = a["Trade date"].drop_duplicates()
    assert all(d.weekday() < 5 for d in days) and len(days) == 2_000 // bench.SHELF_AGENTS


def test_exactly_ten_thousand_rows_read(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(HEADER + ROW * 10_000)
    frame = read_placements(path, model.deals.DEALS["modern-atm"].TERMS)
    assert len(frame) == 10_000 and frame["Shares"].sum() == 1_000_000


def test_ten_thousand_and_one_is_refused_naming_the_row(tmp_path, capsys):
    path = tmp_path / "many.csv"
    path.write_bytes(HEADER + ROW * (MAX_PLACEMENTS + 1))
    out = tmp_path / "out"
    code = build_cli.main(["--deal", "modern-atm", "--placements", str(path), "--out", str(out), "--no-picture"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert f"many.csv: row {MAX_PLACEMENTS + 2:,}:".replace(",", "") in err.replace(",", "")
    assert f"more than {MAX_PLACEMENTS:,} placements" in err
    assert not out.exists()


def test_a_file_above_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    rows = MAX_FILE_BYTES // len(ROW) + 1
    path.write_bytes(HEADER + ROW * rows)
    assert path.stat().st_size > MAX_FILE_BYTES
    start = time.perf_counter()
    with pytest.raises(PlacementsFileError, match=r"big\.csv: [\d,]+ bytes, above the [\d,]+-byte limit"):
        read_placements(path)
    assert time.perf_counter() - start < 1  # on its size alone (about 1 ms)


def test_a_hostile_file_within_the_size_limit_fails_fast(tmp_path):
    path = tmp_path / "hostile.csv"
    path.write_bytes(HEADER + ROW * (MAX_FILE_BYTES // len(ROW) - 2))  # valid rows up to the 2 MB limit
    assert path.stat().st_size <= MAX_FILE_BYTES
    start = time.process_time()
    with pytest.raises(PlacementsFileError) as refused:
        read_placements(path)
    seconds = time.process_time() - start
    wanted = f"row {MAX_PLACEMENTS + 2:,}: more than"
    assert "hostile.csv" in str(refused.value) and wanted.replace(",", "") in str(refused.value).replace(",", "")
    assert "\n" not in str(refused.value)
    assert seconds < 30, f"took {seconds:.1f} s CPU"  # about 0.1 s here: bounded by the row limit


@pytest.mark.parametrize(
    "body", [b"\n" * (MAX_FILE_BYTES - 100), b",,\n" * (MAX_FILE_BYTES // 3 - 100)], ids=["blank-lines", "empty-cells"]
)
def test_two_megabytes_of_empty_rows_read_as_no_placements_in_bounded_time(tmp_path, body):
    """Empty rows are skipped however many (a spreadsheet's export pads them); the 2 MB limit bounds the work."""
    path = tmp_path / "padded.csv"
    path.write_bytes(HEADER + body)
    assert path.stat().st_size <= MAX_FILE_BYTES
    start = time.process_time()
    assert len(read_placements(path)) == 0
    assert time.process_time() - start < 30  # about 1-3 s here


def test_the_limit_and_the_size_limit_agree():
    """10,000 placements as people write them fit well within the 2 MB file limit (about 22 bytes a row)."""
    typical = b"2025-01-02,12345,12.34\n"
    assert len(HEADER) + MAX_PLACEMENTS * len(typical) < MAX_FILE_BYTES / 4


@pytest.mark.parametrize("flavour", ["udf", "native"])
def test_a_ten_thousand_row_workbook_stays_within_the_readers_limits(shelf, flavour):
    """What validate, refresh and recalc read (workbook/kit/safety.py) holds a 10,000-placement workbook."""
    csv_path, terms_path = shelf
    deal = read_terms(terms_path)
    lay = build_layout(flavour, template(deal, read_placements(csv_path, deal.terms)))
    cells = [spec for sheet in lay.cells.values() for spec in sheet.values()]
    formulas = sum(1 for spec in cells if spec.role in FORMULA_ROLES or spec.role == ARRAY_PART)
    rows = {(sheet, ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for sheet, refs in lay.cells.items() for ref in refs}
    assert formulas > 10_000 * 20  # the ledger: more than 20 columns of 10,000 rows
    assert formulas <= safety.MAX_FORMULAS
    assert len(cells) <= safety.MAX_CELLS
    assert len(rows) <= safety.MAX_ROWS


def _formulas_calling(lay, name: str) -> list[tuple[str, str]]:
    return [(s, ref) for s, ref, spec in lay.formula_cells() if name in str(spec.value)]


def test_the_remaining_functions_are_one_call_per_line_item():
    """udf flavour: one DEBENTURE_CONVERSION_PRICE over every share price, one RUNWAY_MONTHS over every month."""
    udf = build_layout("udf", template(model.PROSPECTUS, None))
    (price,) = _formulas_calling(udf, "DEBENTURE_CONVERSION_PRICE(")
    runway = [c for c in _formulas_calling(udf, "RUNWAY_MONTHS(") if c[0] == "Timeline"]
    assert len(runway) == 1
    for sheet, ref in (price, runway[0]):
        spec = udf.cells[sheet][ref]
        assert spec.array and ":" in spec.array
        parts = [r for r, s in udf.cells[sheet].items() if s.role == ARRAY_PART and s.array == spec.array]
        assert len(parts) >= 9  # ten share prices, twelve months
    native = build_layout("native", template(model.PROSPECTUS, None))
    assert not _formulas_calling(native, "DEBENTURE_CONVERSION_PRICE(") and not _formulas_calling(native, "RUNWAY_")


TERMS = dict(premium=1.2, reset_after_days=90, reset_factor=1.01, lowest_bids=10, issue_days=5, bid_days=30)


def test_debenture_price_per_column_of_bids():
    rng = np.random.default_rng(7)
    grid = rng.uniform(2.0, 6.0, size=(30, 4))
    prices = model.debenture_conversion_price([4.0] * 5, grid, 120, **TERMS)
    assert prices.shape == (1, 4)
    for k in range(4):
        one = model.debenture_conversion_price([4.0] * 5, grid[:, k : k + 1], 120, **TERMS)
        assert prices[0, k] == one  # the same arithmetic column by column
    assert model.debenture_conversion_price([4.0] * 5, grid, 90, **TERMS).tolist() == [[4.8] * 4]


def test_debenture_grid_refusals_name_the_cell():
    grid = [[3.0, 3.0]] * 30
    with pytest.raises(model.CEOModelError, match="exactly 30 rows, got 29"):
        model.debenture_conversion_price([4.0] * 5, grid[:29], 120, **TERMS)
    bad = [row[:] for row in grid]
    bad[4][1] = 0.0
    with pytest.raises(model.CEOModelError) as refused:
        model.debenture_conversion_price([4.0] * 5, bad, 120, **TERMS)
    assert refused.value.argument == "bids" and refused.value.position == (5, 2)


def test_the_udf_counts_a_grid_of_bids_by_rows():
    import udfs

    grid = [[3.0, 6.0]] * 20  # 20 bid days with the deal's own terms given: the count is the rows
    got = udfs.debenture_conversion_price([[4.0]] * 5, grid, 120, 1.2, 90, 1.01, 5)
    assert np.round(np.asarray(got, dtype=float), 10).tolist() == [[3.03, 4.8]]
