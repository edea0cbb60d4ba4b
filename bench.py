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
import re
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
    from model import PROSPECTUS_SCHEDULE

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
    "(fresh process) vs the formulas engine, at the prospectus size, 1,000, 5,000 and 10,000 placements",
)
def bench_recalc() -> None:
    import os
    import subprocess
    import tempfile
    from pathlib import Path

    from workbook.engine import lo_engine
    from workbook.generate import build

    reason = lo_engine.unavailable_reason()
    if reason:
        print(f"  skipped: {reason}")
        return
    sizes = os.environ.get("CEO_BENCH_PLACEMENTS", "0,1000,5000,10000")
    repeats = int(os.environ.get("CEO_BENCH_REPEATS", "5"))
    formulas_runs = {0: 5, 1000: 1}  # formulas takes minutes at 1,000 placements and is past the timeout at 5,000
    if os.environ.get("CEO_BENCH_FORMULAS") == "0":
        formulas_runs = {}
    env = {**os.environ, "CEO_WORKBOOK_TIMEOUT": "0"}

    def fresh(cmd):
        return lambda: subprocess.run(cmd, check=True, capture_output=True, env=env)

    print(
        f"  fresh processes, median of {repeats} (formulas: 5 at the prospectus size, 1 run at 1,000, none above: "
        "it refuses more than 60,000 formulas)"
    )
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
            t_ours = median_time(fresh([*ours, "--engine", "libreoffice"]), repeats=repeats, warmup=0)
            t_lo = median_time(
                lambda src=native.path, out=tmp / "lo": lo_engine.convert(
                    src, out, "xlsx:Calc MS Excel 2007 XML", recalculate=True
                ),
                repeats=repeats,
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
    big = [r for r in rows if r[0] >= 1000]
    if len(big) >= 2:
        cells = [r[1] for r in big]
        print(
            f"  growth {big[0][0]:,} → {big[-1][0]:,} placements (seconds ∝ cells^k, fitted): "
            f"ours k = {fitted_exponent(cells, [r[2] for r in big]):.2f}, "
            f"LibreOffice native k = {fitted_exponent(cells, [r[3] for r in big]):.2f}"
        )
    print("  goals: ratio ≤ 1 at every size; growth exponent ≤ 1.1")


BUILD_SIZES = (1_000, 3_000, 10_000)


def fitted_exponent(sizes, seconds) -> float:
    """Least-squares slope of log(seconds) against log(size): seconds ∝ size^k."""
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


@benchmark(
    "build_growth",
    "python build.py --placements FILE --out DIR (both flavours, values cached, pictures) at 1,000/3,000/10,000 "
    "placements: seconds, peak memory (/usr/bin/time -v) and the fitted growth exponent",
)
def bench_build_growth() -> None:
    import os
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    sizes = tuple(int(x) for x in os.environ.get("CEO_BENCH_BUILD", ",".join(map(str, BUILD_SIZES))).split(","))
    repeats = int(os.environ.get("CEO_BENCH_REPEATS", "3"))
    timer = shutil.which("time") or "/usr/bin/time"
    print(f"  realistic programme (bench.py --write-placements), fresh processes, median of {repeats}")
    print(f"  {'placements':>10} {'formula cells (udf + native)':>29} {'seconds':>9} {'peak memory':>12}")
    medians = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            csv_path, terms_path = write_shelf(n, tmp)
            runs = []
            for i in range(repeats):
                out = Path(tmp) / f"out-{n}-{i}"
                cmd = [timer, "-v", sys.executable, "build.py", "--placements", str(csv_path)]
                cmd += ["--terms", str(terms_path), "--out", str(out)]
                start = time.perf_counter()
                done = subprocess.run(cmd, check=True, capture_output=True, text=True)
                elapsed = time.perf_counter() - start
                peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024
                cells = sum(int(c) for c in re.findall(r"\((?:udf|native) flavour, (\d+) formula cells", done.stdout))
                runs.append((elapsed, peak, cells))
                shutil.rmtree(out)
            elapsed = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            medians.append(elapsed)
            print(f"  {n:>10,} {runs[0][2]:>29,} {elapsed:>8.1f}s {peak:>9,.0f} MB")
    if len(sizes) > 1:
        print(
            f"  growth {sizes[0]:,} → {sizes[-1]:,} placements (seconds ∝ rows^k, fitted): k = "
            f"{fitted_exponent(sizes, medians):.2f}"
        )
    print("  goals: 10,000 placements in ≤ 60 s and ≤ 2 GB; k ≤ 1.1")


# --- a realistic large programme ---------------------------------------------------------------------------------------

SHELF_MAXIMUM = 3_000_000_000.0  # the programme maximum of shelf_terms(): a $3B shelf sold over ten years
SHELF_AGENTS = 4  # sales agents, each placing once on every trading day


def shelf_placements(n: int, seed: int = SEED):
    """``n`` placements of a modern at-the-market programme sold daily through :data:`SHELF_AGENTS` agents.

    Trading days (weekdays, one row per agent per day) from 2025-01-02 (the document date of
    ``examples/modern-atm.toml``), so 10,000 placements span about ten years. The price follows a
    geometric random walk (45% a year) with a gentle upward drift, pulled back towards a rising trend so
    it stays plausible over a decade, and never below the listing's minimum price of $12.50. Each agent
    sells 0.5–2% of the average daily volume (1.5M shares) in round lots of 100; the cumulative gross
    stays below :data:`SHELF_MAXIMUM` (about $2.4B at 10,000 rows). Deterministic for a given ``seed``.

    >>> frame = shelf_placements(8)
    >>> list(frame.columns), len(frame), frame["Trade date"].iloc[4].isoformat()
    (['Trade date', 'Shares', 'Price'], 8, '2025-01-03')
    """
    import datetime as dt

    import pandas as pd

    rng = np.random.default_rng(seed)
    days = -(-n // SHELF_AGENTS)
    sessions = np.busday_offset(np.datetime64("2025-01-02"), np.arange(days), roll="forward")
    log_price = np.empty(days)
    level = np.log(14.0)
    for d in range(days):  # mean-reverting around a trend of +8% a year
        trend = np.log(14.0) + 0.08 * d / 252
        level += 1.0 / 252 * (trend - level) + 0.45 / np.sqrt(252) * rng.standard_normal()
        log_price[d] = level
    close = np.maximum(np.round(np.exp(log_price), 2), 12.5)
    price = np.repeat(close, SHELF_AGENTS)[:n]
    price = np.maximum(np.round(price * (1 + rng.uniform(-0.004, 0.004, n)), 2), 12.5)  # each agent's own VWAP
    shares = (rng.uniform(0.005, 0.02, n) * 1_500_000 // 100 * 100).astype(np.int64)
    trade = np.repeat(sessions, SHELF_AGENTS)[:n]
    gross = np.cumsum(shares * price)
    if gross[-1] > 0.95 * SHELF_MAXIMUM:  # scale the lots down rather than pass the maximum
        shares = np.maximum((shares * (0.95 * SHELF_MAXIMUM / gross[-1]) // 100 * 100).astype(np.int64), 100)
    return pd.DataFrame({"Trade date": [d.astype(dt.date) for d in trade], "Shares": shares, "Price": price})


def shelf_terms() -> str:
    """``examples/modern-atm.toml`` with a programme maximum of :data:`SHELF_MAXIMUM` (for :func:`shelf_placements`)."""
    from pathlib import Path

    text = (Path(__file__).parent / "examples" / "modern-atm.toml").read_text(encoding="utf-8")
    schedule = f"schedule = [[0.0, {SHELF_MAXIMUM:_.1f}, 0.03]]"
    out, count = re.subn(r"^schedule = .*$", schedule, text, count=1, flags=re.M)
    assert count == 1, "examples/modern-atm.toml has no schedule line"
    return out


def write_shelf(n: int, directory) -> tuple:
    """Write ``placements-N.csv`` and ``shelf.toml`` into ``directory``; returns their paths."""
    from pathlib import Path

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, terms_path = directory / f"placements-{n}.csv", directory / "shelf.toml"
    shelf_placements(n).to_csv(csv_path, index=False, date_format="%Y-%m-%d")
    terms_path.write_text(shelf_terms(), encoding="utf-8")
    return csv_path, terms_path


# --- programme simulation ---------------------------------------------------------------------------------------------

SIM_PATHS = 100_000
SIM_DAYS = 252


def _bare_numpy_paths(paths: int, days: int, chunk: int | None, seed: int = SEED) -> float:
    """Bare numpy: draw GBM price paths and cumulate the gross of 10,000 shares a day (no fee, no rounding)."""
    from model import PROSPECTUS

    rng = np.random.default_rng(seed)
    sd = PROSPECTUS.volatility / np.sqrt(252)
    total = 0.0
    step = chunk or paths
    for start in range(0, paths, step):
        n = min(step, paths - start)
        z = rng.standard_normal((n, days))
        price = PROSPECTUS.last_sale_price * np.exp(np.cumsum(-0.5 * sd * sd + sd * z, axis=1))
        total += float(np.cumsum(10_000 * price, axis=1)[:, -1].sum())
    return total


@benchmark("simulate", "programme simulation: 100,000 paths × 252 days vs bare numpy; memory at 1,000,000; linearity")
def bench_simulate() -> None:
    import subprocess

    import model
    from model.simulate import DEFAULT_CHUNK_PATHS, Simulation, simulate

    sim = Simulation(paths=SIM_PATHS, days=SIM_DAYS, seed=SEED)
    # Interleaved (one run of each per round, median over rounds), so a change in the machine's load
    # during the benchmark hits all three alike.
    fns = (
        lambda: simulate(model.PROSPECTUS, sim),
        lambda: _bare_numpy_paths(SIM_PATHS, SIM_DAYS, None),
        lambda: _bare_numpy_paths(SIM_PATHS, SIM_DAYS, DEFAULT_CHUNK_PATHS),
    )
    rounds = [[median_time(fn, repeats=1, warmup=0) for fn in fns] for _ in range(5)]
    t_sim, t_bare_whole, t_bare_chunked = (statistics.median(r[i] for r in rounds) for i in range(3))
    t_bare = min(t_bare_whole, t_bare_chunked)
    print(
        f"  {SIM_PATHS:,} paths × {SIM_DAYS} days, prospectus terms, 10% of ADV, seed {SEED}; median of 5 interleaved"
    )
    print(f"  (s) model.simulate.simulate (chunks of {DEFAULT_CHUNK_PATHS:,} paths)       {_seconds(t_sim)}")
    print(f"  (b) bare numpy, draw paths + cumulate gross, one array     {_seconds(t_bare_whole)}")
    print(f"  (c) bare numpy, the same in chunks of {DEFAULT_CHUNK_PATHS:,} paths          {_seconds(t_bare_chunked)}")
    print(f"  simulation vs the faster bare numpy: {t_sim / t_bare:6.2f}× the time (goal: within 5×)")

    print("  linearity in paths (one run each, 252 days):")
    base = None
    for paths in (25_000, 50_000, 100_000, 200_000):
        t = median_time(lambda p=paths: simulate(model.PROSPECTUS, Simulation(paths=p, days=SIM_DAYS)), 1, 0)
        per = t / paths * 1e6
        base = base or per
        print(f"    {paths:>9,} paths {_seconds(t)}   {per:6.2f} µs/path   ({per / base:4.2f}× the 25,000-path rate)")

    # Peak RSS from VmHWM (the new process image's own high-water mark): ru_maxrss would carry over the
    # memory of this process, which forked the child, across exec.
    code = (
        "import re, time, model\n"
        "from model.simulate import Simulation, simulate\n"
        "t = time.perf_counter()\n"
        "r = simulate(model.PROSPECTUS, Simulation(paths=1_000_000, days=252))\n"
        "t = time.perf_counter() - t\n"
        "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024\n"
        "print(t, hwm, r.paths.memory_usage(deep=True).sum() / 2**20)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    seconds, peak_mb, table_mb = (float(x) for x in done.stdout.split())
    print(
        f"  1,000,000 paths × 252 days in a fresh process: {_seconds(seconds).strip()}, peak RSS {peak_mb:,.0f} MB "
        f"(of which per-path results {table_mb:,.0f} MB; goal: under 2 GB)"
    )


# --- execution planner and price impact ------------------------------------------------------------------------------

FRONTIER_LAMBDAS = 1_000
IMPACT_PATHS = 50_000


@benchmark("frontier", "Almgren-Chriss efficient frontier over 1,000 lambdas: one array call vs a loop of plans")
def bench_frontier() -> None:
    from model.execution import frontier, plan

    for label, args in (
        ("paper example, N = 5", (1e6, 5, 5, 0.95, 0.0625, 2.5e-6, 2.5e-7)),
        ("a year of days, N = 252", (5e6, 252, 252, 0.23, 0.0, 1e-6, 1e-7)),
    ):
        lams = np.concatenate([[0.0], np.geomspace(1e-9, 1e-4, FRONTIER_LAMBDAS - 1)])
        t_array = median_time(lambda a=args, la=lams: frontier(*a, la), repeats=7)
        t_loop = median_time(lambda a=args, la=lams: [plan(*a, lam) for lam in la], repeats=3)
        E, _ = frontier(*args, lams)
        gap = max(abs(plan(*args, lams[i]).expected_cost - E[i]) for i in (0, 500, 999))
        print(f"  {label}: {FRONTIER_LAMBDAS:,} lambdas")
        print(f"    (f) model.execution.frontier(lambdas)        {_seconds(t_array)}")
        print(f"    (p) [plan(lambda) for lambda in lambdas]      {_seconds(t_loop)}")
        print(f"    array call vs loop: {t_loop / t_array:7.1f}× faster; agreement max |ΔE| = {gap:.2g} $")


@benchmark("simulate_impact", "programme simulation with square-root impact vs without: 50,000 paths × 252 days")
def bench_simulate_impact() -> None:
    import model
    from model.simulate import Simulation, simulate

    plain = Simulation(paths=IMPACT_PATHS, days=SIM_DAYS, seed=SEED)
    sqrt = Simulation(paths=IMPACT_PATHS, days=SIM_DAYS, seed=SEED, impact="sqrt")
    linear = Simulation(paths=IMPACT_PATHS, days=SIM_DAYS, seed=SEED, impact="linear")
    fns = tuple(lambda s=s: simulate(model.PROSPECTUS, s) for s in (plain, sqrt, linear))
    rounds = [[median_time(fn, repeats=1, warmup=0) for fn in fns] for _ in range(5)]
    t_none, t_sqrt, t_linear = (statistics.median(r[i] for r in rounds) for i in range(3))
    shortfall = simulate(model.PROSPECTUS, sqrt).summary()["shortfall"]
    print(
        f"  {IMPACT_PATHS:,} paths × {SIM_DAYS} days, prospectus terms, 10% of ADV, seed {SEED}; median of 5 interleaved"
    )
    print(f"  (n) --impact none     {_seconds(t_none)}")
    print(f"  (s) --impact sqrt     {_seconds(t_sqrt)}   ratio {t_sqrt / t_none:5.2f}× (goal: ≤ 1.3×)")
    print(f"  (l) --impact linear   {_seconds(t_linear)}   ratio {t_linear / t_none:5.2f}×")
    print(
        f"  sqrt implementation shortfall: mean ${shortfall['mean']:,.0f}, "
        f"p05 ${shortfall['p05']:,.0f}, p95 ${shortfall['p95']:,.0f}"
    )


# --- driver ----------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="name", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--write-placements",
        nargs=2,
        metavar=("N", "DIR"),
        help="write a realistic N-row placements CSV and its terms file (shelf.toml) into DIR, then exit",
    )
    args = parser.parse_args(argv)

    if args.write_placements:
        n, directory = args.write_placements
        for path in write_shelf(int(n), directory):
            print(f"wrote {path}")
        return 0

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
