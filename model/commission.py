"""Commission on a tiered schedule, and the Other Agreement's flat fee.

Every commission is rounded to the cent, half up, as Excel's ROUND does. The
fee on one placement is the difference of two rounded cumulative fees, so the
placements of a ledger always add up exactly to the fee on the total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.args import answer, broadcast, numbers, refuse_where
from model.rounding import round_half_up, round_up
from model.terms import Schedule

PROGRAMME_MAXIMUM = "the programme maximum"


def check_gross(value: object, schedule: Schedule, name: str = "gross", *, positive: bool = False) -> np.ndarray:
    """Check a cumulative gross amount: 0 (or above, with ``positive``) up to the programme maximum."""
    return numbers(value, name, low=0.0, low_open=positive, high=schedule.maximum, high_name=PROGRAMME_MAXIMUM)


def tier_fee(gross: np.ndarray, schedule: Schedule) -> np.ndarray:
    """Unrounded tiered commission of already-checked gross amounts (the one place the tier maths lives)."""
    filled = np.clip(gross[..., None] - schedule.starts, 0.0, schedule.ends - schedule.starts)
    return filled @ schedule.rates


def fee(gross, schedule: Schedule):
    """Commission on cumulative gross sales under a tiered schedule.

    Parameters
    ----------
    gross : float or array_like
        Cumulative gross sales price, 0 to the programme maximum.
    schedule : Schedule
        Commission tiers; the prospectus schedule by default.

    Returns
    -------
    float or ndarray
        Commission in dollars, rounded to the cent.

    Examples
    --------
    The prospectus's maximum commission at $25M [S-12]:

    >>> from model.deals.prospectus_2001 import SCHEDULE
    >>> fee(25_000_000, SCHEDULE)
    900000.0
    """
    return answer(round_half_up(tier_fee(check_gross(gross, schedule), schedule), 2))


def fee_increment(prior_gross, placement_gross, schedule: Schedule):
    """Commission on one placement when ``prior_gross`` has already been sold.

    Splits the placement across the tiers it crosses. Equal to
    ``fee(prior_gross + placement_gross) - fee(prior_gross)``.

    Examples
    --------
    A $2M placement after $9M already sold: $1M at 4% and $1M at 3.5%.

    >>> from model.deals.prospectus_2001 import SCHEDULE
    >>> fee_increment(9_000_000, 2_000_000, SCHEDULE)
    75000.0
    """
    prior = check_gross(prior_gross, schedule, "prior_gross")
    placement = numbers(placement_gross, "placement_gross", low=0.0)
    prior, placement = broadcast(["prior_gross", "placement_gross"], prior, placement)
    total = prior + placement
    refuse_where(
        total > schedule.maximum,
        "placement_gross",
        lambda i: f"takes cumulative gross to {total.flat[i]:,.2f}, above {PROGRAMME_MAXIMUM} {schedule.maximum:,.2f}",
    )
    after = round_half_up(tier_fee(total, schedule), 2)
    before = round_half_up(tier_fee(prior, schedule), 2)
    return answer(round_half_up(after - before, 2))


def marginal_rate(gross, schedule: Schedule):
    """Commission rate on the next dollar sold.

    At a tier boundary this is the upper tier's rate; at the programme maximum
    there is no next dollar and the gross is refused.

    Examples
    --------
    >>> from model.deals.prospectus_2001 import SCHEDULE
    >>> marginal_rate(10_000_000, SCHEDULE)
    0.035
    """
    g = numbers(gross, "gross", low=0.0)
    refuse_where(
        g >= schedule.maximum,
        "gross",
        lambda i: f"must be below {PROGRAMME_MAXIMUM} {schedule.maximum:,.2f}: no dollar is left to sell",
    )
    tier = np.searchsorted(schedule.starts, g, side="right") - 1
    return answer(schedule.rates[tier])


def effective_rate(gross, schedule: Schedule):
    """Commission as a fraction of gross (gross must be positive).

    Examples
    --------
    >>> from model.deals.prospectus_2001 import SCHEDULE
    >>> effective_rate(25_000_000, SCHEDULE)
    0.036
    """
    g = check_gross(gross, schedule, positive=True)
    return answer(round_half_up(tier_fee(g, schedule), 2) / g)


def net_proceeds(gross, schedule: Schedule):
    """Gross sales less the agent's commission.

    Examples
    --------
    >>> from model.deals.prospectus_2001 import SCHEDULE
    >>> net_proceeds(25_000_000, SCHEDULE)
    24100000.0
    """
    g = check_gross(gross, schedule)
    return answer(g - round_half_up(tier_fee(g, schedule), 2))


def gross_for_net(net, schedule: Schedule):
    """Smallest gross, in whole cents, whose net proceeds reach ``net``.

    Net proceeds never fall when gross grows by a cent (the rounded commission
    rises by at most that cent, every rate being at most 1), so the answer is
    found by bisection over whole cents against the rounded commission: about
    32 vectorised steps for a $25M programme, whatever the rates. (An analytic
    inverse of the unrounded net misses by up to 0.005 ÷ (1 − rate) of gross,
    which is unbounded as a rate approaches 1.)

    Examples
    --------
    >>> from model.deals.prospectus_2001 import SCHEDULE
    >>> gross_for_net(24_100_000, SCHEDULE)
    25000000.0
    >>> gross_for_net(9_600_000, SCHEDULE)
    10000000.0
    """
    top = schedule.maximum
    ceiling = float(round_half_up(top - round_half_up(tier_fee(np.array(top), schedule), 2), 2))
    n = numbers(net, "net", low=0.0, high=ceiling, high_name="the net proceeds of the whole programme")

    def reaches(cents: np.ndarray) -> np.ndarray:
        gross = np.minimum(cents / 100.0, top)
        return gross - round_half_up(tier_fee(gross, schedule), 2) >= n - 1e-6

    low = np.zeros(n.shape)
    high = np.full(n.shape, float(np.round(round_up(top, 2) * 100.0)))
    while np.any(open_ := low < high):
        mid = np.floor((low + high) / 2.0)
        ok = reaches(mid)
        high = np.where(open_ & ok, mid, high)
        low = np.where(open_ & ~ok, mid + 1.0, low)
    return answer(np.minimum(high / 100.0, top))


def schedule_table(schedule: Schedule) -> pd.DataFrame:
    """The tier table: From, To, Rate, Fee in tier, Cumulative fee.

    Examples
    --------
    >>> from model.deals.prospectus_2001 import SCHEDULE
    >>> schedule_table(SCHEDULE)["Cumulative fee"].tolist()
    [400000.0, 750000.0, 900000.0]
    """
    table = pd.DataFrame({"From": schedule.starts, "To": schedule.ends, "Rate": schedule.rates})
    table["Fee in tier"] = round_half_up(table["Rate"] * (table["To"] - table["From"]), 2)
    table["Cumulative fee"] = round_half_up(tier_fee(schedule.ends, schedule), 2)
    return table


def other_fee(gross, rate, maximum):
    """Commission under the Other Agreement: a flat rate up to its own maximum [S-12].

    Examples
    --------
    >>> other_fee(8_400_000, 0.04, 8_400_000)
    336000.0
    """
    cap = numbers(maximum, "maximum", low=0.0)
    r = numbers(rate, "rate", low=0.0, high=1.0)
    g = numbers(gross, "gross", low=0.0)
    g, r, cap = broadcast(["gross", "rate", "maximum"], g, r, cap)
    refuse_where(
        g > cap,
        "gross",
        lambda i: f"must be at most {cap.flat[i]:,.2f}, the Other Agreement maximum (got {g.flat[i]:,.2f})",
    )
    return answer(round_half_up(g * r, 2))
