"""Check your own model workbooks in CI: recalculate headlessly, read named results, validate.

Plain functions, usable from pytest or any script::

    from workbook.testing import assert_valid, recalculated

    def test_my_model():
        out = recalculated("my_model.xlsx")       # every defined name, after recalculation
        assert out["ChecksTotal"] == 0
        assert out["OutNetProceeds"] == pytest.approx(24_100_000, abs=0.01)
        assert_valid("my_model.xlsx")               # no error findings (warnings allowed)

Nothing is written: the file is recalculated by the engine ``recalc`` would
choose (LibreOffice with the CEO add-in when it can run, else the ``formulas``
package; ``engine=`` picks one). Results are cached per file (path, size and
modification time) and engine, so many tests on one workbook pay for one
recalculation. Files are read with the same safety checks as the
command line (:mod:`workbook.kit.safety`).
"""

from __future__ import annotations

import functools
from pathlib import Path

from workbook.validate import ERROR, Finding, validate

__all__ = ["assert_valid", "findings", "recalculated"]


def recalculated(path: str | Path, *, engine: str | None = None) -> dict[str, object]:
    """``{defined name: value}`` after a headless recalculation of ``path``.

    A name of one cell gives its value (numbers as float/int, text as str,
    Excel errors as strings such as ``"#DIV/0!"``); a name of a range gives a
    list of rows. Input cells give what is typed in them (dates as
    ``datetime``); formula cells give their recalculated value (dates as
    Excel serial numbers).
    """
    from workbook.engine.engines import choose

    path = Path(path).resolve()
    stat = path.stat()
    return dict(_recalculated(str(path), stat.st_size, stat.st_mtime_ns, choose(engine)))


@functools.lru_cache(maxsize=16)
def _recalculated(path: str, _size: int, _mtime: int, engine: str) -> tuple[tuple[str, object], ...]:
    import warnings

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter, range_boundaries

    from workbook.engine.engines import compute
    from workbook.kit.safety import check_package
    from workbook.reading.existing import parse_ref

    check_package(Path(path))
    values = compute(path, engine)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(path, data_only=False)
    out = {}
    for name, defined in book.defined_names.items():
        found = parse_ref(defined.attr_text or "")
        if found is None or found[0] not in book.sheetnames:
            continue
        sheet, ref = found
        c1, r1, c2, r2 = range_boundaries(ref)

        def value(r: int, c: int, sheet=sheet):
            key = (sheet, f"{get_column_letter(c)}{r}")
            if key in values:
                return values[key]
            cell = book[sheet].cell(row=r, column=c)
            return None if cell.data_type == "f" else cell.value

        if (c1, r1) == (c2, r2):
            out[name] = value(r1, c1)
        else:
            out[name] = [[value(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
    return tuple(out.items())


def findings(path: str | Path, *, recalc: bool = False, engine: str | None = None) -> list[Finding]:
    """Every validation finding for ``path`` (see ``ceo-model validate``)."""
    return validate(Path(path), recalc=recalc, engine=engine).findings


def assert_valid(path: str | Path, *, recalc: bool = True, engine: str | None = None) -> None:
    """Fail with every error finding (``Sheet!A1 rule message``) unless there is none."""
    errors = [f for f in findings(path, recalc=recalc, engine=engine) if f.severity == ERROR]
    if errors:
        lines = "\n".join(f"  {f.location} {f.rule} {f.message}" for f in errors)
        raise AssertionError(f"{Path(path).name}: {len(errors)} validation error(s)\n{lines}")
