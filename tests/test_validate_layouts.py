"""Validation builds ONE expected layout per call, and the flavour it picks is the one both layouts would pick.

Building a layout is the costly step of validation (seconds at 10,000
placements). Counted here by wrapping :class:`workbook.kit.layout.Layout`'s
constructor; the flavour is checked against
:func:`workbook.reading.existing.detect_flavour` given both flavours' layouts.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

import workbook.kit.layout as layout_module
from udfs import EXCEL_FUNCTIONS
from workbook.kit import formula_text as ft
from workbook.kit.layout import ARRAY_PART, build_layout
from workbook.reading.existing import detect_flavour, open_workbook, read_inputs
from workbook.sheets.template import FLAVOURS
from workbook.validate import validate
from workbook.validate.flavour import expected_layout


def _addin(text: str) -> bool:
    return not EXCEL_FUNCTIONS.keys().isdisjoint(ft.functions(text))


@pytest.fixture
def layouts_built(monkeypatch):
    """A list that grows by one flavour name each time a Layout is constructed."""
    made: list[str] = []
    original = layout_module.Layout.__init__

    def counting(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self.flavour)

    monkeypatch.setattr(layout_module.Layout, "__init__", counting)
    return made


def _tampered(src, tmp_path, name, edit):
    book = load_workbook(src)
    edit(book)
    out = tmp_path / name
    book.save(out)
    return out


def _files(built, tmp_path):
    udf, native = built["udf"].path, built["native"].path
    ref = built["native"].layout.names["TotalGross"].split("!")[1].replace("$", "")
    price = built["udf"].layout.names["SharePrice"].split("!")[1].replace("$", "")
    return {
        "udf": udf,
        "native": native,
        "native, a formula edited": _tampered(
            native, tmp_path, "n1.xlsx", lambda b: b["Calculations"].__setitem__(ref, "=SUM(LedgerNet)")
        ),
        "udf, a formula replaced by a constant": _tampered(
            udf, tmp_path, "u1.xlsx", lambda b: b["Calculations"].__setitem__(ref, 1.0)
        ),
        "udf, an input edited": _tampered(udf, tmp_path, "u2.xlsx", lambda b: b["Inputs"].__setitem__(price, "x")),
        "udf, the Cover's flavour line gone": _tampered(
            udf, tmp_path, "u3.xlsx", lambda b: b["Cover"].__setitem__("A7", None)
        ),
        "native saying udf on its Cover": _tampered(
            native, tmp_path, "n2.xlsx", lambda b: b["Cover"].__setitem__("A7", "Flavour: udf")
        ),
    }


def test_one_layout_per_validation(built, tmp_path, layouts_built):
    files = _files(built, tmp_path)
    validate(files["udf"])  # the default deal's input positions are built once per process (read_inputs)
    for what, path in files.items():
        layouts_built.clear()
        validate(path)
        # a Cover naming the other flavour makes the first layout the wrong one: then, and only then, two
        assert len(layouts_built) == (2 if what == "native saying udf on its Cover" else 1), (what, layouts_built)


def test_before_this_change_validation_built_three(built, layouts_built):
    """The figure the change is measured against: read_inputs' positions, then both flavours to pick one (3)."""
    opened = open_workbook(built["udf"].path)
    sheets = read_inputs(opened).sheets
    layouts_built.clear()
    detect_flavour(opened.book, {f: build_layout(f, sheets) for f in FLAVOURS})
    assert len(layouts_built) == 2  # + the positions read_inputs builds, now cached: 3 per call before


def test_the_flavour_is_the_one_both_layouts_pick(built, tmp_path):
    for what, path in _files(built, tmp_path).items():
        opened = open_workbook(path)
        sheets = read_inputs(opened).sheets
        both = detect_flavour(opened.book, {f: build_layout(f, sheets) for f in FLAVOURS})
        flavour, lay = expected_layout(opened.book, sheets)
        assert (flavour, lay.flavour) == (both, both), what


@pytest.mark.parametrize("deal", ["prospectus", "modern"])
def test_flavours_differ_only_where_the_udf_calls_the_add_in(deal, built, modern):
    """What expected_layout bounds the other flavour's score by: the native flavour never calls the add-in; a udf
    formula differs from the native one only by calling it; the native flavour's extra formula cells are cells a udf
    array formula fills (of the same line item)."""
    path = built["udf"].path if deal == "prospectus" else modern["udf"]
    sheets = read_inputs(open_workbook(path)).sheets
    udf, native = (build_layout(f, sheets) for f in ("udf", "native"))
    assert not any(_addin(spec.value) for _, _, spec in native.formula_cells())
    differ = [
        (s, r)
        for s, r, spec in udf.formula_cells()
        if native.cells[s][r].value != spec.value and not _addin(spec.value)
    ]
    assert differ == []
    ours = {(s, r) for s, r, _ in udf.formula_cells()}
    extra = [(s, r, spec.line) for s, r, spec in native.formula_cells() if (s, r) not in ours]
    assert extra and all(udf.cells[s][r].role == ARRAY_PART and udf.cells[s][r].line == line for s, r, line in extra)
    assert not ours - {(s, r) for s, r, _ in native.formula_cells()}
