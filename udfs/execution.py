"""CEO_AC_HOLDINGS and CEO_AC_COST: the Almgren–Chriss execution plan in a cell (thin adapters over ``model.execution``)."""

import xlwings as xw

from model.execution import plan
from udfs.errors import excel_function
from udfs.functions import CATEGORY

SHARES_DOC = "Shares to sell, X (0 or more)."
DAYS_DOC = "Horizon T in trading days (above 0)."
INTERVALS_DOC = "Number of equal trading intervals N (a whole number, 1 to 100,000)."
SIGMA_DOC = "Price volatility in $ per share per square root of a day, e.g. price x annual volatility / SQRT(252)."
EPSILON_DOC = "Fixed cost per share sold in $, e.g. half the bid-ask spread (0 or more)."
ETA_DOC = "Temporary impact in $ per share per (share per day); must exceed gamma x (days/intervals) / 2."
GAMMA_DOC = "Permanent impact in $ per share per share sold (0 or more)."
RISK_AVERSION_DOC = "Risk aversion lambda in 1/$ (0 or more; 0 sells in a straight line)."


@xw.func(category=CATEGORY)
@xw.arg("shares", ndim=2, doc=SHARES_DOC)
@xw.arg("days", ndim=2, doc=DAYS_DOC)
@xw.arg("intervals", ndim=2, doc=INTERVALS_DOC)
@xw.arg("sigma", ndim=2, doc=SIGMA_DOC)
@xw.arg("epsilon", ndim=2, doc=EPSILON_DOC)
@xw.arg("eta", ndim=2, doc=ETA_DOC)
@xw.arg("gamma", ndim=2, doc=GAMMA_DOC)
@xw.arg("risk_aversion", ndim=2, doc=RISK_AVERSION_DOC)
@xw.ret(expand="table")
@excel_function(elementwise=frozenset())  # scalar arguments; the answer is one column
def ceo_ac_holdings(shares, days, intervals, sigma, epsilon, eta, gamma, risk_aversion):
    """Spills the Almgren-Chriss optimal trajectory: shares held at the start and after each interval (N + 1 rows)."""
    return [[x] for x in plan(shares, days, intervals, sigma, epsilon, eta, gamma, risk_aversion).holdings.tolist()]


@xw.func(category=CATEGORY)
@xw.arg("shares", ndim=2, doc=SHARES_DOC)
@xw.arg("days", ndim=2, doc=DAYS_DOC)
@xw.arg("intervals", ndim=2, doc=INTERVALS_DOC)
@xw.arg("sigma", ndim=2, doc=SIGMA_DOC)
@xw.arg("epsilon", ndim=2, doc=EPSILON_DOC)
@xw.arg("eta", ndim=2, doc=ETA_DOC)
@xw.arg("gamma", ndim=2, doc=GAMMA_DOC)
@xw.arg("risk_aversion", ndim=2, doc=RISK_AVERSION_DOC)
@xw.ret(expand="table")
@excel_function(elementwise=frozenset())  # scalar arguments; the answer is one row
def ceo_ac_cost(shares, days, intervals, sigma, epsilon, eta, gamma, risk_aversion):
    """Spills the expected cost ($) and the variance ($ squared) of the Almgren-Chriss optimal plan, in one row."""
    result = plan(shares, days, intervals, sigma, epsilon, eta, gamma, risk_aversion)
    return [[result.expected_cost, result.variance]]
