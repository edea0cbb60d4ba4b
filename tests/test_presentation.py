"""The workbook as printed: LibreOffice (an engine we did not write) lays out the pages and renders the sheets.

Page counts, what is on each page and what is not (``###``, ``$-1`` style
negatives, figures in ledger rows without a placement) are read from the PDF
LibreOffice prints, with poppler's ``pdfinfo``/``pdftotext``/``pdftoppm``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from conftest import require
from openpyxl import load_workbook

import model
from model.deals.prospectus_2001 import PLACEMENTS
from workbook.engine import libreoffice, lo_engine

MAX_PAGES = 16  # issue 11: the native flavour prints on at most 16 pages
ERROR_TEXTS = ("###", "#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#N/A", "Err:")


@pytest.fixture(scope="module", autouse=True)
def _tools():
    require(libreoffice.available(), "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    require(shutil.which("pdfinfo") is not None, "poppler-utils (pdfinfo, pdftotext) is not installed")


def _pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _text(pdf, page: int) -> str:
    args = ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def printed(built, tmp_path_factory):
    """{flavour: (pdf, [text of each page])} as LibreOffice prints the workbook (print areas, page setup)."""
    out = {}
    for flavour in ("native", "udf"):
        pdf = lo_engine.convert(built[flavour].path, tmp_path_factory.mktemp(flavour), "pdf", recalculate=False)
        out[flavour] = (pdf, [_text(pdf, p) for p in range(1, _pages(pdf) + 1)])
    return out


def _sheet_pages(texts: list[str], sheet: str) -> list[str]:
    """Pages whose footer names ``sheet`` (the footer is "CEO Model — <sheet>")."""
    return [t for t in texts if re.search(rf"CEO Model — {re.escape(sheet)}\s", t)]


def test_native_flavour_prints_on_at_most_16_pages(printed):
    pdf, _ = printed["native"]
    assert _pages(pdf) <= MAX_PAGES


def test_every_sheet_prints_and_every_page_names_its_sheet(built, printed):
    for flavour in ("native", "udf"):
        _, texts = printed[flavour]
        sheets = load_workbook(built[flavour].path).sheetnames
        for sheet in sheets:
            assert _sheet_pages(texts, sheet), (flavour, sheet)
        assert sum(len(_sheet_pages(texts, s)) for s in sheets) == len(texts)


def test_no_hashes_errors_or_minus_dollar_negatives_on_any_page(printed):
    for flavour, (_, texts) in printed.items():
        for page, text in enumerate(texts, 1):
            for bad in ERROR_TEXTS:
                assert bad not in text, (flavour, page, bad)
            assert not re.search(r"-\s*\$\d", text), (flavour, page)  # "$-43,922.24" / "-$43,922.24"
            assert not re.search(r"\$-\d", text), (flavour, page)


def test_ledger_rows_without_a_placement_print_blank(printed):
    _, texts = printed["native"]
    calc = "\n".join(_sheet_pages(texts, "Calculations"))
    ledger = calc.split("Placement ledger", 1)[1].split("Programme totals", 1)[0]
    rows = [line for line in ledger.splitlines()[1:] if re.search(r"\d", line) and "Trade date" not in line]
    dates = [line for line in rows if re.search(r"\d{4}-\d{2}-\d{2}", line)]
    assert len(dates) == len(PLACEMENTS)  # one printed row per placement of the illustrative schedule
    assert rows == dates  # and nothing else: 44 empty rows show no 0, $0.00 or running totals


def test_charts_print_inside_the_outputs_pages(printed):
    _, texts = printed["native"]
    outputs = "\n".join(_sheet_pages(texts, "Outputs"))
    for title in ("Commission and effective rate", "Dilution against share price", "Compensation against the cap"):
        assert title in re.sub(r"\s+", " ", outputs), title
    # one title per axis: the x axis title of the two-axis chart appears once, not once per axis
    assert re.sub(r"\s+", " ", outputs).count("Gross sales ($)") == 1


def test_line_charts_are_not_smoothed(built):
    with zipfile.ZipFile(built["native"].path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert charts
        checked = 0
        for name in charts:
            xml = archive.read(name).decode()
            for line_chart in re.findall(r"<(?:c:)?lineChart>.*?</(?:c:)?lineChart>", xml, re.S):
                series = re.findall(r"<(?:c:)?ser>.*?</(?:c:)?ser>", line_chart, re.S)
                assert series, name
                for ser in series:
                    assert re.search(r'<(?:c:)?smooth val="0"', ser), name
                    checked += 1
    assert checked >= 3  # commission, effective rate and the dilution lines


def test_page_setup_of_every_sheet(built):
    book = load_workbook(built["native"].path)
    for ws in book.worksheets:
        assert ws.print_area, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # one page wide; as many tall as needed, but the Checks on at most two (a few flag rows spilled a page)
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 2 if ws.title == "Checks" else 0), ws.title
    assert book["Inputs"].page_setup.orientation == "portrait"  # one column of blocks, A:F
    assert book["Calculations"].page_setup.orientation == "landscape"
    assert book["Checks"].print_title_rows


def test_cover_names_the_deal_links_every_sheet_and_carries_the_disclaimer(built, printed):
    book = load_workbook(built["native"].path)
    cover = book["Cover"]
    links = {c.hyperlink.location for row in cover.iter_rows() for c in row if c.hyperlink}
    for sheet in ("Inputs", "Placements", "Calculations", "Timeline", "Conversions", "Scenarios", "Outputs", "Checks"):
        assert f"{sheet}!A1" in links or f"'{sheet}'!A1" in links, sheet
    _, texts = printed["native"]
    text = re.sub(r"\s+", " ", "\n".join(_sheet_pages(texts, "Cover")))
    terms = model.PROSPECTUS
    assert terms.issuer in text
    assert f"{terms.last_sale_date:%B} {terms.last_sale_date.day}, {terms.last_sale_date.year}" in text
    assert "not investment" in text and "agreements" in text
    assert "Flavour: native" in text
    assert "python" not in text.lower()  # no developer commands
    assert "Colour legend" in text


def test_libreoffice_renders_every_sheet_to_png(built, tmp_path):
    """One page per sheet (LibreOffice's whole-sheet export), each rasterised by pdftoppm without error."""
    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils) is not installed")
    for flavour in ("native", "udf"):
        out = tmp_path / flavour
        pdf = lo_engine.convert(built[flavour].path, out, libreoffice.PDF_ONE_PAGE_PER_SHEET, recalculate=False)
        sheets = load_workbook(built[flavour].path).sheetnames
        assert _pages(pdf) == len(sheets)
        run = subprocess.run(
            ["pdftoppm", "-png", "-r", "40", str(pdf), str(out / "sheet")], capture_output=True, text=True, check=False
        )
        assert run.returncode == 0, run.stderr
        pngs = sorted(out.glob("sheet*.png"))
        assert len(pngs) == len(sheets)
        for png, sheet in zip(pngs, sheets, strict=True):
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", sheet
            assert _text(pdf, pngs.index(png) + 1).strip(), sheet  # the page is not blank


def test_a_chart_over_dates_gets_a_date_axis(tmp_path):
    """A chart whose categories are dates (the ledger's trade dates) is drawn on a date axis, read back by openpyxl."""
    from workbook.kit.builder import write_workbook
    from workbook.kit.layout import ResolvedChart, build_layout
    from workbook.kit.spec import Chart
    from workbook.sheets.template import template

    lay = build_layout("native", template())
    dates, gross = (lay.names[n] for n in ("LedgerDates", "LedgerGross"))
    chart = Chart("Gross by trade date", "line", "E60", (("Gross", "x"),), "x", "Gross ($)", "Trade date")
    lay.charts.append(ResolvedChart("Outputs", chart, (("Gross", gross),), dates, ()))
    path = tmp_path / "dated.xlsx"
    write_workbook(lay, path)
    with zipfile.ZipFile(path) as archive:
        xml = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    dated = [x for x in xml if "Gross by trade date" in x]
    assert len(dated) == 1 and re.search(r"<(?:c:)?dateAx>", dated[0])
    assert not any(
        re.search(r"<(?:c:)?dateAx>", x) for x in xml if x is not dated[0] and "Timeline" not in x
    )  # the other charts' categories are not dates (the Timeline's months are)
