"""The agent's total compensation against the NASD 8% cap [S-12]."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.args import answer, broadcast, numbers
from model.commission import check_gross, tier_fee
from model.rounding import round_half_up
from model.terms import Schedule
from model.warrants import vwap, warrant_value

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


def agent_compensation(ledger, terms) -> pd.DataFrame:
    """Each agent's compensation against the cap, and the total, from a ledger (:func:`model.placements`).

    Per agent: commission on its own schedule (the ledger's), its warrants (its coverage of the shares it sold,
    struck at its premium × the VWAP of its sales, rounded to the cent, each valued by Black–Scholes–Merton at the
    share price as the workbook's Calculations do), its expense reimbursement and retainer allocation (the deal's
    unless it states its own), counted when it has sold anything or is the programme's only agent, as the
    workbook counts them. The cap is ``compensation_cap`` × the gross it sold.

    Returns
    -------
    DataFrame, one row per agent of ``terms.sales_agents`` and a last row ``all`` (the sums): ``Agent``, ``Gross``,
    ``Commission``, ``Warrant shares``, ``Warrant strike`` (blank for ``all``), ``Warrant value``, ``Expenses``,
    ``Retainer``, ``Total``, ``Cap``, ``Headroom`` (cap − total; negative = breach).

    Examples
    --------
    >>> import datetime as dt
    >>> from model.deals.prospectus_2001 import PROSPECTUS
    >>> from model.ledger import placements
    >>> rows = pd.DataFrame({"Trade date": [dt.date(2001, 11, 5)], "Shares": [1_000_000], "Price": [4.04]})
    >>> c = agent_compensation(placements(rows, PROSPECTUS), PROSPECTUS.replace(volatility=0.0, risk_free_rate=0.0))
    >>> c.loc[0, ["Commission", "Warrant value", "Total", "Headroom"]].tolist()  # 161,600 + 60,000 + 62,500
    [161600.0, 0.0, 284100.0, 39100.0]
    """
    agents = terms.sales_agents
    names = ledger["Agent"].tolist() if "Agent" in ledger.columns else [agents[0].name] * len(ledger)
    rows = []
    for agent in agents:
        mine = np.array([n == agent.name for n in names], dtype=bool)
        gross = float(ledger["Gross"].to_numpy(dtype=float)[mine].sum()) if mine.any() else 0.0
        shares = ledger["Shares"].to_numpy(dtype=float)[mine] if mine.any() else np.array([])
        prices = ledger["Price"].to_numpy(dtype=float)[mine] if mine.any() else np.array([])
        commission = (
            float(round_half_up(ledger["Commission"].to_numpy(dtype=float)[mine].sum(), 2)) if mine.any() else 0.0
        )
        warrants = float(ledger["Warrant shares"].to_numpy(dtype=float)[mine].sum()) if mine.any() else 0.0
        strike = float(round_half_up(vwap(shares, prices) * agent.warrant_premium, 2)) if shares.size else 0.0
        each = (
            float(
                warrant_value(
                    terms.last_sale_price,
                    strike,
                    terms.warrant_term_years,
                    terms.volatility,
                    terms.risk_free_rate,
                    terms.dividend_yield,
                )
            )
            if strike > 0
            else 0.0
        )
        counted = mine.any() or len(agents) == 1
        expenses = agent.expense_reimbursement if counted else 0.0
        retainer = agent.retainer_allocation if counted else 0.0
        total = commission + each * warrants + expenses + retainer
        cap = terms.compensation_cap * gross
        rows.append([agent.name, gross, commission, warrants, strike, each * warrants, expenses, retainer, total, cap])
    frame = pd.DataFrame(rows, columns=COMPENSATION_COLUMNS[:-1])
    sums = frame.drop(columns=["Agent", "Warrant strike"]).sum()
    frame.loc[len(frame)] = ["all", *[sums.get(c) for c in COMPENSATION_COLUMNS[1:-1]]]
    frame["Headroom"] = np.where(frame["Gross"] > 0, frame["Cap"] - frame["Total"], 0.0)
    return frame


COMPENSATION_COLUMNS = (
    "Agent",
    "Gross",
    "Commission",
    "Warrant shares",
    "Warrant strike",
    "Warrant value",
    "Expenses",
    "Retainer",
    "Total",
    "Cap",
    "Headroom",
)
