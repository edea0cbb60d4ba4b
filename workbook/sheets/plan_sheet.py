"""The Plan sheet: an Almgren–Chriss execution plan and its trajectory chart, added to a built workbook.

``build.py --plan`` calls :func:`add_plan_sheet` on each workbook it built,
with :func:`illustrative_plan` of the deal: a fifth of the programme maximum
(the whole shares it buys at the last sale price) sold over 60 trading days,
one interval a day, σ and a square-root impact calibrated to the average
daily volume (:func:`model.execution.calibrate`), ε = 0, λ = 10⁻⁶ per $.
Like the Simulation sheet (:mod:`workbook.sheets.simulation_sheet`) it holds values
only — the parameters, the cost, and the trajectory table — plus a native
Excel line chart of the trajectory drawn from that table, so it never changes
the model's formulas; ``python -m workbook validate`` reports it as an extra
sheet (info S004). The cells show the live formulas that give the same
numbers (``=CEO_AC_HOLDINGS(…)``, ``=CEO_AC_COST(…)``).
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from model.execution import Calibration, Plan, calibrate, plan
from model.rounding import round_down
from model.terms import DealTerms
from workbook.engine.recalc import write_cached_values
from workbook.kit import fingerprint
from workbook.kit.files import atomic_target

SHEET = "Plan"
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
SHARE_OF_MAXIMUM = 0.2
DAYS = 60
RISK_AVERSION = 1e-6


@dataclass(frozen=True)
class SheetPlan:
    plan: Plan
    calibration: Calibration
    gross: float


def illustrative_plan(terms: DealTerms) -> SheetPlan:
    """A fifth of the programme maximum over 60 days at λ = 10⁻⁶, impact calibrated to the deal (see the module)."""
    gross = SHARE_OF_MAXIMUM * terms.schedule.maximum
    shares = float(round_down(gross / terms.last_sale_price))
    c = calibrate(terms.last_sale_price, terms.volatility, terms.average_daily_volume, shares, DAYS, "sqrt")
    return SheetPlan(plan(shares, DAYS, DAYS, c.sigma, 0.0, c.eta, c.gamma, RISK_AVERSION), c, gross)


def add_plan_sheet(path: str | Path, values: dict, planned: SheetPlan, terms_label: str) -> Path:
    """Add (or replace) the Plan sheet of the workbook at ``path``; ``values`` are the build's cached values."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        wb = load_workbook(path)
        if SHEET in wb.sheetnames:
            del wb[SHEET]
        ws = wb.create_sheet(SHEET)
        _write(ws, planned, terms_label)
        fingerprint.stamp(wb)  # the sheet is the builder's own: a later rebuild must not take it for an edit
        plain = Path(tmp) / "plain.xlsx"
        wb.save(plain)
        with atomic_target(path) as final:
            write_cached_values(plain, values, final)
    return path


def _write(ws, planned: SheetPlan, terms_label: str) -> None:
    result, c = planned.plan, planned.calibration
    p = result.problem
    ws["A1"] = "Execution plan (Almgren–Chriss)"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        "Values computed at build time (not live formulas): the trajectory minimising expected cost + "
        "λ × variance of the implementation shortfall (Almgren and Chriss, Journal of Risk 2000), with σ and a "
        "square-root impact calibrated to the average daily volume. Illustrative: plan your own with "
        "ceo-model plan, or live in a cell with the formulas below."
    )
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:E2")
    ws.row_dimensions[2].height = 60
    args = f"{p.shares:.15g}, {p.days:g}, {p.intervals}, {p.sigma:.15g}, {p.epsilon:g}, {p.eta:.15g}, {p.gamma:.15g}"
    params = [
        ("Terms", terms_label, None),
        ("Gross target ($)", planned.gross, "#,##0"),
        ("Shares to sell (at the last sale price)", p.shares, "#,##0"),
        ("Trading days", p.days, "0"),
        ("Intervals", p.intervals, "0"),
        ("Share price ($)", c.price, "0.00"),
        ("Volatility (annual, terms)", c.volatility, "0.0%"),
        ("Average daily volume (shares)", c.average_daily_volume, "#,##0"),
        ("Participation of the straight line", c.participation, "0.0%"),
        ("sigma ($/share/√day)", p.sigma, "0.000000"),
        ("epsilon ($/share)", p.epsilon, "0.0000"),
        ("eta (temporary impact)", p.eta, "0.000E+00"),
        ("gamma (permanent impact)", p.gamma, "0.000E+00"),
        ("Risk aversion lambda (1/$)", result.risk_aversion, "0.0E+00"),
        ("kappa (1/day)", result.kappa, "0.0000"),
        ("Expected cost ($)", result.expected_cost, "#,##0"),
        ("Standard deviation of the cost ($)", math.sqrt(result.variance), "#,##0"),
        # text, not formulas (the sheet holds values only): what to type for the same numbers, live
        ("Trajectory, live", f"in a cell: =CEO_AC_HOLDINGS({args}, {result.risk_aversion:g})", None),
        ("Cost and variance, live", f"in a cell: =CEO_AC_COST({args}, {result.risk_aversion:g})", None),
    ]
    ws["A4"] = "Parameters"
    ws["A4"].font = Font(bold=True)
    for i, (label, value, fmt) in enumerate(params, start=5):
        ws.cell(i, 1, label)
        cell = ws.cell(i, 2, _digits15(value))
        if fmt:
            cell.number_format = fmt
    top = 5 + len(params) + 1
    headers = ("Interval", "Day", "Shares held", "Shares sold", "Straight line")
    for j, name in enumerate(headers, start=1):
        cell = ws.cell(top, j, name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    for k in range(p.intervals + 1):
        row = top + 1 + k
        ws.cell(row, 1, k)
        ws.cell(row, 2, _digits15(k * p.tau))
        ws.cell(row, 3, _digits15(float(result.holdings[k]))).number_format = "#,##0"
        ws.cell(row, 4, _digits15(float(result.trades[k - 1])) if k else None).number_format = "#,##0"
        ws.cell(row, 5, _digits15(p.shares * (p.intervals - k) / p.intervals)).number_format = "#,##0"
    last = top + 1 + p.intervals
    ws.column_dimensions["A"].width = 40
    for col in "BCDE":
        ws.column_dimensions[col].width = 16

    chart = LineChart()
    chart.title = f"Shares held: optimal for λ = {result.risk_aversion:g} against the straight line"
    chart.y_axis.title = "Shares"
    chart.x_axis.title = "Trading day"
    chart.y_axis.numFmt = "#,##0"
    chart.add_data(Reference(ws, min_col=3, min_row=top, max_row=last), titles_from_data=True)
    chart.add_data(Reference(ws, min_col=5, min_row=top, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=top + 1, max_row=last))
    bars = BarChart()
    bars.add_data(Reference(ws, min_col=4, min_row=top, max_row=last), titles_from_data=True)
    chart += bars
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, "G4")
    ws.sheet_view.showGridLines = False


def _digits15(value):
    """A float as Excel keeps it (15 significant digits), so the fingerprint compares what reads back."""
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return float(f"{value:.15g}")
    return value
