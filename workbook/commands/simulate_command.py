"""``ceo-model simulate``: the Monte Carlo of :mod:`model.simulate` from the command line.

ceo-model simulate [--terms FILE] [--paths N] [--days T] [--adv-fraction F] [--drift D] [--volume-sigma S]
                   [--seed N] [--floor P] [--financing-floor] [--prices CSV] [--impact none|linear|sqrt] …
                   [--chunk-paths N] [--scheduler local|dask [--scheduler-address ADDRESS]] [--json] [--plot DIR]

Prints a table of the summary (or ``--json``: the parameters, summaries and
probabilities), and with ``--plot DIR`` writes three fan charts into DIR. A run
whose per-path results would not fit in half of this machine's memory is
refused before it starts. Bad arguments: one line naming the argument, exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import model.simulate
from model.errors import CEOModelError, ErrorKind
from model.execution import IMPACT_MODELS, add_coefficient_arguments
from model.simulate import (
    DEFAULT_CHUNK_PATHS,
    TRADING_DAYS_PER_YEAR,
    PriceHistory,
    Simulation,
    check_terms,
    result_bytes,
    simulate,
    text_table,
)
from workbook.commands.argparsing import Parser
from workbook.sheets.simulation_chart import fan_chart

PROG = "ceo-model simulate"
DESCRIPTION = model.simulate.__doc__.splitlines()[0]


class _Refused(Exception):
    pass


class _Parser(Parser):
    def error(self, message: str):  # one line, exit 2 (argparse would print the usage too)
        raise _Refused(f"{message} (see {self.prog} --help)")


def _parser(prog: str = PROG) -> argparse.ArgumentParser:
    p = _Parser(
        prog=prog,
        description=DESCRIPTION,
        examples=(
            f"{prog}                                   # 10,000 paths of the prospectus, a table",
            f"{prog} --terms deal.toml --paths 50000 --seed 7 --json > runs.json",
            f"{prog} --adv-fraction 0.05 --prices history.csv --plot charts/",
        ),
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


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    """Run ``ceo-model simulate`` with ``argv``; return the exit code (0, or 2 for a refused argument)."""
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
            if len(terms.sales_agents) > 1:  # the simulation pays one schedule: never ignore the other agents
                raise CEOModelError(
                    f"{args.terms.name}: agents",
                    f"{len(terms.sales_agents)} agents; the simulation pays one agent on one schedule",
                )
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
        print(text_table(document))
    return 0
