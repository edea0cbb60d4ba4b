"""Drive one headless LibreOffice over UNO (run by LibreOffice's own Python; a helper, not part of the package API).

Started by :class:`workbook.engine.lo_engine.Engine` as
``python3 lo_driver.py SOFFICE PROFILE_DIR [OXT | --warm FILE]``. It starts ``soffice`` with
that private profile and a private pipe. Given ``OXT`` it installs that add-in
into the profile through the extension manager (``unopkg`` itself refuses to
run as root without ``--shared``) and stops: the add-in's types are loaded by
the next start. Without, it answers one JSON request per stdin line (with
``--warm FILE`` it first recalculates FILE, a call of the add-in, so that its
Python imports its packages before the first real request)::

    {"load": "/in.xlsx", "save": "/out.xlsx"}  ->  {"ok": true, "seconds": 0.8}
    {"job": {"source": ..., "edits": [...], ...}}  ->  the job's answer (see workbook.engine.lo_uno_script.run_job)
    {"quit": true}

Each file is loaded hidden, read-only, with macros never executed and links
never updated, recalculated (``calculateAll``) and stored as .xlsx by
LibreOffice's own export, which writes every formula's value and maps Calc's
errors to Excel's. Errors are answered as ``{"ok": false, "error": "..."}``.

Importing this module does nothing (pytest imports it to collect doctests).
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time


def _prop(name, value):
    import uno

    p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    p.Name, p.Value = name, value
    return p


def _url(path):
    import uno

    return uno.systemPathToFileUrl(os.path.abspath(path))


def _connect(pipe, process, deadline=60.0):
    import uno
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    start = time.monotonic()
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if process.poll() is not None:
                raise RuntimeError(f"LibreOffice exited with code {process.returncode} while starting") from None
            if time.monotonic() - start > deadline:
                raise RuntimeError(f"LibreOffice did not answer within {deadline:.0f} s") from None
            time.sleep(0.1)


def _install(ctx, oxt):
    import uno
    import unohelper
    from com.sun.star.task import XInteractionHandler
    from com.sun.star.ucb import XCommandEnvironment, XProgressHandler

    class Quiet(unohelper.Base, XCommandEnvironment, XProgressHandler, XInteractionHandler):
        """Approves what ``unopkg add`` would approve (e.g. registering the configuration data); no progress shown."""

        def getInteractionHandler(self):
            return self

        def handle(self, request):
            for continuation in request.getContinuations():
                if continuation.queryInterface(uno.getTypeByName("com.sun.star.task.XInteractionApprove")):
                    continuation.select()
                    return

        def getProgressHandler(self):
            return self

        def push(self, status):
            pass

        def update(self, status):
            pass

        def pop(self):
            pass

    manager = ctx.getValueByName("/singletons/com.sun.star.deployment.ExtensionManager")
    abort = manager.createAbortChannel()
    manager.addExtension(_url(oxt), (), "user", abort, Quiet())


def _recalc(desktop, source, target):
    doc = desktop.loadComponentFromURL(
        _url(source),
        "_blank",
        0,
        (
            _prop("Hidden", True),
            _prop("ReadOnly", True),
            _prop("MacroExecutionMode", 0),  # NEVER_EXECUTE
            _prop("UpdateDocMode", 0),  # NO_UPDATE: links are not refreshed
        ),
    )
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {os.path.basename(source)}")
    try:
        doc.calculateAll()
        if target:
            doc.storeToURL(_url(target), (_prop("FilterName", "Calc MS Excel 2007 XML"),))
    finally:
        doc.close(True)


def serve(soffice, profile, oxt=None, warm=None):
    """Answer requests; with ``oxt``, only install it into ``profile`` and stop (its types load on the next start)."""
    pipe = f"ceo_model_{os.getpid()}"
    env = {**os.environ, "HOME": profile}
    process = subprocess.Popen(
        [
            soffice,  # the flags of workbook.engine.libreoffice.HEADLESS: this script runs without the project
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--nologo",
            f"-env:UserInstallation={_url(profile)}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # soffice starts soffice.bin: the whole group is ended below
    )
    out = sys.stdout
    try:
        ctx = _connect(pipe, process)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        if oxt:
            _install(ctx, oxt)
        elif warm:  # a file calling the add-in: Python imports numpy, pandas, scipy now, while the caller is busy
            with contextlib.suppress(Exception):
                _recalc(desktop, warm, None)
        out.write(json.dumps({"ok": True, "pid": process.pid}) + "\n")
        out.flush()
        for line in [] if oxt else sys.stdin:
            request = json.loads(line)
            if request.get("quit"):
                break
            start = time.monotonic()
            try:
                if "job" in request:  # an edit as a person makes it, in this same LibreOffice
                    import lo_uno_script  # beside this file, run by the same interpreter

                    answer = lo_uno_script.run_job(desktop, request["job"])
                else:
                    _recalc(desktop, request["load"], request["save"])
                    answer = {"ok": True}
                answer["seconds"] = time.monotonic() - start
            except Exception as exc:
                answer = {"ok": False, "error": f"{type(exc).__name__}: {getattr(exc, 'Message', '') or exc}"}
            out.write(json.dumps(answer) + "\n")
            out.flush()
        with contextlib.suppress(Exception):
            desktop.terminate()
    except Exception as exc:
        try:
            cause = exc.Cause.value
            detail = f" ({cause.typeName}: {cause.Message})" if cause is not None else ""
        except Exception:
            detail = ""
        out.write(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}{detail}"}) + "\n")
        out.flush()
    finally:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)  # a private profile: nothing to save, so it need not close gracefully
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)  # soffice.bin outlives its launcher otherwise
        process.wait()
        if os.environ.get("CEO_LO_REMOVE"):  # the engine's temporary folder, once LibreOffice is gone
            shutil.rmtree(os.environ["CEO_LO_REMOVE"], ignore_errors=True)


if __name__ == "__main__":
    # Ctrl-C in the terminal reaches the whole process group: the caller handles it and asks this driver to quit
    # (at exit), so that LibreOffice is ended and the engine's temporary folder removed rather than left behind
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    args = sys.argv[1:]
    warm = args[args.index("--warm") + 1] if "--warm" in args else None
    serve(*args[:2], *(args[2:3] if not warm else []), warm=warm)
