"""Template refresh: ``python build.py --refresh OLD [-o NEW]`` carries every input and changes nothing else.

The round trip is checked on random inputs typed into a built workbook (as a
user types them): NEW has the same inputs as OLD, cell by cell, and the same
value in every formula cell as OLD recalculated. OLD is never modified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
from helpers import comparable
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.datetime import to_excel

import build as build_cli
import model
from workbook.commands.refresh import default_target, refresh
from workbook.engine import engines
from workbook.generate import build
from workbook.kit.files import RefusedOverwrite
from workbook.kit.layout import INPUT, build_layout
from workbook.kit.safety import UnreadableWorkbook
from workbook.kit.spec import Kind
from workbook.reading.existing import plain
from workbook.sheets.template import template


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def all_cells(path: Path, *, data_only: bool) -> dict:
    book = load_workbook(path, data_only=data_only)
    return {
        (ws.title, cell.coordinate): comparable(plain(cell.value))
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    }


def input_cells(path: Path, flavour: str) -> dict:
    """Every input cell of the file's layout, with what is typed in it."""
    book = load_workbook(path)
    names = {n: d.attr_text for n, d in book.defined_names.items()}
    capacity = int(names["PlacementShares"].rsplit("$", 1)[-1]) - 4
    rows = [{"Trade date": None, "Shares": None, "Price": None}] * capacity
    import pandas as pd

    lay = build_layout(flavour, template(placements=pd.DataFrame(rows)))
    return {
        (sheet, ref): plain(book[sheet][ref].value)
        for sheet, cells in lay.cells.items()
        for ref, spec in cells.items()
        if spec.role == INPUT
    }


def test_refresh_of_a_clean_build_reproduces_it_cell_for_cell(built, tmp_path, capsys):
    old = tmp_path / "CEO_Model.xlsx"
    shutil.copy(built["udf"].path, old)
    before = digest(old)
    assert build_cli.main(["--refresh", str(old)]) == 0
    out = capsys.readouterr().out
    new = default_target(old)
    assert new == tmp_path / "CEO_Model_refreshed.xlsx" and new.exists()
    assert "every input was carried" in out and "udf flavour" in out
    assert digest(old) == before
    for data_only in (False, True):  # formulas and cached values
        assert all_cells(new, data_only=data_only) == all_cells(old, data_only=data_only)


# -- the round trip on random inputs --------------------------------------------------------------

INJECTIONS = ("=1+2", "+SUM(A1:A9)", "-2+3", "@cmd|'/c calc'!A0", '=HYPERLINK("http://x","y")')


@st.composite
def user_edits(draw, layout):
    """{(sheet, ref): value}: random scalar inputs, a random block cell, random placements, one text injection."""
    edits = {}
    scalars = [i for i in layout.inputs.values() if i.kind in (Kind.DECIMAL, Kind.WHOLE)]
    where = {name: layout.names[name].split("!") for name in layout.inputs}
    for inp in draw(st.lists(st.sampled_from(scalars), min_size=1, max_size=8, unique_by=lambda i: i.name)):
        low, high = float(inp.low), float(min(inp.high, 1e10))
        if inp.kind is Kind.WHOLE:
            value = draw(st.integers(int(low), int(high)))
        else:
            value = draw(st.floats(low, high, allow_nan=False, allow_infinity=False))
        sheet, ref = where[inp.name]
        edits[(sheet, ref.replace("$", ""))] = value
    block_cells = [
        (sheet, ref)
        for sheet, cells in layout.cells.items()
        for ref, spec in cells.items()
        if spec.role == INPUT and sheet == "Inputs" and not spec.name and isinstance(spec.value, float)
    ]
    sheet, ref = draw(st.sampled_from(block_cells))
    edits[(sheet, ref)] = draw(st.floats(0.5, 50, allow_nan=False))
    n = draw(st.integers(0, 50))
    for i in range(n):
        r = 5 + i
        if draw(st.integers(0, 9)) == 0:
            continue  # an empty row between placements
        edits[("Placements", f"A{r}")] = dt.date(2001, 11, 1) + dt.timedelta(days=draw(st.integers(0, 700)))
        edits[("Placements", f"B{r}")] = draw(st.integers(1, 400_000))
        edits[("Placements", f"C{r}")] = round(draw(st.floats(0.5, 12, allow_nan=False)), 2)
    for r in range(5 + n, 55):
        for c in "ABC":
            edits[("Placements", f"{c}{r}")] = None
    text_at = draw(st.sampled_from([("Placements", f"C{5 + max(n, 1) - 1}"), ("Inputs", ref)]))
    edits[text_at] = draw(st.sampled_from(INJECTIONS))
    return edits


@pytest.fixture(scope="module")
def native_layout():
    return build_layout("native", template())


@settings(
    max_examples=3,
    deadline=None,
    # shrinking on: it costs nothing while the property holds, and a failure is reported at its smallest edits
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_round_trip_keeps_every_input_and_output(built, native_layout, tmp_path_factory, data):
    edits = data.draw(user_edits(native_layout))
    folder = tmp_path_factory.mktemp("roundtrip")
    old = folder / "deal.xlsx"
    book = load_workbook(built["native"].path)
    for (sheet, ref), value in edits.items():
        book[sheet][ref] = value
        if isinstance(value, str):
            book[sheet][ref].data_type = "s"  # typed as text, as Excel stores it
    book.save(old)
    before = digest(old)

    done = refresh(old)

    assert digest(old) == before
    assert done.complete, done.inputs.not_carried
    new = done.new
    assert input_cells(new, "native") == input_cells(old, "native")
    new_book = load_workbook(new)
    for (sheet, ref), value in edits.items():
        if isinstance(value, str):
            cell = new_book[sheet][ref]
            assert (cell.value, cell.data_type) == (value, "s"), f"{sheet}!{ref} must stay text"
    # OLD recalculated (openpyxl saved it without values) by the engine that built NEW
    expected = engines.compute(old, done.built.engine)
    cached = load_workbook(new, data_only=True)
    formulas = [(s, r) for s, r, _ in done.built.layout.formula_cells()]
    differ = {}
    for sheet, ref in formulas:
        want, got = expected.get((sheet, ref)), cached[sheet][ref].value
        want = 0 if want is None else want
        if isinstance(got, dt.datetime | dt.date | dt.time):  # date-formatted cells read back as dates
            got = to_excel(got)
        if want != got and str(want) != str(got):
            differ[f"{sheet}!{ref}"] = (want, got)
    assert not differ, dict(list(differ.items())[:5])


# -- what cannot be carried, and refusals ------------------------------------------------------------


def test_report_of_what_could_not_be_carried(built, tmp_path, capsys):
    old = tmp_path / "edited.xlsx"
    book = load_workbook(built["native"].path)
    book["Placements"]["B60"], book["Placements"]["C60"] = 1000, 4.5  # below the 50-row table
    sheet, ref = book.defined_names["WarrantTermYears"].attr_text.replace("$", "").split("!")
    book[sheet][ref] = "=CashlessAfterYears*5"  # a formula typed into an input
    book.save(old)
    new = tmp_path / "out" / "refreshed.xlsx"
    assert build_cli.main(["--refresh", str(old), "-o", str(new)]) == 1
    out = capsys.readouterr().out
    assert "NOT carried (1)" in out and "rows 60–60" in out
    assert f"({sheet}!{ref}) held the formula =CashlessAfterYears*5" in out
    assert new.exists()
    # the formula's last value is carried, not the formula (openpyxl saved OLD without values: empty)
    assert load_workbook(new)[sheet][ref].value is None


def test_block_sizes_follow_the_old_workbook(tmp_path):
    """A workbook built with a two-tier schedule and 60 placements keeps both through a refresh."""
    import pandas as pd

    schedule = model.Schedule.from_rows([[0, 1.5e7, 0.05], [1.5e7, 2.5e7, 0.025]])
    placements = pd.DataFrame(
        {
            "Trade date": [dt.date(2002, 1, 2) + dt.timedelta(days=7 * i) for i in range(60)],
            "Shares": [10_000 + i for i in range(60)],
            "Price": [4.0 + i / 100 for i in range(60)],
        }
    )
    old = build(tmp_path, "native", model.PROSPECTUS.replace(schedule=schedule), placements).path
    done = refresh(old, tmp_path / "new.xlsx")
    assert done.complete, done.inputs.not_carried
    book = load_workbook(done.new)
    assert book.defined_names["Schedule"].attr_text == load_workbook(old).defined_names["Schedule"].attr_text
    where = book.defined_names["Schedule"].attr_text.split("!")[1].replace("$", "")
    assert [[c.value for c in row] for row in book["Inputs"][where]] == [[0, 1.5e7, 0.05], [1.5e7, 2.5e7, 0.025]]
    assert book["Placements"]["B64"].value == 10_059
    assert all_cells(done.new, data_only=True) == all_cells(old, data_only=True)


def test_refusals(built, tmp_path):
    old = tmp_path / "deal.xlsx"
    shutil.copy(built["native"].path, old)
    with pytest.raises(RefusedOverwrite):
        refresh(old, old)  # never modifies OLD
    foreign = tmp_path / "someone_elses.xlsx"
    foreign.write_bytes(b"not ours")
    with pytest.raises(RefusedOverwrite):
        refresh(old, foreign)
    assert foreign.read_bytes() == b"not ours"
    hostile = tmp_path / "hostile.xlsx"
    hostile.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(UnreadableWorkbook):
        refresh(hostile)
    assert build_cli.main(["--refresh", str(hostile)]) == 2
