"""Run VBA code in LibreOffice Basic (``Option VBASupport 1``) and print what cell formulas show.

Run with LibreOffice's Python (``import uno``), not the project's:

    python lo_basic_driver.py SOFFICE PROFILE_DIR MODULE.bas FORMULAS.json

FORMULAS.json is ``{"A1": "=F(1)", ...}``; the output is one JSON object
``{"A1": "text the cell shows", ...}``. The module goes into a new Calc
document's ``Standard`` library, so Calc calls its public functions from cells.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path


def _pv(name, value):
    from com.sun.star.beans import PropertyValue  # LibreOffice's Python only

    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def main(soffice: str, profile: str, module: str, formulas: str) -> int:
    import uno  # LibreOffice's Python only (this file is also imported by pytest's doctest collection)

    pipe = f"ceo_basic_{os.getpid()}"
    office = subprocess.Popen(
        [
            soffice,
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    finished = False
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(240):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # not listening yet
                time.sleep(0.25)
        else:
            print("LibreOffice did not start", file=sys.stderr)
            return 1
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(
            "private:factory/scalc", "_blank", 0, (_pv("Hidden", True), _pv("MacroExecutionMode", 4))
        )
        libraries = doc.BasicLibraries
        library = (
            libraries.getByName("Standard") if libraries.hasByName("Standard") else libraries.createLibrary("Standard")
        )
        library.insertByName("CEOModule", Path(module).read_text(encoding="utf-8"))
        libraries.loadLibrary("Standard")
        sheet = doc.Sheets.getByIndex(0)
        cells = json.loads(Path(formulas).read_text(encoding="utf-8"))
        for ref, formula in cells.items():
            sheet.getCellRangeByName(ref).setFormula(formula)
        doc.calculateAll()
        print(json.dumps({ref: sheet.getCellRangeByName(ref).getString() for ref in cells}))
        doc.close(True)
        with contextlib.suppress(Exception):  # the bridge goes away while terminating
            desktop.terminate()
        finished = True
        return 0
    finally:
        try:
            office.wait(timeout=30 if finished else 0.1)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
