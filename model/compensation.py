"""The agent's total compensation against the NASD 8% cap [S-12]."""

from __future__ import annotations

from model.args import answer, broadcast, numbers
from model.commission import check_gross, tier_fee
from model.rounding import round_half_up
from model.terms import Schedule

_NAMES = ["gross", "warrant_value", "expenses", "retainer"]


def total_compensation(
    gross,
    warrant_value,
    expenses,
    retainer,
    schedule: Schedule,
):
    """Commission + warrant value + expense reimbursement + retainer allocation.

    Parameters
    ----------
    gross : float or array_like
        Cumulative gross sales (0 to the programme maximum).
    warrant_value : float or array_like
        Total value of the agent's warrants, e.g. value per warrant × warrant shares.
    expenses : float or array_like
        Reimbursed expenses; up to $60,000 per agreement [S-12].
    retainer : float or array_like
        Advisory retainer and deposit allocated to this offering; $62,500 [S-12].

    Examples
    --------
    >>> from model.deals.prospectus_2001 import SCHEDULE
    >>> total_compensation(25_000_000, 0, 60_000, 62_500, SCHEDULE)  # 900,000 + 60,000 + 62,500
    1022500.0
    """
    g, w, e, r = _components(gross, warrant_value, expenses, retainer, schedule)
    return answer(round_half_up(tier_fee(g, schedule), 2) + w + e + r)


def compensation_pct(
    gross,
    warrant_value,
    expenses,
    retainer,
    schedule: Schedule,
):
    """Total compensation as a fraction of gross (gross must be positive).

    Examples
    --------
    >>> from model.deals.prospectus_2001 import SCHEDULE
    >>> compensation_pct(25_000_000, 0, 60_000, 62_500, SCHEDULE)
    0.0409
    """
    g = check_gross(gross, schedule, positive=True)
    return answer(total_compensation(g, warrant_value, expenses, retainer, schedule) / g)


def compensation_headroom(
    gross,
    warrant_value,
    expenses,
    retainer,
    schedule: Schedule,
    cap,
):
    """Dollars left under the cap: cap × gross − total compensation (negative = breach).

    Examples
    --------
    >>> from model.deals.prospectus_2001 import SCHEDULE
    >>> compensation_headroom(25_000_000, 0, 60_000, 62_500, SCHEDULE, 0.08)  # 2,000,000 − 1,022,500
    977500.0
    """
    c = numbers(cap, "cap", low=0.0, high=1.0)
    g = check_gross(gross, schedule)
    total = total_compensation(g, warrant_value, expenses, retainer, schedule)
    g, c = broadcast(["gross", "cap"], g, c)
    return answer(c * g - total)


def _components(gross, warrant_value, expenses, retainer, schedule):
    g = check_gross(gross, schedule)
    w = numbers(warrant_value, "warrant_value", low=0.0)
    e = numbers(expenses, "expenses", low=0.0)
    r = numbers(retainer, "retainer", low=0.0)
    return broadcast(_NAMES, g, w, e, r)
