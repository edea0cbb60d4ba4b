"""Headless recalculation: evaluate every formula without Excel, store the values.

The ``formulas`` package evaluates the workbook with the CEO_* names bound to
our own UDF callables (exceptions mapped by :func:`udfs.excel_error_code`, the
same mapping the xlwings adapters use) and with ROUND/ROUNDUP/ROUNDDOWN
replaced by Excel's decimal rounding, WORKDAY by Excel's counting from a
weekend or holiday start date. The computed values are then written
into the original file as cached values — formulas, names, styles,
validation, tables and charts untouched — and the workbook is marked to
recalculate fully when Excel opens it.

Known traps of ``formulas`` 1.3.x handled here or avoided by the template:
sheet-scoped names are ignored (the template uses workbook-scoped names only);
``--x`` is dropped (the template multiplies instead); ``INDEX(r,0,c)`` returns
one cell (the template names each schedule column); functions must be
registered before a workbook is loaded; ``WORKDAY`` from a weekend or holiday
gives ``#VALUE!`` (replaced by Excel's answer, see ``_workday_from_any_day``).
"""

from __future__ import annotations

import functools
import math
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import numpy as np

import udfs
from model.rounding import round_down, round_half_up, round_up
from udfs import excel

Value = float | int | bool | str | None

os.environ.setdefault("TQDM_DISABLE", "1")  # formulas shows progress bars while loading


class ExcelErrorValue(str):
    """An Excel error value (``#NUM!`` …) as a computed cell value."""


@functools.cache
def register_functions() -> None:
    """Bind CEO_* names and Excel rounding into ``formulas`` (process-wide, once, before any load)."""
    import formulas
    from formulas.functions import wrap_func, wrap_ufunc

    table = formulas.get_functions()
    for name, fn in udfs.EXCEL_FUNCTIONS.items():
        adapter = wrap_func(_engine_adapter(getattr(fn, "__wrapped__", fn), getattr(fn, "elementwise", frozenset())))
        table[name] = adapter
        table[f"_XLUDF.{name}"] = adapter
    table["ROUND"] = wrap_ufunc(_excel_rounding(round_half_up))
    table["ROUNDUP"] = wrap_ufunc(_excel_rounding(round_up))
    table["ROUNDDOWN"] = wrap_ufunc(_excel_rounding(round_down))
    _excel_workday(table)


def _excel_workday(table: dict) -> None:
    """WORKDAY as Excel: a start date on a weekend or holiday counts from there.

    ``formulas`` 1.3 moves the date with ``numpy.busday_offset(roll="raise")``,
    which fails (``#VALUE!``) on such a start date. Excel counts the business
    days after the start, whatever the start is: rolling back (forward for
    negative days) to a business day first and then offsetting gives exactly
    that; zero days give the start date itself. NETWORKDAYS counts with
    ``busday_count``, which has no such trap, and is left as it is.
    """
    import datetime as dt

    import numpy as np
    from formulas.functions import date as xl_date
    from formulas.functions import wrap_ufunc

    epoch = excel.EPOCH

    def workday(start_date, days, weekend=1, holidays=()):
        xl_date.raise_errors(start_date)
        xl_date.raise_errors(days)
        start = dt.date(*xl_date.xday(start_date, slice(0, 3)))
        whole = math.trunc(xl_date._convert2float(days))
        if whole == 0:
            return float((start - epoch).days)
        rolled = np.busday_offset(start, 0, roll="backward" if whole > 0 else "forward", holidays=holidays)
        return xl_date.xworkday_intl(float((rolled.astype(dt.date) - epoch).days), whole, weekend, holidays)

    table["WORKDAY"] = wrap_ufunc(
        workday,
        input_parser=lambda *a: a,
        check_error=lambda *a: None,
        args_parser=lambda start_date, days, hdays=(): xl_date.args_xworkday_intl(start_date, days, 1, hdays, True),
        excluded={3},
    )


def _excel_rounding(rounder: Callable) -> Callable:
    def excel_round(number, digits):
        return float(rounder(float(number), int(digits)))

    return excel_round


def _engine_adapter(fn: Callable, cellwise: frozenset[str] = frozenset()) -> Callable:
    """Call a raising CEO_* function with what ``formulas`` passes; answer as Excel would.

    A failing cell of a range the function maps cell by cell (``cellwise``)
    is an error in that cell of the answer only (:func:`udfs.errors.by_cell`)."""
    from formulas.functions import Array, Error, XlError

    from udfs.errors import by_cell

    def call(*args):
        converted = []
        for arg in args:
            value = _argument(arg, XlError)
            if isinstance(value, XlError):
                return value  # an error argument propagates, as in Excel
            converted.append(value)
        try:
            result = fn(*converted)
        except Exception as exc:
            split = by_cell(fn, cellwise, tuple(converted), {}, exc, Error.errors.__getitem__)
            if split is not None:
                return _result(split[0], Array, Error)
            return Error.errors[udfs.excel_error_code(exc)]
        return _result(result, Array, Error)

    call.__name__ = fn.__name__
    return call


def _argument(arg, xl_error):
    import schedula as sh

    if isinstance(arg, xl_error):
        return arg
    if isinstance(arg, np.ndarray):
        flat = arg.ravel()
        for item in flat:
            if isinstance(item, xl_error):
                return item
        cells = [None if item is sh.EMPTY else (item.item() if isinstance(item, np.generic) else item) for item in flat]
        return np.array(cells, dtype=object).reshape(arg.shape).tolist()
    if arg is sh.EMPTY:
        return None
    return arg.item() if isinstance(arg, np.generic) else arg


def _result(result, array_type, error):
    if isinstance(result, str) and result.startswith("#"):
        return error.errors.get(result, error.errors["#VALUE!"])
    arr = np.asarray(result, dtype=object)
    if arr.size == 1:
        value = arr.reshape(()).item()
        if isinstance(value, float) and not math.isfinite(value):
            return error.errors["#NUM!"]
        return value
    return np.asarray(arr).view(array_type)  # a spilling result: the cell shows its top-left value


_KEY = re.compile(r"^'\[(?P<book>[^\]]+)\](?P<sheet>(?:[^']|'')+)'!(?P<ref>[A-Z]+\d+(?::[A-Z]+\d+)?)$")


MAX_FORMULAS = 60_000  # the formulas package's limit: ~4 ms and ~0.1 MB a formula (1,000 placements: ~25,000 formulas)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _refuse_too_many_formulas(path: Path) -> None:
    """The formulas package takes minutes and gigabytes past :data:`MAX_FORMULAS` (a 10,000-placement model, 230,000
    formulas, passed 20 GB in five minutes): refuse such a file at once, naming the engine that can do it."""
    with zipfile.ZipFile(path) as archive:
        count = sum(
            len(_FORMULA.findall(archive.read(info)))
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        )
    if count > MAX_FORMULAS:
        from workbook.kit.safety import UnreadableWorkbook

        raise UnreadableWorkbook(
            f"{path.name}: {count:,} formulas, more than the formulas engine's {MAX_FORMULAS:,} (it would take many "
            "minutes and gigabytes); recalculate with LibreOffice (--engine libreoffice)"
        )


def compute(path: str | Path, timings: dict[str, float] | None = None) -> dict[tuple[str, str], Value]:
    """Evaluate every formula of ``path``: ``{(sheet, "A1"): value}`` for each formula cell.

    ``timings``, when given, receives the seconds spent loading (parsing and
    compiling every formula) and calculating.
    """
    import time

    import formulas
    import schedula as sh
    from formulas.functions import XlError
    from formulas.ranges import Ranges
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter, range_boundaries

    _refuse_too_many_formulas(Path(path))
    register_functions()
    wb = load_workbook(path, read_only=True)
    real_names = {name.upper(): name for name in wb.sheetnames}
    wb.close()
    start = time.perf_counter()
    model = formulas.ExcelModel().loads(str(path)).finish()
    loaded = time.perf_counter()
    solution = model.calculate()
    if timings is not None:
        timings.update(load=loaded - start, calculate=time.perf_counter() - loaded)
    values: dict[tuple[str, str], Value] = {}
    for key, result in solution.items():
        m = _KEY.match(key)
        if not m:
            continue
        sheet = real_names.get(m["sheet"].replace("''", "'"))
        if sheet is None:
            continue
        grid = result.value if isinstance(result, Ranges) else np.asarray([[result]], dtype=object)
        min_col, min_row, _, _ = range_boundaries(m["ref"])
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                values[(sheet, f"{get_column_letter(min_col + j)}{min_row + i}")] = _plain(
                    grid[i, j], sh.EMPTY, XlError
                )
    return values


def _plain(value, empty, xl_error) -> Value:
    if isinstance(value, xl_error):
        return ExcelErrorValue(str(value))
    if value is empty:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return ExcelErrorValue("#NUM!")
    return value


# -- writing cached values -------------------------------------------------------

_CELL = re.compile(r"<(?P<p>(?:\w+:)?)c\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)c>)", re.S)
_REF = re.compile(r'\sr="([A-Z]+\d+)"')
_TYPE = re.compile(r'\st="[^"]*"')


def _encoded(value: Value) -> tuple[str | None, str]:
    """(cell type attribute, text of <v>) of a computed value."""
    if type(value) is float:  # most values: first (not a subclass such as numpy.float64, whose repr differs)
        return None, repr(value)
    if isinstance(value, ExcelErrorValue):
        return "e", str(value)
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if value is None:
        return None, "0"  # a formula pointing at an empty cell shows 0
    if isinstance(value, int | float):
        return None, repr(float(value)) if isinstance(value, float) else str(value)
    return "str", xml_escape(str(value))


_ARRAY = re.compile(r'<(?:\w+:)?f\b[^>]*\bt="array"[^>]*\bref="([A-Z]+\d+:[A-Z]+\d+)"')


def array_parts(xml: str) -> set[str]:
    """The cells an array formula of a sheet's XML fills, other than the one holding the formula."""
    from openpyxl.utils import get_column_letter, range_boundaries

    parts = set()
    for ref in _ARRAY.findall(xml):
        c1, r1, c2, r2 = range_boundaries(ref)
        parts.update(
            f"{get_column_letter(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1)
        )
    return parts


@functools.cache
def _elements(p: str) -> tuple[re.Pattern, re.Pattern]:
    """The ``<v>`` and ``<f>`` elements of a cell, with the namespace prefix ``p`` ("" or "x:")."""
    return (
        re.compile(rf"<{p}v\b[^>]*?(?:/>|>.*?</{p}v>)", re.S),
        re.compile(rf"<{p}f\b[^>]*?(?:/>|>.*?</{p}f>)", re.S),
    )


def _patch_sheet(xml: str, cells: dict[str, Value]) -> tuple[str, int]:
    patched = 0
    parts = array_parts(xml)

    def replace(m: re.Match) -> str:
        nonlocal patched
        body, p = m.group("body"), m.group("p")
        ref = _REF.search(m.group("attrs"))
        if not ref or ref.group(1) not in cells:
            return m.group(0)
        formula = body is not None and f"<{p}f" in body
        if not formula and ref.group(1) not in parts:
            return m.group(0)
        kind, text = _encoded(cells[ref.group(1)])
        attrs = m.group("attrs")
        attrs = (_TYPE.sub("", attrs) if " t=" in attrs else attrs) + (f' t="{kind}"' if kind else "")
        body = body or ""
        v_at = body.rfind(f"<{p}v") if formula and body.count(f"<{p}v") == 1 else -1
        if v_at > 0 and body.startswith(f"</{p}f>", v_at - len(f"</{p}f>")) and body.endswith(("/>", f"</{p}v>")):
            body = body[:v_at]  # <f>…</f><v />, as openpyxl writes it, or <f>…</f><v>old</v>: the value goes last
            f_end = len(body)
        else:
            v_element, f_element = _elements(p)
            body = v_element.sub("", body)
            f_end = f_element.search(body).end() if formula else 0
        body = f"{body[:f_end]}<{p}v>{text}</{p}v>{body[f_end:]}"
        patched += 1
        return f"<{p}c{attrs}>{body}</{p}c>"

    return _CELL.sub(replace, xml), patched


def _full_calc_on_load(xml: str) -> str:
    m = re.search(r"<(\w+:)?calcPr\b[^>]*?/?>", xml)
    if m is None:
        anchor = re.search(r"</(\w+:)?definedNames>", xml) or re.search(r"</(\w+:)?sheets>", xml)
        return f'{xml[: anchor.end()]}<{anchor.group(1) or ""}calcPr fullCalcOnLoad="1"/>{xml[anchor.end() :]}'
    tag = re.sub(r'\sfullCalcOnLoad="[^"]*"', "", m.group(0))
    tag = re.sub(r"(\s*/?>)$", r' fullCalcOnLoad="1"\1', tag)
    return xml[: m.start()] + tag + xml[m.end() :]


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """``{sheet name: part name}`` from the workbook and its relationships."""
    import posixpath

    from defusedxml import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    pkg = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{pkg}Relationship")}
    parts = {}
    for sheet in book.iter(f"{main}sheet"):
        target = targets.get(sheet.get(f"{rel_ns}id"), "")
        parts[sheet.get("name")] = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
    return parts


def write_cached_values(source: str | Path, values: dict[tuple[str, str], Value], target: str | Path) -> int:
    """Copy ``source`` to ``target`` with ``values`` stored as the cached values of formula cells.

    Every other part of the package is copied byte for byte. Returns the
    number of cells written.
    """
    by_sheet: dict[str, dict[str, Value]] = {}
    for (sheet, ref), value in values.items():
        by_sheet.setdefault(sheet, {})[ref] = value
    written = 0
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        part_of = {part: sheet for sheet, part in sheet_parts(src).items()}
        for info in src.infolist():
            data = src.read(info.filename)
            sheet = part_of.get(info.filename)
            if sheet in by_sheet:
                xml, patched = _patch_sheet(data.decode("utf-8"), by_sheet[sheet])
                data = xml.encode("utf-8")
                written += patched
            elif info.filename == "xl/workbook.xml":
                data = _full_calc_on_load(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info, data)
    return written
