"""What a simulation is given: :class:`Simulation` (paths, days, how much to sell, impact), the run's sizes and
limits, and the checks on the deal's terms that the simulation relies on."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np

from model.errors import CEOModelError, ErrorKind
from model.execution import IMPACT_MODELS, PERMANENT_COEFFICIENT, TEMPORARY_COEFFICIENT
from model.simulate.history import PriceHistory
from model.terms import DealTerms

TRADING_DAYS_PER_YEAR = 252
TRADING_DAYS_PER_MONTH = TRADING_DAYS_PER_YEAR / 12
STREAM_PATHS = 1024
"""Paths per random stream: chunks are whole multiples of this."""
DEFAULT_CHUNK_PATHS = 16 * STREAM_PATHS
TRACE_PATHS = 2000
"""Paths whose daily price, shares and cumulative gross are kept (for fan charts and checks)."""
UDF_MAX_PATHS = 10_000
# docs/simulation.md's cluster run: 100M paths keep 10.8 GB of per-path results on the client; more is refused
# (run several seeds and combine their summaries), and the command line also refuses what this machine cannot hold.
MAX_PATHS = 100_000_000

SUMMARY_FIELDS = (
    "gross",
    "commission",
    "net",
    "shares_sold",
    "days_to_max",
    "compensation_pct",
    "warrant_shares",
    "warrant_value",
    "dilution_pct",
    "cash_end",
)
PROBABILITIES = ("max_reached", "compensation_cap_breach", "nasdaq_20pct_breach", "cash_out")
PATH_COLUMNS = (
    "gross",
    "commission",
    "net",
    "shares_sold",
    "placements",
    "days_to_max",
    "warrant_shares",
    "warrant_value",
    "compensation_pct",
    "dilution_pct",
    "cash_min",
    "cash_end",
    "runway_months",
    "max_reached",
    "compensation_cap_breach",
    "nasdaq_20pct_breach",
    "cash_out",
)


@dataclass(frozen=True)
class Simulation:
    """What to simulate (the deal itself is a :class:`DealTerms`).

    ``floor``: sell only on days whose price is at or above it;
    ``financing_floor``: also apply ``terms.classb_financing_floor``.
    """

    paths: int
    days: int = TRADING_DAYS_PER_YEAR
    adv_fraction: float = 0.10
    drift: float = 0.0
    volume_sigma: float = 0.0
    seed: int = 0
    floor: float = 0.0
    financing_floor: bool = False
    history: PriceHistory | None = field(default=None, compare=False)
    chunk_paths: int = DEFAULT_CHUNK_PATHS
    trace_paths: int = TRACE_PATHS
    impact: str = "none"
    temporary_coefficient: float = TEMPORARY_COEFFICIENT
    permanent_coefficient: float = PERMANENT_COEFFICIENT

    def __post_init__(self) -> None:
        _whole(self.paths, "paths", 1, MAX_PATHS)
        _whole(self.days, "days", 1, 100_000)
        _whole(self.seed, "seed", 0)
        _whole(self.chunk_paths, "chunk_paths", 1, MAX_PATHS)
        _whole(self.trace_paths, "trace_paths", 0)
        _real(self.adv_fraction, "adv_fraction", 0.0, 1.0, low_open=True)
        _real(self.drift, "drift", -10.0, 10.0)
        _real(self.volume_sigma, "volume_sigma", 0.0, 10.0)
        _real(self.floor, "floor", 0.0, None)
        if self.impact not in ("none", *IMPACT_MODELS):
            raise CEOModelError("impact", f"must be none, linear or sqrt, not {self.impact!r:.40}")
        _real(self.temporary_coefficient, "temporary_coefficient", 0.0, None)
        _real(self.permanent_coefficient, "permanent_coefficient", 0.0, None)
        if self.history is not None and self.volume_sigma:
            raise CEOModelError("volume_sigma", "must be 0 with prices: volume is bootstrapped from the history")
        if self.history is not None and self.drift:
            raise CEOModelError("drift", "must be 0 with prices: returns are bootstrapped from the history")

    @property
    def chunk_blocks(self) -> int:
        return -(-self.chunk_paths // STREAM_PATHS)

    @property
    def blocks(self) -> int:
        return -(-self.paths // STREAM_PATHS)

    @property
    def columns(self) -> tuple[str, ...]:
        """The per-path results of this run: :data:`PATH_COLUMNS`, and ``shortfall`` when there is impact."""
        return PATH_COLUMNS if self.impact == "none" else (*PATH_COLUMNS, "shortfall")

    def parameters(self) -> dict[str, object]:
        """The run's parameters as plain values (for JSON and the Simulation sheet); the impact's only with impact."""
        skip = {"history", "trace_paths"} | (set(IMPACT_FIELDS) if self.impact == "none" else set())
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        out["prices"] = self.history.source if self.history is not None else None
        return out


IMPACT_FIELDS = ("impact", "temporary_coefficient", "permanent_coefficient")


def _whole(value: object, name: str, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise CEOModelError(name, f"must be a whole number, not {value!r:.40}")
    if value < low or (high is not None and value > high):
        bound = f"from {low:,} to {high:,}" if high is not None else f"at least {low:,}"
        raise CEOModelError(name, f"must be a whole number {bound} (got {value:,})", ErrorKind.NUM)


def _real(value: object, name: str, low: float, high: float | None, low_open: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise CEOModelError(name, f"must be a number, not {value!r:.40}")
    if not math.isfinite(value):
        raise CEOModelError(name, f"must be a finite number (got {value})", ErrorKind.NUM)
    if (value <= low if low_open else value < low) or (high is not None and value > high):
        words = f"{'above' if low_open else 'at least'} {low:g}" + (
            f" and at most {high:g}" if high is not None else ""
        )
        raise CEOModelError(name, f"must be {words} (got {value:g})", ErrorKind.NUM)


def check_terms(terms: DealTerms, sim: Simulation) -> None:
    """The terms the simulation relies on, refused with the term's name."""
    _real(terms.last_sale_price, "terms.last_sale_price", 0.0, None, low_open=True)
    _real(terms.volatility, "terms.volatility", 0.0, 10.0)
    if sim.history is None:
        _real(terms.average_daily_volume, "terms.average_daily_volume", 0.0, None, low_open=True)
    _real(terms.shares_outstanding, "terms.shares_outstanding", 0.0, None, low_open=True)
    _real(terms.monthly_burn, "terms.monthly_burn", 0.0, None, low_open=True)
    _real(terms.cash, "terms.cash", 0.0, None)
    _real(terms.warrant_coverage, "terms.warrant_coverage", 0.0, 1.0)
    _real(terms.warrant_premium, "terms.warrant_premium", 0.0, None, low_open=True)
    _real(terms.warrant_term_years, "terms.warrant_term_years", 0.0, None, low_open=True)
    _real(terms.compensation_cap, "terms.compensation_cap", 0.0, 1.0)
    _real(terms.risk_free_rate, "terms.risk_free_rate", -1.0, 1.0)
    _real(terms.dividend_yield, "terms.dividend_yield", -1.0, 1.0)
    if sim.impact != "none":
        daily = terms.volatility / math.sqrt(TRADING_DAYS_PER_YEAR)
        for name in ("temporary_coefficient", "permanent_coefficient"):
            if getattr(sim, name) * daily >= 1.0:
                raise CEOModelError(
                    name,
                    f"times the daily volatility ({daily:.4g}) must be below 1: selling the whole day's volume "
                    f"would take the whole price (got {getattr(sim, name):g})",
                    ErrorKind.NUM,
                )
