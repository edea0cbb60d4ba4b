"""LibreOffice (≥ 24.8) with the CEO_* add-in as the headless engine: one persistent process per run.

:func:`shared` starts, on first use, one headless ``soffice`` with a private
profile (recalculate on load, macros never run, links never updated) and the
add-in installed, driven over UNO by :mod:`workbook.engine.lo_driver` in LibreOffice's
own Python; it is stopped when the Python process exits. :meth:`Engine.compute`
answers like :func:`workbook.engine.recalc.compute`: ``{(sheet, "A1"): value}`` for
every formula cell, errors as :class:`workbook.engine.recalc.ExcelErrorValue`.

The add-in is packed from ``udfs`` into a cache folder (keyed by the source of
``udfs``) the first time; that needs ``unoidl-write`` (``libreoffice-dev``).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

from workbook.engine import libreoffice

MIN_VERSION = (24, 8)  # the first LibreOffice seen mapping an add-in's CompatibilityName from .xlsx (7.4 does not)
START_TIMEOUT = 120
PYTHON_CANDIDATES = ("/usr/lib/libreoffice/program/python", "/usr/bin/python3")

PROFILE = libreoffice.PROFILE


class EngineUnavailable(RuntimeError):
    """LibreOffice cannot serve as the engine here; the message says why."""


class AddinNotLoaded(EngineUnavailable):
    """LibreOffice computed a workbook calling CEO_* functions, and the add-in did not answer: its errors
    are LibreOffice's, not the inputs'."""


def _probe_cache() -> Path | None:
    exe = libreoffice.executable()
    if exe is None:
        return None
    real = os.path.realpath(exe)
    key = hashlib.sha256(f"{real}:{os.stat(real).st_mtime_ns}:{os.environ.get('CEO_LO_PYTHON', '')}".encode())
    return _cache_dir() / f"probe-{key.hexdigest()[:16]}.json"


def _probed(name: str, probe):
    """``probe()``, remembered per installed LibreOffice (a new install changes the key): saves a start-up."""
    cache = _probe_cache()
    known = {}
    if cache is not None and cache.exists():
        with contextlib.suppress(OSError, ValueError):
            known = json.loads(cache.read_text(encoding="utf-8"))
    if name in known:
        return known[name]
    value = probe()
    if cache is not None and value is not None:
        known[name] = value
        with contextlib.suppress(OSError):
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(known), encoding="utf-8")
            partial.replace(cache)
    return value


@functools.cache
def version() -> tuple[int, ...] | None:
    """The installed LibreOffice's version, e.g. ``(25, 2, 3, 2)``; None when there is none."""

    def probe():
        try:
            run = subprocess.run(
                [libreoffice.executable(), "--version"], capture_output=True, text=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        m = re.search(r"LibreOffice\S*\s+(\d+(?:\.\d+)+)", run.stdout)
        return [int(x) for x in m.group(1).split(".")] if m else None

    if libreoffice.executable() is None:
        return None
    found = _probed("version", probe)
    return tuple(found) if found else None


@functools.cache
def python() -> str | None:
    """LibreOffice's Python (the one with ``import uno``)."""

    def probe():
        candidates = [os.environ.get("CEO_LO_PYTHON"), *PYTHON_CANDIDATES, shutil.which("python3")]
        for candidate in filter(None, candidates):
            if not os.access(candidate, os.X_OK):
                continue
            run = subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=60, check=False)
            if run.returncode == 0:
                return candidate
        return None

    found = _probed("python", probe)
    return found if found and os.access(found, os.X_OK) else None


def unavailable_reason() -> str | None:
    """Why LibreOffice cannot be the engine here, or None when it can."""
    found = version()
    if found is None:
        return "LibreOffice (soffice) is not installed"
    if found[:2] < MIN_VERSION:
        return (
            f"LibreOffice {'.'.join(map(str, found[:3]))} is older than "
            f"{'.'.join(map(str, MIN_VERSION))} (it does not map CEO_* names onto the add-in)"
        )
    if python() is None:
        return "LibreOffice's Python UNO bridge is missing (apt-get install python3-uno)"
    return None


def usable() -> bool:
    return unavailable_reason() is None


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ceo-model"


def addin() -> Path:
    """The add-in packed from the current ``udfs`` (cached by the hash of its sources and of this Python)."""
    digest = hashlib.sha256(sys.executable.encode())
    for source in sorted((Path(__file__).resolve().parents[2] / "udfs").glob("*.py")):  # not imported: slow
        digest.update(source.name.encode() + source.read_bytes())
    target = _cache_dir() / f"CEO_Model-{digest.hexdigest()[:16]}.oxt"
    if not target.exists():
        from udfs import calc_addin

        try:
            calc_addin.pack(target)
        except calc_addin.AddinError as exc:
            raise EngineUnavailable(str(exc)) from exc
    return target


def _new_profile(profile: Path) -> None:
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")


def _driver(profile: Path, oxt: Path | None = None, warm: bool = False, remove: str = "") -> subprocess.Popen:
    driver = Path(__file__).with_name("lo_driver.py")
    extra = [str(oxt)] if oxt else ["--warm", str(_warm_file())] if warm else []
    return subprocess.Popen(
        [python(), str(driver), libreoffice.executable(), str(profile), *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**libreoffice.environment(python=python()), "CEO_LO_REMOVE": remove},  # soffice inherits it
        start_new_session=True,  # Ctrl-C reaches the caller, which asks the driver to quit: it then cleans up
    )


def _warm_file() -> Path:
    """A one-cell .xlsx calling the add-in (see ``lo_driver --warm``)."""
    path = _cache_dir() / "warm.xlsx"
    if not path.exists():
        from openpyxl import Workbook

        book = Workbook()
        book.active["A1"] = "=CEO_FEE(1)"
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        book.save(partial)
        partial.replace(path)
    return path


def profile_with(oxt: Path) -> Path:
    """A profile with the add-in installed, made once per add-in and copied for each run."""
    template = oxt.with_suffix(".profile")
    if template.exists():
        return template
    with tempfile.TemporaryDirectory(prefix="ceo_lo_prepare_", dir=template.parent) as tmp:
        profile = Path(tmp) / "profile"
        _new_profile(profile)
        process = _driver(profile, oxt)
        try:
            out, _ = process.communicate(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
        answer = json.loads(out.splitlines()[0]) if out.strip() else {"error": "no answer"}
        if not answer.get("ok"):
            raise EngineUnavailable(f"cannot install the add-in into LibreOffice: {answer.get('error')}")
        with contextlib.suppress(OSError):  # made meanwhile by another process
            profile.rename(template)
    return template


def convert(source: Path, out_dir: Path, target: str, *, recalculate: bool) -> Path:
    """:func:`workbook.engine.libreoffice.convert` with the CEO add-in when it can be installed: LibreOffice computes
    array formulas (the udf flavour's line items) on load whatever its recalculation setting, and needs the
    add-in for them."""
    try:
        profile = profile_with(addin()) if unavailable_reason() is None else None
    except EngineUnavailable:
        profile = None
    return libreoffice.convert(source, out_dir, target, recalculate=recalculate, profile_from=profile)


def render_sheets(source: Path, pngs: dict[str, Path], dpi: int = 100) -> dict | None:
    """:func:`workbook.engine.libreoffice.render_sheets` with the CEO add-in when ``source`` calls it and it can be
    installed: the udf flavour's array line items (the commission curve, the scenario grids) and the charts
    drawing them are computed on load, by the add-in."""
    profile = None
    if calls_addin(Path(source)):
        try:
            profile = profile_with(addin()) if unavailable_reason() is None else None
        except EngineUnavailable:
            profile = None
    return libreoffice.render_sheets(source, pngs, dpi, profile_from=profile)


class Engine:
    """One headless LibreOffice with the add-in; :meth:`compute` may be called many times."""

    def __init__(self, with_addin: bool = True) -> None:
        reason = unavailable_reason()
        if reason:
            raise EngineUnavailable(reason)
        self._lock = threading.Lock()
        self._tmp = tempfile.mkdtemp(prefix="ceo_lo_engine_")  # removed by close(), or by the driver at its end
        self._closed = False
        atexit.register(self.close, wait=False)  # from the first moment: a Ctrl-C may come before __init__ ends
        profile = Path(self._tmp) / "profile"
        try:
            if with_addin:
                shutil.copytree(profile_with(addin()), profile, symlinks=True)
            else:
                _new_profile(profile)
            # started here, waited for at the first use: the caller's own work meanwhile overlaps LibreOffice's start
            self._process = _driver(profile, warm=with_addin, remove=self._tmp)
        except BaseException:  # Ctrl-C while the profile is copied: no driver will remove the folder
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise
        self._soffice_group = None
        self._ready = False
        self._addin_answer = None

    def _wait_ready(self) -> None:
        if self._ready:
            return
        ready = self._answer(START_TIMEOUT)
        self._soffice_group = ready.get("pid")  # soffice runs in a process group of its own
        if not ready.get("ok"):
            self.close()
            raise EngineUnavailable(f"LibreOffice did not start: {ready.get('error')}")
        self._ready = True

    def _answer(self, timeout: float) -> dict:
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self._process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not result or not result[0]:
            return {"ok": False, "error": "no answer from LibreOffice" if result else f"no answer within {timeout} s"}
        return json.loads(result[0])

    def alive(self) -> bool:
        return self._process.poll() is None

    def _ask(self, request: dict) -> dict:
        """One request to the driver (see :mod:`workbook.engine.lo_driver`) and its answer."""
        with self._lock:
            self._wait_ready()
            if not self.alive():
                raise EngineUnavailable("LibreOffice is no longer running")
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            answer = self._answer(libreoffice.TIMEOUT_SECONDS)
            if "within" in answer.get("error", ""):  # stuck: nothing more can be asked of it
                self._kill()
        return answer

    def run_job(self, job: dict) -> dict:
        """An edit job of :mod:`workbook.engine.lo_uno_script` (open, edit, recalculate, report, store) in this
        LibreOffice; its answer (``{"ok": false, "error": ...}`` when it failed)."""
        return self._ask({"job": job})

    def recalculate_to(self, source: Path, target: Path) -> None:
        """LibreOffice's own .xlsx of ``source`` after a full recalculation."""
        answer = self._ask({"load": str(Path(source).resolve()), "save": str(target)})
        if not answer.get("ok") or not Path(target).exists():
            raise libreoffice.LibreOfficeError(
                f"LibreOffice could not recalculate {source.name}: {answer.get('error')}"
            )

    def compute(self, path: str | Path) -> dict:
        """Every formula cell's value; :class:`AddinNotLoaded` when the file calls CEO_* functions, some of its
        values are errors and the add-in does not answer (a probe, only then: errors are rare)."""
        refuse_web_functions(Path(path))
        with tempfile.TemporaryDirectory(prefix="ceo_lo_out_") as out:
            produced = Path(out) / "recalculated.xlsx"
            self.recalculate_to(Path(path), produced)
            values = formula_values(produced)
        if any(type(v).__name__ == "ExcelErrorValue" for v in values.values()) and calls_addin(Path(path)):
            answer = self.addin_answer()
            if answer != PROBE_ANSWER:
                errors = sum(1 for v in values.values() if type(v).__name__ == "ExcelErrorValue")
                raise AddinNotLoaded(
                    f"LibreOffice did not load the CEO add-in: {errors} error values in {Path(path).name} "
                    f"that no input explains (=CEO_FEE(1) gives {answer!r}, not {PROBE_ANSWER})"
                )
        return values

    def addin_answer(self):
        """What ``=CEO_FEE(1)`` computes in this LibreOffice (:data:`PROBE_ANSWER` when the add-in is loaded)."""
        if self._addin_answer is None:
            with tempfile.TemporaryDirectory(prefix="ceo_lo_out_") as out:
                produced = Path(out) / "probe.xlsx"
                self.recalculate_to(_warm_file(), produced)
                answer = next(iter(formula_values(produced).values()), None)
            if answer != PROBE_ANSWER:
                return answer
            self._addin_answer = answer  # once loaded, it stays loaded
        return self._addin_answer

    def close(self, wait: bool = True) -> None:
        """Stop LibreOffice; with ``wait=False`` (at exit) the driver finishes and removes the profile alone
        (or, when no driver runs any more, this does)."""
        process = getattr(self, "_process", None)
        if process is not None and process.poll() is None and not self._closed:
            self._closed = True
            try:
                process.stdin.write(json.dumps({"quit": True}) + "\n")
                process.stdin.close()
                if not wait:
                    return
                process.wait(timeout=30)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                self._kill()
        elif process is not None and process.poll() is None:  # asked to quit already: the driver removes it
            return
        shutil.rmtree(self._tmp, ignore_errors=True)

    def _kill(self) -> None:
        import signal

        if getattr(self, "_soffice_group", None):
            with contextlib.suppress(OSError):
                os.killpg(self._soffice_group, signal.SIGKILL)
        self._process.kill()
        self._process.wait()


_WEB = re.compile(rb"WEBSERVICE\s*\(", re.I)
PROBE_ANSWER = 0.04  # =CEO_FEE(1) of _warm_file(): 4% of $1 under the default schedule


def calls_addin(path: Path) -> bool:
    """Whether a formula of the .xlsx at ``path`` calls a CEO_* function (any name of ``udfs.EXCEL_FUNCTIONS``)."""
    import udfs

    calls = re.compile(
        rb"(?<![A-Za-z0-9_.])(?:_xludf\.)?(?:" + "|".join(udfs.EXCEL_FUNCTIONS).encode() + rb")\s*\(", re.I
    )
    with zipfile.ZipFile(path) as archive:
        return any(
            calls.search(archive.read(name))
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def refuse_web_functions(path: Path) -> None:
    """LibreOffice would fetch WEBSERVICE URLs while recalculating: such files are refused."""
    from workbook.kit.safety import UnreadableWorkbook

    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/") and name.endswith(".xml") and _WEB.search(archive.read(name)):
                raise UnreadableWorkbook(f"{path.name}: {name} calls WEBSERVICE; recalc does not fetch web content")


_SHARED: dict[bool, Engine] = {}


def shared(with_addin: bool = True) -> Engine:
    """The process's engine, started on first use (again if it died) and stopped at exit."""
    engine = _SHARED.get(with_addin)
    if engine is None or (engine._ready and not engine.alive()):
        if engine is not None:
            engine.close()
        engine = _SHARED[with_addin] = Engine(with_addin)  # stopped at exit (Engine registers its own close)
    return engine


# -- values from LibreOffice's .xlsx --------------------------------------------------------------------------------

_CELL = re.compile(r'<c r="(?P<ref>[A-Z]+\d+)"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)', re.S)
_TYPE = re.compile(r'\st="([^"]*)"')
_V = re.compile(r"<v>(.*?)</v>", re.S)
_SI = re.compile(r"<si>(.*?)</si>", re.S)
_T = re.compile(r"<t[^>]*>(.*?)</t>", re.S)


def formula_values(path: Path) -> dict:
    """``{(sheet, ref): value}`` of every formula cell of an .xlsx as LibreOffice writes it."""
    from xml.sax.saxutils import unescape as _unescape

    from workbook.engine.recalc import ExcelErrorValue, array_parts, sheet_parts

    def unescape(text: str) -> str:  # LibreOffice writes ' and " in text as &apos; and &quot;
        return _unescape(text, {"&apos;": "'", "&quot;": '"'})

    values: dict = {}
    with zipfile.ZipFile(path) as archive:
        shared_strings: list[str] = []
        if "xl/sharedStrings.xml" in archive.namelist():
            xml = archive.read("xl/sharedStrings.xml").decode("utf-8")
            shared_strings = [unescape("".join(_T.findall(si))) for si in _SI.findall(xml)]
        for sheet, part in sheet_parts(archive).items():
            xml = archive.read(part).decode("utf-8")
            parts = array_parts(xml)
            for m in _CELL.finditer(xml):
                body = m["body"]
                if body is None or ("<f" not in body and m["ref"] not in parts):
                    continue
                kind = _TYPE.search(m["attrs"])
                kind = kind.group(1) if kind else "n"
                v = _V.search(body)
                text = (unescape(v.group(1)) if "&" in v.group(1) else v.group(1)) if v else None
                if text is None:
                    value = None if kind != "str" else ""
                elif kind == "e":
                    value = ExcelErrorValue(text)
                elif kind == "b":
                    value = text == "1"
                elif kind == "s":
                    value = shared_strings[int(text)]
                elif kind in ("str", "inlineStr"):
                    value = text
                else:
                    value = float(text)
                values[(sheet, m["ref"])] = value
    return values
