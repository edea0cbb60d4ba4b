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

Modules: :mod:`~model.simulate.parameters` (what to simulate), :mod:`~model.simulate.history` (a price history
from a CSV), :mod:`~model.simulate.paths` (one chunk of paths), :mod:`~model.simulate.run` (the whole run and
its summaries), :mod:`~model.simulate.report` (tables). The command line is ``ceo-model simulate``
(:mod:`workbook.commands.simulate_command`); the fan chart is :func:`workbook.sheets.simulation_chart.fan_chart`.
"""

from model.simulate.history import PriceHistory
from model.simulate.parameters import (
    DEFAULT_CHUNK_PATHS,
    IMPACT_FIELDS,
    MAX_PATHS,
    PATH_COLUMNS,
    PROBABILITIES,
    STREAM_PATHS,
    SUMMARY_FIELDS,
    TRACE_PATHS,
    TRADING_DAYS_PER_MONTH,
    TRADING_DAYS_PER_YEAR,
    UDF_MAX_PATHS,
    Simulation,
    check_terms,
)
from model.simulate.paths import ChunkResult, block_generator, run_chunk, warrant_values
from model.simulate.report import LABELS, summary_for_cells, summary_table, text_table
from model.simulate.run import (
    BOOL_COLUMNS,
    SimulationResult,
    chunks,
    result_bytes,
    simulate,
    summarise,
    summary_fields,
)

__all__ = [
    "BOOL_COLUMNS",
    "DEFAULT_CHUNK_PATHS",
    "IMPACT_FIELDS",
    "LABELS",
    "MAX_PATHS",
    "PATH_COLUMNS",
    "PROBABILITIES",
    "STREAM_PATHS",
    "SUMMARY_FIELDS",
    "TRACE_PATHS",
    "TRADING_DAYS_PER_MONTH",
    "TRADING_DAYS_PER_YEAR",
    "UDF_MAX_PATHS",
    "ChunkResult",
    "PriceHistory",
    "Simulation",
    "SimulationResult",
    "block_generator",
    "check_terms",
    "chunks",
    "result_bytes",
    "run_chunk",
    "simulate",
    "summarise",
    "summary_fields",
    "summary_for_cells",
    "summary_table",
    "text_table",
    "warrant_values",
]
