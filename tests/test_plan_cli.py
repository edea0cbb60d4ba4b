"""``ceo-model plan``: the Almgren–Chriss plan on the command line (workbook/commands/plan_command.py).

Expected figures: the straight line of the Almgren–Chriss example (2000, §1.5) with its closed-form cost
½γX² + εX + η̃X²/T = $662,500 and variance ⅓σ²X²T(1 − 1/N)(1 − 1/2N) = 1.083 × 10¹² $² (derived in
tests/test_execution.py), and the deal's σ and impact worked out here from the terms file's own numbers.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from workbook.cli import main

ROOT = Path(__file__).resolve().parent.parent
TERMS = ROOT / "examples" / "prospectus-2001.toml"
PAPER = [
    "--shares",
    "1000000",
    "--days",
    "5",
    "--intervals",
    "5",
    "--sigma",
    "0.95",
    "--epsilon",
    "0.0625",
    "--eta",
    "2.5e-6",
    "--gamma",
    "2.5e-7",
]


def plan(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["plan", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_of_the_straight_line(capsys):
    code, out, err = plan(capsys, *PAPER, "--risk-aversion", "0", "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["holdings"] == [1e6, 8e5, 6e5, 4e5, 2e5, 0.0]  # N + 1 holdings
    assert doc["trades"] == [2e5] * 5
    assert doc["expected_cost"] == pytest.approx(662_500, rel=1e-12)
    assert doc["variance"] == pytest.approx(1.083e12, rel=1e-12)


def test_json_of_the_papers_lambda_front_loads(capsys):
    code, out, _ = plan(capsys, *PAPER, "--risk-aversion", "1e-6", "--json")
    doc = json.loads(out)
    assert code == 0
    assert len(doc["holdings"]) == 6 and len(doc["trades"]) == 5
    assert round(doc["kappa"], 1) == 0.6  # the paper's "κ ≈ 0.6/day" (§2.3)
    assert doc["expected_cost"] > 662_500 and doc["variance"] < 1.083e12  # dearer but safer than the line
    assert sum(doc["trades"]) == pytest.approx(1e6, rel=1e-12)


def test_table_is_printed_without_json(capsys):
    code, out, _ = plan(capsys, *PAPER, "--risk-aversion", "1e-6")
    assert code == 0
    assert "expected cost $" in out and out.count("\n") >= 9


@pytest.mark.parametrize(
    ("change", "flag"),
    [
        (("--shares", "-1"), "--shares"),
        (("--days", "0"), "--days"),
        (("--intervals", "0"), "--intervals"),
        (("--intervals", "2.5"), "--intervals"),
        (("--eta", "1e-7"), "--eta"),  # eta~ = 1e-7 − 2.5e-7 × 1/2 < 0
        (("--risk-aversion", "-1e-6"), "--risk-aversion"),
        (("--sigma", "nan"), "--sigma"),
        (("--gamma", "inf"), "--gamma"),
        (("--epsilon", "abc"), "--epsilon"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_naming_the_argument(capsys, change, flag):
    args = [*PAPER, "--risk-aversion", "1e-6"]
    i = args.index(change[0]) if change[0] in args else None
    if i is None:
        args += list(change)
    else:
        args[i + 1] = change[1]
    code, out, err = plan(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"ceo-model plan: argument {flag}")
    assert "Traceback" not in err


@pytest.mark.parametrize("missing", ["--days", "--risk-aversion", "--sigma", "--shares"])
def test_missing_arguments_are_named(capsys, missing):
    args = [*PAPER, "--risk-aversion", "1e-6"]
    i = args.index(missing)
    del args[i : i + 2]
    code, _, err = plan(capsys, *args)
    assert code == 2 and err.startswith(f"ceo-model plan: argument {missing}") and err.count("\n") == 1


def test_the_installed_command_refuses_without_a_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "workbook.cli", "plan", *PAPER, "--risk-aversion", "-1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "ceo-model plan: argument --risk-aversion: must not be negative (got -1)"


def test_terms_give_sigma_and_square_root_impact_from_the_deal(capsys):
    deal = tomllib.loads(TERMS.read_text())
    price, vol, adv = deal["last_sale_price"], deal["volatility"], deal["average_daily_volume"]
    shares, days = 500_000, 25  # 20,000 a day: 20% of the daily volume
    code, out, _ = plan(
        capsys, "--terms", str(TERMS), "--shares", str(shares), "--days", str(days), "--risk-aversion", "0", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    sigma = price * vol / math.sqrt(252)
    p = shares / days / adv
    params = doc["parameters"]
    assert params["sigma"] == pytest.approx(sigma, rel=1e-12)
    assert params["epsilon"] == 0.0
    # the straight line's temporary impact per share, eta·v, is the square-root law's 0.142·σ·√p
    assert params["eta"] * shares / days == pytest.approx(0.142 * sigma * math.sqrt(p), rel=1e-12)
    assert params["gamma"] * shares / days == pytest.approx(0.0142 * sigma * math.sqrt(p), rel=1e-12)
    assert doc["derived"]["calibration"]["participation"] == pytest.approx(0.2)
    # given explicitly, a value wins over the deal's
    code, out, _ = plan(
        capsys, "--terms", str(TERMS), "--shares", "500000", "--days", "25", "--sigma", "0.5", "--risk-aversion", "0"
    )
    assert code == 0 and "sigma 0.5 " in out


def test_gross_plans_the_whole_shares_the_target_buys(capsys):
    deal = tomllib.loads(TERMS.read_text())
    code, out, _ = plan(
        capsys,
        "--terms",
        str(TERMS),
        "--gross",
        "2000000",
        "--days",
        "20",
        "--impact",
        "linear",
        "--risk-aversion",
        "1e-6",
        "--json",
    )
    doc = json.loads(out)
    assert code == 0
    expected = math.floor(2_000_000 / deal["last_sale_price"])  # 495,049 shares at $4.04
    assert doc["holdings"][0] == expected == 495_049
    assert doc["derived"]["calibration"]["impact"] == "linear"


def test_plot_writes_a_trajectory_and_a_frontier_that_are_not_empty(capsys, tmp_path):
    import matplotlib.image

    code, out, _ = plan(capsys, *PAPER, "--risk-aversion", "1e-6", "--plot", str(tmp_path), "--json")
    assert code == 0
    plots = json.loads(out)["plots"]
    assert [Path(p).name for p in plots] == ["trajectory.png", "frontier.png"]
    for path in plots:
        image = matplotlib.image.imread(path)[..., :3]
        # a drawn line: many pixels of the dark blue curve colour (#08306b), not a blank canvas
        curve = np.all(np.abs(image - np.array([0x08, 0x30, 0x6B]) / 255) < 0.08, axis=-1)
        assert curve.sum() > 300, path


def test_plot_into_a_file_is_refused(capsys, tmp_path):
    target = tmp_path / "file.png"
    target.write_bytes(b"")
    code, _, err = plan(capsys, *PAPER, "--risk-aversion", "0", "--plot", str(target))
    assert code == 2 and "--plot" in err
