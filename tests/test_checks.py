"""One set of checks for both flavours (issue 11, item 2).

The udf flavour's CEO_* functions refuse some inputs (an error value) from which the native flavour
computes a number. Every such rule is a named check on the Checks sheet, written in built-in functions
and the same in both flavours, so the same broken input fails the same named checks in both. The
expected failures below are the rules as ``model`` documents its refusals (``Schedule.from_rows``: tiers
contiguous from 0, each To above its From, rates in [0, 1]; ``other_fee``: gross at most the maximum;
``ownership_pct``: shares held at most outstanding; ``runway_months``: cash not negative; the placement
columns: positive whole shares, positive prices, numbers), not values read from the workbook.

Each flavour is opened once in the session's LibreOffice (with the CEO add-in) and recalculated with changed
input cells, put back after each case (:class:`LibreOfficeRecalc`); the ``formulas`` engine, with the CEO_*
functions bound as ``workbook.engine.recalc.compute`` binds them, does the same for several broken inputs at once and
the empty programme (:class:`Recalc`); LibreOffice and Gnumeric (native) also recalculate a workbook with broken
inputs saved to disk.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import defined_names, require
from helpers import cached_values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.datetime import to_excel

import model
from model.deals.prospectus_2001 import PLACEMENTS
from workbook.engine.recalc import compute, register_functions
from workbook.generate import build
from workbook.sheets.template import NOT_JUDGED

FLAVOURS = ("udf", "native")
TERMS = model.PROSPECTUS
TIERS = TERMS.schedule.tiers
MAXIMUM = TERMS.schedule.maximum
NET_ALL = model.net_proceeds(float((PLACEMENTS["Shares"] * PLACEMENTS["Price"]).round(2).sum()), TERMS.schedule)
DOCUMENT_SERIAL = float(to_excel(pd.Timestamp(TERMS.document_date).to_pydatetime()))
from workbook.sheets.template import PLACEMENT_COLUMN_NAMES  # noqa: E402

COLUMNS = {"date": "PlacementDates", "shares": "PlacementShares", "price": "PlacementPrices"}


def cell(names: dict[str, str], name: str, i: int = 0) -> str:
    """``Sheet!A1`` of the ``i``-th cell (0-based) of a defined name (a cell or a one-column range).

    The Placements table's columns are named with their header: their ``i``-th placement is one row lower."""
    i += name in PLACEMENT_COLUMN_NAMES
    sheet, ref = names[name].rsplit("!", 1)
    first = ref.replace("$", "").split(":")[0]
    column = first.rstrip("0123456789")
    return f"{sheet.strip(chr(39))}!{column}{int(first[len(column) :]) + i}"


def check_names(names: dict[str, str]) -> list[str]:
    return [n for n in names if n.startswith("Check") and n != "ChecksTotal"]


class Recalc:
    """One flavour's workbook loaded once into ``formulas``; recalculated with some input cells changed."""

    def __init__(self, built):
        import formulas

        register_functions()
        self.book = built.path.name
        self.names = built.layout.names
        self.model = formulas.ExcelModel().loads(str(built.path)).finish()

    def key(self, where: str) -> str:
        sheet, ref = where.rsplit("!", 1)
        return f"'[{self.book}]{sheet.upper()}'!{ref}"

    def checks(self, changes: dict[str, object]) -> dict[str, object]:
        """Every check's value and ChecksTotal after setting ``changes`` (``{"Sheet!A1": value}``, None = empty)."""
        import schedula as sh
        from formulas.functions import XlError
        from formulas.ranges import Ranges

        inputs = {}
        for where, value in changes.items():
            key = self.key(where)
            inputs[key] = Ranges().push(key, np.asarray([[sh.EMPTY if value is None else value]], dtype=object))
        wanted = {name: self.key(cell(self.names, name)) for name in (*check_names(self.names), "ChecksTotal")}
        solution = self.model.calculate(inputs=inputs, outputs=list(wanted.values()))
        out = {}
        for name, key in wanted.items():
            value = np.asarray(solution[key].value, dtype=object).ravel()[0]
            out[name] = str(value) if isinstance(value, XlError) else value.item() if hasattr(value, "item") else value
        return out


class LibreOfficeRecalc:
    """One flavour's workbook open in the session's LibreOffice; recalculated with some input cells changed
    (typed as a person types them), which are put back afterwards."""

    def __init__(self, path: Path, names: dict[str, str]):
        from workbook.engine import lo_engine

        require(lo_engine.unavailable_reason() is None, f"LibreOffice engine: {lo_engine.unavailable_reason()}")
        self.engine = lo_engine.shared(with_addin=True)
        self.path = path
        self.names = names

    def checks(self, changes: dict[str, object]) -> dict[str, object]:
        edits = []
        for where, value in changes.items():
            sheet, ref = where.rsplit("!", 1)
            edits.append({"op": "set", "sheet": sheet, "cell": ref, "value": value})
        wanted = {name: cell(self.names, name) for name in (*check_names(self.names), "ChecksTotal")}
        cells: dict[str, list[str]] = {}
        for where in wanted.values():
            sheet, ref = where.rsplit("!", 1)
            cells.setdefault(sheet, []).append(ref)
        answer = self.engine.run_job({"source": str(self.path), "keep": True, "edits": edits, "values": cells})
        assert answer.get("ok"), answer
        out = {}
        for name, where in wanted.items():
            sheet, ref = where.rsplit("!", 1)
            value = answer["values"][sheet][ref]
            out[name] = value["error"] if isinstance(value, dict) else int(value) if value in (0, 1) else value
        return out


@pytest.fixture(scope="module")
def engines(built):
    return {flavour: LibreOfficeRecalc(built[flavour].path, built[flavour].layout.names) for flavour in FLAVOURS}


@pytest.fixture(scope="module")
def our_engines(built):
    return {flavour: Recalc(built[flavour]) for flavour in FLAVOURS}


def failing(values: dict[str, object]) -> set[str]:
    return {name for name, v in values.items() if name != "ChecksTotal" and v == 1}


def assert_same_named_failures(engines, changes: dict[str, object]) -> set[str]:
    """Recalculate both flavours with ``changes``; both name the same failing checks and the same total."""
    got = {flavour: engines[flavour].checks(changes) for flavour in FLAVOURS}
    for flavour, values in got.items():
        shown = {name: v for name, v in values.items() if v not in (0, 1, NOT_JUDGED) and name != "ChecksTotal"}
        assert shown == {}, f"{flavour}: checks must show 0, 1 or n/a, not {shown}"
        assert values["ChecksTotal"] == len(failing(values)), flavour
    assert failing(got["udf"]) == failing(got["native"]), changes
    assert got["udf"]["ChecksTotal"] == got["native"]["ChecksTotal"]
    return failing(got["udf"])


# -- broken inputs, one per rule ------------------------------------------------------------------------------


def _schedule(column: str, tier: int, value) -> tuple[str, int, object]:
    return ({"from": "ScheduleFrom", "to": "ScheduleTo", "rate": "ScheduleRate"}[column], tier, value)


CASES = {
    # Schedule.from_rows: "tiers must be contiguous"
    "schedule-gap": ([_schedule("from", 1, TIERS[0].end + 1)], {"CheckScheduleContiguous"}),
    "schedule-overlap": ([_schedule("from", 1, TIERS[0].end - 1_000_000)], {"CheckScheduleContiguous"}),
    # "must start at 0"
    "schedule-not-from-0": ([_schedule("from", 0, 1_000)], {"CheckScheduleContiguous"}),
    # "has an empty row between tiers" (the empty cells are also outside the block's Min/Max)
    "schedule-empty-row": (
        [_schedule(c, 1, None) for c in ("from", "to", "rate")],
        {"CheckScheduleContiguous", "CheckInputs"},
    ),
    # "To must be greater than From": the first tier from 0 to 0, the next from 0
    "schedule-to-not-above-from": (
        [_schedule("to", 0, 0), _schedule("from", 1, 0)],
        {"CheckScheduleOrder"},
    ),
    # "rate must be between 0 and 1" (also outside the column's Min/Max)
    "schedule-rate-above-1": ([_schedule("rate", 0, 1.2)], {"CheckScheduleRates", "CheckInputs"}),
    "schedule-rate-negative": ([_schedule("rate", 2, -0.01)], {"CheckScheduleRates", "CheckInputs"}),
    # other_fee: gross "must be at most ... the Other Agreement maximum"
    "other-gross-above-maximum": ([("OtherGross", 0, TERMS.other_maximum + 0.01)], {"CheckOtherMaximum"}),
    # the placement columns: shares positive whole numbers, prices positive, numbers
    "typed-below-the-table": ([("PlacementsBelow", 0, 100_000)], {"CheckPlacementsBelow"}),
    "placement-price-zero": ([("PlacementPrices", 0, 0)], {"CheckPlacementPrices"}),
    "placement-price-negative": ([("PlacementPrices", 3, -4.25)], {"CheckPlacementPrices"}),
    "placement-shares-zero": ([("PlacementShares", 1, 0)], {"CheckPlacementShares"}),
    "placement-shares-negative": ([("PlacementShares", 1, -600_000)], {"CheckPlacementShares"}),
    "placement-shares-fraction": ([("PlacementShares", 2, 800_000.5)], {"CheckPlacementShares"}),
    # text in a cell is not a gap: the row is complete, its cell is not a number (issue 23)
    "placement-price-text": ([("PlacementPrices", 0, "four")], {"CheckPlacementNumbers"}),
    "placement-date-text": ([("PlacementDates", 4, "next week")], {"CheckPlacementNumbers"}),
    "placement-row-of-text": (
        [("PlacementDates", 5, "a"), ("PlacementShares", 5, "b"), ("PlacementPrices", 5, "c")],
        {"CheckPlacementNumbers"},
    ),
    "placement-price-missing": ([("PlacementPrices", 2, None)], {"CheckPlacementRows", "CheckPlacementPrices"}),
    # a trade before the document (and so before any date the settlement function accepts, 1 March 1900)
    "placement-before-document": ([("PlacementDates", 0, 60.0)], {"CheckPlacementDates"}),
    # the ledger: cumulative gross "passes the programme maximum"
    "placements-above-maximum": ([("PlacementShares", 5, 10_000_000)], {"CheckProgrammeMax"}),
    # CEO_NET_PROCEEDS / CEO_FEE over the scenario and chart axes: gross at most the programme maximum
    "scenario-size-above-maximum": ([("ScenarioSizes", 4, MAXIMUM + 1)], {"CheckScenarioGross", "CheckInputs"}),
    # warrant_value / cashless_shares: the share price "must be positive"
    "share-price-zero": ([("SharePrice", 0, 0)], {"CheckInputs"}),
    # ownership_pct: shares_held "must not exceed outstanding"
    "voting-shares-above-outstanding": (
        [("VotingHoldersShares", 0, TERMS.shares_outstanding + 1)],
        {"CheckVotingShares"},
    ),
    # runway_months: cash "must not be negative"
    "cash-after-offering-negative": (
        [("IssuerOtherExpenses", 0, TERMS.cash + NET_ALL + 1)],
        {"CheckCash"},
    ),
    # not broken: a lock-up longer than any settlement cycle is computed alike in both flavours
    "lockup-longer-than-settlement": ([("LockupTradingDays", 0, 90)], set()),
    # not broken either: the deal's own rule, judged in both flavours ($6.00 makes the warrants break the cap)
    "cap-breached": ([("SharePrice", 0, 6.0)], {"CheckCap"}),
}


def _changes(names: dict[str, str], edits) -> dict[str, object]:
    return {cell(names, name, i): value for name, i, value in edits}


def test_the_default_deal_passes_every_check(engines):
    assert assert_same_named_failures(engines, {}) == set()


@pytest.mark.parametrize("case", CASES)
def test_each_rule_fails_its_named_check_in_both_flavours(engines, case):
    edits, expected = CASES[case]
    assert assert_same_named_failures(engines, _changes(engines["udf"].names, edits)) == expected


def test_every_check_of_the_input_rules_is_exercised():
    """Each named input rule (and the cash rule) has a case above that breaks it."""
    from workbook.kit.layout import build_layout
    from workbook.sheets.template import template

    names = build_layout("native", template()).names
    covered = set().union(*(expected for _, expected in CASES.values()))
    rules = {n for n in check_names(names) if n not in ("CheckErrors",)}
    results = {"CheckLedger", "CheckNasdaq", "CheckRightsPlan", "CheckAgentOwnership", "CheckMinimumBid"}
    results |= {"CheckRetainer"}
    results |= {"CheckPlacementsInLedger"}  # needs rows inserted into the table: tests/test_row_proof.py
    assert rules - covered <= results, rules - covered - results


# -- the property: any broken input fails the same named checks in both flavours -------------------------------

ROWS = len(PLACEMENTS)
money = st.floats(0.01, 1_000_000, allow_nan=False).map(lambda x: round(x, 2))


@st.composite
def broken_inputs(draw) -> tuple[list, set[str]]:
    """One broken input (or a valid lock-up), with the named check(s) that must fail at least."""
    kind = draw(
        st.sampled_from(
            (
                "gap",
                "from",
                "rate",
                "order",
                "other",
                "price",
                "shares",
                "text",
                "date",
                "share-price",
                "voting",
                "cash",
                "over",
                "lockup",
            )
        )
    )
    row = draw(st.integers(0, ROWS - 1))
    if kind == "gap":  # a gap (delta > 0) or an overlap (delta < 0) before tier k
        k = draw(st.integers(1, len(TIERS) - 1))
        delta = draw(money) * draw(st.sampled_from((1, -1)))
        return [_schedule("from", k, TIERS[k - 1].end + delta)], {"CheckScheduleContiguous"}
    if kind == "from":
        return [_schedule("from", 0, draw(money))], {"CheckScheduleContiguous"}
    if kind == "rate":
        rate = draw(st.one_of(st.floats(1.0001, 10), st.floats(-1, -0.0001)))
        return [_schedule("rate", draw(st.integers(0, len(TIERS) - 1)), rate)], {"CheckScheduleRates"}
    if kind == "order":  # the last tier ends where (or before) it starts
        last = len(TIERS) - 1
        return [_schedule("to", last, TIERS[last].start - draw(st.sampled_from((0, 1, 1000))))], {"CheckScheduleOrder"}
    if kind == "other":
        return [("OtherGross", 0, TERMS.other_maximum + draw(money))], {"CheckOtherMaximum"}
    if kind == "price":
        return [("PlacementPrices", row, -draw(st.sampled_from((0.0, 0.01, 4.0))))], {"CheckPlacementPrices"}
    if kind == "shares":
        shares = draw(st.one_of(st.integers(-1_000_000, 0), st.floats(1, 1_000_000).filter(lambda x: x != int(x))))
        return [("PlacementShares", row, shares)], {"CheckPlacementShares"}
    if kind == "text":
        column = draw(st.sampled_from(tuple(COLUMNS.values())))
        text = draw(st.text("abcdefghij XYZ", min_size=1, max_size=8).filter(str.strip))
        return [(column, row, text)], {"CheckPlacementNumbers"}
    if kind == "date":
        return [("PlacementDates", row, DOCUMENT_SERIAL - draw(st.integers(1, 36_000)))], {"CheckPlacementDates"}
    if kind == "share-price":
        return [("SharePrice", 0, -draw(st.sampled_from((0.0, 0.01, 4.0))))], {"CheckInputs"}
    if kind == "voting":
        return [("VotingHoldersShares", 0, TERMS.shares_outstanding + draw(st.integers(1, 10**9)))], {
            "CheckVotingShares"
        }
    if kind == "cash":
        return [("IssuerOtherExpenses", 0, TERMS.cash + NET_ALL + draw(money))], {"CheckCash"}
    if kind == "over":
        return [("PlacementShares", row, draw(st.integers(6_000_000, 10**9)))], {"CheckProgrammeMax"}
    return [("LockupTradingDays", 0, draw(st.integers(11, 250)))], set()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(broken=broken_inputs())
def test_any_broken_input_fails_the_same_named_checks_in_both_flavours(engines, broken):
    edits, expected = broken
    found = assert_same_named_failures(engines, _changes(engines["udf"].names, edits))
    assert expected <= found
    assert bool(found) == bool(expected)


# -- an empty programme ----------------------------------------------------------------------------------------

EMPTY = pd.DataFrame({"Trade date": [], "Shares": [], "Price": []})


@pytest.fixture(scope="module")
def empty_programme(tmp_path_factory):
    out = tmp_path_factory.mktemp("empty")
    return {flavour: build(out, flavour, placements=EMPTY) for flavour in FLAVOURS}


def _named(values: dict, names: dict[str, str], name: str):
    sheet, ref = cell(names, name).rsplit("!", 1)
    return values.get((sheet, ref))


def assert_passes_without_errors(values: dict, names: dict[str, str], engine: str) -> None:
    errors = {k: v for k, v in values.items() if isinstance(v, str) and v.startswith(("#", "Err:"))}
    assert errors == {}, engine
    shown = {name: _named(values, names, name) for name in check_names(names)}
    assert shown == dict.fromkeys(shown, 0), engine  # judged (0), not n/a
    assert _named(values, names, "ChecksTotal") == 0, engine


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_empty_programme_passes_every_check_and_shows_no_error(empty_programme, flavour):
    built = empty_programme[flavour]
    assert _named(built.values, built.layout.names, "PlacementCount") == 0
    assert_passes_without_errors(compute(built.path), built.layout.names, "formulas")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_empty_programme_passes_every_check_in_libreoffice(empty_programme, flavour):
    from workbook.engine import lo_engine
    from workbook.engine.engines import compute as engine_compute

    require(lo_engine.unavailable_reason() is None, f"LibreOffice engine: {lo_engine.unavailable_reason()}")
    built = empty_programme[flavour]
    assert_passes_without_errors(engine_compute(built.path, "libreoffice"), built.layout.names, "libreoffice")


# -- engines we did not write ----------------------------------------------------------------------------------

SEVERAL = [
    _schedule("from", 1, TIERS[0].end + 5),
    ("OtherGross", 0, TERMS.other_maximum * 2),
    ("PlacementShares", 2, 800_000.5),
    ("PlacementPrices", 4, "n/a"),
    ("VotingHoldersShares", 0, TERMS.shares_outstanding * 2),
]
SEVERAL_FAIL = {
    "CheckScheduleContiguous",
    "CheckOtherMaximum",
    "CheckPlacementShares",
    "CheckPlacementNumbers",  # the row with text "n/a" is complete (no CheckPlacementRows): text is not a gap
    "CheckVotingShares",
}


def _broken_file(built, tmp: Path, edits) -> Path:
    book = load_workbook(built.path)
    for where, value in _changes(built.layout.names, edits).items():
        sheet, ref = where.rsplit("!", 1)
        book[sheet][ref] = value
    out = tmp / f"broken-{built.flavour}.xlsx"
    book.save(out)
    return out


def _checks_of(values: dict, names: dict[str, str]) -> dict[str, object]:
    return {name: _named(values, names, name) for name in (*check_names(names), "ChecksTotal")}


def test_several_broken_inputs_fail_alike_in_our_engine(built, our_engines):
    assert assert_same_named_failures(our_engines, _changes(our_engines["udf"].names, SEVERAL)) == SEVERAL_FAIL


def test_several_broken_inputs_fail_alike_in_libreoffice_open_in_place(built, engines):
    assert assert_same_named_failures(engines, _changes(engines["udf"].names, SEVERAL)) == SEVERAL_FAIL


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_broken_inputs_fail_the_same_named_checks_in_libreoffice(built, tmp_path, flavour):
    from workbook.engine import lo_engine
    from workbook.engine.engines import compute as engine_compute

    require(lo_engine.unavailable_reason() is None, f"LibreOffice engine: {lo_engine.unavailable_reason()}")
    path = _broken_file(built[flavour], tmp_path, SEVERAL)
    names = built[flavour].layout.names
    theirs = _checks_of(engine_compute(path, "libreoffice"), names)
    assert failing(theirs) == SEVERAL_FAIL
    assert theirs["ChecksTotal"] == len(SEVERAL_FAIL)
    assert {v for k, v in theirs.items() if k != "ChecksTotal"} <= {0, 1, NOT_JUDGED}


def test_broken_inputs_fail_the_same_named_checks_in_gnumeric(built, tmp_path):
    require(shutil.which("ssconvert") is not None, "Gnumeric (ssconvert) is not installed: apt-get install gnumeric")
    path = _broken_file(built["native"], tmp_path, SEVERAL)
    out = tmp_path / "gnumeric.xlsx"
    done = subprocess.run(["ssconvert", "--recalc", str(path), str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and out.exists(), done.stderr
    theirs = _checks_of(cached_values(out), built["native"].layout.names)
    assert failing(theirs) == SEVERAL_FAIL
    assert theirs["ChecksTotal"] == len(SEVERAL_FAIL)
    assert {v for k, v in theirs.items() if k != "ChecksTotal"} <= {0, 1, NOT_JUDGED}


def test_checks_name_an_error_no_rule_explains(engines):
    """An error value with every input rule met (a formula broken by hand) fails 'No calculation shows an error'."""
    where = cell(engines["native"].names, "BsmD2")
    values = engines["native"].checks({where: "=1/(BsmD1-BsmD1)"})  # #DIV/0!, as an edited formula would
    assert failing(values) == {"CheckErrors"}
    assert values["ChecksTotal"] == 1


# -- a one-tier schedule (the modern single-rate deal) ----------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def modern_engines(modern):
    from model.terms_file import load

    terms = load(ROOT / "examples" / "modern-atm.toml").terms
    return {f: LibreOfficeRecalc(modern[f], defined_names(modern[f])) for f in FLAVOURS}, terms


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        ([], set()),
        ([("ScheduleFrom", 0, 1_000)], {"CheckScheduleContiguous"}),
        ([("ScheduleFrom", 0, None)], {"CheckScheduleContiguous", "CheckInputs"}),
        ([("OtherGross", 0, 1.0)], {"CheckOtherMaximum"}),  # the modern deal has no Other Agreement: maximum 0
    ],
)
def test_one_tier_schedule_fails_the_same_named_checks(modern_engines, edits, expected):
    engines, terms = modern_engines
    assert len(terms.schedule.tiers) == 1 and terms.other_maximum == 0
    assert assert_same_named_failures(engines, _changes(engines["udf"].names, edits)) == expected
