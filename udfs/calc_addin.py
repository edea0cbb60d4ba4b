"""Pack the CEO_* functions as a LibreOffice Calc add-in (``CEO_Model.oxt``), generated from ``udfs.EXCEL_FUNCTIONS``.

``python -m udfs.calc_addin [OUT.oxt]`` (``make oxt``) writes the extension;
``build.py`` writes ``CEO_Model.oxt`` beside the workbooks. Nothing in it is
written by hand per function: names, parameters and optional flags come from
the function table and the Python signatures, the help texts from the xlwings
``@xw.func``/``@xw.arg(doc=...)`` metadata, so a function added to the table
appears in Calc after the next pack.

The extension holds the IDL interface compiled by ``unoidl-write`` (package
``libreoffice-dev``; IDL names cannot contain underscores, so methods are
camelCase), ``CalcAddIns.xcu`` mapping each method to its Excel name
(``CompatibilityName``: ``=CEO_FEE(B4)`` in an .xlsx loads onto the add-in and
is saved back unchanged), the generic component :mod:`udfs.calc_component`,
and ``ceo_model_paths.json`` naming where this project and its packages are.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

IMPLEMENTATION = "org.ceomodel.CeoModelAddIn"
MODULE, INTERFACE = "org::ceomodel", "XCeoModel"
IDENTIFIER = "org.ceomodel.addin"
CALC_CATEGORY = "Add-In"  # Calc has a fixed set of categories; "CEO Model" is said in each description
VERSION = "0.1.0"
SDK_PROGRAMS = ("/usr/lib/libreoffice/sdk/bin/unoidl-write.bin", "/usr/lib/libreoffice/program/unoidl-write")
TYPE_LIBRARIES = ("/usr/lib/libreoffice/program/types.rdb", "/usr/lib/libreoffice/program/types/offapi.rdb")


class AddinError(RuntimeError):
    """The add-in cannot be packed here (no LibreOffice SDK)."""


def camel(name: str) -> str:
    """``ceo_fee`` → ``ceoFee``: the IDL name of a Python name."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# -- the function table, with xlwings' metadata --------------------------------------------------------------------


def _describe() -> list[dict]:
    """The function table with help texts, read with recording ``xw.func``/``xw.arg`` (in a fresh interpreter).

    On Linux xlwings makes its decorators no-ops, so they are replaced before
    ``udfs`` is imported by ones that only record what they are given.
    """
    import xlwings as xw

    recorded: dict[str, dict] = {}

    def entry(fn):
        return recorded.setdefault(fn.__name__, {"args": {}, "category": None})

    def func(f=None, **kwargs):
        def deco(fn):
            entry(fn)["category"] = kwargs.get("category")
            return fn

        return deco(f) if callable(f) else deco

    def arg(name, *_args, **kwargs):
        def deco(fn):
            entry(fn)["args"][name] = kwargs.get("doc", "")
            return fn

        return deco

    def ret(*_args, **_kwargs):
        return lambda fn: fn

    xw.func, xw.arg, xw.ret = func, arg, ret
    import udfs

    table = []
    for excel_name, fn in udfs.EXCEL_FUNCTIONS.items():
        meta = recorded.get(fn.__name__, {"args": {}, "category": None})
        params = []
        for p in inspect.signature(fn).parameters.values():
            params.append(
                {
                    "name": p.name,
                    "idl": camel(p.name),
                    "doc": meta["args"].get(p.name, ""),
                    "optional": p.default is not inspect.Parameter.empty,
                }
            )
        table.append(
            {
                "excel": excel_name,
                "python": fn.__name__,
                "idl": camel(fn.__name__),
                "doc": inspect.getdoc(fn) or "",
                "category": meta["category"],
                "params": params,
                "document": bool(getattr(fn, "calc_document", False)),
            }
        )
    return table


def function_table() -> list[dict]:
    """``[{excel, python, idl, doc, category, params: [{name, idl, doc, optional}], document}]`` in catalogue order
    (``document``: Calc passes the calling document first, see :mod:`udfs.calc_component`)."""
    run = subprocess.run(
        [sys.executable, __file__, "--describe"],  # as a script: udfs is not imported before the patch
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "XLWINGS_ON_SERVER": ""},
        cwd=str(project_root()),
    )
    if run.returncode != 0:
        raise AddinError(f"cannot read the function table: {run.stderr.strip()[-300:]}")
    return json.loads(run.stdout)


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


# -- generated parts ----------------------------------------------------------------------------------------------


def idl(table: list[dict]) -> str:
    def params(f: dict) -> str:
        # Calc passes the calling document to a first parameter of this type (not shown to the user)
        caller = ["[in] com::sun::star::beans::XPropertySet caller"] if f.get("document") else []
        return ", ".join(caller + ["[in] any " + p["idl"] for p in f["params"]])

    # every result is a matrix (a single value is 1 x 1): Calc takes an add-in's array result only in this type
    methods = "\n".join(f"        sequence< sequence< any > > {f['idl']}({params(f)});" for f in table)
    opening = "".join(f"module {m} {{ " for m in MODULE.split("::"))
    closing = "}; " * len(MODULE.split("::"))
    return (
        "#include <com/sun/star/uno/XInterface.idl>\n#include <com/sun/star/beans/XPropertySet.idl>\n"
        f"{opening}\n    interface {INTERFACE} : com::sun::star::uno::XInterface {{\n{methods}\n    }};\n{closing}\n"
    )


def _value(text: str, lang: bool = True) -> str:
    attr = ' xml:lang="en-US"' if lang else ""
    return f"<value{attr}>{escape(text)}</value>"


def calc_addins_xcu(table: list[dict]) -> str:
    functions = []
    for f in table:
        params = "".join(
            f'<node oor:name={quoteattr(p["idl"])} oor:op="replace">'
            f'<prop oor:name="DisplayName">{_value(p["name"] + ("" if not p["optional"] else " (optional)"))}</prop>'
            f'<prop oor:name="Description">{_value(p["doc"] or p["name"])}</prop></node>'
            for p in f["params"]
        )
        description = f["doc"] + (f" ({f['category']})" if f["category"] else "")
        functions.append(
            f'<node oor:name={quoteattr(f["idl"])} oor:op="replace">'
            f'<prop oor:name="DisplayName">{_value(f["excel"])}</prop>'
            f'<prop oor:name="Description">{_value(description)}</prop>'
            f'<prop oor:name="Category">{_value(CALC_CATEGORY, lang=False)}</prop>'
            f'<prop oor:name="CompatibilityName">{_value(f["excel"])}</prop>'
            f'<node oor:name="Parameters">{params}</node></node>\n'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" oor:name="CalcAddIns" oor:package="org.openoffice.Office">\n'
        f'<node oor:name="AddInInfo"><node oor:name="{IMPLEMENTATION}" oor:op="replace">'
        f'<node oor:name="AddInFunctions">\n{"".join(functions)}</node></node></node>\n</oor:component-data>\n'
    )


MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">
 <manifest:file-entry manifest:media-type="application/vnd.sun.star.uno-typelibrary;type=RDB" \
manifest:full-path="CeoModel.rdb"/>
 <manifest:file-entry manifest:media-type="application/vnd.sun.star.uno-components" \
manifest:full-path="ceo_model.components"/>
 <manifest:file-entry manifest:media-type="application/vnd.sun.star.configuration-data" \
manifest:full-path="CalcAddIns.xcu"/>
</manifest:manifest>
"""

COMPONENTS = f"""<?xml version="1.0" encoding="UTF-8"?>
<components xmlns="http://openoffice.org/2010/uno-components">
 <component loader="com.sun.star.loader.Python" uri="./ceo_addin.py">
  <implementation name="{IMPLEMENTATION}"><service name="com.sun.star.sheet.AddIn"/></implementation>
 </component>
</components>
"""

DESCRIPTION = f"""<?xml version="1.0" encoding="UTF-8"?>
<description xmlns="http://openoffice.org/extensions/description/2006"
             xmlns:xlink="http://www.w3.org/1999/xlink">
 <identifier value="{IDENTIFIER}"/>
 <version value="{VERSION}"/>
 <display-name><name lang="en-US">CEO Model functions (CEO_FEE, CEO_PLACEMENTS, ...)</name></display-name>
 <dependencies>
  <OpenOffice.org-minimal-version xmlns:d="http://openoffice.org/extensions/description/2006" \
d:name="LibreOffice 24.8" value="4.1"/>
 </dependencies>
</description>
"""


def paths_json() -> str:
    """Where the add-in finds the project and its packages: this environment, for a Python of the same minor."""
    paths = [str(project_root())]
    for key in ("purelib", "platlib"):
        path = sysconfig.get_paths()[key]
        if path not in paths:
            paths.append(path)
    return json.dumps({"python": list(sys.version_info[:2]), "sys_path": paths}, indent=1)


def unoidl_write() -> str | None:
    for program in (shutil.which("unoidl-write.bin"), *SDK_PROGRAMS, shutil.which("unoidl-write")):
        if program and os.access(program, os.X_OK):
            return program
    return None


def _compile(idl_text: str, out: Path) -> None:
    program = unoidl_write()
    libraries = [t for t in TYPE_LIBRARIES if Path(t).exists()]
    if program is None or not libraries:
        raise AddinError("cannot pack the LibreOffice add-in: unoidl-write not found (apt-get install libreoffice-dev)")
    with tempfile.TemporaryDirectory(prefix="ceo_idl_") as tmp:
        source = Path(tmp) / "XCeoModel.idl"
        source.write_text(idl_text, encoding="utf-8")
        env = {**os.environ, "LD_LIBRARY_PATH": "/usr/lib/libreoffice/program"}
        run = subprocess.run(
            [program, *libraries, str(source), str(out)], capture_output=True, text=True, env=env, check=False
        )
    if run.returncode != 0 or not out.exists():
        raise AddinError(f"unoidl-write failed: {(run.stderr or run.stdout).strip()[:300]}")


def pack(target: Path, table: list[dict] | None = None) -> Path:
    """Write the extension to ``target`` (atomically) and return it."""
    table = table if table is not None else function_table()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ceo_oxt_") as tmp:
        rdb = Path(tmp) / "CeoModel.rdb"
        _compile(idl(table), rdb)
        partial = Path(tmp) / target.name
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as oxt:
            oxt.writestr("META-INF/manifest.xml", MANIFEST)
            oxt.writestr("description.xml", DESCRIPTION)
            oxt.writestr("ceo_model.components", COMPONENTS)
            oxt.writestr("CalcAddIns.xcu", calc_addins_xcu(table))
            oxt.write(rdb, "CeoModel.rdb")
            oxt.writestr("ceo_addin.py", (Path(__file__).parent / "calc_component.py").read_text(encoding="utf-8"))
            oxt.writestr("ceo_model_paths.json", paths_json())
        staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # beside the target: the rename is atomic
        shutil.move(str(partial), staged)
        os.replace(staged, target)  # another process packing the same add-in at once never sees half a file
    return target


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--describe"]:
        sys.path[:1] = [str(project_root())]  # not udfs/ itself: its modules would shadow others
        print(json.dumps(_describe()))
        return 0
    target = Path(argv[0]) if argv else Path("dist") / "CEO_Model.oxt"
    try:
        pack(target)
    except (AddinError, OSError) as exc:
        print(f"oxt: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {target} (install: unopkg add {target}, as root unopkg add --shared; or Tools › Extension Manager)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
