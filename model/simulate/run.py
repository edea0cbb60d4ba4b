"""The whole run: chunks of paths mapped here or on a Dask cluster, collected in path order into a
:class:`SimulationResult`, and its summaries."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.errors import CEOModelError
from model.simulate.parameters import PROBABILITIES, SUMMARY_FIELDS, Simulation, check_terms
from model.simulate.paths import ChunkResult, run_chunk
from model.terms import DealTerms


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
