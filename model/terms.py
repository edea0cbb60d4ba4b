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

from model.agents import OWN_TERMS, Agent, agents_from
from model.errors import CEOModelError, ErrorKind
from model.schedule import Schedule, Tier  # noqa: F401  (Tier re-exported: model.terms is where deals import it from)


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

_DK = "Desk: what may be sold"

# fmt: off
DESK_TERMS: tuple[Term, ...] = (
    # the desk's daily questions (model.capacity); optional: left out (None), the limit they feed is not evaluated
    Term("programme_maximum", None, "Programme maximum, all agents together", Unit.USD, 0, BIG, section=_DK, low_open=True, doc="left out: the last To of schedule"),
    Term("public_float", None, "Public float (common equity held by non-affiliates, market value)", Unit.USD, 0, BIG, nature=_MK, section=_DK),
    Term("public_float_date", None, "Public float as of", Unit.DATE, nature=_MK, section=_DK),
    Term("baby_shelf_threshold", None, "Baby shelf applies while the public float is below", Unit.USD, 0, BIG, section=_DK, doc="Form S-3 General Instruction I.B.6: $75 million"),
    Term("baby_shelf_fraction", None, "Baby shelf: share of the public float sold in any 12 months", Unit.PCT, 0, 1, section=_DK, low_open=True, doc="Form S-3 General Instruction I.B.6(a): one-third"),
    Term("prior_sales_12m", None, "Sales under I.B.6 outside this ledger, in the 12 months to its date", Unit.USD, 0, BIG, nature=_MK, section=_DK),
    Term("prior_sales_date", None, "Prior sales as of", Unit.DATE, nature=_MK, section=_DK),
    Term("shares_outstanding_before", None, "Shares outstanding before the issuance (Nasdaq 5635(d))", Unit.SHARES, 1, BIG, nature=_MK, section=_DK, whole=True, doc="left out: shares_outstanding"),
    Term("volume_limit_share", None, "Daily sales at most this share of average daily volume", Unit.PCT, 0, 1, section=_DK, low_open=True),
)
# fmt: on
"""Optional terms of the desk's questions (capacity, reconciliation, the quarterly table); not on the Inputs sheet
yet. The Minimum Price of Nasdaq 5635(d) is :data:`TERMS`'s ``listing_minimum_price``."""

DESK_DEFAULTS: dict[str, object] = {
    "baby_shelf_threshold": 75_000_000.0,
    "baby_shelf_fraction": 1 / 3,
    "prior_sales_12m": 0.0,
}
"""Desk terms with a value when left out (the rule's own numbers); the others default to None (not stated)."""

TERM = {t.name: t for t in (*TERMS, *DESK_TERMS)}
TABLE_TERMS = ("schedule", "holidays")
OPTIONAL_TERMS = ("agents", *(t.name for t in DESK_TERMS))
"""Terms a file may leave out without taking them from a base deal."""


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
    agents: tuple[Agent, ...] = ()
    programme_maximum: float | None = None
    public_float: float | None = None
    public_float_date: dt.date | None = None
    baby_shelf_threshold: float = DESK_DEFAULTS["baby_shelf_threshold"]
    baby_shelf_fraction: float = DESK_DEFAULTS["baby_shelf_fraction"]
    prior_sales_12m: float = DESK_DEFAULTS["prior_sales_12m"]
    prior_sales_date: dt.date | None = None
    shares_outstanding_before: int | None = None
    volume_limit_share: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.schedule, Schedule):
            object.__setattr__(self, "schedule", Schedule.from_rows(self.schedule, "schedule"))
        for term in TERMS:
            object.__setattr__(self, term.name, term.check(getattr(self, term.name)))
        for term in DESK_TERMS:
            value = getattr(self, term.name)
            if value is not None or term.name in DESK_DEFAULTS:
                object.__setattr__(self, term.name, term.check(value))
        object.__setattr__(self, "agents", agents_from(self.agents, lambda name, v: TERM[name].check(v)))
        if self.holidays is not None:
            object.__setattr__(self, "holidays", holiday_list(self.holidays))
        for rule, ok in _CONSISTENT:
            if not ok(self):
                raise CEOModelError(rule[0], rule[1], ErrorKind.NUM)

    @property
    def sales_agents(self) -> tuple[Agent, ...]:
        """The agents selling the programme, each with every term resolved: ``agents`` when given, else the one
        ``agent`` paid on ``schedule``; a term an agent leaves out is the deal's.

        Examples
        --------
        >>> from model.deals.prospectus_2001 import PROSPECTUS
        >>> [(a.name, a.schedule.maximum, a.warrant_coverage) for a in PROSPECTUS.sales_agents]
        [('Cantor Fitzgerald & Co.', 25000000.0, 0.1)]
        """
        listed = self.agents or (Agent(self.agent, self.schedule),)
        return tuple(
            dataclasses.replace(a, **{k: getattr(self, k) for k in OWN_TERMS if getattr(a, k) is None}) for a in listed
        )

    @property
    def maximum(self) -> float:
        """The programme maximum, all agents together: ``programme_maximum``, else the last To of ``schedule``."""
        return self.schedule.maximum if self.programme_maximum is None else self.programme_maximum

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
        out["agents"] = [a.to_mapping() for a in self.agents]
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
    (
        ("programme_maximum", "must not exceed the last To of schedule when there is one agent (no agents)"),
        lambda t: t.agents or t.programme_maximum is None or t.programme_maximum <= t.schedule.maximum + 0.005,
    ),
    (("public_float_date", "is required with public_float"), lambda t: t.public_float is None or t.public_float_date),
    (
        ("prior_sales_date", "is required when prior_sales_12m is above 0"),
        lambda t: not t.prior_sales_12m or t.prior_sales_date,
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
        missing = [
            f.name for f in fields(DealTerms) if f.name not in data and f.name not in ("holidays", *OPTIONAL_TERMS)
        ]
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
