"""``python -m workbook validate``: every rule, each on a built workbook tampered with in exactly that way.

Cells are located through the built file's own defined names and labels (what
a modeller sees), not through the validator's code; each test asserts the
rule id and the cell of the finding and that nothing unrelated is reported.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import coordinate_to_tuple, get_column_letter

from workbook.validate import RULES, main, validate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def clean(built):
    return {flavour: b.path for flavour, b in built.items()}


def where(path: Path, name: str) -> tuple[str, str]:
    """(sheet, first cell) a defined name of the file points to."""
    book = load_workbook(path)
    sheet, ref = book.defined_names[name].attr_text.split("!")
    return sheet.strip("'"), ref.replace("$", "").split(":")[0]


def first_placement(path: Path, name: str) -> tuple[str, str]:
    """(sheet, cell) of the first placement in a Placements column (its name starts at the header)."""
    sheet, ref = where(path, name)
    column, row = re.match(r"([A-Z]+)(\d+)", ref).groups()
    return sheet, f"{column}{int(row) + 1}"


def tamper(src: Path, tmp_path: Path, edit, name: str = "tampered.xlsx") -> Path:
    book = load_workbook(src)
    edit(book)
    out = tmp_path / name
    book.save(out)
    return out


def rewrite_part(src: Path, out: Path, part: str, change) -> Path:
    """Copy a package, passing one part's text through ``change`` (``part=None`` adds nothing)."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            data = a.read(info.filename)
            if info.filename == part:
                data = change(data.decode()).encode()
            b.writestr(info.filename, data)
    return out


def add_part(src: Path, out: Path, part: str, data: bytes) -> Path:
    shutil.copy(src, out)
    with zipfile.ZipFile(out, "a") as z:
        z.writestr(part, data)
    return out


def sheet_part(path: Path, sheet: str) -> str:
    from workbook.engine.recalc import sheet_parts

    with zipfile.ZipFile(path) as z:
        return sheet_parts(z)[sheet]


def found(path: Path, *, recalc: bool = False) -> list:
    return validate(path, recalc=recalc).findings


def keys(findings) -> set[tuple[str, str | None, str | None]]:
    return {(f.rule, f.sheet, f.cell) for f in findings}


def assert_only(findings, expected: set, allowed_rules: set = frozenset()) -> None:
    """Every expected (rule, sheet, cell) is found, and nothing else but ``allowed_rules``."""
    got = keys(findings)
    assert expected <= got, f"missing {expected - got}; got {sorted(got)}"
    extra = {k for k in got - expected if k[0] not in allowed_rules}
    assert not extra, f"unexpected findings: {[f for f in findings if (f.rule, f.sheet, f.cell) in extra]}"


# -- clean workbooks -------------------------------------------------------------------


@pytest.mark.parametrize("flavour", ["udf", "native"])
def test_clean_build_has_no_findings(clean, flavour):
    report = validate(clean[flavour])
    assert report.findings == []
    assert report.flavour == flavour


def test_clean_build_recalculated_has_no_findings(clean):
    assert validate(clean["native"], recalc=True).findings == []


def test_clean_build_survives_openpyxl_round_trip(clean, tmp_path):
    """Saving with another tool (openpyxl drops cached values) is not itself a finding."""
    assert found(tamper(clean["udf"], tmp_path, lambda b: None)) == []


def test_cli_exit_codes_and_json(clean, tmp_path, capsys):
    assert main(clean["udf"]) == 0
    assert "no findings" in capsys.readouterr().out
    sheet, ref = where(clean["udf"], "NetProceeds")
    bad = tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, 123.0))
    assert main(bad, as_json=True) == 1
    data = json.loads(capsys.readouterr().out)
    assert {"severity": "error", "rule": "I001", "sheet": sheet, "cell": ref}.items() <= data[0].items()
    assert data[0]["location"] == f"{sheet}!{ref}"
    run = subprocess.run(
        [sys.executable, "-m", "workbook", "validate", str(bad)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert run.returncode == 1, run.stderr
    assert f"{sheet}!{ref}" in run.stdout and "I001" in run.stdout and "123" in run.stdout


# -- structure ------------------------------------------------------------------------------


def test_s001_missing_sheet(clean, tmp_path):
    path = tamper(clean["udf"], tmp_path, lambda b: b.remove(b["Scenarios"]))
    findings = found(path)
    # names on the removed sheet go with it (openpyxl keeps them dangling) — reported as S002
    assert_only(findings, {("S001", "Scenarios", None)}, {"S002", "A001"})
    assert "missing" in next(f for f in findings if f.rule == "S001").message


def test_s001_renamed_sheet(clean, tmp_path):
    """Renamed as Excel does it: the names follow the sheet, and nothing else is reported."""

    def rename(book):
        book["Conversions"].title = "Conv"
        for name in book.defined_names.values():
            name.attr_text = name.attr_text.replace("Conversions!", "Conv!")

    findings = found(tamper(clean["udf"], tmp_path, rename))
    assert_only(findings, {("S001", "Conv", None)})
    assert "renamed" in findings[0].message and "'Conversions'" in findings[0].message


def test_s001_not_a_model_workbook_gets_audit_rules_only(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = 1, "=A1*1.5", "=A4", "=A3"
    path = tmp_path / "budget.xlsx"
    book.save(path)
    findings = found(path)
    assert keys(findings) == {("S001", None, None), ("A004", "Sheet", "A2"), ("A007", "Sheet", "A3")}
    assert "not a CEO Model workbook" in findings[0].message


def test_s002_missing_name(clean, tmp_path):
    sheet, ref = where(clean["udf"], "SharePrice")
    path = tamper(clean["udf"], tmp_path, lambda b: b.defined_names.pop("SharePrice"))
    findings = found(path)
    assert_only(findings, {("S002", sheet, ref)})
    assert "SharePrice" in findings[0].message and "missing" in findings[0].message


def test_s002_redirected_name(clean, tmp_path):
    sheet, ref = where(clean["native"], "Volatility")

    def redirect(book):
        book.defined_names["Volatility"].attr_text = f"{sheet}!$B$99"

    findings = found(tamper(clean["native"], tmp_path, redirect))
    assert_only(findings, {("S002", sheet, ref)})
    assert "$B$99" in findings[0].message


def test_s003_placements_table_resized(clean, tmp_path):
    def shrink(book):
        book["Placements"].tables["PlacementsTable"].ref = "A4:C20"

    findings = found(tamper(clean["udf"], tmp_path, shrink))
    assert_only(findings, {("S003", "Placements", "A4")})
    assert "A4:C20" in findings[0].message


def test_s003_placement_typed_below_the_table(clean, tmp_path):
    book = load_workbook(clean["udf"])
    last = int(re.search(r"\d+$", book["Placements"].tables["PlacementsTable"].ref)[0])
    row = last + 3

    def below(b):
        ws = b["Placements"]
        ws[f"B{row}"], ws[f"C{row}"] = 1000, 4.5

    findings = found(tamper(clean["udf"], tmp_path, below))
    assert_only(findings, {("S003", "Placements", f"B{row}")})
    assert "ignored" in findings[0].message


def test_s004_extra_sheet_is_information_only(clean, tmp_path, capsys):
    path = tamper(clean["udf"], tmp_path, lambda b: b.create_sheet("My notes").__setitem__("A1", "hello"))
    assert_only(found(path), {("S004", "My notes", None)})
    assert main(path) == 0


# -- integrity ------------------------------------------------------------------------------


def test_i001_formula_replaced_by_constant(clean, tmp_path):
    sheet, ref = where(clean["udf"], "NetProceeds")
    findings = found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, 17_035_325.0)))
    assert_only(findings, {("I001", sheet, ref)})
    assert "17,035,325" in findings[0].message and "CEO_NET_PROCEEDS" in findings[0].message


def test_i001_formula_deleted(clean, tmp_path):
    sheet, ref = where(clean["native"], "OutNetProceeds")
    findings = found(tamper(clean["native"], tmp_path, lambda b: b[sheet].__setitem__(ref, None)))
    assert_only(findings, {("I001", sheet, ref)})
    assert "deleted" in findings[0].message


def test_i002_formula_differs_from_template(clean, tmp_path):
    sheet, ref = where(clean["native"], "TotalGross")
    findings = found(tamper(clean["native"], tmp_path, lambda b: b[sheet].__setitem__(ref, "=SUM(LedgerNet)")))
    assert_only(findings, {("I002", sheet, ref)})
    assert "=SUM(LedgerNet)" in findings[0].message and "=SUM(LedgerGross)" in findings[0].message


def test_i002_not_raised_for_cosmetic_differences(clean, tmp_path):
    """Spaces, case and $ signs do not change what a formula computes."""
    sheet, ref = where(clean["native"], "TotalGross")
    path = tamper(clean["native"], tmp_path, lambda b: b[sheet].__setitem__(ref, "= sum( LedgerGross )"))
    assert found(path) == []


def test_i003_inconsistent_formula_in_a_line_item(clean, tmp_path):
    sheet, ref = where(clean["udf"], "LedgerGross")
    row, col = coordinate_to_tuple(ref)
    target = f"{get_column_letter(col)}{row + 2}"  # the third placement's gross

    def skew(book):
        text = book[sheet][target].value
        pattern = rf"\b([A-Z]+){row + 2}\b"
        assert re.search(pattern, text), text
        book[sheet][target] = re.sub(pattern, rf"\g<1>{row + 3}", text, count=1)

    findings = found(tamper(clean["udf"], tmp_path, skew))
    assert_only(findings, {("I003", sheet, target)})
    assert "inconsistent" in findings[0].message


def test_i002_whole_line_item_edited_consistently_is_one_finding(clean, tmp_path):
    sheet, ref = where(clean["native"], "LedgerNet")
    col = re.match(r"[A-Z]+", ref)[0]
    first, last = (
        int(x) for x in re.findall(r"\d+", load_workbook(clean["native"]).defined_names["LedgerNet"].attr_text)
    )

    def edit(book):
        for r in range(first, last + 1):
            book[sheet][f"{col}{r}"] = f"=0*{col}{r - 1}" if r > first else "=0"

    findings = found(tamper(clean["native"], tmp_path, edit))
    # the odd first cell is inconsistent with its line; the other 49 share one new formula: one I002
    assert_only(findings, {("I003", sheet, ref), ("I002", sheet, f"{col}{first + 1}")})
    assert f"{last - first - 1} more" in next(f.message for f in findings if f.rule == "I002")


def test_i004_required_input_empty(clean, tmp_path):
    sheet, ref = where(clean["udf"], "SharePrice")
    findings = found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, None)))
    assert_only(findings, {("I004", sheet, ref)})
    assert "formula(s) use it" in findings[0].message


def test_i004_incomplete_placement_row(clean, tmp_path):
    sheet, ref = first_placement(clean["udf"], "PlacementPrices")
    row, col = coordinate_to_tuple(ref)
    target = f"{get_column_letter(col)}{row + 1}"  # the second placement's price
    findings = found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(target, None)))
    assert_only(findings, {("I004", sheet, target)})
    assert "Price" in findings[0].message


# -- inputs -----------------------------------------------------------------------------------


def test_n001_text_instead_of_number(clean, tmp_path):
    sheet, ref = where(clean["udf"], "SharePrice")
    findings = found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, "4.04")))
    assert_only(findings, {("N001", sheet, ref)})
    assert "'4.04'" in findings[0].message


def test_n001_text_instead_of_date(clean, tmp_path):
    sheet, ref = first_placement(clean["native"], "PlacementDates")
    findings = found(tamper(clean["native"], tmp_path, lambda b: b[sheet].__setitem__(ref, "next Monday")))
    assert_only(findings, {("N001", sheet, ref)})


def test_n002_outside_validation_range(clean, tmp_path):
    from stated_ranges import STATED

    sheet, ref = where(clean["udf"], "Volatility")
    low, high, _, _ = STATED["volatility"]  # the stated range (0 to 10, i.e. 1,000% a year), not the builder's Max
    findings = found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, high * 2)))
    assert_only(findings, {("N002", sheet, ref)})
    assert f"allowed {low:g} to {high:g}" in findings[0].message
    assert found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, high), "at_max.xlsx")) == []


def test_settlement_cycle_is_a_term_not_a_pin(clean, tmp_path):
    """T+1 is a valid settlement cycle (the term's range is 0 to 10 business days), T+11 is not."""
    sheet, ref = where(clean["udf"], "SettlementDays")
    assert found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, 1))) == []
    findings = found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, 11)))
    assert_only(findings, {("N002", sheet, ref)})
    assert "allowed 0 to 10" in findings[0].message


def test_n003_not_whole(clean, tmp_path):
    sheet, ref = where(clean["udf"], "SharesOutstanding")
    findings = found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, 21_862_772.5)))
    assert_only(findings, {("N003", sheet, ref)})


def test_n004_placements_beyond_programme_maximum(clean, tmp_path):
    sheet, ref = first_placement(clean["udf"], "PlacementShares")
    row, col = coordinate_to_tuple(ref)
    target = f"{get_column_letter(col)}{row + 3}"  # the fourth placement: 10 million shares at about $4
    findings = found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(target, 10_000_000)))
    assert_only(findings, {("N004", sheet, target)})
    assert "25,000,000.00" in findings[0].message


def test_n005_formula_in_input(clean, tmp_path):
    sheet, ref = where(clean["udf"], "WarrantTermYears")
    findings = found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, "=CashlessAfterYears*2")))
    assert_only(findings, {("N005", sheet, ref)})
    assert findings[0].severity == "warning"


# -- audit ------------------------------------------------------------------------------------


def set_cached(src: Path, out: Path, sheet: str, ref: str, value: str) -> Path:
    """Make the cached value of one formula cell an error value, as Excel would store it."""

    def change(xml: str) -> str:
        m = re.search(rf'<c r="{ref}"([^>]*)>(.*?)</c>', xml, re.S)
        assert m and "<f>" in m.group(2), f"{sheet}!{ref} has no formula"
        attrs = re.sub(r'\st="[^"]*"', "", m.group(1)) + ' t="e"'
        body = re.sub(r"<v>.*?</v>", f"<v>{value}</v>", m.group(2))
        return xml[: m.start()] + f'<c r="{ref}"{attrs}>{body}</c>' + xml[m.end() :]

    return rewrite_part(src, out, sheet_part(src, sheet), change)


def test_a001_error_value_cached(clean, tmp_path):
    sheet, ref = where(clean["native"], "EffectiveRate")
    path = set_cached(clean["native"], tmp_path / "err.xlsx", sheet, ref, "#DIV/0!")
    findings = found(path)
    assert_only(findings, {("A001", sheet, ref)})
    assert "#DIV/0!" in findings[0].message


def test_a001_ref_error_in_formula(clean, tmp_path):
    sheet, ref = where(clean["udf"], "CompensationCapAmount")
    findings = found(tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, "=#REF!*TotalGross")))
    assert_only(findings, {("A001", sheet, ref), ("I002", sheet, ref)})


def test_a002_external_link_in_formula(clean, tmp_path):
    findings = found(tamper(clean["udf"], tmp_path, lambda b: b["Outputs"].__setitem__("H60", "=[1]Prices!A1")))
    assert_only(findings, {("A002", "Outputs", "H60")})


def test_a002_external_link_part(clean, tmp_path):
    xml = b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    path = add_part(clean["udf"], tmp_path / "linked.xlsx", "xl/externalLinks/externalLink1.xml", xml)
    findings = found(path)
    assert_only(findings, {("A002", None, None)})
    assert "externalLink1" in findings[0].message


def test_a003_offset(clean, tmp_path):
    path = tamper(clean["udf"], tmp_path, lambda b: b["Outputs"].__setitem__("H60", "=SUM(OFFSET(Outputs!B4,1,0))"))
    assert_only(found(path), {("A003", "Outputs", "H60")})


def test_a003_indirect(clean, tmp_path):
    path = tamper(clean["udf"], tmp_path, lambda b: b["Outputs"].__setitem__("H61", '=INDIRECT("B4")'))
    assert_only(found(path), {("A003", "Outputs", "H61")})


def test_a004_embedded_constant(clean, tmp_path):
    path = tamper(clean["udf"], tmp_path, lambda b: b["Outputs"].__setitem__("H60", "=TotalGross*0.04"))
    findings = found(path)
    assert_only(findings, {("A004", "Outputs", "H60")})
    assert "0.04" in findings[0].message


def test_a004_allows_0_1_2_and_ignores_text(clean, tmp_path):
    def edit(book):
        book["Outputs"]["H60"] = '=IF(TotalGross>0,ROUND(TotalGross/2,0),1)&" 100 dollars"'

    assert found(tamper(clean["udf"], tmp_path, edit)) == []


def test_a005_hidden_sheet(clean, tmp_path):
    path = tamper(clean["udf"], tmp_path, lambda b: setattr(b["Scenarios"], "sheet_state", "hidden"))
    assert_only(found(path), {("A005", "Scenarios", None)})


def test_a006_manual_calculation(clean, tmp_path):
    path = tamper(clean["udf"], tmp_path, lambda b: setattr(b.calculation, "calcMode", "manual"))
    assert_only(found(path), {("A006", None, None)})


def test_a007_circular_reference(clean, tmp_path):
    def edit(book):
        book["Outputs"]["H60"] = "=H61+TotalGross"
        book["Outputs"]["H61"] = "=H60"

    findings = found(tamper(clean["udf"], tmp_path, edit))
    assert_only(findings, {("A007", "Outputs", "H60")})
    assert "Outputs!H61" in findings[0].message


def test_a007_circular_reference_through_names(clean, tmp_path):
    sheet, ref = where(clean["native"], "TotalGross")
    target_sheet, target = where(clean["native"], "NetProceeds")
    path = tamper(clean["native"], tmp_path, lambda b: b[sheet].__setitem__(ref, "=SUM(LedgerGross)+NetProceeds"))
    findings = found(path)
    cycle = [f for f in findings if f.rule == "A007"]
    assert len(cycle) == 1, findings
    assert f"{sheet}!{ref}" in cycle[0].message and f"{target_sheet}!{target}" in cycle[0].message
    assert {f.rule for f in findings} <= {"A007", "I002"}


def test_a008_macros(clean, tmp_path):
    path = add_part(clean["udf"], tmp_path / "with_macros.xlsm", "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run")
    findings = found(path)
    assert_only(findings, {("A008", None, None)})
    assert findings[0].severity == "warning"
    assert main(path) == 0  # a warning does not fail validation


# -- outcome -------------------------------------------------------------------------------------


def test_o001_failing_checks_after_recalc(clean, tmp_path):
    """A broken cap shows only after recalculation; the message names the check and the invalid input."""
    cap_sheet, cap = where(clean["native"], "CompensationCap")
    vol_sheet, vol = where(clean["native"], "Volatility")
    total_sheet, total = where(clean["native"], "ChecksTotal")
    check_sheet, check = where(clean["native"], "CheckCap")
    book = load_workbook(clean["native"])
    # the labels a modeller sees; the check's label states the cap the file holds (typed 0.1% below)
    check_label = "Compensation within the 0.1% cap"
    assert book[check_sheet][f"A{coordinate_to_tuple(check)[0]}"].value.startswith('="Compensation within the "')
    input_label = book[vol_sheet][f"A{coordinate_to_tuple(vol)[0]}"].value

    def edit(b):
        b[cap_sheet][cap] = 0.001
        b[vol_sheet][vol] = 50

    path = tamper(clean["native"], tmp_path, edit)
    assert keys(found(path)) == {("N002", vol_sheet, vol)}  # without recalculation the cap looks fine
    findings = found(path, recalc=True)
    assert_only(findings, {("O001", total_sheet, total), ("N002", vol_sheet, vol)})
    message = next(f.message for f in findings if f.rule == "O001")
    # an invalid input is the reason named; the deal's rules are not judged (blank) until every input is valid
    inputs_sheet, inputs_check = where(clean["native"], "CheckInputs")
    assert f"{inputs_sheet}!{inputs_check}" in message and input_label in message
    assert check_label not in message

    path = tamper(clean["native"], tmp_path, lambda b: b[cap_sheet].__setitem__(cap, 0.001), "cap.xlsx")
    assert found(path) == []  # without recalculation the cap looks fine
    findings = found(path, recalc=True)
    assert_only(findings, {("O001", total_sheet, total)})
    message = next(f.message for f in findings if f.rule == "O001")
    assert check_label in message and f"{check_sheet}!{check}" in message


# -- users' CI: workbook.testing -----------------------------------------------------------------


def test_recalculated_names_match_the_model(clean):
    """The helper for users' CI gives every defined name after recalculation; figures from model/."""
    from helpers import close, expected_outputs

    from workbook.testing import recalculated

    out = recalculated(clean["udf"])
    expected = expected_outputs()
    for name in ("OutNetProceeds", "OutTotalCommission", "OutTotalWarrantValue", "OutChecksTotal"):
        assert close(out[name], expected[name]), name
    assert out["ChecksTotal"] == 0
    assert isinstance(out["Schedule"], list) and len(out["Schedule"][0]) == 3  # a range: list of rows


def test_expected_outputs_know_every_check(built):
    """helpers.expected_outputs derives every check of the Checks sheet: the list of checks is the layout's, the
    values are derived in helpers.expected_checks (and compared with the workbook in tests/test_workbook.py)."""
    from helpers import expected_outputs

    from workbook.kit.layout import CHECK

    lay = built["native"].layout
    checks = {
        spec.name
        for cells in lay.cells.values()
        for spec in cells.values()
        if spec.role == CHECK and spec.name and spec.name != "ChecksTotal"
    }
    assert len(checks) >= 24
    expected = expected_outputs()
    assert checks == {name for name in expected if name.startswith("Check")}
    assert expected["OutChecksTotal"] == 0 and all(expected[name] == 0 for name in checks)


def test_assert_valid_lists_errors_by_cell(clean, tmp_path):
    from workbook.testing import assert_valid

    assert_valid(clean["udf"], recalc=False)
    sheet, ref = where(clean["udf"], "NetProceeds")
    bad = tamper(clean["udf"], tmp_path, lambda b: b[sheet].__setitem__(ref, 1.0))
    with pytest.raises(AssertionError, match=rf"{sheet}!{ref} I001"):
        assert_valid(bad, recalc=False)


# -- rows a person inserted or deleted (issue 9) ----------------------------------------------------------


def _move_rows(path: Path, tmp_path: Path, sheet: str, row: int, count: int, name: str) -> Path:
    """Insert (count > 0) or delete (count < 0) rows as an application does: cells and defined names move."""
    book = load_workbook(path)
    ws = book[sheet]
    if count > 0:
        ws.insert_rows(row, count)
    else:
        ws.delete_rows(row, -count)
    for defined in book.defined_names.values():
        target, _, ref = (defined.attr_text or "").rpartition("!")
        if target.strip("'") != sheet:
            continue

        def move(m):
            r = int(m[2])
            if r < row:
                return m[0]
            if count < 0 and r < row - count:
                return "#REF!"
            return f"{m[1]}{r + count}"

        moved = re.sub(r"(\$?[A-Z]{1,3}\$?)(\d+)", move, ref)
        defined.attr_text = f"{target}!{'#REF!' if '#REF!' in moved else moved}"
    out = tmp_path / name
    book.save(out)
    return out


def test_rows_inserted_on_a_template_sheet_are_information(clean, tmp_path):
    sheet, first = where(clean["native"], "OutTotalGross")
    row = int(first[1:])
    path = _move_rows(clean["native"], tmp_path, sheet, row, 2, "inserted.xlsx")
    findings = validate(path).findings
    assert [(f.severity, f.rule, f.sheet) for f in findings] == [("info", "S005", sheet)], findings
    assert f"row(s) {row}–{row + 1} were inserted" in findings[0].message


def test_a_deleted_label_row_is_information_a_deleted_formula_row_an_error(clean, tmp_path):
    sheet, first = where(clean["native"], "OutTotalGross")
    row = int(first[1:])
    labels = _move_rows(clean["native"], tmp_path, sheet, row - 1, -1, "labels.xlsx")  # the table's header row
    findings = validate(labels).findings
    assert [(f.severity, f.rule) for f in findings] == [("info", "S005")], findings
    assert f"row(s) {row - 1}, holding labels only, were deleted" in findings[0].message
    formula = _move_rows(clean["native"], tmp_path, sheet, row, -1, "formula.xlsx")  # Gross sales
    rules = sorted((f.rule, f.severity) for f in validate(formula).findings)
    assert ("I001", "error") in rules and ("S002", "error") in rules, rules  # the figure and its name are gone
    assert not [r for r in rules if r[0] not in ("I001", "S002", "S005")], rules


def test_a_row_inserted_through_the_input_blocks_is_one_warning_per_block(clean, tmp_path):
    """Real LibreOffice inserts a row across Inputs: each block it crosses gains an empty entry (I005)."""
    from conftest import require

    from workbook.engine import lo_edit

    require(lo_edit.available(), "LibreOffice (soffice) with python3-uno is not installed")
    book = load_workbook(clean["native"])
    sheet, first = where(clean["native"], "IssuePrices")
    blocks = [n for n, d in book.defined_names.items() if d.attr_text.startswith(f"{sheet}!") and ":" in d.attr_text]
    row = int(first[1:]) + 2  # through the third entry of the five issue prices
    crossed = []
    for n in blocks:
        _, r1, _, r2 = range_boundaries_of(book.defined_names[n].attr_text)
        if r1 <= row <= r2 and n not in ("ScheduleFrom", "ScheduleTo", "ScheduleRate"):  # columns of Schedule
            crossed.append(n)
    out = tmp_path / "inserted.xlsx"
    lo_edit.edit_and_save([lo_edit.Job(clean["native"], out, [{"op": "insert_rows", "sheet": sheet, "row": row}])])
    findings = validate(out).findings
    i005 = sorted(f.message.split(" added an empty entry to ")[1].split(" ")[0] for f in findings if f.rule == "I005")
    assert i005 == sorted(crossed)
    assert [f.rule for f in findings if f.rule == "S005"] == ["S005"]
    # what remains are the consequences of the empty entries, not of where the rows moved
    assert {f.rule for f in findings} <= {"I005", "S005", "A001", "I004"}, [(f.rule, f.location) for f in findings]


def range_boundaries_of(text: str) -> tuple[int, int, int, int]:
    from openpyxl.utils import range_boundaries

    return range_boundaries(text.rsplit("!", 1)[1].replace("$", ""))


def test_missing_addin_is_one_finding_not_one_per_cell(clean, built, tmp_path):
    """The udf flavour as an application without the add-in saves it: every add-in call is #NAME? (A009)."""
    from udfs import EXCEL_FUNCTIONS
    from workbook.engine.recalc import ExcelErrorValue, write_cached_values
    from workbook.kit import formula_text as ft

    b = built["udf"]
    calls = {
        (sheet, ref)
        for sheet, ref, spec in b.layout.formula_cells()
        if not EXCEL_FUNCTIONS.keys().isdisjoint(ft.functions(spec.value))
    }
    parts = {  # the cells the add-in's array formulas fill show #NAME? too
        (sheet, ref)
        for sheet, cells in b.layout.cells.items()
        for ref, spec in cells.items()
        if spec.array and (sheet, spec.array.split(":")[0]) in calls and (sheet, ref) not in calls
    }
    assert len(calls) > 30 and len(parts) > 400
    calls |= parts
    values = dict(b.values)
    for key in calls:
        values[key] = ExcelErrorValue("#NAME?")
    path = tmp_path / "no_addin.xlsx"
    write_cached_values(b.path, values, path)
    findings = validate(path).findings
    assert [f.rule for f in findings] == ["A009"], [(f.rule, f.location, f.message[:80]) for f in findings]
    assert f"{len(calls)} cell(s)" in findings[0].message
    assert "add-in" in findings[0].message and "native flavour" in findings[0].message


# -- the catalogue -------------------------------------------------------------------------------


def rule_ids_asserted(source: str) -> set[str]:
    """The rule ids written as strings inside an assertion or a call of a test function (not in a comment, a
    docstring or a name), read with ``ast``."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Assert | ast.Call):
                found |= {
                    c.value
                    for c in ast.walk(inner)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str) and c.value in RULES
                }
    return found


def test_every_rule_is_tested_here():
    tree = ast.parse(Path(__file__).read_text())
    meta = ("test_every_rule_is_tested_here", "test_a_rule_named_only_in_a_comment_or_docstring_is_not_tested")
    others = [n for n in tree.body if not (isinstance(n, ast.FunctionDef) and n.name in meta)]
    untested = sorted(set(RULES) - rule_ids_asserted(ast.unparse(ast.Module(body=others, type_ignores=[]))))
    assert not untested


def test_a_rule_named_only_in_a_comment_or_docstring_is_not_tested():
    source = (
        "def test_x():\n"
        '    """S001 and A001 are named here."""\n'
        "    # S002 here\n"
        '    rule = "S003"\n'
        '    assert found() == ["S004"]\n'
        '    assert_only(f, {("S005", None, None)})\n'
    )
    assert rule_ids_asserted(source) == {"S004", "S005"}


def test_template_line_items_are_r1c1_consistent():
    """I003 relies on it: every multi-cell line item of the template has one R1C1 formula."""
    from workbook.kit import formula_text as ft
    from workbook.kit.layout import LINK, build_layout
    from workbook.sheets.template import template

    for flavour in ("udf", "native"):
        lines = defaultdict(set)
        for _sheet, ref, spec in build_layout(flavour, template()).formula_cells():
            if spec.line and spec.role != LINK:
                lines[spec.line].add(ft.r1c1(spec.value, *coordinate_to_tuple(ref)))
        assert {line: forms for line, forms in lines.items() if len(forms) > 1} == {}


def test_r1c1_distinguishes_relative_and_absolute():
    from workbook.kit.formula_text import r1c1

    assert r1c1("=SUM(F$5:F7)", 7, 6) == r1c1("=SUM(F$5:F8)", 8, 6)
    assert r1c1("=SUM(F5:F7)", 7, 6) != r1c1("=SUM(F5:F8)", 8, 6)
    assert r1c1('=A1&"B7"', 1, 2) == r1c1('=A2&"B7"', 2, 2)  # text is not a reference
