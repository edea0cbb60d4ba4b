"""LibreOffice as an independent engine: full recalculation and rendering to PNG.

Every run gets its own user profile, whose settings force LibreOffice to
recalculate OOXML files on load (by default it trusts the cached values).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

# How every LibreOffice of ours starts (workbook/engine/lo_driver.py, run by LibreOffice's own Python, repeats it).
HEADLESS = ("--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault", "--nologo")

# A private profile for every run: recalculate on load, never run macros, never update links.
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" \
oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse">\
<value>1</value></prop></item>
</oor:items>
"""
PDF_ONE_PAGE_PER_SHEET = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'
TIMEOUT_SECONDS = 300


class LibreOfficeError(RuntimeError):
    """LibreOffice is missing or failed."""


def executable() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return executable() is not None


PYTHON_VARIABLES = ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONEXECUTABLE", "VIRTUAL_ENV")


def environment(home: str | None = None, python: str | None = None) -> dict[str, str]:
    """The environment every LibreOffice of ours (and LibreOffice's Python driving it) starts in.

    LibreOffice built against the system's Python (Debian, Ubuntu, Fedora) embeds that libpython without
    naming its program, so CPython finds its prefix by looking for ``python3`` on PATH. With a virtualenv
    activated (or pyenv's interpreter) first on PATH, the embedded Python reads that ``pyvenv.cfg`` and runs
    as that environment: the system's ``dist-packages``, where ``uno.py`` lives, leaves ``sys.path``,
    LibreOffice's ``pythonloader`` fails on ``import uno``, and no Python component loads — every CEO_* cell
    is ``#VALUE!`` (or the file does not open). So the folder of LibreOffice's own Python (``python``,
    default :func:`workbook.engine.lo_engine.python`) goes first on PATH, and Python's own variables are dropped.
    ``home``: HOME for LibreOffice (its private profile's folder)."""
    if python is None:
        from workbook.engine import lo_engine

        python = lo_engine.python()
    env = {k: v for k, v in os.environ.items() if k not in PYTHON_VARIABLES}
    if python:
        first = os.path.dirname(python)
        rest = [p for p in env.get("PATH", os.defpath).split(os.pathsep) if p and p != first]
        env["PATH"] = os.pathsep.join([first, *rest])
    if home is not None:
        env["HOME"] = str(home)
    return env


def convert(source: Path, out_dir: Path, target: str, *, recalculate: bool, profile_from: Path | None = None) -> Path:
    """Open ``source`` in a fresh LibreOffice process with a private profile and save it as ``target``.

    ``profile_from``: a user profile to start from (a copy is used), such as one with the CEO add-in installed
    (:func:`workbook.engine.lo_engine.convert`); None starts from an empty one."""
    exe = executable()
    if exe is None:
        raise LibreOfficeError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ceo_lo_profile_") as tmp:
        profile = Path(tmp) / "profile"
        if profile_from is not None:
            shutil.copytree(profile_from, profile, symlinks=True)
        else:
            (profile / "user").mkdir(parents=True)
        if recalculate:
            (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
        cmd = [
            exe,
            *HEADLESS,
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(source),
        ]
        env = environment(home=tmp)
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise LibreOfficeError(f"LibreOffice took longer than {TIMEOUT_SECONDS}s on {source.name}") from exc
    produced = out_dir / f"{source.stem}.{target.split(':')[0]}"
    if run.returncode != 0 or not produced.exists():
        raise LibreOfficeError(
            f"LibreOffice could not convert {source.name}: {(run.stderr or run.stdout).strip()[:300]}"
        )
    return produced


def recalculated_values(source: Path) -> dict[tuple[str, str], object]:
    """Every non-empty cell value of ``source`` after a forced full recalculation by LibreOffice."""
    from openpyxl import load_workbook

    with tempfile.TemporaryDirectory(prefix="ceo_lo_out_") as out:
        produced = convert(Path(source), Path(out), "xlsx:Calc MS Excel 2007 XML", recalculate=True)
        wb = load_workbook(produced, data_only=True)
        return {
            (ws.title, cell.coordinate): cell.value
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None
        }


def render_sheet(source: Path, sheet: str, png: Path, dpi: int = 100) -> Path:
    """Render one sheet of ``source`` to ``png`` as LibreOffice opens it (:func:`render_sheets`)."""
    from workbook.engine import lo_engine

    lo_engine.render_sheets(Path(source), {sheet: Path(png)}, dpi)
    return png


def render_sheets(
    source: Path, pngs: dict[str, Path], dpi: int = 100, *, profile_from: Path | None = None
) -> dict[str, list[dict]] | None:
    """Render sheets of ``source`` to PNG (``{sheet: png}``), as LibreOffice opens the file, and answer what
    every chart of the document draws: ``{sheet: [{"title", "series": [{"name", "range", "values"}]}]}``
    (values None where a cell is an error), read over UNO from the very document exported to PDF.

    LibreOffice shows an .xlsx's cached values but computes array formulas on load, whatever its settings:
    the udf flavour's array line items need the CEO add-in then (``profile_from``, a profile with it
    installed: :func:`workbook.engine.lo_engine.render_sheets`), or they and the charts drawing them are ``#NAME?``.
    Without LibreOffice's Python bridge the PDF is converted by ``soffice`` alone and the answer is None."""
    from workbook.engine import lo_edit
    from workbook.engine.recalc import sheet_parts

    if shutil.which("pdftoppm") is None:
        raise LibreOfficeError("pdftoppm is not installed (apt-get install poppler-utils)")
    with zipfile.ZipFile(source) as archive:
        names = list(sheet_parts(archive))
    charts = None
    with tempfile.TemporaryDirectory(prefix="ceo_render_") as out:
        if lo_edit.available():
            pdf = Path(out) / f"{Path(source).stem}.pdf"
            job = lo_edit.Job(Path(source), pdf, recalculate=False, charts=True)
            (report,) = lo_edit.run([job], profile_from=profile_from)
            charts = report.get("charts", {})
        else:
            pdf = convert(Path(source), Path(out), PDF_ONE_PAGE_PER_SHEET, recalculate=False, profile_from=profile_from)
        for sheet, png in pngs.items():
            page = names.index(sheet) + 1
            stem = Path(out) / "page"
            pages = ["-f", str(page), "-l", str(page)]
            run = subprocess.run(
                ["pdftoppm", "-png", "-r", str(dpi), "-singlefile", *pages, str(pdf), str(stem)],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
            if run.returncode != 0:
                raise LibreOfficeError(f"pdftoppm failed: {run.stderr.strip()[:300]}")
            Path(png).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(stem.with_suffix(".png")), png)
    return charts
