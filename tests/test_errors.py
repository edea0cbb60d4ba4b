"""Errors per runtime (issue 13): what each caller gets back, the reason per cell, errors inside ranges.

* classic xlwings on Windows — pywin32 cannot be installed here, so the
  answer goes through xlwings' own ``prepare_xl_data_element`` (read from the
  installed file, not copied) and a stand-in for pywin32's conversion to a
  COM VARIANT (``PyCom_VariantFromPyObject``, each branch citing its line in
  pywin32 b312): what reaches VBA, with its VT type and value. Codes come
  from xlwings' own Windows source (``_xlwindows.cell_errors``). The VBA
  module that turns the text into ``CVErr`` is tested in
  ``tests/test_vba.py``;
* plain Python — ``"#NUM!"`` strings, type errors raised;
* headless recalculation — ``python -m workbook recalc`` on a workbook whose
  CEO_* formulas fail, read back with openpyxl: IFERROR, ISERROR and
  ERROR.TYPE see real errors.

The Office.js runtime is exercised for real in ``tests/test_xlwings_runtime.py``.
"""

from __future__ import annotations

import ast
import datetime as dt
import logging
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlwings
from openpyxl import Workbook, load_workbook

import udfs
from model import CEOModelError
from udfs import errors
from udfs.errors import Runtime, use_runtime

ROOT = Path(__file__).resolve().parent.parent
XLWINGS_DIR = Path(xlwings.__file__).parent
CELL = "[CEO_Model.xlsm]Calculations!B7"

# VARENUM (Microsoft's wtypes.h) and the HRESULT pywin32 writes for a missing argument (winerror.h)
VT_I4, VT_R8, VT_BSTR, VT_ERROR, VT_BOOL, VT_VARIANT, VT_NULL, VT_ARRAY = 3, 5, 8, 10, 11, 12, 1, 0x2000
DISP_E_PARAMNOTFOUND = -2147352572  # 0x80020004


class StandInVARIANT:
    """Stands in for ``win32com.client.VARIANT`` (pywin32 b312, ``com/win32com/client/__init__.py`` line 685)."""

    def __init__(self, varianttype: int, value: object) -> None:
        self.varianttype = varianttype
        self.value = value


def pywin32_variant_from(obj) -> tuple[int, object]:
    """Stand-in for pywin32's ``PyCom_VariantFromPyObject`` (``com/win32com/src/oleargs.cpp`` at b312,
    commit 2a277cb5), which makes the VARIANT a COM server method returns (``PyGatewayBase.cpp`` line 627):
    ``(VT type, value)`` for the Python types a CEO_* answer can hold."""
    if isinstance(obj, StandInVARIANT):  # lines 116 and 48: an instance of win32com.client.VARIANT
        vt = obj.varianttype  # MakeObjToVariant (line 1183) with m_reqdType = varianttype
        if vt == VT_ERROR:
            return VT_ERROR, DISP_E_PARAMNOTFOUND  # line 1575, whatever obj.value is
        if vt == VT_NULL:
            return VT_NULL, None  # line 1514
        raise NotImplementedError(vt)
    if isinstance(obj, str):
        return VT_BSTR, obj  # lines 124-129
    if isinstance(obj, bool):
        return VT_BOOL, obj
    if isinstance(obj, int) and -(2**31) <= obj < 2**31:
        return VT_I4, obj
    if isinstance(obj, float):
        return VT_R8, obj  # line 211
    if isinstance(obj, list | tuple):  # line 284: a SAFEARRAY of VARIANTs, each made by this function (line 549)
        return VT_ARRAY | VT_VARIANT, [pywin32_variant_from(item) for item in obj]
    raise NotImplementedError(type(obj))


def classic_answer_to_com(answer):
    """What reaches VBA from a CEO_* answer in classic xlwings: xlwings' own ``prepare_xl_data_element`` on
    each element, ``XLPython.CallUDF`` unwrapping a 1x1 answer (``com_server.py``), then pywin32."""
    prepare = xlwings_prepare_xl_data_element()
    rows = answer if isinstance(answer, list) else [[answer]]
    rows = [[prepare(cell, None) for cell in row] for row in rows]
    return pywin32_variant_from(rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows)


@pytest.fixture(autouse=True)
def _fresh_registry():
    errors.REGISTRY.clear()
    yield
    errors.REGISTRY.clear()


@pytest.fixture
def classic():
    """Run as classic xlwings on Windows, called from CELL."""
    with use_runtime(Runtime.CLASSIC_WINDOWS, CELL):
        yield


def _xlwindows_source() -> ast.Module:
    return ast.parse((XLWINGS_DIR / "_xlwindows.py").read_text(encoding="utf-8"))


def excel_com_codes() -> dict[str, int]:
    """Error text → the code Excel gives an error cell over COM, from xlwings' ``_xlwindows.cell_errors``."""
    for node in _xlwindows_source().body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "cell_errors":
            return {text: code for code, text in ast.literal_eval(node.value).items()}
    raise AssertionError("xlwings/_xlwindows.py has no cell_errors table")


def xlwings_prepare_xl_data_element():
    """xlwings' own ``Engine.prepare_xl_data_element`` for Windows, compiled from the installed source.

    It is what every element of a UDF's answer goes through before pywin32
    converts it for COM. Only the names it uses are supplied (pywin32's time
    type is not available here; no date is passed)."""
    for node in ast.walk(_xlwindows_source()):
        if isinstance(node, ast.FunctionDef) and node.name == "prepare_xl_data_element":
            node.decorator_list = []
            namespace = {"time_types": (dt.date, dt.datetime, np.datetime64), "pd": pd, "np": np}
            exec(compile(ast.Module([node], []), "xlwings/_xlwindows.py", "exec"), namespace)
            return namespace["prepare_xl_data_element"]
    raise AssertionError("xlwings/_xlwindows.py has no prepare_xl_data_element")


# --- classic xlwings on Windows ------------------------------------------------------------------------------------


def test_excel_error_codes_agree_with_xlwings():
    codes = excel_com_codes()
    assert xlwings.constants.CVError.xlErrNum == 2036 and xlwings.constants.CVError.xlErrValue == 2015
    assert errors.com_scode("#NUM!") == codes["#NUM!"] == -2146826252
    assert errors.com_scode("#VALUE!") == codes["#VALUE!"]
    for text, code in codes.items():
        assert errors.com_scode(text) == code, text


def test_domain_error_reaches_com_as_the_text_the_vba_module_converts(classic):
    value = udfs.ceo_fee(-1)
    assert value == "#NUM!"
    assert classic_answer_to_com(value) == (VT_BSTR, "#NUM!")  # CVErr(xlErrNum) in the wrapper: tests/test_vba.py


def test_type_error_is_an_error_string_not_an_exception(classic):
    # Raising would put the exception's text in the cell (the VBA wrapper's "failed: f = Err.Description").
    assert classic_answer_to_com(udfs.ceo_fee("abc")) == (VT_BSTR, "#VALUE!")
    assert classic_answer_to_com(udfs.ceo_last_error("not an address")) == (VT_BSTR, "#VALUE!")


def test_a_range_reaches_com_as_an_array_with_text_in_the_bad_cells(classic):
    answer = udfs.ceo_fee([[10_000_000], [-5], ["n/a"]])
    assert answer == [[400_000], ["#NUM!"], ["#VALUE!"]] and isinstance(answer, list)  # plain nested lists
    vt, rows = classic_answer_to_com(answer)
    assert vt == VT_ARRAY | VT_VARIANT
    assert rows == [
        (VT_ARRAY | VT_VARIANT, [(VT_R8, 400_000.0)]),  # a numpy number: xlwings makes it a float
        (VT_ARRAY | VT_VARIANT, [(VT_BSTR, "#NUM!")]),
        (VT_ARRAY | VT_VARIANT, [(VT_BSTR, "#VALUE!")]),
    ]


def test_pywin32_cannot_carry_an_error_code():
    """Why the answer is text: a VT_ERROR VARIANT with Excel's code (what the previous version returned)
    reaches VBA as the missing-argument value, not as CVErr(xlErrNum)."""
    num = StandInVARIANT(VT_ERROR, excel_com_codes()["#NUM!"])
    prepare = xlwings_prepare_xl_data_element()
    assert prepare(num, None) is num  # xlwings passes it through untouched
    assert classic_answer_to_com(num) == (VT_ERROR, DISP_E_PARAMNOTFOUND)
    assert excel_com_codes()["#NUM!"] != DISP_E_PARAMNOTFOUND


def test_classic_errors_need_no_pywin32():
    code = (
        "import sys, udfs\n"
        "from udfs.errors import Runtime, use_runtime\n"
        "with use_runtime(Runtime.CLASSIC_WINDOWS):\n"
        "    assert udfs.ceo_fee(-1) == '#NUM!'\n"
        "assert 'pythoncom' not in sys.modules and 'win32com' not in sys.modules\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr


# --- which runtime: decided from the caller --------------------------------------------------------------------------


class _Book:
    name = "CEO_Model.xlsm"


class _Sheet:
    name = "Calculations"
    book = _Book()


class _Caller:
    sheet = _Sheet()
    address = "$B$7"


def _call_as(module: str, function: str, body: str, **names):
    """Run ``body`` inside a function called ``function`` of a module called ``module`` (as xlwings would)."""
    namespace = {"__name__": module, "udfs": udfs, **names}
    source = f"def {function}(data=None, xw_caller=None):\n" + textwrap.indent(body, "    ")
    exec(compile(source, f"<{module}>", "exec"), namespace)
    return namespace[function]


def test_runtime_is_plain_python_outside_xlwings():
    assert errors.call_context() == errors.CallContext(Runtime.PYTHON, None)


def test_classic_runtime_and_cell_come_from_xlwings_call_udf_frame():
    call_udf = _call_as("xlwings.udfs", "call_udf", "return udfs.call_context()")
    assert call_udf(xw_caller=_Caller()) == errors.CallContext(Runtime.CLASSIC_WINDOWS, CELL.replace("B7", "$B$7"))


def test_officejs_runtime_and_cell_come_from_custom_functions_call_frame():
    call = _call_as("xlwings.pro.udfs_officejs", "custom_functions_call", "return udfs.call_context()")
    context = call(data={"caller_address": "[CEO_Model.xlsx]Calculations!C3"})
    assert context == errors.CallContext(Runtime.OFFICEJS, "[CEO_Model.xlsx]Calculations!C3")


def test_a_frame_of_the_same_name_in_another_module_is_not_xlwings():
    call_udf = _call_as("mymodule", "call_udf", "return udfs.call_context()")
    assert call_udf(xw_caller=_Caller()).runtime is Runtime.PYTHON


def test_classic_detection_end_to_end_with_stand_in():
    call_udf = _call_as("xlwings.udfs", "call_udf", "return udfs.ceo_fee(-1)")
    assert call_udf(xw_caller=_Caller()) == "#NUM!"
    assert "must not be negative" in udfs.ceo_last_error("Calculations!B7")


# --- plain Python ------------------------------------------------------------------------------------------------------


def test_plain_python_keeps_its_documented_behaviour():
    assert udfs.ceo_fee(-1) == "#NUM!"
    with pytest.raises(CEOModelError, match="gross: must not be negative"):
        udfs.ceo_fee.__wrapped__(-1)
    with pytest.raises(CEOModelError, match="gross: must be a number, not the text 'abc'"):
        udfs.ceo_fee("abc")


def test_a_bad_cell_in_a_range_is_an_error_in_that_cell_only():
    # fee(10M) = 4% x 10M; fee(20M) = 400,000 + 3.5% x 10M (SPEC's prospectus schedule)
    answer = udfs.ceo_fee([[10_000_000], [-5], [20_000_000], [math.nan]])
    assert answer.tolist() == [[400_000], ["#NUM!"], [750_000], ["#NUM!"]]


def test_a_type_error_in_a_range_still_raises_in_python_naming_the_cell():
    with pytest.raises(CEOModelError, match="gross at row 2, column 1: must be a number"):
        udfs.ceo_fee([[-5], ["abc"]])


def test_two_ranges_mapped_together_fail_cell_by_cell():
    # CEO_FEE_INCREMENT: fee(prior + placement) - fee(prior)
    answer = udfs.ceo_fee_increment([[0, 9_000_000]], [[-1, 2_000_000]])
    assert answer.tolist() == [["#NUM!", 75_000]]


def test_a_bad_schedule_fails_the_whole_call():
    bad = [[0, 10_000_000, 0.04], [10_000_000, 25_000_000, -0.01]]
    assert udfs.ceo_fee([[1], [2]], bad) == "#NUM!"


def test_mismatched_ranges_fail_the_whole_call():
    with pytest.raises(CEOModelError, match="does not match"):
        udfs.ceo_fee_increment([[1], [2]], [[1], [2], [3]])


@pytest.mark.parametrize("name", sorted(udfs.EXCEL_FUNCTIONS))
def test_cell_wise_arguments_are_those_the_model_maps_cell_by_cell(name):
    """Each argument declared cell-wise answers a 2-cell range with 2 cells; the others do not broadcast."""
    from test_bad_input import BASE

    fn = udfs.EXCEL_FUNCTIONS[name]
    if name == "CEO_LAST_ERROR":
        assert fn.elementwise == frozenset()
        return
    for arg, good in BASE[name].items():
        if isinstance(good, list) or good is None:
            assert arg not in fn.elementwise, f"{name}({arg}) is a whole range"
            continue
        try:
            shape = np.shape(fn.__wrapped__(**{**BASE[name], arg: [[good], [good]]}))
        except CEOModelError:
            shape = None
        assert (shape == (2, 1)) is (arg in fn.elementwise), f"{name}({arg})"


def model_message(udf, *args) -> str:
    """The message of the model's own exception for this call (what the reason must repeat)."""
    with pytest.raises(CEOModelError) as info:
        udf.__wrapped__(*args)
    return str(info.value)


# --- the reason --------------------------------------------------------------------------------------------------------


def test_log_names_function_argument_and_cell(caplog):
    with caplog.at_level(logging.WARNING, logger="ceo_model.udfs"), use_runtime(Runtime.OFFICEJS, CELL):
        udfs.ceo_fee([[1_000_000], [-5]])
    (record,) = caplog.records
    assert record.getMessage() == f"CEO_FEE in {CELL}: #NUM! gross at row 2, column 1: must not be negative (got -5)"


def test_last_error_of_a_cell_by_address_in_every_spelling():
    with use_runtime(Runtime.OFFICEJS, CELL):
        udfs.ceo_warrant_strike(-4.04)
    expected = f"#NUM! CEO_WARRANT_STRIKE: {model_message(udfs.ceo_warrant_strike, -4.04)}"
    assert expected.startswith("#NUM! CEO_WARRANT_STRIKE: vwap: must be")
    assert udfs.ceo_last_error("Calculations!B7") == expected
    assert udfs.ceo_last_error("[CEO_Model.xlsm]Calculations!$B$7") == expected
    assert udfs.ceo_last_error("'Calculations'!b7:c9") == expected
    with use_runtime(Runtime.OFFICEJS, "[CEO_Model.xlsm]Calculations!D1"):  # CEO_LAST_ERROR on the same sheet
        assert udfs.ceo_last_error([["$B$7"]]) == expected
    with use_runtime(Runtime.OFFICEJS, "[CEO_Model.xlsm]Outputs!D1"):  # on another sheet: B7 is Outputs!B7
        assert udfs.ceo_last_error("B7") == ""
    assert udfs.ceo_last_error("Calculations!B8") == ""


def test_last_error_is_cleared_when_the_cell_succeeds():
    with use_runtime(Runtime.OFFICEJS, CELL):
        udfs.ceo_fee(-1)
        assert udfs.ceo_last_error("Calculations!B7").startswith("#NUM! CEO_FEE")
        assert udfs.ceo_fee(10_000_000) == 400_000
    assert udfs.ceo_last_error("Calculations!B7") == ""


def test_last_error_keeps_type_errors_that_officejs_raises():
    with use_runtime(Runtime.OFFICEJS, CELL), pytest.raises(CEOModelError):
        udfs.ceo_fee("abc")
    assert udfs.ceo_last_error("Calculations!B7") == "#VALUE! CEO_FEE: gross: must be a number, not the text 'abc'"


def test_last_error_without_a_cell_is_the_most_recent_one():
    udfs.ceo_fee(-1)
    udfs.runway_months(1, 0)
    assert udfs.ceo_last_error() == f"#NUM! RUNWAY_MONTHS: {model_message(udfs.runway_months, 1, 0)}"
    assert "monthly_burn" in udfs.ceo_last_error()


@pytest.mark.parametrize("bad", [5, True, "not an address", "Sheet1!"])
def test_last_error_refuses_what_is_not_an_address(bad):
    with pytest.raises(CEOModelError) as info:
        udfs.ceo_last_error(bad)
    assert info.value.argument == "cell" and udfs.excel_error_code(info.value) == "#VALUE!"


# --- headless recalculation: IFERROR / ISERROR over CEO_* errors ---------------------------------------------------

FORMULAS = {
    "B1": "=CEO_FEE(A1)",
    "C1": '=IFERROR(CEO_FEE(A1),"caught")',
    "D1": "=ISERROR(B1)",
    "E1": "=IFERROR(B1,1)",  # how the Checks sheet counts a failing check
    "F1": "=B1+1",
    "G1": "=ERROR.TYPE(B1)",
    "H1": '=IFERROR(CEO_FEE(A3),"type")',
    "I1": "=ERROR.TYPE(CEO_FEE(A3))",
    "J1": "=INDEX(CEO_FEE(A1:A2),2,1)",
    "K1": "=SUM(IFERROR(CEO_FEE(A1:A2),0))",
    "L1": "=CEO_FEE(A2)",
}


@pytest.mark.parametrize("engine", ["formulas", "libreoffice"])
def test_iferror_over_ceo_errors_in_headless_recalc(tmp_path, engine):
    if engine == "libreoffice":
        from conftest import require

        from workbook.engine import lo_engine

        require(lo_engine.usable(), f"LibreOffice engine: {lo_engine.unavailable_reason()}")
    wb = Workbook()
    ws = wb.active
    ws.title = "Calc"
    ws["A1"], ws["A2"], ws["A3"] = -1, 1_000_000, "abc"
    for ref, formula in FORMULAS.items():
        ws[ref] = formula
    source, target = tmp_path / "errors.xlsx", tmp_path / "recalculated.xlsx"
    wb.save(source)
    run = subprocess.run(
        [sys.executable, "-m", "workbook", "recalc", str(source), "-o", str(target), "--engine", engine],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    got = {ref: load_workbook(target, data_only=True)["Calc"][ref].value for ref in FORMULAS}
    # ERROR.TYPE numbers are Excel's: 3 = #VALUE!, 6 = #NUM!. LibreOffice shows an add-in's type error as its
    # Err:502 ("invalid argument", saved as #VALUE!); its ERROR.TYPE gives #N/A (docs/functions-and-runtimes.md).
    assert got == {
        "B1": "#NUM!",
        "C1": "caught",
        "D1": True,
        "E1": 1,
        "F1": "#NUM!",
        "G1": 6,
        "H1": "type",
        "I1": 3 if engine == "formulas" else "#N/A",
        # the good cell of a range with a bad one: 4% of 1,000,000, inside INDEX and SUM too (the add-in returns
        # every result as a matrix, so LibreOffice takes a range call's array in any formula)
        "J1": 40_000,
        "K1": 40_000,
        "L1": 40_000,
    }
    # stored as error cells (t="e"), not text
    xml = __import__("zipfile").ZipFile(target).read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="B1" t="e"><f>CEO_FEE(A1)</f><v>#NUM!</v></c>' in xml
