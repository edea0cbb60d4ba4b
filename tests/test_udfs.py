"""The Excel functions as Excel calls them: 2-D ranges, serial dates, empty optional cells, spills.

Expected values are SPEC figures or hand-derived in the comments; dates and
serial numbers come from ``datetime`` and tests/reference.py (Excel's 1900
date system and WORKDAY), not from the code under test.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import prospectus
import pytest
from reference import excel_serial, workday

import model
import udfs
from model import CEOModelError, ErrorKind

FRI = dt.date(2001, 11, 2)
SAT = dt.date(2001, 11, 3)


def serial(day: dt.date) -> int:
    return excel_serial(day)


def test_every_excel_function_is_importable_under_its_lower_case_name():
    assert len(udfs.EXCEL_FUNCTIONS) == 29
    for name, fn in udfs.EXCEL_FUNCTIONS.items():
        assert name == name.upper()
        assert getattr(udfs, name.lower()) is fn
        assert name.lower() in udfs.__all__


def test_reference_serials_and_weekdays():
    # Guards for the date tests below: Excel shows 37197 as 2 November 2001 (a Friday).
    assert serial(FRI) == 37197
    assert serial(dt.date(1900, 3, 1)) == 61
    assert FRI.weekday() == 4 and SAT.weekday() == 5


# ---- ranges in, arrays of the same shape out ------------------------------------------------


@pytest.mark.parametrize(
    ("gross", "expected"),
    [
        ([[10_000_000], [20_000_000], [25_000_000]], [[400_000], [750_000], [900_000]]),  # a column
        ([[10_000_000, 20_000_000, 25_000_000]], [[400_000, 750_000, 900_000]]),  # a row
        ([[0, 10_000_000], [20_000_000, 25_000_000]], [[0, 400_000], [750_000, 900_000]]),  # a block
    ],
)
def test_ceo_fee_range_gives_array_of_same_shape(gross, expected):
    result = udfs.ceo_fee(gross)
    assert isinstance(result, np.ndarray)
    assert result.shape == np.shape(expected)
    assert result.tolist() == expected


def test_range_and_single_value_combine():
    # 1.30 × 4.04 = 5.252 → 5.25; 1.30 × 3.85 = 5.005 → 5.01; 1.30 × 4.00 = 5.20
    assert udfs.ceo_warrant_strike([[4.04, 3.85, 4.00]]).tolist() == [[5.25, 5.01, 5.20]]
    # premium given as a range against a single VWAP: 1.00 × 4.00, 1.30 × 4.00, 1.50 × 4.00
    assert udfs.ceo_warrant_strike(4.00, [[1.0], [1.3], [1.5]]).tolist() == [[4.0], [5.2], [6.0]]
    # 0 / (21,862,772 + 0) = 0 and 21,862,772 / 43,725,544 = 0.5
    assert udfs.dilution_pct([[0], [21_862_772]], 21_862_772).tolist() == [[0.0], [0.5]]


def test_fee_increment_over_ranges():
    # 9M then 2M: 40,000 + 35,000; 19M then 2M: 1M × 3.5% + 1M × 3% = 35,000 + 30,000
    result = udfs.ceo_fee_increment([[9_000_000], [19_000_000]], [[2_000_000], [2_000_000]])
    assert result.tolist() == [[75_000], [65_000]]


def test_marginal_rate_range():
    assert udfs.ceo_marginal_rate([[0, 10_000_000, 20_000_000]]).tolist() == [[0.04, 0.035, 0.03]]


def test_nasdaq_capacity_range():
    # 20% of 100 = 20 → 19; 20% of 101 = 20.2 → 20; 20% of 21,862,772 = 4,372,554.4 → 4,372,554
    assert udfs.nasdaq_20pct_capacity([[100], [101], [21_862_772]]).tolist() == [[19], [20], [4_372_554]]


# ---- empty optional arguments take their defaults ---------------------------------------------

EMPTY = [[None]]  # what xlwings passes for an empty cell given as an argument


@pytest.mark.parametrize(
    ("fn", "args", "expected"),
    [
        (udfs.ceo_fee, (25_000_000, EMPTY), 900_000),
        (udfs.ceo_fee_increment, (9_000_000, 2_000_000, EMPTY), 75_000),
        (udfs.ceo_marginal_rate, (10_000_000, EMPTY), 0.035),
        (udfs.ceo_effective_rate, (25_000_000, EMPTY), 0.036),  # 900,000 / 25,000,000
        (udfs.ceo_net_proceeds, (25_000_000, EMPTY), 24_100_000),
        (udfs.ceo_gross_for_net, (24_100_000, EMPTY), 25_000_000),
        (udfs.other_fee, (8_400_000, EMPTY, EMPTY), 336_000),
        (udfs.ceo_warrant_shares, (1_234_567, EMPTY), 123_456),
        (udfs.ceo_warrant_strike, (4.04, EMPTY), 5.25),
        (udfs.ceo_total_compensation, (25_000_000, 0, EMPTY, EMPTY, EMPTY), 1_022_500),  # 900k + 60k + 62.5k
        (udfs.ceo_compensation_headroom, (25_000_000, 0, EMPTY, EMPTY, EMPTY, EMPTY), 977_500),
        (udfs.classb_exercise_price, (5.00, EMPTY, EMPTY), 4.85),  # 97% × 5.00
        (udfs.nasdaq_20pct_capacity, (21_862_772, EMPTY), 4_372_554),
        (udfs.ceo_settlement_date, (serial(FRI), EMPTY), serial(dt.date(2001, 11, 7))),
        (udfs.debenture_conversion_price, ([[4.0]] * 5, EMPTY, 90), 4.8),  # 120% × 4.00
    ],
)
def test_empty_optional_arguments_take_defaults(fn, args, expected):
    assert fn(*args) == pytest.approx(expected, rel=1e-12)


def test_empty_dividend_yield_is_zero():
    # with q = 0 the value is Hull's 10.4506; an empty cell must not change it
    assert udfs.ceo_warrant_value(100, 100, 1, 0.2, 0.05, EMPTY) == udfs.ceo_warrant_value(100, 100, 1, 0.2, 0.05)
    assert round(udfs.ceo_warrant_value(100, 100, 1, 0.2, 0.05, EMPTY), 4) == 10.4506


def test_compensation_pct_with_empty_optionals():
    # (900,000 + 60,000 + 62,500) / 25,000,000 = 0.0409
    assert udfs.ceo_compensation_pct(25_000_000, 0, EMPTY, EMPTY, EMPTY) == pytest.approx(0.0409, rel=1e-12)


def test_given_optional_arguments_are_used():
    # expenses 0 and retainer 0: only the commission remains
    assert udfs.ceo_total_compensation(25_000_000, 0, 0, 0) == 900_000
    # a 5% flat rate on 1,000,000 with a 2,000,000 maximum
    assert udfs.other_fee(1_000_000, 0.05, 2_000_000) == 50_000
    # 20% cover of 1,000 shares
    assert udfs.ceo_warrant_shares(1_000, 0.2) == 200
    # cap 10%: 2,500,000 − 1,022,500
    assert udfs.ceo_compensation_headroom(25_000_000, 0, None, None, None, 0.10) == 1_477_500


# ---- schedules -------------------------------------------------------------------------------

HEADER = ["From", "To", "Rate", "Fee in tier", "Cumulative fee"]


@pytest.mark.parametrize("schedule", [None, EMPTY])
def test_fee_schedule_spills_header_and_prospectus_tiers(schedule):
    table = udfs.ceo_fee_schedule(schedule) if schedule is not None else udfs.ceo_fee_schedule()
    assert table[0] == HEADER
    assert table[1:] == [
        [0, 10_000_000, 0.04, 400_000, 400_000],  # 4% × 10M
        [10_000_000, 20_000_000, 0.035, 350_000, 750_000],  # 3.5% × 10M
        [20_000_000, 25_000_000, 0.03, 150_000, 900_000],  # 3% × 5M
    ]


def test_fee_schedule_with_custom_schedule_and_header_row():
    schedule = [["From", "To", "Rate"], [0, 1_000_000, 0.05], [1_000_000, 3_000_000, 0.02], [None, None, None]]
    table = udfs.ceo_fee_schedule(schedule)
    assert table == [
        HEADER,
        [0, 1_000_000, 0.05, 50_000, 50_000],  # 5% × 1M
        [1_000_000, 3_000_000, 0.02, 40_000, 90_000],  # 2% × 2M
    ]


def test_custom_schedule_drives_every_commission_function():
    schedule = [[0, 1_000_000, 0.05], [1_000_000, 3_000_000, 0.02]]
    assert udfs.ceo_fee(3_000_000, schedule) == 90_000  # 50,000 + 40,000
    assert udfs.ceo_fee(2_000_000, schedule) == 70_000  # 50,000 + 20,000
    assert udfs.ceo_net_proceeds(3_000_000, schedule) == 2_910_000
    assert udfs.ceo_marginal_rate(1_000_000, schedule) == 0.02
    assert udfs.ceo_effective_rate(3_000_000, schedule) == pytest.approx(0.03, rel=1e-12)
    assert udfs.ceo_fee_increment(500_000, 1_000_000, schedule) == 35_000  # 500k × 5% + 500k × 2%
    assert udfs.ceo_gross_for_net(2_910_000, schedule) == 3_000_000
    assert udfs.ceo_fee(3_000_000.01, schedule) == "#NUM!"  # the custom programme maximum
    assert udfs.ceo_total_compensation(3_000_000, 0, 0, 0, schedule) == 90_000


# ---- settlement dates --------------------------------------------------------------------------


def test_settlement_friday_is_following_wednesday():
    # S-11: third business day after the sale. Fri 2 Nov → Mon 5, Tue 6, Wed 7
    assert udfs.ceo_settlement_date(serial(FRI)) == serial(dt.date(2001, 11, 7))
    assert prospectus.settlement_date(FRI) == dt.date(2001, 11, 7)


@pytest.mark.parametrize(
    "trade",
    [
        dt.datetime(2001, 11, 2),  # classic xlwings passes date cells as datetimes
        dt.datetime(2001, 11, 2, 15, 30),  # a time of day does not move the date
        dt.date(2001, 11, 2),
        37197.65,  # a serial with a time fraction
        np.datetime64("2001-11-02"),
    ],
)
def test_settlement_accepts_serials_and_datetimes(trade):
    assert udfs.ceo_settlement_date(trade) == serial(dt.date(2001, 11, 7))


def test_settlement_from_a_saturday_is_the_following_wednesday():
    # Excel WORKDAY counts from the Saturday: Mon 5 (1), Tue 6 (2), Wed 7 (3)
    assert workday(SAT, 3) == dt.date(2001, 11, 7)
    assert udfs.ceo_settlement_date(serial(SAT)) == serial(dt.date(2001, 11, 7))


def test_holidays_shift_settlement():
    # a holiday on Tue 6 Nov: Mon 5 (1), Wed 7 (2), Thu 8 (3)
    holidays = [[serial(dt.date(2001, 11, 6))]]
    assert udfs.ceo_settlement_date(serial(FRI), holidays) == serial(dt.date(2001, 11, 8))
    # Thanksgiving, Thu 22 Nov 2001, trade on Wed 21: Fri 23 (1), Mon 26 (2), Tue 27 (3)
    thanksgiving = [[dt.datetime(2001, 11, 22)], [None], [None]]  # a holiday range with spare rows
    assert udfs.ceo_settlement_date(serial(dt.date(2001, 11, 21)), thanksgiving) == serial(dt.date(2001, 11, 27))
    # a trade on the holiday itself counts from the holiday: Fri 23, Mon 26, Tue 27
    assert udfs.ceo_settlement_date(serial(dt.date(2001, 11, 22)), thanksgiving) == serial(dt.date(2001, 11, 27))


def test_settlement_date_range_keeps_shape():
    trades = [[serial(FRI), serial(SAT)], [serial(dt.date(2001, 11, 5)), serial(dt.date(2001, 11, 8))]]
    expected = [
        [serial(dt.date(2001, 11, 7)), serial(dt.date(2001, 11, 7))],
        [serial(dt.date(2001, 11, 8)), serial(dt.date(2001, 11, 13))],  # Thu 8 → Fri 9, Mon 12, Tue 13
    ]
    result = udfs.ceo_settlement_date(trades)
    assert np.shape(result) == (2, 2)
    assert np.asarray(result).tolist() == expected


# ---- the placement ledger ------------------------------------------------------------------------

LEDGER_HEADER = [
    "Trade date",
    "Shares",
    "Price",
    "Gross",
    "Cumulative gross",
    "Commission",
    "Net",
    "Warrant shares",
    "Warrant strike",
    "Settlement date",
]


def _table(*rows):
    return [["Trade date", "Shares", "Price"], *[list(r) for r in rows]]


def test_placements_spills_header_and_rows():
    table = _table(
        [dt.datetime(2001, 11, 2), 1_000_000, 4.04],
        [serial(dt.date(2001, 11, 5)), 2_000_000, 4.00],  # a serial number is a date too
        [None, None, None],  # spare rows of the ledger range are skipped
    )
    out = udfs.ceo_placements(table)
    assert out[0] == LEDGER_HEADER
    assert len(out) == 3
    first = dict(zip(LEDGER_HEADER, out[1], strict=True))
    second = dict(zip(LEDGER_HEADER, out[2], strict=True))
    assert first == {
        "Trade date": serial(FRI),
        "Shares": 1_000_000,
        "Price": 4.04,
        "Gross": 4_040_000,  # 1,000,000 × 4.04
        "Cumulative gross": 4_040_000,
        "Commission": 161_600,  # 4% × 4,040,000
        "Net": 3_878_400,
        "Warrant shares": 100_000,  # 10% × 1,000,000
        "Warrant strike": 5.25,  # 130% × 4.04 = 5.252
        "Settlement date": serial(dt.date(2001, 11, 7)),
    }
    assert second == {
        "Trade date": serial(dt.date(2001, 11, 5)),
        "Shares": 2_000_000,
        "Price": 4.00,
        "Gross": 8_000_000,
        "Cumulative gross": 12_040_000,
        # fee(12,040,000) = 400,000 + 3.5% × 2,040,000 = 471,400; less 161,600 already paid
        "Commission": 309_800,
        "Net": 7_690_200,
        "Warrant shares": 200_000,
        "Warrant strike": 5.20,
        "Settlement date": serial(dt.date(2001, 11, 8)),  # Mon 5 → Tue 6, Wed 7, Thu 8
    }


def test_placements_with_custom_schedule():
    # 5% to 1M then 2%: 800,000 at 5% = 40,000; then 200,000 at 5% + 800,000 at 2% = 10,000 + 16,000
    schedule = [[0, 1_000_000, 0.05], [1_000_000, 3_000_000, 0.02]]
    out = udfs.ceo_placements(_table([FRI, 200_000, 4.00], [FRI, 250_000, 4.00]), schedule)
    commissions = [row[LEDGER_HEADER.index("Commission")] for row in out[1:]]
    assert commissions == [40_000, 26_000]


def test_placements_empty_ledger_spills_only_the_header():
    assert udfs.ceo_placements(_table([None, None, None])) == [LEDGER_HEADER]


def test_placements_refuses_passing_programme_maximum_naming_the_row(caplog):
    # 4,040,000 + 2,000,000 × 4.00 + 3,000,000 × 5.00 = 27,040,000 > 25,000,000 at the third placement,
    # which is row 4 of the range (row 1 is the header)
    table = _table([FRI, 1_000_000, 4.04], [FRI, 2_000_000, 4.00], [FRI, 3_000_000, 5.00])
    with caplog.at_level("WARNING", logger="ceo_model.udfs"):
        assert udfs.ceo_placements(table) == "#NUM!"
    assert "row 4" in caplog.text
    with pytest.raises(CEOModelError) as info:
        udfs.ceo_placements.__wrapped__(table)
    assert info.value.kind is ErrorKind.NUM
    assert info.value.position == (4, 2)
    assert str(info.value).startswith("table at row 4, column 2")


def test_placements_up_to_exactly_the_programme_maximum_is_accepted():
    # 5,000,000 × 5.00 = 25,000,000: exactly the maximum; commission 900,000 (SPEC §4)
    out = udfs.ceo_placements(_table([FRI, 5_000_000, 5.00]))
    row = dict(zip(LEDGER_HEADER, out[1], strict=True))
    assert row["Commission"] == 900_000
    assert row["Net"] == 24_100_000


# ---- debentures and Class B warrants [S-7] -----------------------------------------------------

ISSUE = [[4.0]] * 5  # five trading days at 4.00: initial price 120% × 4.00 = 4.80
# the 10 lowest of 30 bids are 2.50 and 3.50 five times each (average 3.00); the other 20 are 5.00
BIDS = [[2.5], [3.5]] * 5 + [[5.0]] * 20


def test_debenture_day_90_uses_initial_price_day_91_the_reset():
    assert udfs.debenture_conversion_price(ISSUE, BIDS, 90) == pytest.approx(4.80, abs=1e-12)
    # day 91: lesser of 4.80 and 101% × 3.00 = 3.03
    assert udfs.debenture_conversion_price(ISSUE, BIDS, 91) == pytest.approx(3.03, abs=1e-12)


def test_debenture_bids_in_any_order_and_layout():
    shuffled = [row[0] for row in BIDS][::-1]
    as_block = [shuffled[i : i + 5] for i in range(0, 30, 5)]  # 6 × 5 range of 30 bids
    assert udfs.debenture_conversion_price([[4.0, 4.0, 4.0, 4.0, 4.0]], as_block, 91) == pytest.approx(3.03, abs=1e-12)


def test_debenture_reset_never_raises_the_price():
    # 101% × 5.00 = 5.05 > 4.80: the initial price stays
    assert udfs.debenture_conversion_price(ISSUE, [[5.0]] * 30, 91) == pytest.approx(4.80, abs=1e-12)


def test_debenture_days_as_range_and_bids_not_needed_before_day_91():
    result = udfs.debenture_conversion_price(ISSUE, BIDS, [[0, 90, 91, 365]])
    assert np.asarray(result) == pytest.approx(np.array([[4.80, 4.80, 3.03, 3.03]]), abs=1e-12)
    assert udfs.debenture_conversion_price(ISSUE, None, 90) == pytest.approx(4.80, abs=1e-12)
    # 4.0, 4.1, 4.2, 4.3, 4.4 average 4.2; 120% × 4.2 = 5.04
    assert udfs.debenture_conversion_price([[4.0], [4.1], [4.2], [4.3], [4.4]], None, 30) == pytest.approx(5.04)


def test_debenture_conversion_shares():
    # 8,000,000 / 4.80 = 1,666,666.67 → 1,666,666; 1,000,000 / 3.03 = 330,033.0033 → 330,033
    assert udfs.debenture_conversion_shares(8_000_000, 4.80) == 1_666_666
    assert udfs.debenture_conversion_shares(1_000_000, 3.03) == 330_033
    # 1,000,000 / 4.00 = 250,000 exactly
    assert udfs.debenture_conversion_shares([[1_000_000], [0]], 4.00).tolist() == [[250_000], [0]]


@pytest.mark.parametrize(
    ("bid", "market", "expected"),
    [
        (5.00, None, 4.85),  # exactly 5.00 is not below 5.00: 97% × 5.00
        (4.99, None, 4.7405),  # below 5.00: 95% × 4.99
        (6.00, None, 5.82),  # 97% × 6.00
        (40.00, None, 33.75),  # 97% × 40 = 38.80, capped at 33.75
        (34.79, None, 33.7463),  # 97% × 34.79 = 33.7463, under the cap
        (34.80, None, 33.75),  # 97% × 34.80 = 33.756 → cap
        (6.00, 4.00, 5.70),  # market price below 5.00 decides 95%: 95% × 6.00
        (4.00, 5.00, 3.88),  # market price 5.00 decides 97%: 97% × 4.00
    ],
)
@pytest.mark.parametrize("fn", [prospectus.classb_exercise_price, udfs.classb_exercise_price], ids=["model", "udf"])
def test_classb_exercise_price(fn, bid, market, expected):
    assert fn(bid, market) == pytest.approx(expected, abs=1e-12)


def test_classb_adjusted_cap():
    # a cap adjusted to 67.50 no longer binds: 97% × 40.00 = 38.80
    assert udfs.classb_exercise_price(40.00, None, 67.50) == pytest.approx(38.80, abs=1e-12)
    assert udfs.classb_exercise_price([[4.99, 5.00, 40.0]]) == pytest.approx(np.array([[4.7405, 4.85, 33.75]]))


# ---- cashless exercise, warrant value, VWAP ----------------------------------------------------


@pytest.mark.parametrize(
    ("n", "k", "p", "expected"),
    [
        (100_000, 5.25, 7.00, 25_000),  # 100,000 × 1.75 / 7 = 25,000
        (1_000, 1.00, 3.00, 666),  # 1,000 × 2 / 3 = 666.67 → 666
        (100_000, 5.25, 5.25, 0),  # P = K
        (100_000, 5.25, 4.00, 0),  # P < K: nothing, never negative
        (0, 5.25, 7.00, 0),
    ],
)
def test_cashless_shares(n, k, p, expected):
    assert udfs.ceo_cashless_shares(n, k, p) == expected
    assert model.cashless_shares(n, k, p) == expected


def test_warrant_value_textbook_case_and_put_call_parity():
    # Hull, Options, Futures and Other Derivatives, Example 15.6 style: S = K = 100, T = 1, σ = 20%, r = 5%
    call = udfs.ceo_warrant_value(100, 100, 1, 0.2, 0.05)
    assert round(call, 4) == 10.4506
    # parity: p = c − S + K·e^(−rT) = 10.4506 − 100 + 95.1229 = 5.5735 (Hull's put value)
    put = call - 100 + 100 * math.exp(-0.05)
    assert round(put, 4) == 5.5735
    # with a dividend yield the call is worth less; deep in the money it tends to S·e^(−qT) − K·e^(−rT)
    assert udfs.ceo_warrant_value(100, 100, 1, 0.2, 0.05, 0.03) < call
    deep = udfs.ceo_warrant_value(1_000, 100, 1, 0.2, 0.05, 0.03)
    assert deep == pytest.approx(1_000 * math.exp(-0.03) - 100 * math.exp(-0.05), rel=1e-9)


def test_warrant_value_range():
    values = udfs.ceo_warrant_value([[90], [100], [110]], 100, 1, 0.2, 0.05)
    assert values.shape == (3, 1)
    assert values[0, 0] < values[1, 0] < values[2, 0]  # a call rises with the share price
    assert round(float(values[1, 0]), 4) == 10.4506


def test_vwap_skips_rows_empty_in_both_columns():
    # (100,000 × 4.00 + 300,000 × 4.20) / 400,000 = (400,000 + 1,260,000) / 400,000 = 4.15
    shares = [[100_000], [None], [300_000], [None]]
    prices = [[4.00], [None], [4.20], [None]]
    assert udfs.ceo_vwap(shares, prices) == pytest.approx(4.15, rel=1e-12)
    assert udfs.ceo_vwap([[100_000, 300_000]], [[4.00, 4.20]]) == pytest.approx(4.15, rel=1e-12)


@pytest.mark.parametrize(
    ("shares", "prices", "argument", "position"),
    [
        ([[100_000], [None], [300_000]], [[4.00], [4.10], [4.20]], "shares", (2, 1)),
        ([[100_000], [200_000], [300_000]], [[4.00], [None], [4.20]], "prices", (2, 1)),
    ],
)
def test_vwap_errors_when_only_one_column_is_empty(shares, prices, argument, position):
    with pytest.raises(CEOModelError) as info:
        udfs.ceo_vwap(shares, prices)
    assert info.value.kind is ErrorKind.VALUE
    assert info.value.argument == argument
    assert info.value.position == position


def test_vwap_feeds_warrant_strike():
    # 130% × 4.15 = 5.395 → 5.40 (half up)
    vwap = udfs.ceo_vwap([[100_000], [300_000]], [[4.00], [4.20]])
    assert udfs.ceo_warrant_strike(vwap) == 5.40


def test_t_plus_0_settles_on_the_trade_date_even_on_a_weekend():
    """Excel: WORKDAY(start, 0) is the start date itself, whatever day it is (found by the random-deal test:
    a T+0 trade on a Saturday rolled back to Friday in the udf flavour while WORKDAY kept the Saturday)."""
    saturday = 37198.0  # Saturday 3 November 2001
    assert udfs.ceo_settlement_date(saturday, None, 0) == saturday
    assert udfs.ceo_settlement_date(saturday, None, 1) == saturday + 2  # Monday 5 November
