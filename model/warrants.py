"""The placement agent's warrants: cover, strike, value, cashless exercise, settlement."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy.special import ndtr

from model.args import answer, broadcast, number, numbers, position_of, refuse_where
from model.errors import CEOModelError, ErrorKind
from model.rounding import round_down, round_half_up
from model.terms import TERM


def vwap(shares, prices) -> float:
    """Volume-weighted average price: Σ shares·price ÷ Σ shares.

    Pairs where both the share count and the price are empty, or both zero (what
    a formula shows for an empty row), are skipped, so a ledger column with
    spare rows can be passed whole.

    Parameters
    ----------
    shares : array_like
        Shares sold in each trade (non-negative; the total must be positive).
    prices : array_like
        Price of each trade (positive), same shape as ``shares``.

    Examples
    --------
    >>> vwap([100_000, 300_000], [4.00, 4.20])
    4.15
    """
    for name, given in (("shares", shares), ("prices", prices)):
        if given is None:
            raise CEOModelError(name, "is empty; a range is required")
    q = numbers(shares, "shares", low=0.0, empty_ok=True)
    p = numbers(prices, "prices", low=0.0, empty_ok=True)
    # only an empty cell (None) is empty: a NaN given as a number is outside the domain
    refuse_where(np.isnan(q) & ~_empty(shares, q.shape), "shares", lambda i: "must be a finite number, got nan")
    refuse_where(np.isnan(p) & ~_empty(prices, p.shape), "prices", lambda i: "must be a finite number, got nan")
    if q.shape != p.shape:
        raise CEOModelError("prices", f"must be the same size as shares ({q.size} cells), got {p.size} cells")
    unused = (q == 0) & (p == 0)  # an empty row as a formula shows it
    q_empty, p_empty = np.isnan(q) | unused, np.isnan(p) | unused
    refuse_where(q_empty & ~p_empty, "shares", lambda i: "is empty where a price is given", ErrorKind.VALUE)
    refuse_where(p_empty & ~q_empty, "prices", lambda i: "is empty where a share count is given", ErrorKind.VALUE)
    refuse_where((p == 0) & ~p_empty, "prices", lambda i: "must be greater than 0, got 0", ErrorKind.NUM)
    q, p = q[~q_empty], p[~p_empty]
    total = q.sum()
    if total <= 0:
        raise CEOModelError("shares", "must add up to more than zero", ErrorKind.NUM)
    return float(q @ p / total)


def _empty(value, shape: tuple[int, ...]) -> np.ndarray:
    """Where ``value`` (already checked to be numbers or None) holds None."""
    if isinstance(value, np.ndarray) and value.dtype.kind != "O":
        return np.zeros(shape, dtype=bool)
    return np.array([v is None for v in np.asarray(value, dtype=object).ravel()], dtype=bool).reshape(shape)


def warrant_shares(shares_sold, coverage):
    """Shares under the agent's warrants: ``coverage`` of shares sold, rounded down [S-11].

    Examples
    --------
    >>> warrant_shares(1_234_567, 0.10)
    123456.0
    """
    q = numbers(shares_sold, "shares_sold", low=0.0, whole=True)
    c = numbers(coverage, "coverage", low=0.0, high=1.0)
    q, c = broadcast(["shares_sold", "coverage"], q, c)
    return answer(round_down(q * c))


def warrant_strike(vwap, premium):
    """Warrant exercise price: ``premium`` × VWAP, rounded to the cent half up [S-11].

    Examples
    --------
    >>> warrant_strike(4.04, 1.30)
    5.25
    >>> warrant_strike(3.85, 1.30)  # 5.005 exactly: Excel's ROUND gives 5.01
    5.01
    """
    v = numbers(vwap, "vwap", low=0.0, low_open=True)
    m = numbers(premium, "premium", low=0.0, low_open=True)
    v, m = broadcast(["vwap", "premium"], v, m)
    return answer(round_half_up(v * m, 2))


def warrant_value(spot, strike, years, volatility, risk_free, dividend_yield=0.0):
    """Black–Scholes–Merton value of one warrant (a European call).

    ``S·e^(−qT)·N(d1) − K·e^(−rT)·N(d2)``, with
    ``d1 = (ln(S/K) + (r − q + σ²/2)·T) / (σ·√T)`` and ``d2 = d1 − σ·√T``.

    Parameters
    ----------
    spot, strike : float or array_like
        Share price and exercise price (positive).
    years : float or array_like
        Time to expiry in years (positive); 5 for the agent's warrants [S-12].
    volatility : float or array_like
        Annual volatility, e.g. 0.90 for 90%. At 0 the value is its limit,
        the discounted forward's intrinsic value ``max(S·e^(−qT) − K·e^(−rT), 0)``.
    risk_free, dividend_yield : float or array_like
        Continuously compounded annual rates.

    Examples
    --------
    >>> round(warrant_value(100, 100, 1, 0.2, 0.05), 4)  # Hull's textbook case
    10.4506
    >>> round(warrant_value(100, 100, 1, 0.0, 0.05), 4)  # 100 − 100·e^(−0.05)
    4.8771
    """
    names = ["spot", "strike", "years", "volatility", "risk_free", "dividend_yield"]
    s = numbers(spot, "spot", low=0.0, low_open=True)
    k = numbers(strike, "strike", low=0.0, low_open=True)
    t = numbers(years, "years", low=0.0, low_open=True)
    v = numbers(volatility, "volatility", low=0.0)
    r = numbers(risk_free, "risk_free", low=-1.0)
    q = numbers(dividend_yield, "dividend_yield", low=-1.0)
    s, k, t, v, r, q = broadcast(names, s, k, t, v, r, q)
    spread = v * np.sqrt(t)
    forward, strike_pv = s * np.exp(-q * t), k * np.exp(-r * t)
    with np.errstate(divide="ignore", invalid="ignore"):
        d1 = (np.log(s / k) + (r - q + v * v / 2.0) * t) / spread
    d2 = d1 - spread
    value = np.where(spread > 0, forward * ndtr(d1) - strike_pv * ndtr(d2), np.maximum(forward - strike_pv, 0.0))
    return answer(value)


def cashless_shares(warrant_shares, strike, market_price):
    """Net shares delivered on cashless exercise: N·(P − K)/P rounded down; 0 when P ≤ K.

    Examples
    --------
    >>> cashless_shares(100_000, 5.25, 7.00)
    25000.0
    """
    n = numbers(warrant_shares, "warrant_shares", low=0.0, whole=True)
    k = numbers(strike, "strike", low=0.0, low_open=True)
    p = numbers(market_price, "market_price", low=0.0, low_open=True)
    n, k, p = broadcast(["warrant_shares", "strike", "market_price"], n, k, p)
    return answer(round_down(n * np.maximum(p - k, 0.0) / p))


def years_after(issue: dt.date, years: float) -> dt.date:
    """The date ``years`` whole years after ``issue``, as Excel's ``DATE(YEAR(d)+n, MONTH(d), DAY(d))`` gives it.

    The fraction of a year is dropped (``DATE`` truncates its year), and a day
    the month lacks rolls into the next month: 29 February plus one year is
    1 March.

    Examples
    --------
    >>> years_after(dt.date(2001, 11, 5), 5)
    datetime.date(2006, 11, 5)
    >>> years_after(dt.date(2004, 2, 29), 1)
    datetime.date(2005, 3, 1)
    """
    year = issue.year + int(years)
    return dt.date(year, issue.month, 1) + dt.timedelta(days=issue.day - 1)


def warrant_schedule(
    trade_dates,
    warrant_shares_issued,
    strikes,
    *,
    cashless_after_years: float,
    transfer_years: float,
    term_years: float,
) -> pd.DataFrame:
    """The agent's warrants placement by placement: issue, cashless-from, transferable-from and expiry dates.

    The warrants of a placement are taken as issued on its trade date (the
    document does not say when; the placement is agreed that day), exercisable
    from then for ``term_years``, with cashless exercise from
    ``cashless_after_years`` and transfer allowed from ``transfer_years`` after
    issuance [S-12].

    Parameters
    ----------
    trade_dates : sequence of datetime.date
    warrant_shares_issued, strikes : sequences of numbers, one per placement
    cashless_after_years, transfer_years, term_years : float
        Whole years count; a fraction is dropped, as Excel's ``DATE`` does.

    Examples
    --------
    >>> warrant_schedule([dt.date(2001, 11, 5)], [40_000], [5.33], cashless_after_years=1, transfer_years=1,
    ...                  term_years=5).iloc[0]["Expires"]
    datetime.date(2006, 11, 5)
    """
    dates = [_as_date(d) for d in trade_dates]
    return pd.DataFrame(
        {
            "Issued": dates,
            "Warrant shares": list(warrant_shares_issued),
            "Strike": list(strikes),
            "Cashless from": [years_after(d, cashless_after_years) for d in dates],
            "Transferable from": [years_after(d, transfer_years) for d in dates],
            "Expires": [years_after(d, term_years) for d in dates],
        }
    )


def settlement_date(trade_date, holidays, business_days: int):
    """Settlement date: ``business_days`` business days after the trade (T+n; the prospectus: T+3 [S-11]).

    Counts weekdays that are not in ``holidays``, as Excel's WORKDAY does: a
    trade on a weekend or holiday counts from that day all the same.

    Examples
    --------
    >>> settlement_date(dt.date(2001, 11, 2), (), 3)  # a Friday
    datetime.date(2001, 11, 7)
    >>> settlement_date(dt.date(2001, 11, 3), (), 0)  # T+0 on a Saturday: the Saturday, as WORKDAY(start, 0)
    datetime.date(2001, 11, 3)
    """
    days = dates(trade_date, "trade_date")
    cycle = int(number(business_days, "business_days", low=0.0, high=TERM["settlement_business_days"].high, whole=True))
    off = np.array([], dtype="datetime64[D]") if holidays is None else dates(holidays, "holidays").ravel()
    # WORKDAY(start, 0) is the start itself, even on a weekend or holiday (T+0); otherwise the count starts
    # from the last business day on or before the start, which is how WORKDAY counts from a non-business day
    moved = (
        np.asarray(days, dtype="datetime64[D]")
        if cycle == 0
        else np.busday_offset(days, cycle, roll="backward", holidays=off)
    )
    if moved.ndim == 0:
        return np.asarray(moved)[()].astype(dt.date)
    return moved


def dates(value, name: str) -> np.ndarray:
    """Check a date argument and return it as ``datetime64[D]`` of its own shape."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "M":
        return value.astype("datetime64[D]")
    obj = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value.astype(object)
    flat = obj.ravel()
    for i, item in enumerate(flat):
        if not isinstance(item, dt.date | np.datetime64) or (isinstance(item, np.datetime64) and np.isnat(item)):
            what = "is empty" if item is None else f"must be a date, not {item!r:.40}"
            raise CEOModelError(name, what, ErrorKind.VALUE, position_of(i, obj.shape))
    return np.array([np.datetime64(_as_date(v), "D") for v in flat], dtype="datetime64[D]").reshape(obj.shape)


def _as_date(item) -> dt.date:
    if isinstance(item, dt.datetime):
        return item.date()
    if isinstance(item, np.datetime64):
        return item.astype("datetime64[D]").astype(dt.date)
    return item
