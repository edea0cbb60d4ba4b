"""The CEO_* functions as a LibreOffice Calc add-in: the UNO component inside ``CEO_Model.oxt``.

This file is copied into the extension by :mod:`udfs.calc_addin` and runs in
LibreOffice's own Python (``import uno`` works only there). It is generic: the
methods are made from ``udfs.EXCEL_FUNCTIONS`` at load time, under the
camelCase names the generated IDL declares; the Excel names live only in the
generated ``CalcAddIns.xcu`` (``CompatibilityName``).

Arguments arrive as Calc passes them to ``any`` parameters: a number or text
for a single cell (an empty cell as 0.0), a tuple of row tuples for a range
(empty cells as ``''``), ``None`` for an omitted argument. Errors are mapped
with :func:`udfs.excel_error_code` to what Calc shows: ``#VALUE!`` by raising
``IllegalArgumentException``, ``#NUM!`` by returning infinity, ``#N/A`` by
raising ``NoConvergenceException``.

``ceo_model_paths.json`` beside this file (written when the extension is
packed) names the project folder and the site-packages of the environment that
packed it; they are put in front of ``sys.path`` when this Python has the same
minor version, so numpy, scipy, pandas and the project import from there.
"""

import datetime as dt
import json
import logging
import math
import os
import sys

import uno
import unohelper

IMPLEMENTATION = "org.ceomodel.CeoModelAddIn"
INTERFACE = "org.ceomodel.XCeoModel"
SERVICES = ("com.sun.star.sheet.AddIn",)
EXCEL_EPOCH = dt.date(1899, 12, 30)

log = logging.getLogger("ceo_model.udfs")
if os.environ.get("CEO_ADDIN_LOG"):  # where the messages of #NUM!/#VALUE! results go, for debugging
    log.addHandler(logging.FileHandler(os.environ["CEO_ADDIN_LOG"], encoding="utf-8"))


def _bootstrap_paths():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        with open(os.path.join(here, "ceo_model_paths.json"), encoding="utf-8") as fh:
            paths = json.load(fh)
    except OSError:
        return
    if tuple(paths.get("python", ())) != tuple(sys.version_info[:2]):
        log.warning(
            "CEO Model add-in: packed for Python %s, LibreOffice runs %s; using this Python's own packages",
            paths.get("python"),
            sys.version_info[:2],
        )
        return
    for path in reversed(paths.get("sys_path", [])):
        if os.path.isdir(path) and path not in sys.path:
            sys.path.insert(0, path)


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _argument(value):
    """What Calc passed, as xlwings would pass it: ranges as lists of rows, empty cells as None."""
    if isinstance(value, tuple):
        return [[None if cell == "" else cell for cell in row] for row in value]
    return value


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH).days)
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return ""
    return value


def _result(value):
    """A matrix (tuple of row tuples): the IDL's result type, so a range call fills an array formula.

    A single value is a 1 x 1 matrix, which an ordinary cell shows as that value."""
    if hasattr(value, "tolist") and getattr(value, "ndim", 0) > 0:
        value = value.tolist()
    if hasattr(value, "to_numpy"):  # pandas
        value = value.to_numpy().tolist()
    if isinstance(value, list | tuple):
        rows = [row if isinstance(row, list | tuple) else [row] for row in value]
        return tuple(tuple(_cell(c) for c in row) for row in rows)
    return ((_cell(value),),)


_NUM_ELEMENT = {"#NUM!": float("inf")}  # what Calc shows as #NUM! in an array element


def _method(excel_name, fn):
    import udfs
    from udfs.errors import by_cell

    raising = getattr(fn, "__wrapped__", fn)
    elementwise = getattr(fn, "elementwise", frozenset())

    def method(self, *args):
        log.debug("%s%r", excel_name, args)
        args = [_argument(a) for a in args]
        while args and args[-1] is None:  # omitted trailing arguments take the Python defaults
            args.pop()
        try:
            return _result(raising(*args))
        except Exception as exc:
            # a range mapped cell by cell fails cell by cell (#NUM! as infinity where the cell fails);
            # a type error inside it fails the whole call, as Calc has no #VALUE! element to return
            split = by_cell(raising, elementwise, tuple(args), {}, exc, _NUM_ELEMENT.get, raise_value_errors=True)
            if split is not None:
                return _result(split[0])
            code = udfs.excel_error_code(exc)
            log.warning("%s: %s", excel_name, exc)
            if code == "#NUM!":
                return ((float("inf"),),)
            if code == "#N/A":
                raise uno.getClass("com.sun.star.sheet.NoConvergenceException")(str(exc), self) from None
            raise uno.getClass("com.sun.star.lang.IllegalArgumentException")(str(exc), self, 0) from None

    method.__name__ = _camel(fn.__name__)
    return method


def _implementation_class():
    _bootstrap_paths()
    import udfs

    module, name = INTERFACE.rsplit(".", 1)
    interface = getattr(__import__(module, globals(), locals(), [name]), name)  # pyuno's import hook
    attrs = {"__init__": lambda self, ctx: setattr(self, "ctx", ctx)}
    for excel_name, fn in udfs.EXCEL_FUNCTIONS.items():
        attrs[_camel(fn.__name__)] = _method(excel_name, fn)
    return type("CeoModelAddIn", (unohelper.Base, interface), attrs)


_CLASS = []


def create_instance(ctx):
    if not _CLASS:  # types and imports only when Calc first calls a function, not while the extension installs
        _CLASS.append(_implementation_class())
    return _CLASS[0](ctx)


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(create_instance, IMPLEMENTATION, SERVICES)
