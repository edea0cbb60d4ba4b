"""Labels that state a term are computed from the input (issue 11): a build with other terms never shows the
prospectus's values.

The figures expected here are the terms file's own (9.5%, 115%, …) written out by hand, and the text is read as
LibreOffice and the ``formulas`` package compute it and as LibreOffice prints it — never from the label code.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from conftest import require
from openpyxl import load_workbook

from workbook.engine import engines, libreoffice, lo_engine
from workbook.generate import build, read_terms
from workbook.kit import labels
from workbook.kit.layout import LABEL, LABEL_FORMULA, SECTION, build_layout
from workbook.kit.spec import Item, Label, Sheet, Unit
from workbook.sheets.template import template

# The terms a label states, changed from the prospectus's (8% cap, 130% strike, 10% cover, T+3, 20% limit and
# rights-plan trigger, 15% DGCL threshold, 4% Other Agreement rate; 5-year warrants, cashless and transferable
# after 1 year, 5-day lock-up; debentures convert at 120% of the issue average, reset to 101% after 90 days).
TERMS_FILE = """\
compensation_cap = 0.095
warrant_premium = 1.15
warrant_coverage = 0.07
settlement_business_days = 2
nasdaq_discount_limit = 0.175
rights_plan_trigger = 0.25
dgcl_interested_holder = 0.12
other_rate = 0.035
warrant_term_years = 4.5
cashless_after_years = 0.5
transfer_restriction_years = 2
lockup_trading_days = 7
debenture_initial_premium = 1.25
debenture_reset_factor = 1.05
debenture_reset_after_days = 60
"""
# input name -> how the new value reads in a label
NEW = {
    "CompensationCap": "9.5%",
    "WarrantPremium": "115%",
    "WarrantCoverage": "7%",
    "SettlementDays": "T+2",
    "NasdaqLimit": "17.5%",
    "RightsPlanTrigger": "25%",
    "DgclInterestedHolder": "12%",
    "OtherRate": "3.5%",
    "WarrantTermYears": "4.5",
    "CashlessAfterYears": "0.5",
    "TransferRestrictionYears": "2",
    "LockupTradingDays": "7",
    "DebenturePremium": "125%",
    "DebentureResetFactor": "105%",
    "DebentureResetDays": "60",
}
# the prospectus's values as a label would state them (not as a value cell shows them: 8.00%, 130.00%)
OLD = re.compile(
    r"(?<![\d.])(?:8|130|10|20|15|4|120|101)%|T\+3\b|(?<![\d.])5-year|\+ [15] yr|\b5 trading days|\b90 days"
)


PRINTED_OLD = re.compile(
    r"(?<![\d.])(?:8% cap|8% of gross|capped at 8%|\(8%\)|130% of VWAP|10% of shares|20% limit|\(20%\)|limit 20%|"
    r"trigger 20%|20% rights|15% DGCL|threshold 15%|\(4%\)|commission 4%|5-year|120% of|101% of)|T\+3\b"
)


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """Both flavours built with the changed terms (values cached by the formulas package)."""
    folder = tmp_path_factory.mktemp("labels")
    terms = folder / "deal.toml"
    terms.write_text(TERMS_FILE)
    deal = read_terms(terms)
    return {f: build(folder / f, f, deal, engine="formulas") for f in ("native", "udf")}


def _texts(built, values: dict) -> dict[tuple[str, str], str]:
    """Every text a sheet shows: typed text, and the computed value of every formula that gives text."""
    book = load_workbook(built.path)
    out = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                key = (ws.title, cell.coordinate)
                value = values.get(key) if cell.data_type == "f" else cell.value
                if isinstance(value, str):
                    out[key] = value
    return out


def _stated(built) -> dict[tuple[str, str], list[str]]:
    """{(sheet, cell): inputs its label formula states} from the layout."""
    return {
        (sheet, ref): re.findall(r"TEXT\((\w+),", spec.value)
        for sheet, cells in built.layout.cells.items()
        for ref, spec in cells.items()
        if spec.role == LABEL_FORMULA
    }


def _assert_labels_follow_terms(built, values: dict, engine: str) -> None:
    texts = _texts(built, values)
    stale = {key: text for key, text in texts.items() if OLD.search(text)}
    assert not stale, (engine, built.flavour, stale)
    stated = _stated(built)
    assert len(stated) >= 15
    for key, names in stated.items():
        assert names, key
        for name in names:
            assert NEW[name] in texts[key], (engine, built.flavour, key, name, texts[key])
    everything = " ".join(texts.values())
    missing = [shown for shown in NEW.values() if shown not in everything]
    assert not missing, (engine, built.flavour)


@pytest.mark.parametrize("flavour", ["native", "udf"])
def test_labels_state_the_built_terms_formulas_engine(changed, flavour):
    _assert_labels_follow_terms(changed[flavour], changed[flavour].values, "formulas")


def test_labels_state_the_built_terms_libreoffice(changed):
    require(libreoffice.available(), "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    built = changed["native"]
    _assert_labels_follow_terms(built, engines.compute(built.path, "libreoffice"), "libreoffice")


def test_printed_workbook_shows_the_new_terms(changed, tmp_path):
    """LibreOffice recalculates and prints the build: the pages state the new terms, never the prospectus's."""
    require(libreoffice.available(), "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    require(shutil.which("pdftotext") is not None, "poppler-utils (pdftotext) is not installed")
    pdf = lo_engine.convert(changed["native"].path, tmp_path, "pdf", recalculate=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    # the labels as the prospectus's terms would read (a chart's 10%/20% axis ticks are no label)
    stale = PRINTED_OLD.findall(flat)
    assert not stale, stale
    for name in ("CompensationCap", "WarrantPremium", "WarrantCoverage", "SettlementDays", "NasdaqLimit"):
        assert NEW[name] in flat, name
    assert "Compensation within the 9.5% cap" in flat
    assert "Warrant strike (115% of VWAP)" in flat
    assert "Compensation against the 9.5% cap" in flat  # the chart's title


def test_a_chart_title_stating_a_term_links_to_its_label_cell(changed):
    """The compensation chart's title is its cell's text (Excel, Gnumeric), cached as built (what LibreOffice shows)."""
    built = changed["native"]
    with zipfile.ZipFile(built.path) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    titled = [re.search(r"<title><tx><strRef><f>(.*?)</f>.*?<v>(.*?)</v>", xml) for xml in charts]
    titled = [m for m in titled if m]  # the Outputs charts; the Timeline's title states no term
    assert len(titled) == 3 and len(charts) == 4
    by_text = {m.group(2): m.group(1) for m in titled}
    ref = by_text["Compensation against the 9.5% cap"]
    sheet, cell = ref.split("!")
    assert built.values[(sheet.strip("'"), cell.replace("$", ""))] == "Compensation against the 9.5% cap"


def test_label_formulas_show_what_the_engines_compute(changed):
    """The text a label is reported by (messages, the command line) is the text the workbook shows."""
    built = changed["native"]
    specs = {
        (sheet, ref): spec
        for sheet, cells in built.layout.cells.items()
        for ref, spec in cells.items()
        if spec.role == LABEL_FORMULA
    }
    for key, spec in specs.items():
        assert spec.label == f"the label '{built.values[key]}'", key


def test_label_formula_is_text_joined_with_TEXT_of_inputs():
    label = Label('Settlement "T+{SettlementDays:0}", cap {CompensationCap:%}')
    assert labels.formula(label) == (
        '="Settlement ""T+"&TEXT(SettlementDays,"0")&""", cap "'
        '&TEXT(CompensationCap,IF(ROUND(CompensationCap,2)=CompensationCap,"0%","0.0#%"))'
    )
    assert labels.names(label) == ["SettlementDays", "CompensationCap"]
    # Excel's TEXT: half away from zero, the decimals a percentage needs
    assert labels.shown(label, {"SettlementDays": 3, "CompensationCap": 0.0725}) == 'Settlement "T+3", cap 7.25%'
    assert labels.shown(Label("{X:0%}"), {"X": 0.125}) == "13%"
    assert labels.shown(Label("{X:#} yr"), {"X": 2.5}) == "2.5 yr"
    assert labels.shown(Label("cap {X:%}"), {"X": None}) == "cap [X]"  # an invalid input read back from a file


@pytest.mark.parametrize(
    ("text", "why"),
    [("{CompensationCap:0.000%}", "format"), ("a {CompensationCap} b", "placeholder"), ("{Nope:%}", "not a scalar")],
)
def test_a_bad_label_is_refused_when_the_layout_is_made(text, why):
    sheets = tuple(
        Sheet(s.name, s.title, (*s.parts, Item("Extra", Label(text), Unit.USD, "=1")))
        if s.name == "Calculations"
        else s
        for s in template()
    )
    with pytest.raises(ValueError, match=why):
        build_layout("native", sheets)


def test_no_typed_label_states_a_term():
    """Labels, headings and notes typed as text carry no percentages or settlement cycles: those are Labels."""
    for flavour in ("native", "udf"):
        lay = build_layout(flavour, template())
        typed = {
            (sheet, ref): spec.value
            for sheet, cells in lay.cells.items()
            for ref, spec in cells.items()
            if spec.role in (LABEL, SECTION, "note", "subtitle") and isinstance(spec.value, str)
        }
        assert not {k: v for k, v in typed.items() if re.search(r"\d\s*%|T\+\d", v)}


# -- validate: a label formula is a template formula ------------------------------------------------------------


def _label_cell(built, text: str) -> str:
    """The cell of the label formula that shows ``text`` (as built)."""
    return next(
        ref
        for ref, spec in built.layout.cells["Checks"].items()
        if spec.role == LABEL_FORMULA and spec.label == f"the label '{text}'"
    )


def test_validate_accepts_the_label_formulas_of_a_build_with_other_terms(changed):
    from workbook.validate import validate

    for flavour in ("native", "udf"):
        findings = validate(changed[flavour].path).findings
        assert findings == [], [(f.rule, f.location, f.message[:90]) for f in findings]


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ('="Compensation within the 8% cap"', "I002"),  # the term typed back into the formula
        ("Compensation within the 9.5% cap", "I001"),  # the formula replaced by its text: no longer follows the input
    ],
)
def test_an_edited_label_formula_is_a_finding(changed, tmp_path, typed, rule):
    from workbook.validate import validate

    built = changed["native"]
    ref = _label_cell(built, "Compensation within the 9.5% cap")
    book = load_workbook(built.path)
    book["Checks"][ref] = typed
    path = tmp_path / "edited.xlsx"
    book.save(path)
    findings = validate(path).findings
    assert [(f.rule, f.sheet, f.cell) for f in findings] == [(rule, "Checks", ref)]
    assert "Compensation within the 9.5% cap" in findings[0].message
