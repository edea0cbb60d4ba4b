"""``ceo-model plan``: how fast to sell, and what it costs — the Almgren–Chriss plan of :mod:`model.execution`.

ceo-model plan --shares X --days T [--intervals N] --sigma S --epsilon E --eta H --gamma G --risk-aversion L
               [--json] [--plot DIR]
ceo-model plan --terms deal.toml (--shares X | --gross G) --days T --risk-aversion L [--impact sqrt|linear]
               [--temporary-coefficient C] [--permanent-coefficient C] [--epsilon E] …

Units: shares, trading days, dollars; σ in $ per share per √day, ε in $ per
share, η in $ per share per (share per day), γ in $ per share per share, λ in
1/$. With ``--terms`` (or ``--gross``, which needs a price: the terms' last
sale price, the prospectus's without ``--terms``), what is not given comes
from the deal: σ = price × volatility / √252, and η and γ from the impact
calibrated to the average daily volume (:func:`model.execution.calibrate`:
``--impact sqrt`` (default) or ``linear``, coefficients default 0.142 and
0.0142); ε defaults to 0 there (a deal's terms have no spread). ``--gross``
plans the whole shares that the dollar target buys at that price (rounded
down). Bad arguments: one line naming the argument, exit 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

from model.errors import CEOModelError
from workbook.commands.argparsing import Parser

PROG = "ceo-model plan"
FLAGS = {
    "shares": "--shares",
    "gross": "--gross",
    "days": "--days",
    "intervals": "--intervals",
    "sigma": "--sigma",
    "epsilon": "--epsilon",
    "eta": "--eta",
    "gamma": "--gamma",
    "risk_aversion": "--risk-aversion",
    "temporary_coefficient": "--temporary-coefficient",
    "permanent_coefficient": "--permanent-coefficient",
    "impact": "--impact",
    "frontier_points": "--frontier-points",
}


class _Refused(Exception):
    pass


class _Parser(Parser):
    def error(self, message: str):  # one line, exit 2 (argparse would print the usage too)
        raise _Refused(f"{message} (see {self.prog} --help)")


EXAMPLES = (
    "ceo-model plan --shares 1e6 --days 5 --sigma 0.95 --epsilon 0.0625 --eta 2.5e-6 --gamma 2.5e-7 "
    "--risk-aversion 1e-6   # the paper's example",
    "ceo-model plan --terms deal.toml --gross 5e6 --days 60 --risk-aversion 1e-6 --json",
    "ceo-model plan --terms deal.toml --shares 400000 --days 20 --risk-aversion 0 --plot charts/",
)


def _parser() -> argparse.ArgumentParser:
    from model.execution import add_coefficient_arguments

    p = _Parser(
        prog=PROG,
        description="Almgren-Chriss execution plan: trajectory, expected cost and variance.",
        examples=EXAMPLES,
    )
    size = p.add_mutually_exclusive_group()
    size.add_argument("--shares", type=float, help="shares to sell, X")
    size.add_argument("--gross", type=float, help="dollars to raise instead: the shares they buy at the price")
    p.add_argument("--days", type=float, help="horizon T in trading days (required)")
    p.add_argument("--intervals", type=float, help="number of intervals N (default: one per day, T rounded)")
    p.add_argument("--sigma", type=float, help="volatility in $/share/sqrt(day) (default with --terms: from the deal)")
    p.add_argument("--epsilon", type=float, help="fixed cost per share in $ (default with --terms: 0)")
    p.add_argument(
        "--eta", type=float, help="temporary impact, $/share per share/day (default with --terms: calibrated)"
    )
    p.add_argument("--gamma", type=float, help="permanent impact, $/share per share (default with --terms: calibrated)")
    p.add_argument("--risk-aversion", type=float, help="lambda in 1/$ (required; 0: the straight line)")
    p.add_argument("--terms", type=Path, help="deal terms file (.toml/.json): price, volatility and daily volume")
    p.add_argument("--impact", choices=("sqrt", "linear"), default="sqrt", help="impact calibrated to ADV (--terms)")
    add_coefficient_arguments(p)
    p.add_argument("--frontier-points", type=int, default=200, help="lambdas on the plotted frontier (default 200)")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument("--plot", type=Path, metavar="DIR", help="write trajectory.png and frontier.png into DIR")
    return p


def _inputs(args: argparse.Namespace) -> tuple[dict, dict]:
    """The planner's arguments, and what was derived from the deal (for the report)."""
    from model import PROSPECTUS
    from model.args import number
    from model.execution import calibrate
    from model.rounding import round_down, round_half_up
    from model.terms_file import load_terms

    derived: dict[str, object] = {}
    if args.days is None:
        raise _Refused("argument --days: required")
    if args.risk_aversion is None:
        raise _Refused("argument --risk-aversion: required (0 plans the straight line)")
    terms = None
    if args.terms is not None:
        try:
            terms = load_terms(args.terms)
        except CEOModelError as exc:
            raise _Refused(f"argument --terms: {exc}") from None
    if args.shares is None and args.gross is None:
        raise _Refused("argument --shares: required (or --gross)")
    shares = args.shares
    deal = terms if terms is not None else PROSPECTUS
    if args.gross is not None:
        gross = number(args.gross, "gross", low=0.0)
        price = float(deal.last_sale_price)
        shares = float(round_down(gross / price))
        derived.update(gross=gross, price=price, shares=shares)
    days = number(args.days, "days", low=0.0, low_open=True)
    intervals = args.intervals if args.intervals is not None else max(1, int(round_half_up(days)))  # half up
    missing = [name for name in ("sigma", "eta", "gamma", "epsilon") if getattr(args, name) is None]
    values = {name: getattr(args, name) for name in ("sigma", "eta", "gamma", "epsilon")}
    if missing and terms is None:
        raise _Refused(f"argument {FLAGS[missing[0]]}: required (or give --terms to derive it from the deal)")
    if terms is not None:
        if values["epsilon"] is None:
            values["epsilon"] = 0.0
            derived["epsilon"] = 0.0
        if any(values[n] is None for n in ("sigma", "eta", "gamma")):
            c = calibrate(
                terms.last_sale_price,
                terms.volatility,
                terms.average_daily_volume,
                number(shares, "shares", low=0.0, low_open=True),
                days,
                args.impact,
                args.temporary_coefficient,
                args.permanent_coefficient,
            )
            for name in ("sigma", "eta", "gamma"):
                if values[name] is None:
                    values[name] = getattr(c, name)
                    derived[name] = getattr(c, name)
            derived["calibration"] = {
                "price": c.price,
                "volatility": c.volatility,
                "average_daily_volume": c.average_daily_volume,
                "impact": c.model,
                "temporary_coefficient": c.temporary_coefficient,
                "permanent_coefficient": c.permanent_coefficient,
                "participation": c.participation,
            }
    return (
        dict(
            shares=shares,
            days=days,
            intervals=intervals,
            sigma=values["sigma"],
            epsilon=values["epsilon"],
            eta=values["eta"],
            gamma=values["gamma"],
            risk_aversion=args.risk_aversion,
        ),
        derived,
    )


def frontier_lambdas(problem, risk_aversion: float, points: int) -> np.ndarray:
    """λ = 0 and ``points − 1`` values log-spaced around the λ whose κT = 1 (η̃/(σT)²) and the plan's own λ."""
    if problem.sigma == 0 or problem.shares == 0:
        return np.array([0.0, risk_aversion]) if risk_aversion else np.array([0.0])
    scale = problem.eta_tilde / (problem.sigma * problem.days) ** 2
    low, high = scale * 1e-2, scale * 1e3
    if risk_aversion > 0:
        low, high = min(low, risk_aversion / 10), max(high, risk_aversion * 10)
    lams = np.concatenate([[0.0], np.geomspace(low, high, max(points - 1, 1)), [risk_aversion]])
    return np.unique(lams)


def plot(result, lams: np.ndarray, energies: tuple[np.ndarray, np.ndarray], folder: Path) -> list[Path]:
    """Write ``trajectory.png`` (holdings and trades by day, against the straight line) and ``frontier.png``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = result.problem
    folder.mkdir(parents=True, exist_ok=True)
    t = p.times
    line = p.shares * (1 - np.arange(p.intervals + 1) / p.intervals)
    fig, ax = plt.subplots(figsize=(6.4, 3.8), dpi=100)
    width = 0.8 * p.tau
    ax.bar(t[1:] - p.tau / 2, result.trades, width=width, color="#9ecae1", label="shares sold in the interval")
    ax.plot(t, line, color="#969696", ls="--", lw=1.2, label="straight line (λ = 0)")
    ax.plot(t, result.holdings, color="#08306b", lw=2, marker="o" if p.intervals <= 60 else None, ms=4)
    ax.lines[-1].set_label(f"holdings, optimal for λ = {result.risk_aversion:g}")
    ax.set_xlabel("Trading day")
    ax.set_ylabel("Shares")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title(
        f"Almgren–Chriss plan: {p.shares:,.0f} shares over {p.days:g} days (κ = {result.kappa:.3g}/day)", fontsize=10
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    trajectory = folder / "trajectory.png"
    fig.savefig(trajectory)
    plt.close(fig)

    E, V = energies
    fig, ax = plt.subplots(figsize=(6.4, 3.8), dpi=100)
    ax.plot(np.sqrt(V) / 1e3, E / 1e3, color="#08306b", lw=2, label="efficient frontier (optimal for each λ)")
    ax.plot(np.sqrt(V[0]) / 1e3, E[0] / 1e3, "s", color="#969696", label="straight line (λ = 0)")
    ax.plot(
        math.sqrt(result.variance) / 1e3,
        result.expected_cost / 1e3,
        "o",
        color="#a50f15",
        label=f"this plan (λ = {result.risk_aversion:g})",
    )
    ax.set_xlabel("Standard deviation of the cost ($ thousands)")
    ax.set_ylabel("Expected cost ($ thousands)")
    title = f"Cost against risk, {lams.size} values of λ from 0 to {lams.max():.2g}"
    if not np.any(V > 0):
        title = "No volatility (or no shares): no risk, the frontier is one point"
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    frontier = folder / "frontier.png"
    fig.savefig(frontier)
    plt.close(fig)
    return [trajectory, frontier]


def main(argv: list[str] | None = None) -> int:
    from model.execution import frontier, plan

    try:
        args = _parser().parse_args(argv)
        if args.plot is not None and args.plot.exists() and not args.plot.is_dir():
            raise _Refused(f"argument --plot: {args.plot} is a file, not a folder")
        inputs, derived = _inputs(args)
        result = plan(**inputs)
        if not 2 <= args.frontier_points <= 100_000:
            raise _Refused(f"argument --frontier-points: must be from 2 to 100,000 (got {args.frontier_points})")
    except CEOModelError as exc:
        if exc.argument.startswith("terms."):
            where = f"--terms: {exc.argument.removeprefix('terms.')}"
        else:
            where = FLAGS.get(exc.argument, exc.argument)
        print(f"{PROG}: argument {where}: {exc.rule}", file=sys.stderr)
        return 2
    except _Refused as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2

    document = result.to_json()
    if derived:
        document["derived"] = derived
    if args.plot is not None:
        lams = frontier_lambdas(result.problem, result.risk_aversion, args.frontier_points)
        p = result.problem
        curve = frontier(p.shares, p.days, p.intervals, p.sigma, p.epsilon, p.eta, p.gamma, lams)
        try:
            document["plots"] = [str(f) for f in plot(result, lams, curve, args.plot)]
        except OSError as exc:
            print(f"{PROG}: argument --plot: cannot write into {args.plot}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(document, indent=2, allow_nan=False))
    else:
        _print(document)
    return 0


def _print(document: dict) -> None:
    p = document["parameters"]
    print(
        f"Almgren-Chriss plan: {p['shares']:,.0f} shares over {p['days']:g} days in {p['intervals']} intervals, "
        f"lambda {p['risk_aversion']:g} (kappa {document['kappa']:.4g}/day)"
    )
    print(
        f"  sigma {p['sigma']:.6g} $/share/sqrt(day), epsilon {p['epsilon']:g}, eta {p['eta']:.6g}, gamma {p['gamma']:.6g}"
    )
    print(f"  expected cost ${document['expected_cost']:,.0f}, standard deviation ${document['std_cost']:,.0f}")
    print(f"  {'interval':>8} {'day':>8} {'sold':>14} {'held after':>14}")
    tau = document["tau"]
    for k, (n, x) in enumerate(zip(document["trades"], document["holdings"][1:], strict=True), start=1):
        print(f"  {k:>8} {k * tau:>8.4g} {n:>14,.0f} {x:>14,.0f}")
    for path in document.get("plots", []):
        print(f"  chart: {path}")
