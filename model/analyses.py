"""Analyses a capital-markets model carries: dilution waterfall, sources and uses of cash, the most that can be
raised before an ownership threshold bites, commission by tier, and a monthly timeline of the programme.

Every function takes the terms it needs explicitly (no prospectus defaults); the workbook's line items of the same
names compute the same figures in Excel (see ``workbook/sheets/template.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.args import answer, broadcast, numbers
from model.commission import check_gross, fee, other_fee
from model.errors import CEOModelError
from model.rounding import round_down, round_half_up, round_up
from model.terms import Schedule
from model.warrants import warrant_shares, warrant_strike, warrant_value


def dilution_waterfall(outstanding, additions: Sequence[tuple[str, float]]) -> pd.DataFrame:
    """Basic shares outstanding, then each source of new shares in turn, to the fully diluted count.

    Parameters
    ----------
    outstanding : int
        Basic shares outstanding before the offering.
    additions : sequence of (label, shares)
        New shares in the order they are added (shares sold, agent warrants, options and warrants, ...).

    Returns
    -------
    DataFrame
        One row for the basic count, one per addition and a last row "Fully diluted", with columns
        ``Step``, ``Added`` (shares this step adds), ``Shares`` (the count after it) and ``New %``
        (new shares so far as a fraction of the count after the step: ``(Shares − outstanding) ÷ Shares``).

    Examples
    --------
    The prospectus's 21,862,772 shares [S-9] plus 4,200,000 sold, 420,000 agent warrants and the
    8,593,877 options and warrants outstanding:

    >>> w = dilution_waterfall(21_862_772, [("Sold", 4_200_000), ("Agent warrants", 420_000),
    ...                                     ("Options and warrants", 8_593_877)])
    >>> int(w["Shares"].iloc[-1]), round(float(w["New %"].iloc[-1]), 4)
    (35076649, 0.3767)
    """
    base = float(numbers(outstanding, "outstanding", low=0.0, low_open=True, whole=True))
    labels = [label for label, _ in additions]
    added = numbers([shares for _, shares in additions], "additions", low=0.0, whole=True).reshape(-1)
    counts = base + np.cumsum(added)
    steps = ["Basic shares outstanding", *labels, "Fully diluted"]
    shares = np.concatenate([[base], counts, [counts[-1] if counts.size else base]])
    step_added = np.concatenate([[base], added, [shares[-1] - base]])
    return pd.DataFrame({"Step": steps, "Added": step_added, "Shares": shares, "New %": (shares - base) / shares})


def shares_below_threshold(outstanding, threshold):
    """Most new shares one holder can take while its stake stays strictly below ``threshold`` of the enlarged count.

    A holder of ``h`` new shares owns ``h ÷ (outstanding + h)``; that stays below ``t`` while
    ``h < t·outstanding ÷ (1 − t)``, so the answer is the largest whole number strictly below that (never negative).
    This is the size at which the rights-plan trigger or the DGCL §203 threshold would bite for a single buyer of
    every share sold.

    Parameters
    ----------
    outstanding : int or array_like
        Shares outstanding before the new shares.
    threshold : float or array_like
        Ownership threshold as a fraction, in [0, 1).

    Examples
    --------
    The rights plan's 20% [S-10] and DGCL §203's 15% [S-13] on 21,862,772 shares [S-9]:

    >>> shares_below_threshold(21_862_772, 0.20)  # 20% × 21,862,772 ÷ 80% = 5,465,693 exactly: 20%, not below
    5465692.0
    >>> shares_below_threshold(21_862_772, 0.15)
    3858136.0
    """
    o = numbers(outstanding, "outstanding", low=0.0, low_open=True, whole=True)
    t = numbers(threshold, "threshold", low=0.0)
    if np.any(t >= 1.0):
        raise CEOModelError("threshold", "must be below 1 (a holder of new shares never reaches 100%)")
    o, t = broadcast(["outstanding", "threshold"], o, t)
    return answer(np.maximum(round_up(t * o / (1.0 - t)) - 1.0, 0.0))


def gross_for_shares(shares, price):
    """Gross sales price of ``shares`` at ``price``, rounded to the cent half up.

    Examples
    --------
    >>> gross_for_shares(4_372_554, 4.04)  # the Nasdaq 20% capacity [S-8] at the last sale price [cover]
    17665118.16
    """
    s = numbers(shares, "shares", low=0.0)
    p = numbers(price, "price", low=0.0, low_open=True)
    s, p = broadcast(["shares", "price"], s, p)
    return answer(round_half_up(s * p, 2))


def commission_by_tier(gross, schedule: Schedule) -> pd.DataFrame:
    """Gross sold in each tier of the schedule and the commission earned in it.

    The commission in a tier is ``fee(min(gross, To)) − fee(min(gross, From))`` of the rounded cumulative fee, so
    the tiers add up exactly to ``fee(gross)``.

    Parameters
    ----------
    gross : float
        Cumulative gross sales, 0 to the programme maximum.
    schedule : Schedule
        The commission tiers.

    Returns
    -------
    DataFrame with one row per tier: ``From``, ``To``, ``Rate``, ``Gross`` and ``Commission``.

    Examples
    --------
    $17,705,000 sold: $10M at 4% and $7,705,000 at 3.5% [cover; S-11]:

    >>> from model.deals.prospectus_2001 import SCHEDULE
    >>> commission_by_tier(17_705_000, SCHEDULE)["Commission"].tolist()
    [400000.0, 269675.0, 0.0]
    """
    g = float(check_gross(gross, schedule))
    starts, ends = schedule.starts, schedule.ends
    gross_in = np.clip(g - starts, 0.0, ends - starts)
    commission = np.asarray(fee(np.minimum(g, ends), schedule)) - np.asarray(fee(np.minimum(g, starts), schedule))
    return pd.DataFrame(
        {
            "From": starts,
            "To": ends,
            "Rate": schedule.rates,
            "Gross": gross_in,
            "Commission": round_half_up(commission, 2),
        }
    )


def sources_and_uses(
    gross,
    other_gross,
    commission,
    other_commission,
    expense_reimbursement,
    retainer_allocation,
    issuer_other_expenses,
) -> dict[str, float]:
    """Sources and uses of the offering's cash: gross sales of both agreements less every cost, to the net cash.

    The expense reimbursement and the retainer allocation are per agreement [S-12]: the Other Agreement's are
    counted only when it sells something.

    Parameters
    ----------
    gross, other_gross : float
        Gross sales under the Sales Agreement and under the Other Agreement.
    commission, other_commission : float
        The agent's commission on each.
    expense_reimbursement : float
        Expenses reimbursed to the agent, per agreement.
    retainer_allocation : float
        Advisory retainer and deposit allocated to each offering.
    issuer_other_expenses : float
        The issuer's other offering expenses.

    Returns
    -------
    dict of the lines, in order: ``sources`` (total), ``uses`` (total) and ``net`` (sources − uses) last.

    Examples
    --------
    The full programme and the Other Agreement [S-12]: $25M + $8.4M less $900,000 and $336,000 of commission,
    2 × $60,000 expenses, 2 × $62,500 retainer and $300,000:

    >>> sources_and_uses(25e6, 8.4e6, 900_000, 336_000, 60_000, 62_500, 300_000)["net"]
    31619000.0
    """
    names = ["gross", "other_gross", "commission", "other_commission", "expense_reimbursement"]
    values = [gross, other_gross, commission, other_commission, expense_reimbursement]
    g, og, c, oc, e = (float(numbers(v, n, low=0.0)) for v, n in zip(values, names, strict=True))
    r = float(numbers(retainer_allocation, "retainer_allocation", low=0.0))
    x = float(numbers(issuer_other_expenses, "issuer_other_expenses", low=0.0))
    other = 1.0 if og > 0 else 0.0
    lines = {
        "gross": g,
        "other_gross": og,
        "sources": g + og,
        "commission": c,
        "other_commission": oc,
        "expenses": e * (1.0 + other),
        "retainer": r * (1.0 + other),
        "issuer_expenses": x,
    }
    lines["uses"] = sum(lines[k] for k in ("commission", "other_commission", "expenses", "retainer", "issuer_expenses"))
    lines["net"] = lines["sources"] - lines["uses"]
    return lines


def other_agreement_compensation(
    other_gross,
    price,
    other_rate,
    other_maximum,
    warrant_coverage,
    warrant_premium,
    years,
    volatility,
    risk_free,
    dividend_yield,
    expenses,
    retainer,
    cap,
) -> dict[str, float]:
    """The agent's compensation under the Other Agreement against the cap, its sales made at ``price``.

    The Other Agreement pays a flat commission and "warrants with the same terms" [S-12]: ``warrant_coverage`` of
    the shares sold (``other_gross`` at ``price``, rounded down), struck at ``warrant_premium`` × ``price`` (the
    VWAP of sales all at one price), valued by Black–Scholes–Merton; plus its own expense reimbursement and
    retainer allocation [S-12] when it sells anything. The cap is ``cap`` × ``other_gross``.

    Returns
    -------
    dict: ``shares``, ``warrants``, ``strike``, ``value_each``, ``commission``, ``total``, ``cap_amount`` and
    ``headroom`` (cap amount − total; 0 without sales).

    Examples
    --------
    The full $8.4M at $4.04 with no volatility and no interest: the warrants struck at $5.25 are worth nothing, so
    the agent gets $336,000 + $60,000 + $62,500 = $458,500 against a cap of $672,000:

    >>> c = other_agreement_compensation(8.4e6, 4.04, 0.04, 8.4e6, 0.10, 1.30, 5, 0.0, 0.0, 0.0, 60_000, 62_500, 0.08)
    >>> c["warrants"], c["strike"], c["total"], c["headroom"]
    (207920.0, 5.25, 458500.0, 213500.0)
    """
    g = float(numbers(other_gross, "other_gross", low=0.0))
    p = float(numbers(price, "price", low=0.0, low_open=True))
    shares = float(round_down(g / p))
    warrants = float(warrant_shares(shares, warrant_coverage))
    strike = float(warrant_strike(p, warrant_premium))
    each = float(warrant_value(p, strike, years, volatility, risk_free, dividend_yield)) if g > 0 else 0.0
    commission = float(other_fee(g, other_rate, other_maximum))
    costs = float(expenses) + float(retainer) if g > 0 else 0.0
    total = commission + each * warrants + costs
    cap_amount = float(cap) * g
    return {
        "shares": shares,
        "warrants": warrants,
        "strike": strike,
        "value_each": each,
        "commission": commission,
        "total": total,
        "cap_amount": cap_amount,
        "headroom": cap_amount - total if g > 0 else 0.0,
    }


def month_starts(first: dt.date, months: int) -> list[dt.date]:
    """The first day of ``months`` consecutive months, from the month of ``first``.

    >>> month_starts(dt.date(2001, 11, 5), 3)
    [datetime.date(2001, 11, 1), datetime.date(2001, 12, 1), datetime.date(2002, 1, 1)]
    """
    return [dt.date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1) for k in range(months)]


def monthly_timeline(
    ledger: pd.DataFrame,
    first: dt.date,
    months: int,
    cash,
    monthly_burn,
    warrant_value,
    expense_reimbursement,
    retainer_allocation,
    compensation_cap,
) -> pd.DataFrame:
    """The programme month by month (trade dates): sales, commission, net, cash and runway, and the agent's
    compensation to date against the cap.

    Parameters
    ----------
    ledger : DataFrame
        :func:`model.placements` of the schedule (Trade date, Shares, Gross, Commission, Warrant shares).
    first : date
        A day in the first month.
    months : int
        Months in the timeline.
    cash, monthly_burn : float
        Cash at the start of the first month, and the burn of every month.
    warrant_value : float
        Value of one agent warrant.
    expense_reimbursement, retainer_allocation : float
        Counted in full from the first month.
    compensation_cap : float
        The cap as a fraction of gross sold to date.

    Returns
    -------
    DataFrame, one row per month: ``Start``, ``End``, ``Placements``, ``Gross``, ``Commission``, ``Net``,
    ``Cumulative net``, ``Cash`` (opening cash + net to date − burn × months elapsed), ``Runway`` (months of
    non-negative cash at the burn), ``Commission to date``, ``Warrant value to date``, ``Expenses``,
    ``Retainer``, ``Compensation to date`` and ``Cap``.

    Examples
    --------
    >>> rows = pd.DataFrame({"Trade date": [dt.date(2001, 11, 5)], "Shares": [100_000], "Gross": [404_000.0],
    ...                      "Commission": [16_160.0], "Warrant shares": [10_000]})
    >>> t = monthly_timeline(rows, dt.date(2001, 11, 5), 2, 1e6, 1e5, 1.0, 60_000, 62_500, 0.08)
    >>> t["Cash"].tolist()
    [1287840.0, 1187840.0]
    """
    c = float(numbers(cash, "cash"))
    burn = float(numbers(monthly_burn, "monthly_burn", low=0.0, low_open=True))
    starts = month_starts(first, months)
    ends = [*(s - dt.timedelta(days=1) for s in month_starts(first, months + 1)[1:])]
    dates = pd.to_datetime(ledger["Trade date"]).dt.date if len(ledger) else pd.Series([], dtype=object)

    def per_month(column: str) -> np.ndarray:
        values = ledger[column].to_numpy(dtype=float) if len(ledger) else np.array([])
        return np.array(
            [values[((dates >= s) & (dates <= e)).to_numpy()].sum() for s, e in zip(starts, ends, strict=True)]
        )

    count = np.array([((dates >= s) & (dates <= e)).sum() for s, e in zip(starts, ends, strict=True)], dtype=float)
    gross, commission, warrants = per_month("Gross"), per_month("Commission"), per_month("Warrant shares")
    net = gross - commission
    cumulative = np.cumsum(net)
    cash_after = c + cumulative - burn * np.arange(1, months + 1)
    fees = np.cumsum(commission)
    value = float(warrant_value) * np.cumsum(warrants)
    expenses = np.full(months, float(expense_reimbursement))
    retainer = np.full(months, float(retainer_allocation))
    return pd.DataFrame(
        {
            "Start": starts,
            "End": ends,
            "Placements": count,
            "Gross": gross,
            "Commission": commission,
            "Net": net,
            "Cumulative net": cumulative,
            "Cash": cash_after,
            "Runway": np.maximum(cash_after, 0.0) / burn,
            "Commission to date": fees,
            "Warrant value to date": value,
            "Expenses": expenses,
            "Retainer": retainer,
            "Compensation to date": fees + value + expenses + retainer,
            "Cap": float(compensation_cap) * np.cumsum(gross),
        }
    )
