"""The Inputs sheet: one input per scalar term of the term table, then the input blocks (schedule, holidays, scenario axes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from model.calendars import holidays_for
from model.terms import BIG, FIRST_DATE, LAST_DATE, TERM, TERMS, DealTerms, Nature, Term
from model.terms import Unit as TermUnit
from model.terms_file import sources_for
from workbook.kit.spec import (
    Input,
    InputBlock,
    Kind,
    Section,
    Unit,
)

UNITS = {
    TermUnit.USD: Unit.USD,
    TermUnit.PRICE: Unit.PRICE,
    TermUnit.PCT: Unit.PCT,
    TermUnit.RATE: Unit.RATE,
    TermUnit.SHARES: Unit.SHARES,
    TermUnit.YEARS: Unit.YEARS,
    TermUnit.DAYS: Unit.DAYS,
    TermUnit.COUNT: Unit.COUNT,
    TermUnit.DATE: Unit.DATE,
    TermUnit.TEXT: Unit.TEXT,
}


NATURE_NOTE = {
    Nature.ASSUMPTION: "Illustrative assumption: replace",
    Nature.MARKET: "",
    Nature.CONTRACT: "",
    Nature.IDENTITY: "",
}


@dataclass(frozen=True)
class Deal:
    """What the template needs of a deal besides its terms: where each term comes from."""

    terms: DealTerms
    sources: dict = field(default_factory=dict)
    verbatim: bool = False  # sources keyed by defined name and shown as they are (read back from a workbook)

    def source(self, name: str) -> str:
        term = TERM.get(name)
        if self.verbatim:
            key = term.excel if term and term.excel else BLOCK_OF.get(name, name)
            return self.sources.get(key, "")
        cited = self.sources.get(name, "")
        note = NATURE_NOTE[term.nature] if term else ""
        return "; ".join(part for part in (note, cited) if part)


BLOCK_OF = {"schedule": "Schedule", "holidays": "Holidays", "debenture_lowest_bids": "LowestRanks"}


def default_sources(terms: DealTerms) -> dict[str, str]:
    """Citations for terms given without a terms file: the default deal's where its values are kept."""
    return sources_for(terms)


def trade_dates(placements: pd.DataFrame) -> np.ndarray:
    """The trade dates of a placements frame, as ``datetime64[D]`` (empty rows dropped)."""
    column = placements["Trade date"] if "Trade date" in placements else pd.Series([], dtype=object)
    kept = [d for d in column if isinstance(d, dt.date)]
    return np.array(kept, dtype="datetime64[D]")


def inputs(deal: Deal) -> tuple:
    """One Input per scalar term of :data:`model.terms.TERMS`, in its order and sections."""
    parts, section = [], None
    for term in TERMS:
        if term.excel is None:
            continue  # carried by the size of an input block
        if term.section != section:
            section = term.section
            parts.append(Section(section))
        kind = (
            Kind.TEXT
            if term.unit is TermUnit.TEXT
            else Kind.DATE
            if term.unit is TermUnit.DATE
            else (Kind.WHOLE if term.whole else Kind.DECIMAL)
        )
        low, high = term.low, term.high
        if kind is Kind.DATE:
            low, high = FIRST_DATE, LAST_DATE
        elif kind is Kind.TEXT:
            low, high = term.choices, None
        elif term.low_open:
            low = _just_above(term)
        parts.append(
            Input(
                term.excel,
                term.label,
                getattr(deal.terms, term.name),
                UNITS[term.unit],
                low,
                high,
                kind,
                deal.source(term.name),
            )
        )
    parts += [
        Section("Model settings"),
        Input("EqualityTolerance", "Tolerance for equality checks", 0.005, Unit.USD, 0, 1, source="Half a cent"),
    ]
    return tuple(parts)


def _around(price: float, multiples: tuple) -> tuple[float, ...]:
    """Scenario share prices: multiples of the deal's share price, to the cent."""
    return tuple(sorted({round(price * m, 2) for m in multiples if round(price * m, 2) > 0}))


def _classb_bids(t: DealTerms) -> tuple[float, ...]:
    """Closing bids around the called warrants' thresholds (each side of the financing floor and of the price
    below which the lower factor applies), the share price, and past the cap."""
    cents = 0.01
    points = (
        t.classb_financing_floor - cents,
        t.classb_financing_floor,
        t.classb_low_price - cents,
        t.classb_low_price,
        t.last_sale_price / 2,
        t.last_sale_price,
        t.last_sale_price * 1.5,
        t.classb_cap / t.classb_factor * 1.2,
    )
    return tuple(sorted({round(p, 2) for p in points if round(p, 2) > 0}))


def _just_above(term: Term) -> float:
    """The lowest value a spreadsheet validation accepts for a term whose lower bound is open."""
    return {TermUnit.PRICE: 0.0001, TermUnit.USD: 0.01}.get(term.unit, 0.0001)


def blocks(deal: Deal, placements: pd.DataFrame) -> tuple:
    t = deal.terms
    ill = "Illustrative: replace"
    sched = tuple(tuple(row) for row in t.schedule.rows())
    holidays = holidays_for(t, trade_dates(placements))
    return (
        InputBlock(
            "Schedule",
            "Commission schedule",
            ("From", "To", "Rate"),
            sched,
            (Unit.USD, Unit.USD, Unit.RATE),
            (0, 0, 0),
            (BIG, BIG, 1),
            source=deal.source("schedule"),
            column_names=("ScheduleFrom", "ScheduleTo", "ScheduleRate"),
        ),
        InputBlock(
            "Holidays",
            "Market holidays",
            ("Date",),
            tuple((d,) for d in holidays) or ((None,),),
            (Unit.DATE,),
            (FIRST_DATE,),
            (LAST_DATE,),
            Kind.DATE,
            f"{t.exchange_calendar} calendar" if t.holidays is None else "Your holiday list",
        ),
        InputBlock(
            "IssuePrices",
            "Debenture: days before issuance",
            ("Price",),
            tuple((t.last_sale_price,) for _ in range(t.debenture_issue_days)),
            (Unit.PRICE,),
            (0.0001,),
            (100_000,),
            source=ill,
        ),
        InputBlock(
            "BidProfile",
            "Debenture: bids, % of scenario price",
            ("Factor",),
            tuple((1.0,) for _ in range(t.debenture_bid_days)),
            (Unit.PCT,),
            (0.0001,),
            (100,),
            source=f"{ill}: 100% = flat at the scenario price",
        ),
        InputBlock(
            "LowestRanks",
            "Debenture: ranks averaged",
            ("Rank",),
            tuple((float(k),) for k in range(1, t.debenture_lowest_bids + 1)),
            (Unit.COUNT,),
            (1,),
            (float(t.debenture_bid_days),),
            Kind.WHOLE,
            deal.source("debenture_lowest_bids"),
        ),
        InputBlock(
            "ConversionPrices",
            "Conversions: share prices",
            ("Price",),
            tuple((p,) for p in _around(t.last_sale_price, (0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, 1.25, 1.5, 2))),
            (Unit.PRICE,),
            (0.0001,),
            (100_000,),
            source="Scenario axis",
        ),
        InputBlock(
            "ClassBBids",
            "Class B: closing bids",
            ("Bid",),
            tuple((p,) for p in _classb_bids(t)),
            (Unit.PRICE,),
            (0.0001,),
            (100_000,),
            source="Scenario axis",
        ),
        InputBlock(
            "ScenarioPrices",
            "Scenarios: share prices",
            ("Price",),
            tuple((p,) for p in _around(t.last_sale_price, (0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5))),
            (Unit.PRICE,),
            (0.0001,),
            (100_000,),
            source="Scenario axis",
        ),
        InputBlock(
            "ScenarioSizes",
            "Scenarios: programme sizes",
            ("Gross",),
            tuple((t.schedule.maximum * k / 5,) for k in range(1, 6)),
            (Unit.USD,),
            (0,),
            (t.schedule.maximum,),
            source="Scenario axis (at most the programme maximum)",
        ),
        InputBlock(
            "ChartGross",
            "Chart: gross sales points",
            ("Gross",),
            tuple((t.schedule.maximum * k / 25,) for k in range(1, 26)),
            (Unit.USD,),
            (0.01,),
            (t.schedule.maximum,),
            source="Chart axis",
        ),
    )
