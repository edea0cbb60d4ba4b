"""Deal terms as immutable data, and the one table that knows each term.

:data:`TERMS` lists every term once: its type, unit, allowed range, label,
section of the Inputs sheet, defined name in the workbook and whether it is
fixed by a contract, an assumption or a name. :class:`DealTerms` holds one
deal's values and checks them against that table; the numbers of a named deal
live in its module under :mod:`model.deals` (the 2001 prospectus is
:data:`model.deals.prospectus_2001.PROSPECTUS`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cached_property

import numpy as np

from model.args import numbers
from model.errors import CEOModelError, ErrorKind


@dataclass(frozen=True)
class Tier:
    """One commission tier: ``rate`` applies to cumulative gross in [start, end)."""

    start: float
    end: float
    rate: float


@dataclass(frozen=True)
class Schedule:
    """A tiered commission schedule on cumulative gross sales.

    The tiers are contiguous, start at 0 and have rates in [0, 1]; the end of
    the last tier is the programme maximum. Build one with
    :meth:`Schedule.from_rows` to have those rules checked.

    Examples
    --------
    >>> Schedule.from_rows([[0, 1e7, 0.04], [1e7, 2.5e7, 0.03]]).maximum
    25000000.0
    """

    tiers: tuple[Tier, ...]

    @classmethod
    def from_rows(cls, rows: object, name: str = "schedule") -> Schedule:
        """Build a schedule from ``From | To | Rate`` rows.

        Parameters
        ----------
        rows : nested list, ndarray or DataFrame
            One row per tier. A first row of text (a header such as
            ``From | To | Rate``) is skipped, and so are rows that are entirely
            empty, so a range selected with spare rows below still works.
        name : str
            Argument name used in error messages.

        Raises
        ------
        CEOModelError
            When the rows are not three columns of numbers, not contiguous, do
            not start at 0, or have a rate outside [0, 1].
        """
        table = _table_rows(rows, name)
        if table.shape[1] != 3:
            raise CEOModelError(name, f"must have 3 columns (From | To | Rate), got {table.shape[1]}")
        offset = 0
        if table.shape[0] and all(isinstance(v, str) for v in table[0]):
            table, offset = table[1:], 1
        keep = [i for i in range(table.shape[0]) if not all(v is None for v in table[i])]
        if not keep:
            raise CEOModelError(name, "has no tiers")
        if keep != list(range(len(keep))):
            gap = next(i for i, k in enumerate(keep) if k != i)
            raise CEOModelError(name, "has an empty row between tiers", position=(gap + 1 + offset, 1))
        try:
            values = numbers(table[: len(keep)], name)
        except CEOModelError as exc:
            if exc.position is None or not offset:
                raise
            raise CEOModelError(name, exc.rule, exc.kind, (exc.position[0] + offset, exc.position[1])) from None
        starts, ends, rates = values[:, 0], values[:, 1], values[:, 2]

        def fail(row: int, col: int, rule: str) -> CEOModelError:
            return CEOModelError(name, rule, ErrorKind.NUM, (row + 1 + offset, col))

        if starts[0] != 0:
            raise fail(0, 1, f"must start at 0 (first From is {starts[0]:,.2f})")
        for i in range(len(starts)):
            if not 0 <= rates[i] <= 1:
                raise fail(i, 3, f"rate must be between 0 and 1 (got {rates[i]:g})")
            if ends[i] <= starts[i]:
                raise fail(i, 2, f"To must be greater than From ({ends[i]:,.2f} ≤ {starts[i]:,.2f})")
            if i and starts[i] != ends[i - 1]:
                raise fail(i, 1, f"tiers must be contiguous: From {starts[i]:,.2f} ≠ previous To {ends[i - 1]:,.2f}")
        return cls(tuple(Tier(float(s), float(e), float(r)) for s, e, r in zip(starts, ends, rates, strict=True)))

    @cached_property
    def starts(self) -> np.ndarray:
        return np.array([t.start for t in self.tiers])

    @cached_property
    def ends(self) -> np.ndarray:
        return np.array([t.end for t in self.tiers])

    @cached_property
    def rates(self) -> np.ndarray:
        return np.array([t.rate for t in self.tiers])

    @property
    def maximum(self) -> float:
        """The programme maximum: the end of the last tier."""
        return self.tiers[-1].end

    def rows(self) -> list[list[float]]:
        """The schedule as ``From | To | Rate`` rows."""
        return [[t.start, t.end, t.rate] for t in self.tiers]


def _table_rows(rows: object, name: str) -> np.ndarray:
    if hasattr(rows, "to_numpy"):  # pandas DataFrame
        rows = rows.to_numpy(dtype=object)
    try:
        table = np.array(rows, dtype=object)
    except ValueError as exc:
        raise CEOModelError(name, "must be a rectangular range") from exc
    if table.ndim == 1:
        table = table.reshape(1, -1)
    if table.ndim != 2:
        raise CEOModelError(name, "must be a range of rows From | To | Rate")
    return table


class Unit(StrEnum):
    """What a term measures; the workbook maps each to a number format."""

    USD = "usd"
    PRICE = "price"
    PCT = "pct"
    RATE = "rate"
    SHARES = "shares"
    YEARS = "years"
    DAYS = "days"
    COUNT = "count"
    DATE = "date"
    TEXT = "text"


class Nature(StrEnum):
    """Where a term's value comes from."""

    CONTRACT = "contract"  # fixed by the agreements or the securities' terms
    MARKET = "market"  # a fact about the issuer or its stock at the document's date
    ASSUMPTION = "assumption"  # an illustrative input the user is expected to replace
    IDENTITY = "identity"  # names and dates of the deal


BIG = 1e12  # upper bound for amounts and share counts: any real deal is far below
FIRST_DATE, LAST_DATE = dt.date(1990, 1, 1), dt.date(2099, 12, 31)


@dataclass(frozen=True)
class Term:
    """One deal term: the single place that knows its type, unit, range, label and home in the workbook."""

    name: str  # DealTerms field
    excel: str | None  # defined name of its Inputs cell (None: not a scalar input of the workbook)
    label: str
    unit: Unit
    low: float | dt.date | None = None
    high: float | dt.date | None = None
    nature: Nature = Nature.CONTRACT
    section: str = ""
    whole: bool = False
    low_open: bool = False
    choices: tuple[str, ...] = ()
    doc: str = ""

    @property
    def python_type(self) -> type:
        if self.unit is Unit.TEXT:
            return str
        if self.unit is Unit.DATE:
            return dt.date
        return int if self.whole else float

    def check(self, value: object) -> object:
        """The value as the term's type, or :class:`CEOModelError` naming the term, the value and the rule."""
        shown = repr(value) if not isinstance(value, str) else repr(value[:60])
        if value is None:
            raise CEOModelError(self.name, "is required (got null/empty)")
        if self.unit is Unit.TEXT:
            if not isinstance(value, str):
                raise CEOModelError(self.name, f"must be text, not {shown}")
            if self.choices and value not in self.choices:
                raise CEOModelError(self.name, f"must be one of {', '.join(self.choices)} (got {shown})")
            if len(value) > 200:
                raise CEOModelError(self.name, "must be at most 200 characters")
            return value
        if self.unit is Unit.DATE:
            value = _as_date(value, self.name)
            if not FIRST_DATE <= value <= LAST_DATE:
                raise CEOModelError(
                    self.name, f"must be between {FIRST_DATE} and {LAST_DATE} (got {value})", ErrorKind.NUM
                )
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CEOModelError(self.name, f"must be a number, not {shown}")
        if not math.isfinite(value):
            raise CEOModelError(self.name, f"must be a finite number (got {shown})", ErrorKind.NUM)
        if self.whole and value != int(value):
            raise CEOModelError(self.name, f"must be a whole number (got {shown})", ErrorKind.NUM)
        too_low = self.low is not None and (value <= self.low if self.low_open else value < self.low)
        if too_low or (self.high is not None and value > self.high):
            raise CEOModelError(self.name, f"must be {self.range_words()} (got {value:g})", ErrorKind.NUM)
        return int(value) if self.whole else float(value)

    def range_words(self) -> str:
        low = "above" if self.low_open else "at least"
        if self.high is None:
            return f"{low} {self.low:g}"
        if self.low_open:
            return f"above {self.low:g} and at most {self.high:g}"
        return f"between {self.low:g} and {self.high:g}"


_S, _C, _O, _M, _L, _D, _B, _I = (
    "Sales Agreement",
    "Agent compensation",
    "Other Agreement",
    "Market and capital structure",
    "Listing and control",
    "Convertible debentures",
    "Class B warrants",
    "Deal",
)
_A, _MK, _ID = Nature.ASSUMPTION, Nature.MARKET, Nature.IDENTITY

LISTING_RULES = ("nasdaq-2001", "nasdaq-minimum-price")

# fmt: off
TERMS: tuple[Term, ...] = (
    # name, defined name (None: an input block's size), label, unit, low, high; then what differs from the defaults
    # Deal
    Term("issuer", "Issuer", "Issuer", Unit.TEXT, nature=_ID, section=_I),
    Term("agent", "Agent", "Placement agent", Unit.TEXT, nature=_ID, section=_I),
    Term("document", "Document", "Source document", Unit.TEXT, nature=_ID, section=_I),
    Term("document_date", "DocumentDate", "Date of the source document", Unit.DATE, nature=_ID, section=_I),
    Term("exchange_calendar", "ExchangeCalendar", "Exchange calendar (settlement holidays)", Unit.TEXT, nature=_ID, section=_I, doc="An exchange_calendars code, e.g. XNYS or XNAS"),
    Term("listing_rule", "ListingRule", "Listing rule version for the discount-issuance test", Unit.TEXT, section=_I, choices=LISTING_RULES, doc="nasdaq-2001: below the greater of book or market value; nasdaq-minimum-price: below the Minimum Price"),
    # Sales Agreement
    Term("warrant_coverage", "WarrantCoverage", "Agent warrants, share of shares sold", Unit.PCT, 0, 1, section=_S),
    Term("warrant_premium", "WarrantPremium", "Warrant strike, multiple of VWAP", Unit.PCT, 0, 10, section=_S, low_open=True),
    Term("warrant_term_years", "WarrantTermYears", "Warrant term", Unit.YEARS, 0, 30, section=_S, low_open=True),
    Term("cashless_after_years", "CashlessAfterYears", "Cashless exercise from", Unit.YEARS, 0, 30, section=_S),
    Term("transfer_restriction_years", "TransferRestrictionYears", "Warrants not transferable for", Unit.YEARS, 0, 30, section=_S),
    Term("settlement_business_days", "SettlementDays", "Settlement cycle, business days after the sale (T+n)", Unit.DAYS, 0, 10, section=_S, whole=True),
    Term("lockup_trading_days", "LockupTradingDays", "Lock-up, trading days around a placement", Unit.DAYS, 0, 250, section=_S, whole=True),
    # Agent compensation
    Term("expense_reimbursement", "ExpenseReimbursement", "Expense reimbursement", Unit.USD, 0, BIG, section=_C),
    Term("advisory_retainer", "AdvisoryRetainer", "Advisory annual retainer", Unit.USD, 0, BIG, section=_C),
    Term("advisory_deposit", "AdvisoryDeposit", "Advisory deposit", Unit.USD, 0, BIG, section=_C),
    Term("retainer_allocation", "RetainerAllocation", "Retainer and deposit allocated to this offering", Unit.USD, 0, BIG, section=_C),
    Term("compensation_cap", "CompensationCap", "Compensation cap, share of gross", Unit.PCT, 0, 1, section=_C),
    Term("issuer_other_expenses", "IssuerOtherExpenses", "Issuer's other offering expenses", Unit.USD, 0, BIG, section=_C),
    # Other Agreement
    Term("other_maximum", "OtherMaximum", "Other Agreement maximum (0 = none)", Unit.USD, 0, BIG, section=_O),
    Term("other_rate", "OtherRate", "Other Agreement commission rate", Unit.PCT, 0, 1, section=_O),
    Term("other_gross", "OtherGross", "Other Agreement gross sales", Unit.USD, 0, BIG, nature=_A, section=_O),
    # Market and capital structure
    Term("last_sale_price", "SharePrice", "Share price", Unit.PRICE, 0, 100_000, nature=_MK, section=_M, low_open=True),
    Term("last_sale_date", "SharePriceDate", "Share price as of", Unit.DATE, nature=_MK, section=_M),
    Term("shares_outstanding", "SharesOutstanding", "Shares outstanding", Unit.SHARES, 1, BIG, nature=_MK, section=_M, whole=True),
    Term("options_warrants_outstanding", "OptionsWarrantsOutstanding", "Options and warrants outstanding", Unit.SHARES, 0, BIG, nature=_MK, section=_M, whole=True),
    Term("options_warrants_exercisable", "OptionsWarrantsExercisable", "of which currently exercisable", Unit.SHARES, 0, BIG, nature=_MK, section=_M, whole=True),
    Term("voting_holders_shares", "VotingHoldersShares", "Voting-agreement holders: shares held", Unit.SHARES, 0, BIG, nature=_MK, section=_M, whole=True),
    Term("voting_holders_potential_shares", "VotingHoldersPotential", "Voting-agreement holders: potential shares", Unit.SHARES, 0, BIG, nature=_MK, section=_M, whole=True),
    Term("price_low_52w", "PriceLow52w", "Share price, 52-week low", Unit.PRICE, 0, 100_000, nature=_MK, section=_M),
    Term("price_high_52w", "PriceHigh52w", "Share price, 52-week high", Unit.PRICE, 0, 100_000, nature=_MK, section=_M),
    Term("average_daily_volume", "AverageDailyVolume", "Average daily trading volume", Unit.SHARES, 0, BIG, nature=_MK, section=_M, whole=True),
    Term("monthly_burn", "MonthlyBurn", "Cash burn per month", Unit.USD, 0, BIG, nature=_MK, section=_M, low_open=True),
    Term("cash", "Cash", "Cash on hand", Unit.USD, 0, BIG, nature=_A, section=_M),
    Term("volatility", "Volatility", "Share price volatility (annual)", Unit.PCT, 0, 10, nature=_A, section=_M),
    Term("risk_free_rate", "RiskFreeRate", "Risk-free rate (continuous)", Unit.PCT, -0.5, 1, nature=_A, section=_M),
    Term("dividend_yield", "DividendYield", "Dividend yield (continuous)", Unit.PCT, 0, 1, nature=_A, section=_M),
    # Listing and control
    Term("nasdaq_discount_limit", "NasdaqLimit", "Discount issuance limit, share of outstanding", Unit.PCT, 0, 1, section=_L, low_open=True),
    Term("already_issued_at_discount", "AlreadyIssuedAtDiscount", "Shares already issued at a discount", Unit.SHARES, 0, BIG, nature=_A, section=_L, whole=True),
    Term("listing_minimum_price", "ListingMinimumPrice", "Minimum price: sales below it count against the limit", Unit.PRICE, 0, 100_000, nature=_MK, section=_L, doc="nasdaq-2001: the greater of book and market value per share; nasdaq-minimum-price: the lower of the last close and the 5-day average close before signing"),
    Term("nasdaq_minimum_bid", "NasdaqMinimumBid", "Minimum bid price for continued listing", Unit.PRICE, 0, 1000, section=_L),
    Term("rights_plan_trigger", "RightsPlanTrigger", "Rights plan trigger, beneficial ownership", Unit.PCT, 0, 1, section=_L),
    Term("dgcl_interested_holder", "DgclInterestedHolder", "DGCL §203 interested stockholder threshold", Unit.PCT, 0, 1, section=_L),
    # Convertible debentures
    Term("debenture_principal", "DebenturePrincipal", "Debenture principal", Unit.USD, 0, BIG, section=_D),
    Term("debenture_days", "DebentureDays", "Days from issuance to conversion", Unit.DAYS, 0, 100_000, nature=_A, section=_D, whole=True),
    Term("debenture_initial_premium", "DebenturePremium", "Initial conversion price, multiple of the issue average", Unit.PCT, 0, 10, section=_D, low_open=True),
    Term("debenture_reset_after_days", "DebentureResetDays", "Reset applies after (days)", Unit.DAYS, 0, 100_000, section=_D, whole=True),
    Term("debenture_reset_factor", "DebentureResetFactor", "Reset price, multiple of the lowest bids' average", Unit.PCT, 0, 10, section=_D, low_open=True),
    Term("debenture_issue_days", None, "Trading days averaged before issuance", Unit.COUNT, 1, 250, section=_D, whole=True),
    Term("debenture_lowest_bids", None, "Lowest bids averaged", Unit.COUNT, 1, 250, section=_D, whole=True),
    Term("debenture_bid_days", None, "Trading days of bids before conversion", Unit.COUNT, 1, 250, section=_D, whole=True),
    # Class B warrants
    Term("classb_cap", "ClassBCap", "Exercise price cap", Unit.PRICE, 0, 100_000, section=_B, low_open=True),
    Term("classb_factor", "ClassBFactor", "Exercise price, multiple of the closing bid", Unit.PCT, 0, 10, section=_B, low_open=True),
    Term("classb_factor_low", "ClassBFactorLow", "... when the market price is below the threshold", Unit.PCT, 0, 10, section=_B, low_open=True),
    Term("classb_low_price", "ClassBLowPrice", "Threshold market price", Unit.PRICE, 0, 100_000, section=_B),
    Term("classb_financing_floor", "ClassBFloor", "Below this price not usable as financing", Unit.PRICE, 0, 100_000, section=_B),
    Term("classb_shares", "ClassBShares", "Class B shares exercisable", Unit.SHARES, 0, BIG, section=_B, whole=True),
)
# fmt: on
"""Every scalar term, in the order of the Inputs sheet. ``schedule`` and ``holidays`` are tables (see DealTerms)."""

TERM = {t.name: t for t in TERMS}
TABLE_TERMS = ("schedule", "holidays")


@dataclass(frozen=True)
class DealTerms:
    """Every term of one offering; values are checked against :data:`TERMS` when the object is made.

    Amounts in dollars, rates as fractions (0.04 = 4%), periods as stated.
    ``holidays`` is ``None`` for the exchange calendar's own holidays (see
    :mod:`model.calendars`), or the user's list of dates.
    """

    schedule: Schedule
    issuer: str
    agent: str
    document: str
    document_date: dt.date
    exchange_calendar: str
    listing_rule: str
    warrant_coverage: float
    warrant_premium: float
    warrant_term_years: float
    cashless_after_years: float
    transfer_restriction_years: float
    settlement_business_days: int
    lockup_trading_days: int
    expense_reimbursement: float
    advisory_retainer: float
    advisory_deposit: float
    retainer_allocation: float
    compensation_cap: float
    issuer_other_expenses: float
    other_maximum: float
    other_rate: float
    other_gross: float
    last_sale_price: float
    last_sale_date: dt.date
    shares_outstanding: int
    options_warrants_outstanding: int
    options_warrants_exercisable: int
    voting_holders_shares: int
    voting_holders_potential_shares: int
    price_low_52w: float
    price_high_52w: float
    average_daily_volume: int
    monthly_burn: float
    cash: float
    volatility: float
    risk_free_rate: float
    dividend_yield: float
    nasdaq_discount_limit: float
    listing_minimum_price: float
    already_issued_at_discount: int
    nasdaq_minimum_bid: float
    rights_plan_trigger: float
    dgcl_interested_holder: float
    debenture_principal: float
    debenture_days: int
    debenture_initial_premium: float
    debenture_reset_after_days: int
    debenture_reset_factor: float
    debenture_issue_days: int
    debenture_lowest_bids: int
    debenture_bid_days: int
    classb_cap: float
    classb_factor: float
    classb_factor_low: float
    classb_low_price: float
    classb_financing_floor: float
    classb_shares: int
    holidays: tuple[dt.date, ...] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.schedule, Schedule):
            object.__setattr__(self, "schedule", Schedule.from_rows(self.schedule, "schedule"))
        for term in TERMS:
            object.__setattr__(self, term.name, term.check(getattr(self, term.name)))
        if self.holidays is not None:
            object.__setattr__(self, "holidays", holiday_list(self.holidays))
        for rule, ok in _CONSISTENT:
            if not ok(self):
                raise CEOModelError(rule[0], rule[1], ErrorKind.NUM)

    def replace(self, **changes: object) -> DealTerms:
        """A copy with some terms changed (unknown names are refused)."""
        unknown = sorted(set(changes) - FIELD_NAMES)
        if unknown:
            raise CEOModelError(unknown[0], "is not a deal term")
        return dataclasses.replace(self, **changes)

    def to_mapping(self) -> dict[str, object]:
        """Plain values (schedule as ``[[From, To, Rate], …]``, holidays as a list or None): the inverse of
        :func:`from_mapping`."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["schedule"] = self.schedule.rows()
        out["holidays"] = None if self.holidays is None else list(self.holidays)
        return out


FIELD_NAMES = frozenset(f.name for f in fields(DealTerms))

_CONSISTENT = (
    (
        ("options_warrants_exercisable", "must not exceed options_warrants_outstanding"),
        lambda t: t.options_warrants_exercisable <= t.options_warrants_outstanding,
    ),
    (("price_low_52w", "must not exceed price_high_52w"), lambda t: t.price_low_52w <= t.price_high_52w),
    (("other_gross", "must not exceed other_maximum"), lambda t: t.other_gross <= t.other_maximum),
    (
        ("debenture_lowest_bids", "must not exceed debenture_bid_days"),
        lambda t: t.debenture_lowest_bids <= t.debenture_bid_days,
    ),
    (
        ("retainer_allocation", "must not exceed advisory_retainer + advisory_deposit"),
        lambda t: t.retainer_allocation <= t.advisory_retainer + t.advisory_deposit + 0.005,
    ),
)


def from_mapping(data: dict, base: DealTerms | None = None) -> DealTerms:
    """Deal terms from plain values (a parsed TOML/JSON terms file): every key must be a term.

    Keys left out come from ``base``; without a base every term is required.
    """
    if not isinstance(data, dict):
        raise CEOModelError("terms", "must be a table (object) of term names and values")
    unknown = sorted(set(data) - FIELD_NAMES)
    if unknown:
        raise CEOModelError(unknown[0], "is not a deal term")
    if base is None:
        missing = [f.name for f in fields(DealTerms) if f.name not in data and f.name != "holidays"]
        if missing:
            raise CEOModelError(missing[0], "is required (no base deal to take it from)")
        return DealTerms(**data)
    return base.replace(**data)


def holiday_list(value: object) -> tuple[dt.date, ...]:
    """A user's holiday list: a list of dates (ISO text or dates), sorted and without duplicates."""
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise CEOModelError("holidays", f"must be a list of dates, not {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        try:
            out.append(_as_date(item, "holidays"))
        except CEOModelError as exc:
            raise CEOModelError("holidays", f"item {i + 1}: {exc.rule}") from None
    return tuple(sorted(set(out)))


def _as_date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise CEOModelError(name, f"must be a date without a time of day (got {value})")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    shown = repr(value[:40]) if isinstance(value, str) else repr(value)
    raise CEOModelError(name, f"must be a date (YYYY-MM-DD), not {shown}")
