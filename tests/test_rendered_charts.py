"""The pictures ``make run`` renders carry data in every chart, in both flavours (issues 23.1 and 25.2).

LibreOffice computes array formulas on load whatever its settings: rendered without the CEO add-in, the
udf flavour's commission curve (``Calculations``) and scenario grid (``Scenarios``) were ``#NAME?`` and
their two charts empty. The render answers what each chart draws, read over UNO from the very document it
exports to PDF (:func:`workbook.engine.libreoffice.render_sheets`); those numbers must be the workbook's own.
"""

from __future__ import annotations

import re

import pytest
from conftest import require
from helpers import close
from openpyxl.utils.cell import get_column_letter, range_boundaries

from workbook.commands.build_command import PICTURED
from workbook.engine import lo_edit, lo_engine

SHEET_CHARTS = {"Outputs": 3, "Timeline": 1}
LUMP_SUMS = ("ExpenseReimbursement", "RetainerAllocation")  # the same amount every month: a flat series


@pytest.fixture(scope="module", autouse=True)
def _libreoffice():
    require(lo_edit.available(), "LibreOffice with its Python bridge (python3-uno) is not installed")
    require(lo_engine.usable(), f"the LibreOffice engine cannot run: {lo_engine.unavailable_reason()}")


@pytest.fixture(scope="module", params=("udf", "native"))
def rendered(request, built, tmp_path_factory):
    """One flavour rendered as ``make run`` renders it: (Built, {sheet: png}, what its charts draw)."""
    b = built[request.param]
    out = tmp_path_factory.mktemp(f"render_{request.param}")
    pngs = {sheet: out / f"{sheet}.png" for sheet in PICTURED}
    return b, pngs, lo_engine.render_sheets(b.path, pngs)


def cells(source_range: str) -> list[tuple[str, str]]:
    """``$Calculations.$C$180:$AA$180`` (how LibreOffice names a range) as [(sheet, "C180"), ...]."""
    m = re.fullmatch(r"\$?'?(?P<sheet>.+?)'?\.(?P<cells>[$A-Z0-9:]+)", source_range)
    assert m, source_range
    low_col, low_row, high_col, high_row = range_boundaries(m["cells"].replace("$", ""))
    return [
        (m["sheet"], f"{get_column_letter(c)}{r}")
        for r in range(low_row, high_row + 1)
        for c in range(low_col, high_col + 1)
    ]


def test_the_pictures_are_pngs_of_a_whole_sheet(rendered):
    _, pngs, _ = rendered
    for png in pngs.values():
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width > 800 and height > 600


def test_every_chart_draws_the_workbooks_own_numbers(rendered):
    b, _, charts = rendered
    assert {sheet: len(charts.get(sheet, [])) for sheet in PICTURED} == SHEET_CHARTS
    for sheet in PICTURED:
        for chart in charts[sheet]:
            assert chart["series"], chart["title"]
            for series in chart["series"]:
                expected = [b.values.get(key) for key in cells(series["range"])]
                assert None not in series["values"], (b.flavour, chart["title"], series["range"], expected[:3])
                assert all(close(got, want) for got, want in zip(series["values"], expected, strict=True)), (
                    b.flavour,
                    series["range"],
                )


def test_every_chart_series_varies_unless_it_is_a_lump_sum(rendered):
    b, _, charts = rendered
    lump_sums = {b.layout.inputs[name].value for name in LUMP_SUMS}
    for sheet in PICTURED:
        for chart in charts[sheet]:
            for series in chart["series"]:
                values = series["values"]
                assert any(v for v in values), (b.flavour, chart["title"], series["range"])  # not flat at zero
                if len(set(values)) == 1:
                    assert values[0] in lump_sums, (b.flavour, chart["title"], series["range"], values[:3])


def test_without_the_add_in_the_udf_flavours_array_charts_are_empty(built, tmp_path):
    # What a user opening the udf file in LibreOffice without the add-in sees (docs/workbook-tour.md, the Cover).
    from workbook.engine import libreoffice

    charts = libreoffice.render_sheets(built["udf"].path, {"Outputs": tmp_path / "outputs.png"})
    empty = {
        chart["title"] for chart in charts["Outputs"] if all(v is None for s in chart["series"] for v in s["values"])
    }
    assert empty == {"Commission and effective rate against gross", "Dilution against share price"}
    from openpyxl import load_workbook

    cover = load_workbook(built["udf"].path, read_only=True)["Cover"]["A7"].value
    assert "LibreOffice" in cover and "without the CEO_Model.oxt add-in" in cover and "charts" in cover
