"""Dilution, ownership, the Nasdaq 20% rule and cash runway [S-4; S-8; S-9]."""

from __future__ import annotations

import numpy as np

from model.args import answer, broadcast, numbers, refuse_where
from model.rounding import round_up


def dilution_pct(new_shares, outstanding):
    """Share of the enlarged company that new shares represent: new ÷ (outstanding + new).

    Examples
    --------
    The document's "approximately 28%" if all options and warrants were
    exercised [S-9]:

    >>> round(dilution_pct(8_593_877, 21_862_772), 4)
    0.2822
    """
    n = numbers(new_shares, "new_shares", low=0.0)
    o = numbers(outstanding, "outstanding", low=0.0, low_open=True)
    n, o = broadcast(["new_shares", "outstanding"], n, o)
    return answer(n / (o + n))


def ownership_pct(shares_held, potential_shares, outstanding):
    """Fully diluted ownership: (held + potential) ÷ (outstanding + potential).

    Examples
    --------
    The voting-agreement holders' "19.3%" [S-10]:

    >>> round(ownership_pct(579_098, 4_498_145, 21_862_772), 4)
    0.1926
    """
    h = numbers(shares_held, "shares_held", low=0.0)
    p = numbers(potential_shares, "potential_shares", low=0.0)
    o = numbers(outstanding, "outstanding", low=0.0, low_open=True)
    h, p, o = broadcast(["shares_held", "potential_shares", "outstanding"], h, p, o)
    refuse_where(h > o, "shares_held", lambda i: f"must not exceed outstanding ({o.flat[i]:,.0f})")
    return answer((h + p) / (o + p))


def nasdaq_20pct_capacity(outstanding, already_issued, limit):
    """Most shares still issuable at a discount while staying below 20% of outstanding [S-8].

    Issuing 20% or more needs stockholder approval, so the capacity is the
    largest whole number strictly below ``limit × outstanding``, less what has
    already been issued, and never negative.

    Examples
    --------
    >>> nasdaq_20pct_capacity(21_862_772, 0, 0.20)
    4372554.0
    >>> nasdaq_20pct_capacity(100, 0, 0.20)  # 20 shares would be 20%: 19 is the most
    19.0
    """
    o = numbers(outstanding, "outstanding", low=0.0, low_open=True, whole=True)
    a = numbers(already_issued, "already_issued", low=0.0, whole=True)
    lim = numbers(limit, "limit", low=0.0, low_open=True, high=1.0)
    o, a, lim = broadcast(["outstanding", "already_issued", "limit"], o, a, lim)
    return answer(np.maximum(round_up(o * lim) - 1.0 - a, 0.0))


def runway_months(cash, monthly_burn):
    """Months of cash at the current burn: cash ÷ monthly burn.

    Examples
    --------
    Net proceeds of the full programme at the prospectus's $2.3M a month [S-4]:

    >>> round(runway_months(24_100_000, 2_300_000), 2)
    10.48
    """
    c = numbers(cash, "cash", low=0.0)
    b = numbers(monthly_burn, "monthly_burn", low=0.0, low_open=True)
    c, b = broadcast(["cash", "monthly_burn"], c, b)
    return answer(c / b)
