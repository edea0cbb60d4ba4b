"""Trade dates are trading days; the Agent column of a placements file; a build with several agents refused.

The calendar facts are checked by hand: 2025-07-04 (a Friday) is Independence Day (the calendar names it "July 4th"), 2025-03-08 a Saturday,
2025-11-27 Thanksgiving, 2025-03-07 an ordinary Friday.
"""

from __future__ import annotations

import datetime as dt

import pytest

import build as build_cli
from model import deals
from model.calendars import non_trading_reason
from workbook.reading.placements_file import PlacementsFileError, read_placements

MODERN = deals.DEALS["modern-atm"].TERMS
TWO = MODERN.replace(
    agents=[{"name": "Alpha", "schedule": [[0, 5e7, 0.02]]}, {"name": "Beta", "schedule": [[0, 5e7, 0.03]]}],
    programme_maximum=1e8,
)


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (dt.date(2025, 3, 8), "a Saturday"),
        (dt.date(2025, 3, 9), "a Sunday"),
        (dt.date(2025, 7, 4), "July 4th"),
        (dt.date(2025, 11, 27), "Thanksgiving"),
        (dt.date(2024, 12, 31), "before the document date 2025-01-02"),
    ],
)
def test_non_trading_days_are_named(day, words):
    assert words in non_trading_reason(day, MODERN)


def test_a_trading_day_has_no_reason():
    assert non_trading_reason(dt.date(2025, 3, 7), MODERN) is None


@pytest.mark.parametrize(("day", "words"), [("2025-03-08", "a Saturday"), ("2025-07-04", "July 4th")])
def test_a_weekend_or_holiday_trade_date_is_refused_naming_the_row(tmp_path, day, words):
    path = tmp_path / "p.csv"
    path.write_text(f"Trade date,Shares,Price\n2025-03-07,1000,12.5\n{day},1000,12.5\n")
    with pytest.raises(PlacementsFileError) as err:
        read_placements(path, MODERN, allow_non_trading_days=False)
    message = str(err.value)
    assert "row 3" in message and words in message and "--allow-non-trading-days" in message
    assert len(read_placements(path, MODERN, allow_non_trading_days=True)) == 2


def test_build_refuses_a_holiday_unless_allowed(tmp_path, capsys):
    terms = tmp_path / "deal.toml"
    terms.write_text('base = "modern-atm"\n')
    path = tmp_path / "p.csv"
    path.write_text("Trade date,Shares,Price\n2025-07-04,1000,12.5\n")
    out = tmp_path / "out"
    argv = ["--terms", str(terms), "--placements", str(path), "--out", str(out), "--no-picture", "--no-addin"]
    assert build_cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "row 2" in err and "July 4th" in err
    assert not out.exists()


def test_the_agent_column_is_read_and_matched(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("trade_date,AGENT,Shares,Price\n2025-03-07,alpha,1000,10\n2025-03-10,Beta,1000,10\n")
    frame = read_placements(path, TWO, allow_non_trading_days=False)
    assert frame["Agent"].tolist() == ["alpha", "Beta"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("2025-03-07,Alpha,1000,10\n2025-03-10,Gamma,1000,10\n", "row 3, column B (Agent): 'Gamma' is not an agent"),
        ("2025-03-07,Alpha,1000,10\n2025-03-10,,1000,10\n", "row 3, column B (Agent): is missing"),
    ],
)
def test_an_unknown_or_missing_agent_is_refused_naming_the_row(tmp_path, body, words):
    path = tmp_path / "p.csv"
    path.write_text("Trade date,Agent,Shares,Price\n" + body)
    with pytest.raises(PlacementsFileError) as err:
        read_placements(path, TWO)
    assert words in str(err.value), str(err.value)


def test_several_agents_need_the_agent_column(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Trade date,Shares,Price\n2025-03-07,1000,10\n")
    with pytest.raises(PlacementsFileError, match="needs an Agent column"):
        read_placements(path, TWO)


def test_build_with_several_agents_is_refused_naming_agents(tmp_path, capsys):
    from model.terms_file import dumps

    terms = tmp_path / "three.toml"
    terms.write_text(dumps(TWO))
    out = tmp_path / "out"
    assert build_cli.main(["--terms", str(terms), "--out", str(out), "--no-picture", "--no-addin"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "agents" in err and "the workbook shows one agent" in err
    assert not out.exists()


def test_simulate_with_several_agents_is_refused(tmp_path, capsys):
    from model.terms_file import dumps
    from workbook.cli import main as cli

    terms = tmp_path / "two.toml"
    terms.write_text(dumps(TWO))
    assert cli(["simulate", "--terms", str(terms), "--paths", "2", "--days", "5", "--json"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "agents" in err and "one schedule" in err
