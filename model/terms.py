"""Deal terms as immutable data, defaulting to the NeoTherapeutics prospectus.

Source: prospectus supplement of NeoTherapeutics, Inc. dated November 1, 2001
(placement agent Cantor Fitzgerald & Co.); page references in comments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
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
    >>> PROSPECTUS_SCHEDULE.maximum
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


# 4.00% of the first $10M, 3.50% of the next $10M, 3.00% of the last $5M [cover; S-11].
PROSPECTUS_SCHEDULE = Schedule(
    (
        Tier(0.0, 10_000_000.0, 0.04),
        Tier(10_000_000.0, 20_000_000.0, 0.035),
        Tier(20_000_000.0, 25_000_000.0, 0.03),
    )
)


@dataclass(frozen=True)
class DealTerms:
    """Every term of the offering, with the prospectus as the default.

    Amounts in dollars, rates as fractions (0.04 = 4%), periods as stated.
    Fields marked *illustrative* are not in the prospectus; they are
    assumptions a user is expected to replace.
    """

    # Sales Agreement [cover; S-11; S-12]
    schedule: Schedule = PROSPECTUS_SCHEDULE
    warrant_coverage: float = 0.10
    warrant_premium: float = 1.30
    warrant_term_years: float = 5.0
    cashless_after_years: float = 1.0
    transfer_restriction_years: float = 1.0
    settlement_business_days: int = 3
    lockup_trading_days: int = 5
    # Other Agreement [S-12]
    other_maximum: float = 8_400_000.0
    other_rate: float = 0.04
    # Agent's compensation and expenses [S-12]
    expense_reimbursement: float = 60_000.0
    advisory_retainer: float = 75_000.0
    advisory_deposit: float = 50_000.0
    retainer_allocation: float = 62_500.0
    compensation_cap: float = 0.08
    issuer_other_expenses: float = 300_000.0
    # Market and capital structure [cover; S-4; S-9; S-10]
    last_sale_price: float = 4.04
    last_sale_date: dt.date = dt.date(2001, 10, 31)
    shares_outstanding: int = 21_862_772
    options_warrants_outstanding: int = 8_593_877
    options_warrants_exercisable: int = 2_515_000
    monthly_burn: float = 2_300_000.0
    price_low_52w: float = 2.22
    price_high_52w: float = 13.50
    average_daily_volume: int = 100_000
    voting_holders_shares: int = 579_098
    voting_holders_potential_shares: int = 4_498_145
    # Listing and control thresholds [S-8; S-10; S-13/14]
    nasdaq_discount_limit: float = 0.20
    nasdaq_minimum_bid: float = 1.00
    rights_plan_trigger: float = 0.20
    dgcl_interested_holder: float = 0.15
    # Convertible debentures [S-4; S-7]
    debenture_principal: float = 8_000_000.0
    debenture_initial_premium: float = 1.20
    debenture_issue_days: int = 5
    debenture_reset_after_days: int = 90
    debenture_reset_factor: float = 1.01
    debenture_lowest_bids: int = 10
    debenture_bid_days: int = 30
    # Class B warrants [S-7]
    classb_cap: float = 33.75
    classb_factor: float = 0.97
    classb_factor_low: float = 0.95
    classb_low_price: float = 5.00
    classb_financing_floor: float = 2.00
    classb_shares: int = 3_413_600
    # Illustrative assumptions (not in the prospectus)
    cash: float = 10_000_000.0
    volatility: float = 0.35
    risk_free_rate: float = 0.04
    dividend_yield: float = 0.0
    holidays: tuple[dt.date, ...] = field(default=())

    def replace(self, **changes: object) -> DealTerms:
        """A copy with some terms changed (unknown names are refused)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise CEOModelError(unknown[0], "is not a deal term")
        return DealTerms(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


PROSPECTUS = DealTerms()
