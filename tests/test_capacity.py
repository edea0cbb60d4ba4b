"""What may be sold on a date: the binding limit for a small-float issuer (the baby shelf) and a large one.

Figures by hand from the terms stated in each test: Form S-3 I.B.6(a) allows one-third of the public float in
the 12 calendar months up to and including the sale; Nasdaq 5635(d) stays below 20% of the shares outstanding
before the issuance.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

import model
from model import deals
from model.capacity import capacity
from workbook.cli import main as cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MODERN = deals.DEALS["modern-atm"].TERMS


def _ledger(terms, rows):
    frame = pd.DataFrame(rows, columns=["Trade date", "Shares", "Price"])
    return model.placements(frame, terms)


def test_a_small_float_issuer_is_bound_by_the_baby_shelf():
    terms = MODERN.replace(
        public_float=45e6,
        public_float_date=dt.date(2025, 6, 2),
        prior_sales_12m=1e6,
        prior_sales_date=dt.date(2025, 1, 31),
    )
    rows = [
        (dt.date(2024, 6, 3), 100_000, 10.0),
        (dt.date(2025, 3, 3), 200_000, 10.0),
        (dt.date(2025, 6, 2), 100_000, 10.0),
    ]
    # a programme documented in 2024, so that its 2024 sale is a real one (outside the window on 2025-06-10)
    terms = terms.replace(document_date=dt.date(2024, 1, 2))
    result = capacity(terms, _ledger(terms, rows), dt.date(2025, 6, 10), price=8.0)
    # a third of $45M = $15M; sold in the 12 months 2024-06-11 .. 2025-06-10: $2M + $1M; prior $1M (2025-01-31)
    # left: $15M − $3M − $1M = $11M; at $8.00: 1,375,000 shares
    assert result.binding.name == "baby shelf"
    assert (result.binding.shares, result.binding.dollars) == (1_375_000, 11_000_000.0)
    limits = {lim.name: lim for lim in result.limits}
    # the programme: $100M − $4M = $96M; Nasdaq: 80,000,000 × 20% = 16,000,000, less one share, less the 400,000
    # sold below the $12.50 Minimum Price = 15,599,999
    assert limits["programme"].dollars == 96_000_000.0
    assert limits["Nasdaq 20%"].shares == 15_599_999 and limits["Nasdaq 20%"].applies


def test_the_baby_shelf_window_is_twelve_calendar_months_including_the_day():
    terms = MODERN.replace(public_float=30e6, public_float_date=dt.date(2025, 6, 2), document_date=dt.date(2024, 1, 2))
    rows = [(dt.date(2024, 6, 10), 100_000, 10.0), (dt.date(2024, 6, 11), 100_000, 10.0)]
    result = capacity(terms, _ledger(terms, rows), dt.date(2025, 6, 10), price=10.0)
    # the 2024-06-10 sale is 12 months before: out; 2024-06-11 is in. $10M − $1M = $9M
    assert {lim.name: lim for lim in result.limits}["baby shelf"].dollars == 9_000_000.0


def test_a_large_issuer_is_bound_by_the_programme_or_the_volume():
    large = MODERN.replace(public_float=900e6, public_float_date=dt.date(2025, 1, 2))
    rows = [(dt.date(2025, 3, 3), 7_000_000, 13.0)]  # $91M of the $100M
    ledger = _ledger(large, rows)
    result = capacity(large, ledger, dt.date(2025, 3, 4), price=12.5)
    # $9M left at $12.50: 720,000 shares; no volume limit stated
    assert (result.binding.name, result.binding.shares, result.binding.dollars) == ("programme", 720_000, 9e6)
    volume = capacity(large.replace(volume_limit_share=0.1), ledger, dt.date(2025, 3, 4), price=12.5)
    # 10% of 1,500,000 = 150,000 shares: less than 720,000
    assert (volume.binding.name, volume.binding.shares, volume.binding.dollars) == ("volume", 150_000, 1_875_000.0)


def test_the_compensation_cap_binds_when_the_rate_passes_it():
    terms = MODERN.replace(schedule=[[0, 100e6, 0.09]], volatility=0.0, risk_free_rate=0.0)
    ledger = _ledger(terms, [(dt.date(2025, 3, 3), 1_000_000, 10.0)])
    result = capacity(terms, ledger, dt.date(2025, 3, 4), price=10.0)
    comp = {lim.name: lim for lim in result.limits}["compensation cap"]
    # $10M sold: cap $800,000, compensation $900,000 + $75,000 = $975,000: headroom −$175,000 → nothing more
    assert comp.applies and comp.shares == 0 and result.binding.name == "compensation cap"


def test_capacity_command_on_the_example(capsys):
    argv = [
        "capacity",
        str(EXAMPLES / "three-agent-atm.toml"),
        "--placements",
        str(EXAMPLES / "three-agent-placements.csv"),
        "--date",
        "2025-12-31",
        "--json",
    ]
    assert cli(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["binding"]["name"] == "volume"
    # 10% of 1,500,000 less the 22,000 shares sold on 2025-12-31 (the example's last row)
    assert out["binding"]["shares"] == 150_000 - 22_000


def test_capacity_command_bad_input_is_one_line_exit_2(capsys, tmp_path):
    assert cli(["capacity", str(EXAMPLES / "three-agent-atm.toml"), "--date", "next week"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--date" in err
    book = tmp_path / "model.xlsx"
    book.write_bytes(b"PK")
    assert cli(["capacity", str(book)]) == 2
    assert "terms file" in capsys.readouterr().err
