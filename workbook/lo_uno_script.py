"""Edit and re-save workbooks in a running LibreOffice, as a person would (run by the system python with UNO).

This file is executed by ``/usr/bin/python3`` (the interpreter that has
LibreOffice's ``uno`` module), never imported by the project:

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
if typed into the cell. Prints one JSON line per job: ``{"target": ..., "ok": true}``
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
        if isinstance(value, str):
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


def main(pipe: str, jobs_path: str) -> int:
    import uno

    with open(jobs_path, encoding="utf-8") as fp:
        jobs = json.load(fp)
    ctx = _connect(pipe)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    for job in jobs:
        doc = None
        try:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["source"]), "_blank", 0, _props(Hidden=True))
            if doc is None:
                raise RuntimeError("LibreOffice could not open the file")
            for edit in job.get("edits", []):
                _edit(doc, edit)
            if job.get("recalculate", True):
                doc.calculateAll()  # Data > Calculate > Recalculate Hard: LibreOffice's own values are saved
            doc.storeToURL(
                uno.systemPathToFileUrl(job["target"]), _props(FilterName="Calc MS Excel 2007 XML", Overwrite=True)
            )
            print(json.dumps({"target": job["target"], "ok": True}), flush=True)
        except Exception as exc:  # one job's failure is reported, the others still run
            print(json.dumps({"target": job.get("target"), "ok": False, "error": f"{type(exc).__name__}: {exc}"}))
        finally:
            if doc is not None:
                with contextlib.suppress(Exception):  # the file is saved; a veto or a dropped bridge changes nothing
                    doc.close(True)
    with contextlib.suppress(Exception):  # the bridge drops as LibreOffice exits
        desktop.terminate()
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1], sys.argv[2])
    sys.stdout.flush()
    os._exit(code)  # skip pyuno's teardown, which can crash after LibreOffice has gone
