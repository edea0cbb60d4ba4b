"""The placement ledger: one row per placement, commissions split across tiers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from model.args import numbers
from model.calendars import holidays_for
from model.commission import PROGRAMME_MAXIMUM, tier_fee
from model.errors import CEOModelError, ErrorKind
from model.rounding import round_down, round_half_up
from model.terms import DealTerms
from model.warrants import dates, settlement_date

INPUT_COLUMNS = ("Trade date", "Shares", "Price")
AGENT = "Agent"
"""The optional column naming the agent of each placement (required when the programme has several agents)."""
AGENT_COLUMNS = (AGENT, "Agent cumulative gross")
"""Added to :data:`OUTPUT_COLUMNS` when the table has an Agent column or the programme several agents."""
OUTPUT_COLUMNS = (
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
)


def placements(table: pd.DataFrame, terms: DealTerms, name: str = "table", header_rows: int = 0) -> pd.DataFrame:
    """One row per placement: gross, cumulative gross, commission, net, warrants, settlement.

    Parameters
    ----------
    table : DataFrame
        Columns ``Trade date | Shares | Price`` in the order sold. Rows that
        are entirely empty are dropped (a ledger range with spare rows).
    terms : DealTerms
        Schedule, warrant cover and premium, settlement cycle and holidays
        (the exchange calendar's when the terms give none).
    name : str
        Argument name for error messages.
    header_rows : int
        Rows above the data in the caller's range, so that error positions
        name the caller's row (1 when the range includes its header).

    Returns
    -------
    DataFrame with :data:`OUTPUT_COLUMNS` (and :data:`AGENT_COLUMNS` when the
    table has an ``Agent`` column or the terms several agents). Gross is
    shares × price rounded to the cent; the commission of each placement is
    the fee, on its agent's schedule, on the agent's cumulative gross after it
    less the fee before it, so each agent's commissions add up exactly to the
    fee on its total. Warrant shares and strike use the agent's coverage and
    premium (the placement's price is its VWAP), the strike rounded to the cent.

    Raises
    ------
    CEOModelError
        On a missing column, a partly empty row, bad numbers or dates, an
        unknown or missing agent, or a cumulative gross above the programme
        maximum or above an agent's schedule (naming the row).

    Examples
    --------
    >>> rows = pd.DataFrame({"Trade date": [dt.date(2001, 11, 5)], "Shares": [1_000_000], "Price": [4.04]})
    >>> from model.deals.prospectus_2001 import PROSPECTUS
    >>> placements(rows, PROSPECTUS)[["Gross", "Commission", "Warrant shares", "Warrant strike"]].iloc[0].tolist()
    [4040000.0, 161600.0, 100000.0, 5.25]
    """
    missing = [c for c in INPUT_COLUMNS if c not in table.columns]
    if missing:
        raise CEOModelError(name, f"needs a header row Trade date | Shares | Price; missing {', '.join(missing)}")
    agents = terms.sales_agents
    with_agents = AGENT in table.columns or len(agents) > 1
    columns = OUTPUT_COLUMNS + AGENT_COLUMNS if with_agents else OUTPUT_COLUMNS
    given = table.loc[:, list(INPUT_COLUMNS)].reset_index(drop=True)
    rows = given.astype(object).where(given.notna(), None)
    kept = ~rows.isna().all(axis=1)
    rows = rows[kept]
    if rows.empty:
        return pd.DataFrame({c: [] for c in columns})
    range_rows = np.flatnonzero(kept.to_numpy()) + 1 + header_rows
    trade = _column(lambda v: dates(v, "Trade date"), rows["Trade date"], name, range_rows)
    shares = _column(
        lambda v: numbers(v, "Shares", low=0.0, low_open=True, whole=True), rows["Shares"], name, range_rows
    )
    price = _column(lambda v: numbers(v, "Price", low=0.0, low_open=True), rows["Price"], name, range_rows)

    which = agent_of_rows(table, kept, agents, name, range_rows)
    gross = round_half_up(shares * price, 2)
    cumulative = np.cumsum(gross)
    _refuse_over(cumulative, terms.maximum, PROGRAMME_MAXIMUM, name, range_rows)
    own = np.zeros_like(gross)
    commission = np.zeros_like(gross)
    coverage, premium = np.zeros_like(gross), np.zeros_like(gross)
    for k, agent in enumerate(agents):
        mine = which == k
        if not mine.any():
            continue
        schedule = agent.schedule
        own[mine] = np.cumsum(gross[mine])
        _refuse_over(own[mine], schedule.maximum, f"{agent.name}'s schedule (last To)", name, range_rows[mine])
        fee_after = round_half_up(tier_fee(np.minimum(own[mine], schedule.maximum), schedule), 2)
        commission[mine] = round_half_up(np.diff(fee_after, prepend=0.0), 2)
        coverage[mine], premium[mine] = agent.warrant_coverage, agent.warrant_premium
    settle = settlement_date(trade, holidays_for(terms, trade), terms.settlement_business_days)
    ledger = pd.DataFrame(
        {
            "Trade date": trade.astype(dt.date),
            "Shares": shares,
            "Price": price,
            "Gross": gross,
            "Cumulative gross": cumulative,
            "Commission": commission,
            "Net": gross - commission,
            "Warrant shares": round_down(shares * coverage),
            "Warrant strike": round_half_up(price * premium, 2),
            "Settlement date": settle.astype(dt.date),
        }
    )
    if with_agents:
        ledger[AGENT] = [agents[k].name for k in which]
        ledger["Agent cumulative gross"] = own
    return ledger


def agent_of_rows(table: pd.DataFrame, kept: pd.Series, agents, name: str, range_rows: np.ndarray) -> np.ndarray:
    """The index in ``agents`` of each kept row's agent: its ``Agent`` cell matched ignoring case and spaces
    (blank with one agent: that agent); a missing or unknown name is refused naming the row."""
    if AGENT not in table.columns:
        if len(agents) > 1:
            names = ", ".join(a.name for a in agents)
            raise CEOModelError(name, f"needs an {AGENT} column: the programme has {len(agents)} agents ({names})")
        return np.zeros(int(kept.sum()), dtype=int)
    keys = {" ".join(a.name.split()).casefold(): k for k, a in enumerate(agents)}
    column = INPUT_COLUMNS.index("Price") + 2
    out = []
    for row, value in zip(range_rows, table[AGENT].reset_index(drop=True)[kept.to_numpy()], strict=True):
        blank = value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip()
        if blank and len(agents) == 1:
            out.append(0)
            continue
        if blank:
            raise CEOModelError(
                name, f"{AGENT} is missing (one of {', '.join(a.name for a in agents)})", position=(int(row), column)
            )
        key = " ".join(str(value).split()).casefold()
        if key not in keys:
            raise CEOModelError(
                name,
                f"{AGENT} {str(value).strip()!r:.40} is not an agent of the programme (one of "
                f"{', '.join(a.name for a in agents)})",
                position=(int(row), column),
            )
        out.append(keys[key])
    return np.array(out, dtype=int)


def _refuse_over(cumulative: np.ndarray, maximum: float, what: str, name: str, range_rows: np.ndarray) -> None:
    over = np.flatnonzero(cumulative > maximum + 0.005)
    if over.size:
        i = int(over[0])
        raise CEOModelError(
            name,
            f"cumulative gross {cumulative[i]:,.2f} passes {what} {maximum:,.2f}",
            ErrorKind.NUM,
            (int(range_rows[i]), INPUT_COLUMNS.index("Shares") + 1),
        )


def _column(check, values: pd.Series, table_name: str, range_rows: np.ndarray) -> np.ndarray:
    try:
        return check(values.to_numpy(dtype=object))
    except CEOModelError as exc:
        # a one-row column has no position of its own: its one cell is the offender
        index = exc.position[0] - 1 if exc.position else 0 if len(values) == 1 else None
        row = int(range_rows[index]) if index is not None else None
        column = INPUT_COLUMNS.index(exc.argument) + 1
        raise CEOModelError(
            table_name, f"{exc.argument} {exc.rule}", exc.kind, (row, column) if row else None
        ) from None
