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
    "recalc", "headless recalc of the udf flavour vs LibreOffice recalculating the native flavour (fresh processes)"
)
def bench_recalc() -> None:
    import subprocess
    import tempfile
    from pathlib import Path

    from workbook import libreoffice
    from workbook.generate import build
    from workbook.recalc import compute

    if not libreoffice.available():
        print("  skipped: LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
        return
    cases = (
        ("prospectus deal (6 placements)", None),
        ("50 placements", _placements(50)),
        ("1,000 placements", _placements(1000)),
    )
    print("  median of 5 fresh processes each; ours = python -m workbook recalc (load + compile + calculate + write)")
    for label, placements in cases:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            udf, native = (build(tmp, f, placements=placements) for f in ("udf", "native"))
            cells = sum(1 for _ in udf.layout.formula_cells())
            ours_cmd = [sys.executable, "-m", "workbook", "recalc", str(udf.path), "-o", str(tmp / "ours.xlsx")]
            t_ours = median_time(
                lambda cmd=ours_cmd: subprocess.run(cmd, check=True, capture_output=True), repeats=5, warmup=0
            )
            t_lo = median_time(
                lambda src=native.path, out=tmp / "lo": libreoffice.convert(
                    src, out, "xlsx:Calc MS Excel 2007 XML", recalculate=True
                ),
                repeats=5,
                warmup=0,
            )
            phases: dict[str, float] = {}
            compute(udf.path, phases)
        print(
            f"  {label:<32} {cells:>6} formula cells: ours {_seconds(t_ours)}, LibreOffice {_seconds(t_lo)}, "
            f"ratio {t_ours / t_lo:5.2f}×; in-process: parse+compile {_seconds(phases['load'])} "
            f"({phases['load'] / cells * 1000:.2f} ms/formula), calculate {_seconds(phases['calculate'])}"
        )
    print("  goal: ours no slower than LibreOffice (ratio ≤ 1)")


@benchmark("placements_limit", "build.py --placements with MAX_PLACEMENTS rows: wall time and peak memory per flavour")
def bench_placements_limit() -> None:
    import resource
    import subprocess
    import tempfile
    from pathlib import Path

    from workbook.placements_file import MAX_PLACEMENTS

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "placements.csv"
        _placements(MAX_PLACEMENTS).to_csv(csv_path, index=False)
        for flavour in ("native", "udf"):
            cmd = [sys.executable, "build.py", "--placements", str(csv_path), "--flavour", flavour]
            cmd += ["--out", str(Path(tmp) / flavour), "--no-picture"]
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            elapsed = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # largest child so far, MB
            print(
                f"  {MAX_PLACEMENTS:,} placements, {flavour:<6} flavour: {_seconds(elapsed)}, peak memory ≤ {peak:,.0f} MB"
            )
    print("  goal: both flavours within a few minutes (the limit is MAX_PLACEMENTS in workbook/placements_file.py)")


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
