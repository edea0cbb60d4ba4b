"""Row-proof placements (issue 9, item 1): real LibreOffice inserts, deletes, appends and sorts placement rows.

One LibreOffice process (over UNO, :mod:`workbook.engine.lo_edit`) edits the built
workbook's Placements table as a person would — a row inserted at the top of
the table and in the middle with a placement typed into it, a placement row
deleted, both at once, a placement typed into the next empty row, the table
sorted by price — recalculates with its own engine and saves. The placements
each edit leaves are worked out here independently (the same edits applied to
a plain list of rows), and for every file:

- LibreOffice's own totals equal what ``model/`` computes for those placements;
- our recalculation (both engines) gives the same;
- the ledger rows equal ``model.placements`` row by row;
- ``validate`` finds no error.

Edits that leave a placement outside the model's reach (typed below the
table, or pushed past the ledger's last row by many inserted rows) must fail
a named check instead of giving a silently wrong total.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import require
from helpers import ILLUSTRATIVE_PLACEMENTS, as_number, close, expected_outputs, run_cli
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

import model
from udfs import excel
from workbook.engine import lo_edit
from workbook.sheets.template import LEDGER_SPARE_ROWS, PLACEMENT_ROWS, PLACEMENTS_FIRST_ROW
from workbook.validate import validate

FIRST = PLACEMENTS_FIRST_ROW
LAST = FIRST + PLACEMENT_ROWS - 1
EPOCH = excel.EPOCH
NEW_TOP = (dt.date(2001, 11, 2), 100_000, 4.00)
NEW_MIDDLE = (dt.date(2001, 12, 20), 250_000, 4.05)
NEW_APPENDED = (dt.date(2002, 4, 8), 300_000, 4.70)
COMPARED = (
    "PlacementCount",
    "TotalShares",
    "TotalGross",
    "TotalCommission",
    "LedgerCommissionTotal",
    "NetProceeds",
    "VWAP",
    "WarrantShares",
    "WarrantStrike",
    "TotalWarrantValue",
    "CompensationHeadroom",
    "ChecksTotal",
)


def _typed(row: int, placement: tuple) -> list[dict]:
    date, shares, price = placement
    return [
        {"op": "set", "sheet": "Placements", "cell": f"A{row}", "value": float((date - EPOCH).days)},
        {"op": "set", "sheet": "Placements", "cell": f"B{row}", "value": float(shares)},
        {"op": "set", "sheet": "Placements", "cell": f"C{row}", "value": price},
    ]


def _after(edits: list[dict]) -> pd.DataFrame:
    """The placements a list of edits leaves in the table, by applying them to a plain list of rows."""
    rows: list[list] = [list(r) for r in ILLUSTRATIVE_PLACEMENTS.itertuples(index=False)]
    rows += [[None, None, None] for _ in range(PLACEMENT_ROWS - len(rows))]
    for edit in edits:
        if edit["op"] == "insert_rows":
            for _ in range(edit.get("count", 1)):
                rows.insert(edit["row"] - FIRST, [None, None, None])
        elif edit["op"] == "delete_rows":
            del rows[edit["row"] - FIRST : edit["row"] - FIRST + edit.get("count", 1)]
        elif edit["op"] == "set":
            i, j = int(edit["cell"][1:]) - FIRST, "ABC".index(edit["cell"][0])
            value = edit["value"]
            rows[i][j] = EPOCH + dt.timedelta(days=value) if j == 0 else value
        elif edit["op"] == "sort":
            filled = sorted((r for r in rows if r[2] is not None), key=lambda r: r[2], reverse=not edit["ascending"])
            rows = filled + [r for r in rows if r[2] is None]
    kept = [r for r in rows if r[1] is not None]
    return pd.DataFrame(
        {
            "Trade date": [r[0] for r in kept],
            "Shares": [int(r[1]) for r in kept],
            "Price": [float(r[2]) for r in kept],
        }
    )


CASES = {
    "inserted_at_top": [{"op": "insert_rows", "sheet": "Placements", "row": FIRST}, *_typed(FIRST, NEW_TOP)],
    "inserted_in_middle": [
        {"op": "insert_rows", "sheet": "Placements", "row": FIRST + 3},
        *_typed(FIRST + 3, NEW_MIDDLE),
    ],
    "deleted": [{"op": "delete_rows", "sheet": "Placements", "row": FIRST + 2}],
    "inserted_and_deleted": [
        {"op": "insert_rows", "sheet": "Placements", "row": FIRST + 2},
        *_typed(FIRST + 2, NEW_MIDDLE),
        {"op": "delete_rows", "sheet": "Placements", "row": FIRST + 5},
    ],
    "appended": _typed(FIRST + len(ILLUSTRATIVE_PLACEMENTS), NEW_APPENDED),
    "sorted": [{"op": "sort", "sheet": "Placements", "range": f"A{FIRST}:C{LAST}", "column": 2, "ascending": False}],
}
# rows inserted past the ledger's spare rows push the placement typed into the table's last row out of its reach
PUSHED = LEDGER_SPARE_ROWS + 5
OUT_OF_REACH = {
    "pushed_past_the_ledger": [
        *_typed(LAST, NEW_APPENDED),
        {"op": "insert_rows", "sheet": "Placements", "row": FIRST + 3, "count": PUSHED},
    ],
    "typed_below_the_table": _typed(LAST + 1, NEW_APPENDED),
}


@pytest.fixture(scope="module")
def edited(built, tmp_path_factory) -> dict[str, Path]:
    """{"<flavour>/<case>": the file LibreOffice saved}; the udf flavour with the CEO add-in loaded."""
    require(
        lo_edit.available(),
        "LibreOffice (soffice) with python3-uno is not installed: apt-get install libreoffice-calc-nogui python3-uno",
    )
    from workbook.engine import lo_engine

    out = tmp_path_factory.mktemp("row_proof")
    native = {
        f"native/{case}": lo_edit.Job(built["native"].path, out / f"native_{case}.xlsx", edits)
        for case, edits in {**CASES, **OUT_OF_REACH}.items()
    }
    udf = {
        f"udf/{case}": lo_edit.Job(built["udf"].path, out / f"udf_{case}.xlsx", CASES[case])
        for case in ("inserted_and_deleted", "sorted")
    }
    lo_edit.edit_and_save(list(native.values()))
    lo_edit.edit_and_save(list(udf.values()), extensions=(lo_engine.addin(),))
    return {case: job.target for case, job in {**native, **udf}.items()}


def _values(path: Path) -> dict[str, object]:
    """Cached values of the named results, found through the file's own names (rows may have moved)."""
    book = load_workbook(path, data_only=True)
    out = {}
    for name in (*COMPARED, "CheckPlacementsInLedger", "CheckPlacementsBelow"):
        sheet, ref = book.defined_names[name].attr_text.rsplit("!", 1)
        out[name] = as_number(book[sheet.strip("'")][ref.replace("$", "")].value)
    return out


def _ledger(path: Path, name: str) -> list:
    book = load_workbook(path, data_only=True)
    sheet, ref = book.defined_names[name].attr_text.rsplit("!", 1)
    c1, r1, _, r2 = range_boundaries(ref.replace("$", ""))
    ws = book[sheet.strip("'")]
    return [as_number(ws.cell(row=r, column=c1).value) for r in range(r1, r2 + 1)]


def _expected(placements: pd.DataFrame) -> dict[str, float]:
    outputs = expected_outputs(placements=placements)
    ledger = model.placements(placements, model.PROSPECTUS)
    return {
        "PlacementCount": len(placements),
        "TotalShares": float(placements["Shares"].sum()),
        "TotalGross": outputs["OutTotalGross"],
        "TotalCommission": outputs["OutTotalCommission"],
        "LedgerCommissionTotal": float(ledger["Commission"].sum()),
        "NetProceeds": outputs["OutNetProceeds"],
        "VWAP": outputs["OutVWAP"],
        "WarrantShares": outputs["OutWarrantShares"],
        "WarrantStrike": outputs["OutWarrantStrike"],
        "TotalWarrantValue": outputs["OutTotalWarrantValue"],
        "CompensationHeadroom": outputs["OutCompensationHeadroom"],
        "ChecksTotal": 0,
    }


def _assert_model(values: dict, placements: pd.DataFrame, what: str) -> None:
    expected = _expected(placements)
    for name, value in expected.items():
        assert close(values[name], value, rel=1e-9), f"{what}: {name} is {values[name]}, model {value}"


def _recalc(path: Path, engine: str, tmp_path: Path) -> Path:
    target = tmp_path / f"{engine}.xlsx"
    run = run_cli("recalc", path, "-o", target, "--engine", engine)
    assert run.returncode == 0, run.stderr
    return target


def test_the_edits_change_the_placements():
    """The cases are not vacuous: each leaves a different schedule from the one built."""
    for case, edits in CASES.items():
        after = _after(edits)
        assert not after.equals(ILLUSTRATIVE_PLACEMENTS.astype({"Price": float})), case


@pytest.mark.parametrize("case", [*(f"native/{c}" for c in CASES), "udf/inserted_and_deleted", "udf/sorted"])
def test_libreoffice_totals_are_the_models(edited, case):
    _assert_model(_values(edited[case]), _after(CASES[case.split("/")[1]]), f"LibreOffice, {case}")


@pytest.mark.parametrize(
    ("case", "engine"),
    [
        *((f"native/{c}", "libreoffice") for c in CASES),
        ("udf/inserted_and_deleted", "libreoffice"),
        # the pip-only fallback (about 9 s a file): the Done-when case and the udf flavour's arrays (a sort reads
        # the rows by position as an insertion does: LibreOffice above)
        ("native/inserted_and_deleted", "formulas"),
        ("udf/inserted_and_deleted", "formulas"),
    ],
)
def test_our_recalc_totals_are_the_models(edited, case, engine, tmp_path):
    recalculated = _recalc(edited[case], engine, tmp_path)
    _assert_model(_values(recalculated), _after(CASES[case.split("/")[1]]), f"{engine} recalc, {case}")


@pytest.mark.parametrize("case", ["native/inserted_and_deleted", "native/sorted", "udf/inserted_and_deleted"])
def test_ledger_rows_are_the_models(edited, case):
    placements = _after(CASES[case.split("/")[1]])
    ledger = model.placements(placements, model.PROSPECTUS)
    gross = _ledger(edited[case], "LedgerGross")
    commission = _ledger(edited[case], "LedgerCommission")
    strikes = _ledger(edited[case], "LedgerStrikes")
    settlement = _ledger(edited[case], "LedgerSettlement")
    for i, row in ledger.iterrows():
        assert close(gross[i], row["Gross"]) and close(commission[i], row["Commission"]), (case, i)
        assert close(strikes[i], row["Warrant strike"]), (case, i)
        assert close(settlement[i], float((row["Settlement date"] - EPOCH).days)), (case, i)
    assert all(v == 0 for v in gross[len(ledger) :]), case  # blank table rows and spare ledger rows


@pytest.mark.parametrize("case", [*(f"native/{c}" for c in CASES), "udf/inserted_and_deleted", "udf/sorted"])
def test_edited_file_validates(edited, case):
    findings = validate(edited[case]).findings
    assert [f for f in findings if f.severity == "error"] == [], [(f.rule, f.location, f.message) for f in findings]


@pytest.mark.parametrize("case", ["native/inserted_and_deleted"])
def test_validate_command_exits_zero(edited, case):
    run = subprocess.run(
        [sys.executable, "-m", "workbook", "validate", str(edited[case]), "--recalc"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("case", "check"),
    [("pushed_past_the_ledger", "CheckPlacementsInLedger"), ("typed_below_the_table", "CheckPlacementsBelow")],
)
def test_a_placement_out_of_reach_fails_a_named_check(edited, case, check, tmp_path):
    engine = "formulas" if case == "pushed_past_the_ledger" else "libreoffice"  # the fallback once: ~9 s a file
    for path, what in (
        (edited[f"native/{case}"], "LibreOffice"),
        (_recalc(edited[f"native/{case}"], engine, tmp_path), engine),
    ):
        values = _values(path)
        assert values[check] == 1, (what, case, values)
        assert values["ChecksTotal"] == 1, (what, case, values)
        # the placements still in reach are counted as the model counts them
        assert close(values["TotalGross"], expected_outputs()["OutTotalGross"]), (what, case)


def test_validate_names_placements_past_the_ledger(edited):
    findings = validate(edited["native/pushed_past_the_ledger"]).findings
    errors = [(f.rule, f.message) for f in findings if f.severity == "error"]
    assert len(errors) == 1 and errors[0][0] == "S003", errors
    assert f"past the ledger's {PLACEMENT_ROWS + LEDGER_SPARE_ROWS} rows" in errors[0][1]


def test_refresh_brings_pushed_placements_back_into_the_totals(edited, tmp_path):
    target = tmp_path / "refreshed.xlsx"
    run = run_cli("refresh", edited["native/pushed_past_the_ledger"], "-o", target)
    assert run.returncode == 0, run.stdout + run.stderr
    placements = _after(OUT_OF_REACH["pushed_past_the_ledger"])
    assert len(placements) == len(ILLUSTRATIVE_PLACEMENTS) + 1
    _assert_model(_values(_recalc(target, "libreoffice", tmp_path)), placements, "refreshed")
    assert [f for f in validate(target).findings if f.severity == "error"] == []
