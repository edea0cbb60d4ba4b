"""Any programme, not only the 2001 prospectus (issue 8's "Done when").

A $100M single-rate T+1 programme with a year of placements in 2025 across
exchange holidays: both flavours build, validate clean after recalculation,
equal the model, settle on the exchange's real sessions, cite nothing of the
prospectus, and survive a refresh. Then random deals: the two flavours agree
cell by cell and validate clean, including an empty programme and one sold
exactly to its maximum.

Expected settlement dates come from the exchange calendar's list of sessions
(not from its holidays, which the model uses); expected figures from
``helpers.expected_outputs``, which composes the model's functions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from helpers import cached_values, close, expected_outputs, named
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import build as build_cli
from model.deals import modern_atm
from model.terms import Schedule, Tier
from model.terms_file import load
from workbook.generate import build
from workbook.validate import validate

ROOT = Path(__file__).resolve().parent.parent
TERMS_FILE = ROOT / "examples" / "modern-atm.toml"
PLACEMENTS_FILE = ROOT / "examples" / "modern-atm-placements.csv"
FLAVOURS = ("udf", "native")
# What the prospectus deal's workbook states and a modern programme's must not.
PROSPECTUS_WORDS = (
    "NeoTherapeutics",
    "Cantor",
    "prospectus",
    "Prospectus",
    "25,000,000",
    "$25",
    "8%",
    "130%",
    "S-11",
    "S-12",
)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_modern_programme_validates_clean_after_recalculation(modern, flavour):
    report = validate(modern[flavour], recalc=True)
    assert [f.as_dict() for f in report.findings if f.severity != "info"] == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_modern_programme_figures_equal_the_model(modern, flavour):
    terms = load(TERMS_FILE).terms
    placements = pd.read_csv(PLACEMENTS_FILE, parse_dates=["Trade date"])
    placements["Trade date"] = placements["Trade date"].dt.date
    expected = expected_outputs(terms, placements)
    values = cached_values(modern[flavour])
    names = {n: d.attr_text for n, d in load_workbook(modern[flavour]).defined_names.items()}
    for name, want in expected.items():
        assert close(named(values, names, name), want), (name, named(values, names, name), want)
    # the single 3% rate: commission is 3% of gross exactly
    assert close(expected["OutTotalCommission"], round(0.03 * expected["OutTotalGross"], 2))


def _nth_session_after(day: dt.date, n: int) -> dt.date:
    import exchange_calendars as xc

    sessions = xc.get_calendar("XNYS", start="2024-12-01", end="2026-03-31").sessions
    return sessions[sessions.searchsorted(pd.Timestamp(day), side="right") + n - 1].date()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_modern_programme_settles_t_plus_1_on_exchange_sessions(modern, flavour):
    book = load_workbook(modern[flavour], data_only=True)
    ws = book["Calculations"]

    def column(name: str) -> str:
        from openpyxl.utils import get_column_letter, range_boundaries

        return get_column_letter(range_boundaries(book.defined_names[name].attr_text.split("!")[1])[0])

    dates, settlements = column("LedgerDates"), column("LedgerSettlement")
    trades = pd.read_csv(PLACEMENTS_FILE)["Trade date"]
    settled = {}
    for row in range(5, 5 + len(trades)):
        trade, settle = ws[f"{dates}{row}"].value.date(), ws[f"{settlements}{row}"].value.date()
        settled[trade] = settle
        assert settle == _nth_session_after(trade, 1), trade
    # spelled out for the holidays the placements sit next to
    assert settled[dt.date(2025, 1, 8)] == dt.date(2025, 1, 10)  # 9 Jan 2025: markets closed (national day of mourning)
    assert settled[dt.date(2025, 7, 3)] == dt.date(2025, 7, 7)  # Independence Day, then a weekend
    assert settled[dt.date(2025, 11, 26)] == dt.date(2025, 11, 28)  # Thanksgiving
    assert settled[dt.date(2025, 12, 24)] == dt.date(2025, 12, 26)  # Christmas


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_modern_programme_cites_nothing_of_the_prospectus(modern, flavour):
    book = load_workbook(modern[flavour])
    texts = [
        (ws.title, cell.coordinate, cell.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and not cell.value.startswith("=")
    ]
    cited = [(s, c, v) for s, c, v in texts if any(word in v for word in PROSPECTUS_WORDS)]
    assert cited == []
    assert any("Example Biosciences" in v for _, _, v in texts)


def test_modern_programme_refresh_keeps_its_terms_and_validates(modern, tmp_path):
    new = tmp_path / "refreshed.xlsx"
    assert build_cli.main(["--refresh", str(modern["udf"]), "-o", str(new)]) == 0
    report = validate(new, recalc=True)
    assert [f.as_dict() for f in report.findings if f.severity != "info"] == []
    from workbook.reading.existing import open_workbook, read_inputs

    assert read_inputs(open_workbook(new)).terms == load(TERMS_FILE).terms


# ---- random deals: the two flavours agree and validate clean ----------------------------------------------------


def _agree_and_validate(tmp: Path, terms, placements, *, checks_may_fail: bool = False) -> None:
    """Both flavours agree cell by cell and validate clean after recalculation. A random deal may breach a
    check (e.g. a small programme whose expenses pass the cap): that is a finding about the deal (O001), not
    about the workbook, and the flavours agreeing cell by cell includes the Checks sheet."""
    built = {f: build(tmp, f, terms, placements, force=True).path for f in FLAVOURS}
    udf, native = cached_values(built["udf"]), cached_values(built["native"])
    assert set(udf) == set(native)
    differing = [(k, udf[k], native[k]) for k in udf if not close(udf[k], native[k]) and k != ("Cover", "A7")]
    assert differing == []
    for flavour in FLAVOURS:
        findings = [
            f.as_dict()
            for f in validate(built[flavour], recalc=True).findings
            if f.severity != "info" and not (checks_may_fail and f.rule == "O001")
        ]
        assert findings == [], flavour


def test_empty_programme_flavours_agree(tmp_path):
    empty = pd.DataFrame({"Trade date": [], "Shares": [], "Price": []})
    _agree_and_validate(tmp_path, modern_atm.TERMS, empty)


def test_programme_sold_exactly_to_its_maximum(tmp_path):
    """$1,000,000 in two tiers, sold to the last cent: the rate on the next dollar is 0 in both flavours."""
    terms = modern_atm.TERMS.replace(
        schedule=Schedule((Tier(0.0, 600_000.0, 0.05), Tier(600_000.0, 1_000_000.0, 0.04))), expense_reimbursement=0.0
    )
    sold_out = pd.DataFrame(
        {"Trade date": [dt.date(2025, 3, 3), dt.date(2025, 3, 10)], "Shares": [40_000, 60_000], "Price": [10.0, 10.0]}
    )
    _agree_and_validate(tmp_path, terms, sold_out)
    values = cached_values(tmp_path / "CEO_Model.xlsx")
    names = {n: d.attr_text for n, d in load_workbook(tmp_path / "CEO_Model.xlsx").defined_names.items()}
    assert named(values, names, "TotalGross") == 1_000_000
    assert named(values, names, "MarginalRate") == 0
    # 5% of 600,000 + 4% of 400,000
    assert named(values, names, "TotalCommission") == 46_000


@st.composite
def deals(draw):
    edges = sorted(set(draw(st.lists(st.integers(1, 200), min_size=1, max_size=3, unique=True))))
    rates = draw(
        st.lists(st.sampled_from([0.0, 0.01, 0.02, 0.025, 0.03, 0.04, 0.05]), min_size=len(edges), max_size=len(edges))
    )
    bounds = [0.0, *(e * 1e6 for e in edges)]
    schedule = Schedule(tuple(Tier(bounds[i], bounds[i + 1], rates[i]) for i in range(len(edges))))
    terms = modern_atm.TERMS.replace(
        schedule=schedule,
        settlement_business_days=draw(st.integers(0, 5)),
        warrant_coverage=draw(st.sampled_from([0.0, 0.05, 0.10])),
        warrant_premium=draw(st.sampled_from([1.0, 1.25, 1.3])),
        compensation_cap=draw(st.sampled_from([0.05, 0.08, 0.10])),
        volatility=draw(st.sampled_from([0.0, 0.35, 0.9])),
    )
    count = draw(st.integers(0, 8))
    start = draw(st.dates(dt.date(2024, 1, 1), dt.date(2026, 6, 30)))
    gaps = draw(st.lists(st.integers(0, 20), min_size=count, max_size=count))
    shares = draw(st.lists(st.integers(1, 100_000), min_size=count, max_size=count))
    prices = draw(st.lists(st.integers(100, 5_000), min_size=count, max_size=count))
    days, day = [], start
    for gap in gaps:
        day += dt.timedelta(days=gap)
        days.append(day)
    frame = pd.DataFrame({"Trade date": days, "Shares": shares, "Price": [p / 100 for p in prices]})
    cumulative = (frame["Shares"] * frame["Price"]).cumsum()
    return terms, frame[cumulative <= schedule.maximum].reset_index(drop=True)


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(deals())
def test_random_deals_flavours_agree_and_validate(tmp_path, deal):
    terms, placements = deal
    _agree_and_validate(tmp_path, terms, placements, checks_may_fail=True)


def test_refresh_with_other_terms_and_placements(modern, tmp_path, capsys):
    """--refresh with --terms/--placements: the new deal's terms and rows, checked against its maximum."""
    from workbook.reading.existing import open_workbook, read_inputs

    new = tmp_path / "back_to_2001.xlsx"
    prospectus_file = ROOT / "examples" / "prospectus-2001.toml"
    # the modern placements ($52M) do not fit the prospectus's $25M: refused, naming the row; nothing written
    assert build_cli.main(["--refresh", str(modern["native"]), "-o", str(new), "--terms", str(prospectus_file)]) == 2
    assert "passes the programme maximum" in capsys.readouterr().err and not new.exists()
    empty = tmp_path / "none.csv"
    empty.write_text("Trade date,Shares,Price\n")
    argv = ["--refresh", str(modern["native"]), "-o", str(new), "--terms", str(prospectus_file)]
    assert build_cli.main([*argv, "--placements", str(empty)]) == 0
    assert read_inputs(open_workbook(new)).terms == load(prospectus_file).terms
    assert [f.as_dict() for f in validate(new, recalc=True).findings if f.severity != "info"] == []


def test_one_cell_ranges_compare_as_cells():
    """A one-tier schedule is a one-cell range; LibreOffice saves Inputs!$H$8:$H$8 as Inputs!$H$8."""
    from workbook.kit.formula_text import normalised, r1c1

    assert normalised("=ROWS(Inputs!$H$8:$H$8)") == normalised("=ROWS(Inputs!$H$8)")
    assert r1c1("=SUM(H8:H8)", 9, 2) == r1c1("=SUM(H8)", 9, 2)
    assert normalised("=ROWS(Inputs!$H$8:$H$9)") != normalised("=ROWS(Inputs!$H$8)")


def test_single_rate_programme_resaved_by_libreoffice_validates(modern, tmp_path):
    """The user's first hour: a single-rate programme opened in LibreOffice, a placement typed into an empty
    row of the table, saved. It validates clean and the new placement is in the totals."""
    from conftest import require

    from workbook.engine.lo_edit import Job, available, edit_and_save

    require(available(), "LibreOffice with python3-uno")
    target = tmp_path / "typed.xlsx"
    edits = [
        {"op": "set", "sheet": "Placements", "cell": "A18", "value": 45960.0},  # 2025-10-31, a Friday
        {"op": "set", "sheet": "Placements", "cell": "B18", "value": 100_000},
        {"op": "set", "sheet": "Placements", "cell": "C18", "value": 15.0},
    ]
    edit_and_save([Job(modern["native"], target, edits)])
    assert [f.as_dict() for f in validate(target, recalc=True).findings if f.severity != "info"] == []
    values = cached_values(target)
    names = {n: d.attr_text for n, d in load_workbook(target).defined_names.items()}
    # the example's $52,150,000 plus 100,000 × $15.00
    assert named(values, names, "TotalGross") == 52_150_000 + 1_500_000
