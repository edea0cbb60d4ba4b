"""The simulation's summary as tables: a pandas table for cells and sheets, and the text table of the command line."""

from __future__ import annotations

import math

import pandas as pd

from model.args import number
from model.simulate.parameters import SUMMARY_FIELDS, TRADING_DAYS_PER_YEAR, UDF_MAX_PATHS, Simulation
from model.simulate.run import simulate
from model.terms import DealTerms

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


def text_table(document: dict) -> str:
    """The command line's table of a run: its parameters on one line, then :func:`summary_table` in text.

    ``document`` is :meth:`SimulationResult.to_json` with ``parameters["terms"]`` naming the terms, and
    optionally ``plots``, the fan charts written (one line each at the end). A blank cell shows as ``—``;
    values below 10 keep four significant digits, larger ones are rounded to whole units.

    Examples
    --------
    >>> from model import PROSPECTUS
    >>> result = simulate(PROSPECTUS.replace(volatility=0.0), Simulation(paths=2, days=3))
    >>> document = result.to_json()
    >>> document["parameters"]["terms"] = "prospectus"
    >>> print(text_table(document).splitlines()[2])
      Gross proceeds ($)                                        121,200        121,200        121,200        121,200
    """
    params = document["parameters"]
    lines = [
        f"{params['paths']:,} paths × {params['days']} trading days, {params['adv_fraction']:.1%} of daily volume, "
        f"drift {params['drift']:g}, volume sigma {params['volume_sigma']:g}, seed {params['seed']}, terms {params['terms']}"
        + (
            f", {params['impact']} impact (temporary {params['temporary_coefficient']:g}, "
            f"permanent {params['permanent_coefficient']:g})"
            if "impact" in params
            else ""
        )
    ]
    lines.append(f"  {'':<50} {'mean':>14} {'p05':>14} {'p50':>14} {'p95':>14}")
    for row in summary_table(document).itertuples(index=False):
        lines.append(f"  {row[0]:<50} " + " ".join(f"{_shown(v):>14}" for v in row[1:]))
    lines += [f"  fan chart: {p}" for p in document.get("plots", [])]
    return "\n".join(lines)


def _shown(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.4g}" if abs(x) < 10 else f"{x:,.0f}"
