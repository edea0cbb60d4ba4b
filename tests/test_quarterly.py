"""The quarterly disclosure table adds up to the ledger to the cent; quarters follow the fiscal year end."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import model
from model.quarterly import quarter_of, quarterly
from model.terms_file import load
from workbook.cli import main as cli
from workbook.reading.placements_file import read_placements

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TERMS, PLACEMENTS = EXAMPLES / "three-agent-atm.toml", EXAMPLES / "three-agent-placements.csv"


def _ledger():
    terms = load(TERMS).terms
    return terms, model.placements(read_placements(PLACEMENTS, terms, allow_non_trading_days=False), terms)


def test_the_quarters_add_up_to_the_ledger_to_the_cent():
    terms, ledger = _ledger()
    rows = quarterly(ledger, terms.agent)
    totals = [r for r in rows if r["agent"] == "all"]
    # the ledger summed in cents, independently: every gross and commission is a whole number of cents
    gross_cents = sum(round(g * 100) for g in ledger["Gross"])
    commission_cents = sum(round(c * 100) for c in ledger["Commission"])
    assert sum(r["gross"] for r in totals) * 100 == gross_cents
    assert sum(r["commission"] for r in totals) * 100 == commission_cents
    assert sum(r["shares"] for r in totals) == int(ledger["Shares"].sum())
    for total in totals:
        agents = [r for r in rows if r["quarter"] == total["quarter"] and r["agent"] != "all"]
        assert sum(r["net"] for r in agents) == total["net"] == total["gross"] - total["commission"]
        assert total["average_price"] == (total["gross"] / total["shares"]).quantize(Decimal("0.0001"))


def test_a_two_agent_quarter_by_hand():
    ledger = pd.DataFrame(
        {
            "Trade date": [dt.date(2026, 1, 5), dt.date(2026, 3, 31), dt.date(2026, 4, 1)],
            "Shares": [1000, 3000, 500],
            "Gross": [10_000.0, 33_000.0, 6_000.0],
            "Commission": [200.0, 990.0, 120.0],
            "Net": [9_800.0, 32_010.0, 5_880.0],
            "Agent": ["A", "B", "A"],
        }
    )
    rows = {(r["quarter"], r["agent"]): r for r in quarterly(ledger, "A")}
    total = rows[("2026Q1", "all")]
    assert (total["shares"], total["gross"], total["commission"], total["net"]) == (4000, 43_000, 1_190, 41_810)
    assert total["average_price"] == Decimal("10.7500")  # 43,000 / 4,000
    assert rows[("2026Q2", "A")]["gross"] == 6_000


@pytest.mark.parametrize(
    ("day", "year_end", "quarter"),
    [
        (dt.date(2026, 1, 1), 12, "2026Q1"),
        (dt.date(2025, 12, 31), 12, "2025Q4"),
        (dt.date(2025, 7, 1), 6, "2026Q1"),
        (dt.date(2026, 6, 30), 6, "2026Q4"),
        (dt.date(2025, 10, 15), 9, "2026Q1"),
        (dt.date(2026, 3, 31), 3, "2026Q4"),
    ],
)
def test_fiscal_quarters(day, year_end, quarter):
    assert quarter_of(day, year_end) == quarter


def test_report_command_json(capsys):
    argv = [
        "report",
        str(TERMS),
        "--quarterly",
        "--placements",
        str(PLACEMENTS),
        "--json",
        "--fiscal-year-end",
        "06-30",
    ]
    assert cli(argv) == 0
    rows = json.loads(capsys.readouterr().out)
    assert set(rows[0]) == {"quarter", "agent", "shares", "gross", "commission", "net", "average_price"}
    # calendar 2025 with a June year end: Jan–Mar is fiscal 2025 Q3, Oct–Dec fiscal 2026 Q2
    assert [r["quarter"] for r in rows if r["agent"] == "all"] == ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]


@pytest.mark.parametrize("bad", [["--fiscal-year-end", "06-15"], ["--fiscal-year-end", "June"], []])
def test_report_bad_input_exit_2(capsys, bad):
    argv = ["report", str(TERMS), "--quarterly", *bad] + (["--placements", str(PLACEMENTS)] if bad else [])
    assert cli(argv) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
