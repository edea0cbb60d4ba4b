"""The UDF layer under xlwings' real custom-functions runtime (xlwings Server / Lite dispatcher).

Everything else tests ``udfs`` as plain Python callables. Here the same module
goes through ``xlwings.server.custom_functions_meta`` (what Excel's function
catalogue is built from) and ``custom_functions_call`` (what runs when a cell
recalculates), with the payloads Office.js sends: one 2-D list per argument,
``null`` for an omitted optional argument, dates as serial numbers.

The runtime runs in one subprocess for all cases (xlwings picks its server
decorators at import time, and its server part needs a licence key):
``tests/xlwings_runtime_probe.py``. The key comes from
``CEO_XLWINGS_LICENSE_KEY`` (set by ``.ci/run``: this project's CI is
noncommercial use) or ``XLWINGS_LICENSE_KEY``; without one the tests skip
locally and fail in CI.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require

import udfs
from udfs import excel

pytestmark = pytest.mark.xlwings_runtime

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "xlwings_runtime_probe.py"

NUM_ERROR = {"type": "Error", "errorType": "Num"}  # how runtime >= 1.4 carries #NUM!
VALUE_ERROR = {"type": "Error", "errorType": "Value"}
BOOK = "[CEO_Model.xlsx]Calculations!"


def serial(day: dt.date) -> int:
    """Excel serial number of a date, as the runtime passes a date cell."""
    return excel.serial(day)


NOV = {d: serial(dt.date(2001, 11, d)) for d in range(1, 31)}  # 2 Nov 2001 is a Friday

# id → (Python function name, args as Office.js sends them, runtime version[, calling cell]); run in this order
CALLS: dict[str, tuple] = {
    # CEO_FEE: cell, ranges, omitted / empty optional schedule, custom schedule
    "fee_cell": ("ceo_fee", [[[25_000_000]]], "1.4"),
    "fee_column": ("ceo_fee", [[[10_000_000], [20_000_000]]], "1.4"),
    "fee_row": ("ceo_fee", [[[10_000_000, 20_000_000]]], "1.4"),
    "fee_block": ("ceo_fee", [[[0, 5_000_000], [15_000_000, 25_000_000]]], "1.4"),
    "fee_schedule_null": ("ceo_fee", [[[25_000_000]], None], "1.4"),
    "fee_schedule_empty_cell": ("ceo_fee", [[[25_000_000]], [[None]]], "1.4"),
    "fee_schedule_empty_string": ("ceo_fee", [[[25_000_000]], [[""]]], "1.4"),
    "fee_custom_schedule": (
        "ceo_fee",
        [
            [[15_000_000]],
            [["From", "To", "Rate"], [0, 10_000_000, 0.05], [10_000_000, 25_000_000, 0.02], [None, None, None]],
        ],
        "1.4",
    ),
    # Bad input
    "fee_negative": ("ceo_fee", [[[-1]]], "1.4"),
    "fee_negative_runtime_1_3": ("ceo_fee", [[[-1]]], "1.3"),
    "fee_negative_in_range": ("ceo_fee", [[[1_000_000], [-5]]], "1.4"),
    "fee_above_maximum": ("ceo_fee", [[[25_000_000.01]]], "1.4"),
    "fee_text": ("ceo_fee", [[["abc"]]], "1.4"),
    "fee_text_in_range": ("ceo_fee", [[[1_000_000], [2_000_000], ["n/a"]]], "1.4"),
    "fee_increment_mismatched": ("ceo_fee_increment", [[[1], [2]], [[1], [2], [3]]], "1.4"),
    # The reason, per cell: C5 fails, D5 asks why (CELL("address",C5) gives "$C$5"), C5 is fixed, D5 asks again
    "fee_negative_in_c5": ("ceo_fee", [[[-1]]], "1.4", BOOK + "C5"),
    "last_error_of_c5": ("ceo_last_error", [[["$C$5"]]], "1.4", BOOK + "D5"),
    "last_error_of_c5_from_another_sheet": ("ceo_last_error", [[["Calculations!C5"]]], "1.4", "[CEO_Model.xlsx]Out!A1"),
    "last_error_of_a_text_range_in_c6": ("ceo_fee", [[[1_000_000], ["n/a"]]], "1.4", BOOK + "C6"),
    "last_error_of_c6": ("ceo_last_error", [[["C6"]]], "1.4", BOOK + "D6"),
    "fee_fixed_in_c5": ("ceo_fee", [[[1_000_000]]], "1.4", BOOK + "C5"),
    "last_error_of_c5_fixed": ("ceo_last_error", [[["$C$5"]]], "1.4", BOOK + "D5"),
    "last_error_bad_address": ("ceo_last_error", [[[5]]], "1.4", BOOK + "D7"),
    # Spilling functions
    "fee_schedule_table": ("ceo_fee_schedule", [None], "1.4"),
    "placements": (
        "ceo_placements",
        [
            [
                ["Trade date", "Shares", "Price"],
                [NOV[5], 1_000_000, 4.04],
                [NOV[6], 2_000_000, 4.10],
                [None, None, None],
            ],
            None,
        ],
        "1.4",
    ),
    "placements_over_maximum": (
        "ceo_placements",
        [[["Trade date", "Shares", "Price"], [NOV[5], 5_000_000, 4.00], [NOV[6], 2_000_000, 4.00]]],
        "1.4",
    ),
    # Dates as serial numbers
    "settlement_friday": ("ceo_settlement_date", [[[NOV[2]]], None], "1.4"),
    "settlement_saturday": ("ceo_settlement_date", [[[NOV[3]]], None], "1.4"),
    "settlement_holiday": ("ceo_settlement_date", [[[NOV[20]]], [[NOV[22]], [None]]], "1.4"),
    # The other functions, one Excel-shaped call each (the examples of docs/functions-and-runtimes.md)
    "fee_increment": ("ceo_fee_increment", [[[9_000_000]], [[2_000_000]], None], "1.4"),
    "marginal_rate": ("ceo_marginal_rate", [[[10_000_000]], None], "1.4"),
    "effective_rate": ("ceo_effective_rate", [[[25_000_000]], None], "1.4"),
    "net_proceeds": ("ceo_net_proceeds", [[[25_000_000]], None], "1.4"),
    "gross_for_net": ("ceo_gross_for_net", [[[5_000_000]], None], "1.4"),
    "other_fee": ("other_fee", [[[8_400_000]], None, None], "1.4"),
    "vwap": ("ceo_vwap", [[[100_000], [300_000], [None]], [[4.00], [4.20], [None]]], "1.4"),
    "warrant_shares": ("ceo_warrant_shares", [[[1_234_567]], None], "1.4"),
    "warrant_strike": ("ceo_warrant_strike", [[[4.04]], None], "1.4"),
    "warrant_value": ("ceo_warrant_value", [[[4.04]], [[5.25]], [[5]], [[0.9]], [[0.04]], None], "1.4"),
    "cashless_shares": ("ceo_cashless_shares", [[[100_000]], [[5.25]], [[7]]], "1.4"),
    "total_compensation": ("ceo_total_compensation", [[[25_000_000]], [[500_000]], None, None, None], "1.4"),
    "compensation_pct": ("ceo_compensation_pct", [[[25_000_000]], [[500_000]], None, None, None], "1.4"),
    "compensation_headroom": (
        "ceo_compensation_headroom",
        [[[25_000_000]], [[500_000]], None, None, None, None],
        "1.4",
    ),
    "debenture_price": ("debenture_conversion_price", [[[4.0]] * 5, [[3.0]] * 30, [[120]]], "1.4"),
    "debenture_shares": ("debenture_conversion_shares", [[[8_000_000]], [[4.8]]], "1.4"),
    "classb_price": ("classb_exercise_price", [[[6], [5], [4]], None, None], "1.4"),
    "dilution": ("dilution_pct", [[[8_593_877]], [[21_862_772]]], "1.4"),
    "ownership": ("ownership_pct", [[[579_098]], [[4_498_145]], [[21_862_772]]], "1.4"),
    "nasdaq_capacity": ("nasdaq_20pct_capacity", [[[21_862_772]], None], "1.4"),
    "runway": ("runway_months", [[[24_100_000]], [[2_300_000]]], "1.4"),
    "simulate": ("ceo_simulate", [[[50]], [[10]], None, None, None, [[3]], None], "1.4"),
    # the Almgren-Chriss example (2000, §1.5) at lambda = 0: the straight line
    "ac_holdings": (
        "ceo_ac_holdings",
        [[[1e6]], [[5]], [[5]], [[0.95]], [[0.0625]], [[2.5e-6]], [[2.5e-7]], [[0]]],
        "1.4",
    ),
    "ac_cost": ("ceo_ac_cost", [[[1e6]], [[5]], [[5]], [[0.95]], [[0.0625]], [[2.5e-6]], [[2.5e-7]], [[0]]], "1.4"),
}


@pytest.fixture(scope="module")
def runtime() -> dict:
    """Meta and call results from one run of the probe under the xlwings runtime."""
    key = os.environ.get("CEO_XLWINGS_LICENSE_KEY") or os.environ.get("XLWINGS_LICENSE_KEY")
    require(
        bool(key),
        "xlwings' custom-functions runtime needs a licence key: set XLWINGS_LICENSE_KEY "
        "(or CEO_XLWINGS_LICENSE_KEY; .ci/run uses 'noncommercial' for this project's CI)",
    )
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": key}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    request = {
        "module": "udfs",
        "calls": [
            {
                "id": call_id,
                "func_name": fn,
                "args": args,
                "runtime": rt,
                "caller_address": cell[0] if cell else BOOK + "B2",
            }
            for call_id, (fn, args, rt, *cell) in CALLS.items()
        ],
    }
    proc = subprocess.run(
        [sys.executable, str(PROBE)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, f"probe failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout)


def value(runtime: dict, call_id: str):
    outcome = runtime["results"][call_id]
    assert "value" in outcome, f"{call_id} raised: {outcome.get('raised')}"
    return outcome["value"]


def raised(runtime: dict, call_id: str) -> dict:
    outcome = runtime["results"][call_id]
    assert "raised" in outcome, f"{call_id} did not raise; returned {outcome.get('value')}"
    return outcome["raised"]


def functions(runtime: dict) -> dict[str, dict]:
    return {f["id"]: f for f in runtime["meta"]["functions"]}


# --- the catalogue Excel builds from the meta ----------------------------------------------------------------------


def test_runtime_is_the_server_runtime(runtime):
    assert runtime["xlwings"]["pro"] is True


def test_every_excel_function_is_registered_under_its_name(runtime):
    meta = functions(runtime)
    assert sorted(meta) == sorted(udfs.EXCEL_FUNCTIONS)
    assert len(meta) == 29
    for name, entry in meta.items():
        assert entry["name"] == name
        assert entry["result"] == {"dimensionality": "matrix", "type": "any"}  # ranges in, arrays spill out


def test_parameters_match_the_python_signatures_and_optional_ones_are_flagged(runtime):
    meta = functions(runtime)
    for name, fn in udfs.EXCEL_FUNCTIONS.items():
        signature = inspect.signature(fn).parameters
        params = meta[name]["parameters"]
        assert [p["name"] for p in params] == list(signature), name
        for p in params:
            optional = signature[p["name"]].default is not inspect.Parameter.empty
            assert p.get("optional", False) is optional, f"{name}.{p['name']}"
            assert p["dimensionality"] == "matrix", f"{name}.{p['name']} must accept a range"


def test_every_parameter_and_function_is_documented(runtime):
    for name, entry in functions(runtime).items():
        assert entry["description"] == udfs.EXCEL_FUNCTIONS[name].__doc__
        assert not entry["description"].startswith("Python function"), name
        for p in entry["parameters"]:
            assert not p["description"].startswith("Positional argument"), f"{name}.{p['name']} has no @xw.arg doc"


def test_ceo_fee_argument_help(runtime):
    gross, schedule = functions(runtime)["CEO_FEE"]["parameters"]
    assert gross["name"] == "gross" and "optional" not in gross
    assert "programme maximum" in gross["description"] and "last To" in gross["description"]
    assert schedule["name"] == "schedule" and schedule["optional"] is True
    assert "From | To | Rate" in schedule["description"]
    # the default is stated from the default deal's schedule (4% / 3.5% / 3% to $25M [cover; S-11])
    assert "4% / 3.5% / 3% to $25,000,000" in schedule["description"]


# --- calls with the payloads Excel sends ---------------------------------------------------------------------------


def test_ceo_fee_on_a_cell(runtime):
    assert value(runtime, "fee_cell") == [[900_000]]


def test_ceo_fee_on_ranges_returns_the_same_shape(runtime):
    assert value(runtime, "fee_column") == [[400_000], [750_000]]
    assert value(runtime, "fee_row") == [[400_000, 750_000]]
    assert value(runtime, "fee_block") == [[0, 200_000], [575_000, 900_000]]


def test_omitted_or_empty_schedule_is_the_prospectus_schedule(runtime):
    for call_id in ("fee_schedule_null", "fee_schedule_empty_cell", "fee_schedule_empty_string"):
        assert value(runtime, call_id) == [[900_000]], call_id


def test_custom_schedule_range_with_header_and_spare_row(runtime):
    # 5% of 10M + 2% of 5M
    assert value(runtime, "fee_custom_schedule") == [[600_000]]


def test_fee_schedule_spills_header_and_three_tiers(runtime):
    assert value(runtime, "fee_schedule_table") == [
        ["From", "To", "Rate", "Fee in tier", "Cumulative fee"],
        [0, 10_000_000, 0.04, 400_000, 400_000],
        [10_000_000, 20_000_000, 0.035, 350_000, 750_000],
        [20_000_000, 25_000_000, 0.03, 150_000, 900_000],
    ]


def test_simulate_spills_its_summary_table(runtime):
    header, *rows = value(runtime, "simulate")
    assert header == ["Measure", "Mean", "P05", "P50", "P95"]
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Shares sold"] == [100_000] * 4  # 10 days × 10% of the 100,000-share ADV, on every path
    assert by_label["Agent warrant shares"] == [10_000] * 4
    assert by_label["P(maximum reached)"] == [0, "", "", ""]  # $4M at most in 10 days; blanks spill as empty cells
    assert len(rows) == 14


def test_almgren_chriss_functions_spill_the_straight_line_and_its_cost(runtime):
    assert value(runtime, "ac_holdings") == [[1e6], [8e5], [6e5], [4e5], [2e5], [0]]
    # ½γX² + εX + η̃X²/T = 662,500 and ⅓σ²X²T(1 − 1/N)(1 − 1/2N) = 1.083e12 (tests/test_execution.py)
    assert value(runtime, "ac_cost") == [[pytest.approx(662_500, rel=1e-12), pytest.approx(1.083e12, rel=1e-12)]]


def test_placements_ledger_from_a_range_with_serial_dates(runtime):
    header, first, second = value(runtime, "placements")  # the empty trailing row is dropped
    assert header == [
        "Trade date",
        "Shares",
        "Price",
        "Gross",
        "Cumulative gross",
        "Commission",
        "Net",
        "Warrant shares",
        "Warrant strike",
        "Settlement date",
    ]
    assert first == [NOV[5], 1_000_000, 4.04, 4_040_000, 4_040_000, 161_600, 3_878_400, 100_000, 5.25, NOV[8]]
    # Crosses the $10M tier: fee(12.24M) - fee(4.04M) = 478,400 - 161,600.
    assert second == [NOV[6], 2_000_000, 4.10, 8_200_000, 12_240_000, 316_800, 7_883_200, 200_000, 5.33, NOV[9]]


def test_settlement_dates_are_serial_numbers(runtime):
    assert value(runtime, "settlement_friday") == [[NOV[7]]]  # Fri 2 Nov → Wed 7 Nov
    assert value(runtime, "settlement_saturday") == [[NOV[7]]]  # WORKDAY(Sat 3 Nov, 3)
    assert value(runtime, "settlement_holiday") == [[NOV[26]]]  # Tue 20 Nov, Thanksgiving 22 Nov skipped


EXPECTED = {
    "fee_increment": [[75_000]],
    "marginal_rate": [[0.035]],
    "effective_rate": [[0.036]],
    "net_proceeds": [[24_100_000]],
    "gross_for_net": [[5_208_333.33]],
    "other_fee": [[336_000]],
    "vwap": [[4.15]],
    "warrant_shares": [[123_456]],
    "warrant_strike": [[5.25]],
    "warrant_value": [[pytest.approx(2.7305674914, abs=1e-9)]],
    "cashless_shares": [[25_000]],
    "total_compensation": [[1_522_500]],
    "compensation_pct": [[pytest.approx(0.0609, abs=1e-12)]],
    "compensation_headroom": [[477_500]],
    "debenture_price": [[pytest.approx(3.03, abs=1e-12)]],
    "debenture_shares": [[1_666_666]],
    "classb_price": [[5.82], [4.85], [3.80]],
    "dilution": [[pytest.approx(0.2822, abs=5e-5)]],
    "ownership": [[pytest.approx(0.1926, abs=5e-5)]],
    "nasdaq_capacity": [[4_372_554]],
    "runway": [[pytest.approx(10.4783, abs=5e-5)]],
}


@pytest.mark.parametrize("call_id", sorted(EXPECTED))
def test_every_function_answers_through_the_runtime(runtime, call_id):
    assert value(runtime, call_id) == EXPECTED[call_id]


def test_all_26_functions_were_called(runtime):
    called = {fn.upper() for fn, *_ in CALLS.values()}
    assert called == set(udfs.EXCEL_FUNCTIONS)


# --- errors --------------------------------------------------------------------------------------------------------


def test_out_of_domain_number_is_the_num_error_value_and_its_message_is_logged_with_the_cell(runtime):
    assert value(runtime, "fee_negative") == [[NUM_ERROR]]
    assert runtime["results"]["fee_negative"]["log"] == [
        "WARNING ceo_model.udfs: CEO_FEE in [CEO_Model.xlsx]Calculations!B2: #NUM! gross: must not be negative (got -1)"
    ]
    assert value(runtime, "fee_above_maximum") == [[NUM_ERROR]]
    assert "programme maximum" in runtime["results"]["fee_above_maximum"]["log"][0]


def test_before_runtime_1_4_num_error_is_the_plain_string(runtime):
    assert value(runtime, "fee_negative_runtime_1_3") == [["#NUM!"]]


def test_one_bad_cell_in_a_range_is_num_in_that_cell_only_and_the_log_names_the_cell(runtime):
    # fee(1,000,000) = 4% of it
    assert value(runtime, "fee_negative_in_range") == [[40_000], [NUM_ERROR]]
    (line,) = runtime["results"]["fee_negative_in_range"]["log"]
    assert "CEO_FEE in [CEO_Model.xlsx]Calculations!B2: #NUM! gross at row 2, column 1: must not be negative" in line


def test_text_in_a_range_is_value_in_that_cell_only(runtime):
    # fee(1M) = 40,000; fee(2M) = 80,000
    assert value(runtime, "fee_text_in_range") == [[40_000], [80_000], [VALUE_ERROR]]
    (line,) = runtime["results"]["fee_text_in_range"]["log"]
    assert "#VALUE! gross at row 3, column 1: must be a number, not the text 'n/a'" in line


def test_ceo_last_error_gives_the_reason_of_another_cell(runtime):
    assert value(runtime, "last_error_of_c5") == [["#NUM! CEO_FEE: gross: must not be negative (got -1)"]]
    assert value(runtime, "last_error_of_c5_from_another_sheet") == value(runtime, "last_error_of_c5")
    (reason,) = value(runtime, "last_error_of_c6")[0]
    assert reason == "#VALUE! CEO_FEE: gross at row 2, column 1: must be a number, not the text 'n/a'"
    assert value(runtime, "last_error_of_c5_fixed") == [[""]]  # C5 succeeded since: no error to report


def test_ceo_last_error_refuses_a_number_for_an_address(runtime):
    err = raised(runtime, "last_error_bad_address")
    assert err["excel_error"] == "#VALUE!"
    assert err["message"].startswith("cell: must be a cell address as text")


def test_placements_refuse_a_ledger_past_the_programme_maximum(runtime):
    assert value(runtime, "placements_over_maximum") == [[NUM_ERROR]]
    (line,) = runtime["results"]["placements_over_maximum"]["log"]
    assert "CEO_PLACEMENTS in [CEO_Model.xlsx]Calculations!B2: #NUM! table at row 3, column 2: cumulative gross" in line


def test_text_in_a_single_cell_raises_so_xlwings_shows_value_with_the_message(runtime):
    err = raised(runtime, "fee_text")
    assert err == {
        "type": "CEOModelError",
        "is_value_error": True,
        "excel_error": "#VALUE!",
        "message": "gross: must be a number, not the text 'abc'",
    }


def test_mismatched_ranges_raise_naming_the_argument(runtime):
    err = raised(runtime, "fee_increment_mismatched")
    assert err["excel_error"] == "#VALUE!"
    assert err["message"].startswith("placement_gross: range of shape 3 × 1 does not match prior_gross")
