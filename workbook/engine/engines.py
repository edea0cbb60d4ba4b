"""Which engine recalculates: LibreOffice (≥ 24.8, with the CEO_* add-in) when present, else ``formulas``.

``CEO_MODEL_ENGINE`` (``libreoffice`` or ``formulas``) sets the default; the
command line's ``--engine`` overrides it. A requested engine that cannot run
is an error; the default falls back to ``formulas`` and says why, once.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import OrderedDict
from pathlib import Path

ENGINES = ("libreoffice", "formulas")


class EngineChoiceError(RuntimeError):
    """The requested engine cannot run here."""


_NOTED: set[str] = set()


def choose(requested: str | None = None, *, quiet: bool = False) -> str:
    """The engine to use: ``requested``, else ``CEO_MODEL_ENGINE``, else LibreOffice when usable."""
    from workbook.engine import lo_engine

    requested = requested or os.environ.get("CEO_MODEL_ENGINE") or None
    if requested not in (None, *ENGINES):
        raise EngineChoiceError(f"engine must be one of {', '.join(ENGINES)}, not {requested!r}")
    if requested == "formulas":
        return "formulas"
    reason = lo_engine.unavailable_reason()
    if reason is None:
        try:
            lo_engine.addin()
        except lo_engine.EngineUnavailable as exc:
            reason = str(exc)
    if reason is None:
        return "libreoffice"
    if requested == "libreoffice":
        raise EngineChoiceError(f"the LibreOffice engine cannot run: {reason}")
    if not quiet and reason not in _NOTED:
        _NOTED.add(reason)
        print(f"note: {reason}; recalculating with the formulas package instead", file=sys.stderr)
    return "formulas"


def prestart(requested: str | None = None) -> None:
    """Start the LibreOffice engine now, without waiting, if it is the one that will be chosen."""
    try:
        if choose(requested, quiet=True) == "libreoffice":
            from workbook.engine import lo_engine

            lo_engine.shared()
    except Exception:  # the real choice, just after, reports what is wrong
        pass


# The last few answers, by the file's content and the engine: a workbook validated just after it was recalculated
# (build, then validate --recalc; a test session reading one built file many times) is computed once.
_COMPUTED: OrderedDict[tuple[str, str], dict] = OrderedDict()
_REMEMBERED = 8


def compute(path: str | Path, engine: str) -> dict:
    """``{(sheet, "A1"): value}`` of every formula cell of ``path``, by ``engine``.

    The same bytes computed by the same engine again in this process give the remembered answer (a copy).
    """
    key = (hashlib.sha256(Path(path).read_bytes()).hexdigest(), engine)
    if key in _COMPUTED:
        _COMPUTED.move_to_end(key)
        return dict(_COMPUTED[key])
    if engine == "libreoffice":
        from workbook.engine import lo_engine

        values = lo_engine.shared().compute(path)
    else:
        from workbook.engine.recalc import compute as formulas_compute

        values = formulas_compute(path)
    _remember(key, values)
    return dict(values)


def remember(path: str | Path, engine: str, values: dict) -> None:
    """Note that ``engine`` computes ``values`` for ``path`` as it is now (e.g. the values just cached into it)."""
    _remember((hashlib.sha256(Path(path).read_bytes()).hexdigest(), engine), dict(values))


def _remember(key: tuple[str, str], values: dict) -> None:
    _COMPUTED[key] = values
    _COMPUTED.move_to_end(key)
    while len(_COMPUTED) > _REMEMBERED:
        _COMPUTED.popitem(last=False)
