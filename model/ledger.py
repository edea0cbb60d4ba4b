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
    DataFrame with :data:`OUTPUT_COLUMNS`. Gross is shares × price rounded to
    the cent; the commission of each placement is the fee on the cumulative
    gross after it less the fee before it, so the commissions add up exactly
    to the fee on the total. Warrant strike is the warrant premium times the
    placement's price (its VWAP), rounded to the cent.

    Raises
    ------
    CEOModelError
        On a missing column, a partly empty row, bad numbers or dates, or a
        cumulative gross above the programme maximum (naming the row).

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
    given = table.loc[:, list(INPUT_COLUMNS)].reset_index(drop=True)
    rows = given.astype(object).where(given.notna(), None)
    kept = ~rows.isna().all(axis=1)
    rows = rows[kept]
    if rows.empty:
        return pd.DataFrame({c: [] for c in OUTPUT_COLUMNS})
    range_rows = np.flatnonzero(kept.to_numpy()) + 1 + header_rows
    trade = _column(lambda v: dates(v, "Trade date"), rows["Trade date"], name, range_rows)
    shares = _column(
        lambda v: numbers(v, "Shares", low=0.0, low_open=True, whole=True), rows["Shares"], name, range_rows
    )
    price = _column(lambda v: numbers(v, "Price", low=0.0, low_open=True), rows["Price"], name, range_rows)

    schedule = terms.schedule
    gross = round_half_up(shares * price, 2)
    cumulative = np.cumsum(gross)
    over = np.flatnonzero(cumulative > schedule.maximum + 0.005)
    if over.size:
        i = int(over[0])
        raise CEOModelError(
            name,
            f"cumulative gross {cumulative[i]:,.2f} passes {PROGRAMME_MAXIMUM} {schedule.maximum:,.2f}",
            ErrorKind.NUM,
            (int(range_rows[i]), INPUT_COLUMNS.index("Shares") + 1),
        )
    fee_after = round_half_up(tier_fee(np.minimum(cumulative, schedule.maximum), schedule), 2)
    commission = round_half_up(np.diff(fee_after, prepend=0.0), 2)
    settle = settlement_date(trade, holidays_for(terms, trade), terms.settlement_business_days)
    return pd.DataFrame(
        {
            "Trade date": trade.astype(dt.date),
            "Shares": shares,
            "Price": price,
            "Gross": gross,
            "Cumulative gross": cumulative,
            "Commission": commission,
            "Net": gross - commission,
            "Warrant shares": round_down(shares * terms.warrant_coverage),
            "Warrant strike": round_half_up(price * terms.warrant_premium, 2),
            "Settlement date": settle.astype(dt.date),
        }
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
