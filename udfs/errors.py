"""From the model's exception to an Excel error: the one mapping, shared by the
xlwings adapters and the headless recalculation engine."""

from __future__ import annotations

import functools
import logging

from model.errors import CEOModelError, ErrorKind

log = logging.getLogger("ceo_model.udfs")


def excel_error_code(exc: BaseException) -> str:
    """The Excel error a failed call shows: ``#NUM!`` for a number outside the
    domain, ``#VALUE!`` for everything else (wrong type, shape, missing value)."""
    if isinstance(exc, CEOModelError):
        return exc.kind.value
    return ErrorKind.VALUE.value


def excel_function(fn):
    """Adapt a raising function to Excel's error conventions.

    xlwings turns a raised exception into ``#VALUE!`` and shows its message
    (hover the cell in xlwings Lite/Server; the error pop-up in classic
    xlwings), so type and shape errors are re-raised. Excel cannot attach a
    message to ``#NUM!``; domain errors are therefore returned as the error
    value itself and their message is written to the log. The raising
    function stays reachable as ``wrapper.__wrapped__``.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except CEOModelError as exc:
            if exc.kind is ErrorKind.NUM:
                log.warning("%s: %s", fn.__name__.upper(), exc)
                return exc.kind.value
            raise

    return wrapper
