"""Programme simulation (model/simulate/, ceo-model simulate): exactness against the ledger, reproducibility,
summaries, CLI.

Expected figures come from the prospectus (price $4.04, ADV 100,000, the 4% / 3.5% / 3% schedule to $25M,
10% warrant cover at 130%), from integer-cent arithmetic written here, or from the model's own ledger
(model.placements) run on the simulated daily sales — never from the simulation itself.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import math
import subprocess
import sys
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import prospectus
import pytest
from conftest import require

import model
from model.errors import CEOModelError
from model.simulate import PriceHistory, Simulation, simulate, summarise
from model.terms_file import load_terms
from workbook.commands.simulate_command import main

STILL = model.PROSPECTUS.replace(volatility=0.0)  # zero volatility; drift defaults to 0
CAPACITY_20PCT = 4_372_554  # NASDAQ_20PCT_CAPACITY(21,862,772): largest whole number below 20% [S-8]


def prospectus_fee(gross: Decimal) -> Decimal:
    """4% of the first $10M, 3.5% of the next $10M, 3% above, to the cent half up [S-11] — in decimals."""
    tiers = (
        (Decimal(0), Decimal(10_000_000), Decimal("0.04")),
        (Decimal(10_000_000), Decimal(20_000_000), Decimal("0.035")),
        (Decimal(20_000_000), Decimal(25_000_000), Decimal("0.03")),
    )
    fee = sum((min(max(gross - lo, Decimal(0)), hi - lo) * r for lo, hi, r in tiers), Decimal(0))
    return fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ledger_of(price: np.ndarray, shares: np.ndarray, terms: model.DealTerms) -> pd.DataFrame:
    """The model's placement ledger for one path's daily sales (days with no sale dropped)."""
    sold = shares > 0
    days = np.busday_offset(np.datetime64(terms.last_sale_date), np.arange(1, shares.size + 1), roll="forward")
    table = pd.DataFrame(
        {"Trade date": [d.astype(dt.date) for d in days[sold]], "Shares": shares[sold], "Price": price[sold]}
    )
    return model.placements(table, terms)


# --- zero volatility is the deterministic ledger ----------------------------------------------------------------------


def test_zero_volatility_reaches_the_maximum_exactly_as_the_ledger():
    # 50% of 100,000 shares a day at $4.04: integer-cent arithmetic gives the daily sales independently.
    remaining, daily = 2_500_000_000, []  # cents
    while (q := min(50_000, remaining // 404)) > 0:
        daily.append(q)
        remaining -= q * 404
    assert len(daily) == 124 and daily[-1] == 38_118  # 123 full days of $202,000, then $153,996.72
    result = simulate(STILL, Simulation(paths=3, days=200, adv_fraction=0.5))
    gross_cents = 2_500_000_000 - remaining
    expected_fee = prospectus_fee(Decimal(gross_cents) / 100)
    assert expected_fee == Decimal("899999.90")

    ledger = ledger_of(np.full(len(daily), 4.04), np.array(daily, dtype=float), STILL)
    for _, row in result.paths.iterrows():
        assert row["gross"] == round(ledger["Cumulative gross"].iloc[-1], 2) == gross_cents / 100
        assert row["commission"] == float(expected_fee) == round(ledger["Commission"].sum(), 2)
        assert row["net"] == pytest.approx(gross_cents / 100 - float(expected_fee), abs=1e-6)
        assert row["shares_sold"] == sum(daily) == ledger["Shares"].sum()
        assert row["placements"] == len(ledger) == 124
        assert row["days_to_max"] == 124
        assert row["warrant_shares"] == ledger["Warrant shares"].sum() == sum(q // 10 for q in daily)
        assert row["warrant_value"] == 0  # strike 5.25 is above 4.04·e^(−0.2) at zero volatility
        assert bool(row["max_reached"])
    assert (ledger["Warrant strike"] == 5.25).all()
    assert (result.trace_shares[:, :124] == np.array(daily)).all() and (result.trace_shares[:, 124:] == 0).all()


def test_zero_volatility_short_horizon_does_not_reach_the_maximum():
    result = simulate(STILL, Simulation(paths=2, days=252, adv_fraction=0.10))
    # 10,000 shares a day × $4.04 × 252 days = $10,180,800; fee 400,000 + 3.5% of 180,800
    row = result.paths.iloc[0]
    assert row["gross"] == pytest.approx(10_180_800.00, abs=1e-6)
    assert row["commission"] == 406_328.00
    assert row["shares_sold"] == 2_520_000 and row["warrant_shares"] == 252_000
    assert math.isnan(row["days_to_max"]) and not row["max_reached"]
    # cash: 10,000,000 + 9,774,472 net − 12 months × 2,300,000
    assert row["cash_end"] == pytest.approx(10_000_000 + 10_180_800 - 406_328 - 27_600_000, abs=1e-6)
    assert bool(row["cash_out"])
    assert row["dilution_pct"] == pytest.approx(2_520_000 / (21_862_772 + 2_520_000), rel=1e-12)
    summary = result.summary()
    assert summary["days_to_max"] == {"mean": None, "p05": None, "p50": None, "p95": None}
    assert summary["probabilities"]["max_reached"] == 0.0


# --- random paths follow the model exactly --------------------------------------------------------------------------

VOLATILE = Simulation(paths=3000, days=252, adv_fraction=0.6, volume_sigma=0.5, seed=7, trace_paths=60)


@pytest.fixture(scope="module")
def volatile():
    return simulate(model.PROSPECTUS.replace(volatility=0.9), VOLATILE)


def test_every_path_fee_is_the_model_fee_of_its_cumulative_gross(volatile):
    paths = volatile.paths
    assert paths["max_reached"].mean() > 0.2 and paths["gross"].min() < 20_000_000  # tiers crossed and not
    np.testing.assert_array_equal(
        paths["commission"].to_numpy(), model.fee(paths["gross"].to_numpy(), model.PROSPECTUS.schedule)
    )
    cents = np.round(paths["gross"].to_numpy() * 100)
    assert np.all(np.abs(paths["gross"].to_numpy() * 100 - cents) < 1e-4)  # whole cents
    for g, c in zip(paths["gross"][:200], paths["commission"][:200], strict=True):
        assert Decimal(str(c)) == prospectus_fee(Decimal(round(g * 100)) / 100)


def test_traced_paths_reproduce_the_ledger(volatile):
    terms = volatile.terms
    for i in range(volatile.trace_shares.shape[0]):
        price, shares = volatile.trace_price[i], volatile.trace_shares[i]
        assert np.all(shares == np.floor(shares))
        row = volatile.paths.iloc[i]
        ledger = ledger_of(price, shares, terms)
        assert row["gross"] == round(ledger["Cumulative gross"].iloc[-1], 2)
        assert row["commission"] == pytest.approx(ledger["Commission"].sum(), abs=1e-6)
        assert row["shares_sold"] == ledger["Shares"].sum()
        assert row["warrant_shares"] == ledger["Warrant shares"].sum()
        value = model.warrant_value(
            ledger["Price"].to_numpy(), ledger["Warrant strike"].to_numpy(), 5.0, 0.9, 0.04, 0.0
        )
        assert row["warrant_value"] == pytest.approx(float(ledger["Warrant shares"] @ value), rel=1e-12)
        cumulative = np.minimum(np.round(volatile.trace_gross[i], 2), 25_000_000)
        cash = (
            10_000_000
            + cumulative
            - model.fee(cumulative, model.PROSPECTUS.schedule)
            - 2_300_000 * np.arange(1, 253) / 21
        )
        assert row["cash_min"] == pytest.approx(cash.min(), abs=0.01)
        assert row["cash_end"] == pytest.approx(cash[-1], abs=1e-6)
        if row["max_reached"]:
            day = int(row["days_to_max"])
            assert shares[day:].sum() == 0 and 25_000_000 - row["gross"] < price[day - 1]
        else:
            assert 25_000_000 - row["gross"] >= price[-1]


def test_warrant_values_are_the_model_bit_for_bit():
    from model.simulate import warrant_values

    rng = np.random.default_rng(1)
    price = rng.uniform(0.5, 40, 5000)
    strike = np.round(price * rng.uniform(0.5, 2.0, 5000), 2)
    for vol, r, q in ((0.9, 0.04, 0.0), (0.35, 0.0, 0.02), (1.7, -0.01, 0.1)):
        terms = model.PROSPECTUS.replace(volatility=vol, risk_free_rate=r, dividend_yield=q, warrant_term_years=3.5)
        np.testing.assert_array_equal(
            warrant_values(price, strike, terms), model.warrant_value(price, strike, 3.5, vol, r, q)
        )


def test_daily_sales_respect_volume_and_the_maximum(volatile):
    shares, price = volatile.trace_shares, volatile.trace_price
    # lognormal volume: the cap varies by day, never the same for all days
    assert len(np.unique(shares[shares > 0])) > 100
    gross = np.round(shares * price, 2)
    assert np.all(np.cumsum(gross, axis=1)[:, -1] <= 25_000_000)


def test_probabilities_and_percentiles_against_a_direct_computation(volatile):
    paths, summary = volatile.paths, volatile.summary()
    for name in ("gross", "commission", "net", "shares_sold", "warrant_shares", "warrant_value", "dilution_pct"):
        values = paths[name].to_numpy()
        assert summary[name]["mean"] == pytest.approx(values.mean(), rel=1e-12)
        for key, q in (("p05", 5), ("p50", 50), ("p95", 95)):
            assert summary[name][key] == pytest.approx(np.percentile(values, q), rel=1e-12)
    sold = paths["gross"].to_numpy() > 0
    total = prospectus.total_compensation(paths["gross"].to_numpy()[sold], paths["warrant_value"].to_numpy()[sold])
    pct = total / paths["gross"].to_numpy()[sold]
    assert summary["compensation_pct"]["p50"] == pytest.approx(np.percentile(pct, 50), rel=1e-12)
    probabilities = summary["probabilities"]
    assert probabilities["compensation_cap_breach"] == pytest.approx(np.mean(pct > 0.08))
    assert probabilities["max_reached"] == pytest.approx(np.mean(paths["gross"] > 25_000_000 - 100))
    issued = paths["shares_sold"] + paths["warrant_shares"]
    assert probabilities["nasdaq_20pct_breach"] == pytest.approx(np.mean(issued > CAPACITY_20PCT))
    assert 0 < probabilities["nasdaq_20pct_breach"] < 1
    days = np.sort(np.where(paths["max_reached"], paths["days_to_max"], np.inf))
    k = 0.05 * (days.size - 1)  # numpy's linear method, by hand
    lo = days[int(np.floor(k))]
    assert summary["days_to_max"]["p05"] == pytest.approx(lo + (k - np.floor(k)) * (days[int(np.ceil(k))] - lo))
    assert summary["days_to_max"]["p95"] is None  # fewer than 95% of paths finish within a year


def test_summarise_treats_unreached_as_infinitely_long():
    days = np.array([10.0, 20.0, np.nan, np.nan])
    s = summarise(days, "days_to_max")
    assert s["p05"] == pytest.approx(10 + 0.15 * 10) and s["p50"] is None and s["mean"] is None
    assert summarise(np.array([np.nan]), "compensation_pct")["mean"] is None


# --- reproducibility --------------------------------------------------------------------------------------------------


def test_seed_reproduces_and_differs():
    sim = Simulation(paths=1500, days=60, adv_fraction=0.2, volume_sigma=0.3, seed=11)
    a, b = simulate(model.PROSPECTUS, sim), simulate(model.PROSPECTUS, sim)
    pd.testing.assert_frame_equal(a.paths, b.paths)
    c = simulate(model.PROSPECTUS, Simulation(paths=1500, days=60, adv_fraction=0.2, volume_sigma=0.3, seed=12))
    assert not np.array_equal(a.paths["gross"], c.paths["gross"])


@pytest.mark.parametrize("chunk_paths", [1, 1024, 2048, 5000])
def test_chunk_size_does_not_change_results(chunk_paths):
    base = Simulation(paths=2600, days=40, adv_fraction=0.3, volume_sigma=0.4, seed=3, trace_paths=2600)
    whole = simulate(model.PROSPECTUS, base)
    chunked = simulate(model.PROSPECTUS, replace(base, chunk_paths=chunk_paths))
    pd.testing.assert_frame_equal(whole.paths, chunked.paths)
    np.testing.assert_array_equal(whole.trace_price, chunked.trace_price)


def test_paths_are_independent_of_the_total_beyond_their_block():
    small = simulate(model.PROSPECTUS, Simulation(paths=1024, days=30, seed=5))
    large = simulate(model.PROSPECTUS, Simulation(paths=4096, days=30, seed=5))
    pd.testing.assert_frame_equal(small.paths, large.paths.iloc[:1024])


def test_dask_local_cluster_equals_local():
    require(importlib.util.find_spec("distributed") is not None, "dask[distributed] is not installed (test extra)")
    sim = Simulation(paths=2500, days=30, adv_fraction=0.3, seed=9, chunk_paths=1024)
    local = simulate(model.PROSPECTUS, sim)
    seen = []
    on_dask = simulate(model.PROSPECTUS, sim, scheduler="dask", progress=seen.append)
    pd.testing.assert_frame_equal(local.paths, on_dask.paths)
    np.testing.assert_array_equal(local.trace_gross, on_dask.trace_gross)
    assert sorted(seen) == [452, 1024, 1024]


# --- price history, floors ------------------------------------------------------------------------------------------


def _history(tmp_path, closes, volumes):
    days = np.busday_offset(np.datetime64("2001-01-02"), np.arange(len(closes)), roll="forward")
    text = "date,close,volume\n" + "".join(f"{d},{c},{v}\n" for d, c, v in zip(days, closes, volumes, strict=True))
    path = tmp_path / "prices.csv"
    path.write_text(text)
    return path


def test_bootstrap_from_a_flat_history_sells_its_volume(tmp_path):
    history = PriceHistory.from_csv(_history(tmp_path, [7.0] * 5, [200_000] * 5))
    r = simulate(model.PROSPECTUS, Simulation(paths=4, days=10, history=history))
    # price stays at the last sale price $4.04; 10% of 200,000 = 20,000 shares a day
    assert r.paths["gross"].tolist() == [808_000.00] * 4


def test_bootstrap_draws_only_the_history_returns_and_their_volumes(tmp_path):
    closes, volumes = [4.0, 4.4, 3.96, 4.2, 4.2], [1, 50_000, 90_000, 130_000, 170_000]
    history = PriceHistory.from_csv(_history(tmp_path, closes, volumes))
    r = simulate(model.PROSPECTUS, Simulation(paths=300, days=20, adv_fraction=0.5, history=history, trace_paths=300))
    returns = np.diff(np.log(r.trace_price), axis=1)
    allowed = np.diff(np.log(closes))
    assert np.all(np.min(np.abs(returns[..., None] - allowed), axis=-1) < 1e-9)
    sold = r.trace_shares[r.trace_shares > 0]
    assert set(np.unique(sold)) <= {25_000.0, 45_000.0, 65_000.0, 85_000.0}


def test_floor_stops_sales_below_it():
    terms = model.PROSPECTUS.replace(volatility=1.2)
    r = simulate(terms, Simulation(paths=500, days=120, floor=3.5, financing_floor=True, trace_paths=500))
    below = r.trace_price < 3.5
    assert below.any() and (r.trace_shares[below] == 0).all() and (r.trace_shares[~below] > 0).any()
    r2 = simulate(terms, Simulation(paths=500, days=120, financing_floor=True, trace_paths=500))
    below2 = r2.trace_price < 2.00  # the Class B financing floor [S-7]
    assert below2.any() and (r2.trace_shares[below2] == 0).all()


# --- interfaces -------------------------------------------------------------------------------------------------------


def test_json_shape(capsys, tmp_path):
    assert main(["--paths", "300", "--days", "20", "--seed", "1", "--json", "--plot", str(tmp_path / "plots")]) == 0
    doc = json.loads(capsys.readouterr().out)
    for name in ("gross", "commission", "net", "shares_sold", "days_to_max", "compensation_pct"):
        assert set(doc[name]) == {"mean", "p05", "p50", "p95"}
    assert set(doc["probabilities"]) == {"max_reached", "compensation_cap_breach", "nasdaq_20pct_breach", "cash_out"}
    assert all(0 <= p <= 1 for p in doc["probabilities"].values())
    assert doc["parameters"]["paths"] == 300 and doc["parameters"]["terms"] == "prospectus"
    for name in ("fan_chart.png", "price_fan.png", "gross_fan.png"):
        assert (tmp_path / "plots" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_terms_file_json_and_toml(tmp_path, capsys):
    j = tmp_path / "t.json"
    j.write_text(json.dumps({"last_sale_price": 5.0, "volatility": 0.0, "schedule": [[0, 1e6, 0.05]]}))
    t = tmp_path / "t.toml"
    t.write_text('last_sale_price = 5.0\nvolatility = 0.0\nschedule = [[0, 1e6, 0.05]]\nholidays = ["2001-11-22"]\n')
    for path in (j, t):
        terms = load_terms(path)
        assert terms.last_sale_price == 5.0 and terms.schedule.maximum == 1e6
        assert main(["--terms", str(path), "--paths", "2", "--days", "30", "--json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        # 10,000 shares a day at $5: $1M after 20 days, fee 5% = 50,000
        assert doc["gross"]["mean"] == 1_000_000 and doc["commission"]["mean"] == 50_000
        assert doc["days_to_max"]["p50"] == 20
    with pytest.raises(CEOModelError, match="colour"):
        load_terms(_write(tmp_path / "bad.json", '{"colour": 1}'))


def _write(path, text):
    path.write_text(text)
    return path


BAD = [
    (["--paths", "0"], "--paths"),
    (["--paths", "many"], "--paths"),
    (["--days", "-5"], "--days"),
    (["--adv-fraction", "1.5"], "--adv-fraction"),
    (["--adv-fraction", "0"], "--adv-fraction"),
    (["--volume-sigma", "-0.1"], "--volume-sigma"),
    (["--drift", "nan"], "--drift"),
    (["--seed", "-1"], "--seed"),
    (["--floor", "-2"], "--floor"),
    (["--chunk-paths", "0"], "--chunk-paths"),
    (["--scheduler", "ray"], "--scheduler"),
    (["--scheduler-address", "tcp://x:1"], "--scheduler-address"),
    (["--terms", "no-such-file.json"], "--terms"),
    (["--prices", "no-such-file.csv"], "--prices"),
    (["--bogus"], "--bogus"),
]


@pytest.mark.parametrize(("argv", "named"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_arguments_exit_2_naming_the_argument(argv, named, capsys):
    assert main([*argv, "--paths", "10"] if "--paths" not in argv else argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err and "Traceback" not in err


def test_bad_files_name_the_argument_and_the_place(tmp_path, capsys):
    prices = _write(tmp_path / "p.csv", "date,close,volume\n2001-01-02,4.0,100\n2001-01-03,abc,100\n")
    terms = _write(tmp_path / "t.json", '{"volatility": "high"}')
    cases = [
        (["--prices", str(prices)], "--prices", "row 3, column close"),
        (["--prices", str(_write(tmp_path / "q.csv", "date,close\n2001-01-02,4\n"))], "--prices", "volume"),
        (["--terms", str(terms)], "--terms", "volatility"),
        (["--terms", str(_write(tmp_path / "t.toml", "volatility = ["))], "--terms", "TOML"),
        (
            ["--terms", str(_write(tmp_path / "z.json", '{"last_sale_price": 0}'))],
            "--terms: z.json: last_sale_price",
            "above 0",
        ),
        (["--prices", str(_history(tmp_path, [4, 5], [1, 1])), "--drift", "0.1"], "--drift", "bootstrapped"),
        (["--plot", str(prices)], "--plot", "not a folder"),
    ]
    for argv, named, words in cases:
        assert main([*argv, "--paths", "10", "--days", "5"]) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and named in err and words in err and "Traceback" not in err, err


def test_the_pure_package_has_no_command_line_and_no_plotting():
    """model/simulate/ is pure (ARCHITECTURE.md): the command line and the fan chart live in workbook/."""
    folder = Path(model.__file__).parent / "simulate"
    sources = {f.name: f.read_text(encoding="utf-8") for f in folder.glob("*.py")}
    assert {"paths.py", "history.py", "run.py", "report.py"} <= set(sources)
    for name, text in sources.items():
        for word in ("argparse", "matplotlib", "sys.argv", "def main(", "__main__", "import workbook", "from workbook"):
            assert word not in text, (name, word)
    code = (
        "import sys, model.simulate; print(sorted(m for m in sys.modules if m.startswith(('matplotlib', 'workbook'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_command_line_process_exit_code():
    done = subprocess.run(
        [sys.executable, "-m", "workbook.cli", "simulate", "--paths", "-3"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and "--paths" in done.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "workbook.cli", "simulate", "--paths", "50", "--days", "10", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["shares_sold"]["p50"] == 100_000  # 10 days × 10,000


def test_worksheet_function_spills_the_summary():
    import udfs

    header, *rows = udfs.ceo_simulate([[40]], [[30]], [[1.0]], None, None, [[2]], [[0, 1_000_000, 0.05]])
    assert header == ["Measure", "Mean", "P05", "P50", "P95"]
    table = {row[0]: row[1:] for row in rows}
    gross, commission = table["Gross proceeds ($)"], table["Commission ($)"]
    # 100,000 shares a day sell out a $1M programme within days; commission is 5% of it
    assert table["P(maximum reached)"][0] == 1.0 and gross[0] > 1_000_000 - 10
    assert commission[0] == pytest.approx(0.05 * gross[0], abs=0.01)
    assert table["Trading days to the maximum (blank: not reached)"][2] in (2, 3)
    assert rows[-1][2:] == [None, None, None]
    assert udfs.ceo_simulate(10_001) == "#NUM!"
    assert udfs.ceo_simulate(1, 1)[1][0] == "Gross proceeds ($)"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("date,close,volume\n2001-01-02,4,1\n\n2001-01-02,5,1\n", "row 4, column date: dates must be ascending"),
        ("date,close,volume\n,4,1\n2001-01-03,5,1\n", "row 2, column date: must be a date"),
        ("date,close,volume\n2001-01-02,4,1\n2001-01-03,0,1\n", "row 3, column close: must be a positive number"),
        ("date,close,volume\n2001-01-02,4,-1\n2001-01-03,5,1\n", "row 2, column volume: must be a number, 0 or more"),
        ("date,close,volume\n2001-01-02,4,1\n", "at least 2 days"),
        ("date,close,volume\n2001-01-02,4\n2001-01-03,5,1\n", "row 2 has 2 fields"),
    ],
)
def test_price_history_refusals_name_row_and_column(tmp_path, text, words):
    with pytest.raises(CEOModelError) as info:
        PriceHistory.from_csv(_write(tmp_path / "h.csv", text))
    assert info.value.argument == "prices" and words in str(info.value)
