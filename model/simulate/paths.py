"""One chunk of simulated paths: each block's random stream, the day-by-day sales through the ledger's maths,
and the per-path results of the chunk (:func:`run_chunk`, a plain function any map can run)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from model.commission import fee as model_fee
from model.commission import tier_fee
from model.compensation import total_compensation
from model.dilution import dilution_pct, nasdaq_20pct_capacity, runway_months
from model.rounding import round_down, round_half_up
from model.simulate.parameters import STREAM_PATHS, TRADING_DAYS_PER_MONTH, TRADING_DAYS_PER_YEAR, Simulation
from model.terms import DealTerms


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
