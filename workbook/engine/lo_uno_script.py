"""Edit and re-save workbooks in a running LibreOffice, as a person would (run by the system python with UNO).

This file is executed by ``/usr/bin/python3`` (the interpreter that has
LibreOffice's ``uno`` module), never imported by the project; the persistent
engine's driver (:mod:`workbook.engine.lo_driver`, same interpreter) imports it and
runs :func:`run_job` for each ``{"job": ...}`` request. On its own:

    python3 lo_uno_script.py PIPE_NAME JOBS.json

It connects to a LibreOffice started with ``--accept=pipe,name=PIPE_NAME;urp;``
and performs every job of JOBS.json in that one process::

    [{"source": "in.xlsx", "target": "out.xlsx", "recalculate": true,
      "edits": [{"op": "set", "sheet": "Inputs", "cell": "C5", "value": 6.0},
                {"op": "sort", "sheet": "Placements", "range": "A5:C54", "column": 2, "ascending": False},
                {"op": "insert_rows", "sheet": "Inputs", "row": 12, "count": 1},
                {"op": "delete_rows", "sheet": "Inputs", "row": 12, "count": 1},
                {"op": "add_sheet", "name": "Notes"}]}]

Rows are 1-based as in the spreadsheet. ``set`` enters a number (or text) as
if typed into the cell. A ``target`` ending in ``.pdf`` is exported as PDF, one
page per sheet (what :func:`workbook.engine.libreoffice.render_sheet` renders), else
saved as .xlsx. ``"charts": true`` reports what every chart of the document
draws, as loaded (and edited, recalculated): ``{"Outputs": [{"title": ...,
"series": [{"name": ..., "range": "$Calculations.$C$180:$AA$180", "values":
[1.0, null, ...]}]}]}``, null where the cell is an error or not a number.
``"read": {"Sheet1": ["A1", ...]}`` reports what those cells show, after the
edits and the recalculation: ``{"Sheet1": {"A1": "#NUM!"}}``; ``"values"``
the same cells' values (see :func:`run_job`). Without a target nothing is
stored; with ``"keep": true`` the document stays open for the next job.
Prints one JSON line per job: ``{"target": ..., "ok": true[, "charts": ...]}``
or ``{"ok": false, "error": "..."}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time


def _connect(pipe: str, seconds: float = 60.0):
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + seconds
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def _props(**kwargs):
    from com.sun.star.beans import PropertyValue

    out = []
    for name, value in kwargs.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


def _cell_position(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha()).upper()
    digits = "".join(ch for ch in ref if ch.isdigit())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col - 1, int(digits) - 1


def _clear(cell) -> None:
    from com.sun.star.sheet.CellFlags import DATETIME, FORMULA, STRING, VALUE

    cell.clearContents(VALUE | DATETIME | STRING | FORMULA)


def _edit(doc, edit: dict) -> None:
    op = edit["op"]
    sheets = doc.Sheets
    if op == "add_sheet":
        sheets.insertNewByName(edit["name"], sheets.Count)
        return
    sheet = sheets.getByName(edit["sheet"])
    if op == "set":
        col, row = _cell_position(edit["cell"])
        cell = sheet.getCellByPosition(col, row)
        value = edit["value"]
        if value is None:  # the cell emptied, as Delete does
            _clear(cell)
        elif isinstance(value, str):
            cell.setFormula(value)  # as typed: "=…" is a formula, other text is text
        else:
            cell.setValue(float(value))
    elif op == "array":  # an array (Ctrl+Shift+Enter) formula typed over a range
        sheet.getCellRangeByName(edit["range"]).setArrayFormula(edit["formula"])
    elif op == "insert_rows":
        sheet.Rows.insertByIndex(edit["row"] - 1, edit.get("count", 1))
    elif op == "delete_rows":
        sheet.Rows.removeByIndex(edit["row"] - 1, edit.get("count", 1))
    elif op == "sort":  # Data > Sort of a range, by one of its columns (0 = the range's first)
        import uno
        from com.sun.star.table import TableSortField

        target = sheet.getCellRangeByName(edit["range"])
        field = TableSortField()
        field.Field = edit.get("column", 0)
        field.IsAscending = edit.get("ascending", True)
        descriptor = target.createSortDescriptor()
        for prop in descriptor:
            if prop.Name == "SortFields":
                prop.Value = uno.Any("[]com.sun.star.table.TableSortField", (field,))
        uno.invoke(target, "sort", (descriptor,))  # the typed Any must reach sort() as it is
    else:
        raise ValueError(f"unknown edit {op!r}")


def _number(value):
    return value if isinstance(value, float) and value == value and abs(value) != float("inf") else None


def _charts(doc) -> dict:
    """Every chart of every sheet: its title and, per data series, the values it draws (chart2 model)."""
    found = {}
    for index in range(doc.Sheets.Count):
        sheet = doc.Sheets.getByIndex(index)
        charts = []
        for name in sheet.getCharts().getElementNames():
            chart = sheet.getCharts().getByName(name).getEmbeddedObject()
            title = chart.getTitleObject()
            text = "".join(part.getString() for part in title.getText()) if title is not None else ""
            series = []
            for system in chart.getFirstDiagram().getCoordinateSystems():
                for kind in system.getChartTypes():
                    for one in kind.getDataSeries():
                        for sequence in one.getDataSequences():
                            values, label = sequence.getValues(), sequence.getLabel()
                            if values is None or values.Role not in ("values-y", "values-last"):
                                continue
                            series.append(
                                {
                                    "name": "".join(str(x) for x in label.getData()) if label is not None else "",
                                    "range": values.getSourceRangeRepresentation(),
                                    "values": [_number(v) for v in values.getNumericalData()],
                                }
                            )
            charts.append({"title": text, "series": series})
        if charts:
            found[sheet.getName()] = charts
    return found


def _store(doc, target: str) -> None:
    import uno

    url = uno.systemPathToFileUrl(target)
    if not target.lower().endswith(".pdf"):
        doc.storeToURL(url, _props(FilterName="Calc MS Excel 2007 XML", Overwrite=True))
        return
    data = uno.Any("[]com.sun.star.beans.PropertyValue", _props(SinglePageSheets=True))  # one page per sheet
    uno.invoke(doc, "storeToURL", (url, _props(FilterName="calc_pdf_Export", FilterData=data, Overwrite=True)))


def _value(cell):
    """What a cell holds after the recalculation: a number, text, an error as its text (``#NUM!``) or None."""
    kind = cell.getType().value
    if kind == "EMPTY":
        return None
    if kind == "FORMULA":
        if cell.getError():
            return {"error": cell.getString()}
        return cell.getString() if cell.FormulaResultType2 == 2 else cell.getValue()  # sheet.FormulaResult.STRING
    return cell.getString() if kind == "TEXT" else cell.getValue()


def _open(desktop, source: str):
    import uno

    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source),
        "_blank",
        0,
        _props(Hidden=True, MacroExecutionMode=0, UpdateDocMode=0),  # macros never run, links not updated
    )
    if doc is None:
        raise RuntimeError("LibreOffice could not open the file")
    return doc


# Documents a job asked to keep open ("keep": true), by source path and modification time: the next job on the same
# file sets its cells on the open document instead of loading it again.
_KEPT: dict = {}


def _kept(desktop, source: str):
    """The open document of ``source`` as it is now: a private copy, so that its lock file is not beside ``source``
    and the user's file is never touched."""
    import shutil
    import tempfile

    key = (source, os.stat(source).st_mtime_ns)
    if key not in _KEPT:
        for old in [k for k in _KEPT if k[0] == source]:
            doc, folder = _KEPT.pop(old)
            with contextlib.suppress(Exception):
                doc.close(True)
            shutil.rmtree(folder, ignore_errors=True)
        folder = tempfile.mkdtemp(
            prefix="ceo_lo_kept_", dir=os.environ.get("CEO_LO_REMOVE") or None
        )  # the engine's own
        copy = os.path.join(folder, os.path.basename(source))
        shutil.copyfile(source, copy)
        _KEPT[key] = (_open(desktop, copy), folder)
    return _KEPT[key][0]


def run_job(desktop, job: dict) -> dict:
    """One job: open, edit, recalculate, report, store (when there is a target); its answer.

    ``"keep": true`` leaves the document open for the next job on the same file: only ``set`` edits are allowed,
    and each cell set is put back as it was after the job's report (nothing is stored).
    ``"values": {"Sheet1": ["A1", ...]}`` reports those cells' values (numbers, text, ``{"error": "#NUM!"}``).
    """
    keep = bool(job.get("keep"))
    doc = _kept(desktop, job["source"]) if keep else _open(desktop, job["source"])
    restore = []
    try:
        for edit in job.get("edits", []):
            if keep:
                if edit["op"] != "set":
                    raise ValueError(f"a kept document takes only set edits, not {edit['op']!r}")
                col, row = _cell_position(edit["cell"])
                cell = doc.Sheets.getByName(edit["sheet"]).getCellByPosition(col, row)
                restore.append((cell, cell.getFormula()))
            _edit(doc, edit)
        if job.get("recalculate", True):
            doc.calculateAll()  # Data > Calculate > Recalculate Hard: LibreOffice's own values are saved
        answer = {"target": job.get("target"), "ok": True}
        if job.get("charts"):
            answer["charts"] = _charts(doc)
        if job.get("read"):
            answer["read"] = {
                name: {ref: doc.Sheets.getByName(name).getCellRangeByName(ref).getString() for ref in refs}
                for name, refs in job["read"].items()
            }
        if job.get("values"):
            answer["values"] = {
                name: {ref: _value(doc.Sheets.getByName(name).getCellRangeByName(ref)) for ref in refs}
                for name, refs in job["values"].items()
            }
        if job.get("target") and not keep:
            _store(doc, job["target"])
        return answer
    finally:
        for cell, formula in reversed(restore):
            if formula == "":
                _clear(cell)
            else:
                cell.setFormula(formula)
        if not keep:
            with contextlib.suppress(Exception):  # the file is saved; a veto or a dropped bridge changes nothing
                doc.close(True)


def main(pipe: str, jobs_path: str) -> int:
    with open(jobs_path, encoding="utf-8") as fp:
        jobs = json.load(fp)
    ctx = _connect(pipe)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    for job in jobs:
        try:
            print(json.dumps(run_job(desktop, job)), flush=True)
        except Exception as exc:  # one job's failure is reported, the others still run
            print(json.dumps({"target": job.get("target"), "ok": False, "error": f"{type(exc).__name__}: {exc}"}))
    with contextlib.suppress(Exception):  # the bridge drops as LibreOffice exits
        desktop.terminate()
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1], sys.argv[2])
    sys.stdout.flush()
    os._exit(code)  # skip pyuno's teardown, which can crash after LibreOffice has gone
