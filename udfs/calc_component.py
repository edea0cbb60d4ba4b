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
raising ``NoConvergenceException``. Every failure is logged and remembered with
the arguments Calc passed, for ``CEO_LAST_ERROR`` (see there: Calc does not say
which cell calls).

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
import re
import sys

import uno
import unohelper

IMPLEMENTATION = "org.ceomodel.CeoModelAddIn"
INTERFACE = "org.ceomodel.XCeoModel"
SERVICES = ("com.sun.star.sheet.AddIn",)

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
        from udfs import excel  # importable once the component has set up its paths

        return float(excel.serial(value))
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
    document = getattr(fn, "calc_document", False)

    def method(self, *args):
        log.debug("%s%r", excel_name, args)
        caller, args = (args[0], args[1:]) if document else (None, args)
        passed = args
        args = [_argument(a) for a in args]
        while args and args[-1] is None:  # omitted trailing arguments take the Python defaults
            args.pop()
        try:
            if document:  # CEO_LAST_ERROR: the only one; Calc does not say which cell calls
                return _result(_last_error(caller, *args))
            return _result(raising(*args))
        except Exception as exc:
            # a range mapped cell by cell fails cell by cell (#NUM! as infinity where the cell fails);
            # a type error inside it fails the whole call, as Calc has no #VALUE! element to return
            split = by_cell(raising, elementwise, tuple(args), {}, exc, _NUM_ELEMENT.get, raise_value_errors=True)
            if split is not None:
                _remember(excel_name, passed, split[1])
                return _result(split[0])
            code = udfs.excel_error_code(exc)
            _remember(excel_name, passed, [exc])
            if code == "#NUM!":
                return ((float("inf"),),)
            if code == "#N/A":
                raise uno.getClass("com.sun.star.sheet.NoConvergenceException")(str(exc), self) from None
            raise uno.getClass("com.sun.star.lang.IllegalArgumentException")(str(exc), self, 0) from None

    method.__name__ = _camel(fn.__name__)
    return method


# -- CEO_LAST_ERROR ----------------------------------------------------------------------------------------------
#
# Calc tells an add-in function nothing about the cell calling it. So each failed call is remembered with the
# arguments Calc passed; CEO_LAST_ERROR(cell) reads that cell from the calling document (Calc passes it to a
# first parameter of type XPropertySet): "" when the cell is not an error, else the newest failure of a CEO_*
# function its formula calls whose arguments are the ones the formula gives (literals, references and names
# are compared; other expressions match any value).

_FAILURES = []  # (Excel name, arguments as Calc passed them, ErrorRecord), newest last
_LIMIT = 10_000
_UNKNOWN = object()
_LO_ADDRESS = re.compile(
    r"^\$?(?:'(?P<quoted>(?:[^']|'')+)'|(?P<sheet>[^'.!$]+))\.(?P<ref>\$?[A-Za-z]{1,3}\$?[0-9]{1,7})$"
)
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")


def _remember(excel_name, passed, failures):
    from udfs.errors import REGISTRY, CallContext, Runtime, _report

    _report(excel_name, CallContext(Runtime.PYTHON, None), list(failures))  # logged, and the latest error
    _FAILURES.append((excel_name, tuple(passed), REGISTRY.latest))
    del _FAILURES[:-_LIMIT]


def _last_error(document, cell=None):
    from model.errors import CEOModelError
    from udfs.errors import REGISTRY, parse_address

    if isinstance(cell, list):  # one cell given as a range
        cell = cell[0][0] if len(cell) == 1 and len(cell[0]) == 1 else cell
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return "" if REGISTRY.latest is None else str(REGISTRY.latest)
    if not isinstance(cell, str):
        raise CEOModelError("cell", 'must be a cell address as text, e.g. CELL("address";B7) or "Calculations!B7"')
    m = _LO_ADDRESS.match(cell.strip().split("#")[-1])  # LibreOffice's own form, e.g. $Sheet1.$B$7
    if m:
        sheet = m["quoted"].replace("''", "'") if m["quoted"] is not None else m["sheet"]
        address = (sheet, m["ref"].replace("$", "").upper())
    else:
        parsed = parse_address(cell)
        if parsed is None:
            raise CEOModelError("cell", f'must be a cell address such as "Calculations!B7" (got {cell[:40]!r})')
        address = (parsed.sheet, parsed.ref)
    sheets = document.Sheets
    name, ref = address
    if name is not None and not sheets.hasByName(name):
        return ""
    for sheet in [sheets.getByName(name)] if name is not None else [sheets.getByIndex(i) for i in range(sheets.Count)]:
        target = sheet.getCellRangeByName(ref)
        if target.getError() == 0:  # no error: succeeded, or no formula at all
            continue
        formula, given = target.getFormula(), {}  # the arguments the formula gives each function, read once
        for excel_name, passed, record in reversed(_FAILURES):
            if excel_name not in given:
                texts = _call_arguments(formula, _camel_of.get(excel_name, excel_name))
                given[excel_name] = None if texts is None else [_value_of(document, sheet, t) for t in texts]
            if given[excel_name] is not None and _same(given[excel_name], passed):
                return str(record)
    return ""


_camel_of = {}


def _call_arguments(formula, idl_name):
    """The argument texts of the first call of ``idl_name`` in ``formula`` (as Calc's API writes it:
    ``=ORG.CEOMODEL.CEOMODELADDIN.CEOFEE(A1;-1)``), or None when it does not call it."""
    upper = formula.upper()
    start = upper.find(f"{IMPLEMENTATION}.{idl_name}(".upper())
    if start < 0:
        return None
    i = upper.index("(", start) + 1
    depth, quoted, current, parts = 0, False, "", []
    while i < len(formula):
        ch = formula[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "({":
            depth += 1
        elif not quoted and ch in ")}":
            if depth == 0:
                parts.append(current)
                return [p.strip() for p in parts]
            depth -= 1
        elif not quoted and depth == 0 and ch == ";":
            parts.append(current)
            current = ""
            i += 1
            continue
        current += ch
        i += 1
    return None


def _value_of(document, sheet, text):
    """What Calc passes for an argument written ``text``: a literal, a cell or range, a name; else _UNKNOWN."""
    if text == "":
        return None
    if _NUMBER.match(text):
        return float(text)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"')
    try:
        if document.NamedRanges.hasByName(text):
            cells = document.NamedRanges.getByName(text).getReferredCells()
        elif "." in text:
            where, _, ref = text.rpartition(".")
            where = where.lstrip("$")
            where = where[1:-1].replace("''", "'") if where.startswith("'") else where
            cells = document.Sheets.getByName(where).getCellRangeByName(ref.replace("$", ""))
        else:
            cells = sheet.getCellRangeByName(text.replace("$", ""))
        data = cells.getDataArray()
    except Exception:
        return _UNKNOWN
    if data is None:
        return _UNKNOWN
    return data[0][0] if len(data) == 1 and len(data[0]) == 1 else data


def _same(given, passed):
    for expected, value in zip(given, passed, strict=False):  # omitted trailing arguments reach us as None
        if expected is _UNKNOWN:
            continue
        if isinstance(expected, tuple) or isinstance(value, tuple):
            if expected != value:
                return False
        elif expected != value and not (expected == "" and value == 0.0):  # an empty cell reaches Calc as 0
            return False
    return True


def _implementation_class():
    _bootstrap_paths()
    import udfs

    module, name = INTERFACE.rsplit(".", 1)
    interface = getattr(__import__(module, globals(), locals(), [name]), name)  # pyuno's import hook
    attrs = {"__init__": lambda self, ctx: setattr(self, "ctx", ctx)}
    for excel_name, fn in udfs.EXCEL_FUNCTIONS.items():
        attrs[_camel(fn.__name__)] = _method(excel_name, fn)
        _camel_of[excel_name] = _camel(fn.__name__)
    return type("CeoModelAddIn", (unohelper.Base, interface), attrs)


_CLASS = []


def create_instance(ctx):
    if not _CLASS:  # types and imports only when Calc first calls a function, not while the extension installs
        _CLASS.append(_implementation_class())
    return _CLASS[0](ctx)


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(create_instance, IMPLEMENTATION, SERVICES)
