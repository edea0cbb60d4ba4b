"""SPEC §4 acceptance figures, tier boundaries and Excel ROUND cases.

Every expected number is either quoted from SPEC §4 / the prospectus
supplement (reference/002_43b72320e1a6549c.txt, page in brackets) or
derived by hand in the comment next to it — never read back from the model.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import prospectus
import pytest
from reference import excel_round, excel_rounddown, excel_roundup, excel_value

import model
import udfs
from model import CEOModelError, ErrorKind

CAP = 25_000_000  # programme maximum [cover]


def cents(x: float) -> int:
    """A money amount in whole cents (exact comparison to the cent)."""
    return round(x * 100)


# --------------------------------------------------------------------------
# SPEC §4, through both the model and the Excel functions
# --------------------------------------------------------------------------

FEE_FIGURES = [
    (25_000_000, 900_000),  # S-12 table: "Underwriting fees ... $900,000"
    (10_000_000, 400_000),  # 4.00% × 10M
    (20_000_000, 750_000),  # 400,000 + 3.50% × 10M = 400,000 + 350,000
]


@pytest.mark.parametrize(("gross", "expected"), FEE_FIGURES)
@pytest.mark.parametrize("fn", [prospectus.fee, udfs.ceo_fee], ids=["model", "udf"])
def test_fee_figures(fn, gross, expected):
    assert fn(gross) == expected


@pytest.mark.parametrize("fn", [prospectus.net_proceeds, udfs.ceo_net_proceeds], ids=["model", "udf"])
def test_net_proceeds_at_programme_maximum(fn):
    # 25,000,000 − 900,000
    assert fn(25_000_000) == 24_100_000


@pytest.mark.parametrize("fn", [prospectus.other_fee, udfs.other_fee], ids=["model", "udf"])
def test_other_agreement_fee(fn):
    # S-12: "compensation of 4% of the gross proceeds", up to $8.4 million: 0.04 × 8,400,000
    assert fn(8_400_000) == 336_000


def test_retainer_allocation_is_half_of_retainer_plus_deposit():
    # S-12: "$75,000 annual retainer and $50,000 ... $62,500 or one-half of such aggregate amount"
    terms = model.PROSPECTUS
    assert terms.advisory_retainer == 75_000
    assert terms.advisory_deposit == 50_000
    assert terms.retainer_allocation == 62_500 == (75_000 + 50_000) / 2


@pytest.mark.parametrize("fn", [prospectus.total_compensation, udfs.ceo_total_compensation], ids=["model", "udf"])
def test_total_compensation_uses_the_documented_defaults(fn):
    # 900,000 commission + 60,000 expenses [S-12] + 62,500 retainer allocation [S-12] + 0 warrants
    assert fn(25_000_000, 0) == 1_022_500


@pytest.mark.parametrize("fn", [prospectus.compensation_headroom, udfs.ceo_compensation_headroom], ids=["model", "udf"])
def test_compensation_headroom_at_programme_maximum(fn):
    # 8% × 25,000,000 = 2,000,000; 2,000,000 − 1,022,500 = 977,500
    assert fn(25_000_000, 0) == 977_500
    # warrants worth 1,000,000 more: 977,500 − 1,000,000 = −22,500 (a breach is negative)
    assert fn(25_000_000, 1_000_000) == -22_500


@pytest.mark.parametrize("fn", [prospectus.compensation_pct, udfs.ceo_compensation_pct], ids=["model", "udf"])
def test_compensation_pct(fn):
    # 1,022,500 / 25,000,000 = 0.0409
    assert fn(25_000_000, 0) == pytest.approx(0.0409, rel=1e-12)


@pytest.mark.parametrize("fn", [model.dilution_pct, udfs.dilution_pct], ids=["model", "udf"])
def test_dilution_pct(fn):
    value = fn(8_593_877, 21_862_772)
    # 8,593,877 / (21,862,772 + 8,593,877) = 8,593,877 / 30,456,649
    assert value == pytest.approx(float(Fraction(8_593_877, 30_456_649)), rel=1e-12)
    assert excel_round(value, 4) == Decimal("0.2822")  # S-9: "approximately 28%"


@pytest.mark.parametrize("fn", [model.ownership_pct, udfs.ownership_pct], ids=["model", "udf"])
def test_ownership_pct(fn):
    value = fn(579_098, 4_498_145, 21_862_772)
    # (579,098 + 4,498,145) / (21,862,772 + 4,498,145) = 5,077,243 / 26,360,917
    assert value == pytest.approx(float(Fraction(5_077_243, 26_360_917)), rel=1e-12)
    assert excel_round(value, 4) == Decimal("0.1926")  # S-10: "19.3%"


@pytest.mark.parametrize("fn", [prospectus.nasdaq_20pct_capacity, udfs.nasdaq_20pct_capacity], ids=["model", "udf"])
def test_nasdaq_20pct_capacity(fn):
    # 20% × 21,862,772 = 4,372,554.4; the largest whole number strictly below it is 4,372,554
    assert fn(21_862_772) == 4_372_554
    # 20% × 100 = 20 exactly: 20 would *be* 20%, so 19 is the most
    assert fn(100) == 19
    # 4,372,554 − 4,000,000 already issued = 372,554; never negative
    assert fn(21_862_772, 4_000_000) == 372_554
    assert fn(21_862_772, 5_000_000) == 0


@pytest.mark.parametrize("fn", [prospectus.warrant_strike, udfs.ceo_warrant_strike], ids=["model", "udf"])
def test_warrant_strike_at_last_sale_price(fn):
    # S-11: 130% of VWAP; 1.30 × 4.04 = 5.252 → 5.25
    assert fn(4.04) == 5.25


@pytest.mark.parametrize("fn", [prospectus.warrant_shares, udfs.ceo_warrant_shares], ids=["model", "udf"])
def test_warrant_shares_round_down(fn):
    # S-11: 10% of shares sold; 10% × 1,234,567 = 123,456.7 → 123,456
    assert fn(1_234_567) == 123_456
    # 10% × 1,234,560 = 123,456 exactly (binary 0.1 × 1,234,560 is 123,455.99999999999)
    assert fn(1_234_560) == 123_456


@pytest.mark.parametrize("fn", [model.runway_months, udfs.runway_months], ids=["model", "udf"])
def test_runway(fn):
    # S-4: about $2.3 million a month; 23,000,000 / 2,300,000 = 10
    assert fn(23_000_000, 2_300_000) == 10


# --------------------------------------------------------------------------
# Tier boundaries: just below, at, just above 10M, 20M, 25M
# --------------------------------------------------------------------------

FEE_AT = [
    (0, "0.00"),
    (9_999_999, "399999.96"),  # 0.04 × 9,999,999 = 399,999.96
    (9_999_999.99, "400000.00"),  # 0.04 × 9,999,999.99 = 399,999.9996 → 400,000.00
    (10_000_000, "400000.00"),
    (10_000_001, "400000.04"),  # 400,000 + 0.035 × 1 = 400,000.035 → half up 400,000.04
    (19_999_999, "749999.97"),  # 400,000 + 0.035 × 9,999,999 = 749,999.965 → half up 749,999.97
    (20_000_000, "750000.00"),
    (20_000_001, "750000.03"),  # 750,000 + 0.03 × 1
    (24_999_999, "899999.97"),  # 750,000 + 0.03 × 4,999,999 = 750,000 + 149,999.97
    (25_000_000, "900000.00"),
]


@pytest.mark.parametrize(("gross", "expected"), FEE_AT)
@pytest.mark.parametrize("fn", [prospectus.fee, udfs.ceo_fee], ids=["model", "udf"])
def test_fee_at_tier_boundaries(fn, gross, expected):
    assert cents(fn(gross)) == int(Decimal(expected) * 100)


@pytest.mark.parametrize("gross", [25_000_000.01, 25_000_001, 30_000_000])
def test_fee_above_programme_maximum_is_a_num_error(gross):
    with pytest.raises(CEOModelError) as info:
        prospectus.fee(gross)
    assert info.value.kind is ErrorKind.NUM
    assert "gross" in str(info.value)
    assert udfs.ceo_fee(gross) == "#NUM!"


MARGINAL_AT = [
    (0, 0.04),
    (9_999_999.99, 0.04),
    (10_000_000, 0.035),  # at the boundary: the upper tier's rate
    (10_000_000.01, 0.035),
    (19_999_999.99, 0.035),
    (20_000_000, 0.03),
    (20_000_000.01, 0.03),
    (24_999_999.99, 0.03),
]


@pytest.mark.parametrize(("gross", "expected"), MARGINAL_AT)
@pytest.mark.parametrize("fn", [prospectus.marginal_rate, udfs.ceo_marginal_rate], ids=["model", "udf"])
def test_marginal_rate_at_tier_boundaries(fn, gross, expected):
    assert fn(gross) == expected


@pytest.mark.parametrize("gross", [25_000_000, 25_000_000.01])
def test_marginal_rate_at_programme_maximum_is_a_num_error(gross):
    # SPEC §3: "at the programme maximum there is no next dollar: error"
    with pytest.raises(CEOModelError) as info:
        prospectus.marginal_rate(gross)
    assert info.value.kind is ErrorKind.NUM
    assert "gross" in str(info.value)
    assert udfs.ceo_marginal_rate(gross) == "#NUM!"


EFFECTIVE_AT = [
    (9_999_999, Fraction(39_999_996, 100) / 9_999_999),  # 399,999.96 / 9,999,999
    (10_000_000, Fraction(4, 100)),
    (10_000_001, Fraction(40_000_004, 100) / 10_000_001),  # 400,000.04 / 10,000,001
    (20_000_000, Fraction(750_000, 20_000_000)),  # 0.0375
    (20_000_001, Fraction(75_000_003, 100) / 20_000_001),
    (25_000_000, Fraction(900_000, 25_000_000)),  # 0.036
]


@pytest.mark.parametrize(("gross", "expected"), EFFECTIVE_AT)
@pytest.mark.parametrize("fn", [prospectus.effective_rate, udfs.ceo_effective_rate], ids=["model", "udf"])
def test_effective_rate_at_tier_boundaries(fn, gross, expected):
    assert fn(gross) == pytest.approx(float(expected), rel=1e-12)


@pytest.mark.parametrize("gross", [0, 25_000_000.01])
def test_effective_rate_outside_its_domain(gross):
    # gross > 0 is required; above the programme maximum is out of the domain
    with pytest.raises(CEOModelError) as info:
        prospectus.effective_rate(gross)
    assert info.value.kind is ErrorKind.NUM
    assert udfs.ceo_effective_rate(gross) == "#NUM!"


INCREMENTS = [
    (9_000_000, 2_000_000, "75000"),  # 1M × 4% + 1M × 3.5% = 40,000 + 35,000
    (5_000_000, 20_000_000, "700000"),  # 5M × 4% + 10M × 3.5% + 5M × 3% = 200k + 350k + 150k
    (0, 25_000_000, "900000"),
    (9_999_999, 2, "0.08"),  # fee(10,000,001) − fee(9,999,999) = 400,000.04 − 399,999.96
    (19_999_999, 2, "0.06"),  # 750,000.03 − 749,999.97
    (10_000_000, 10_000_000, "350000"),  # exactly the middle tier
    (24_000_000, 1_000_000, "30000"),  # last 1M at 3%
    (25_000_000, 0, "0"),
]


@pytest.mark.parametrize(("prior", "placement", "expected"), INCREMENTS)
@pytest.mark.parametrize("fn", [prospectus.fee_increment, udfs.ceo_fee_increment], ids=["model", "udf"])
def test_fee_increment_across_tiers(fn, prior, placement, expected):
    assert cents(fn(prior, placement)) == int(Decimal(expected) * 100)


def test_fee_increment_past_the_programme_maximum_is_a_num_error():
    # 24,000,000 + 1,000,000.01 = 25,000,000.01 > 25,000,000
    with pytest.raises(CEOModelError) as info:
        prospectus.fee_increment(24_000_000, 1_000_000.01)
    assert info.value.kind is ErrorKind.NUM
    assert "placement_gross" in str(info.value)
    assert udfs.ceo_fee_increment(24_000_000, 1_000_000.01) == "#NUM!"


GROSS_FOR_NET = [
    (0, 0),
    (9_600_000, 10_000_000),  # 10M − 400,000
    (19_250_000, 20_000_000),  # 20M − 750,000
    (24_100_000, 25_000_000),  # 25M − 900,000
    (4_800_000, 5_000_000),  # 5M × 0.96
    # net(10,000,001.00) = 10,000,001 − 400,000.04 = 9,600,000.96 < target; one cent more:
    # net(10,000,001.01) = 10,000,001.01 − 400,000.04 (0.035 × 1.01 = 0.03535 → 0.04) = 9,600,000.97
    (9_600_000.97, 10_000_001.01),
]


@pytest.mark.parametrize(("net", "expected"), GROSS_FOR_NET)
@pytest.mark.parametrize("fn", [prospectus.gross_for_net, udfs.ceo_gross_for_net], ids=["model", "udf"])
def test_gross_for_net(fn, net, expected):
    assert cents(fn(net)) == cents(expected)


def test_gross_for_net_above_the_programme_net_is_a_num_error():
    with pytest.raises(CEOModelError) as info:
        prospectus.gross_for_net(24_100_000.01)
    assert info.value.kind is ErrorKind.NUM
    assert "net" in str(info.value)
    assert udfs.ceo_gross_for_net(24_100_000.01) == "#NUM!"


# --------------------------------------------------------------------------
# Excel ROUND / ROUNDDOWN / ROUNDUP
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [prospectus.warrant_strike, udfs.ceo_warrant_strike], ids=["model", "udf"])
def test_warrant_strike_rounds_the_decimal_half_up(fn):
    # 1.30 × 3.85 = 5.005 exactly; the binary product is just below it, so Python's
    # round() gives 5.00 — Excel's ROUND gives 5.01
    assert round(1.30 * 3.85, 2) == 5.0
    assert fn(3.85) == 5.01
    # 1.30 × 3.95 = 5.135 → 5.14; 1.30 × 1.05 = 1.365 → 1.37
    assert fn(3.95) == 5.14
    assert fn(1.05) == 1.37


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (1.005, 2, 1.01),  # binary 1.00499999999999989...
        (2.675, 2, 2.68),  # binary 2.67499999999999982...
        (0.5, 0, 1.0),
        (1.5, 0, 2.0),
        (2.5, 0, 3.0),  # not banker's rounding
        (-0.5, 0, -1.0),  # halves away from zero
        (-2.5, 0, -3.0),
        (-1.005, 2, -1.01),
        (-2.675, 2, -2.68),
        (1234.5, -1, 1230.0),  # 1234.5 → 1,230 at tens
        (1235, -1, 1240.0),  # 1,235 → 1,240
        (0.125, 2, 0.13),
        (1.30 * 3.85, 2, 5.01),
    ],
)
def test_round_half_up_cases(x, digits, expected):
    assert float(model.round_half_up(x, digits)) == expected
    # the decimal reference on the 15 significant digits Excel shows agrees with the hand value
    assert float(excel_round(excel_value(x), digits)) == expected


@pytest.mark.parametrize(
    ("x", "digits", "down", "up"),
    [
        (0.1 * 1_234_560, 0, 123_456.0, 123_456.0),  # exactly 123,456 in decimal
        (0.2 * 21_862_772, 0, 4_372_554.0, 4_372_555.0),  # 4,372,554.4
        (2.5, 0, 2.0, 3.0),
        (-2.5, 0, -2.0, -3.0),  # towards / away from zero
        (3.14159, 3, 3.141, 3.142),
        (-3.14159, 3, -3.141, -3.142),
        (0.07 * 100, 0, 7.0, 7.0),  # binary 7.000000000000001
        (1.1 * 1.1, 2, 1.21, 1.21),  # binary 1.2100000000000002
    ],
)
def test_round_down_and_up_cases(x, digits, down, up):
    assert float(model.round_down(x, digits)) == down
    assert float(model.round_up(x, digits)) == up
    # the decimal reference on the 15 significant digits Excel shows agrees with the hand values
    assert float(excel_rounddown(excel_value(x), digits)) == down
    assert float(excel_roundup(excel_value(x), digits)) == up


def test_reference_rounding_matches_the_hand_cases():
    # Guards the reference itself (used by the property tests).
    assert excel_round("2.675", 2) == Decimal("2.68")
    assert excel_round("-2.5", 0) == Decimal("-3")
    assert excel_rounddown("-2.5", 0) == Decimal("-2")
    assert excel_roundup("2.01", 0) == Decimal("3")
