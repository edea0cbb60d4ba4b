"""Have real LibreOffice edit and re-save workbooks, as a person would: one process for many files.

The jobs run in the process's persistent engine (:func:`workbook.engine.lo_engine.shared`) when it can serve them: one
LibreOffice for a whole session's recalculations and edits. Otherwise (another extension, no engine),
LibreOffice's Python bridge (``uno``) belongs to the system interpreter, not
the project's virtualenv, so :func:`edit_and_save` starts ``soffice`` with a
private profile listening on a named pipe and runs :mod:`workbook.engine.lo_uno_script`
with that interpreter (``CEO_UNO_PYTHON``, default ``/usr/bin/python3``).
``extensions`` (at most one ``.oxt``, the CEO add-in) is installed into the
private profile first, as the engine installs it (:func:`workbook.engine.lo_engine.profile_with`).
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

from workbook.engine.libreoffice import HEADLESS, TIMEOUT_SECONDS, LibreOfficeError, environment, executable

SCRIPT = Path(__file__).with_name("lo_uno_script.py")


@dataclass
class Job:
    """Open ``source``, apply ``edits`` (see :mod:`workbook.engine.lo_uno_script`), save as .xlsx to ``target``.

    ``recalculate``: recalculate every formula before saving (Data > Calculate >
    Recalculate Hard), so the file holds LibreOffice's own values, not ours.
    A ``target`` ending in ``.pdf`` is exported as PDF (one page per sheet);
    ``charts``: report what every chart draws; ``read``: ``{sheet: [cell, ...]}`` to report what those
    cells show (see :mod:`workbook.engine.lo_uno_script`).
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


def _as_request(job: Job) -> dict:
    return {
        "source": str(Path(job.source).resolve()),
        "target": str(Path(job.target).resolve()),
        "edits": job.edits,
        "recalculate": job.recalculate,
        "charts": job.charts,
        "read": job.read,
    }


def _persistent_engine(extensions: tuple[Path, ...], profile_from: Path | None):
    """The process's persistent LibreOffice engine that matches the request (with the current add-in, or with
    none), or None when this request needs a LibreOffice of its own (another extension or profile)."""
    from workbook.engine import lo_engine

    if lo_engine.unavailable_reason() is not None or len(extensions) > 1:
        return None
    try:
        if not extensions and profile_from is None:
            return lo_engine.shared(with_addin=False)
        addin = lo_engine.addin()
        if list(map(Path, extensions)) in ([], [addin]) and profile_from in (None, lo_engine.profile_with(addin)):
            return lo_engine.shared(with_addin=True)
    except lo_engine.EngineUnavailable:
        return None
    return None


def run(jobs: list[Job], *, extensions: tuple[Path, ...] = (), profile_from: Path | None = None) -> list[dict]:
    """:func:`edit_and_save`, answering each job's report (``{"target", "ok"[, "charts"]}``); ``profile_from``:
    a profile to start from (a copy), such as :func:`workbook.engine.lo_engine.profile_with`'s.

    The jobs run in the process's persistent LibreOffice (:func:`workbook.engine.lo_engine.shared`, with the add-in
    or without as asked) when it can serve; otherwise in a LibreOffice started for them.
    """
    engine = _persistent_engine(tuple(extensions), profile_from)
    if engine is not None:
        results = [engine.run_job(_as_request(job)) for job in jobs]
        _check(jobs, results, "")
        return results
    exe, python = executable(), uno_python()
    if exe is None or python is None:
        raise LibreOfficeError("LibreOffice (soffice) with its Python bridge (python3-uno) is not installed")
    with tempfile.TemporaryDirectory(prefix="ceo_lo_uno_") as tmp:
        profile = Path(tmp) / "profile"
        env = environment(home=tmp)  # LibreOffice's Python first on PATH: see workbook.engine.libreoffice.environment
        user_installation = f"-env:UserInstallation={profile.as_uri()}"
        if len(extensions) > 1:
            raise LibreOfficeError("one extension (the CEO add-in) at most")
        if extensions:  # a profile with the add-in installed, as the engine makes it (unopkg refuses root)
            from workbook.engine import lo_engine

            profile_from = lo_engine.profile_with(Path(extensions[0]))
        if profile_from is not None:
            shutil.copytree(profile_from, profile, symlinks=True)
        spec = Path(tmp) / "jobs.json"
        spec.write_text(json.dumps([_as_request(j) for j in jobs]), encoding="utf-8")
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
    _check(jobs, results, (script.stderr or script.stdout).strip()[-300:])
    return results


def _check(jobs: list[Job], results: list[dict], output: str) -> None:
    failed = [r for r in results if not r.get("ok")]
    done = len(results) == len(jobs) and not failed and all(Path(j.target).is_file() for j in jobs)
    if not done:
        detail = failed[0]["error"] if failed else output
        raise LibreOfficeError(f"LibreOffice could not edit and save the workbooks: {detail}")
