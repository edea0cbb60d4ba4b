"""Several sales agents: each paid on its own schedule on the gross sold through it.

Expected figures are worked out by hand in each test from the schedules stated in it, never taken from the
code under test; the stated ranges of the desk's terms are copied from their sources (Form S-3 General
Instruction I.B.6, Nasdaq 5635(d)), independently of the term table.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib

import pandas as pd
import pytest

import model
from model import deals
from model.compensation import agent_compensation
from model.errors import CEOModelError
from model.terms import DESK_TERMS, TERM
from model.terms_file import dumps, from_data

MODERN = deals.DEALS["modern-atm"].TERMS
TWO = MODERN.replace(
    agents=[
        {"name": "Alpha Securities", "schedule": [[0, 10e6, 0.03], [10e6, 50e6, 0.02]]},
        {"name": "Beta Capital", "schedule": [[0, 50e6, 0.025]]},
    ],
    programme_maximum=60e6,
)
ROWS = pd.DataFrame(
    {
        "Trade date": [dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5), dt.date(2025, 3, 6)],
        "Shares": [500_000, 200_000, 700_000, 100_000],
        "Price": [10.00, 10.50, 11.00, 12.345],
        "Agent": ["Alpha Securities", "beta  capital", "Alpha Securities", "Beta Capital"],
    }
)


def test_each_agent_is_paid_on_its_own_cumulative_gross():
    ledger = model.placements(ROWS, TWO)
    # Alpha: 5,000,000 at 3% = 150,000; then 7,700,000 taking it to 12,700,000: 5,000,000 more at 3% (150,000)
    # and 2,700,000 at 2% (54,000) = 204,000. Beta: 2,100,000 at 2.5% = 52,500; 1,234,500 at 2.5% = 30,862.50.
    assert ledger["Commission"].tolist() == [150_000.0, 52_500.0, 204_000.0, 30_862.50]
    assert ledger["Agent"].tolist() == ["Alpha Securities", "Beta Capital", "Alpha Securities", "Beta Capital"]
    assert ledger["Agent cumulative gross"].tolist() == [5e6, 2.1e6, 12.7e6, 3_334_500.0]
    assert ledger["Cumulative gross"].iloc[-1] == 16_034_500.0
    # one schedule (Alpha's) on the programme's total would give 300,000 + 6,034,500 × 2% = 420,690 instead
    assert round(ledger["Commission"].sum(), 2) == 437_362.50 != 420_690.0


def test_compensation_per_agent_against_the_cap():
    terms = TWO.replace(volatility=0.0, risk_free_rate=0.0)
    comp = agent_compensation(model.placements(ROWS, terms), terms).set_index("Agent")
    # the modern deal: no warrants, $75,000 expenses, no retainer, an 8% cap
    assert comp.loc["Alpha Securities", "Total"] == 354_000 + 75_000
    assert comp.loc["Alpha Securities", "Headroom"] == pytest.approx(0.08 * 12.7e6 - 429_000)  # 587,000
    assert comp.loc["Beta Capital", "Total"] == pytest.approx(83_362.50 + 75_000)
    assert comp.loc["Beta Capital", "Headroom"] == pytest.approx(0.08 * 3_334_500 - 158_362.50)  # 108,397.50
    assert comp.loc["all", "Commission"] == pytest.approx(437_362.50)


def test_one_agent_is_todays_ledger_exactly():
    plain = ROWS.drop(columns="Agent")
    ledger = model.placements(plain, MODERN)
    assert tuple(ledger.columns) == model.ledger.OUTPUT_COLUMNS
    assert MODERN.sales_agents[0].name == MODERN.agent and MODERN.maximum == MODERN.schedule.maximum
    # one 3% agent on 16,034,500: 481,035.00
    assert round(ledger["Commission"].sum(), 2) == 481_035.0


@pytest.mark.parametrize(
    ("agents", "words"),
    [
        (None, "needs an Agent column"),
        (["Alpha Securities", "Gamma", "Alpha Securities", "Beta Capital"], "'Gamma' is not an agent"),
        (["Alpha Securities", "", "Alpha Securities", "Beta Capital"], "Agent is missing"),
    ],
)
def test_a_missing_or_unknown_agent_is_refused_naming_the_row(agents, words):
    rows = ROWS.drop(columns="Agent") if agents is None else ROWS.assign(Agent=agents)
    with pytest.raises(CEOModelError) as err:
        model.placements(rows, TWO)
    assert words in str(err.value)
    if agents is not None:
        assert err.value.position[0] == 2, "the second placement is named"


def test_an_agent_past_its_own_schedule_is_refused():
    small = TWO.replace(agents=[{"name": "Alpha Securities", "schedule": [[0, 6e6, 0.03]]}, TWO.agents[1]])
    with pytest.raises(CEOModelError, match="Alpha Securities's schedule") as err:
        model.placements(ROWS, small)
    assert err.value.position[0] == 3


def test_programme_maximum_caps_all_agents_together():
    with pytest.raises(CEOModelError, match=r"programme maximum 15,000,000\.00"):
        model.placements(ROWS, TWO.replace(programme_maximum=15e6))


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        (
            '[[agents]]\nname = "A"\nschedule = [[0, 1e7, 0.03]]\n[[agents]]\nname = "B"\nschedule = [[0, 1e7, 3]]\n',
            "agents[2].schedule row 1: rate must be between 0 and 1",
        ),
        ('[[agents]]\nname = "A"\n', "agents[1].schedule: is required"),
        ('[[agents]]\nname = "A"\nschedule = [[0, 1e7, 0.03]]\nfee = 1\n', "agents[1].fee: is not an agent term"),
        (
            '[[agents]]\nname = "A"\nschedule = [[0, 1e7, 0.03]]\n[[agents]]\nname = "a"\nschedule = [[0, 1e7, 0.03]]\n',
            "agents[2].name: 'a' repeats agents[1]",
        ),
        (
            '[[agents]]\nname = "A"\nschedule = [[0, 1e7, 0.03]]\nwarrant_coverage = 2\n',
            "agents[1].warrant_coverage: must be between 0 and 1",
        ),
        ("programme_maximum = 3e7\n", "programme_maximum: must not exceed the last To of schedule"),
        ("public_float = 5e7\n", "public_float_date: is required with public_float"),
    ],
)
def test_bad_agents_in_a_terms_file_are_one_line_naming_the_field(toml, words):
    with pytest.raises(CEOModelError) as err:
        from_data(tomllib.loads(toml))
    assert words in str(err.value) and "\n" not in str(err.value)


def test_agents_round_trip_through_a_terms_file():
    terms = TWO.replace(public_float=5e7, public_float_date=dt.date(2025, 1, 2), volume_limit_share=0.1)
    assert from_data(tomllib.loads(dumps(terms))).terms == terms


# The desk's numeric terms and their stated ranges, from their sources (not from model/terms.py):
STATED_RANGES = {
    "programme_maximum": (0, 1e12, True),  # a dollar amount above 0
    "public_float": (0, 1e12, False),  # a market value: 0 or more
    "baby_shelf_threshold": (0, 1e12, False),  # I.B.6: $75 million; a dollar amount
    "baby_shelf_fraction": (0, 1, True),  # I.B.6(a): one-third; a share above 0 and at most all of it
    "prior_sales_12m": (0, 1e12, False),
    "shares_outstanding_before": (1, 1e12, False),  # 5635(d): the shares outstanding before the issuance
    "volume_limit_share": (0, 1, True),  # a share of average daily volume above 0
}


@pytest.mark.parametrize("name", sorted(STATED_RANGES))
def test_desk_terms_have_their_stated_ranges(name):
    low, high, low_open = STATED_RANGES[name]
    term = TERM[name]
    assert (term.low, term.high, term.low_open) == (low, high, low_open)
    with pytest.raises(CEOModelError, match=name):
        MODERN.replace(**{name: high * 2 + 1})
    with pytest.raises(CEOModelError, match=name):
        MODERN.replace(**{name: low if low_open else low - 1})


def test_every_numeric_desk_term_has_a_stated_range():
    numeric = {t.name for t in DESK_TERMS if t.python_type in (int, float)}
    assert numeric == set(STATED_RANGES)
    assert math.isclose(MODERN.baby_shelf_fraction, 1 / 3) and MODERN.baby_shelf_threshold == 75_000_000
