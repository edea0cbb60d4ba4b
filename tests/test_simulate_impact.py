"""Price impact in the programme simulation (``--impact none|linear|sqrt``).

* ``none`` is today's simulation bit for bit: the current ``run_chunk`` against the frozen copy of the code
  before impact (tests/simulate_reference.py), over price, volume and history variants;
* with impact, a deterministic path (a bootstrapped history whose every return is 0 and volume 200,000) is
  recomputed here day by day in plain Python from the rule — the day's sale price is the day's price less
  the temporary impact, the permanent impact lowers the following days, commission on the impacted gross,
  strike at premium × the sale price — and must match;
* a ``sqrt`` run has a positive implementation shortfall that grows with ``adv_fraction``.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from simulate_reference import run_chunk as reference_run_chunk

import model
from model import PROSPECTUS, CEOModelError
from model.simulate import PriceHistory, Simulation, run_chunk, simulate
from workbook.commands.simulate_command import main

VARIANTS = {
    "gbm-fixed-volume": dict(paths=1500, days=120, seed=7),
    "gbm-lognormal-volume-floor": dict(paths=1100, days=90, seed=11, volume_sigma=0.4, floor=3.5, drift=0.2),
    "history": dict(paths=1030, days=80, seed=5),
    "reaches-the-maximum": dict(paths=600, days=200, seed=3, adv_fraction=0.9),
}
HISTORY = PriceHistory(
    log_returns=np.array([0.05, -0.04, 0.01, -0.02, 0.03]), volumes=np.array([80_000.0, 150_000, 0, 90_000, 120_000])
)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_impact_none_is_todays_simulation_bit_for_bit(name):
    kw = dict(VARIANTS[name])
    history = HISTORY if name == "history" else None
    terms = PROSPECTUS.replace(volatility=0.9)
    sim = Simulation(**kw, history=history, impact="none")
    assert sim == Simulation(**kw, history=history)  # "none" is the default
    ours = run_chunk(terms, sim, 0, sim.blocks)
    theirs = reference_run_chunk(terms, sim, 0, sim.blocks)
    assert set(ours.columns) == set(theirs.columns)  # no shortfall column without impact
    for column, values in theirs.columns.items():
        assert values.dtype == ours.columns[column].dtype
        assert values.tobytes() == ours.columns[column].tobytes(), column
    for a, b in (
        (ours.trace_price, theirs.trace_price),
        (ours.trace_shares, theirs.trace_shares),
        (ours.trace_gross, theirs.trace_gross),
    ):
        assert a.tobytes() == b.tobytes()


def test_impact_none_leaves_the_document_as_it_was():
    result = simulate(PROSPECTUS, Simulation(paths=50, days=10))
    doc = result.to_json()
    assert "shortfall" not in doc and "shortfall" not in result.paths.columns
    assert not {"impact", "temporary_coefficient", "permanent_coefficient"} & set(doc["parameters"])


def _by_hand(model_name: str, days: int, c_t: float, c_p: float, volume: float, adv_fraction: float):
    """The rule, one day at a time, in plain floats (price constant but for the permanent impact)."""
    terms = PROSPECTUS.replace(volatility=0.9)
    daily = 0.9 / math.sqrt(252)
    price = 4.04
    gross = at_price = warrant_value = 0.0
    shares_total = 0.0
    for _ in range(days):
        q = math.floor(adv_fraction * volume)
        f = q / volume if model_name == "linear" else math.sqrt(q / volume)
        sale = price * (1 - c_t * daily * f)
        day_gross = float(model.round_half_up(q * sale, 2))
        gross += day_gross
        at_price += q * price
        shares_total += q
        ws = math.floor(q * terms.warrant_coverage)
        strike = float(model.round_half_up(sale * terms.warrant_premium, 2))
        warrant_value += ws * model.warrant_value(
            price, strike, terms.warrant_term_years, 0.9, terms.risk_free_rate, terms.dividend_yield
        )
        price *= 1 - c_p * daily * f  # the next day starts lower
    return gross, at_price - gross, shares_total, warrant_value


@pytest.mark.parametrize("impact", ["linear", "sqrt"])
def test_a_deterministic_path_follows_the_rule(impact):
    history = PriceHistory(log_returns=np.zeros(1), volumes=np.array([200_000.0]))
    sim = Simulation(
        paths=3,
        days=12,
        adv_fraction=0.15,
        history=history,
        impact=impact,
        temporary_coefficient=0.5,
        permanent_coefficient=0.2,
    )
    result = simulate(PROSPECTUS.replace(volatility=0.9), sim)
    gross, shortfall, shares, warrant_value = _by_hand(impact, 12, 0.5, 0.2, 200_000.0, 0.15)
    row = result.paths.iloc[0]
    assert row["shares_sold"] == shares == 12 * 30_000
    assert row["gross"] == pytest.approx(gross, abs=0.005)
    assert row["shortfall"] == pytest.approx(shortfall, abs=0.01)
    assert row["shortfall"] > 0
    # commission on the impacted gross: 4% below $10M (the first tier), to the cent
    assert row["commission"] == pytest.approx(float(model.round_half_up(0.04 * gross, 2)), abs=0.005)
    assert row["warrant_value"] == pytest.approx(warrant_value, rel=1e-9)
    # without impact the same path would have raised 360,000 × $4.04
    assert gross < 360_000 * 4.04


def test_sqrt_shortfall_is_positive_and_grows_with_adv_fraction():
    means, per_share = [], []
    for fraction in (0.05, 0.10, 0.20):
        result = simulate(
            PROSPECTUS, Simulation(paths=400, days=60, seed=1, adv_fraction=fraction, impact="sqrt")
        ).summary()
        shortfall = result["shortfall"]
        assert shortfall["p05"] > 0
        assert shortfall["p05"] <= shortfall["p50"] <= shortfall["p95"]
        means.append(shortfall["mean"])
        per_share.append(shortfall["mean"] / result["shares_sold"]["mean"])
    assert means[0] < means[1] < means[2]
    assert per_share[0] < per_share[1] < per_share[2]  # the square root: dearer per share as the day's share grows


def test_the_command_line_reports_the_shortfall(capsys):
    code = main(["--paths", "200", "--days", "20", "--impact", "sqrt", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["parameters"]["impact"] == "sqrt"
    assert set(doc["shortfall"]) == {"mean", "p05", "p50", "p95"} and doc["shortfall"]["mean"] > 0
    code = main(["--paths", "200", "--days", "20", "--impact", "linear"])
    out = capsys.readouterr().out
    assert code == 0 and "Implementation shortfall ($)" in out and "linear impact" in out


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--impact", "cubic"], "--impact"),
        (["--impact", "sqrt", "--temporary-coefficient", "-1"], "--temporary-coefficient"),
        (["--impact", "sqrt", "--permanent-coefficient", "nan"], "--permanent-coefficient"),
        (["--impact", "sqrt", "--temporary-coefficient", "100"], "--temporary-coefficient"),
    ],
)
def test_bad_impact_arguments_exit_2(capsys, args, flag):
    code = main(["--paths", "10", "--days", "5", *args])
    err = capsys.readouterr().err
    assert code == 2 and flag in err and err.count("\n") == 1


def test_impact_is_checked_in_the_model_too():
    with pytest.raises(CEOModelError, match="impact"):
        Simulation(paths=1, impact="sqrt-ish")
