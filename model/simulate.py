"""Monte Carlo of the programme: how much, how fast, at what cost and dilution, with what risk.

Each trading day every path sells ``min(adv_fraction × volume, what remains of
the maximum)`` whole shares at that day's price (only at or above the floor),
and the day's sale goes through the same maths as the placement ledger
(:func:`model.placements`): gross = shares × price rounded to the cent, half up;
commission on cumulative gross with the tiered schedule, the cumulative fee
rounded to the cent; agent warrants = coverage × shares rounded down per
placement at a strike of premium × that day's price rounded to the cent, each
valued by Black–Scholes–Merton (:func:`model.warrant_value`). At zero
volatility and drift the simulation is the deterministic ledger exactly.

Prices follow geometric Brownian motion from the terms' last sale price
(annual ``terms.volatility`` and ``drift``, 252 trading days a year), or are
bootstrapped from a price history (daily log returns of the close, resampled
with replacement, each with its own day's volume). Volume is the terms'
average daily volume, lognormal around it with mean ADV
(``ADV·exp(σZ − σ²/2)``), or the bootstrapped day's volume.

Reproducibility and scale: paths are grouped in blocks of
:data:`STREAM_PATHS`; block ``b`` draws from its own generator seeded with
``SeedSequence(seed, spawn_key=(b,))`` (the ``b``-th child of
``SeedSequence(seed).spawn``). A chunk is a run of whole blocks
(``chunk_paths`` is rounded up to a multiple of :data:`STREAM_PATHS`), so the
chunk size, the number of workers and the scheduler never change a path's
result for a given seed. A chunk holds a few arrays of its own paths at a time
(memory is bounded by the chunk, plus one row of results per path);
:func:`run_chunk` is a plain function of (terms, parameters, block range) that
runs unchanged in this process, on a Dask cluster (``scheduler="dask"``) or
under any other map.

Price impact (``impact`` = ``linear`` or ``sqrt``, :func:`model.execution.impact_fraction`): a day that
sells ``q`` shares of that day's volume ``V`` (participation p = q/V) sells them at the day's price less the
temporary impact, ``price × (1 − c_t·σ_d·f(p))`` with σ_d = volatility/√252 and f(p) = p or √p; the gross
(rounded to the cent, half up), the commission on it, the warrant strike (premium × that sale price) and the
cap follow from that price. The permanent part ``c_p·σ_d·f(p)`` lowers the price of every later day
(multiplying the path). The shares sold each day are chosen as without impact (at most what the remaining
maximum buys at the day's price, so the impacted gross never passes it). ``shortfall`` is the gross at the
day's price (unrounded, summed) minus the gross received, rounded to the cent. ``impact = "none"`` runs the
original code: results identical bit for bit.

Run ``python -m model.simulate --help``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtr

from model.args import number
from model.commission import fee as model_fee
from model.commission import tier_fee
from model.compensation import total_compensation
from model.dilution import dilution_pct, nasdaq_20pct_capacity, runway_months
from model.errors import CEOModelError, ErrorKind
from model.execution import IMPACT_MODELS, PERMANENT_COEFFICIENT, TEMPORARY_COEFFICIENT, add_coefficient_arguments
from model.rounding import round_down, round_half_up
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


# --- inputs ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceHistory:
    """Daily log returns of the close, each with the volume of the day it ends on."""

    log_returns: np.ndarray
    volumes: np.ndarray
    source: str = ""

    @classmethod
    def from_csv(cls, path: str | Path, name: str = "prices") -> PriceHistory:
        """Read a CSV with the columns ``date, close, volume`` (header required; dates ascending)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CEOModelError(name, f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            raise CEOModelError(name, f"{path.name} is empty; it needs the header date,close,volume")
        header = [h.strip().lower() for h in rows[0]]
        missing = [c for c in ("date", "close", "volume") if c not in header]
        if missing:
            raise CEOModelError(
                name, f"{path.name} needs the columns date, close, volume; missing {', '.join(missing)}"
            )
        at = {c: header.index(c) for c in ("date", "close", "volume")}
        dates, closes, volumes, line = [], [], [], []
        for r, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < len(header):
                raise CEOModelError(name, f"row {r} has {len(row)} fields, the header has {len(header)}")
            text = row[at["date"]].strip()
            try:
                day = np.datetime64(text, "D")
            except ValueError:
                day = np.datetime64("NaT")
            if np.isnat(day):
                raise CEOModelError(name, f"row {r}, column date: must be a date YYYY-MM-DD, not {text!r:.40}")
            dates.append(day)
            line.append(r)
            for col, out, low_open in (("close", closes, True), ("volume", volumes, False)):
                cell = row[at[col]].strip()
                try:
                    value = float(cell.replace(",", ""))
                except ValueError:
                    raise CEOModelError(name, f"row {r}, column {col}: must be a number, not {cell!r:.40}") from None
                if not math.isfinite(value) or value < 0 or (low_open and value == 0):
                    words = "a positive number" if low_open else "a number, 0 or more"
                    raise CEOModelError(name, f"row {r}, column {col}: must be {words} (got {cell:.40})")
                out.append(value)
        if len(closes) < 2:
            raise CEOModelError(name, f"{path.name} needs at least 2 days of prices to give a return")
        steps = np.diff(np.array(dates))
        if np.any(steps <= np.timedelta64(0, "D")):
            r = line[int(np.flatnonzero(steps <= np.timedelta64(0, "D"))[0]) + 1]
            raise CEOModelError(name, f"row {r}, column date: dates must be ascending and distinct")
        close = np.array(closes)
        return cls(np.diff(np.log(close)), np.array(volumes[1:]), str(path))


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


# --- one chunk of paths -----------------------------------------------------------------------------------------------


def block_generator(seed: int, block: int) -> np.random.Generator:
    """The random stream of block ``block``: the ``block``-th child of ``SeedSequence(seed)``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def warrant_values(price: np.ndarray, strike: np.ndarray, terms: DealTerms) -> np.ndarray:
    """Value of one agent warrant per placement: :func:`model.warrant_value`, or its σ → 0 limit at zero volatility."""
    t, r, q = terms.warrant_term_years, terms.risk_free_rate, terms.dividend_yield
    if terms.volatility > 0:
        return _bsm(price, strike, t, terms.volatility, r, q)
    return np.maximum(price * math.exp(-q * t) - strike * math.exp(-r * t), 0.0)


def _bsm(s: np.ndarray, k: np.ndarray, t: float, v: float, r: float, q: float) -> np.ndarray:
    """:func:`model.warrant_value`'s formula, operation for operation, without re-checking every day's arrays.

    The terms were checked once (:func:`check_terms`); prices and strikes are positive by construction.
    ``tests/test_simulate.py`` checks it equals the model bit for bit.
    """
    spread = np.float64(v) * np.sqrt(np.float64(t))
    d1 = (np.log(s / k) + (np.float64(r) - q + np.float64(v) * v / 2.0) * t) / spread
    d2 = d1 - spread
    return s * np.exp(-np.float64(q) * t) * ndtr(d1) - k * np.exp(-np.float64(r) * t) * ndtr(d2)


@dataclass
class ChunkResult:
    first_path: int
    columns: dict[str, np.ndarray]
    trace_price: np.ndarray  # (traced paths of this chunk, days)
    trace_shares: np.ndarray
    trace_gross: np.ndarray


def run_chunk(terms: DealTerms, sim: Simulation, first_block: int, n_blocks: int) -> ChunkResult:
    """Simulate blocks ``first_block`` … ``first_block + n_blocks − 1`` over ``sim.days`` trading days.

    Array work over the chunk's paths for each day; no Python loop over paths.
    """
    first = first_block * STREAM_PATHS
    last = min((first_block + n_blocks) * STREAM_PATHS, sim.paths)
    n = last - first
    bounds = [
        (b * STREAM_PATHS - first, min((b + 1) * STREAM_PATHS, sim.paths) - first)
        for b in range(first_block, first_block + n_blocks)
    ]
    bounds = [(s, e) for s, e in bounds if e > s]
    gens = [block_generator(sim.seed, first_block + i) for i in range(len(bounds))]
    schedule = terms.schedule
    maximum = schedule.maximum
    floor = max(sim.floor, terms.classb_financing_floor if sim.financing_floor else 0.0)
    dt_ = 1.0 / TRADING_DAYS_PER_YEAR
    sigma = terms.volatility
    step_mean = (sim.drift - 0.5 * sigma * sigma) * dt_
    step_sd = sigma * math.sqrt(dt_)
    history = sim.history
    lognormal = history is None and sim.volume_sigma > 0
    fixed_cap = None
    if history is None and not lognormal:
        fixed_cap = float(round_down(sim.adv_fraction * terms.average_daily_volume))
    traced = max(0, min(sim.trace_paths - first, n))
    knots = np.append(schedule.starts, maximum)
    knot_fees = tier_fee(knots, schedule)
    burn_per_day = terms.monthly_burn / TRADING_DAYS_PER_MONTH

    price = np.full(n, float(terms.last_sale_price))
    cum = np.zeros(n)
    impact = sim.impact != "none"
    if impact:
        daily_vol = terms.volatility / math.sqrt(TRADING_DAYS_PER_YEAR)
        temporary = sim.temporary_coefficient * daily_vol
        permanent = sim.permanent_coefficient * daily_vol
        at_price = np.zeros(n)  # gross the day's shares would fetch at the day's price, summed
    shares_sold = np.zeros(n)
    placements = np.zeros(n)
    w_shares = np.zeros(n)
    w_value = np.zeros(n)
    done = np.zeros(n, dtype=bool)
    days_to_max = np.full(n, np.nan)
    cash_min = np.full(n, float(terms.cash))
    cash = np.full(n, float(terms.cash))
    shock = np.empty(n)
    vshock = np.empty(n) if lognormal else None
    pick = np.empty(n, dtype=np.int64) if history is not None else None
    trace_price = np.empty((traced, sim.days))
    trace_shares = np.empty((traced, sim.days))
    trace_gross = np.empty((traced, sim.days))

    for day in range(sim.days):
        for g, (s, e) in zip(gens, bounds, strict=True):  # the same draws, in the same order, whatever the chunking
            if history is None:
                g.standard_normal(out=shock[s:e])
                if lognormal:
                    g.standard_normal(out=vshock[s:e])
            else:
                pick[s:e] = g.integers(0, history.log_returns.size, e - s)
        if history is None:
            if step_sd or step_mean:
                price *= np.exp(step_mean + step_sd * shock)
        else:
            price *= np.exp(history.log_returns[pick])
        if fixed_cap is not None:
            cap = fixed_cap
            volume = terms.average_daily_volume
        else:
            volume = (
                terms.average_daily_volume * np.exp(sim.volume_sigma * vshock - 0.5 * sim.volume_sigma**2)
                if lognormal
                else history.volumes[pick]
            )
            cap = round_down(sim.adv_fraction * volume)
        shares = np.where(done | (price < floor), 0.0, cap)
        # What remains of the maximum buys at most `afford` whole shares at today's price. Only paths
        # near the maximum need the count: elsewhere the volume cap is the smaller by more than 2 shares.
        near = np.flatnonzero(maximum - cum < (cap + 2.0) * price)
        if near.size:
            p = price[near]
            remaining = round_half_up(maximum - cum[near], 2)
            afford = round_down(remaining / p)
            afford -= round_half_up(afford * p, 2) > remaining
            shares[near] = np.minimum(shares[near], afford)
        if impact:
            shape = shares / np.maximum(volume, 1.0)  # a day without volume sells nothing: no impact
            if sim.impact == "sqrt":
                np.sqrt(shape, out=shape)
            sale = price * (1.0 - temporary * shape)
            gross = round_half_up(shares * sale, 2)
            at_price += shares * price
        else:
            sale = price
            gross = round_half_up(shares * price, 2)
        cum += gross
        sold = shares > 0
        shares_sold += shares
        placements += sold
        ws = round_down(shares * terms.warrant_coverage)
        strike = round_half_up(sale * terms.warrant_premium, 2)
        w_shares += ws
        w_value += ws * warrant_values(price, strike, terms)
        finished = ~done & (maximum - cum < price)
        days_to_max[finished] = day + 1
        done |= finished
        if impact and permanent:
            price *= 1.0 - permanent * shape  # the permanent impact: every later day starts lower
        # Daily cash with the unrounded fee (the tiers are linear between knots: within half a cent).
        cash = terms.cash + (cum - np.interp(cum, knots, knot_fees)) - burn_per_day * (day + 1)
        np.minimum(cash_min, cash, out=cash_min)
        if traced:
            trace_price[:, day] = price[:traced]
            trace_shares[:, day] = shares[:traced]
            trace_gross[:, day] = cum[:traced]

    cum = round_half_up(cum, 2)  # a sum of whole cents, less float noise (never above the maximum)
    gross_total = np.minimum(cum, maximum)
    commission = np.asarray(model_fee(gross_total, schedule), dtype=np.float64).reshape(n)
    cash = terms.cash + (cum - commission) - burn_per_day * sim.days  # the last day's cash, to the cent's fee
    np.minimum(cash_min, cash, out=cash_min)
    total = np.asarray(
        total_compensation(gross_total, w_value, terms.expense_reimbursement, terms.retainer_allocation, schedule),
        dtype=np.float64,
    ).reshape(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        comp_pct = np.where(cum > 0, total / np.where(cum > 0, cum, 1.0), np.nan)
    capacity = float(nasdaq_20pct_capacity(terms.shares_outstanding, 0, terms.nasdaq_discount_limit))
    columns = {
        "gross": cum,
        "commission": commission,
        "net": cum - commission,
        "shares_sold": shares_sold,
        "placements": placements,
        "days_to_max": days_to_max,
        "warrant_shares": w_shares,
        "warrant_value": w_value,
        "compensation_pct": comp_pct,
        "dilution_pct": np.asarray(dilution_pct(shares_sold, terms.shares_outstanding), dtype=np.float64).reshape(n),
        "cash_min": cash_min,
        "cash_end": cash,
        "runway_months": np.asarray(runway_months(np.maximum(cash, 0.0), terms.monthly_burn)).reshape(n),
        "max_reached": done,
        "compensation_cap_breach": comp_pct > terms.compensation_cap,
        "nasdaq_20pct_breach": shares_sold + w_shares > capacity,
        "cash_out": cash_min < 0,
    }
    if impact:
        columns["shortfall"] = round_half_up(at_price - cum, 2)
    return ChunkResult(first, columns, trace_price, trace_shares, trace_gross)


# --- the whole run ----------------------------------------------------------------------------------------------------


@dataclass
class SimulationResult:
    """Per-path results (one row per path, in path order), traced paths and the run's inputs."""

    terms: DealTerms
    sim: Simulation
    paths: pd.DataFrame
    trace_price: np.ndarray
    trace_shares: np.ndarray
    trace_gross: np.ndarray

    def summary(self) -> dict[str, object]:
        """Mean and 5th/50th/95th percentiles of each measure, and the breach probabilities.

        Percentiles are numpy's default (linear interpolation). ``days_to_max``
        counts a path that never reaches the maximum as infinitely long, so a
        percentile beyond the share of paths that reach it (and the mean, if
        any path does not) is ``None``. ``compensation_pct`` is over paths that
        sold something.
        """
        out: dict[str, object] = {}
        for name in summary_fields(self.sim):
            out[name] = summarise(self.paths[name].to_numpy(dtype=np.float64), name)
        out["probabilities"] = {p: float(self.paths[p].mean()) for p in PROBABILITIES}
        return out

    def to_json(self) -> dict[str, object]:
        """The JSON document of the command line: parameters, summaries and probabilities."""
        params = self.sim.parameters()
        return {"parameters": params, **self.summary()}


def summary_fields(sim: Simulation) -> tuple[str, ...]:
    """The measures summarised: :data:`SUMMARY_FIELDS`, and the implementation shortfall when there is impact."""
    return SUMMARY_FIELDS if sim.impact == "none" else (*SUMMARY_FIELDS, "shortfall")


def summarise(values: np.ndarray, name: str = "") -> dict[str, float | None]:
    """``{mean, p05, p50, p95}`` of one measure (see :meth:`SimulationResult.summary`)."""
    v = values
    v = np.where(np.isnan(v), np.inf, v) if name == "days_to_max" else v[~np.isnan(v)]
    if v.size == 0:
        return {"mean": None, "p05": None, "p50": None, "p95": None}
    with np.errstate(invalid="ignore"):
        p = np.percentile(v, [5, 50, 95])
        mean = float(np.mean(v))
    p = np.where(np.isnan(p), np.inf, p)  # inf − inf between two unreached paths

    def plain(x: float) -> float | None:
        return float(x) if math.isfinite(x) else None

    return {"mean": plain(mean), "p05": plain(p[0]), "p50": plain(p[1]), "p95": plain(p[2])}


def chunks(sim: Simulation) -> list[tuple[int, int]]:
    """``(first_block, n_blocks)`` of every chunk, in path order."""
    step = sim.chunk_blocks
    return [(b, min(step, sim.blocks - b)) for b in range(0, sim.blocks, step)]


def simulate(
    terms: DealTerms,
    sim: Simulation,
    *,
    scheduler: str = "local",
    client=None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Run the simulation of ``sim`` on ``terms``.

    Parameters
    ----------
    scheduler : "local" or "dask"
        ``"dask"`` maps :func:`run_chunk` over a ``dask.distributed`` client:
        ``client`` if given (any cluster), else a local cluster with one
        single-threaded worker process per core.
    progress : callable, optional
        Called with the number of paths of each finished chunk.

    Examples
    --------
    >>> from model import PROSPECTUS
    >>> r = simulate(PROSPECTUS.replace(volatility=0.0), Simulation(paths=3, days=10))
    >>> r.paths["gross"].tolist()  # 10,000 shares a day at $4.04
    [404000.0, 404000.0, 404000.0]
    """
    if not isinstance(terms, DealTerms):
        raise CEOModelError("terms", f"must be DealTerms, not {type(terms).__name__}")
    check_terms(terms, sim)
    work = chunks(sim)
    into = _Collector(terms, sim)
    if scheduler == "local":
        for first, count in work:
            into.add(run_chunk(terms, sim, first, count), progress)
    elif scheduler == "dask":
        _on_dask(terms, sim, work, client, lambda chunk: into.add(chunk, progress))
    else:
        raise CEOModelError("scheduler", f"must be local or dask, not {scheduler!r:.40}")
    return into.result()


BOOL_COLUMNS = frozenset({"max_reached", "compensation_cap_breach", "nasdaq_20pct_breach", "cash_out"})


def result_bytes(sim: Simulation) -> int:
    """Memory the per-path results take (one float64 or bool per path and column) plus the traced paths."""
    per_path = sum(1 if c in BOOL_COLUMNS else 8 for c in sim.columns)
    return sim.paths * per_path + 3 * 8 * min(sim.trace_paths, sim.paths) * sim.days


class _Collector:
    """Per-path results written in place as chunks finish (in any order): one copy of the results in memory."""

    def __init__(self, terms: DealTerms, sim: Simulation) -> None:
        self.terms, self.sim = terms, sim
        self.columns = {c: np.empty(sim.paths, dtype=bool if c in BOOL_COLUMNS else np.float64) for c in sim.columns}
        traced = min(sim.trace_paths, sim.paths)
        self.traces = [np.empty((traced, sim.days)) for _ in range(3)]

    def add(self, chunk: ChunkResult, progress: Callable[[int], None] | None) -> None:
        n = int(chunk.columns["gross"].size)
        at = slice(chunk.first_path, chunk.first_path + n)
        for c in self.sim.columns:
            self.columns[c][at] = chunk.columns[c]
        k = chunk.trace_price.shape[0]
        for out, part in zip(self.traces, (chunk.trace_price, chunk.trace_shares, chunk.trace_gross), strict=True):
            out[chunk.first_path : chunk.first_path + k] = part
        if progress:
            progress(n)

    def result(self) -> SimulationResult:
        frame = pd.DataFrame(self.columns, copy=False)
        return SimulationResult(self.terms, self.sim, frame, *self.traces)


def _on_dask(terms, sim, work, client, collect: Callable[[ChunkResult], None]) -> None:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise CEOModelError("scheduler", "dask needs dask[distributed]: pip install 'dask[distributed]'") from None

    def gather(c) -> None:
        t, s = c.scatter([terms, sim], broadcast=True)
        futures = [c.submit(run_chunk, t, s, first, count, pure=False) for first, count in work]
        for future in as_completed(futures):
            collect(future.result())
            future.release()

    if client is not None:
        gather(client)
        return
    with (
        LocalCluster(
            n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        gather(c)


# --- presentation -------------------------------------------------------------------------------------------------------

LABELS = {
    "gross": "Gross proceeds ($)",
    "commission": "Commission ($)",
    "net": "Net proceeds ($)",
    "shares_sold": "Shares sold",
    "days_to_max": "Trading days to the maximum (blank: not reached)",
    "compensation_pct": "Agent compensation (% of gross)",
    "warrant_shares": "Agent warrant shares",
    "warrant_value": "Agent warrant value ($)",
    "dilution_pct": "Dilution (% of enlarged shares)",
    "cash_end": "Cash at the end ($)",
    "max_reached": "P(maximum reached)",
    "compensation_cap_breach": "P(compensation above the cap)",
    "nasdaq_20pct_breach": "P(Nasdaq 20% line crossed)",
    "cash_out": "P(cash runs out)",
    "shortfall": "Implementation shortfall ($)",
}


def summary_table(summary: dict[str, object]) -> pd.DataFrame:
    """The summary as a table: Measure | Mean | P05 | P50 | P95, then one row per probability (in Mean)."""
    fields_ = (*SUMMARY_FIELDS, "shortfall") if "shortfall" in summary else SUMMARY_FIELDS
    rows = [[LABELS[k], summary[k]["mean"], summary[k]["p05"], summary[k]["p50"], summary[k]["p95"]] for k in fields_]
    rows += [[LABELS[k], v, None, None, None] for k, v in summary["probabilities"].items()]
    return pd.DataFrame(rows, columns=["Measure", "Mean", "P05", "P50", "P95"], dtype=object)  # None stays None


def summary_for_cells(
    terms: DealTerms,
    paths,
    days=TRADING_DAYS_PER_YEAR,
    adv_fraction=0.10,
    drift=0.0,
    volume_sigma=0.0,
    seed=0,
    max_paths: int = UDF_MAX_PATHS,
) -> pd.DataFrame:
    """Run a small simulation from spreadsheet values (numbers, possibly floats) and return :func:`summary_table`.

    ``paths`` is limited to ``max_paths`` so that a cell answers in about a second.
    """
    sim = Simulation(
        paths=int(number(paths, "paths", low=1, high=max_paths, whole=True)),
        days=int(number(days, "days", low=1, high=10_000, whole=True)),
        adv_fraction=number(adv_fraction, "adv_fraction", low=0.0, low_open=True, high=1.0),
        drift=number(drift, "drift", low=-10.0, high=10.0),
        volume_sigma=number(volume_sigma, "volume_sigma", low=0.0, high=10.0),
        seed=int(number(seed, "seed", low=0, whole=True)),
    )
    return summary_table(simulate(terms, sim).summary())


def fan_chart(result: SimulationResult, path: str | Path, which: tuple[str, ...] = ("price", "gross")) -> Path:
    """Write a PNG fan chart (5–95% and 25–75% bands and the median by trading day) of the traced paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = {
        "price": (result.trace_price, "Share price ($)"),
        "gross": (result.trace_gross / 1e6, "Cumulative gross ($M)"),
    }
    fig, axes = plt.subplots(1, len(which), figsize=(5.2 * len(which), 3.8), dpi=100, squeeze=False)
    days = np.arange(1, result.sim.days + 1)
    for ax, key in zip(axes[0], which, strict=True):
        values, label = data[key]
        if values.shape[0]:
            q = np.percentile(values, [5, 25, 50, 75, 95], axis=0)
            ax.fill_between(days, q[0], q[4], color="#9ecae1", label="5–95%")
            ax.fill_between(days, q[1], q[3], color="#4292c6", label="25–75%")
            ax.plot(days, q[2], color="#08306b", lw=1.5, label="median")
        if key == "gross":
            ax.axhline(result.terms.schedule.maximum / 1e6, color="#a50f15", lw=1, ls="--", label="maximum")
        ax.set_xlabel("Trading day")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=4, fontsize=8, frameon=False)  # off the band
    fig.suptitle(
        f"{result.sim.paths:,} paths × {result.sim.days} trading days, {result.sim.adv_fraction:.0%} of daily volume "
        f"(bands of the first {values.shape[0]:,} paths)",
        fontsize=10,
    )
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


# --- command line -------------------------------------------------------------------------------------------------------


class _Refused(Exception):
    pass


def _parser(prog: str = "ceo-model simulate"):
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str):  # one line, exit 2 (argparse would print the usage too)
            raise _Refused(f"{message} (see {self.prog} --help)")

    p = Parser(
        prog=prog,
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        f"  {prog}                                   # 10,000 paths of the prospectus, a table\n"
        f"  {prog} --terms deal.toml --paths 50000 --seed 7 --json > runs.json\n"
        f"  {prog} --adv-fraction 0.05 --prices history.csv --plot charts/",
    )
    p.add_argument("--terms", type=Path, help="terms file (.json or .toml; default: the prospectus)")
    p.add_argument("--paths", type=int, default=10_000, help="number of simulated price paths (default 10,000)")
    p.add_argument("--days", type=int, default=TRADING_DAYS_PER_YEAR, help="trading days (default 252)")
    p.add_argument("--adv-fraction", type=float, default=0.10, help="share of daily volume sold (default 0.10)")
    p.add_argument("--drift", type=float, default=0.0, help="annual drift of the price (default 0)")
    p.add_argument("--volume-sigma", type=float, default=0.0, help="lognormal sigma of daily volume (default 0)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--floor", type=float, default=0.0, help="sell only at or above this price")
    p.add_argument(
        "--financing-floor", action="store_true", help="also sell only at or above the terms' Class B financing floor"
    )
    p.add_argument("--prices", type=Path, help="CSV date,close,volume to bootstrap returns and volume from")
    p.add_argument(
        "--impact",
        choices=("none", *IMPACT_MODELS),
        default="none",
        help="price impact of each day's sale, in the day's volume (default none)",
    )
    add_coefficient_arguments(p)
    p.add_argument("--chunk-paths", type=int, default=DEFAULT_CHUNK_PATHS, help="paths per chunk (memory)")
    p.add_argument("--scheduler", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler-address", help="with --scheduler dask: address of a running dask scheduler")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--plot", type=Path, metavar="DIR", help="write fan charts (PNG) into DIR")
    return p


_FLAGS = {
    "paths",
    "days",
    "adv_fraction",
    "drift",
    "volume_sigma",
    "seed",
    "floor",
    "chunk_paths",
    "scheduler",
    "prices",
    "impact",
    "temporary_coefficient",
    "permanent_coefficient",
}


def _check_memory(sim: Simulation) -> None:
    """Refuse a run whose per-path results would not fit in half of this machine's memory."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return
    need = result_bytes(sim)
    if need > memory // 2:
        most = (memory // 2) // result_bytes(Simulation(paths=1, days=sim.days, trace_paths=0))
        raise CEOModelError(
            "paths",
            f"{sim.paths:,} paths need {need / 1e9:,.1f} GB for their results and this machine has "
            f"{memory / 1e9:,.1f} GB; run at most about {most:,} paths here, or several seeds and combine their "
            "summaries",
            ErrorKind.NUM,
        )


def main(argv: list[str] | None = None, prog: str = "ceo-model simulate") -> int:
    from model import PROSPECTUS, deals
    from model.terms_file import load

    try:
        args = _parser(prog).parse_args(argv)
        if args.plot is not None and args.plot.exists() and not args.plot.is_dir():
            raise _Refused(f"argument --plot: {args.plot} is a file, not a folder")
        if args.plot is not None:  # before the run, not after it
            try:
                args.plot.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _Refused(
                    f"argument --plot: cannot make {args.plot}: {(exc.strerror or str(exc)).lower()}"
                ) from None
            if not os.access(args.plot, os.W_OK | os.X_OK):
                raise _Refused(f"argument --plot: cannot write into {args.plot}: permission denied")
        if args.scheduler_address and args.scheduler != "dask":
            raise _Refused("argument --scheduler-address: needs --scheduler dask")
        try:
            loaded = load(args.terms) if args.terms else None
            terms = loaded.terms if loaded else PROSPECTUS
        except CEOModelError as exc:
            raise _Refused(f"argument --terms: {exc}") from None
        history = PriceHistory.from_csv(args.prices) if args.prices else None
        sim = Simulation(
            paths=args.paths,
            days=args.days,
            adv_fraction=args.adv_fraction,
            drift=args.drift,
            volume_sigma=args.volume_sigma,
            seed=args.seed,
            floor=args.floor,
            financing_floor=args.financing_floor,
            history=history,
            chunk_paths=args.chunk_paths,
            impact=args.impact,
            temporary_coefficient=args.temporary_coefficient,
            permanent_coefficient=args.permanent_coefficient,
        )
        check_terms(terms, sim)
        _check_memory(sim)
    except CEOModelError as exc:
        if exc.argument.startswith("terms."):
            where = f"--terms: {exc.argument.removeprefix('terms.')}"
        else:
            where = f"--{exc.argument.replace('_', '-')}" if exc.argument in _FLAGS else exc.argument
        print(f"{prog}: argument {where}: {exc.rule}", file=sys.stderr)
        return 2
    except _Refused as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2

    if loaded is not None:  # a partial terms file: say which terms its base deal supplied
        base = deals.DEALS[loaded.base].TERMS
        taken = [n for n in loaded.from_base if not (n == "holidays" and base.holidays is None)]
        if taken:
            print(
                f"{prog}: {args.terms.name} leaves out {len(taken)} term(s), taken from its base deal {loaded.base} "
                f'(base = "{loaded.base}"): {", ".join(taken)}',
                file=sys.stderr,
            )
    bar = None
    if not args.json and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=sim.paths, unit="path", unit_scale=True, file=sys.stderr, desc="simulating")
    client = None
    try:
        if args.scheduler_address:
            from dask.distributed import Client

            client = Client(args.scheduler_address)
        result = simulate(terms, sim, scheduler=args.scheduler, client=client, progress=bar.update if bar else None)
    except CEOModelError as exc:
        print(f"{prog}: argument --{exc.argument.replace('_', '-')}: {exc.rule}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"{prog}: argument --paths: ran out of memory for {sim.paths:,} paths; run fewer", file=sys.stderr)
        return 2
    finally:
        if bar:
            bar.close()
        if client is not None:
            client.close()

    document = result.to_json()
    document["parameters"]["terms"] = str(args.terms) if args.terms else "prospectus"
    if args.plot is not None:
        try:
            document["plots"] = [
                str(fan_chart(result, args.plot / "fan_chart.png")),
                str(fan_chart(result, args.plot / "price_fan.png", ("price",))),
                str(fan_chart(result, args.plot / "gross_fan.png", ("gross",))),
            ]
        except OSError as exc:
            print(f"{prog}: argument --plot: cannot write into {args.plot}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(document, indent=2, allow_nan=False))
    else:
        _print_table(document)
    return 0


def _print_table(document: dict) -> None:
    params = document["parameters"]
    print(
        f"{params['paths']:,} paths × {params['days']} trading days, {params['adv_fraction']:.1%} of daily volume, "
        f"drift {params['drift']:g}, volume sigma {params['volume_sigma']:g}, seed {params['seed']}, terms {params['terms']}"
        + (
            f", {params['impact']} impact (temporary {params['temporary_coefficient']:g}, "
            f"permanent {params['permanent_coefficient']:g})"
            if "impact" in params
            else ""
        )
    )
    table = summary_table(document)

    def shown(x) -> str:
        return (
            "—"
            if x is None or (isinstance(x, float) and math.isnan(x))
            else f"{x:,.4g}"
            if abs(x) < 10
            else f"{x:,.0f}"
        )

    print(f"  {'':<50} {'mean':>14} {'p05':>14} {'p50':>14} {'p95':>14}")
    for row in table.itertuples(index=False):
        print(f"  {row[0]:<50} " + " ".join(f"{shown(v):>14}" for v in row[1:]))
    for p in document.get("plots", []):
        print(f"  fan chart: {p}")


__all__ = [
    "PriceHistory",
    "Simulation",
    "SimulationResult",
    "fan_chart",
    "main",
    "run_chunk",
    "simulate",
    "summarise",
    "summary_table",
]

if __name__ == "__main__":
    raise SystemExit(main())
