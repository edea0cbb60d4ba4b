"""Conversion terms of the issuer's other securities [S-7]."""

from __future__ import annotations

import numpy as np

from model.args import answer, broadcast, numbers
from model.errors import CEOModelError
from model.rounding import round_down
from model.terms import PROSPECTUS, DealTerms


def debenture_conversion_price(issue_prices, bids, days_since_issue, terms: DealTerms = PROSPECTUS):
    """Conversion price of the convertible debentures [S-7].

    Initially 120% of the average market value over the 5 trading days before
    issuance. More than 90 days after issuance: the lesser of that initial
    price and 101% of the average of the 10 lowest closing bids in the 30
    trading days before conversion. At exactly 90 days the initial price applies.

    Parameters
    ----------
    issue_prices : array_like
        Exactly 5 market values, the trading days before issuance.
    bids : array_like or None
        Exactly 30 closing bids before conversion; needed only when some
        ``days_since_issue`` is above 90.
    days_since_issue : float or array_like
        Days from issuance to conversion (non-negative).

    Examples
    --------
    >>> debenture_conversion_price([4.0] * 5, None, 30)
    4.8
    >>> round(debenture_conversion_price([4.0] * 5, [3.0] * 30, 120), 10)
    3.03
    """
    issue = numbers(issue_prices, "issue_prices", low=0.0, low_open=True).ravel()
    if issue.size != terms.debenture_issue_days:
        raise CEOModelError("issue_prices", f"must have exactly {terms.debenture_issue_days} values, got {issue.size}")
    days = numbers(days_since_issue, "days_since_issue", low=0.0)
    initial = terms.debenture_initial_premium * issue.mean()
    reset = days > terms.debenture_reset_after_days
    if not reset.any():
        return answer(np.full(days.shape, initial))
    if bids is None:
        raise CEOModelError("bids", f"are required more than {terms.debenture_reset_after_days} days after issuance")
    low_bids = numbers(bids, "bids", low=0.0, low_open=True).ravel()
    if low_bids.size != terms.debenture_bid_days:
        raise CEOModelError("bids", f"must have exactly {terms.debenture_bid_days} values, got {low_bids.size}")
    lowest = np.sort(low_bids)[: terms.debenture_lowest_bids].mean()
    return answer(np.where(reset, min(initial, terms.debenture_reset_factor * lowest), initial))


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


def classb_exercise_price(closing_bid, market_price=None, cap=PROSPECTUS.classb_cap, terms: DealTerms = PROSPECTUS):
    """Class B warrant exercise price after a redemption notice [S-7].

    The lesser of ``cap`` ($33.75) and 97% of the closing bid on the trading
    day after the notice — 95% when the market price is below $5.00 (strictly:
    at exactly $5.00 it is 97%).

    Parameters
    ----------
    closing_bid : float or array_like
        Closing bid on the trading day after the notice (positive).
    market_price : float or array_like, optional
        Market price that decides 95% or 97%; the closing bid when omitted.
    cap : float
        Price ceiling, adjusted for splits and combinations.

    Examples
    --------
    >>> classb_exercise_price(6.00)
    5.82
    >>> classb_exercise_price(4.00)
    3.8
    """
    bid = numbers(closing_bid, "closing_bid", low=0.0, low_open=True)
    market = bid if market_price is None else numbers(market_price, "market_price", low=0.0, low_open=True)
    ceiling = numbers(cap, "cap", low=0.0, low_open=True)
    bid, market, ceiling = broadcast(["closing_bid", "market_price", "cap"], bid, market, ceiling)
    factor = np.where(market < terms.classb_low_price, terms.classb_factor_low, terms.classb_factor)
    return answer(np.minimum(ceiling, factor * bid))
