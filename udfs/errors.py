"""From the model's exception to an Excel error: the one mapping, for every runtime.

A CEO_* function can run under three callers, and each needs a different value
for "this cell is an error" (read in xlwings 0.37.8 and pywin32 b312):

* **classic xlwings on Windows** (``xlwings.udfs.call_udf`` through VBA and
  COM) gets the same error strings as Office.js (``"#NUM!"``, ``"#VALUE!"``)
  and never raises. Python cannot hand Excel an error value there: pywin32
  converts a returned ``win32com.client.VARIANT(VT_ERROR, code)`` to
  ``DISP_E_PARAMNOTFOUND`` whatever the code (``com/win32com/src/oleargs.cpp``,
  ``PythonOleArgHelper::MakeObjToVariant``, ``case VT_ERROR``, unchanged from
  1999 to b312), and has no other conversion that yields ``VT_ERROR``. The
  string crosses COM as a ``BSTR``; the VBA wrappers written by
  :mod:`udfs.vba` turn it into ``CVErr(xlErrNum)`` (a real ``#NUM!``). With xlwings' own
  *Import Functions* wrappers instead, the cell shows the *text* ``#NUM!``
  (``_xlwindows.prepare_xl_data_element`` passes strings on) and a raised
  exception's text (the wrapper's ``failed: f = Err.Description``);
* **xlwings Server / Lite** (Office.js, ``custom_functions_call``) turns a
  returned ``"#NUM!"`` string into Excel's ``#NUM!`` (``_xlofficejs
  .errorstr_to_errortype``, custom-functions runtime 1.4 and later) and a
  raised exception into ``#VALUE!`` with the message on hover;
* **plain Python** (tests, scripts, the headless recalculation): domain
  errors return the string ``"#NUM!"``, type and shape errors raise
  :class:`model.CEOModelError`.

:func:`call_context` decides which, from the caller on the stack (overridable
with :func:`use_runtime` in tests). Every failure is logged with the function,
the message (naming the argument and, for a range, the row and column) and the
calling cell, and remembered per cell for :func:`last_error` (``CEO_LAST_ERROR``).

A range argument the function maps cell by cell (``gross`` of ``CEO_FEE``, not
a ``schedule``) fails cell by cell: the answer keeps its shape, with the error
value in the cells that fail and numbers elsewhere.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import logging
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum

import numpy as np

from model.errors import CEOModelError, ErrorKind
from udfs import excel

log = logging.getLogger("ceo_model.udfs")


class Runtime(Enum):
    """Who called the function, which decides what an error value is."""

    PYTHON = "python"
    """Plain Python: ``"#NUM!"`` strings, type errors raised."""
    OFFICEJS = "officejs"
    """xlwings Server / Lite (``xlwings.pro.udfs_officejs.custom_functions_call``)."""
    CLASSIC_WINDOWS = "classic-windows"
    """Classic xlwings on Windows (``xlwings.udfs.call_udf``, VBA + COM)."""


XL_ERROR_CODES = excel.ERROR_CODES


def com_scode(error: str) -> int:
    """The SCODE Excel gives an error cell over COM: ``0x800A0000 | xlErr`` as a signed 32-bit int.

    ``CVErr(xlErrNum)`` is ``0x800A07F4`` = -2146826252; xlwings'
    ``_xlwindows.cell_errors`` reads these back as ``#NUM!`` …"""
    return (0x800A0000 | XL_ERROR_CODES[error]) - (1 << 32)


# ---- who is calling --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallContext:
    runtime: Runtime
    cell: str | None
    """The calling cell as the runtime names it, e.g. ``[CEO_Model.xlsx]Calculations!B7``; None when unknown."""


_forced: contextvars.ContextVar[tuple[Runtime, str | None] | None] = contextvars.ContextVar(
    "ceo_model_runtime", default=None
)


@contextlib.contextmanager
def use_runtime(runtime: Runtime, cell: str | None = None) -> Iterator[None]:
    """Run as if called by ``runtime`` from ``cell`` (tests; the stack is not consulted)."""
    token = _forced.set((runtime, cell))
    try:
        yield
    finally:
        _forced.reset(token)


def call_context() -> CallContext:
    """The runtime calling the current CEO_* function, and its cell.

    Decided from the stack: a frame of ``xlwings.udfs.call_udf`` means classic
    xlwings (its local ``xw_caller`` is the calling range); a frame of
    ``xlwings.pro.udfs_officejs.custom_functions_call`` means xlwings Server or
    Lite (its ``data["caller_address"]`` is the calling cell). Anything else is
    plain Python. :func:`use_runtime` overrides both.
    """
    forced = _forced.get()
    if forced is not None:
        return CallContext(*forced)
    frame = sys._getframe(1)
    while frame is not None:
        module, name = frame.f_globals.get("__name__"), frame.f_code.co_name
        if module == "xlwings.udfs" and name == "call_udf":
            return CallContext(Runtime.CLASSIC_WINDOWS, _classic_cell(frame.f_locals))
        if module == "xlwings.pro.udfs_officejs" and name == "custom_functions_call":
            data = frame.f_locals.get("data")
            return CallContext(Runtime.OFFICEJS, data.get("caller_address") if isinstance(data, dict) else None)
        frame = frame.f_back
    return CallContext(Runtime.PYTHON, None)


def _classic_cell(local_vars: dict) -> str | None:
    caller = local_vars.get("xw_caller")
    try:
        return f"[{caller.sheet.book.name}]{caller.sheet.name}!{caller.address}"
    except Exception:  # no caller (called from VBA, not a cell) or COM busy: the cell stays unknown
        return None


# ---- the reason, per cell ------------------------------------------------------------------------------------------

_ADDRESS = re.compile(
    r"^(?:[^\[]*\[(?P<book>[^\]]*)\])?"
    r"(?:(?:'(?P<quoted>(?:[^']|'')+)'|(?P<sheet>[^'!]+))!)?"
    r"\$?(?P<col>[A-Za-z]{1,3})\$?(?P<row>[0-9]{1,7})(?::\S*)?$"
)


@dataclass(frozen=True)
class CellAddress:
    book: str | None
    sheet: str | None
    ref: str  # top-left cell, upper case, no $

    def __str__(self) -> str:
        book = f"[{self.book}]" if self.book else ""
        sheet = f"{self.sheet}!" if self.sheet else ""
        return f"{book}{sheet}{self.ref}"


def parse_address(text: str) -> CellAddress | None:
    """``[Book]Sheet!$B$7``, ``'My sheet'!B7:C9``, ``B7`` … as a :class:`CellAddress` (top-left cell); None if not one."""
    m = _ADDRESS.match(text.strip())
    if m is None:
        return None
    sheet = m["quoted"].replace("''", "'") if m["quoted"] is not None else m["sheet"]
    return CellAddress(m["book"] or None, sheet.strip() if sheet else None, f"{m['col'].upper()}{m['row']}")


@dataclass(frozen=True)
class ErrorRecord:
    function: str
    cell: str | None
    error: str
    message: str

    def __str__(self) -> str:
        return f"{self.error} {self.function}: {self.message}"


class _Registry:
    """The last error of each calling cell (bounded; a success clears the cell's entry)."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_cell: OrderedDict[tuple[str, str, str], ErrorRecord] = OrderedDict()
        self.latest: ErrorRecord | None = None

    @staticmethod
    def _key(address: CellAddress) -> tuple[str, str, str]:
        return ((address.book or "").upper(), (address.sheet or "").upper(), address.ref)

    def remember(self, record: ErrorRecord) -> None:
        with self._lock:
            self.latest = record
            address = parse_address(record.cell) if record.cell else None
            if address is None:
                return
            key = self._key(address)
            self._by_cell.pop(key, None)
            self._by_cell[key] = record
            while len(self._by_cell) > self.LIMIT:
                self._by_cell.popitem(last=False)

    def __bool__(self) -> bool:
        return bool(self._by_cell)

    def forget(self, cell: str | None) -> None:
        address = parse_address(cell) if cell else None
        if address is not None and self._by_cell:
            with self._lock:
                self._by_cell.pop(self._key(address), None)

    def find(self, address: CellAddress) -> ErrorRecord | None:
        book, sheet, ref = self._key(address)
        with self._lock:
            for (b, s, r), record in reversed(self._by_cell.items()):
                if r == ref and (not sheet or s == sheet) and (not book or not b or b == book):
                    return record
        return None

    def clear(self) -> None:
        with self._lock:
            self._by_cell.clear()
            self.latest = None


REGISTRY = _Registry()


def last_error(cell: str | None = None, *, caller: str | None = None) -> ErrorRecord | None:
    """The last error of the formula in ``cell`` (None when its last call succeeded or it never failed).

    ``cell`` without a sheet is looked up on ``caller``'s sheet (and book); no
    ``cell`` at all means the most recent error of any cell."""
    if cell is None:
        return REGISTRY.latest
    address = parse_address(cell)
    if address is None:
        raise CEOModelError("cell", f'must be a cell address such as "Calculations!B7" (got {cell[:40]!r})')
    here = parse_address(caller) if caller else None
    if here is not None and address.sheet is None:
        address = CellAddress(address.book or here.book, here.sheet, address.ref)
    elif here is not None and address.book is None:
        address = CellAddress(here.book, address.sheet, address.ref)
    return REGISTRY.find(address)


# ---- the adapter ---------------------------------------------------------------------------------------------------

RANGE_ARGUMENTS = frozenset({"schedule", "holidays", "shares", "prices", "table", "issue_prices", "bids"})
"""Arguments read as one whole range (a table, a list); every other argument is mapped cell by cell."""


def excel_error_code(exc: BaseException) -> str:
    """The Excel error a failed call shows: ``#NUM!`` for a number outside the
    domain, ``#VALUE!`` for everything else (wrong type, shape, missing value)."""
    if isinstance(exc, CEOModelError):
        return exc.kind.value
    return ErrorKind.VALUE.value


def error_value(error: str, runtime: Runtime):
    """What a function returns for a cell showing ``error`` under ``runtime``: the error text in every runtime.

    xlwings Server/Lite converts ``"#NUM!"`` itself; in classic xlwings the
    wrappers of :mod:`udfs.vba` do (pywin32 cannot carry an error code: see the
    module docstring); plain Python documents it."""
    return error


def _raises_in(runtime: Runtime, exc: BaseException) -> bool:
    """Type and shape errors raise where raising shows ``#VALUE!`` with the message (Office.js) or is the
    Python convention; classic xlwings would put the exception text in the cell, so it never raises."""
    return runtime is not Runtime.CLASSIC_WINDOWS and excel_error_code(exc) != ErrorKind.NUM.value


def excel_function(fn: Callable | None = None, *, elementwise: frozenset[str] | None = None):
    """Adapt a raising function to Excel's error conventions in whichever runtime calls it.

    ``elementwise``: the arguments mapped cell by cell (default: every
    argument not in :data:`RANGE_ARGUMENTS`), exposed as ``wrapper.elementwise``.
    The raising function stays reachable as ``wrapper.__wrapped__``.
    """
    if fn is None:
        return functools.partial(excel_function, elementwise=elementwise)
    name = fn.__name__.upper()
    cellwise = (
        frozenset(inspect.signature(fn).parameters) - RANGE_ARGUMENTS if elementwise is None else frozenset(elementwise)
    )

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:
            context = call_context()
            runtime = context.runtime
            split = by_cell(
                fn,
                cellwise,
                args,
                kwargs,
                exc,
                lambda error: error_value(error, runtime),
                raise_value_errors=runtime is Runtime.PYTHON,
            )
            if split is not None:
                answer, failures = split
                _report(name, context, failures)
                return answer if runtime is Runtime.PYTHON else answer.tolist()
            raises = _raises_in(runtime, exc)
            if not (raises and runtime is Runtime.PYTHON):  # a Python caller gets the exception itself
                _report(name, context, [exc])
            if raises:
                raise
            return error_value(excel_error_code(exc), runtime)
        if REGISTRY:  # only then is the calling cell worth looking up (COM calls in classic xlwings)
            REGISTRY.forget(call_context().cell)
        return result

    wrapper.elementwise = cellwise
    return wrapper


def _report(name: str, context: CallContext, failures: list[BaseException]) -> None:
    """Log and remember a failed call: function, calling cell, error, message (argument, row, column)."""
    first = failures[0]
    message = str(first)
    if len(failures) > 1:
        message += f" (and {len(failures) - 1} more cell(s): " + "; ".join(map(str, failures[1:4]))
        message += "; …)" if len(failures) > 4 else ")"
    error = excel_error_code(first)
    where = f" in {context.cell}" if context.cell else ""
    log.warning("%s%s: %s %s", name, where, error, message)
    REGISTRY.remember(ErrorRecord(name, context.cell, error, message))


def by_cell(
    fn: Callable,
    cellwise: frozenset[str],
    args: tuple,
    kwargs: dict,
    exc: BaseException,
    render: Callable[[str], object],
    *,
    raise_value_errors: bool = False,
) -> tuple[np.ndarray, list[BaseException]] | None:
    """After ``fn(*args, **kwargs)`` failed with ``exc``: call it once per cell of its cell-wise ranges.

    Returns ``(answer, failures)``: ``answer`` has the ranges' shape, with the
    value of each cell that succeeds and ``render(error)`` ("#NUM!" …) for each
    that fails; ``failures`` are those cells' exceptions, positioned at their
    row and column. None when ``exc`` is not about one cell of a cell-wise
    range (a shape error, a bad schedule …): the whole call fails.
    ``raise_value_errors``: a cell's type error raises (the Python convention).
    """
    if not isinstance(exc, CEOModelError) or exc.argument not in cellwise or exc.position is None:
        return None
    if raise_value_errors and exc.kind is not ErrorKind.NUM:
        return None
    bound = inspect.signature(fn).bind(*args, **kwargs)
    ranges = {}
    for arg in cellwise & set(bound.arguments):
        try:
            cells = np.asarray(bound.arguments[arg], dtype=object)
        except ValueError:  # ragged: the whole call is wrong
            return None
        if cells.size > 1:
            ranges[arg] = cells
    shapes = {cells.shape for cells in ranges.values()}
    if exc.argument not in ranges or len(shapes) != 1:
        return None
    shape = shapes.pop()
    answer = np.empty(shape, dtype=object)
    failures: list[BaseException] = []
    for index in np.ndindex(shape):
        call = bound.arguments | {arg: cells[index] for arg, cells in ranges.items()}
        try:
            value = fn(**call)
        except Exception as cell_exc:
            if isinstance(cell_exc, CEOModelError) and cell_exc.argument in ranges:
                position = tuple(i + 1 for i in index)
                cell_exc = CEOModelError(cell_exc.argument, cell_exc.rule, cell_exc.kind, position)
            if raise_value_errors and excel_error_code(cell_exc) != ErrorKind.NUM.value:
                raise cell_exc from None
            failures.append(cell_exc)
            answer[index] = render(excel_error_code(cell_exc))
        else:
            answer[index] = value.item() if isinstance(value, np.ndarray | np.generic) else value
    return answer, failures
