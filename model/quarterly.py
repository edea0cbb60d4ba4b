"""The quarterly disclosure table: per fiscal quarter, per agent and in total, what the programme sold.

Shares sold, gross, commission, net and average price per share (gross ÷ shares, to the fourth decimal). Amounts
are Decimal cents (half up, as Excel's ROUND) summed exactly, so every quarter's ``all`` row adds up to its
agents' rows and the quarters to the ledger, to the cent.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from model.errors import CEOModelError
from model.reconcile import cents

ALL = "all"
KEYS = ("quarter", "agent", "shares", "gross", "commission", "net", "average_price")


def fiscal_year_end(text: str) -> tuple[int, int]:
    """``MM-DD`` as (month, day): the last day of a month (02-28 or 02-29 for February).

    >>> fiscal_year_end("06-30")
    (6, 30)
    """
    try:
        month, day = (int(part) for part in str(text).strip().split("-"))
    except ValueError:
        raise CEOModelError("--fiscal-year-end", f"must be MM-DD, e.g. 12-31 or 06-30 (got {text!r:.20})") from None
    if not 1 <= month <= 12 or (day != calendar.monthrange(2001, month)[1] and not (month == 2 and day == 29)):
        raise CEOModelError("--fiscal-year-end", f"must be the last day of a month, e.g. 12-31 or 06-30 (got {text})")
    return month, day


def quarter_of(day: dt.date, year_end_month: int = 12) -> str:
    """The fiscal quarter of ``day``, named by the calendar year its fiscal year ends in: ``2026Q1``.

    >>> quarter_of(dt.date(2025, 7, 1), 6), quarter_of(dt.date(2025, 6, 30), 6), quarter_of(dt.date(2025, 3, 31))
    ('2026Q1', '2025Q4', '2025Q1')
    """
    start = year_end_month % 12 + 1
    months_in = (day.month - start) % 12
    year = day.year + (1 if year_end_month != 12 and day.month > year_end_month else 0)
    return f"{year}Q{months_in // 3 + 1}"


def quarterly(ledger: pd.DataFrame, agent: str, year_end_month: int = 12) -> list[dict]:
    """One row per quarter and agent, then the quarter's ``all``; keys :data:`KEYS`.

    ``agent`` names the placements of a ledger with no Agent column (the programme's only agent).

    Examples
    --------
    >>> ledger = pd.DataFrame({"Trade date": [dt.date(2025, 3, 31), dt.date(2025, 4, 1)], "Shares": [100, 300],
    ...                        "Gross": [1000.0, 3300.0], "Commission": [30.0, 99.0], "Net": [970.0, 3201.0]})
    >>> [(r["quarter"], r["agent"], r["gross"], r["average_price"]) for r in quarterly(ledger, "A")]
    [('2025Q1', 'A', Decimal('1000.00'), Decimal('10.0000')), ('2025Q1', 'all', Decimal('1000.00'), \
Decimal('10.0000')), ('2025Q2', 'A', Decimal('3300.00'), Decimal('11.0000')), ('2025Q2', 'all', \
Decimal('3300.00'), Decimal('11.0000'))]
    """
    sums: dict[tuple[str, str], list] = {}
    order: list[str] = []
    names = ledger["Agent"].tolist() if "Agent" in ledger.columns else [agent] * len(ledger)
    for (_, row), name in zip(ledger.iterrows(), names, strict=True):
        quarter = quarter_of(pd.Timestamp(row["Trade date"]).date(), year_end_month)
        for key in ((quarter, name), (quarter, ALL)):
            acc = sums.setdefault(key, [0, Decimal(0), Decimal(0), Decimal(0)])
            acc[0] += int(row["Shares"])
            acc[1] += cents(row["Gross"])
            acc[2] += cents(row["Commission"])
            acc[3] += cents(row["Net"])
        if name not in order:
            order.append(name)
    out = []
    for quarter in sorted({q for q, _ in sums}):
        for name in [*order, ALL]:
            if (quarter, name) not in sums:
                continue
            shares, gross, commission, net = sums[(quarter, name)]
            average = (gross / shares).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if shares else Decimal(0)
            out.append(dict(zip(KEYS, (quarter, name, shares, gross, commission, net, average), strict=True)))
    return out
