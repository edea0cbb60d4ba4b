"""The entry points — :func:`validate` (a :class:`Report`) and :func:`main` (the command line) — and the order of the
rule families."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from workbook.engine.engines import EngineChoiceError, choose
from workbook.kit.layout import INPUT, build_layout
from workbook.kit.safety import UnreadableWorkbook
from workbook.reading.existing import open_workbook, read_inputs
from workbook.sheets.template import template
from workbook.validate import audit, error_values, formulas, inputs, moved_rows, placements, structure
from workbook.validate.catalogue import ERROR, SEVERITY_ORDER
from workbook.validate.context import Context
from workbook.validate.flavour import expected_layout
from workbook.validate.graph import Graph
from workbook.validate.recalc import outcome
from workbook.validate.report import Finding, Report, text


def validate(path: Path, *, recalc: bool = False, engine: str | None = None) -> Report:
    """Validate ``path``; raises :class:`UnreadableWorkbook` when it cannot be read safely.

    With ``recalc``, the workbook is also recalculated by ``engine`` (see :func:`workbook.engine.engines.choose`: the
    LibreOffice engine when it can run, else the ``formulas`` package) and failing checks are reported (O001).
    """
    opened = open_workbook(Path(path))
    try:
        sheets = read_inputs(opened).sheets
    except Exception:
        sheets = template()
    # the blocks as built: rows inserted through an Inputs block added empty entries, reported once each (I005)
    inputs_at = moved_rows.inputs_sheet(opened.book, sheets)
    pruned, entries = moved_rows.without_inserted_entries(opened.book, sheets, inputs_at)
    flavour, layout = expected_layout(opened.book, pruned or sheets)
    ctx = Context(opened, layout, recalc, engine)
    structure.sheets(ctx)
    ours = bool(ctx.actual)
    if ours:
        if ctx.actual.get("Inputs") != inputs_at:  # not found as inputs_sheet found it (never seen): read again
            pruned, entries = moved_rows.without_inserted_entries(opened.book, sheets, ctx.actual.get("Inputs"))
            ctx.layout = build_layout(flavour, pruned or sheets)
        for entry in entries:
            ctx.add(*entry)
        moved_rows.locate_rows(ctx)
        structure.names(ctx)
        structure.table(ctx)
        formulas.template_formulas(ctx)
    else:  # audit rules only: nothing of the template to compare with
        ctx.findings = [
            Finding(
                ERROR,
                "S001",
                None,
                None,
                "not a CEO Model workbook: none of the template's sheets "
                f"({', '.join(ctx.layout.sheet_order)}) is present; only the audit rules were applied",
            )
        ]
    audit.workbook_settings(ctx)
    cells = formulas.formula_cells(ctx.book)
    audit.formulas(ctx, cells)
    graph = Graph(ctx.book, formulas.with_array_parts(ctx.book, cells), _watched_inputs(ctx))
    if ours:
        inputs.inputs(ctx, graph)
        placements.placements(ctx)
    audit.circular(ctx, graph)
    computed = outcome(ctx) if ctx.recalc and ours else None
    error_values.error_values(ctx, graph, computed)
    ctx.findings.sort(key=_order(ctx.book.sheetnames))
    return Report(opened.path, flavour, ctx.findings)


def _watched_inputs(ctx: Context) -> dict:
    """{(file sheet, ref): CellSpec} of the input cells the graph follows: the required inputs, and the placement
    cells too (what a bad one breaks is reported with it)."""
    required = {(ctx.actual[s], ref): spec for (s, ref), spec in inputs.required_inputs(ctx).items() if s in ctx.actual}
    if "Placements" in ctx.actual:
        for ref, spec in ctx.layout.cells.get("Placements", {}).items():
            if spec.role == INPUT and (at := ctx.at("Placements", ref)) is not None:
                required.setdefault((ctx.actual["Placements"], at), spec)
    return required


def _order(sheetnames: list[str]):
    """Findings by severity, then sheet order, row, column and rule."""
    order = {name: i for i, name in enumerate(sheetnames)}

    def key(f: Finding):
        row = col = 0
        if f.cell:
            letters, row = coordinate_from_string(f.cell.split(":")[0])
            col = column_index_from_string(letters)
        return SEVERITY_ORDER[f.severity], order.get(f.sheet, -1), row, col, f.rule

    return key


def main(path: Path, *, as_json: bool = False, recalc: bool = False, engine: str | None = None) -> int:
    """The CLI: print findings (text or JSON); exit 0 clean, 1 errors, 2 unreadable or an engine that cannot run."""
    try:
        chosen = choose(engine) if recalc else None
    except EngineChoiceError as exc:
        print(f"validate: {exc}", file=sys.stderr)
        return 2
    try:
        report = validate(path, recalc=recalc, engine=chosen)
    except UnreadableWorkbook as exc:
        print(f"validate: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"validate: cannot read {Path(path).name}: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps([f.as_dict() for f in report.findings], indent=1, default=str))
    else:
        print(text(report))
    return 1 if report.errors else 0
