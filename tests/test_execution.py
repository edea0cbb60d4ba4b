"""The Almgren–Chriss planner (model/execution.py) against the paper and against derivations made here.

Source: R. Almgren and N. Chriss, "Optimal execution of portfolio transactions", Journal of Risk 3(2), 2000
(section numbers as in the paper). Its worked example (§1.5, used again in §2.3–2.4): 10⁶ shares at
S₀ = $50, 30% annual volatility, a bid-ask spread of 1/8, a daily volume of 5 million shares, liquidated over
T = 5 days in N = 5 intervals, risk aversion λ = 10⁻⁶. Expected figures are either the paper's stated inputs
and results (named in each test) or closed forms derived in this file from the paper's model — never values
read off the code under test.

Provenance, honestly: the paper's body text could not be retrieved where this was written, so the published
figures asserted are those quoted in issue 22's brief (the example's inputs and "κ ≈ 0.6/day" for λ = 10⁻⁶)
and the example's parameter derivation (σ = 0.95, ε = 1/16, η = 2.5·10⁻⁶, γ = 2.5·10⁻⁷ from the spread and
volume it states); the rest (E, V, the trajectory, ½γX² = $125,000) is computed here from the paper's closed
forms (§1.4, §1.5, §2.2), typed independently of model/execution.py, and by a Monte Carlo of its price model.
An independent implementation (DRIP's AlmgrenChriss test output for the same inputs) prints a mean cost of
$0.6625M for small λ, the $662,500 straight-line figure derived below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from model import CEOModelError, ErrorKind
from model.execution import (
    calibrate,
    daily_sigma,
    expected_cost,
    frontier,
    impact_fraction,
    kappa,
    optimal_holdings,
    plan,
    problem,
    trades,
    variance,
)

# --- the paper's example, derived from the market data it states (§1.5) ---------------------------------------------
X = 1_000_000  # shares
S0 = 50.0
T, N = 5, 5  # days, intervals: tau = 1 day
TAU = T / N
SPREAD = 1 / 8
DAILY_VOLUME = 5_000_000
# "a trading year of 250 days": daily volatility 0.3/sqrt(250) = 0.019, in dollars 0.019 * 50 = 0.95
SIGMA = round(0.3 / math.sqrt(250), 3) * S0
# "the fixed part of the temporary costs is one-half the bid-ask spread"
EPSILON = SPREAD / 2
# "for each one percent of the daily volume traded we incur a price impact equal to the bid-ask spread"
ETA = SPREAD / (0.01 * DAILY_VOLUME)
# "trading 10% of the daily volume moves the price permanently by one bid-ask spread"
GAMMA = SPREAD / (0.1 * DAILY_VOLUME)
LAMBDA = 1e-6
ARGS = (X, T, N, SIGMA, EPSILON, ETA, GAMMA)
ETA_TILDE = ETA - GAMMA * TAU / 2


def test_example_inputs_are_the_papers():
    # §1.5 states the resulting parameters: sigma = 0.95, epsilon = 0.0625, eta = 2.5e-6, gamma = 2.5e-7
    assert math.isclose(SIGMA, 0.95, abs_tol=1e-12)
    assert EPSILON == 0.0625
    assert math.isclose(ETA, 2.5e-6, rel_tol=1e-12)
    assert math.isclose(GAMMA, 2.5e-7, rel_tol=1e-12)
    p = problem(*ARGS)
    assert p.tau == 1.0
    assert p.eta_tilde == pytest.approx(2.375e-6, rel=1e-12)


def test_kappa_of_the_example_is_about_0_6_per_day():
    # The paper's example with lambda = 1e-6: "kappa ≈ 0.6/day" (as quoted in issue 22), a time scale 1/kappa
    # of 1.65 days. Here kappa solves cosh(kappa tau) = 1 + lambda sigma^2 tau^2 / (2 eta~) = 1 + 0.9025e-6 / 4.75e-6 = 1.19.
    k = float(kappa(problem(*ARGS), LAMBDA))
    assert k == pytest.approx(math.acosh(1.19), rel=1e-12)
    assert round(k, 1) == 0.6
    half_life = 1 / k  # days
    assert half_life > 1.6 and half_life < 1.7  # 1.65 days


def test_permanent_impact_cost_of_the_example():
    # The permanent impact costs 1/2 gamma X^2 = 0.5 * 2.5e-7 * 1e12 = $125,000 whatever the schedule (0.25% of
    # the $50M position): E of any trajectory minus its fixed and temporary parts (checked on the optimal one).
    x = optimal_holdings(*ARGS, LAMBDA)
    n = np.diff(-x)
    temporary_and_fixed = EPSILON * X + ETA_TILDE / TAU * np.sum(n**2)
    assert expected_cost(x, T, EPSILON, ETA, GAMMA) - temporary_and_fixed == pytest.approx(125_000, rel=1e-12)
    assert math.isclose(0.5 * GAMMA * X**2 / (X * S0), 0.0025)


def _paper_closed_form(lam: float) -> tuple[float, float, np.ndarray]:
    """E, V and x_j of the optimal strategy, typed from the paper's §2.2 formulas (not from the code)."""
    k = math.acosh(1 + lam * SIGMA**2 * TAU**2 / (2 * ETA_TILDE))
    E = (
        0.5 * GAMMA * X**2
        + EPSILON * X
        + ETA_TILDE
        * X**2
        * math.tanh(0.5 * k * TAU)
        * (TAU * math.sinh(2 * k * T) + 2 * T * math.sinh(k * TAU))
        / (2 * TAU**2 * math.sinh(k * T) ** 2)
    )
    V = (
        0.5
        * SIGMA**2
        * X**2
        * (TAU * math.sinh(k * T) * math.cosh(k * (T - TAU)) - T * math.sinh(k * TAU))
        / (math.sinh(k * T) ** 2 * math.sinh(k * TAU))
    )
    x = np.array([X * math.sinh(k * (T - j * TAU)) / math.sinh(k * T) for j in range(N + 1)])
    return E, V, x


def test_optimal_trajectory_and_its_cost_are_the_papers_closed_form():
    E, V, x = _paper_closed_form(LAMBDA)
    pl = plan(*ARGS, LAMBDA)
    np.testing.assert_allclose(pl.holdings, x, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(pl.trades, x[:-1] - x[1:], rtol=1e-12, atol=1e-6)
    assert pl.expected_cost == pytest.approx(E, rel=1e-12)
    assert pl.variance == pytest.approx(V, rel=1e-12)
    # the front-loading the paper's Figure 2 shows: each trade smaller than the one before, the first above X/N
    assert np.all(np.diff(pl.trades) < 0) and pl.trades[0] > X / N
    # the optimum beats the straight line on E + lambda V (it minimises it)
    line = optimal_holdings(*ARGS, 0.0)
    utility_line = expected_cost(line, T, EPSILON, ETA, GAMMA) + LAMBDA * variance(line, T, SIGMA)
    assert pl.expected_cost + LAMBDA * pl.variance < utility_line


def test_lambda_zero_is_the_straight_line_with_its_closed_form_cost():
    """The straight line x_k = X(1 − k/N) sells n_k = X/N each interval. From the paper's E and V (§1.4–1.5):

    E = ½γX² + ε Σ|n_k| + (η̃/τ) Σ n_k² = ½γX² + εX + (η̃/τ)·N·(X/N)² = ½γX² + εX + η̃X²/T
      = 125,000 + 62,500 + 2.375e-6 × 10¹² / 5 = 662,500;
    V = σ²τ Σ_{k=1}^{N} x_k² = σ²τX² Σ_{j=0}^{N−1} (j/N)² = σ²τX²(N − 1)(2N − 1)/(6N)
      = ⅓σ²X²T(1 − 1/N)(1 − 1/2N) = 0.9025 × 10¹² × 1.2 = 1.083 × 10¹².
    """
    x = optimal_holdings(*ARGS, 0.0)
    assert x.tolist() == [X * (N - k) / N for k in range(N + 1)]  # 1,000,000; 800,000; … 0 exactly
    assert trades(x).tolist() == [X / N] * N
    e_line = 0.5 * GAMMA * X**2 + EPSILON * X + ETA_TILDE * X**2 / T
    v_line = SIGMA**2 * X**2 * T * (1 - 1 / N) * (1 - 1 / (2 * N)) / 3
    assert math.isclose(e_line, 662_500, rel_tol=1e-12)
    assert math.isclose(v_line, 1.083e12, rel_tol=1e-12)
    pl = plan(*ARGS, 0.0)
    assert pl.kappa == 0.0
    assert pl.expected_cost == pytest.approx(e_line, rel=1e-12)
    assert pl.variance == pytest.approx(v_line, rel=1e-12)


@pytest.mark.parametrize("intervals", [1, 2, 7, 50])
def test_straight_line_closed_form_for_other_n(intervals):
    x = optimal_holdings(X, T, intervals, SIGMA, EPSILON, ETA, GAMMA, 0.0)
    tau = T / intervals
    eta_tilde = ETA - GAMMA * tau / 2
    np.testing.assert_allclose(x, X * (1 - np.arange(intervals + 1) / intervals), rtol=0, atol=1e-6)
    E = 0.5 * GAMMA * X**2 + EPSILON * X + eta_tilde * X**2 / T
    V = SIGMA**2 * X**2 * T * (1 - 1 / intervals) * (1 - 1 / (2 * intervals)) / 3
    assert expected_cost(x, T, EPSILON, ETA, GAMMA) == pytest.approx(E, rel=1e-12)
    assert variance(x, T, SIGMA) == pytest.approx(V, rel=1e-12, abs=1e-6)


def test_immediate_sale_costs_eps_x_plus_eta_x2_over_tau_and_has_no_variance():
    # All in the first interval: n_1 = X, so E = ½γX² + εX + (η̃/τ)X² = εX + ηX²/τ (the ½γX² and −½γτ·X²/τ cancel)
    x = [X, 0, 0, 0, 0, 0]
    assert expected_cost(x, T, EPSILON, ETA, GAMMA) == pytest.approx(EPSILON * X + ETA * X**2 / TAU, rel=1e-12)
    assert variance(x, T, SIGMA) == 0.0


def test_expected_cost_and_variance_by_monte_carlo_of_the_papers_price_model():
    """Simulate §1.2–1.3 directly: S_k = S_{k−1} + σ√τ ξ_k − γ n_k; each sale gets S_{k−1} − ε − η n_k/τ.

    The shortfall X·S₀ − Σ n_k·(sale price) has mean E and variance V (within 5 standard errors)."""
    x = optimal_holdings(*ARGS, LAMBDA)
    n = x[:-1] - x[1:]
    rng = np.random.default_rng(20001201)
    paths = 200_000
    xi = rng.standard_normal((paths, N))
    S = np.empty((paths, N + 1))
    S[:, 0] = S0
    for k in range(1, N + 1):
        S[:, k] = S[:, k - 1] + SIGMA * math.sqrt(TAU) * xi[:, k - 1] - GAMMA * n[k - 1]
    captured = np.sum(n * (S[:, :-1] - EPSILON - ETA * n / TAU), axis=1)
    shortfall = X * S0 - captured
    E, V = plan(*ARGS, LAMBDA).expected_cost, plan(*ARGS, LAMBDA).variance
    assert abs(shortfall.mean() - E) < 5 * math.sqrt(V / paths)
    # the variance of a sample variance of normals is 2V²/(n − 1)
    assert abs(shortfall.var(ddof=1) - V) < 5 * V * math.sqrt(2 / (paths - 1))


def test_frontier_is_the_plans_of_each_lambda_and_is_efficient():
    lams = np.concatenate([[0.0], np.logspace(-9, -4, 999)])
    E, V = frontier(*ARGS, lams)
    assert E.shape == V.shape == (1000,)
    for i in (0, 1, 500, 999):
        pl = plan(*ARGS, lams[i])
        assert E[i] == pytest.approx(pl.expected_cost, rel=1e-12)
        assert V[i] == pytest.approx(pl.variance, rel=1e-12)
    # more risk aversion: more expected cost, less variance (§2.4, Figure 1)
    assert np.all(np.diff(E) > 0) and np.all(np.diff(V) < 0)
    # the frontier is convex in (V, E): dE/dV = −λ along it (each point minimises E + λV)
    slopes = np.diff(E) / np.diff(V)
    assert np.all(slopes < 0) and np.all(np.diff(slopes) < 0)
    np.testing.assert_allclose(-slopes[400:600], np.sqrt(lams[400:600] * lams[401:601]), rtol=2e-2)


def test_small_and_large_kappa_are_finite_and_continuous():
    tiny = optimal_holdings(*ARGS, 1e-18)
    np.testing.assert_allclose(tiny, optimal_holdings(*ARGS, 0.0), rtol=1e-9)
    huge = optimal_holdings(1e6, 1000, 1000, 0.95, 0.0625, 2.5e-6, 2.5e-7, 1.0)  # kappa*T in the thousands
    assert np.all(np.isfinite(huge)) and huge[0] == 1e6 and huge[-1] == 0.0
    assert np.all(np.diff(huge) <= 0)


def test_arrays_of_lambda_give_a_trajectory_each():
    x = optimal_holdings(*ARGS, [[0.0, 1e-6]])
    assert x.shape == (1, 2, N + 1)
    np.testing.assert_allclose(x[0, 1], _paper_closed_form(LAMBDA)[2], rtol=1e-12)


@pytest.mark.parametrize(
    ("changes", "argument"),
    [
        ({"shares": -1}, "shares"),
        ({"days": 0}, "days"),
        ({"days": -5}, "days"),
        ({"intervals": 0}, "intervals"),
        ({"intervals": 2.5}, "intervals"),
        ({"sigma": -0.1}, "sigma"),
        ({"epsilon": -0.01}, "epsilon"),
        ({"eta": 0}, "eta"),
        ({"eta": 1e-7}, "eta"),  # eta~ = 1e-7 − 2.5e-7/2 < 0
        ({"gamma": -1e-7}, "gamma"),
        ({"risk_aversion": -1e-6}, "risk_aversion"),
        ({"shares": math.nan}, "shares"),
        ({"sigma": math.inf}, "sigma"),
        ({"risk_aversion": math.nan}, "risk_aversion"),
    ],
)
def test_bad_arguments_name_the_argument_as_num(changes, argument):
    args = dict(
        shares=X,
        days=T,
        intervals=N,
        sigma=SIGMA,
        epsilon=EPSILON,
        eta=ETA,
        gamma=GAMMA,
        risk_aversion=LAMBDA,
    )
    with pytest.raises(CEOModelError) as info:
        plan(**{**args, **changes})
    assert info.value.argument == argument
    assert info.value.kind is ErrorKind.NUM
    assert str(info.value).startswith(argument)


def test_text_is_a_value_error_and_trajectories_must_end_at_zero():
    with pytest.raises(CEOModelError) as info:
        plan("many", T, N, SIGMA, EPSILON, ETA, GAMMA)
    assert info.value.argument == "shares" and info.value.kind is ErrorKind.VALUE
    with pytest.raises(CEOModelError, match="must end at 0"):
        expected_cost([10, 5, 1], T, EPSILON, ETA, GAMMA)


# --- calibration to the deal ----------------------------------------------------------------------------------------


def test_daily_sigma_is_price_times_annual_volatility_over_root_252():
    assert daily_sigma(4.04, 0.9) == pytest.approx(4.04 * 0.9 / 252**0.5, rel=1e-15)


def test_calibrated_linear_and_sqrt_impact_charge_the_straight_line_the_same_per_share():
    """Selling X over T days at the constant rate v = X/T (participation p = v/ADV): the temporary impact
    per share is η·v in the linear Almgren–Chriss model; calibrated, it must equal c_t·σ·p (linear) and
    c_t·σ·√p (sqrt, the secant at the plan's own rate)."""
    price, vol, adv, shares, days = 4.04, 0.9, 100_000, 1_000_000, 40  # 25% of ADV
    sigma = price * vol / math.sqrt(252)
    p = shares / days / adv
    lin = calibrate(price, vol, adv, shares, days, "linear", 0.2, 0.1)
    sq = calibrate(price, vol, adv, shares, days, "sqrt", 0.2, 0.1)
    assert lin.sigma == pytest.approx(sigma) and sq.participation == pytest.approx(0.25)
    assert lin.eta * shares / days == pytest.approx(0.2 * sigma * p, rel=1e-12)
    assert sq.eta * shares / days == pytest.approx(0.2 * sigma * math.sqrt(p), rel=1e-12)
    assert sq.gamma * shares / days == pytest.approx(0.1 * sigma * math.sqrt(p), rel=1e-12)
    # the same as a fraction of the price, as the simulation applies it
    assert float(impact_fraction(p, 0.2, vol / math.sqrt(252), "sqrt")) * price == pytest.approx(
        0.2 * sigma * math.sqrt(p), rel=1e-12
    )
    with pytest.raises(CEOModelError, match="impact"):
        calibrate(price, vol, adv, shares, days, "cubic")
