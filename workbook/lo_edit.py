"""Have real LibreOffice edit and re-save workbooks, as a person would: one process for many files.

LibreOffice's Python bridge (``uno``) belongs to the system interpreter, not
the project's virtualenv, so :func:`edit_and_save` starts ``soffice`` with a
private profile listening on a named pipe and runs :mod:`workbook.lo_uno_script`
with that interpreter (``CEO_UNO_PYTHON``, default ``/usr/bin/python3``).
``extensions`` (at most one ``.oxt``, the CEO add-in) is installed into the
private profile first, as the engine installs it (:func:`workbook.lo_engine.profile_with`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from workbook.libreoffice import HEADLESS, TIMEOUT_SECONDS, LibreOfficeError, environment, executable

SCRIPT = Path(__file__).with_name("lo_uno_script.py")


@dataclass
class Job:
    """Open ``source``, apply ``edits`` (see :mod:`workbook.lo_uno_script`), save as .xlsx to ``target``.

    ``recalculate``: recalculate every formula before saving (Data > Calculate >
    Recalculate Hard), so the file holds LibreOffice's own values, not ours.
    A ``target`` ending in ``.pdf`` is exported as PDF (one page per sheet);
    ``charts``: report what every chart draws; ``read``: ``{sheet: [cell, ...]}`` to report what those
    cells show (see :mod:`workbook.lo_uno_script`).
    """

    source: Path
    target: Path
    edits: list[dict] = field(default_factory=list)
    recalculate: bool = True
    charts: bool = False
    read: dict[str, list[str]] = field(default_factory=dict)


def uno_python() -> str | None:
    """An interpreter that can ``import uno``, or None."""
    candidate = os.environ.get("CEO_UNO_PYTHON") or "/usr/bin/python3"
    if not shutil.which(candidate):
        return None
    try:
        run = subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return candidate if run.returncode == 0 else None


def available() -> bool:
    return executable() is not None and uno_python() is not None


def edit_and_save(jobs: list[Job], *, extensions: tuple[Path, ...] = ()) -> list[Path]:
    """Run every job in one LibreOffice process; raise :class:`LibreOfficeError` naming the first that failed."""
    run(jobs, extensions=extensions)
    return [Path(j.target) for j in jobs]


def run(jobs: list[Job], *, extensions: tuple[Path, ...] = (), profile_from: Path | None = None) -> list[dict]:
    """:func:`edit_and_save`, answering each job's report (``{"target", "ok"[, "charts"]}``); ``profile_from``:
    a profile to start from (a copy), such as :func:`workbook.lo_engine.profile_with`'s."""
    exe, python = executable(), uno_python()
    if exe is None or python is None:
        raise LibreOfficeError("LibreOffice (soffice) with its Python bridge (python3-uno) is not installed")
    with tempfile.TemporaryDirectory(prefix="ceo_lo_uno_") as tmp:
        profile = Path(tmp) / "profile"
        env = environment(home=tmp)  # LibreOffice's Python first on PATH: see workbook.libreoffice.environment
        user_installation = f"-env:UserInstallation={profile.as_uri()}"
        if len(extensions) > 1:
            raise LibreOfficeError("one extension (the CEO add-in) at most")
        if extensions:  # a profile with the add-in installed, as the engine makes it (unopkg refuses root)
            from workbook import lo_engine

            profile_from = lo_engine.profile_with(Path(extensions[0]))
        if profile_from is not None:
            shutil.copytree(profile_from, profile, symlinks=True)
        spec = Path(tmp) / "jobs.json"
        spec.write_text(
            json.dumps(
                [
                    {
                        "source": str(Path(j.source).resolve()),
                        "target": str(Path(j.target).resolve()),
                        "edits": j.edits,
                        "recalculate": j.recalculate,
                        "charts": j.charts,
                        "read": j.read,
                    }
                    for j in jobs
                ]
            ),
            encoding="utf-8",
        )
        pipe = f"ceo_{uuid.uuid4().hex}"
        office = subprocess.Popen(
            [
                exe,
                *HEADLESS,
                user_installation,
                f"--accept=pipe,name={pipe};urp;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        try:
            script = subprocess.run(
                [python, str(SCRIPT), pipe, str(spec)],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                env=env,
                check=False,
            )
            office.wait(timeout=60)
        except subprocess.TimeoutExpired as exc:
            raise LibreOfficeError(
                f"LibreOffice took longer than {TIMEOUT_SECONDS}s editing {len(jobs)} file(s)"
            ) from exc
        finally:
            if office.poll() is None:
                office.kill()
                office.wait()
    results = [json.loads(line) for line in script.stdout.splitlines() if line.startswith("{")]
    failed = [r for r in results if not r.get("ok")]
    done = len(results) == len(jobs) and not failed and all(Path(j.target).is_file() for j in jobs)
    if not done:
        detail = failed[0]["error"] if failed else (script.stderr or script.stdout).strip()[-300:]
        raise LibreOfficeError(f"LibreOffice could not edit and save the workbooks: {detail}")
    return results
