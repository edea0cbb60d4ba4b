"""Deal terms files: every bad term refused before anything is written, the examples, and the round trips.

Expected values come from the term table's stated ranges and from the
prospectus (examples/prospectus-2001.toml must hold the document's figures,
quoted in the assertions with their pages), never from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stated_ranges import DATE_TERMS, STATED, TEXT_TERMS

import build as build_cli
import model
from model import deals
from model.terms import DESK_TERMS, TERMS, DealTerms, Unit
from model.terms_file import dumps, from_data, load
from workbook.reading.deal_inputs import terms_from_inputs
from workbook.sheets.template import template

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


# ---- the bad-terms matrix: each term × wrong type / null / NaN / out of range ---------------------


def _bad_values(term) -> list[tuple[str, object, str]]:
    """(label, value, words the message must contain) for one term, its bounds from tests/stated_ranges.py."""
    if term.name in TEXT_TERMS:
        cases = [("number", 12, "must be text"), ("null", None, "required")]
        if term.choices:
            cases.append(("not-a-choice", "nasdaq-1999", "must be one of"))
        return cases
    if term.name in DATE_TERMS:
        return [("text", "next Tuesday", "must be a date"), ("null", None, "required"), ("number", 37200, "date")]
    low, high, low_open, whole = STATED[term.name]
    cases = [
        ("text", "abc", "must be a number"),
        ("boolean", True, "must be a number"),
        ("null", None, "required"),
        ("nan", math.nan, "finite"),
        ("inf", math.inf, "finite"),
        ("list", [1, 2], "must be a number"),
        ("below-range", low - 1, "must be"),
        ("above-range", high * 2 + 1, "must be"),
    ]
    if low_open:
        cases.append(("at-open-low", low, "must be above"))
    if whole:
        cases.append(("fraction", low + 0.5, "whole number"))
    return cases


BAD_TERMS = [
    pytest.param(term.name, value, words, id=f"{term.name}-{label}")
    for term in (*TERMS, *DESK_TERMS)
    for label, value, words in _bad_values(term)
]


def test_the_term_table_states_the_stated_ranges():
    """TERMS against the independent table: every term has a stated range, type and wholeness, and they agree."""
    scalar = {t.name for t in (*TERMS, *DESK_TERMS)}
    assert scalar == set(STATED) | TEXT_TERMS | DATE_TERMS
    for term in (*TERMS, *DESK_TERMS):
        if term.name in TEXT_TERMS:
            assert term.unit is Unit.TEXT, term.name
        elif term.name in DATE_TERMS:
            assert term.unit is Unit.DATE, term.name
        else:
            assert (term.low, term.high, term.low_open, term.whole) == STATED[term.name], term.name


def _refused(tmp_path: Path, capsys, text: str, suffix: str) -> str:
    terms = tmp_path / f"deal{suffix}"
    terms.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert build_cli.main(["--terms", str(terms), "--out", str(out), "--no-picture"]) == 2
    assert not out.exists(), "nothing may be written for a refused terms file"
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(("name", "value", "words"), BAD_TERMS)
def test_bad_term_refused_with_its_name_value_and_rule(tmp_path, capsys, name, value, words):
    err = _refused(tmp_path, capsys, json.dumps({name: value}), ".json")
    assert f"deal.json: {name}" in err and words in err, err


def test_unknown_term_is_refused(tmp_path, capsys):
    err = _refused(tmp_path, capsys, "volatilty = 0.5\n", ".toml")
    assert "volatilty" in err and "not a deal term" in err


@pytest.mark.parametrize(
    ("schedule", "words"),
    [
        ("[]", "non-empty list"),
        ("[[0, 10_000_000, 0.04], [11_000_000, 25_000_000, 0.03]]", "contiguous"),
        ("[[1, 10_000_000, 0.04]]", "must start at 0"),
        ("[[0, 10_000_000, 1.5]]", "between 0 and 1"),
        ('[[0, 10_000_000, "4%"]]', "finite number"),
        ("[[0, 10_000_000]]", "[From, To, Rate]"),
        ('"4%"', "non-empty list"),
    ],
)
def test_bad_schedule_refused(tmp_path, capsys, schedule, words):
    err = _refused(tmp_path, capsys, f"schedule = {schedule}\n", ".toml")
    assert "schedule" in err and words in err, err


@pytest.mark.parametrize(
    ("holidays", "words"),
    [('"2025-12-25"', "must be a list of dates"), ('["Christmas"]', "item 1"), ("[2025-12-25, 7]", "item 2")],
)
def test_bad_holidays_refused(tmp_path, capsys, holidays, words):
    err = _refused(tmp_path, capsys, f"holidays = {holidays}\n", ".toml")
    assert "holidays" in err and words in err, err


def test_invalid_toml_names_the_file(tmp_path, capsys):
    err = _refused(tmp_path, capsys, "volatility = = 0.5\n", ".toml")
    assert "deal.toml" in err and "not valid TOML" in err


def test_unknown_exchange_calendar(tmp_path, capsys):
    err = _refused(tmp_path, capsys, 'exchange_calendar = "XMOON"\n', ".toml")
    assert "exchange_calendar" in err and "XMOON" in err


def test_inconsistent_terms(tmp_path, capsys):
    err = _refused(tmp_path, capsys, "other_gross = 9_000_000.0\nother_maximum = 8_400_000.0\n", ".toml")
    assert "other_gross" in err and "other_maximum" in err


def test_unknown_base_deal(tmp_path, capsys):
    err = _refused(tmp_path, capsys, 'base = "acme-1999"\n', ".toml")
    assert "base" in err and "acme-1999" in err


# ---- the examples ---------------------------------------------------------------------------------


def test_prospectus_example_holds_the_documents_figures():
    terms = load(EXAMPLES / "prospectus-2001.toml").terms
    assert terms == model.PROSPECTUS
    # cover; S-11: 4% of the first $10M, 3.5% of the next $10M, 3% of the rest up to $25M
    assert terms.schedule.rows() == [[0, 10e6, 0.04], [10e6, 20e6, 0.035], [20e6, 25e6, 0.03]]
    assert (terms.warrant_coverage, terms.warrant_premium, terms.compensation_cap) == (0.10, 1.30, 0.08)  # S-11/S-12
    assert terms.settlement_business_days == 3  # S-11: "the third business day"
    assert terms.shares_outstanding == 21_862_772  # S-9


def test_modern_example_is_the_modern_deal():
    loaded = load(EXAMPLES / "modern-atm.toml")
    assert loaded.terms == deals.DEALS["modern-atm"].TERMS
    assert loaded.terms.schedule.rows() == [[0, 100e6, 0.03]]
    assert loaded.terms.settlement_business_days == 1


@pytest.mark.parametrize("deal", sorted(deals.DEALS))
def test_init_terms_writes_a_file_that_reads_back(tmp_path, deal):
    target = tmp_path / "deal.toml"
    assert build_cli.main(["--init-terms", str(target), "--deal", deal]) == 0
    assert load(target).terms == deals.DEALS[deal].TERMS
    assert build_cli.main(["--init-terms", str(target)]) == 2, "an existing file is not replaced without --force"


def test_json_overrides_of_field_names_still_work(tmp_path):
    """Today's --terms JSON: a few DealTerms fields over the default deal."""
    path = tmp_path / "terms.json"
    path.write_text(json.dumps({"volatility": 0.5, "schedule": [[0, 1e7, 0.04], [1e7, 2.5e7, 0.03]]}))
    terms = load(path).terms
    assert terms.volatility == 0.5 and terms.schedule.maximum == 2.5e7
    assert terms.replace(volatility=0.35, schedule=model.PROSPECTUS.schedule) == model.PROSPECTUS


def test_a_changed_value_does_not_keep_the_documents_citation():
    loaded = from_data({"compensation_cap": 0.10, "sources": {"volatility": "our own estimate"}})
    assert loaded.sources["compensation_cap"] == "terms file"
    assert loaded.sources["volatility"] == "our own estimate"
    assert loaded.sources["warrant_premium"] == "S-11"


# ---- round trips --------------------------------------------------------------------------------


def _value(term):
    if term.unit is Unit.TEXT:
        return st.sampled_from(term.choices) if term.choices else st.text("ABCxyz &.,", min_size=1, max_size=30)
    if term.unit is Unit.DATE:
        return st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
    low, high = float(term.low), float(min(term.high, 1e10))
    if term.whole:
        return st.integers(math.ceil(low + (1 if term.low_open else 0)), int(high))
    return (
        st.floats(low, high, allow_nan=False, exclude_min=term.low_open)
        .map(lambda v: round(v, 6))
        .filter(lambda v: v > low if term.low_open else True)
    )


@st.composite
def valid_terms(draw) -> DealTerms:
    values = {t.name: draw(_value(t)) for t in TERMS}
    values["exchange_calendar"] = draw(st.sampled_from(["XNYS", "XNAS", "XLON"]))
    values["options_warrants_exercisable"] = min(
        values["options_warrants_exercisable"], values["options_warrants_outstanding"]
    )
    values["price_low_52w"], values["price_high_52w"] = sorted((values["price_low_52w"], values["price_high_52w"]))
    values["other_gross"] = min(values["other_gross"], values["other_maximum"])
    values["debenture_lowest_bids"] = min(values["debenture_lowest_bids"], values["debenture_bid_days"])
    values["retainer_allocation"] = min(
        values["retainer_allocation"], values["advisory_retainer"] + values["advisory_deposit"]
    )
    edges = sorted(set(draw(st.lists(st.integers(1, 500), min_size=1, max_size=4, unique=True))))
    rates = draw(st.lists(st.floats(0, 0.1, allow_nan=False), min_size=len(edges), max_size=len(edges)))
    bounds = [0, *(e * 1e6 for e in edges)]
    values["schedule"] = [[bounds[i], bounds[i + 1], rates[i]] for i in range(len(edges))]
    own = draw(st.booleans())
    values["holidays"] = (
        tuple(sorted(set(draw(st.lists(st.dates(dt.date(2001, 1, 1), dt.date(2030, 12, 31)), max_size=5)))))
        if own
        else None
    )
    return DealTerms(**values)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_terms())
def test_terms_file_round_trip(terms):
    assert from_data(tomllib.loads(dumps(terms))).terms == terms


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_terms())
def test_inputs_sheet_round_trip(terms):
    """terms → the Inputs sheet the template writes → terms is the identity."""
    placements = deals.DEALS["prospectus-2001"].PLACEMENTS
    if terms.holidays == ():
        terms = terms.replace(holidays=None)
    assert terms_from_inputs(template(terms, placements), placements) == terms
