"""The VBA module that gives classic Excel (xlwings on Windows) real ``#NUM!``/``#VALUE!`` cells.

Why VBA: a classic xlwings function answers through pywin32's COM server, and
pywin32 cannot return an Excel error value. It turns a
``win32com.client.VARIANT(VT_ERROR, code)`` into ``DISP_E_PARAMNOTFOUND``
whatever the code (``com/win32com/src/oleargs.cpp``,
``PythonOleArgHelper::MakeObjToVariant``: ``case VT_ERROR: V_ERROR(var) =
DISP_E_PARAMNOTFOUND;``, pywin32 b312) and makes ``VT_ERROR`` nowhere else. So
the CEO_* functions answer an error as the string ``"#NUM!"`` (as for
Office.js), which crosses COM as text, and the VBA wrapper turns it into
``CVErr(xlErrNum)``: Microsoft's documented way for a VBA function to put
``#NUM!`` in its cell.

xlwings' *Import Functions* writes the wrappers itself (``xlwings/udfs.py``,
``generate_vba_wrapper``: ``f = XLPy.CallUDF(...)``, ``failed: f =
Err.Description``) with no hook for the answer. This module writes the same
wrappers, line for line, except that the answer passes through
``CEOExcelValue`` (which maps the seven Excel error strings, element by element
in a range, and leaves everything else alone). The module is named
``xlwings_udfs`` like xlwings' own, so clicking *Import Functions* later
replaces it (and the cells show text again) instead of clashing with it.

    python -m udfs.vba -o CEO_Model_udfs.bas
"""

from __future__ import annotations

import argparse
import inspect
import io
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from udfs.errors import XL_ERROR_CODES

MODULE_NAME = "udfs"
"""The UDF module xlwings imports (``UDF Modules`` = ``udfs``)."""

CONVERTER = "CEOExcelValue"

_CONVERTER_CODE = """\
' CEO Model: an answer of "#NUM!", "#VALUE!" ... (a whole answer, or cells of a range) becomes a real
' Excel error, CVErr(xlErrNum) ...; everything else is returned unchanged.
Private Function CEOExcelValue(ByVal answer As Variant) As Variant
    Dim i As Long, j As Long
    If IsArray(answer) Then
        If CEOArrayRank(answer) = 1 Then
            For i = LBound(answer) To UBound(answer)
                answer(i) = CEOExcelError(answer(i))
            Next i
        Else
            For i = LBound(answer, 1) To UBound(answer, 1)
                For j = LBound(answer, 2) To UBound(answer, 2)
                    answer(i, j) = CEOExcelError(answer(i, j))
                Next j
            Next i
        End If
        CEOExcelValue = answer
    Else
        CEOExcelValue = CEOExcelError(answer)
    End If
End Function

Private Function CEOExcelError(ByVal value As Variant) As Variant
    CEOExcelError = value
    If VarType(value) = vbString Then
        Select Case value
{cases}
        End Select
    End If
End Function

Private Function CEOArrayRank(ByRef answer As Variant) As Long
    Dim rank As Long, bound As Long
    On Error GoTo done
    Do
        bound = UBound(answer, rank + 1)
        rank = rank + 1
    Loop
done:
    CEOArrayRank = rank
End Function
"""


def converter_code() -> str:
    """The VBA of ``CEOExcelValue`` (and its helpers), with Excel's CVErr numbers (xlErrNum = 2036 …)."""
    cases = "\n".join(
        f'            Case "{text}": CEOExcelError = CVErr({code})'
        for text, code in sorted(XL_ERROR_CODES.items(), key=lambda item: item[1])
    )
    return _CONVERTER_CODE.replace("{cases}", cases)


def _signature(fn: Callable) -> tuple[list[str], set[str], str | None]:
    """Argument names, the optional ones and the ParamArray one, as xlwings' ``func_sig`` reads them."""
    names, optional, vararg = [], set(), None
    for p in inspect.signature(fn).parameters.values():
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            names.append(p.name)
            if p.default is not inspect.Parameter.empty:
                optional.add(p.name)
        elif p.kind is inspect.Parameter.VAR_POSITIONAL:
            names.append(p.name)
            vararg = p.name
        else:
            raise ValueError(f"{fn.__name__}: xlwings does not support keyword-only arguments ({p.name})")
    return names, optional, vararg


def wrapper(fn: Callable, *, workbook: str = "ThisWorkbook") -> str:
    """The VBA wrapper of one function: xlwings 0.37.8's ``generate_vba_wrapper`` plus ``CEOExcelValue``."""
    name = fn.__name__
    names, optional, vararg = _signature(fn)
    if vararg:
        raise ValueError(f"{name}: a ParamArray function is not supported here")
    params = ", ".join(("Optional " if arg in optional else "") + arg for arg in names)
    call = f'XLPy.CallUDF("{MODULE_NAME}", "{name}", Array({", ".join(names)})'
    out = io.StringIO()
    out.write(f"Function {name}({params})\n")
    out.write('    #If App = "Microsoft Excel" Then\n')
    out.write("        If TypeOf Application.Caller Is Range Then On Error GoTo failed\n")
    out.write(f"        {name} = {CONVERTER}({call}, {workbook}, Application.Caller))\n")
    out.write("        Exit Function\n")
    out.write("    #Else\n")
    out.write(f"        {name} = {CONVERTER}({call}))\n")
    out.write("        Exit Function\n")
    out.write("    #End If\n")
    out.write("failed:\n")
    out.write(f"    {name} = Err.Description\n")
    out.write("End Function\n\n")
    return out.getvalue()


def module_text(functions: Iterable[Callable] | None = None) -> str:
    """The whole ``.bas`` file: xlwings' module header, one wrapper per CEO_* function, the converter."""
    if functions is None:
        import udfs

        functions = udfs.EXCEL_FUNCTIONS.values()
    lines = [
        'Attribute VB_Name = "xlwings_udfs"\n',
        "'Autogenerated code by xlwings - changes will be lost with next import!\n",
        """#Const App = "Microsoft Excel" 'Adjust when using outside of Excel\n""",
        "' Written by CEO Model (python -m udfs.vba): xlwings' wrappers, whose answers pass through\n",
        "' CEOExcelValue so that a CEO_* error is a real Excel error. Import Functions replaces this module.\n",
    ]
    lines += [wrapper(fn) for fn in sorted(functions, key=lambda fn: fn.__name__)]
    lines.append(converter_code())
    return "".join(lines)


def write(path: Path) -> Path:
    """Write the module to ``path`` as Excel's VBA editor reads a ``.bas`` (ANSI, CRLF line ends)."""
    path.write_bytes(module_text().replace("\n", "\r\n").encode("ascii"))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m udfs.vba",
        description="Write the VBA module (xlwings_udfs) whose CEO_* wrappers show real Excel errors.",
    )
    parser.add_argument("-o", "--output", type=Path, help="the .bas file to write (default: standard output)")
    args = parser.parse_args(argv)
    text = module_text()
    if args.output is None:
        sys.stdout.write(text)
        return 0
    if args.output.suffix.lower() != ".bas":
        print(f"--output: must be a .bas file (got {args.output})", file=sys.stderr)
        return 2
    if not args.output.parent.is_dir():
        print(f"--output: folder {args.output.parent} does not exist", file=sys.stderr)
        return 2
    try:
        write(args.output)
    except OSError as exc:
        print(f"--output: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {args.output} ({text.count(f'= {CONVERTER}(XLPy.CallUDF(') // 2} functions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
