"""The bad-input matrix: every Excel function × every kind of bad argument (SPEC §3 "Bad input").

Each case changes one argument of an otherwise valid call and states what
SPEC §3 requires: the kind of error (``#VALUE!`` for text, booleans, missing
values, mismatched or malformed ranges; ``#NUM!`` for numbers outside the
domain, NaN and infinity), the argument the message must name and, for a
range, the (row, column) of the first offending cell.

* model level — the domain model raises :class:`model.CEOModelError`
  (a ``ValueError``) with that ``kind``, ``argument`` and position;
* UDF level (plain Python) — ``#NUM!`` comes back as the error value (in the
  bad cell only, for a range the function maps cell by cell), ``#VALUE!`` is
  raised (udfs/errors.py; what each Excel runtime shows: docs/functions-and-runtimes.md, "Errors").
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import prospectus
import pytest
from reference import excel_serial

import model
import udfs
from model import PROSPECTUS, CEOModelError, ErrorKind, Schedule
from model.execution import plan as ac_plan
from model.simulate import summary_for_cells

VALUE, NUM = ErrorKind.VALUE, ErrorKind.NUM
NAN, INF = math.nan, math.inf
MODEL, UDF = "model", "udf"

# ---- valid calls ------------------------------------------------------------------

TRADE = dt.date(2001, 11, 2)  # a Friday
TABLE_HEADER = ["Trade date", "Shares", "Price"]


def table(level: str, *rows) -> list[list]:
    """A placements range with its header; dates as classic xlwings passes them (datetimes) to the UDF."""
    out = [list(TABLE_HEADER)]
    for day, shares, price in rows:
        if isinstance(day, dt.date) and level == UDF:
            day = dt.datetime(day.year, day.month, day.day)
        out.append([day, shares, price])
    return out


AC_BASE = {
    "shares": 1_000_000,
    "days": 5,
    "intervals": 5,
    "sigma": 0.95,
    "epsilon": 0.0625,
    "eta": 2.5e-6,
    "gamma": 2.5e-7,
    "risk_aversion": 1e-6,
}
GOOD_ROWS = [(TRADE, 1_000_000, 4.04), (dt.date(2001, 11, 5), 2_000_000, 4.00)]

BASE: dict[str, dict[str, object]] = {
    "CEO_FEE": {"gross": 5_000_000},
    "CEO_FEE_INCREMENT": {"prior_gross": 1_000_000, "placement_gross": 2_000_000},
    "CEO_MARGINAL_RATE": {"gross": 5_000_000},
    "CEO_EFFECTIVE_RATE": {"gross": 5_000_000},
    "CEO_NET_PROCEEDS": {"gross": 5_000_000},
    "CEO_GROSS_FOR_NET": {"net": 5_000_000},
    "CEO_FEE_SCHEDULE": {},
    "OTHER_FEE": {"gross": 1_000_000, "rate": 0.04, "maximum": 8_400_000},
    "CEO_VWAP": {"shares": [[100_000], [300_000]], "prices": [[4.00], [4.20]]},
    "CEO_WARRANT_SHARES": {"shares_sold": 1_000_000, "coverage": 0.10},
    "CEO_WARRANT_STRIKE": {"vwap": 4.04, "premium": 1.30},
    "CEO_WARRANT_VALUE": {
        "spot": 4.04,
        "strike": 5.25,
        "years": 5,
        "volatility": 0.9,
        "risk_free": 0.04,
        "dividend_yield": 0.0,
    },
    "CEO_CASHLESS_SHARES": {"warrant_shares": 100_000, "strike": 5.25, "market_price": 7.00},
    "CEO_SETTLEMENT_DATE": {"trade_date": excel_serial(TRADE), "holidays": [[excel_serial(dt.date(2001, 11, 22))]]},
    "CEO_TOTAL_COMPENSATION": {"gross": 5_000_000, "warrant_value": 100_000, "expenses": 60_000, "retainer": 62_500},
    "CEO_COMPENSATION_PCT": {"gross": 5_000_000, "warrant_value": 100_000, "expenses": 60_000, "retainer": 62_500},
    "CEO_COMPENSATION_HEADROOM": {
        "gross": 5_000_000,
        "warrant_value": 100_000,
        "expenses": 60_000,
        "retainer": 62_500,
        "cap": 0.08,
    },
    "DEBENTURE_CONVERSION_PRICE": {"issue_prices": [[4.0]] * 5, "bids": [[3.0]] * 30, "days_since_issue": 91},
    "DEBENTURE_CONVERSION_SHARES": {"principal": 1_000_000, "conversion_price": 4.8},
    "CLASSB_EXERCISE_PRICE": {"closing_bid": 6.0, "market_price": 6.0, "cap": 33.75},
    "DILUTION_PCT": {"new_shares": 8_593_877, "outstanding": 21_862_772},
    "OWNERSHIP_PCT": {"shares_held": 579_098, "potential_shares": 4_498_145, "outstanding": 21_862_772},
    "NASDAQ_20PCT_CAPACITY": {"outstanding": 21_862_772, "already_issued": 0, "limit": 0.2},
    "RUNWAY_MONTHS": {"cash": 10_000_000, "monthly_burn": 2_300_000},
    "CEO_PLACEMENTS": {"table": table(UDF, *GOOD_ROWS)},
    "CEO_SIMULATE": {"paths": 50, "days": 10, "adv_fraction": 0.1, "drift": 0.0, "volume_sigma": 0.0, "seed": 1},
    # the Almgren-Chriss example (2000, §1.5): 10^6 shares over 5 days in 5 intervals
    "CEO_AC_HOLDINGS": AC_BASE,
    "CEO_AC_COST": AC_BASE,
}
# The model takes dates where Excel passes serial numbers, and a DataFrame for the ledger.
MODEL_BASE = {
    "CEO_SETTLEMENT_DATE": {"trade_date": TRADE, "holidays": [dt.date(2001, 11, 22)]},
    "CEO_PLACEMENTS": {"table": table(MODEL, *GOOD_ROWS)},
}


def _schedule(rows) -> Schedule:
    return model.PROSPECTUS_SCHEDULE if rows is None else Schedule.from_rows(rows)


def _terms(schedule, coverage=None, premium=None, business_days=None, holidays=None):
    """The ledger's terms as the model takes them: one DealTerms (each checked when made)."""
    changes = {"schedule": _schedule(schedule)}
    for field_name, value in (
        ("warrant_coverage", coverage),
        ("warrant_premium", premium),
        ("settlement_business_days", business_days),
        ("holidays", holidays),
    ):
        if value is not None:
            changes[field_name] = value
    return PROSPECTUS.replace(**changes)


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=object)


def _with_schedule(fn):
    def call(*args, schedule=None, **kwargs):
        return fn(*args, schedule=_schedule(schedule), **kwargs)

    return call


# The model-level equivalent of each Excel function (the model's own API, schedules built by
# Schedule.from_rows, the ledger range as a DataFrame).
MODEL_CALLS = {
    "CEO_FEE": _with_schedule(prospectus.fee),
    "CEO_FEE_INCREMENT": _with_schedule(prospectus.fee_increment),
    "CEO_MARGINAL_RATE": _with_schedule(prospectus.marginal_rate),
    "CEO_EFFECTIVE_RATE": _with_schedule(prospectus.effective_rate),
    "CEO_NET_PROCEEDS": _with_schedule(prospectus.net_proceeds),
    "CEO_GROSS_FOR_NET": _with_schedule(prospectus.gross_for_net),
    "CEO_FEE_SCHEDULE": _with_schedule(prospectus.schedule_table),
    "OTHER_FEE": prospectus.other_fee,
    "CEO_VWAP": model.vwap,
    "CEO_WARRANT_SHARES": prospectus.warrant_shares,
    "CEO_WARRANT_STRIKE": prospectus.warrant_strike,
    "CEO_WARRANT_VALUE": model.warrant_value,
    "CEO_CASHLESS_SHARES": model.cashless_shares,
    "CEO_SETTLEMENT_DATE": prospectus.settlement_date,
    "CEO_TOTAL_COMPENSATION": _with_schedule(prospectus.total_compensation),
    "CEO_COMPENSATION_PCT": _with_schedule(prospectus.compensation_pct),
    "CEO_COMPENSATION_HEADROOM": _with_schedule(prospectus.compensation_headroom),
    "DEBENTURE_CONVERSION_PRICE": prospectus.debenture_conversion_price,
    "DEBENTURE_CONVERSION_SHARES": model.debenture_conversion_shares,
    "CLASSB_EXERCISE_PRICE": prospectus.classb_exercise_price,
    "DILUTION_PCT": model.dilution_pct,
    "OWNERSHIP_PCT": model.ownership_pct,
    "NASDAQ_20PCT_CAPACITY": prospectus.nasdaq_20pct_capacity,
    "RUNWAY_MONTHS": model.runway_months,
    "CEO_PLACEMENTS": lambda table, schedule=None, **terms: prospectus.placements(
        _frame(table), _terms(schedule, **terms), "table", header_rows=1
    ),
    "CEO_AC_HOLDINGS": lambda **kw: ac_plan(**kw).holdings,
    "CEO_AC_COST": lambda **kw: (ac_plan(**kw).expected_cost, ac_plan(**kw).variance),
    "CEO_SIMULATE": lambda paths, schedule=None, **kw: summary_for_cells(
        PROSPECTUS.replace(schedule=_schedule(schedule)), paths, **kw
    ),
}


# ---- the cases ----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    fn: str
    arg: str
    value: object
    kind: ErrorKind
    position: tuple[int, int] | None = None
    label: str = ""
    levels: tuple[str, ...] = (MODEL, UDF)
    names: str | None = None  # argument the message must name, when not ``arg``
    others: dict = field(default_factory=dict)  # other arguments changed for this case

    @property
    def id(self) -> str:
        return f"{self.fn}-{self.arg}-{self.label}"


CASES: list[Case] = []


def add(fn, arg, value, kind, position=None, label="", **kw):
    CASES.append(Case(fn, arg, value, kind, position, label or repr(value)[:20], **kw))


def generic(fn: str, arg: str, *, required: bool = True) -> None:
    """Type, shape and non-finite cases that apply to every numeric argument."""
    good = BASE[fn][arg]
    add(fn, arg, "abc", VALUE, label="text")
    add(fn, arg, "", VALUE, label="empty-text")
    add(fn, arg, True, VALUE, label="boolean")
    add(fn, arg, NAN, NUM, label="nan")
    add(fn, arg, INF, NUM, label="inf")
    add(fn, arg, -INF, NUM, label="-inf")
    if required:
        add(fn, arg, None, VALUE, label="missing")
    add(fn, arg, [[good, good], [good, "abc"]], VALUE, (2, 2), label="text-in-range")
    add(fn, arg, [[good], [False]], VALUE, (2, 1), label="boolean-in-range")
    add(fn, arg, [[good, NAN]], NUM, (1, 2), label="nan-in-range")
    add(fn, arg, [[good], [good], [INF]], NUM, (3, 1), label="inf-in-range")
    add(fn, arg, [[good, None]], VALUE, (1, 2), label="empty-cell-in-range")
    add(fn, arg, [[good, good], [good]], VALUE, label="ragged-range")


def scalar_term(fn: str, arg: str) -> None:
    """A deal term given as one optional number (not mapped cell by cell): type, NaN, sign and range cases."""
    for value, label, kind in (
        ("x", "text", VALUE),
        (True, "boolean", VALUE),
        (NAN, "nan", NUM),
        (-1, "negative", NUM),
        ([[1, 2]], "range", VALUE),
    ):
        add(fn, arg, value, kind, label=label)


def negative(fn: str, arg: str, value: float = -1) -> None:
    add(fn, arg, value, NUM, label="negative")
    add(fn, arg, [[BASE[fn][arg]], [value]], NUM, (2, 1), label="negative-in-range")


def mismatch(fn: str, first: str, second: str) -> None:
    """Two ranges of different sizes: #VALUE!, naming the second."""
    a, b = BASE[fn][first], BASE[fn][second]
    add(fn, second, [[b, b, b]], VALUE, label="mismatched-range", others={first: [[a, a]]})
    add(fn, second, [[b], [b]], VALUE, label="mismatched-orientation", others={first: [[a, a]]})


def bad_schedules(fn: str) -> None:
    """Malformed ``From | To | Rate`` ranges (SPEC §3: contiguous, start at 0, rates in [0, 1])."""
    add(fn, "schedule", [[1, 10e6, 0.04], [10e6, 25e6, 0.03]], NUM, (1, 1), label="not-from-0")
    add(fn, "schedule", [[0, 10e6, 0.04], [11e6, 25e6, 0.03]], NUM, (2, 1), label="gap")
    add(fn, "schedule", [[0, 10e6, 0.04], [9e6, 25e6, 0.03]], NUM, (2, 1), label="overlap")
    add(fn, "schedule", [[0, 10e6, 0.04], [10e6, 25e6, 1.5]], NUM, (2, 3), label="rate-above-1")
    add(fn, "schedule", [[0, 10e6, -0.01], [10e6, 25e6, 0.03]], NUM, (1, 3), label="negative-rate")
    add(fn, "schedule", [[0, 10e6, 0.04], [10e6, 10e6, 0.035], [10e6, 25e6, 0.03]], NUM, (2, 2), label="to-eq-from")
    add(fn, "schedule", [[0, 10e6, 0.04], [10e6, 5e6, 0.03]], NUM, (2, 2), label="to-below-from")
    add(fn, "schedule", [[0, 10e6], [10e6, 25e6]], VALUE, label="2-columns")
    add(fn, "schedule", [[0, 10e6, 0.04, 1], [10e6, 25e6, 0.03, 1]], VALUE, label="4-columns")
    add(fn, "schedule", [[0, 10e6, "4%"], [10e6, 25e6, 0.03]], VALUE, (1, 3), label="text-rate")
    add(fn, "schedule", [[0, 10e6, True], [10e6, 25e6, 0.03]], VALUE, (1, 3), label="boolean-rate")
    add(fn, "schedule", [[0, 10e6, 0.04], [10e6, NAN, 0.03]], NUM, (2, 2), label="nan-to")
    add(fn, "schedule", [[0, 10e6, 0.04], [None, None, None], [10e6, 25e6, 0.03]], VALUE, (2, 1), label="empty-row")
    add(fn, "schedule", [[0, 10e6, 0.04], [10e6, None, 0.03]], VALUE, (2, 2), label="empty-cell")
    # a header row counts in the position of the offending cell
    add(fn, "schedule", [["From", "To", "Rate"], [0, 10e6, 0.04], [12e6, 25e6, 0.03]], NUM, (3, 1), label="gap-hdr")


# Commission ---------------------------------------------------------------------------
for _fn in ("CEO_FEE", "CEO_NET_PROCEEDS", "CEO_MARGINAL_RATE", "CEO_EFFECTIVE_RATE"):
    generic(_fn, "gross")
    negative(_fn, "gross", -0.01)
    add(_fn, "gross", 25_000_000.01, NUM, label="above-programme-maximum")
    add(_fn, "gross", [[1e6, 30e6]], NUM, (1, 2), label="above-maximum-in-range")
    bad_schedules(_fn)
add("CEO_MARGINAL_RATE", "gross", 25_000_000, NUM, label="at-programme-maximum")
add("CEO_EFFECTIVE_RATE", "gross", 0, NUM, label="zero")
add("CEO_EFFECTIVE_RATE", "gross", [[1e6], [0]], NUM, (2, 1), label="zero-in-range")
# a custom schedule's maximum is the programme maximum
add("CEO_FEE", "gross", 10_000_000.01, NUM, label="above-custom-maximum", others={"schedule": [[0, 10e6, 0.05]]})

generic("CEO_FEE_INCREMENT", "prior_gross")
negative("CEO_FEE_INCREMENT", "prior_gross")
add("CEO_FEE_INCREMENT", "prior_gross", 25_000_000.01, NUM, label="above-programme-maximum")
generic("CEO_FEE_INCREMENT", "placement_gross")
negative("CEO_FEE_INCREMENT", "placement_gross")
# 1,000,000 already sold + 24,000,000.01 = 25,000,000.01 > 25,000,000
add("CEO_FEE_INCREMENT", "placement_gross", 24_000_000.01, NUM, label="sum-above-maximum")
add(
    "CEO_FEE_INCREMENT",
    "placement_gross",
    [[1e6, 24e6]],
    NUM,
    (1, 2),
    label="sum-above-maximum-in-range",
    others={"prior_gross": [[1e6, 2e6]]},
)
mismatch("CEO_FEE_INCREMENT", "prior_gross", "placement_gross")
bad_schedules("CEO_FEE_INCREMENT")

generic("CEO_GROSS_FOR_NET", "net")
negative("CEO_GROSS_FOR_NET", "net")
add("CEO_GROSS_FOR_NET", "net", 24_100_000.01, NUM, label="above-programme-net")  # 25M − 900,000
bad_schedules("CEO_GROSS_FOR_NET")

bad_schedules("CEO_FEE_SCHEDULE")

generic("OTHER_FEE", "gross")
negative("OTHER_FEE", "gross")
add("OTHER_FEE", "gross", 8_400_000.01, NUM, label="above-8.4M")
add("OTHER_FEE", "gross", 5_000_000.01, NUM, label="above-given-maximum", others={"maximum": 5_000_000})
generic("OTHER_FEE", "rate", required=False)
negative("OTHER_FEE", "rate")
add("OTHER_FEE", "rate", 1.01, NUM, label="rate-above-1")
generic("OTHER_FEE", "maximum", required=False)
negative("OTHER_FEE", "maximum")
add("OTHER_FEE", "maximum", 0, NUM, label="zero-no-agreement-so-gross-above", names="gross")
mismatch("OTHER_FEE", "gross", "rate")

# Warrants -----------------------------------------------------------------------------
_VW = "CEO_VWAP"
add(_VW, "shares", [[100_000], ["abc"]], VALUE, (2, 1), label="text-in-range")
add(_VW, "shares", [[True], [300_000]], VALUE, (1, 1), label="boolean-in-range")
add(_VW, "shares", [[100_000], [-1]], NUM, (2, 1), label="negative")
add(_VW, "shares", [[0], [0]], NUM, label="zero-total")
add(_VW, "shares", [[100_000], [INF]], NUM, (2, 1), label="inf")
add(_VW, "shares", [[NAN], [300_000]], NUM, (1, 1), label="nan")
add(_VW, "shares", [[100_000], [None]], VALUE, (2, 1), label="empty-where-price-given")
add(_VW, "shares", None, VALUE, label="missing")
# rows empty in both columns are skipped; when all are, nothing was sold: zero total shares
add(_VW, "shares", [[None], [None]], NUM, label="all-empty", others={"prices": [[None], [None]]})
add(_VW, "prices", [[4.0], ["4.20"]], VALUE, (2, 1), label="text-in-range")
add(_VW, "prices", [[4.0], [0]], NUM, (2, 1), label="zero-price")
add(_VW, "prices", [[-4.0], [4.2]], NUM, (1, 1), label="negative")
add(_VW, "prices", [[4.0], [NAN]], NUM, (2, 1), label="nan")
add(_VW, "prices", [[None], [4.2]], VALUE, (1, 1), label="empty-where-shares-given")
add(_VW, "prices", None, VALUE, label="missing")
add(_VW, "prices", [[4.0], [4.2], [4.1]], VALUE, label="mismatched-range")
add(_VW, "prices", [[4.0, 4.2]], VALUE, label="mismatched-orientation")

generic("CEO_WARRANT_SHARES", "shares_sold")
negative("CEO_WARRANT_SHARES", "shares_sold")
add("CEO_WARRANT_SHARES", "shares_sold", 10.5, NUM, label="fraction-of-a-share")
generic("CEO_WARRANT_SHARES", "coverage", required=False)
negative("CEO_WARRANT_SHARES", "coverage")
add("CEO_WARRANT_SHARES", "coverage", 1.5, NUM, label="above-100%")
mismatch("CEO_WARRANT_SHARES", "shares_sold", "coverage")

generic("CEO_WARRANT_STRIKE", "vwap")
negative("CEO_WARRANT_STRIKE", "vwap")
add("CEO_WARRANT_STRIKE", "vwap", 0, NUM, label="zero")
generic("CEO_WARRANT_STRIKE", "premium", required=False)
add("CEO_WARRANT_STRIKE", "premium", 0, NUM, label="zero")
mismatch("CEO_WARRANT_STRIKE", "vwap", "premium")

for _arg in ("spot", "strike", "years", "volatility"):
    generic("CEO_WARRANT_VALUE", _arg)
    negative("CEO_WARRANT_VALUE", _arg)
    if _arg != "volatility":  # zero volatility has a value: the limit, the discounted intrinsic value
        add("CEO_WARRANT_VALUE", _arg, 0, NUM, label="zero")
generic("CEO_WARRANT_VALUE", "risk_free")
add("CEO_WARRANT_VALUE", "risk_free", -1.5, NUM, label="below-minus-100%")
generic("CEO_WARRANT_VALUE", "dividend_yield", required=False)
add("CEO_WARRANT_VALUE", "dividend_yield", -1.5, NUM, label="below-minus-100%")
mismatch("CEO_WARRANT_VALUE", "spot", "volatility")

for _arg in ("warrant_shares", "strike", "market_price"):
    generic("CEO_CASHLESS_SHARES", _arg)
    negative("CEO_CASHLESS_SHARES", _arg)
add("CEO_CASHLESS_SHARES", "warrant_shares", 0.5, NUM, label="fraction-of-a-share")
add("CEO_CASHLESS_SHARES", "strike", 0, NUM, label="zero")
add("CEO_CASHLESS_SHARES", "market_price", 0, NUM, label="zero")
mismatch("CEO_CASHLESS_SHARES", "strike", "market_price")

# Settlement: Excel passes serial numbers (or datetimes); the model takes dates.
_SD = "CEO_SETTLEMENT_DATE"
_S = excel_serial(TRADE)
for _value, _label in (("2001-11-02", "text"), (True, "boolean"), (None, "missing")):
    add(_SD, "trade_date", _value, VALUE, label=_label)
add(_SD, "trade_date", [[_S], ["x"]], VALUE, (2, 1), label="text-in-range", levels=(UDF,))
add(_SD, "trade_date", [[TRADE], ["x"]], VALUE, (2, 1), label="text-in-range-model", levels=(MODEL,))
add(_SD, "trade_date", [[TRADE, None]], VALUE, (1, 2), label="empty-in-range-model", levels=(MODEL,))
add(_SD, "trade_date", [[_S, None]], VALUE, (1, 2), label="empty-in-range", levels=(UDF,))
add(_SD, "trade_date", 37197.5e9, NUM, label="beyond-calendar", levels=(UDF,))
for _value, _label in ((NAN, "nan"), (INF, "inf"), (-1, "negative"), (0, "zero"), (60, "before-march-1900")):
    add(_SD, "trade_date", _value, NUM, label=_label, levels=(UDF,))
add(_SD, "trade_date", [[_S], [NAN]], NUM, (2, 1), label="nan-in-range", levels=(UDF,))
add(_SD, "trade_date", 37197, VALUE, label="number-not-date-model", levels=(MODEL,))
add(_SD, "holidays", [[_S + 20], ["Thanksgiving"]], VALUE, (2, 1), label="text-in-range", levels=(UDF,))
add(_SD, "holidays", [[_S + 20], [None], [True]], VALUE, (3, 1), label="boolean-after-blank", levels=(UDF,))
add(_SD, "holidays", [[_S + 20], [-5]], NUM, (2, 1), label="negative-serial", levels=(UDF,))
add(_SD, "holidays", [[_S + 20], [NAN]], NUM, (2, 1), label="nan-serial", levels=(UDF,))
add(_SD, "holidays", [TRADE, "Thanksgiving"], VALUE, None, label="text-model", levels=(MODEL,))
for _value, _label, _kind in (
    ("T+3", "text", VALUE),
    (True, "boolean", VALUE),
    (NAN, "nan", NUM),
    (-1, "negative", NUM),
    (1.5, "fraction", NUM),
    (11, "above-10", NUM),
    ([[1, 2]], "range", VALUE),
):
    add(_SD, "business_days", _value, _kind, label=_label)

# Compensation -------------------------------------------------------------------------
for _fn in ("CEO_TOTAL_COMPENSATION", "CEO_COMPENSATION_PCT", "CEO_COMPENSATION_HEADROOM"):
    generic(_fn, "gross")
    negative(_fn, "gross")
    add(_fn, "gross", 25_000_000.01, NUM, label="above-programme-maximum")
    generic(_fn, "warrant_value")
    negative(_fn, "warrant_value")
    for _arg in ("expenses", "retainer"):
        generic(_fn, _arg, required=False)
        negative(_fn, _arg)
    mismatch(_fn, "gross", "warrant_value")
    mismatch(_fn, "gross", "expenses")
    bad_schedules(_fn)
add("CEO_COMPENSATION_PCT", "gross", 0, NUM, label="zero")
generic("CEO_COMPENSATION_HEADROOM", "cap", required=False)
negative("CEO_COMPENSATION_HEADROOM", "cap")
add("CEO_COMPENSATION_HEADROOM", "cap", 1.5, NUM, label="above-100%")
mismatch("CEO_COMPENSATION_HEADROOM", "gross", "cap")

# Conversions ---------------------------------------------------------------------------
_DP = "DEBENTURE_CONVERSION_PRICE"
add(_DP, "issue_prices", [[4.0]] * 4, VALUE, label="4-values")
add(_DP, "issue_prices", [[4.0]] * 6, VALUE, label="6-values")
add(_DP, "issue_prices", None, VALUE, label="missing")
add(_DP, "issue_prices", [[4.0], [4.0], ["4.0"], [4.0], [4.0]], VALUE, (3, 1), label="text-in-range")
add(_DP, "issue_prices", [[4.0], [4.0], [4.0], [False], [4.0]], VALUE, (4, 1), label="boolean-in-range")
add(_DP, "issue_prices", [[4.0], [None], [4.0], [4.0], [4.0]], VALUE, (2, 1), label="empty-in-range")
add(_DP, "issue_prices", [[4.0], [0.0], [4.0], [4.0], [4.0]], NUM, (2, 1), label="zero-price")
add(_DP, "issue_prices", [[4.0], [4.0], [4.0], [4.0], [-4.0]], NUM, (5, 1), label="negative-price")
add(_DP, "issue_prices", [[4.0, 4.0, 4.0, 4.0, NAN]], NUM, (1, 5), label="nan")
add(_DP, "bids", [[3.0]] * 29, VALUE, label="29-values")
add(_DP, "bids", [[3.0]] * 31, VALUE, label="31-values")
add(_DP, "bids", None, VALUE, label="missing-after-day-90")
add(_DP, "bids", [[None]], VALUE, label="empty-after-day-90")
add(_DP, "bids", [[3.0]] * 4 + [["3.0"]] + [[3.0]] * 25, VALUE, (5, 1), label="text-in-range")
add(_DP, "bids", [[3.0]] * 9 + [[None]] + [[3.0]] * 20, VALUE, (10, 1), label="empty-in-range")
add(_DP, "bids", [[3.0]] * 29 + [[0.0]], NUM, (30, 1), label="zero-bid")
add(_DP, "bids", [[3.0]] * 6 + [[INF]] + [[3.0]] * 23, NUM, (7, 1), label="inf")
generic(_DP, "days_since_issue")
negative(_DP, "days_since_issue")
for _arg in ("premium", "reset_after_days", "reset_factor", "lowest_bids"):
    scalar_term(_DP, _arg)
add(_DP, "premium", 0, NUM, label="zero")
add(_DP, "lowest_bids", 0, NUM, label="zero")
add(_DP, "lowest_bids", 2.5, NUM, label="fraction")
add(_DP, "lowest_bids", 31, NUM, label="more-than-bids")

generic("DEBENTURE_CONVERSION_SHARES", "principal")
negative("DEBENTURE_CONVERSION_SHARES", "principal")
generic("DEBENTURE_CONVERSION_SHARES", "conversion_price")
negative("DEBENTURE_CONVERSION_SHARES", "conversion_price")
add("DEBENTURE_CONVERSION_SHARES", "conversion_price", 0, NUM, label="zero")
mismatch("DEBENTURE_CONVERSION_SHARES", "principal", "conversion_price")

_CB = "CLASSB_EXERCISE_PRICE"
generic(_CB, "closing_bid")
negative(_CB, "closing_bid")
add(_CB, "closing_bid", 0, NUM, label="zero")
generic(_CB, "market_price", required=False)
negative(_CB, "market_price")
add(_CB, "market_price", 0, NUM, label="zero")
generic(_CB, "cap", required=False)
add(_CB, "cap", 0, NUM, label="zero")
negative(_CB, "cap")
mismatch(_CB, "closing_bid", "market_price")
for _arg in ("factor", "factor_low", "low_price"):
    scalar_term(_CB, _arg)
add(_CB, "factor", 0, NUM, label="zero")

# Dilution and listing -------------------------------------------------------------------
generic("DILUTION_PCT", "new_shares")
negative("DILUTION_PCT", "new_shares")
generic("DILUTION_PCT", "outstanding")
negative("DILUTION_PCT", "outstanding")
add("DILUTION_PCT", "outstanding", 0, NUM, label="zero-shares")
mismatch("DILUTION_PCT", "new_shares", "outstanding")

for _arg in ("shares_held", "potential_shares", "outstanding"):
    generic("OWNERSHIP_PCT", _arg)
    negative("OWNERSHIP_PCT", _arg)
add("OWNERSHIP_PCT", "outstanding", 0, NUM, label="zero-shares")
add("OWNERSHIP_PCT", "shares_held", 21_862_773, NUM, label="more-than-outstanding")
mismatch("OWNERSHIP_PCT", "shares_held", "outstanding")

generic("NASDAQ_20PCT_CAPACITY", "outstanding")
negative("NASDAQ_20PCT_CAPACITY", "outstanding")
add("NASDAQ_20PCT_CAPACITY", "outstanding", 0, NUM, label="zero-shares")
add("NASDAQ_20PCT_CAPACITY", "outstanding", 100.5, NUM, label="fraction-of-a-share")
generic("NASDAQ_20PCT_CAPACITY", "already_issued", required=False)
negative("NASDAQ_20PCT_CAPACITY", "already_issued")
add("NASDAQ_20PCT_CAPACITY", "already_issued", 0.5, NUM, label="fraction-of-a-share")
mismatch("NASDAQ_20PCT_CAPACITY", "outstanding", "already_issued")
generic("NASDAQ_20PCT_CAPACITY", "limit", required=False)
negative("NASDAQ_20PCT_CAPACITY", "limit")
add("NASDAQ_20PCT_CAPACITY", "limit", 0, NUM, label="zero")
add("NASDAQ_20PCT_CAPACITY", "limit", 1.5, NUM, label="above-100%")

generic("RUNWAY_MONTHS", "cash")
negative("RUNWAY_MONTHS", "cash")
generic("RUNWAY_MONTHS", "monthly_burn")
negative("RUNWAY_MONTHS", "monthly_burn")
add("RUNWAY_MONTHS", "monthly_burn", 0, NUM, label="zero-burn")
mismatch("RUNWAY_MONTHS", "cash", "monthly_burn")

# Ledger ---------------------------------------------------------------------------------
_PL = "CEO_PLACEMENTS"
_D2 = dt.date(2001, 11, 5)
for _lvl in (MODEL, UDF):
    _only = (_lvl,)
    _bad = {
        # label: (rows, kind, (range row, column)) — row 1 of the range is the header
        "text-shares": ([(TRADE, 1_000_000, 4.04), (_D2, "2,000,000", 4.00)], VALUE, (3, 2)),
        "boolean-price": ([(TRADE, 1_000_000, True)], VALUE, (2, 3)),
        "empty-price": ([(TRADE, 1_000_000, 4.04), (_D2, 2_000_000, None)], VALUE, (3, 3)),
        "empty-date": ([(TRADE, 1_000_000, 4.04), (None, 2_000_000, 4.00)], VALUE, (3, 1)),
        "text-date": ([("next Monday", 1_000_000, 4.04)], VALUE, (2, 1)),
        "negative-price": ([(TRADE, 1_000_000, -4.04)], NUM, (2, 3)),
        "zero-shares": ([(TRADE, 1_000_000, 4.04), (_D2, 0, 4.00)], NUM, (3, 2)),
        "fractional-shares": ([(TRADE, 1_000_000.5, 4.04)], NUM, (2, 2)),
        # in a table NaN is pandas' blank cell (read_excel gives NaN for one): "empty", #VALUE!
        "nan-price-is-empty": ([(TRADE, 1_000_000, NAN)], VALUE, (2, 3)),
        "inf-shares": ([(TRADE, INF, 4.04)], NUM, (2, 2)),
        # 4,040,000 + 5,000,000 × 5.00 = 29,040,000 > 25,000,000: refused at the second placement
        "passes-25M": ([(TRADE, 1_000_000, 4.04), (_D2, 5_000_000, 5.00), (_D2, 1, 1.0)], NUM, (3, 2)),
        # an empty row in between is skipped, and the position still names the range row
        "passes-25M-after-blank": (
            [(TRADE, 1_000_000, 4.04), (None, None, None), (_D2, 5_000_000, 5.00)],
            NUM,
            (4, 2),
        ),
    }
    for _label, (_rows, _kind, _pos) in _bad.items():
        add(_PL, "table", table(_lvl, *_rows), _kind, _pos, label=f"{_label}-{_lvl}", levels=_only)
    add(_PL, "table", [["Trade date", "Price"], [TRADE, 4.04]], VALUE, label=f"2-columns-{_lvl}", levels=_only)
add(_PL, "table", [["Trade date", "Qty", "Price"], [TRADE, 1, 4.04]], VALUE, (1, 2), label="bad-header", levels=(UDF,))
add(_PL, "table", [["Trade date", "Qty", "Price"], [TRADE, 1, 4.04]], VALUE, label="bad-header-model", levels=(MODEL,))
add(_PL, "table", [[TRADE, 1_000_000, 4.04]], VALUE, (1, 1), label="no-header", levels=(UDF,))
add(_PL, "table", None, VALUE, label="missing", levels=(UDF,))
add(_PL, "table", [[1, 2, 3, 4], [5, 6, 7, 8]], VALUE, label="4-columns", levels=(UDF,))
for _value, _label in ((NAN, "nan"), (-1, "negative"), (30, "before-march-1900")):
    _t = table(UDF, (_value, 1_000_000, 4.04))
    add(_PL, "table", _t, NUM, (2, 1), label=f"{_label}-date-serial", levels=(UDF,))
bad_schedules(_PL)
# the model takes the ledger's terms as one DealTerms, whose checks name the term
_TERM_OF = {"coverage": "warrant_coverage", "premium": "warrant_premium", "business_days": "settlement_business_days"}
for _arg, _value, _label, _kind in (
    ("coverage", 1.5, "above-100%", NUM),
    ("coverage", "ten", "text", VALUE),
    ("premium", 0, "zero", NUM),
    ("business_days", 11, "above-10", NUM),
    ("business_days", -1, "negative", NUM),
    ("business_days", 2.5, "fraction", NUM),
):
    add(_PL, _arg, _value, _kind, label=_label, levels=(UDF,))
    add(_PL, _arg, _value, _kind, label=_label + "-model", levels=(MODEL,), names=_TERM_OF[_arg])
add(_PL, "holidays", [[37217], ["Thanksgiving"]], VALUE, (2, 1), label="text-holiday", levels=(UDF,))
add(_PL, "holidays", [dt.date(2001, 11, 22), "Thanksgiving"], VALUE, label="text-holiday-model", levels=(MODEL,))


# Simulation -------------------------------------------------------------------------------
generic("CEO_SIMULATE", "paths")
negative("CEO_SIMULATE", "paths")
add("CEO_SIMULATE", "paths", 0, NUM, label="zero")
add("CEO_SIMULATE", "paths", 10.5, NUM, label="fraction-of-a-path")
add("CEO_SIMULATE", "paths", 10_001, NUM, label="above-10000")  # a cell must answer in about a second
generic("CEO_SIMULATE", "days", required=False)
negative("CEO_SIMULATE", "days")
add("CEO_SIMULATE", "days", 0, NUM, label="zero")
add("CEO_SIMULATE", "days", 2.5, NUM, label="fraction-of-a-day")
generic("CEO_SIMULATE", "adv_fraction", required=False)
add("CEO_SIMULATE", "adv_fraction", 0, NUM, label="zero")
add("CEO_SIMULATE", "adv_fraction", 1.01, NUM, label="above-100%")
generic("CEO_SIMULATE", "drift", required=False)
add("CEO_SIMULATE", "drift", 11, NUM, label="above-1000%")
generic("CEO_SIMULATE", "volume_sigma", required=False)
negative("CEO_SIMULATE", "volume_sigma")
generic("CEO_SIMULATE", "seed", required=False)
negative("CEO_SIMULATE", "seed")
add("CEO_SIMULATE", "seed", 1.5, NUM, label="fraction")
bad_schedules("CEO_SIMULATE")

for _fn in ("CEO_AC_HOLDINGS", "CEO_AC_COST"):
    for _arg in AC_BASE:
        generic(_fn, _arg)
    for _arg in ("shares", "days", "sigma", "epsilon", "gamma", "risk_aversion"):
        negative(_fn, _arg)
    for _arg in ("days", "intervals", "eta"):
        add(_fn, _arg, 0, NUM, label="zero")
    add(_fn, "intervals", 2.5, NUM, label="fraction")
    add(_fn, "intervals", 100_001, NUM, label="above-100,000")
    # eta~ = eta − gamma·tau/2 = 1e-7 − 2.5e-7 × 1/2 < 0: the temporary impact is named
    add(_fn, "eta", 1e-7, NUM, label="eta-tilde-negative")
    add(_fn, "gamma", 5e-6, NUM, label="eta-tilde-negative", names="eta")


def _case_params(level):
    return [pytest.param(c, id=c.id) for c in CASES if level in c.levels]


def _args(case: Case, level: str) -> dict:
    base = BASE[case.fn] if level == UDF else {**BASE[case.fn], **MODEL_BASE.get(case.fn, {})}
    return {**base, **case.others, case.arg: case.value}


def _check_message(exc: CEOModelError, case: Case) -> None:
    name = case.names or case.arg
    assert exc.argument == name
    assert str(exc).startswith(name), str(exc)
    if case.position is not None:
        assert exc.position == case.position, str(exc)
        row, column = case.position
        assert f"row {row}, column {column}" in str(exc)


# ---- the tests -----------------------------------------------------------------------------


def test_matrix_covers_every_excel_function_and_argument():
    assert len(udfs.EXCEL_FUNCTIONS) == 29
    covered = {(c.fn, c.arg) for c in CASES}
    for name, fn in udfs.EXCEL_FUNCTIONS.items():
        if name == "CEO_LAST_ERROR":  # no model function behind it; its bad input: tests/test_errors.py
            continue
        for arg in inspect.signature(fn).parameters:
            assert (name, arg) in covered, f"no bad-input case for {name}({arg})"


@pytest.mark.parametrize("name", sorted(BASE))
def test_base_calls_are_valid(name):
    # Each case changes one argument of these calls, so they must succeed as they are.
    udf_result = udfs.EXCEL_FUNCTIONS[name](**BASE[name])
    assert not isinstance(udf_result, str)
    MODEL_CALLS[name](**{**BASE[name], **MODEL_BASE.get(name, {})})


@pytest.mark.parametrize("case", _case_params(MODEL))
def test_model_raises_ceo_model_error(case):
    with pytest.raises(CEOModelError) as info:
        MODEL_CALLS[case.fn](**_args(case, MODEL))
    exc = info.value
    assert isinstance(exc, ValueError)
    assert exc.kind is case.kind, str(exc)
    _check_message(exc, case)


@pytest.mark.parametrize("case", _case_params(UDF))
def test_udf_returns_num_or_raises_value(case):
    udf = udfs.EXCEL_FUNCTIONS[case.fn]
    args = _args(case, UDF)
    if case.kind is NUM:
        result = udf(**args)
        if case.position is not None and case.arg in udf.elementwise:
            # a range mapped cell by cell fails cell by cell: #NUM! where the bad cell is, numbers elsewhere
            cells = np.asarray(result, dtype=object)
            bad = tuple(i - 1 for i in case.position)[: cells.ndim]
            assert cells[bad] == "#NUM!"
            others = [v for index, v in np.ndenumerate(cells) if index != bad]
            assert others and all(isinstance(v, int | float) and math.isfinite(v) for v in others), cells
        else:
            assert result == "#NUM!"
        # the message (logged, since #NUM! cannot carry one) still names the argument and cell
        with pytest.raises(CEOModelError) as info:
            udf.__wrapped__(**args)
    else:
        with pytest.raises(CEOModelError) as info:
            udf(**args)
    assert info.value.kind is case.kind, str(info.value)
    assert udfs.excel_error_code(info.value) == case.kind.value
    _check_message(info.value, case)


def test_num_message_is_logged(caplog):
    with caplog.at_level("WARNING", logger="ceo_model.udfs"):
        assert udfs.ceo_fee(30_000_000) == "#NUM!"
    assert "CEO_FEE" in caplog.text
    assert "gross" in caplog.text


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (CEOModelError("gross", "must not be negative", ErrorKind.NUM), "#NUM!"),
        (CEOModelError("gross", "must be a number", ErrorKind.VALUE), "#VALUE!"),
        (CEOModelError("gross", "must be a number"), "#VALUE!"),  # VALUE is the default kind
        (ValueError("anything else"), "#VALUE!"),
        (TypeError("anything else"), "#VALUE!"),
        (ZeroDivisionError(), "#VALUE!"),
    ],
)
def test_excel_error_code_mapping(exc, code):
    assert udfs.excel_error_code(exc) == code


def test_error_kinds_are_excel_error_values():
    assert ErrorKind.VALUE.value == "#VALUE!"
    assert ErrorKind.NUM.value == "#NUM!"
    assert issubclass(CEOModelError, ValueError)


def test_message_format_names_argument_and_cell():
    exc = CEOModelError("schedule", "must start at 0", ErrorKind.NUM, (2, 3))
    assert str(exc) == "schedule at row 2, column 3: must start at 0"
    assert (exc.argument, exc.rule, exc.kind, exc.position) == ("schedule", "must start at 0", NUM, (2, 3))
