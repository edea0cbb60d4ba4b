"""Write a :class:`~workbook.kit.layout.Layout` as an .xlsx with openpyxl."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from copy import copy

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.axis import DateAxis, TextAxis
from openpyxl.chart.data_source import StrData, StrRef, StrVal
from openpyxl.chart.text import Text
from openpyxl.chart.title import Title
from openpyxl.formatting.rule import FormulaRule, Rule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat
from openpyxl.utils import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo

from udfs import excel
from workbook.kit import fingerprint
from workbook.kit import layout as L
from workbook.kit.files import MARKER
from workbook.kit.spec import Kind, Unit

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
SECTION_FILL = PatternFill("solid", fgColor="EDEDED")
BAD_FILL = PatternFill("solid", fgColor="F8CBAD")
GOOD_FILL = PatternFill("solid", fgColor="C6E0B4")
THIN = Side(style="thin", color="BFBFBF")

STYLES = {
    L.TITLE: {"font": Font(bold=True, size=16, color="1F3864")},
    L.SUBTITLE: {"font": Font(italic=True, color="595959")},
    L.SECTION: {"font": Font(bold=True), "fill": SECTION_FILL},
    L.HEADER: {
        "font": Font(bold=True),
        "fill": HEADER_FILL,
        "alignment": Alignment(horizontal="center", wrap_text=True),
    },
    L.LABEL: {},
    L.UNIT: {"font": Font(color="7F7F7F")},
    L.SOURCE_TEXT: {"font": Font(italic=True, color="7F7F7F")},
    L.NOTE: {"alignment": Alignment(wrap_text=True, vertical="top")},
    L.WARNING: {"font": Font(bold=True, color="C00000")},
    "disclaimer": {"font": Font(bold=True, color="C00000"), "alignment": Alignment(wrap_text=True, vertical="top")},
    L.BOUND: {"font": Font(color="7F7F7F")},
    L.INPUT: {"font": Font(color="0000FF"), "fill": INPUT_FILL, "border": Border(THIN, THIN, THIN, THIN)},
    L.CALC: {"font": Font(color="000000")},
    L.LINK: {"font": Font(color="008000")},
    L.CHECK: {"font": Font(bold=True)},
    L.OUTPUT: {"font": Font(bold=True), "border": Border(bottom=THIN)},
}


def write_workbook(lay: L.Layout, path) -> None:
    """Write ``lay`` to ``path`` (the caller handles atomic replacement)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name in lay.sheet_order:
        ws = wb.create_sheet(name)
        styled: dict[tuple, StyleArray] = {}  # one style per (role, number format), made once, copied to each cell
        for ref, spec in lay.cells.get(name, {}).items():
            row, column = _coordinates(ref)
            cell = ws.cell(row, column)
            cell.value = (
                ArrayFormula(spec.array, spec.value) if spec.array and spec.role != L.ARRAY_PART else spec.value
            )
            if spec.role not in L.FORMULA_ROLES and isinstance(spec.value, str) and spec.value.startswith("="):
                cell.data_type = "s"  # text such as "=1+2" typed into an input stays text (no formula injection)
            key = (spec.style or spec.role, spec.number_format or spec.unit.format if spec.unit is not None else None)
            if key in styled:
                cell._style = copy(styled[key])
            else:
                for attr, style in STYLES.get(spec.style or spec.role, {}).items():
                    setattr(cell, attr, style)
                if spec.unit is not None and spec.role not in (L.UNIT,):
                    cell.number_format = spec.number_format or spec.unit.format
                styled[key] = copy(cell._style)
            if spec.hyperlink:
                # a link inside the workbook: a location, not an external relationship
                cell.hyperlink = Hyperlink(ref=ref, location=spec.hyperlink.removeprefix("#"), display=str(spec.value))
                cell.font = Font(color="0563C1", underline="single")
        for column, width in lay.widths.get(name, {}).items():
            ws.column_dimensions[column].width = width
        if name in lay.freeze:
            ws.freeze_panes = lay.freeze[name]
        if name in lay.tab_colors:
            ws.sheet_properties.tabColor = lay.tab_colors[name]
        ws.sheet_view.showGridLines = name not in ("Cover", "Outputs")
    for name, ref in lay.names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    for v in lay.validations:
        _validation(wb[v.sheet], v)
    for sheet, name, ref in lay.tables:
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        wb[sheet].add_table(table)
    checks = wb["Checks"]
    last = checks.max_row
    # numbers only: a check not evaluated shows "" (text compares above every number) and headings are blank
    for test, fill in (("B4>0", BAD_FILL), ("B4=0", GOOD_FILL)):
        checks.conditional_formatting.add(f"B4:B{last}", FormulaRule(formula=[f"AND(ISNUMBER(B4),{test})"], fill=fill))
    extents: dict[str, list[tuple[int, int]]] = {}
    for sheet, ref, formula in lay.blank_when:
        hidden = DifferentialStyle(numFmt=NumberFormat(numFmtId=HIDDEN_FORMAT_ID, formatCode=";;;"))
        wb[sheet].conditional_formatting.add(ref, Rule(type="expression", dxf=hidden, formula=[formula]))
    for chart in lay.charts:
        dates = _unit_of(lay, chart.categories) is Unit.DATE
        extents.setdefault(chart.sheet, []).append(_chart(wb, chart, date_axis=dates))
    for ws in wb.worksheets:
        _page_setup(ws, lay.pages.get(ws.title), lay.widths.get(ws.title, {}), extents.get(ws.title, []))
    wb.active = wb.sheetnames.index("Outputs")
    wb.calculation.fullCalcOnLoad = True
    wb.properties.creator = "CEO Model"
    wb.properties.keywords = MARKER
    wb.properties.title = "CEO Model"
    fingerprint.stamp(wb)  # what was typed, so a rebuild can tell a person's edits (workbook/kit/fingerprint.py)
    wb.save(path)


@functools.cache
def _coordinates(ref: str) -> tuple[int, int]:
    """(row, column) of "B7" (cached: a ledger's refs repeat in both flavours)."""
    return coordinate_to_tuple(ref)


HIDDEN_FORMAT_ID = 300  # a custom number format id for ";;;" (show nothing) in conditional formats
DEFAULT_WIDTH = 8.43  # characters: a column without a set width
ROW_CM = 0.53  # a default row (15 points)
LANDSCAPE_FROM = 110  # characters of printed width from which a sheet prints landscape


def _width_cm(chars: float) -> float:
    return (chars * 7 + 5) / 96 * 2.54  # Excel's pixel width of a column, at 96 dpi


def _chart_extent(ws, anchor: str, width_cm: float, height_cm: float) -> tuple[int, int]:
    """The last column and row a chart anchored at ``anchor`` covers."""
    c, r = coordinate_to_tuple(anchor)[1], coordinate_to_tuple(anchor)[0]
    covered = 0.0
    while covered < width_cm:
        dim = ws.column_dimensions.get(get_column_letter(c))
        covered += _width_cm(dim.width if dim is not None and dim.width else DEFAULT_WIDTH)
        c += 1
    return c - 1, r + math.ceil(height_cm / ROW_CM)


def _page_setup(ws, page: L.PageSetup | None, widths: dict[str, float], extents) -> None:
    """Print every sheet: its used range and charts, fit to one page wide, landscape where wide."""
    max_col, max_row = ws.max_column, ws.max_row
    for c, r in extents:
        max_col, max_row = max(max_col, c), max(max_row, r)
    area = f"A1:{get_column_letter(max_col)}{max_row}"
    printed = sum(widths.get(get_column_letter(c), DEFAULT_WIDTH) for c in range(1, max_col + 1))
    landscape = page.landscape if page else printed >= LANDSCAPE_FROM
    ws.print_area = list(page.areas) if page and page.areas else area
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = page.pages_tall if page else 0  # 0: as many pages tall as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = False
    if page and page.title_rows:
        ws.print_title_rows = page.title_rows
    ws.oddFooter.left.text = "CEO Model — &A"
    ws.oddFooter.right.text = "Page &P of &N"


def _bound(value) -> str:
    if isinstance(value, dt.date):
        return str(excel.serial(value))
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def _validation(ws, v: L.Validation) -> None:
    if v.kind is Kind.TEXT:
        _text_validation(ws, v)
        return
    kind = {Kind.DECIMAL: "decimal", Kind.WHOLE: "whole", Kind.DATE: "date"}[v.kind]
    what = {
        Kind.DATE: f"a date from {_shown(v.low)} to {_shown(v.high)}",
        Kind.WHOLE: f"a whole number from {_shown(v.low)} to {_shown(v.high)}",
        Kind.DECIMAL: f"a number from {_shown(v.low)} to {_shown(v.high)}",
    }[v.kind]
    dv = DataValidation(
        type=kind,
        operator="between",
        formula1=_bound(v.low),
        formula2=_bound(v.high),
        allow_blank=v.sheet == "Placements",
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="CEO Model input",
        error=f"{v.label}: must be {what}."[:255],
        promptTitle=v.label[:32],
        prompt=f"Enter {what}."[:255],
    )
    ws.add_data_validation(dv)
    dv.add(v.ref)


def _text_validation(ws, v: L.Validation) -> None:
    if v.low:
        what = "one of " + ", ".join(v.low)
        dv = DataValidation(type="list", formula1='"' + ",".join(v.low) + '"', allow_blank=False)
    else:
        what = "text"
        dv = DataValidation(type="textLength", operator="greaterThan", formula1="0", allow_blank=False)
    dv.showErrorMessage = dv.showInputMessage = True
    dv.errorTitle, dv.error = "CEO Model input", f"{v.label}: must be {what}."[:255]
    dv.promptTitle, dv.prompt = v.label[:32], f"Enter {what}."[:255]
    ws.add_data_validation(dv)
    dv.add(v.ref)


def _shown(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return f"{value:,.10g}"


def _reference(wb, ref: str) -> Reference:
    sheet, cells = ref.rsplit("!", 1)
    sheet = sheet.strip("'")
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    return Reference(wb[sheet], min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row)


def _unit_of(lay: L.Layout, ref: str):
    """The unit of the first cell of ``ref`` ("Sheet!$A$1:$A$9"), as the layout declares it."""
    sheet, cells = ref.rsplit("!", 1)
    first = cells.replace("$", "").split(":")[0]
    spec = lay.cells.get(sheet.strip("'"), {}).get(first)
    return spec.unit if spec is not None else None


def _chart(wb, resolved: L.ResolvedChart, *, date_axis: bool = False) -> tuple[int, int]:
    """Add one chart; returns the last column and row it covers (for the print area)."""
    spec = resolved.chart
    chart = BarChart() if spec.kind == "bar" else LineChart()
    if date_axis:  # dates as categories: a date axis (time-scaled, month ticks), not one label per point
        chart.x_axis = DateAxis(crossAx=100, majorTimeUnit="months", baseTimeUnit=spec.time_unit)
        chart.x_axis.number_format = spec.x_format or "mmm yyyy"
        chart.y_axis.crossAx = chart.x_axis.axId
    if spec.kind == "bar":
        chart.type = "col" if spec.stacked else "bar"
    if spec.stacked:
        chart.grouping, chart.overlap = "stacked", 100
    chart.title = _linked_title(resolved.title_ref, resolved.title_text) if resolved.title_ref else spec.title
    chart.y_axis.title = spec.y_title
    chart.x_axis.title = spec.x_title
    chart.width, chart.height = spec.size
    for title, ref in resolved.series:
        _add_series(wb, chart, title, ref)
    chart.set_categories(_reference(wb, resolved.categories))
    if resolved.secondary:
        second = LineChart()
        for title, ref in resolved.secondary:
            _add_series(wb, second, title, ref)
        second.y_axis.axId = 200
        second.y_axis.title = spec.y2_title
        second.y_axis.crosses = "max"
        # the secondary value axis crosses its own, hidden category axis: one visible x axis, one x title
        second.x_axis = TextAxis(axId=600, crossAx=200, delete=True)
        second.y_axis.crossAx = 600
        second.y_axis.number_format = "0.0%"
        chart += second
    if resolved.lines:  # lines over the bars, on the same axes (a cap over stacked components)
        over = LineChart()
        for title, ref in resolved.lines:
            _add_series(wb, over, title, ref)
        over.x_axis, over.y_axis = chart.x_axis, chart.y_axis
        chart += over
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if len(chart.series) == 1 and not resolved.secondary:
        chart.legend = None  # one series: its name is the title
    for part in [chart, *chart._charts]:
        if isinstance(part, LineChart):
            for series in part.series:
                series.smooth = False  # straight segments between the points (LibreOffice smooths otherwise)
    if spec.y_format:
        chart.y_axis.number_format = spec.y_format
    if spec.x_format:
        chart.x_axis.number_format = spec.x_format
    ws = wb[resolved.sheet]
    ws.add_chart(chart, spec.anchor)
    return _chart_extent(ws, spec.anchor, chart.width, chart.height)


def _linked_title(ref: str, text: str) -> Title:
    """A chart title that is the text of a cell (Excel and Gnumeric follow the cell; LibreOffice shows ``text``,
    the title as built)."""
    cache = StrData(ptCount=1, pt=[StrVal(idx=0, v=text)])
    return Title(tx=Text(strRef=StrRef(f=ref, strCache=cache)), overlay=False)


def _add_series(wb, chart, title: str, ref: str) -> None:
    r = _reference(wb, ref)
    rows = r.max_row - r.min_row + 1
    cols = r.max_col - r.min_col + 1
    if rows > 1 and cols > 1:  # a grid: one series per column, titled by its header row
        head_row = r.min_row - 1
        for c in range(r.min_col, r.max_col + 1):
            values = Reference(r.worksheet, min_col=c, min_row=r.min_row, max_col=c, max_row=r.max_row)
            series = Series(values, title=f"{title} — {_header_text(r.worksheet, c, head_row)}")
            chart.series.append(series)
        return
    series = Series(r, title=title)
    chart.series.append(series)


def _header_text(ws, column: int, row: int) -> str:
    value = ws.cell(row=row, column=column).value
    if isinstance(value, str) and value.startswith("="):
        m = re.search(r"\$([A-Z]+)\$(\d+)", value)
        target = value[1:].split("!")[0]
        if m:
            src = ws.parent[target.strip("'")][f"{m.group(1)}{m.group(2)}"].value
            if isinstance(src, int | float):
                return f"${src / 1e6:,.0f}M" if src >= 1e6 else f"{src:,.2f}"
    return str(value)
