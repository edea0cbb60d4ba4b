"""Benchmarks (``make bench``). Not tests: they print timings and never assert on them.

Usage::

    python bench.py            # every benchmark
    python bench.py ceo_fee    # just the named ones
    python bench.py --list

Add a benchmark by writing a function that prints its findings and decorating
it with ``@benchmark("name", "one-line description")``; use :func:`median_time`
for timings so every benchmark measures the same way.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    run: Callable[[], None]


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str, description: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register a benchmark under ``name`` (run order is registration order)."""

    def register(fn: Callable[[], None]) -> Callable[[], None]:
        if name in BENCHMARKS:
            raise ValueError(f"benchmark {name!r} registered twice")
        BENCHMARKS[name] = Benchmark(name, description, fn)
        return fn

    return register


def median_time(fn: Callable[[], object], repeats: int = 7, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` runs (after ``warmup`` untimed runs)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _seconds(t: float) -> str:
    return f"{t * 1e3:10.2f} ms" if t < 10 else f"{t:10.2f} s "


# --- CEO_FEE over a million cells ------------------------------------------------------------------------------------

CELLS = 1_000_000
LOOP_SAMPLE = 20_000
SEED = 20011101


@benchmark("ceo_fee", "CEO_FEE over 1,000,000 grosses: one array call vs a per-cell loop vs bare numpy")
def bench_ceo_fee() -> None:
    import udfs
    from model.terms import PROSPECTUS_SCHEDULE

    rng = np.random.default_rng(SEED)
    column = rng.uniform(
        0.0, PROSPECTUS_SCHEDULE.maximum, size=(CELLS, 1)
    )  # as xlwings' np.array converter passes A1:A1000000
    sample = column[:LOOP_SAMPLE, 0].tolist()  # Python floats, as Excel passes one cell to a non-array UDF

    starts, rates = PROSPECTUS_SCHEDULE.starts, PROSPECTUS_SCHEDULE.rates
    widths = PROSPECTUS_SCHEDULE.ends - starts
    flat = column.ravel()

    def udf_array():
        return udfs.ceo_fee(column)

    def udf_per_cell():
        return [udfs.ceo_fee(g) for g in sample]

    def bare_numpy():
        return np.round(np.clip(flat[:, None] - starts, 0.0, widths) @ rates, 2)

    t_array = median_time(udf_array, repeats=7)
    t_bare = median_time(bare_numpy, repeats=7)
    t_loop_sample = median_time(udf_per_cell, repeats=3)
    t_loop = t_loop_sample * CELLS / LOOP_SAMPLE

    # Sanity, not timing: the three paths compute the same fees.
    array_fees = udf_array()
    loop_gap = np.max(np.abs(np.array(udf_per_cell()) - array_fees[:LOOP_SAMPLE, 0]))
    bare_gap = np.max(np.abs(bare_numpy() - array_fees[:, 0]))

    print(f"grosses: {CELLS:,} uniform in [0, {PROSPECTUS_SCHEDULE.maximum:,.0f}], seed {SEED}; median of repeats")
    print(f"  (u) udfs.ceo_fee(array of shape {column.shape})        {_seconds(t_array)}")
    print(
        f"  (a) per-cell loop, udfs.ceo_fee(scalar)                {_seconds(t_loop)}"
        f"   (timed on {LOOP_SAMPLE:,} cells: {_seconds(t_loop_sample).strip()}, scaled ×{CELLS // LOOP_SAMPLE})"
    )
    print(f"  (b) bare numpy: np.clip(g - starts, 0, widths) @ rates {_seconds(t_bare)}")
    print(f"  array call vs per-cell loop: {t_loop / t_array:8.0f}× faster   (goal: ≥ 100× faster)")
    print(f"  array call vs bare numpy:    {t_array / t_bare:8.2f}× the time (goal: within 3×)")
    print(f"  agreement: max |array − loop| = {loop_gap:.2g} $, max |array − bare numpy| = {bare_gap:.2g} $")


# --- workbook recalculation ------------------------------------------------------------------------------------------


def _placements(n: int):
    """``n`` placements on consecutive business days, $16M in all for n = 1,000 ($4 × 4,000 shares each)."""
    import datetime as dt

    import pandas as pd

    days = np.busday_offset(np.datetime64("2001-11-05"), np.arange(n), roll="forward")
    prices = np.round(4.0 + 0.25 * np.sin(np.arange(n)), 2)
    shares = np.full(n, max(1, int(16_000_000 / n / 4.0)))
    return pd.DataFrame({"Trade date": [d.astype(dt.date) for d in days], "Shares": shares, "Price": prices})


@benchmark(
    "recalc",
    "python -m workbook recalc of the udf flavour (LibreOffice + add-in) vs LibreOffice on the native flavour "
    "(fresh process) vs the formulas engine, at the prospectus size, 1,000 and 5,000 placements",
)
def bench_recalc() -> None:
    import math
    import os
    import subprocess
    import tempfile
    from pathlib import Path

    from workbook import libreoffice, lo_engine
    from workbook.generate import build

    reason = lo_engine.unavailable_reason()
    if reason:
        print(f"  skipped: {reason}")
        return
    sizes = os.environ.get("CEO_BENCH_PLACEMENTS", "0,1000,5000")
    formulas_runs = {0: 5, 1000: 1}  # formulas takes minutes at 1,000 placements and is past the timeout at 5,000
    if os.environ.get("CEO_BENCH_FORMULAS") == "0":
        formulas_runs = {}
    env = {**os.environ, "CEO_WORKBOOK_TIMEOUT": "0"}

    def fresh(cmd):
        return lambda: subprocess.run(cmd, check=True, capture_output=True, env=env)

    print("  fresh processes, median of 5 (formulas: 5 at the prospectus size, 1 run at 1,000, none at 5,000)")
    print(
        f"  {'case':<22} {'formula cells':>13} {'ours (LO+add-in)':>17} {'LO native':>10} {'ratio':>6} {'formulas':>9}"
    )
    rows = []
    for n in (int(x) for x in sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            placements = _placements(n) if n else None
            udf, native = (build(tmp, f, placements=placements, engine="libreoffice") for f in ("udf", "native"))
            cells = sum(1 for _ in udf.layout.formula_cells())
            ours = [sys.executable, "-m", "workbook", "recalc", str(udf.path), "-o", str(tmp / "ours.xlsx")]
            t_ours = median_time(fresh([*ours, "--engine", "libreoffice"]), repeats=5, warmup=0)
            t_lo = median_time(
                lambda src=native.path, out=tmp / "lo": libreoffice.convert(
                    src, out, "xlsx:Calc MS Excel 2007 XML", recalculate=True
                ),
                repeats=5,
                warmup=0,
            )
            runs = formulas_runs.get(n, 0)
            t_formulas = (
                median_time(fresh([*ours, "--engine", "formulas"]), repeats=runs, warmup=0) if runs else float("nan")
            )
        label = f"{n:,} placements" if n else "prospectus (6)"
        shown = _seconds(t_formulas) if runs else "—"
        print(
            f"  {label:<22} {cells:>13,} {_seconds(t_ours):>17} {_seconds(t_lo):>10} {t_ours / t_lo:>5.2f}× {shown:>9}"
        )
        rows.append((n, cells, t_ours, t_lo))
    big = [r for r in rows if r[0] in (1000, 5000)]
    if len(big) == 2:
        (_, c1, o1, l1), (_, c5, o5, l5) = big
        growth = math.log(c5 / c1)
        print(
            f"  growth 1,000 → 5,000 placements (seconds ∝ cells^k): ours k = {math.log(o5 / o1) / growth:.2f}, "
            f"LibreOffice native k = {math.log(l5 / l1) / growth:.2f}"
        )
    print("  goals: ratio ≤ 1 at every size; growth exponent ≤ 1.1")


# --- driver ----------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="name", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    if args.list:
        for bench in BENCHMARKS.values():
            print(f"{bench.name:<20} {bench.description}")
        return 0
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    for name in args.names or list(BENCHMARKS):
        bench = BENCHMARKS[name]
        print(f"== {bench.name}: {bench.description}")
        bench.run()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
