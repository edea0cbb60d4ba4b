"""Conversion terms of the issuer's other securities [S-7]."""

from __future__ import annotations

import numpy as np

from model.args import answer, broadcast, number, numbers
from model.errors import CEOModelError, ErrorKind
from model.rounding import round_down


def debenture_conversion_price(
    issue_prices,
    bids,
    days_since_issue,
    premium,
    reset_after_days,
    reset_factor,
    lowest_bids,
    issue_days,
    bid_days,
):
    """Conversion price of convertible debentures with a look-back reset [S-7].

    Initially ``premium`` times the average market value over the
    ``issue_days`` trading days before issuance. More than
    ``reset_after_days`` after issuance: the lesser of that initial price and
    ``reset_factor`` times the average of the ``lowest_bids`` lowest closing
    bids in the ``bid_days`` trading days before conversion. At exactly
    ``reset_after_days`` the initial price applies. (The 2001 prospectus:
    120%, 5 days, 90 days, 101%, the 10 lowest of 30 bids.)

    Parameters
    ----------
    issue_prices : array_like
        Exactly ``issue_days`` market values, the trading days before issuance.
    bids : array_like or None
        Exactly ``bid_days`` closing bids before conversion; needed only when
        some ``days_since_issue`` is above ``reset_after_days``. A grid of
        ``bid_days`` rows and several columns is one set of bids per column
        (a scenario each): the answer is then one price per column, a row.
    days_since_issue : float or array_like
        Days from issuance to conversion (non-negative).
    premium, reset_factor : float
        Multiples of the issue average and of the lowest bids' average.
    reset_after_days, lowest_bids, issue_days, bid_days : int
        The reset's day counts.

    Examples
    --------
    >>> terms = dict(premium=1.2, reset_after_days=90, reset_factor=1.01, lowest_bids=10, issue_days=5, bid_days=30)
    >>> debenture_conversion_price([4.0] * 5, None, 30, **terms)
    4.8
    >>> round(debenture_conversion_price([4.0] * 5, [3.0] * 30, 120, **terms), 10)
    3.03

    Bids at $3.00 and at $6.00 (two columns of 30): the reset bites only in the first.

    >>> debenture_conversion_price([4.0] * 5, [[3.0, 6.0]] * 30, 120, **terms).round(10).tolist()
    [[3.03, 4.8]]
    """
    premium = _scalar(premium, "premium", low_open=True)
    reset_after_days = _scalar(reset_after_days, "reset_after_days", whole=True)
    reset_factor = _scalar(reset_factor, "reset_factor", low_open=True)
    issue_days = int(_scalar(issue_days, "issue_days", low_open=True, whole=True))
    bid_days = int(_scalar(bid_days, "bid_days", low_open=True, whole=True))
    lowest_bids = int(_scalar(lowest_bids, "lowest_bids", low_open=True, whole=True))
    if lowest_bids > bid_days:
        raise CEOModelError("lowest_bids", f"must not exceed bid_days ({bid_days})", ErrorKind.NUM)
    issue = numbers(issue_prices, "issue_prices", low=0.0, low_open=True).ravel()
    if issue.size != issue_days:
        raise CEOModelError("issue_prices", f"must have exactly {issue_days} values, got {issue.size}")
    days = numbers(days_since_issue, "days_since_issue", low=0.0)
    initial = premium * issue.mean()
    reset = days > reset_after_days
    if not reset.any():
        columns = _bid_columns(bids, bid_days)  # a grid of bids: one price per column, a row, reset or not
        return answer(np.full(np.broadcast_shapes(days.shape, (1, columns)) if columns else days.shape, initial))
    if bids is None:
        raise CEOModelError("bids", f"are required more than {reset_after_days:g} days after issuance")
    low_bids = numbers(bids, "bids", low=0.0, low_open=True)
    if _bid_columns(low_bids, bid_days):  # one column of bids per scenario: a price per column
        # each column's lowest bids contiguous, so each mean adds them as the one-column case does (same digits)
        lowest = np.ascontiguousarray(np.sort(low_bids, axis=0)[:lowest_bids].T).mean(axis=1)[np.newaxis, :]
        return np.where(reset, np.minimum(initial, reset_factor * lowest), initial)
    if low_bids.ndim == 2 and min(low_bids.shape) > 1 and low_bids.size != bid_days:  # a grid, rows short or over
        raise CEOModelError("bids", f"must have exactly {bid_days} rows, got {low_bids.shape[0]}")
    low_bids = low_bids.ravel()
    if low_bids.size != bid_days:
        raise CEOModelError("bids", f"must have exactly {bid_days} values, got {low_bids.size}")
    lowest = np.sort(low_bids)[:lowest_bids].mean()
    return answer(np.where(reset, min(initial, reset_factor * lowest), initial))


def _bid_columns(bids, bid_days: int) -> int:
    """The columns of a grid of bids (``bid_days`` rows, one column per scenario), else 0: any other block of
    ``bid_days`` values (a 6 × 5 range, in any order) is one set of bids."""
    try:
        shape = np.shape(bids)
    except ValueError:  # ragged: refused where the bids are read
        return 0
    return shape[1] if len(shape) == 2 and shape[0] == bid_days and shape[1] > 1 else 0


def _scalar(value, name: str, *, low_open: bool = False, whole: bool = False) -> float:
    return number(value, name, low=0.0, low_open=low_open, whole=whole)


def debenture_conversion_shares(principal, conversion_price):
    """Shares issued on conversion: principal ÷ conversion price, rounded down.

    Examples
    --------
    >>> debenture_conversion_shares(8_000_000, 4.8)
    1666666.0
    """
    p = numbers(principal, "principal", low=0.0)
    c = numbers(conversion_price, "conversion_price", low=0.0, low_open=True)
    p, c = broadcast(["principal", "conversion_price"], p, c)
    return answer(round_down(p / c))


def classb_exercise_price(closing_bid, market_price, cap, factor, factor_low, low_price):
    """Exercise price of warrants called for redemption [S-7].

    The lesser of ``cap`` and ``factor`` times the closing bid on the trading
    day after the notice — ``factor_low`` when the market price is strictly
    below ``low_price``. (The 2001 Class B warrants: $33.75, 97%, 95%, $5.00.)

    Parameters
    ----------
    closing_bid : float or array_like
        Closing bid on the trading day after the notice (positive).
    market_price : float or array_like, optional
        Market price that decides 95% or 97%; the closing bid when omitted.
    cap : float or array_like
        Price ceiling, adjusted for splits and combinations.
    factor, factor_low : float
        Multiples of the closing bid at or above, and below, ``low_price``.
    low_price : float
        Market price below which ``factor_low`` applies.

    Examples
    --------
    >>> classb_exercise_price(6.00, None, 33.75, 0.97, 0.95, 5.00)
    5.82
    >>> classb_exercise_price(4.00, None, 33.75, 0.97, 0.95, 5.00)
    3.8
    """
    bid = numbers(closing_bid, "closing_bid", low=0.0, low_open=True)
    market = bid if market_price is None else numbers(market_price, "market_price", low=0.0, low_open=True)
    ceiling = numbers(cap, "cap", low=0.0, low_open=True)
    bid, market, ceiling = broadcast(["closing_bid", "market_price", "cap"], bid, market, ceiling)
    high_factor = _scalar(factor, "factor", low_open=True)
    low_factor = _scalar(factor_low, "factor_low", low_open=True)
    threshold = _scalar(low_price, "low_price")
    factor = np.where(market < threshold, low_factor, high_factor)
    return answer(np.minimum(ceiling, factor * bid))
