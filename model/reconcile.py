"""The agents' confirmations matched to the ledger: every difference to the cent, and what is missing or extra.

A confirmation is matched to the ledger placement with the same trade date and agent (several on one day and
agent: in order). Amounts are compared in whole cents (half up, as Excel's ROUND), prices to the fourth decimal,
shares exactly, settlement dates as dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

CONFIRMATION_COLUMNS = ("Trade date", "Agent", "Shares", "Price", "Gross", "Commission", "Net", "Settlement date")
"""What a confirmation may state (Trade date required); the ledger's column of the same name is compared."""
_PLACES = {
    "Shares": Decimal(1),
    "Price": Decimal("0.0001"),
    "Gross": Decimal("0.01"),
    "Commission": Decimal("0.01"),
    "Net": Decimal("0.01"),
}


@dataclass(frozen=True)
class Difference:
    """One field of one placement where the confirmation differs: ours, theirs and theirs − ours."""

    trade_date: dt.date
    agent: str
    field: str
    ours: object
    theirs: object
    difference: object


@dataclass
class Reconciliation:
    """The differences, the confirmations with no placement (``extra``) and the placements with none (``missing``)."""

    matched: int = 0
    differences: list[Difference] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    extra: list[dict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.differences or self.missing or self.extra)


def cents(value: object, places: Decimal = Decimal("0.01")) -> Decimal:
    """``value`` as a Decimal rounded half up to ``places`` (a float's shortest repr, so 0.1 is 0.1)."""
    return Decimal(repr(float(value))).quantize(places, rounding=ROUND_HALF_UP)


def reconcile(ledger: pd.DataFrame, confirmations: pd.DataFrame, agent: str) -> Reconciliation:
    """Match ``confirmations`` to ``ledger`` (:func:`model.placements`).

    Parameters
    ----------
    ledger : DataFrame
    confirmations : DataFrame
        Columns of :data:`CONFIRMATION_COLUMNS`, ``Trade date`` required; ``Agent`` blank or absent means
        ``agent`` (the programme's only agent).
    agent : str
        The agent of placements and confirmations that name none.

    Examples
    --------
    >>> from model.deals.modern_atm import TERMS
    >>> from model.ledger import placements
    >>> rows = pd.DataFrame({"Trade date": [dt.date(2025, 3, 3)], "Shares": [1000], "Price": [12.5]})
    >>> ours = placements(rows, TERMS)  # gross 12,500.00, commission 375.00
    >>> theirs = pd.DataFrame({"Trade date": [dt.date(2025, 3, 3)], "Commission": [375.01]})
    >>> [(d.field, d.ours, d.theirs, d.difference) for d in reconcile(ours, theirs, TERMS.agent).differences]
    [('Commission', Decimal('375.00'), Decimal('375.01'), Decimal('0.01'))]
    """
    ours = defaultdict(list)
    for _, row in ledger.iterrows():
        ours[(_day(row["Trade date"]), _agent(row.get("Agent"), agent))].append(row)
    result = Reconciliation()
    for _, conf in confirmations.iterrows():
        key = (_day(conf["Trade date"]), _agent(conf.get("Agent"), agent))
        if not ours.get(key):
            result.extra.append({"trade_date": key[0].isoformat(), "agent": key[1]} | _stated(conf))
            continue
        row = ours[key].pop(0)
        result.matched += 1
        for name in CONFIRMATION_COLUMNS[2:]:
            if name not in conf.index or _blank(conf[name]):
                continue
            if name == "Settlement date":
                mine, theirs = _day(row[name]), _day(conf[name])
                if mine != theirs:
                    result.differences.append(Difference(key[0], key[1], name, mine, theirs, (theirs - mine).days))
                continue
            mine, theirs = cents(row[name], _PLACES[name]), cents(conf[name], _PLACES[name])
            if mine != theirs:
                result.differences.append(Difference(key[0], key[1], name, mine, theirs, theirs - mine))
    for (day, name), rows in sorted(ours.items()):
        for row in rows:
            result.missing.append(
                {
                    "trade_date": day.isoformat(),
                    "agent": name,
                    "shares": int(row["Shares"]),
                    "gross": float(row["Gross"]),
                }
            )
    return result


def _day(value) -> dt.date:
    return pd.Timestamp(value).date()


def _blank(value) -> bool:
    return (
        value is None or (isinstance(value, float) and value != value) or (isinstance(value, str) and not value.strip())
    )


def _agent(value, default: str) -> str:
    return default if _blank(value) else " ".join(str(value).split())


def _stated(conf: pd.Series) -> dict:
    out = {}
    for name in ("Shares", "Gross"):
        if name in conf.index and not _blank(conf[name]):
            out[name.lower()] = float(conf[name])
    return out
