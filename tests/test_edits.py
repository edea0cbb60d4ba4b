"""What applications rewrite is not an edit; what a person edits is never lost (issue 9, without LibreOffice).

The serialisations compared here are the ones LibreOffice 25.2 wrote when it
re-saved our workbooks (observed in its files): ``TRUE()`` for ``TRUE``,
lower-case names of functions it does not know, ``$`` on references.
"""

from __future__ import annotations

import pytest

from workbook.engine.recalc import ExcelErrorValue, write_cached_values
from workbook.kit import formula_text as ft
from workbook.validate import validate


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        # LibreOffice writes the logical constants as functions
        ("=_xlfn.NORM.S.DIST(BsmD1,TRUE)", "=_xlfn.NORM.S.DIST(BsmD1,TRUE())"),
        ("=IF(A1,FALSE,1)", "=IF(A1,FALSE( ),1)"),
        # functions it does not know (the add-in's) are written in lower case
        ("=CEO_FEE(G5,Schedule)", "=ceo_fee(G5,Schedule)"),
        # prefixes Excel adds for newer functions
        ("=NORM.S.DIST(x,TRUE)", "=_xlfn.NORM.S.DIST(x,TRUE)"),
        ("=FILTER(A1:A3,B1:B3)", "=_xlfn._xlws.FILTER(A1:A3,B1:B3)"),
        # absolute/relative, quoting of sheet names, whitespace
        ("=Inputs!$T$8", "=Inputs!T8"),
        ("=Inputs!T8", "='Inputs'!T8"),
        ("=SUM( A1 , B1 )", "=SUM(A1,B1)"),
        ("=1.0+A1", "=1+A1"),
    ],
)
def test_rewritten_serialisation_is_the_same_formula(ours, theirs):
    assert ft.normalised(ours) == ft.normalised(theirs)
    if "$" not in ours:  # R1C1 keeps absolute and relative apart: line-item consistency depends on it
        assert ft.r1c1(ours, 5, 2) == ft.r1c1(theirs, 5, 2)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("=NORM.S.DIST(x,TRUE)", "=NORM.S.DIST(x,FALSE())"),
        ('=IF(A1,"TRUE()",1)', '=IF(A1,"TRUE",1)'),  # text inside strings is compared as written
        ("=Inputs!T8", "=Inputs!T9"),
        ("=TRUE", "=TRUE(1)"),
    ],
)
def test_different_formulas_stay_different(ours, theirs):
    assert ft.normalised(ours) != ft.normalised(theirs)


def test_a_name_error_outside_the_addin_is_not_blamed_on_it(built, tmp_path):
    """(A009 itself is tested in test_validate.py.)"""
    b = built["native"]
    key = next((s, r) for s, r, spec in b.layout.formula_cells() if spec.name == "TotalCommission")
    path = tmp_path / "one_error.xlsx"
    write_cached_values(b.path, {**b.values, key: ExcelErrorValue("#NAME?")}, path)
    rules = [f.rule for f in validate(path).findings]
    assert rules == ["A001"]  # a #NAME? outside the add-in's functions is not blamed on the add-in


# -- never lose a user's edit (item 4) -------------------------------------------------------------------------
EDITED = (
    "edited since it was built: carry your inputs into a new build with 'ceo-model refresh FILE' "
    "(build.py --refresh FILE), or use --force to replace it"
)


def _rebuild(out, capsys, *extra: str) -> tuple[int, str]:
    import build as build_cli

    code = build_cli.main(["--out", str(out), "--flavour", "native", "--no-picture", *extra])
    return code, capsys.readouterr().err


def _copy_of_native(built, tmp_path):
    import shutil

    out = tmp_path / "dist"
    out.mkdir()
    path = out / "CEO_Model_native.xlsx"
    shutil.copy(built["native"].path, path)
    return out, path


def _edit_named(path, name: str, value) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet, ref = book.defined_names[name].attr_text.split("!")
    book[sheet.strip("'")][ref.replace("$", "").split(":")[0]] = value
    book.save(path)


@pytest.mark.parametrize(("name", "value"), [("SharePrice", 5.5), ("PlacementShares", 123_456)])
def test_rebuilding_over_an_edited_workbook_refuses_and_keeps_the_edit(built, tmp_path, capsys, name, value):
    out, path = _copy_of_native(built, tmp_path)
    _edit_named(path, name, value)  # a typed input, or the first placement's shares
    before = path.read_bytes()
    code, err = _rebuild(out, capsys)
    assert code == 2
    assert err == f"build.py: {path}: {EDITED}\n"
    assert path.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["CEO_Model_native.xlsx"]  # no temporary file left behind
    code, err = _rebuild(out, capsys, "--force")
    assert (code, err) == (0, "")
    assert path.read_bytes() != before


def test_rebuilding_over_an_unedited_workbook_replaces_it(built, tmp_path, capsys):
    out, path = _copy_of_native(built, tmp_path)
    _edit_named(path, "SharePrice", 4.04)  # re-saved by openpyxl, the value typed again: not an edit
    code, err = _rebuild(out, capsys)
    assert (code, err) == (0, "")
    code, err = _rebuild(out, capsys)  # and the new build can itself be rebuilt
    assert (code, err) == (0, "")


def test_a_changed_note_beside_the_inputs_counts_as_an_edit(built, tmp_path):
    from openpyxl import load_workbook

    from workbook.kit.fingerprint import edit_status

    _, path = _copy_of_native(built, tmp_path)
    assert edit_status(path) is None
    book = load_workbook(path)
    book["Inputs"]["F6"] = "my note on the source"
    book.save(path)
    assert edit_status(path) == EDITED


def test_a_workbook_built_before_fingerprints_is_not_replaced(built, tmp_path, capsys):
    from openpyxl import load_workbook

    out, path = _copy_of_native(built, tmp_path)
    book = load_workbook(path)
    book.custom_doc_props.props.clear()
    book.save(path)
    code, err = _rebuild(out, capsys)
    assert code == 2
    assert "no fingerprint" in err and "--refresh" in err and "--force" in err and str(path) in err


def test_an_edited_native_workbook_stops_the_udf_one_being_rebuilt_too(built, tmp_path, capsys):
    """``--flavour both`` refuses before writing anything, so the pair stays as the person left it."""
    import shutil

    out, native = _copy_of_native(built, tmp_path)
    udf = out / "CEO_Model.xlsx"
    shutil.copy(built["udf"].path, udf)
    _edit_named(native, "SharePrice", 5.5)
    before = udf.read_bytes(), native.read_bytes()
    import build as build_cli

    assert build_cli.main(["--out", str(out), "--no-picture"]) == 2
    assert capsys.readouterr().err == f"build.py: {native}: {EDITED}\n"
    assert (udf.read_bytes(), native.read_bytes()) == before
