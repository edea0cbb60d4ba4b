"""Trading-cost models: the Almgren–Chriss execution planner and price impact calibrated to daily volume.

The discrete model of R. Almgren and N. Chriss, "Optimal execution of portfolio
transactions", *Journal of Risk* 3(2), 2000 (section numbers below are the
paper's). A seller holds ``shares`` = X and sells them over ``days`` = T in
``intervals`` = N equal intervals of τ = T/N days. ``holdings`` are
x_0 = X, x_1, …, x_N = 0 (shares held at t_k = kτ); ``trades`` are
n_k = x_{k−1} − x_k, the shares sold in interval k. The price is an arithmetic
random walk with volatility σ ($ per share per √day), moved permanently by
γ·n_k per interval (permanent impact g(v) = γv, v = n_k/τ the rate of
trading), and each sale gets ε + η·v less than the price (temporary impact
h(v) = ε·sgn(v) + ηv; ε is the fixed cost per share, e.g. half the spread).

* :func:`expected_cost` and :func:`variance` — E and V of the implementation
  shortfall (initial value X·S_0 minus what the sales capture) of any
  trajectory (§1.4, linear impact §1.5);
* :func:`optimal_holdings` — the trajectory minimising E + λV for risk
  aversion λ (§2.2): x_k = X sinh(κ(T − t_k)) / sinh(κT), with κ from
  cosh(κτ) = 1 + λσ²τ² / (2η̃) and η̃ = η − γτ/2; λ = 0 is the straight line;
* :func:`frontier` — (E, V) of the optimal trajectories of many λ at once (§2.4);
* :func:`plan` — all of it for one λ, as a :class:`Plan`;
* :func:`calibrate` — σ, η, γ of a deal from its price, volatility and
  average daily volume (linear or square-root impact, see its docstring).

Units: shares, days and dollars; E in dollars, V in dollars squared, λ in 1/$.
Every argument is checked and bad input raises :class:`model.CEOModelError`
naming it (#NUM! in a cell). The model is the paper's: no drift, impact
linear in the rate of trading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from model.args import number, numbers
from model.errors import CEOModelError, ErrorKind

TRADING_DAYS_PER_YEAR = 252
MAX_INTERVALS = 100_000
"""Most intervals a plan may have (a trajectory of 100,001 holdings)."""

# Default coefficients of the impact calibrated to the average daily volume (:func:`calibrate`), in daily
# volatilities per unit of f(participation). Temporary: η = 0.142, the fit of Almgren, Thum, Hauptmann and Li,
# "Direct estimation of equity market impact", Risk 18(7), 2005. Permanent: a tenth of it, the ratio of the
# Almgren-Chriss example (§1.5: 1% of daily volume costs one spread temporarily, 10% moves the price one spread),
# which keeps η̃ = η − γτ/2 positive for intervals up to 20 days. Both are assumptions to replace by a fit.
TEMPORARY_COEFFICIENT = 0.142
PERMANENT_COEFFICIENT = 0.0142  # TEMPORARY_COEFFICIENT / 10
IMPACT_MODELS = ("linear", "sqrt")


@dataclass(frozen=True)
class Problem:
    """A checked execution problem (see :func:`problem`)."""

    shares: float
    days: float
    intervals: int
    sigma: float
    epsilon: float
    eta: float
    gamma: float

    @property
    def tau(self) -> float:
        """Length of one interval in days, T/N."""
        return self.days / self.intervals

    @property
    def eta_tilde(self) -> float:
        """η̃ = η − γτ/2: the temporary impact net of the permanent impact's discretisation term (§1.5)."""
        return self.eta - 0.5 * self.gamma * self.tau

    @property
    def times(self) -> np.ndarray:
        """t_0 … t_N in days."""
        return np.arange(self.intervals + 1) * self.tau


def problem(shares, days, intervals, sigma, epsilon, eta, gamma) -> Problem:
    """Check the market and the order; refuse η̃ = η − γτ/2 ≤ 0 (naming ``eta``).

    Examples
    --------
    >>> p = problem(1e6, 5, 5, 0.95, 0.0625, 2.5e-6, 2.5e-7)
    >>> p.tau, p.eta_tilde
    (1.0, 2.375e-06)
    >>> problem(1e6, 5, 5, 0.95, 0.0625, 1e-7, 2.5e-7)
    Traceback (most recent call last):
    ...
    model.errors.CEOModelError: eta: eta - gamma*tau/2 must be positive (temporary impact above half the permanent impact per interval), got 1e-07 - 2.5e-07*1/2 = -2.5e-08
    """
    p = Problem(
        shares=number(shares, "shares", low=0.0),
        days=number(days, "days", low=0.0, low_open=True),
        intervals=int(number(intervals, "intervals", low=1, high=MAX_INTERVALS, whole=True)),
        sigma=number(sigma, "sigma", low=0.0),
        epsilon=number(epsilon, "epsilon", low=0.0),
        eta=number(eta, "eta", low=0.0, low_open=True),
        gamma=number(gamma, "gamma", low=0.0),
    )
    if not p.eta_tilde > 0:
        raise CEOModelError(
            "eta",
            "eta - gamma*tau/2 must be positive (temporary impact above half the permanent impact per interval), "
            f"got {p.eta:g} - {p.gamma:g}*{p.tau:g}/2 = {p.eta_tilde:g}",
            ErrorKind.NUM,
        )
    return p


def kappa(p: Problem, risk_aversion) -> np.ndarray:
    """κ (1/day) of risk aversion λ (any shape): the root of cosh(κτ) = 1 + λσ²τ²/(2η̃) (§2.2).

    Computed as κτ = 2·asinh(√(λσ²τ²/(4η̃))), the same root without the
    cancellation of arccosh near 1.

    Examples
    --------
    >>> p = problem(1e6, 5, 5, 0.95, 0.0625, 2.5e-6, 2.5e-7)
    >>> round(float(kappa(p, 1e-6)), 4)  # the paper's example: "κ ≈ 0.6/day"
    0.6071
    """
    lam = numbers(risk_aversion, "risk_aversion", low=0.0)
    half = lam * p.sigma**2 * p.tau**2 / (4.0 * p.eta_tilde)
    return 2.0 * np.arcsinh(np.sqrt(half)) / p.tau


def _holdings(p: Problem, k: np.ndarray) -> np.ndarray:
    """x_j = X sinh(κ(T − t_j)) / sinh(κT) for each κ (shape (..., N + 1)), without overflow for large κT."""
    k = np.asarray(k, dtype=np.float64)[..., None]
    left = p.days - p.times  # T − t_j
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # sinh(a)/sinh(b) = e^{a−b}·(1 − e^{−2a})/(1 − e^{−2b}); expm1 keeps small κ exact
        ratio = np.exp(-k * p.times) * np.expm1(-2.0 * k * left) / np.expm1(-2.0 * k * p.days)
    x = np.where(k > 0, ratio, left / p.days) * p.shares
    x[..., 0] = p.shares
    x[..., -1] = 0.0
    return x


def optimal_holdings(shares, days, intervals, sigma, epsilon, eta, gamma, risk_aversion=0.0) -> np.ndarray:
    """The holdings x_0 … x_N minimising E + λV (§2.2); λ = 0 gives the straight line x_k = X(1 − k/N).

    Parameters
    ----------
    shares : float
        X, the shares to sell (0 or more).
    days : float
        T, the horizon in trading days (above 0).
    intervals : int
        N, the number of equal intervals (1 to 100,000).
    sigma : float
        σ, the volatility of the price in $ per share per √day (0 or more).
    epsilon : float
        ε, the fixed cost per share sold in $ (0 or more; enters E, not the trajectory).
    eta : float
        η, temporary impact in $ per share per (share/day) (above 0 and above γτ/2).
    gamma : float
        γ, permanent impact in $ per share per share (0 or more).
    risk_aversion : float or array_like
        λ in 1/$ (0 or more). An array gives one trajectory per λ.

    Returns
    -------
    ndarray
        Shape (N + 1,) for one λ, ``λ.shape + (N + 1,)`` otherwise.

    Examples
    --------
    The paper's example (§1.5 and §2.3): 10⁶ shares over 5 days in 5 intervals:

    >>> x = optimal_holdings(1e6, 5, 5, 0.95, 0.0625, 2.5e-6, 2.5e-7, 1e-6)
    >>> np.round(x).tolist()
    [1000000.0, 541956.0, 289854.0, 147897.0, 62142.0, 0.0]
    >>> optimal_holdings(1e6, 5, 5, 0.95, 0.0625, 2.5e-6, 2.5e-7, 0.0).tolist()
    [1000000.0, 800000.0, 600000.0, 400000.0, 200000.0, 0.0]
    """
    p = problem(shares, days, intervals, sigma, epsilon, eta, gamma)
    return _holdings(p, kappa(p, risk_aversion))


def trades(holdings) -> np.ndarray:
    """The trade list n_k = x_{k−1} − x_k, k = 1 … N, of holdings x_0 … x_N (along the last axis).

    Examples
    --------
    >>> trades([10, 6, 3, 0]).tolist()
    [4.0, 3.0, 3.0]
    """
    x = numbers(holdings, "holdings")
    if x.ndim == 0 or x.shape[-1] < 2:
        raise CEOModelError("holdings", "must hold at least x_0 and x_N (two values)")
    return -np.diff(x, axis=-1)


def _trajectory(holdings) -> np.ndarray:
    x = numbers(holdings, "holdings")
    if x.ndim == 0 or x.shape[-1] < 2:
        raise CEOModelError("holdings", "must hold at least x_0 and x_N (two values)")
    if np.any(x[..., -1] != 0):
        raise CEOModelError("holdings", "must end at 0: the trajectory sells every share (x_N = 0)", ErrorKind.NUM)
    return x


def expected_cost(holdings, days, epsilon, eta, gamma) -> float | np.ndarray:
    """E, the expected implementation shortfall in $ of a trajectory x_0 … x_N (x_N = 0) over ``days`` (§1.4).

    E = Σ γ·x_k·n_k + ε·Σ|n_k| + (η/τ)·Σ n_k², the permanent impact paid on the
    shares still held, the fixed cost and the temporary impact (τ = days/N).
    For x_N = 0 this is the paper's ½γX² + εΣ|n_k| + (η̃/τ)Σn_k².

    Examples
    --------
    >>> expected_cost([1e6, 8e5, 6e5, 4e5, 2e5, 0], 5, 0.0625, 2.5e-6, 2.5e-7)  # ½γX² + εX + η̃X²/T
    662500.0
    """
    x = _trajectory(holdings)
    T = number(days, "days", low=0.0, low_open=True)
    eps = number(epsilon, "epsilon", low=0.0)
    h = number(eta, "eta", low=0.0)
    g = number(gamma, "gamma", low=0.0)
    tau = T / (x.shape[-1] - 1)
    n = -np.diff(x, axis=-1)
    out = g * np.sum(x[..., 1:] * n, axis=-1) + eps * np.sum(np.abs(n), axis=-1) + h / tau * np.sum(n * n, axis=-1)
    return float(out) if np.ndim(out) == 0 else out


def variance(holdings, days, sigma) -> float | np.ndarray:
    """V, the variance in $² of the shortfall of a trajectory x_0 … x_N over ``days``: σ²·τ·Σ_{k=1}^{N} x_k² (§1.4).

    Examples
    --------
    >>> variance([1e6, 8e5, 6e5, 4e5, 2e5, 0], 5, 0.95)  # ⅓σ²X²T(1 − 1/N)(1 − 1/2N)
    1083000000000.0
    """
    x = _trajectory(holdings)
    T = number(days, "days", low=0.0, low_open=True)
    s = number(sigma, "sigma", low=0.0)
    tau = T / (x.shape[-1] - 1)
    out = s * s * tau * np.sum(x[..., 1:] ** 2, axis=-1)
    return float(out) if np.ndim(out) == 0 else out


def frontier(shares, days, intervals, sigma, epsilon, eta, gamma, risk_aversion) -> tuple[np.ndarray, np.ndarray]:
    """(E, V) of the optimal trajectory of each λ in ``risk_aversion``: the efficient frontier (§2.4).

    One array computation over all λ (shape ``λ.shape``), N + 1 holdings each.

    Examples
    --------
    >>> E, V = frontier(1e6, 5, 5, 0.95, 0.0625, 2.5e-6, 2.5e-7, [0.0, 1e-6])
    >>> np.round(E).tolist(), np.round(V / 1e9).tolist()  # $ and $² × 10⁹
    ([662500.0, 911227.0], [1083.0, 364.0])
    """
    p = problem(shares, days, intervals, sigma, epsilon, eta, gamma)
    x = _holdings(p, kappa(p, risk_aversion))
    return expected_cost(x, p.days, p.epsilon, p.eta, p.gamma), variance(x, p.days, p.sigma)


@dataclass(frozen=True)
class Plan:
    """One optimal plan: the problem, λ, κ, the trajectory and its expected cost and variance."""

    problem: Problem
    risk_aversion: float
    kappa: float
    holdings: np.ndarray
    trades: np.ndarray
    expected_cost: float
    variance: float

    def to_json(self) -> dict[str, object]:
        p = self.problem
        return {
            "holdings": self.holdings.tolist(),
            "trades": self.trades.tolist(),
            "expected_cost": self.expected_cost,
            "variance": self.variance,
            "std_cost": math.sqrt(self.variance),
            "kappa": self.kappa,
            "tau": p.tau,
            "eta_tilde": p.eta_tilde,
            "parameters": {
                "shares": p.shares,
                "days": p.days,
                "intervals": p.intervals,
                "sigma": p.sigma,
                "epsilon": p.epsilon,
                "eta": p.eta,
                "gamma": p.gamma,
                "risk_aversion": self.risk_aversion,
            },
        }


def plan(shares, days, intervals, sigma, epsilon, eta, gamma, risk_aversion=0.0) -> Plan:
    """The optimal plan for one λ (see :func:`optimal_holdings`), with E, V and κ.

    Examples
    --------
    >>> pl = plan(1e6, 5, 5, 0.95, 0.0625, 2.5e-6, 2.5e-7, 1e-6)
    >>> round(pl.kappa, 2), round(pl.expected_cost), round(math.sqrt(pl.variance))
    (0.61, 911227, 603431)
    """
    p = problem(shares, days, intervals, sigma, epsilon, eta, gamma)
    lam = number(risk_aversion, "risk_aversion", low=0.0)
    k = float(kappa(p, lam))
    x = _holdings(p, np.float64(k))
    return Plan(
        problem=p,
        risk_aversion=lam,
        kappa=k,
        holdings=x,
        trades=-np.diff(x),
        expected_cost=float(expected_cost(x, p.days, p.epsilon, p.eta, p.gamma)),
        variance=float(variance(x, p.days, p.sigma)),
    )


# --- impact calibrated to the average daily volume ------------------------------------------------------------------


def daily_sigma(price, volatility) -> float:
    """σ in $ per share per √day from a price and an annual volatility: price × volatility / √252.

    Examples
    --------
    >>> round(daily_sigma(50, 0.30), 4)
    0.9449
    """
    s = number(price, "price", low=0.0, low_open=True)
    v = number(volatility, "volatility", low=0.0)
    return s * v / math.sqrt(TRADING_DAYS_PER_YEAR)


def impact_fraction(participation, coefficient, daily_volatility, model: str = "sqrt") -> np.ndarray:
    """Impact as a fraction of the price when selling ``participation`` × the average daily volume in a day.

    ``coefficient × daily_volatility × participation`` (linear) or ``× √participation``
    (sqrt: the square-root law of large orders). ``daily_volatility`` is the
    annual volatility / √252 (a fraction, not dollars).

    Examples
    --------
    >>> round(float(impact_fraction(0.10, 0.142, 0.9 / 252**0.5, "sqrt")), 6)  # 10% of ADV, 90% a year
    0.002546
    """
    if model not in IMPACT_MODELS:
        raise CEOModelError("impact", f"must be one of {', '.join(IMPACT_MODELS)}, not {model!r:.40}")
    q = np.asarray(participation, dtype=np.float64)
    shape = np.sqrt(q) if model == "sqrt" else q
    return coefficient * daily_volatility * shape


@dataclass(frozen=True)
class Calibration:
    """σ, η, γ of a deal (see :func:`calibrate`) and what they were derived from."""

    sigma: float
    eta: float
    gamma: float
    price: float
    volatility: float
    average_daily_volume: float
    model: str
    temporary_coefficient: float
    permanent_coefficient: float
    participation: float


def calibrate(
    price,
    volatility,
    average_daily_volume,
    shares,
    days,
    model: str = "sqrt",
    temporary_coefficient=TEMPORARY_COEFFICIENT,
    permanent_coefficient=PERMANENT_COEFFICIENT,
) -> Calibration:
    """Almgren–Chriss σ, η, γ for selling ``shares`` over ``days`` of a stock at ``price``.

    σ = price × volatility / √252 ($ per share per √day). Impact is measured in
    daily volatilities and fractions of the average daily volume V: selling at
    a rate v shares a day (participation p = v/V) costs each share a temporary
    ``c_t·σ·f(p)`` and moves the price permanently by ``c_p·σ·f(p)`` a day,
    with f(p) = p (linear) or √p (square root, the law found for large
    orders). The Almgren–Chriss closed form needs impact linear in v, so:

    * linear: η = c_t·σ/V and γ = c_p·σ/V exactly;
    * sqrt: the secant at the plan's average rate p̄ = shares/(days·V), which
      charges the straight-line schedule exactly the square-root cost:
      η = c_t·σ/(V·√p̄), γ = c_p·σ/(V·√p̄).

    The coefficients default to c_t = 0.142 (the temporary fit of Almgren,
    Thum, Hauptmann and Li, 2005) and c_p = c_t/10 (the permanent-to-temporary
    ratio of the Almgren–Chriss example); both are assumptions, meant to be
    replaced by a fit to the issuer's own trades.

    Examples
    --------
    The prospectus deal ($4.04, 90% volatility, 100,000 shares a day) selling 500,000 shares over 50 days
    (10% of the daily volume):

    >>> c = calibrate(4.04, 0.9, 100_000, 500_000, 50, "linear")
    >>> round(c.sigma, 4), round(c.eta * 1e7, 4), round(c.gamma * 1e7, 4), c.participation
    (0.229, 3.2525, 0.3252, 0.1)
    >>> s = calibrate(4.04, 0.9, 100_000, 500_000, 50, "sqrt")
    >>> round(s.eta * 1e7, 4)  # the secant of the square root at 10%: 1/√0.1 ≈ 3.16 times the linear
    10.2852
    """
    s = number(price, "price", low=0.0, low_open=True)
    vol = number(volatility, "volatility", low=0.0)
    adv = number(average_daily_volume, "average_daily_volume", low=0.0, low_open=True)
    x = number(shares, "shares", low=0.0, low_open=True)
    T = number(days, "days", low=0.0, low_open=True)
    ct = number(temporary_coefficient, "temporary_coefficient", low=0.0, low_open=True)
    cp = number(permanent_coefficient, "permanent_coefficient", low=0.0)
    if model not in IMPACT_MODELS:
        raise CEOModelError("impact", f"must be one of {', '.join(IMPACT_MODELS)}, not {model!r:.40}")
    sigma = daily_sigma(s, vol)
    participation = x / (T * adv)
    scale = sigma / adv if model == "linear" else sigma / (adv * math.sqrt(participation))
    return Calibration(sigma, ct * scale, cp * scale, s, vol, adv, model, ct, cp, participation)


__all__ = [
    "IMPACT_MODELS",
    "PERMANENT_COEFFICIENT",
    "TEMPORARY_COEFFICIENT",
    "Calibration",
    "Plan",
    "Problem",
    "add_coefficient_arguments",
    "calibrate",
    "daily_sigma",
    "expected_cost",
    "frontier",
    "impact_fraction",
    "kappa",
    "optimal_holdings",
    "plan",
    "problem",
    "trades",
    "variance",
]


def add_coefficient_arguments(parser) -> None:
    """``--temporary-coefficient`` and ``--permanent-coefficient`` on an argparse parser (``simulate``, ``plan``)."""
    parser.add_argument(
        "--temporary-coefficient",
        type=float,
        default=TEMPORARY_COEFFICIENT,
        help=f"temporary impact per daily volatility (default {TEMPORARY_COEFFICIENT})",
    )
    parser.add_argument(
        "--permanent-coefficient",
        type=float,
        default=PERMANENT_COEFFICIENT,
        help=f"permanent impact per daily volatility (default {PERMANENT_COEFFICIENT})",
    )
