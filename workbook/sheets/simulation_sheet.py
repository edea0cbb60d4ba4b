"""The Simulation sheet: a Monte Carlo summary and fan chart added to a built workbook.

``build.py --simulate`` calls :func:`add_simulation_sheet` on each workbook it
built. The sheet holds values only (the run's parameters, the summary table of
:func:`model.simulate.summary_table` and the fan chart as a picture), so it
never changes the model's formulas; ``python -m workbook validate`` reports it
as an extra sheet (info S004). The workbook is re-read and re-written with
openpyxl (which keeps the other sheets' formulas, styles, names, validations,
tables and charts but not cached values), then the build's cached values are
stored again by :func:`workbook.engine.recalc.write_cached_values`; the target is
replaced atomically.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill

from model.simulate import SimulationResult, summary_table
from workbook.engine.recalc import write_cached_values
from workbook.kit import fingerprint
from workbook.kit.files import atomic_target
from workbook.sheets.simulation_chart import fan_chart

SHEET = "Simulation"
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
FORMATS = {
    "Gross proceeds ($)": "#,##0.00",
    "Commission ($)": "#,##0.00",
    "Net proceeds ($)": "#,##0.00",
    "Shares sold": "#,##0",
    "Agent warrant shares": "#,##0",
    "Agent warrant value ($)": "#,##0.00",
    "Cash at the end ($)": "#,##0.00",
    "Agent compensation (% of gross)": "0.00%",
    "Dilution (% of enlarged shares)": "0.00%",
}


def add_simulation_sheet(path: str | Path, values: dict, result: SimulationResult, terms_label: str) -> Path:
    """Add (or replace) the Simulation sheet of the workbook at ``path``.

    ``values`` are the build's computed values (``Built.values``), stored back
    as the cached values of the formula cells.
    """
    path = Path(path)
    summary = result.summary()
    with tempfile.TemporaryDirectory() as tmp:
        png = fan_chart(result, Path(tmp) / "fan_chart.png")
        wb = load_workbook(path)
        if SHEET in wb.sheetnames:
            del wb[SHEET]
        ws = wb.create_sheet(SHEET)
        _write(ws, result, summary, terms_label, png)
        fingerprint.stamp(wb)  # the sheet is the builder's own: a later rebuild must not take it for an edit
        plain = Path(tmp) / "plain.xlsx"
        wb.save(plain)
        with atomic_target(path) as final:
            write_cached_values(plain, values, final)
    return path


def _write(ws, result: SimulationResult, summary: dict, terms_label: str, png: Path) -> None:
    sim = result.sim
    ws["A1"] = "Programme simulation (Monte Carlo)"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        "Values from ceo-model simulate at build time (not live formulas): each path sells "
        "min(ADV fraction × volume, what remains of the maximum) whole shares a day, with the model's fee, "
        "warrant, cap, dilution and cash maths."
    )
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:E2")
    ws.row_dimensions[2].height = 45
    params = [
        ("Terms", terms_label),
        ("Paths", sim.paths),
        ("Trading days", sim.days),
        ("ADV fraction", sim.adv_fraction),
        ("Drift (annual)", sim.drift),
        ("Volatility (annual, terms)", result.terms.volatility),
        ("Volume sigma", sim.volume_sigma),
        ("Price floor", sim.floor),
        ("Class B financing floor applied", "yes" if sim.financing_floor else "no"),
        ("Price history", sim.history.source if sim.history is not None else "none (geometric Brownian motion)"),
        ("Seed", sim.seed),
    ]
    ws["A4"] = "Parameters"
    ws["A4"].font = Font(bold=True)
    for i, (label, value) in enumerate(params, start=5):
        ws.cell(i, 1, label)
        ws.cell(i, 2, _digits15(value))
    ws["B8"].number_format = "0.0%"
    top = 5 + len(params) + 1
    table = summary_table(summary)
    for j, name in enumerate(table.columns, start=1):
        cell = ws.cell(top, j, name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    for i, row in enumerate(table.itertuples(index=False), start=top + 1):
        fmt = FORMATS.get(row[0], "0.0000" if row[0].startswith("P(") else "#,##0")
        ws.cell(i, 1, row[0])
        for j, value in enumerate(row[1:], start=2):
            cell = ws.cell(i, j, _digits15(value))
            cell.number_format = fmt
    ws.column_dimensions["A"].width = 46
    for col in "BCDE":
        ws.column_dimensions[col].width = 17
    image = Image(str(png))
    image.anchor = "G4"
    ws.add_image(image)
    ws.sheet_view.showGridLines = False


def _digits15(value):
    """A float as Excel keeps it (15 significant digits), so the file reads back the number written: openpyxl
    writes 16 digits, and the fingerprint (:mod:`workbook.kit.fingerprint`) compares what reads back."""
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return float(f"{value:.15g}")
    return value
