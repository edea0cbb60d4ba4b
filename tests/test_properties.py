"""Property-based tests of the domain model (hypothesis).

Expected values come from ``tests/reference.py`` — exact decimal arithmetic
written from SPEC.md — or from mathematical properties the SPEC implies
(continuity, monotonicity, concavity for falling rates, inverse functions,
ledger additivity).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import prospectus
import pytest
import reference as ref
from conftest import EXAMPLE_SCALE
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import model
from model import Schedule

CAP = 25_000_000
CAP_CENTS = CAP * 100
MAX_RATE, MIN_RATE = 0.04, 0.03  # SPEC §2 tier rates

# Modest example counts keep this file fast; the ci profile runs twice as many, CEO_HYPOTHESIS_SCALE=20 twenty times.
SCALE = EXAMPLE_SCALE


def examples(n: int) -> settings:
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None, suppress_health_check=[HealthCheck.too_slow])


FAST = examples(60)


def cents(x: float) -> int:
    return round(float(x) * 100)


def dec_cents(x: Decimal) -> int:
    return int(x * 100)


# ---- strategies ------------------------------------------------------------

gross_cents = st.integers(min_value=0, max_value=CAP_CENTS)
gross_any = st.floats(min_value=0, max_value=CAP, allow_nan=False)


@st.composite
def excel_decimals(draw) -> Decimal:
    """Decimals with at most 12 significant digits and 0–4 decimals, either sign."""
    places = draw(st.integers(0, 4))
    mantissa = draw(st.integers(-(10**12) + 1, 10**12 - 1))
    return Decimal(mantissa).scaleb(-places)


@st.composite
def schedules(draw):
    """Random valid schedules: 1–5 contiguous tiers from 0, widths in whole cents, rates in [0, 1]
    with up to 4 decimals (as a user types them)."""
    n = draw(st.integers(1, 5))
    widths = draw(st.lists(st.integers(1, 10**9), min_size=n, max_size=n))
    rates = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n))
    bounds = [0]
    for w in widths:
        bounds.append(bounds[-1] + w)
    rows = [[bounds[i] / 100, bounds[i + 1] / 100, rates[i] / 10_000] for i in range(n)]
    ref_rows = [(Decimal(bounds[i]) / 100, Decimal(bounds[i + 1]) / 100, Decimal(rates[i]) / 10_000) for i in range(n)]
    return rows, tuple(ref_rows), bounds[-1]


# ---- Excel rounding vs decimal.Decimal -------------------------------------------


@examples(300)
@given(excel_decimals(), st.integers(-2, 4))
def test_round_half_up_is_excel_round(x, digits):
    assert float(model.round_half_up(float(x), digits)) == float(ref.excel_round(float(x), digits))


@examples(300)
@given(excel_decimals(), st.integers(-2, 4))
def test_round_down_is_excel_rounddown(x, digits):
    assert float(model.round_down(float(x), digits)) == float(ref.excel_rounddown(float(x), digits))


@examples(300)
@given(excel_decimals(), st.integers(-2, 4))
def test_round_up_is_excel_roundup(x, digits):
    assert float(model.round_up(float(x), digits)) == float(ref.excel_roundup(float(x), digits))


@st.composite
def short_decimals(draw) -> Decimal:
    """Positive or negative decimals with at most 6 significant digits and 0–4 decimals."""
    return Decimal(draw(st.integers(-999_999, 999_999))).scaleb(-draw(st.integers(0, 4)))


@examples(300)
@given(short_decimals(), short_decimals(), st.integers(0, 4))
def test_rounding_a_binary_product_rounds_the_decimal_product(a, b, digits):
    # ROUND(a*b, digits) in Excel rounds the decimal product even when the double is a hair off it
    product = float(a) * float(b)
    exact = a * b
    assert float(model.round_half_up(product, digits)) == float(ref.excel_round(exact, digits))
    assert float(model.round_down(product, digits)) == float(ref.excel_rounddown(exact, digits))
    assert float(model.round_up(product, digits)) == float(ref.excel_roundup(exact, digits))


@FAST
@given(st.integers(1, 10**7))
def test_warrant_strike_is_the_exact_decimal_product_rounded_half_up(price_ten_thousandths):
    # SPEC: 130% of VWAP rounded to the cent, half up — on the decimal product, not the binary one.
    vwap = Decimal(price_ten_thousandths).scaleb(-4)
    expected = ref.excel_round(Decimal("1.30") * vwap, 2)
    assert prospectus.warrant_strike(float(vwap)) == float(expected)


@FAST
@given(st.integers(0, 10**10))
def test_warrant_shares_is_the_exact_tenth_rounded_down(shares):
    assert prospectus.warrant_shares(shares) == float(ref.excel_rounddown(Decimal("0.10") * shares, 0))


# ---- the prospectus fee ------------------------------------------------------------


@FAST
@given(gross_cents)
def test_fee_matches_reference(g):
    gross = Decimal(g) / 100
    assert cents(prospectus.fee(float(gross))) == dec_cents(ref.fee(gross))
    assert cents(prospectus.net_proceeds(float(gross))) == dec_cents(ref.net(gross))


@FAST
@given(gross_any, st.floats(min_value=0, max_value=5_000_000, allow_nan=False))
def test_fee_is_continuous_and_non_decreasing(g, eps):
    assume(g + eps <= CAP)
    low, high = prospectus.fee(g), prospectus.fee(g + eps)
    assert high >= low
    assert high - low <= MAX_RATE * eps + 0.01


@FAST
@given(gross_any, gross_any)
def test_fee_is_concave_for_falling_rates(a, b):
    mid = (a + b) / 2
    assert prospectus.fee(mid) >= (prospectus.fee(a) + prospectus.fee(b)) / 2 - 0.01


@FAST
@given(gross_cents, gross_cents)
def test_fee_of_sum_is_fee_plus_increment_to_the_cent(a, b):
    assume(a + b <= CAP_CENTS)
    prior, placement = a / 100, b / 100
    total = (a + b) / 100
    assert cents(prospectus.fee(total)) == cents(prospectus.fee(prior)) + cents(
        prospectus.fee_increment(prior, placement)
    )


@FAST
@given(gross_cents, gross_cents)
def test_fee_increment_matches_reference(a, b):
    assume(a + b <= CAP_CENTS)
    expected = ref.fee(Decimal(a + b) / 100) - ref.fee(Decimal(a) / 100)
    assert cents(prospectus.fee_increment(a / 100, b / 100)) == dec_cents(expected)


@FAST
@given(st.integers(0, 2_410_000_000))
def test_gross_for_net_inverts_net_proceeds(n_cents):
    target = n_cents / 100
    g = prospectus.gross_for_net(target)
    assert cents(g) / 100 == g, "a whole number of cents"
    assert cents(prospectus.net_proceeds(g)) >= n_cents
    if g > 0:
        assert cents(prospectus.net_proceeds((cents(g) - 1) / 100)) < n_cents
    assert cents(g) == dec_cents(ref.gross_for_net(Decimal(n_cents) / 100))


@FAST
@given(st.floats(min_value=1.0, max_value=CAP, allow_nan=False))
def test_effective_rate_between_tier_rates(g):
    # the fee is rounded to the cent, which moves fee / gross by at most 0.005 / gross
    slack = 0.005 / g + 1e-15
    assert MIN_RATE - slack <= prospectus.effective_rate(g) <= MAX_RATE + slack


@FAST
@given(st.floats(min_value=0, max_value=CAP, exclude_max=True, allow_nan=False))
def test_marginal_rate_is_the_rate_of_the_tier_containing_the_next_dollar(g):
    expected = 0.04 if g < 10_000_000 else 0.035 if g < 20_000_000 else 0.03
    assert prospectus.marginal_rate(g) == expected


# ---- random schedules through Schedule.from_rows ------------------------------------


@FAST
@given(schedules(), st.floats(0, 1))
def test_fee_matches_reference_on_random_schedules(sched, where):
    rows, tiers, top_cents = sched
    schedule = Schedule.from_rows(rows)
    assert schedule.maximum == top_cents / 100
    g_cents = round(where * top_cents)
    gross = Decimal(g_cents) / 100
    assert cents(prospectus.fee(float(gross), schedule)) == dec_cents(ref.fee(gross, tiers))
    assert cents(prospectus.net_proceeds(float(gross), schedule)) == dec_cents(ref.net(gross, tiers))


@examples(30)
@given(schedules(), st.floats(0, 1))
def test_gross_for_net_matches_reference_on_random_schedules(sched, where):
    rows, tiers, top_cents = sched
    schedule = Schedule.from_rows(rows)
    top_net = ref.net(Decimal(top_cents) / 100, tiers)
    target = (top_net * Decimal(str(where))).quantize(ref.CENT)
    g = prospectus.gross_for_net(float(target), schedule)
    assert cents(g) == dec_cents(ref.gross_for_net(target, tiers))


@FAST
@given(schedules(), st.floats(0, 1))
def test_marginal_rate_on_random_schedules(sched, where):
    rows, tiers, top_cents = sched
    schedule = Schedule.from_rows(rows)
    g_cents = min(round(where * top_cents), top_cents - 1)
    gross = Decimal(g_cents) / 100
    expected = next(rate for start, end, rate in tiers if start <= gross < end)
    assert prospectus.marginal_rate(float(gross), schedule) == float(expected)


# ---- vectorised = element-wise -------------------------------------------------------

VECTOR_CASES = {
    "fee": (prospectus.fee, [st.floats(0, CAP)]),
    "net_proceeds": (prospectus.net_proceeds, [st.floats(0, CAP)]),
    "effective_rate": (prospectus.effective_rate, [st.floats(0.01, CAP)]),
    "marginal_rate": (prospectus.marginal_rate, [st.floats(0, CAP, exclude_max=True)]),
    "gross_for_net": (prospectus.gross_for_net, [st.floats(0, 24_100_000)]),
    "fee_increment": (prospectus.fee_increment, [st.floats(0, CAP / 2), st.floats(0, CAP / 2)]),
    "other_fee": (prospectus.other_fee, [st.floats(0, 8_400_000)]),
    "warrant_strike": (prospectus.warrant_strike, [st.floats(0.01, 100)]),
    "warrant_shares": (prospectus.warrant_shares, [st.integers(0, 10**8)]),
    "warrant_value": (
        model.warrant_value,
        [st.floats(0.5, 50), st.floats(0.5, 50), st.floats(0.1, 5), st.floats(0.05, 2), st.floats(0, 0.1)],
    ),
    "cashless_shares": (model.cashless_shares, [st.integers(0, 10**6), st.floats(0.5, 20), st.floats(0.5, 20)]),
    "dilution_pct": (model.dilution_pct, [st.integers(0, 10**8), st.integers(1, 10**8)]),
    "ownership_pct": (model.ownership_pct, [st.integers(0, 10**6), st.integers(0, 10**6), st.integers(10**6, 10**8)]),
    "nasdaq_20pct_capacity": (prospectus.nasdaq_20pct_capacity, [st.integers(1, 10**8), st.integers(0, 10**7)]),
    "runway_months": (model.runway_months, [st.floats(0, 10**8), st.floats(1, 10**7)]),
    "classb_exercise_price": (prospectus.classb_exercise_price, [st.floats(0.01, 50)]),
    "debenture_conversion_shares": (model.debenture_conversion_shares, [st.floats(0, 10**7), st.floats(0.1, 20)]),
    "total_compensation": (prospectus.total_compensation, [st.floats(0, CAP), st.floats(0, 10**6)]),
    "compensation_pct": (prospectus.compensation_pct, [st.floats(1, CAP), st.floats(0, 10**6)]),
    "compensation_headroom": (prospectus.compensation_headroom, [st.floats(0, CAP), st.floats(0, 10**6)]),
}

SHAPES = [(6,), (2, 3), (3, 2), (1, 6), (6, 1)]


@pytest.mark.parametrize("name", sorted(VECTOR_CASES))
@pytest.mark.parametrize("container", ["ndarray", "nested list"])
def test_vectorised_equals_element_wise(name, container):
    fn, arg_strategies = VECTOR_CASES[name]

    @examples(8)
    @given(st.sampled_from(SHAPES), st.data())
    def check(shape, data):
        size = int(np.prod(shape))
        # each argument: either one value for all cells or a range of the common shape
        args, columns = [], []
        for i, strategy in enumerate(arg_strategies):
            values = data.draw(st.lists(strategy, min_size=size, max_size=size))
            as_range = i == 0 or data.draw(st.booleans())
            if as_range:
                arr = np.array(values, dtype=float).reshape(shape)
                args.append(arr if container == "ndarray" else arr.tolist())
                columns.append(values)
            else:
                args.append(values[0])
                columns.append([values[0]] * size)
        result = fn(*args)
        assert isinstance(result, np.ndarray)
        assert result.shape == shape
        for k in range(size):
            assert result.flat[k] == fn(*(col[k] for col in columns))

    check()


def test_vectorised_fee_keeps_shape_of_column_and_row_ranges():
    # 10M, 20M, 25M → 400,000, 750,000, 900,000 (SPEC §4) in any orientation
    column = prospectus.fee([[10_000_000], [20_000_000], [25_000_000]])
    row = prospectus.fee(np.array([[10_000_000, 20_000_000, 25_000_000]]))
    flat = prospectus.fee([10_000_000, 20_000_000, 25_000_000])
    assert column.shape == (3, 1) and row.shape == (1, 3) and flat.shape == (3,)
    assert column.ravel().tolist() == row.ravel().tolist() == flat.tolist() == [400_000, 750_000, 900_000]


# ---- the ledger ----------------------------------------------------------------------


@st.composite
def ledgers(draw):
    n = draw(st.integers(1, 12))
    shares = draw(st.lists(st.integers(1, 3_000_000), min_size=n, max_size=n))
    price_cents = draw(st.lists(st.integers(50, 1_500), min_size=n, max_size=n))
    gaps = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    day = dt.date(2001, 11, 1)
    rows, total = [], Decimal(0)
    for q, p, gap in zip(shares, price_cents, gaps, strict=True):
        gross = ref.excel_round(Decimal(q) * Decimal(p) / 100, 2)
        if total + gross > CAP:
            break
        total += gross
        day += dt.timedelta(days=gap)
        rows.append((day, q, Decimal(p) / 100))
    assume(rows)
    return rows


_XNYS = None


def _nth_session_after(day: dt.date, n: int) -> dt.date:
    """The n-th NYSE session after ``day``, read from the exchange calendar's session list (not its holidays)."""
    global _XNYS
    if _XNYS is None:
        import exchange_calendars as xc

        _XNYS = xc.get_calendar("XNYS", start="1995-01-01", end="2040-12-31").sessions
    return _XNYS[_XNYS.searchsorted(pd.Timestamp(day), side="right") + n - 1].date()


@FAST
@given(ledgers())
def test_ledger_matches_reference_and_adds_up(rows):
    table = pd.DataFrame(
        {"Trade date": [r[0] for r in rows], "Shares": [r[1] for r in rows], "Price": [float(r[2]) for r in rows]}
    )
    ledger = prospectus.placements(table)
    assert len(ledger) == len(rows)
    cumulative = Decimal(0)
    previous_fee = Decimal(0)
    for i, (day, q, p) in enumerate(rows):
        line = ledger.iloc[i]
        gross = ref.excel_round(q * p, 2)
        cumulative += gross
        fee_after = ref.fee(cumulative)
        assert cents(line["Gross"]) == dec_cents(gross)
        assert cents(line["Cumulative gross"]) == dec_cents(cumulative)
        assert cents(line["Commission"]) == dec_cents(fee_after - previous_fee)
        assert cents(line["Net"]) == dec_cents(gross - (fee_after - previous_fee))
        assert line["Warrant shares"] == float(ref.excel_rounddown(Decimal("0.10") * q))
        assert line["Warrant strike"] == float(ref.excel_round(Decimal("1.30") * p, 2))
        assert line["Settlement date"] == _nth_session_after(day, 3)
        previous_fee = fee_after
    commissions = sum(cents(c) for c in ledger["Commission"])
    assert commissions == cents(prospectus.fee(float(cumulative)))
    assert commissions == dec_cents(ref.fee(cumulative))


# ---- settlement dates and warrant values ----------------------------------------------


@FAST
@given(
    st.dates(dt.date(1995, 1, 1), dt.date(2030, 12, 31)),
    st.lists(st.integers(-3, 10), max_size=4),
)
def test_settlement_date_is_excel_workday(trade, holiday_offsets):
    holidays = sorted({trade + dt.timedelta(days=k) for k in holiday_offsets})
    assert prospectus.settlement_date(trade, holidays) == ref.workday(trade, 3, holidays)


@FAST
@given(
    st.floats(0.5, 200),
    st.floats(0.5, 200),
    st.floats(0.05, 10),
    st.floats(0.05, 1.5),
    st.floats(-0.02, 0.15),
    st.floats(0, 0.08),
)
def test_warrant_value_matches_textbook_formula_and_no_arbitrage_bounds(s, k, t, sigma, r, q):
    value = model.warrant_value(s, k, t, sigma, r, q)
    assert value == pytest.approx(ref.black_scholes_call(s, k, t, sigma, r, q), rel=1e-9, abs=1e-9)
    forward_spot = s * np.exp(-q * t)
    pv_strike = k * np.exp(-r * t)
    # a call is worth at least its discounted intrinsic value and at most the share
    assert max(forward_spot - pv_strike, 0.0) - 1e-9 <= value <= forward_spot + 1e-9
