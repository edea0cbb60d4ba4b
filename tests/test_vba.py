"""Classic xlwings on Windows: the VBA module that turns "#NUM!" answers into real Excel errors (issue 13).

* the wrappers are xlwings' own: xlwings 0.37.8's ``generate_vba_wrapper``
  and ``xlfunc`` (read from the installed ``xlwings/udfs.py``, which imports
  pywin32 and so cannot be imported here) write the same text for every
  CEO_* function, apart from the ``CEOExcelValue(...)`` around the answer;
* the converter runs in LibreOffice Basic (``Option VBASupport 1``), an
  engine we did not write: "#NUM!" becomes ``CVErr(2036)`` (``xlErrNum``,
  from ``xlwings.constants.CVError``), in a whole answer and cell by cell in
  a row or table, and every other value passes unchanged. (LibreOffice Calc
  shows a Basic error value as the text "Error 2036", not as an error cell,
  so the cell check itself is Excel's documented behaviour: a VBA function
  returning ``CVErr(xlErrNum)`` shows ``#NUM!``.)
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import inspect
import io
import json
import os
import re
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_args, get_origin, get_type_hints

import pytest
import xlwings
from xlwings.constants import CVError
from xlwings.utils import VBAWriter

import udfs
from udfs import errors, vba
from udfs.errors import Runtime, use_runtime

ROOT = Path(__file__).resolve().parent.parent
XLWINGS_UDFS = Path(xlwings.__file__).parent / "udfs.py"

# Excel's error strings and CVErr numbers, from xlwings (not from udfs)
EXCEL_ERRORS = {
    "#NULL!": CVError.xlErrNull,
    "#DIV/0!": CVError.xlErrDiv0,
    "#VALUE!": CVError.xlErrValue,
    "#REF!": CVError.xlErrRef,
    "#NAME?": CVError.xlErrName,
    "#NUM!": CVError.xlErrNum,
    "#N/A": CVError.xlErrNA,
}


def xlwings_generated_wrappers() -> str:
    """What xlwings 0.37.8's *Import Functions* writes for the ``udfs`` module (its own code, run here)."""
    wanted = {
        "func_sig",
        "get_category",
        "check_bool",
        "get_async_mode",
        "extract_type_and_annotations",
        "xlfunc",
        "generate_vba_wrapper",
    }
    tree = ast.parse(XLWINGS_UDFS.read_text(encoding="utf-8"))
    nodes = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in wanted]
    assert {node.name for node in nodes} == wanted, "xlwings/udfs.py changed: update this test"
    namespace = {
        "__name__": "xlwings.udfs",
        "inspect": inspect,
        "dt": dt,
        "Annotated": Annotated,
        "Any": Any,
        "Callable": Callable,
        "TypeVar": TypeVar,
        "_F": TypeVar("_F"),
        "get_args": get_args,
        "get_origin": get_origin,
        "get_type_hints": get_type_hints,
        "VBAWriter": VBAWriter,
    }
    exec(compile(ast.Module(nodes, []), str(XLWINGS_UDFS), "exec"), namespace)
    module = types.SimpleNamespace()
    for fn in udfs.EXCEL_FUNCTIONS.values():
        # a stand-in carrying fn's name and signature, so xlwings' decorator does not touch the real function
        proxy = functools.update_wrapper(lambda *args, **kwargs: None, fn)
        namespace["xlfunc"](category="CEO Model")(proxy)
        setattr(module, fn.__name__, proxy)
    out = io.StringIO()
    namespace["generate_vba_wrapper"]("udfs", module, out, types.SimpleNamespace(Name="CEO_Model.xlsm"))
    return out.getvalue()


def without_converter(text: str) -> str:
    """``f = CEOExcelValue(XLPy.CallUDF(...))`` → ``f = XLPy.CallUDF(...)`` on every line that has it."""
    lines = []
    for line in text.splitlines(keepends=True):
        if f"= {vba.CONVERTER}(" in line:
            assert line.endswith("))\n"), line
            line = line.replace(f"= {vba.CONVERTER}(", "= ", 1)[: -len(")\n")] + "\n"
        lines.append(line)
    return "".join(lines)


@pytest.fixture(autouse=True)
def _fresh_registry():
    errors.REGISTRY.clear()
    yield
    errors.REGISTRY.clear()


# --- the wrappers are xlwings' own ---------------------------------------------------------------------------------


def test_wrappers_are_xlwings_own_plus_the_converter():
    ours = "".join(vba.wrapper(fn) for fn in sorted(udfs.EXCEL_FUNCTIONS.values(), key=lambda fn: fn.__name__))
    assert ours.count(f"= {vba.CONVERTER}(XLPy.CallUDF(") == 2 * len(udfs.EXCEL_FUNCTIONS)
    assert without_converter(ours) == xlwings_generated_wrappers()


def test_module_is_the_one_import_functions_replaces():
    text = vba.module_text()
    assert text.startswith('Attribute VB_Name = "xlwings_udfs"\n')  # the module name xlwings' import_udfs removes
    assert '#Const App = "Microsoft Excel"' in text
    assert vba.converter_code() in text
    for fn in udfs.EXCEL_FUNCTIONS.values():
        assert f"\nFunction {fn.__name__}(" in text
        assert f'{fn.__name__} = {vba.CONVERTER}(XLPy.CallUDF("udfs", "{fn.__name__}", Array(' in text
    assert text.isascii()


def test_converter_knows_every_excel_error():
    code = vba.converter_code()
    cases = dict(re.findall(r'Case "([^"]+)": CEOExcelError = CVErr\((\d+)\)', code))
    assert {text: int(number) for text, number in cases.items()} == EXCEL_ERRORS


# --- what the Python side hands to COM --------------------------------------------------------------------------------


def test_classic_answers_are_error_strings_that_cross_com_as_text():
    """pywin32 makes a ``str`` a ``VT_BSTR`` (``oleargs.cpp``, ``PyCom_VariantFromPyObject``: ``PyUnicode_Check``);
    the converter in the wrapper then makes it ``CVErr``. No pywin32 object is built."""
    cell = "[CEO_Model.xlsm]Calculations!B7"
    with use_runtime(Runtime.CLASSIC_WINDOWS, cell):
        assert udfs.ceo_fee(-1) == "#NUM!"
        assert udfs.ceo_fee("abc") == "#VALUE!"  # not raised: the wrapper would show the exception's text
        assert udfs.ceo_fee([[10_000_000], [-5], ["n/a"]]) == [[400_000], ["#NUM!"], ["#VALUE!"]]
        reason = udfs.ceo_last_error("Calculations!B7")
        assert udfs.ceo_last_error("not an address") == "#VALUE!"
    assert reason.startswith("#NUM! CEO_FEE: gross at row 2, column 1: must not be negative (got -5) (and 1 more")
    assert reason not in EXCEL_ERRORS  # a reason is text, never converted


def test_cli_writes_the_module_and_refuses_a_bad_path(tmp_path):
    target = tmp_path / "CEO_Model_udfs.bas"
    run = subprocess.run(
        [sys.executable, "-m", "udfs.vba", "-o", str(target)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert run.returncode == 0, run.stderr
    assert target.read_bytes() == vba.module_text().replace("\n", "\r\n").encode("ascii")
    for bad in (tmp_path / "nowhere" / "m.bas", tmp_path / "m.txt"):
        run = subprocess.run(
            [sys.executable, "-m", "udfs.vba", "-o", str(bad)], capture_output=True, text=True, cwd=ROOT, check=False
        )
        assert run.returncode == 2
        assert run.stderr.startswith("--output: ") and run.stderr.count("\n") == 1
        assert not bad.exists()


# --- the converter, run by LibreOffice Basic ---------------------------------------------------------------------------

HARNESS = """
' test harness: describe a Basic value as text a cell can show
Function CEOTEST_DESCRIBE(v)
    Dim i As Long, j As Long, s As String
    If IsArray(v) Then
        If CEOArrayRank(v) = 1 Then
            For i = LBound(v) To UBound(v)
                s = s & "[" & CEOTEST_DESCRIBE(v(i)) & "]"
            Next i
        Else
            For i = LBound(v, 1) To UBound(v, 1)
                For j = LBound(v, 2) To UBound(v, 2)
                    s = s & "[" & CEOTEST_DESCRIBE(v(i, j)) & "]"
                Next j
                s = s & "/"
            Next i
        End If
        CEOTEST_DESCRIBE = s
    ElseIf VarType(v) = 10 Then
        CEOTEST_DESCRIBE = "error " & CInt(v)
    ElseIf VarType(v) = vbString Then
        CEOTEST_DESCRIBE = "text " & v
    Else
        CEOTEST_DESCRIBE = "number " & v
    End If
End Function

Function CEOTEST_ONE(x)
    CEOTEST_ONE = CEOTEST_DESCRIBE(CEOExcelValue(x))
End Function

Function CEOTEST_ROW()
    CEOTEST_ROW = CEOTEST_DESCRIBE(CEOExcelValue(Array(40000, "#NUM!", "#VALUE!", "#NUM! CEO_FEE: why")))
End Function

Function CEOTEST_TABLE()
    Dim t(0 To 1, 0 To 1) As Variant
    t(0, 0) = 1.5
    t(0, 1) = "#NUM!"
    t(1, 0) = "#VALUE!"
    t(1, 1) = ""
    CEOTEST_TABLE = CEOTEST_DESCRIBE(CEOExcelValue(t))
End Function
"""


@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    """Run the converter and HARNESS in LibreOffice Basic: ``basic({"A1": formula}) -> {"A1": shown}``."""
    from conftest import require

    from workbook.engine import libreoffice, lo_engine

    require(lo_engine.usable(), f"LibreOffice engine: {lo_engine.unavailable_reason()}")

    work = tmp_path_factory.mktemp("basic")

    def run(formulas: dict[str, str]) -> dict[str, str]:
        module = work / "module.bas"
        module.write_text("Option VBASupport 1\n" + vba.converter_code() + HARNESS, encoding="utf-8")
        cells = work / "formulas.json"
        cells.write_text(json.dumps(formulas), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        done = subprocess.run(
            [
                lo_engine.python(),
                str(Path(__file__).with_name("lo_basic_driver.py")),
                libreoffice.executable(),
                str(work / "profile"),
                str(module),
                str(cells),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run


@pytest.mark.libreoffice
def test_converter_in_libreoffice_basic(basic):
    formulas = {f"A{i}": f'=CEOTEST_ONE("{text}")' for i, text in enumerate(EXCEL_ERRORS, start=1)}
    formulas |= {
        "B1": "=CEOTEST_ONE(42)",
        "B2": '=CEOTEST_ONE("#NUM! CEO_FEE: gross: must not be negative (got -1)")',
        "B3": '=CEOTEST_ONE("")',
        "B4": '=CEOTEST_ONE("#num!")',  # Excel's error strings are upper case; other text is left alone
        "C1": "=CEOTEST_ROW()",
        "C2": "=CEOTEST_TABLE()",
    }
    shown = basic(formulas)
    assert {shown[f"A{i}"] for i in range(1, 8)} == {f"error {number}" for number in EXCEL_ERRORS.values()}
    for i, (text, number) in enumerate(EXCEL_ERRORS.items(), start=1):
        assert shown[f"A{i}"] == f"error {number}", text
    assert shown["A6"] == "error 2036"  # "#NUM!" -> CVErr(xlErrNum)
    assert shown["B1"] == "number 42"
    assert shown["B2"] == "text #NUM! CEO_FEE: gross: must not be negative (got -1)"
    assert shown["B3"] == "text "
    assert shown["B4"] == "text #num!"
    assert shown["C1"] == "[number 40000][error 2036][error 2015][text #NUM! CEO_FEE: why]"
    assert shown["C2"] == "[number 1.5][error 2036]/[error 2015][text ]/"
