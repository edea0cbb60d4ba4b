"""Deal terms back from a workbook's Inputs: the inverse of the Inputs sheet the template writes.

The template writes every scalar term to its named cell (:data:`model.terms.TERMS`
gives the name) and the table terms to input blocks: the schedule to
``Schedule``, holidays to ``Holidays``, and the debenture's day counts as the
sizes of ``IssuePrices``, ``BidProfile`` and ``LowestRanks``. Reading them back
gives the same :class:`~model.terms.DealTerms` (a property the tests check).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from model.calendars import holidays_for
from model.terms import TERMS, DealTerms
from workbook.kit.spec import Input, InputBlock, Sheet

BLOCK_SIZES = {
    "debenture_issue_days": "IssuePrices",
    "debenture_bid_days": "BidProfile",
    "debenture_lowest_bids": "LowestRanks",
}


def inputs_of(sheets: tuple[Sheet, ...]) -> tuple[dict[str, object], dict[str, tuple]]:
    """({defined name: value} of scalar inputs, {block name: rows}) of the Inputs sheet."""
    parts = next(s for s in sheets if s.name == "Inputs").parts
    scalars = {p.name: p.value for p in parts if isinstance(p, Input)}
    blocks = {p.name: p.rows for p in parts if isinstance(p, InputBlock)}
    return scalars, blocks


def terms_from_inputs(sheets: tuple[Sheet, ...], placements: pd.DataFrame | None = None) -> DealTerms:
    """The deal terms the Inputs sheet holds (checked as any DealTerms is: bad values raise CEOModelError).

    A holiday block equal to the exchange calendar's holidays for the same dates
    reads back as the calendar (``holidays=None``); any other list is the user's.
    """
    scalars, blocks = inputs_of(sheets)
    values = {t.name: _plain(scalars.get(t.excel)) for t in TERMS if t.excel is not None}
    values.update({name: len(blocks[block]) for name, block in BLOCK_SIZES.items()})
    values["schedule"] = [list(row) for row in blocks["Schedule"]]
    terms = DealTerms(holidays=None, **values)
    listed = tuple(sorted({_plain(row[0]) for row in blocks["Holidays"] if row[0] is not None}))
    dates = [] if placements is None else [d for d in placements.get("Trade date", []) if isinstance(d, dt.date)]
    if listed != holidays_for(terms, pd.to_datetime(pd.Series(dates, dtype=object)).to_numpy("datetime64[D]")):
        terms = terms.replace(holidays=listed)
    return terms


def _plain(value):
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value
