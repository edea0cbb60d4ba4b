"""The analyses (issue 11): dilution waterfall, sources and uses, maximum raise before thresholds, commission by
tier and the monthly timeline — model functions against independent derivations (the prospectus's figures, exact
fractions), and the workbook's line items in both flavours against ``model/``."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
import pytest
from helpers import cached_values, close, named
from hypothesis import given
from hypothesis import strategies as st

import model
from model.analyses import (
    commission_by_tier,
    dilution_waterfall,
    gross_for_shares,
    monthly_timeline,
    other_agreement_compensation,
    shares_below_threshold,
    sources_and_uses,
)
from model.deals.prospectus_2001 import PLACEMENTS
from model.errors import CEOModelError
from udfs import excel

FLAVOURS = ("udf", "native")
T = model.PROSPECTUS
SERIAL = excel.EPOCH


def serial(day: dt.date) -> float:
    return float((day - SERIAL).days)


# -- model: independent derivations ------------------------------------------------------------------------------


def test_waterfall_of_the_prospectus_deal_is_about_37_7_percent_through_options_and_warrants():
    # 21,862,772 outstanding [S-9]; the illustrative placements sell 4,200,000 shares (400k+600k+800k+700k+900k+800k),
    # the agent gets 10% of them [S-11]; 8,593,877 options and warrants [S-9].
    sold = 400_000 + 600_000 + 800_000 + 700_000 + 900_000 + 800_000
    steps = [("Sold", sold), ("Agent warrants", sold // 10), ("Options and warrants", 8_593_877)]
    w = dilution_waterfall(21_862_772, steps)
    assert w["Shares"].iloc[-1] == 21_862_772 + 4_200_000 + 420_000 + 8_593_877 == 35_076_649
    assert round(float(w["New %"].iloc[-1]), 3) == 0.377  # the issue's "about 37.7%"
    assert w["Added"].iloc[1:-1].sum() + w["Shares"].iloc[0] == w["Shares"].iloc[-1]  # the waterfall sums
    assert list(w["Step"]) == [
        "Basic shares outstanding",
        "Sold",
        "Agent warrants",
        "Options and warrants",
        "Fully diluted",
    ]


def test_waterfall_refuses_a_negative_addition():
    with pytest.raises(CEOModelError, match="additions"):
        dilution_waterfall(100, [("x", -1)])


@given(
    st.integers(1, 10**10),
    st.sampled_from([Fraction(1, 5), Fraction(3, 20), Fraction(1, 10), Fraction(1, 3), Fraction(49, 100)]),
)
def test_shares_below_threshold_is_the_largest_whole_number_strictly_below(outstanding, t):
    h = int(shares_below_threshold(outstanding, float(t)))
    assert Fraction(h, outstanding + h) < t  # exact arithmetic, not the code's floats
    assert Fraction(h + 1, outstanding + h + 1) >= t


def test_thresholds_for_the_prospectus_deal():
    # 20% rights plan [S-10]: 0.2 × 21,862,772 ÷ 0.8 = 5,465,693 exactly, which would be exactly 20%: one fewer.
    assert shares_below_threshold(21_862_772, 0.20) == 5_465_692
    # 15% DGCL §203 [S-13]: 0.15 × 21,862,772 ÷ 0.85 = 3,858,136.23…
    assert shares_below_threshold(21_862_772, 0.15) == 3_858_136
    assert gross_for_shares(5_465_692, 4.04) == 22_081_395.68
    assert shares_below_threshold(100, 0.0) == 0
    with pytest.raises(CEOModelError, match="threshold"):
        shares_below_threshold(100, 1.0)


def test_commission_by_tier_at_the_programme_maximum_is_the_documents_900000():
    tiers = commission_by_tier(25_000_000, T.schedule)
    # 4% of $10M, 3.5% of $10M, 3% of $5M [cover; S-11]; $900,000 in all [S-12]
    assert tiers["Commission"].tolist() == [400_000, 350_000, 150_000]
    assert tiers["Gross"].tolist() == [10e6, 10e6, 5e6]
    assert tiers["Commission"].sum() == 900_000


@given(st.floats(0, 25e6).map(lambda g: round(g, 2)))
def test_tiers_add_up_to_the_fee(gross):
    tiers = commission_by_tier(gross, T.schedule)
    assert round(tiers["Commission"].sum(), 2) == model.fee(gross, T.schedule)
    assert tiers["Gross"].sum() == pytest.approx(gross, abs=1e-6)


def test_sources_and_uses_of_the_full_programme():
    # $25M + $8.4M [S-12]; $900,000 + 4% of $8.4M; $60,000 and $62,500 for each agreement; about $300,000
    lines = sources_and_uses(25e6, 8.4e6, 900_000, 336_000, 60_000, 62_500, 300_000)
    assert lines["sources"] == 33_400_000
    assert lines["uses"] == 900_000 + 336_000 + 120_000 + 125_000 + 300_000
    assert lines["net"] == 33_400_000 - 1_781_000
    alone = sources_and_uses(25e6, 0, 900_000, 0, 60_000, 62_500, 300_000)  # no Other Agreement sales
    assert alone["net"] == 25e6 - 900_000 - 60_000 - 62_500 - 300_000


def test_monthly_timeline_adds_up_to_the_ledger():
    ledger = model.placements(PLACEMENTS, T)
    tl = monthly_timeline(ledger, dt.date(2001, 11, 5), 12, 10e6, 2.3e6, 1.5, 60_000, 62_500, 0.08)
    assert tl["Gross"].sum() == pytest.approx(ledger["Gross"].sum())
    assert tl["Commission"].sum() == pytest.approx(ledger["Commission"].sum())
    assert tl["Placements"].sum() == len(ledger)
    # November 2001: the 5th (400,000 × 4.10) and the 19th (600,000 × 3.95)
    assert tl["Gross"].iloc[0] == 1_640_000 + 2_370_000
    assert tl["Start"].iloc[2] == dt.date(2002, 1, 1) and tl["End"].iloc[2] == dt.date(2002, 1, 31)
    assert tl["Cash"].iloc[-1] == pytest.approx(10e6 + ledger["Net"].sum() - 12 * 2.3e6)


# -- the workbook, both flavours ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def values(built):
    return {f: (cached_values(built[f].path), built[f].layout.names) for f in FLAVOURS}


def _get(values, flavour, name):
    cells, names = values[flavour]
    sheet, ref = names[name].rsplit("!", 1)
    sheet = sheet.strip("'")
    ref = ref.replace("$", "")
    if ":" not in ref:
        return named(cells, names, name)
    from openpyxl.utils import get_column_letter, range_boundaries

    c1, r1, c2, r2 = range_boundaries(ref)
    return [cells.get((sheet, f"{get_column_letter(c)}{r}")) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _expected_waterfall():
    ledger = model.placements(PLACEMENTS, T)
    sold = int(ledger["Shares"].sum())
    agent = int(ledger["Warrant shares"].sum())
    other = int(T.other_gross // T.last_sale_price)
    price = model.debenture_conversion_price(
        [T.last_sale_price] * T.debenture_issue_days,
        [T.last_sale_price] * T.debenture_bid_days,  # the illustrative bid profile: flat at the share price
        T.debenture_days,
        T.debenture_initial_premium,
        T.debenture_reset_after_days,
        T.debenture_reset_factor,
        T.debenture_lowest_bids,
        T.debenture_issue_days,
        T.debenture_bid_days,
    )
    steps = [
        ("WfSold", sold),
        ("WfAgentWarrants", agent),
        ("WfOptions", T.options_warrants_outstanding),
        ("WfOtherShares", other),
        ("WfOtherWarrants", int(model.warrant_shares(other, T.warrant_coverage))),
        ("WfDebenture", int(model.debenture_conversion_shares(T.debenture_principal, price))),
        ("WfClassB", T.classb_shares),
    ]
    return dilution_waterfall(T.shares_outstanding, steps)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_workbook_waterfall_sums_to_the_fully_diluted_count(values, flavour):
    expected = _expected_waterfall()
    got = {name: _get(values, flavour, name) for name in expected["Step"].iloc[1:-1]}
    for name, added in zip(expected["Step"].iloc[1:-1], expected["Added"].iloc[1:-1], strict=True):
        assert got[name] == added, name
    total = _get(values, flavour, "FullyDilutedShares")
    assert total == _get(values, flavour, "WfBasic") + sum(got.values()) == expected["Shares"].iloc[-1]
    assert close(_get(values, flavour, "FullyDilutedPct"), float(expected["New %"].iloc[-1]))
    through_options = float(expected["New %"].iloc[3])
    assert round(through_options, 3) == 0.377
    assert close(_get(values, flavour, "OfferingOptionsDilutionPct"), through_options)
    assert close(_get(values, flavour, "OutFullDilutionPct"), through_options)  # the Output is no longer 28.22%


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_workbook_sources_and_uses_match_the_model(values, flavour):
    ledger = model.placements(PLACEMENTS, T)
    gross = float(ledger["Gross"].sum())
    lines = sources_and_uses(
        gross,
        T.other_gross,
        model.fee(gross, T.schedule),
        model.other_fee(T.other_gross, T.other_rate, T.other_maximum),
        T.expense_reimbursement,
        T.retainer_allocation,
        T.issuer_other_expenses,
    )
    pairs = {
        "SuGross": "gross",
        "SuOtherGross": "other_gross",
        "SuSources": "sources",
        "SuCommission": "commission",
        "SuOtherCommission": "other_commission",
        "SuExpenses": "expenses",
        "SuRetainer": "retainer",
        "SuIssuerExpenses": "issuer_expenses",
        "SuUses": "uses",
        "SuNetCash": "net",
    }
    for name, key in pairs.items():
        assert close(_get(values, flavour, name), lines[key]), name
    assert close(_get(values, flavour, "SuRunwayMonths"), model.runway_months(T.cash + lines["net"], T.monthly_burn))


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_workbook_maximum_raise_before_thresholds(values, flavour):
    o, p = T.shares_outstanding, T.last_sale_price
    capacity = model.nasdaq_20pct_capacity(o, T.already_issued_at_discount, T.nasdaq_discount_limit)
    assert close(_get(values, flavour, "MaxRaiseNasdaq"), gross_for_shares(capacity, p))
    for shares, gross, t in (
        ("RightsPlanMaxShares", "MaxRaiseRightsPlan", T.rights_plan_trigger),
        ("DgclMaxShares", "MaxRaiseDgcl", T.dgcl_interested_holder),
    ):
        expected = shares_below_threshold(o, t)
        assert _get(values, flavour, shares) == expected
        assert close(_get(values, flavour, gross), gross_for_shares(expected, p))


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_workbook_commission_by_tier(values, flavour):
    gross = float(model.placements(PLACEMENTS, T)["Gross"].sum())
    tiers = commission_by_tier(gross, T.schedule)
    assert _get(values, flavour, "TierCommission") == tiers["Commission"].tolist()
    assert _get(values, flavour, "TierGross") == pytest.approx(tiers["Gross"].tolist())
    assert _get(values, flavour, "TierCommissionTotal") == _get(values, flavour, "TotalCommission")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_workbook_timeline_matches_the_model_and_adds_up_to_the_ledger(values, flavour):
    ledger = model.placements(PLACEMENTS, T)
    value = model.warrant_value(
        T.last_sale_price,
        model.warrant_strike(model.vwap(ledger["Shares"], ledger["Price"]), T.warrant_premium),
        T.warrant_term_years,
        T.volatility,
        T.risk_free_rate,
        T.dividend_yield,
    )
    first = ledger["Trade date"].iloc[0]
    tl = monthly_timeline(
        ledger,
        first,
        12,
        T.cash,
        T.monthly_burn,
        value,
        T.expense_reimbursement,
        T.retainer_allocation,
        T.compensation_cap,
    )
    assert _get(values, flavour, "TimelineMonths") == [serial(d) for d in tl["Start"]]
    for name, column in (
        ("TimelinePlacements", "Placements"),
        ("TimelineGross", "Gross"),
        ("TimelineCommission", "Commission"),
        ("TimelineNet", "Net"),
        ("TimelineCash", "Cash"),
        ("TimelineFees", "Commission to date"),
        ("TimelineWarrantValue", "Warrant value to date"),
        ("TimelineCompensation", "Compensation to date"),
        ("TimelineCap", "Cap"),
    ):
        assert _get(values, flavour, name) == pytest.approx(tl[column].tolist(), rel=1e-12), name
    # the months add up to the ledger's totals
    assert sum(_get(values, flavour, "TimelineGross")) == pytest.approx(_get(values, flavour, "TotalGross"))
    assert sum(_get(values, flavour, "TimelineCommission")) == pytest.approx(_get(values, flavour, "TotalCommission"))
    assert sum(_get(values, flavour, "TimelineShares")) == _get(values, flavour, "TotalShares")
    assert _get(values, flavour, "TimelineCompensation")[-1] == pytest.approx(
        _get(values, flavour, "TotalCompensation")
    )
    assert _get(values, flavour, "TimelineLeftOut") == 0


def test_timeline_chart_stacks_the_components_under_the_cap_line(built):
    import re
    import zipfile

    with zipfile.ZipFile(built["native"].path) as archive:
        xml = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    (chart,) = [x for x in xml if "against the cap" in x and "Retainer allocation" in x and "lineChart" in x]
    assert re.search(r'<(?:c:)?grouping val="stacked"', chart)
    assert re.search(r"<(?:c:)?dateAx>", chart)  # months on a date axis
    assert not re.search(r'<(?:c:)?smooth val="1"', chart)
    assert len(re.findall(r"<(?:c:)?title>", chart)) == 3  # the chart's and one per axis


def test_timeline_months_follow_a_later_first_placement(tmp_path):
    """A deal whose placements start in another year: the months start there and still add up."""
    import pandas as pd

    from workbook.generate import build

    rows = pd.DataFrame(
        {
            "Trade date": [dt.date(2024, 12, 30), dt.date(2025, 2, 3), dt.date(2025, 11, 28)],
            "Shares": [100_000, 50_000, 70_000],
            "Price": [5.0, 5.5, 6.25],
        }
    )
    b = build(tmp_path, "native", placements=rows)
    cells, names = cached_values(b.path), b.layout.names
    vals = {"v": (cells, names)}
    assert _get(vals, "v", "TimelineMonths")[0] == serial(dt.date(2024, 12, 1))
    assert _get(vals, "v", "TimelineMonths")[-1] == serial(dt.date(2025, 11, 1))
    gross = _get(vals, "v", "TimelineGross")
    assert gross[0] == 500_000 and gross[2] == 275_000 and gross[11] == 437_500
    assert np.isclose(sum(gross), _get(vals, "v", "TotalGross"))


def test_other_agreement_compensation_by_hand():
    # $8.4M at $4.04 [S-12; cover]: 2,079,207 shares, 207,920 warrants (10%), struck at 130% × 4.04 = 5.252 → 5.25
    c = other_agreement_compensation(8.4e6, 4.04, 0.04, 8.4e6, 0.10, 1.30, 5, 0.35, 0.04, 0.0, 60_000, 62_500, 0.08)
    assert (c["shares"], c["warrants"], c["strike"]) == (2_079_207, 207_920, 5.25)
    assert c["commission"] == 336_000  # the document's 4% of $8.4M
    assert c["total"] == pytest.approx(336_000 + 207_920 * c["value_each"] + 60_000 + 62_500)
    assert c["headroom"] == pytest.approx(0.08 * 8.4e6 - c["total"])
    none = other_agreement_compensation(0, 4.04, 0.04, 8.4e6, 0.10, 1.30, 5, 0.35, 0.04, 0.0, 60_000, 62_500, 0.08)
    assert none["total"] == 0 and none["headroom"] == 0


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_workbook_other_agreement_against_the_cap(values, flavour):
    c = other_agreement_compensation(
        T.other_gross,
        T.last_sale_price,
        T.other_rate,
        T.other_maximum,
        T.warrant_coverage,
        T.warrant_premium,
        T.warrant_term_years,
        T.volatility,
        T.risk_free_rate,
        T.dividend_yield,
        T.expense_reimbursement,
        T.retainer_allocation,
        T.compensation_cap,
    )
    for name, key in (
        ("WfOtherShares", "shares"),
        ("WfOtherWarrants", "warrants"),
        ("OtherWarrantStrike", "strike"),
        ("OtherWarrantValue", "value_each"),
        ("OtherCompensation", "total"),
        ("OtherCapAmount", "cap_amount"),
        ("OtherHeadroom", "headroom"),
        ("OutOtherHeadroom", "headroom"),
    ):
        assert close(_get(values, flavour, name), c[key], rel=1e-9), name


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_workbook_monthly_share_of_volume(values, flavour):
    # trading days: November 2001 has 22 weekdays less Thanksgiving (the 22nd); December 21 less Christmas;
    # January 2002 23 less New Year's Day and Martin Luther King Day (the 21st)
    days = [21, 20, 21]
    shares = [1_000_000, 800_000, 700_000]  # 400k + 600k; 800k; 700k
    got = _get(values, flavour, "TimelineVolumePct")[:3]
    assert got == pytest.approx([s / (T.average_daily_volume * d) for s, d in zip(shares, days, strict=True)])


def test_an_empty_programme_shows_no_errors_in_the_analyses(tmp_path):
    import pandas as pd

    from workbook.generate import build

    empty = pd.DataFrame({"Trade date": [], "Shares": [], "Price": []})
    b = build(tmp_path, "native", placements=empty)
    cells = cached_values(b.path)
    errors = {k: v for k, v in cells.items() if isinstance(v, str) and v.startswith("#") and k[0] != "Inputs"}
    assert errors == {}
    vals = {"v": (cells, b.layout.names)}
    assert _get(vals, "v", "TimelineMonths")[0] == serial(dt.date(T.last_sale_date.year, T.last_sale_date.month, 1))
    assert sum(_get(vals, "v", "TimelineGross")) == 0
    assert _get(vals, "v", "TierCommission") == [0, 0, 0]
    assert (
        _get(vals, "v", "FullyDilutedShares")
        == T.shares_outstanding
        + T.options_warrants_outstanding
        + int(T.other_gross // T.last_sale_price)
        + int(T.other_gross // T.last_sale_price) // 10
        + _get(vals, "v", "WfDebenture")
        + T.classb_shares
    )


def test_commission_by_tier_has_one_row_per_tier_of_a_custom_schedule(tmp_path):
    """Four tiers of a $40M programme: four rows, each as the model splits it, adding up to the total."""
    from workbook.generate import build

    schedule = model.Schedule.from_rows([[0, 5e6, 0.05], [5e6, 10e6, 0.04], [10e6, 20e6, 0.03], [20e6, 40e6, 0.02]])
    terms = T.replace(schedule=schedule)
    b = build(tmp_path, "native", terms)
    vals = {"v": (cached_values(b.path), b.layout.names)}
    gross = float(model.placements(PLACEMENTS, terms)["Gross"].sum())  # $17,705,000: into the third tier
    tiers = commission_by_tier(gross, schedule)
    # by hand: 5% of $5M, 4% of $5M, 3% of $7,705,000, nothing at 2%
    assert tiers["Commission"].tolist() == [250_000, 200_000, 231_150, 0]
    assert _get(vals, "v", "TierCommission") == tiers["Commission"].tolist()
    assert _get(vals, "v", "TierCommissionTotal") == _get(vals, "v", "TotalCommission") == 681_150


# -- the warrant schedule per placement and sales as days of volume -------------------------------------------------


def test_years_after_follows_excel_date():
    """DATE(YEAR(d)+n,MONTH(d),DAY(d)): a missing 29 February rolls to 1 March; a fraction of a year is dropped."""
    assert model.warrants.years_after(dt.date(2001, 11, 5), 5) == dt.date(2006, 11, 5)
    assert model.warrants.years_after(dt.date(2004, 2, 29), 1) == dt.date(2005, 3, 1)
    assert model.warrants.years_after(dt.date(2004, 2, 29), 4) == dt.date(2008, 2, 29)
    assert model.warrants.years_after(dt.date(2001, 11, 5), 1.5) == dt.date(2002, 11, 5)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_workbook_warrant_schedule_per_placement_follows_the_terms(values, flavour):
    """S-12: exercisable for five years, cashless from one year after issuance, not transferable for one year."""
    ledger = model.placements(PLACEMENTS, T)
    schedule = model.warrant_schedule(
        ledger["Trade date"],
        ledger["Warrant shares"],
        ledger["Warrant strike"],
        cashless_after_years=T.cashless_after_years,
        transfer_years=T.transfer_restriction_years,
        term_years=T.warrant_term_years,
    )
    first = PLACEMENTS["Trade date"].iloc[0]  # 2001-11-05, by hand from the document's terms
    assert schedule.iloc[0]["Cashless from"] == dt.date(2002, 11, 5)
    assert schedule.iloc[0]["Transferable from"] == dt.date(2002, 11, 5)
    assert schedule.iloc[0]["Expires"] == dt.date(2006, 11, 5) == dt.date(first.year + 5, first.month, first.day)
    for column, name in (
        ("Cashless from", "LedgerWarrantsCashless"),
        ("Transferable from", "LedgerWarrantsTransferable"),
        ("Expires", "LedgerWarrantsExpire"),
    ):
        got = _get(values, flavour, name)
        assert got[: len(schedule)] == [serial(d) for d in schedule[column]], (flavour, name)
        assert all(v == 0 for v in got[len(schedule) :]), (flavour, name)  # rows without a placement
    strikes = _get(values, flavour, "LedgerStrikes")[: len(schedule)]
    assert strikes == list(schedule["Strike"])


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_workbook_sales_in_days_of_average_volume(values, flavour):
    got = _get(values, flavour, "LedgerAdvDays")
    expected = [shares / T.average_daily_volume for shares in PLACEMENTS["Shares"]]
    assert np.allclose(got[: len(expected)], expected, rtol=1e-12)
    assert max(got) == _get(values, flavour, "LargestPlacementAdv")


def test_warrant_dates_move_with_the_terms(tmp_path):
    from workbook.generate import build

    terms = T.replace(warrant_term_years=3, cashless_after_years=2, transfer_restriction_years=2)
    b = build(tmp_path, "native", terms)
    vals = {"v": (cached_values(b.path), b.layout.names)}
    assert _get(vals, "v", "LedgerWarrantsExpire")[0] == serial(dt.date(2004, 11, 5))
    assert _get(vals, "v", "LedgerWarrantsCashless")[0] == serial(dt.date(2003, 11, 5))
    assert _get(vals, "v", "LedgerWarrantsTransferable")[0] == serial(dt.date(2003, 11, 5))
