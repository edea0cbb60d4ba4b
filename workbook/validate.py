"""``python -m workbook validate FILE [--json] [--recalc]``: check a workbook against the template and audit rules.

The expected workbook is the builder's own layout (:mod:`workbook.kit.layout`)
of the current template, instantiated with the file's inputs (so a file with a
four-tier schedule is compared with a four-tier layout) in the flavour the
file's formulas match best. Nothing about the layout is described twice.

Every finding has a severity, a rule id, a cell (``Sheet!A1``; the sheet or
the workbook for findings about those) and a message. :data:`RULES` is the
catalogue. Exit status: 0 when there is no error (warnings and info allowed),
1 when there is an error, 2 when the file cannot be read.

Constants allowed in formulas (A004): 0, 1 and 2 — as in ``IF(x,1,0)``,
``ROUNDDOWN(x,0)`` or ``σ^2/2``. Every other number belongs on the Inputs sheet.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from udfs import excel
from udfs.excel import EPOCH as EXCEL_EPOCH
from workbook.kit import formula_text as ft
from workbook.kit.layout import CHECK, INPUT, LINK, Layout, build_layout
from workbook.kit.rows import RowMap, align
from workbook.kit.spec import Kind
from workbook.reading.existing import (
    Opened,
    formula_text,
    is_formula,
    name_destination,
    open_workbook,
    parse_ref,
    plain,
    read_inputs,
)
from workbook.reading.safety import UnreadableWorkbook
from workbook.sheets.template import FLAVOURS, NOT_JUDGED, template

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

RULES: dict[str, tuple[str, str]] = {
    "S001": (ERROR, "a sheet of the template is missing or renamed"),
    "S002": (ERROR, "a defined name is missing or points elsewhere than the template says"),
    "S003": (ERROR, "the Placements table is missing, resized or has data outside it"),
    "S004": (INFO, "a sheet that is not part of the template (audited, not compared)"),
    "S005": (INFO, "rows a person inserted into (or blank rows deleted from) a template sheet; the rest is compared"),
    "I001": (ERROR, "a calculation's formula was replaced by a constant or deleted (hard-code)"),
    "I002": (ERROR, "a formula differs from the template's"),
    "I003": (ERROR, "a formula is inconsistent with the rest of its line item (R1C1)"),
    "I004": (ERROR, "a required input is empty (formulas use it)"),
    "I005": (WARNING, "a row inserted into an input block added an empty entry to it"),
    "N001": (ERROR, "an input of the wrong type (text or TRUE/FALSE where a number or date belongs)"),
    "N002": (ERROR, "an input outside its validation range (Min/Max)"),
    "N003": (ERROR, "an input that must be a whole number is not"),
    "N004": (ERROR, "placements exceed the programme maximum"),
    "N005": (WARNING, "an input cell holds a formula instead of a typed value"),
    "A001": (ERROR, "an error value (#REF!, #NAME?, #DIV/0!, …)"),
    "A002": (ERROR, "a link to another workbook"),
    "A003": (WARNING, "OFFSET or INDIRECT (volatile, hides what a formula depends on)"),
    "A004": (WARNING, "a constant embedded in a formula (allowed: 0, 1, 2)"),
    "A005": (WARNING, "a hidden sheet"),
    "A006": (ERROR, "manual calculation mode (figures go stale when inputs change)"),
    "A007": (ERROR, "a circular reference"),
    "A008": (WARNING, "macros or other active content (never run by this tool)"),
    "A009": (ERROR, "the add-in's functions show #NAME?: the add-in was not loaded when the file was last calculated"),
    "O001": (ERROR, "after recalculation the Checks total is not 0"),
}

ALLOWED_CONSTANTS = frozenset({"0", "1", "2"})
VOLATILE = frozenset({"OFFSET", "INDIRECT"})
ERROR_VALUES = excel.ERROR_VALUES


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    sheet: str | None
    cell: str | None
    message: str

    @property
    def location(self) -> str:
        if self.sheet is None:
            return "workbook"
        sheet = self.sheet if self.sheet.replace("_", "").replace(".", "").isalnum() else f"'{self.sheet}'"
        return f"{sheet}!{self.cell}" if self.cell else sheet

    def as_dict(self) -> dict:
        return {**asdict(self), "location": self.location}


@dataclass
class Report:
    path: Path
    flavour: str
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)


def validate(path: Path, *, recalc: bool = False, engine: str | None = None) -> Report:
    """Validate ``path``; raises :class:`UnreadableWorkbook` when it cannot be read safely.

    With ``recalc``, the workbook is also recalculated by ``engine`` (see :func:`workbook.engine.engines.choose`: the
    LibreOffice engine when it can run, else the ``formulas`` package) and failing checks are reported (O001).
    """
    opened = open_workbook(Path(path))
    return _Validator(opened, recalc, engine).run()


def main(path: Path, *, as_json: bool = False, recalc: bool = False, engine: str | None = None) -> int:
    """The CLI: print findings (text or JSON); exit 0 clean, 1 errors, 2 unreadable or an engine that cannot run."""
    from workbook.engine.engines import EngineChoiceError, choose

    try:
        chosen = choose(engine) if recalc else None
    except EngineChoiceError as exc:
        print(f"validate: {exc}", file=sys.stderr)
        return 2
    try:
        report = validate(path, recalc=recalc, engine=chosen)
    except UnreadableWorkbook as exc:
        print(f"validate: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"validate: cannot read {Path(path).name}: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps([f.as_dict() for f in report.findings], indent=1, default=str))
    else:
        print(_text(report))
    return 1 if report.errors else 0


def _text(report: Report) -> str:
    counts = Counter(f.severity for f in report.findings)
    head = f"{report.path.name} ({report.flavour} flavour): " + (
        ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in (ERROR, WARNING, INFO) if counts[s])
        or "no findings"
    )
    width = max((len(f.location) for f in report.findings), default=0)
    lines = [f"{f.severity:<7} {f.location:<{width}}  {f.rule}  {f.message}" for f in report.findings]
    return "\n".join([head, *lines])


def _shown(value) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return plain(value).isoformat()
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, bool):
        return repr(value).upper()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.10g}" if abs(value) < 1e15 else repr(value)
    return repr(value)


# In a row's signature on Inputs, where a number or date is: the rows of an input table hold nothing else, and an
# empty row inserted into a table must be told from the table's own rows.
VALUE = "#"


class _Validator:
    def __init__(self, opened: Opened, recalc: bool, engine: str | None = None):
        self.o = opened
        self.book = opened.book
        self.recalc = recalc
        self.engine = engine
        self.findings: list[Finding] = []
        self.renames: dict[str, str] = {}  # actual sheet name -> template sheet name
        self.actual: dict[str, str] = {}  # template sheet name -> actual sheet name (present sheets only)
        self.rowmaps: dict[str, RowMap] = {}  # template sheet name -> where its rows are (sheets whose rows moved)

    def add(self, rule: str, sheet: str | None, cell: str | None, message: str) -> None:
        self.findings.append(Finding(RULES[rule][0], rule, sheet, cell, message))

    def run(self) -> Report:
        try:
            sheets = read_inputs(self.o).sheets
        except Exception:
            sheets = template()
        from workbook.reading.existing import detect_flavour

        layouts = {f: build_layout(f, sheets) for f in FLAVOURS}
        flavour = detect_flavour(self.book, layouts)
        self.lay: Layout = layouts[flavour]
        self.sheets()
        ours = bool(self.actual)
        if ours:
            self.locate_rows()
            pruned = self.without_inserted_entries(sheets)
            if pruned is not None:  # compare with the blocks as built; the empty entries are reported (I005)
                self.lay = build_layout(flavour, pruned)
                self.rowmaps.clear()
                self.__dict__.pop("_signatures", None)
                self.findings = [f for f in self.findings if f.rule != "S005"]
                self.locate_rows()
            self.names()
            self.table()
            self.template_formulas()
        else:  # audit rules only: nothing of the template to compare with
            self.findings = [
                Finding(
                    ERROR,
                    "S001",
                    None,
                    None,
                    "not a CEO Model workbook: none of the template's sheets "
                    f"({', '.join(self.lay.sheet_order)}) is present; only the audit rules were applied",
                )
            ]
        self.workbook_settings()
        cells = self.formula_cells()
        self.audit_formulas(cells)
        required = {
            (self.actual[s], ref): spec for (s, ref), spec in self.required_inputs().items() if s in self.actual
        }
        if "Placements" in self.actual:  # placement cells too: what a bad one breaks is reported with it
            placed = self.lay.cells.get("Placements", {})
            for ref, spec in placed.items():
                if spec.role == INPUT and (at := self.at("Placements", ref)) is not None:
                    required.setdefault((self.actual["Placements"], at), spec)
        graph = _Graph(self.book, self.with_array_parts(cells), required)
        if ours:
            self.inputs(graph)
            self.placements()
        self.circular(graph)
        computed = self.outcome() if self.recalc and ours else None
        self.error_values(graph, computed)
        order = {name: i for i, name in enumerate(self.book.sheetnames)}

        def key(f: Finding):
            row = col = 0
            if f.cell:
                letters, row = coordinate_from_string(f.cell.split(":")[0])
                col = column_index_from_string(letters)
            return SEVERITY_ORDER[f.severity], order.get(f.sheet, -1), row, col, f.rule

        self.findings.sort(key=key)
        return Report(self.o.path, flavour, self.findings)

    # -- structure ----------------------------------------------------------------
    def ws(self, sheet: str):
        actual = self.actual.get(sheet)
        return self.book[actual] if actual else None

    def sheets(self) -> None:
        lay, book = self.lay, self.book
        present = set(book.sheetnames)
        extra = [s for s in book.sheetnames if s not in lay.sheet_order]
        for sheet in lay.sheet_order:
            if sheet in present:
                self.actual[sheet] = sheet
                continue
            title = lay.cells.get(sheet, {}).get("A1")
            match = next((e for e in extra if title and book[e]["A1"].value == title.value), None)
            if match:
                extra.remove(match)
                self.actual[sheet] = match
                self.renames[match] = sheet
                self.add(
                    "S001",
                    match,
                    None,
                    f"sheet '{sheet}' was renamed to '{match}'; rename it back "
                    "(the template, refresh and the xlwings add-in find sheets by name)",
                )
            else:
                self.add(
                    "S001",
                    sheet,
                    None,
                    f"sheet '{sheet}' is missing; its line items and everything using them are lost",
                )
        for sheet in extra:
            self.add("S004", sheet, None, f"sheet '{sheet}' is not part of the template: its formulas are audited only")

    def names(self) -> None:
        book = self.book
        for name, template_ref in self.lay.names.items():
            sheet, _ = parse_ref(template_ref)
            ref = self.moved_ref(sheet, template_ref)
            cells = ref.rsplit("!", 1)[1].replace("$", "")
            first = cells.split(":")[0]
            where_sheet = self.actual.get(sheet, sheet)
            expected = self.canonical(ref)
            defined = book.defined_names.get(name)
            if defined is None:
                self.add(
                    "S002",
                    where_sheet,
                    first,
                    f"defined name {name} is missing (template: {ref}); formulas using it show #NAME?",
                )
                continue
            actual = self.canonical(defined.attr_text or "")
            target = parse_ref(defined.attr_text or "")
            if target and target[0] not in book.sheetnames:
                self.add(
                    "S002",
                    where_sheet,
                    first,
                    f"defined name {name} points to {defined.attr_text}, on a sheet that does not exist; "
                    f"the template has {ref}",
                )
            elif actual != expected:
                self.add(
                    "S002",
                    where_sheet,
                    first,
                    f"defined name {name} points to {defined.attr_text}; the template has {ref}",
                )
        for ws in book.worksheets:
            for name in getattr(ws, "defined_names", {}):
                if name in self.lay.names:
                    self.add(
                        "S002",
                        ws.title,
                        None,
                        f"a sheet-level name {name} on '{ws.title}' shadows the workbook name "
                        f"({ws.defined_names[name].attr_text}); formulas on this sheet use it instead of {self.lay.names[name]}",
                    )

    def canonical(self, text: str) -> str:
        sheet, rest = ft.split_sheet(text.strip())
        sheet = self.renames.get(sheet, sheet) if sheet else ""
        return f"{sheet.upper()}!{ft.one_cell(rest.replace('$', '').upper())}"

    def table(self) -> None:
        for sheet, name, template_ref in self.lay.tables:
            ws = self.ws(sheet)
            if ws is None:
                continue
            ref = self.moved_ref(sheet, template_ref).replace("$", "")
            where = self.actual[sheet]
            top = ref.split(":")[0]
            table = ws.tables.get(name)
            if table is None:
                others = ", ".join(ws.tables.keys())
                self.add(
                    "S003",
                    where,
                    top,
                    f"the Excel table {name} ({ref}) is missing" + (f"; the sheet has {others}" if others else ""),
                )
            elif table.ref.replace("$", "") != ref:
                self.add("S003", where, top, f"the Excel table {name} spans {table.ref}; the template has {ref}")
            c1, r1, c2, r2 = range_boundaries(ref)
            template_r1 = range_boundaries(template_ref)[1]
            for c in range(c1, c2 + 1):
                head = f"{get_column_letter(c)}{r1}"
                expected = self.lay.cells[sheet][f"{get_column_letter(c)}{template_r1}"].value
                if ws[head].value != expected:
                    self.add(
                        "S003",
                        where,
                        head,
                        f"table header is {_shown(ws[head].value)}; the template has {expected!r}",
                    )
            below = sorted(
                (cell.row, cell.column)
                for (row, column), cell in ws._cells.items()
                if row > r2 and c1 <= column <= c2 and cell.value not in (None, "")
            )
            if below:
                r, c = below[0]
                rows = sorted({r for r, _ in below})
                self.add(
                    "S003",
                    where,
                    f"{get_column_letter(c)}{r}",
                    f"{len(rows)} row(s) of data below the Placements table (rows {rows[0]}–{rows[-1]}): "
                    f"formulas count rows {r1 + 1}–{r2} only, so these placements are ignored",
                )

    # -- rows a person inserted or deleted ----------------------------------------------
    def locate_rows(self) -> None:
        """Align the rows of each template sheet whose names or table moved; report rows that are not ours."""
        for sheet in self.lay.sheet_order:
            if sheet not in self.actual or not self.rows_moved(sheet):
                continue
            found = align(self.template_signatures(sheet), self.actual_signatures(sheet))
            if found.identity:
                continue
            self.rowmaps[sheet] = found
            parts = []
            if found.inserted:
                parts.append(f"row(s) {_rows(found.inserted)} were inserted: they are audited, not compared")
            signatures = self.template_signatures(sheet)
            blank = [r for r in found.deleted if not signatures[r - 1]]
            labels = [r for r in found.deleted if signatures[r - 1] and all(v != "=" for _, v in signatures[r - 1])]
            if blank:
                parts.append(f"blank template row(s) {_rows(blank)} were deleted")
            if labels:
                parts.append(f"template row(s) {_rows(labels)}, holding labels only, were deleted")
            if parts:
                self.add(
                    "S005",
                    self.actual[sheet],
                    None,
                    f"sheet '{self.actual[sheet]}': {'; '.join(parts)}; the template's cells were found where the "
                    "rows moved them",
                )

    def without_inserted_entries(self, sheets: tuple) -> tuple | None:
        """The template's sheets without the empty entries that rows inserted into Inputs blocks added.

        The expected layout reads each block at the size its name has in the file
        (:func:`workbook.reading.existing.read_inputs`); a row inserted into a block grows
        it by an empty entry, which would make the template expect one more entry
        (and one more line item) than was built. Each such entry is reported once
        (I005), and the blocks are compared as built.
        """
        from workbook.kit.spec import InputBlock

        ws = self.ws("Inputs")
        if ws is None:
            return None
        out, changed = [], False
        for sheet in sheets:
            if sheet.name != "Inputs":
                out.append(sheet)
                continue
            parts = []
            for part in sheet.parts:
                dest = name_destination(self.book, part.name) if isinstance(part, InputBlock) else None
                if dest and dest[0] == self.actual["Inputs"]:
                    c1, r1, c2, r2 = range_boundaries(dest[1])
                    drop = [r for r in range(r1, r2 + 1) if all(_empty(ws.cell(r, c).value) for c in range(c1, c2 + 1))]
                    if drop and len(drop) < len(part.rows) and len(part.rows) == r2 - r1 + 1:
                        part = dataclasses.replace(
                            part, rows=tuple(x for i, x in enumerate(part.rows) if r1 + i not in drop)
                        )
                        changed = True
                        self.add(
                            "I005",
                            self.actual["Inputs"],
                            f"{get_column_letter(c1)}{drop[0]}",
                            f"{part.title}: row(s) {_rows(drop)} added an empty entry to {part.name} "
                            f"({dest[1]}); formulas over the block include it — fill it in or delete the row",
                        )
                parts.append(part)
            out.append(dataclasses.replace(sheet, parts=tuple(parts)))
        return tuple(out) if changed else None

    def rows_moved(self, sheet: str) -> bool:
        """Whether a defined name or table of the template on ``sheet`` is elsewhere in the file."""
        for name, ref in self.lay.names.items():
            target = parse_ref(ref)
            if not target or target[0] != sheet:
                continue
            defined = self.book.defined_names.get(name)
            if defined is None:
                continue
            if "#REF!" in (defined.attr_text or "").upper():
                return True
            found = parse_ref(defined.attr_text or "")
            if found and found[0] == self.actual[sheet] and found[1] != target[1]:
                return True
        ws = self.ws(sheet)
        for tsheet, name, ref in self.lay.tables:
            table = ws.tables.get(name) if tsheet == sheet else None
            if table is not None and table.ref.replace("$", "") != ref:
                return True
        return False

    def template_signatures(self, sheet: str) -> list[tuple]:
        cache = self.__dict__.setdefault("_signatures", {})
        if sheet not in cache:
            rows: dict[int, list] = defaultdict(list)
            for ref, spec in self.lay.cells[sheet].items():
                row, col = _position(ref)
                value = spec.value
                if isinstance(value, str) and value.startswith("="):
                    rows[row].append((col, "="))
                elif isinstance(value, str) and value.strip():  # labels, and text inputs as built
                    rows[row].append((col, value))
                elif sheet == "Inputs" and value is not None:
                    rows[row].append((col, VALUE))
            last = max(rows, default=0)
            cache[sheet] = [tuple(sorted(rows.get(r, ()))) for r in range(1, last + 1)]
        return cache[sheet]

    def actual_signatures(self, sheet: str) -> list[tuple]:
        ws = self.ws(sheet)
        rows: dict[int, list] = defaultdict(list)
        for (row, col), cell in ws._cells.items():
            if is_formula(cell):
                rows[row].append((col, "="))
            elif isinstance(cell.value, str) and cell.value.strip():
                rows[row].append((col, cell.value))
            elif sheet == "Inputs" and cell.value is not None and not isinstance(cell.value, str):
                rows[row].append((col, VALUE))
        last = max(rows, default=0)
        return [tuple(sorted(rows.get(r, ()))) for r in range(1, last + 1)]

    def at(self, sheet: str, ref: str) -> str | None:
        """Where the template's cell ``ref`` of ``sheet`` is in the file (None: its row was deleted)."""
        found = self.rowmaps.get(sheet)
        if found is None:
            return ref
        letters, row = coordinate_from_string(ref)
        moved = found.row(row)
        return None if moved is None else f"{letters}{moved}"

    def loc(self, sheet: str, ref: str) -> str:
        """:meth:`at`, or the template's own ``ref`` when its row was deleted (to name it in a finding)."""
        return self.at(sheet, ref) or ref

    def moved(self, sheet: str, row: int, end: bool | None, column: int) -> int | None:
        sheet = self.renames.get(sheet, sheet)
        found = self.rowmaps.get(sheet)
        if found is None:
            return row
        return found.row(row, end)

    def expected(self, sheet: str, formula: str) -> str:
        """The template's formula as it reads after the file's rows moved (Excel moves references with rows)."""
        if not self.rowmaps:
            return formula
        return ft.move_rows(formula, sheet, self.moved)

    def moved_ref(self, sheet: str, ref: str) -> str:
        """A defined name's or table's reference (``Sheet!$A$1:$B$2`` or ``A1:B2``) after the rows moved."""
        if sheet not in self.rowmaps:
            return ref
        return ft.move_rows("=" + ref, sheet, self.moved)[1:]

    # -- workbook settings ----------------------------------------------------------
    def workbook_settings(self) -> None:
        book = self.book
        for ws in book.worksheets + list(getattr(book, "chartsheets", [])):
            if ws.sheet_state != "visible":
                self.add(
                    "A005",
                    ws.title,
                    None,
                    f"sheet '{ws.title}' is {ws.sheet_state.replace('veryHidden', 'very hidden')}; "
                    "hidden sheets hide logic from reviewers",
                )
        calc = getattr(book, "calculation", None)
        if calc is not None and (calc.calcMode or "auto") == "manual":
            self.add(
                "A006",
                None,
                None,
                "calculation mode is manual: Excel does not update figures when inputs change, "
                "so the numbers shown may be stale (Formulas > Calculation Options > Automatic)",
            )
        for part in self.o.package.macros:
            self.add(
                "A008",
                None,
                None,
                f"the file contains macros or other active content ({part}); they were not run — "
                "do not enable them unless you trust the sender",
            )
        for part in self.o.package.external_links:
            if part.startswith("xl/externalLinks/"):
                self.add("A002", None, None, f"the workbook links to another workbook ({part})")
        for name, defined in book.defined_names.items():
            if ft.has_external(defined.attr_text or ""):
                self.add(
                    "A002",
                    None,
                    None,
                    f"defined name {name} refers to another workbook: {defined.attr_text}",
                )

    # -- formulas ----------------------------------------------------------------
    def template_formulas(self) -> None:
        by_line: dict[str, list] = defaultdict(list)
        for sheet, template_ref, spec in self.lay.formula_cells():
            ws = self.ws(sheet)
            if ws is None:
                continue
            label = spec.label or spec.name or spec.line or template_ref
            where = self.actual[sheet]
            ref = self.at(sheet, template_ref)
            if ref is None:
                self.add(
                    "I001",
                    where,
                    None,
                    f"{label}: the row holding its formula (template {template_ref}) was deleted; the template has "
                    f"{spec.value}",
                )
                continue
            cell = ws[ref]
            text = formula_text(cell)
            if text is None:
                if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                    what = "was deleted (the cell is empty)"
                else:
                    what = f"was replaced by the constant {_shown(cell.value)}"
                self.add(
                    "I001",
                    where,
                    ref,
                    f"{label}: the formula {what}; the template has {spec.value} — it no longer follows the inputs",
                )
                continue
            by_line[spec.line or f"{sheet}!{template_ref}"].append((sheet, ref, spec, text))
        for line, cells in by_line.items():
            self.line_item(line, cells)

    def line_item(self, line: str, cells: list) -> None:
        if not self.renames and all(text == self.expected(sheet, spec.value) for sheet, _, spec, text in cells):
            return  # every cell as the template writes it (so consistent, as built): nothing to tokenise
        inconsistent = set()
        consistent_cells = [c for c in cells if c[2].role != LINK]
        if len(consistent_cells) >= 2:
            forms = {}
            for sheet, ref, spec, text in consistent_cells:
                row, col = _position(ref)
                forms[ref] = (
                    ft.r1c1(text, row, col, self.renames),
                    ft.r1c1(self.expected(sheet, spec.value), row, col),
                )
            counts = Counter(actual for actual, _ in forms.values())
            template_form = next(iter(forms.values()))[1]
            reference = max(counts, key=lambda form: (counts[form], form == template_form))
            for sheet, ref, spec, text in consistent_cells:
                if forms[ref][0] != reference:
                    inconsistent.add(ref)
                    others = counts[reference]
                    self.add(
                        "I003",
                        self.actual[sheet],
                        ref,
                        f"{spec.label or line}: {text} is inconsistent with the other {others} cell(s) of its line "
                        f"item; the template has {spec.value}",
                    )
        differing = [
            (sheet, ref, spec, text)
            for sheet, ref, spec, text in cells
            if ref not in inconsistent
            and ft.normalised(text, self.renames) != ft.normalised(self.expected(sheet, spec.value))
        ]
        if not differing:
            return
        sheet, ref, spec, text = differing[0]
        more = ""
        if len(differing) > 1:
            refs = [r for _, r, _, _ in differing]
            more = f" (and {len(differing) - 1} more cell(s) of this line item: {', '.join(refs[1:6])}{', …' if len(refs) > 6 else ''})"
        self.add(
            "I002",
            self.actual[sheet],
            ref,
            f"{spec.label or spec.name or line}: the formula is {text}; the template has {spec.value}{more}",
        )

    def with_array_parts(self, cells: dict) -> dict:
        """``cells`` and every cell an array formula fills, each with the array's formula (it computes there too)."""
        out = dict(cells)
        for ws in self.book.worksheets:
            for (row, column), cell in ws._cells.items():
                ref = getattr(cell.value, "ref", None)
                if type(cell.value).__name__ != "ArrayFormula" or not ref:
                    continue
                c1, r1, c2, r2 = range_boundaries(str(ref).replace("$", ""))
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        out.setdefault((ws.title, r, c), cells[(ws.title, row, column)])
        return out

    def formula_cells(self) -> dict[tuple[str, int, int], str]:
        """{(sheet, row, column): formula text} of every formula cell in the workbook."""
        found = {}
        for ws in self.book.worksheets:
            for (row, column), cell in ws._cells.items():
                if is_formula(cell):
                    found[(ws.title, row, column)] = formula_text(cell)
        return found

    def audit_formulas(self, cells: dict) -> None:
        for (sheet, row, column), text in cells.items():
            ref = f"{get_column_letter(column)}{row}"
            if ft.has_external(text):
                self.add("A002", sheet, ref, f"the formula {_clip(text)} refers to another workbook")
            used = sorted(VOLATILE.intersection(ft.functions(text)))
            if used:
                self.add(
                    "A003",
                    sheet,
                    ref,
                    f"the formula {_clip(text)} uses {' and '.join(used)}: the cells it depends on are hidden from "
                    "auditing; use direct references or INDEX",
                )
            constants = [n for n in ft.numbers(text) if ft._number(n) not in ALLOWED_CONSTANTS]
            if constants:
                self.add(
                    "A004",
                    sheet,
                    ref,
                    f"the formula {_clip(text)} embeds the constant(s) {', '.join(constants[:5])}: put them on the "
                    "Inputs sheet as named inputs",
                )
            errors = ft.errors(text)
            if errors:
                self.add(
                    "A001",
                    sheet,
                    ref,
                    f"the formula {_clip(text)} contains {errors[0]} (a reference to deleted cells or an error literal)",
                )

    # -- inputs -------------------------------------------------------------------
    def required_inputs(self) -> dict[tuple[str, str], object]:
        """{(template sheet, ref): CellSpec} of input cells that must not be empty."""
        return {
            (sheet, ref): spec
            for sheet, cells in self.lay.cells.items()
            for ref, spec in cells.items()
            if spec.role == INPUT and sheet != "Placements"
        }

    def input_value(self, sheet: str, template_ref: str):
        """(value, formula text or None) of the input cell at ``template_ref``; a formula's cached value stands
        for the value; (None, None) when its row was deleted."""
        ws = self.ws(sheet)
        ref = self.at(sheet, template_ref)
        if ref is None:
            return None, None
        cell = ws[ref]
        text = formula_text(cell)
        if text is None:
            return plain(cell.value), None
        return plain(self.o.cached[ws.title][ref].value), text

    def inputs(self, graph: _Graph) -> None:
        for (sheet, ref), spec in self.required_inputs().items():
            if self.ws(sheet) is None:
                continue
            value, text = self.input_value(sheet, ref)
            ref = self.loc(sheet, ref)
            if text is None and _empty(value):
                users = graph.users_of(self.actual[sheet], ref)
                use = (
                    f"{len(users)} formula(s) use it, e.g. {users[0]}"
                    if users
                    else "the model needs it even where no formula refers to it any more"
                )
                self.add("I004", self.actual[sheet], ref, f"{spec.label or ref} is empty: {use}")
        for v in self.lay.validations:
            ws = self.ws(v.sheet)
            if ws is None:
                continue
            c1, r1, c2, r2 = range_boundaries(v.ref)
            for row in range(r1, r2 + 1):
                for col in range(c1, c2 + 1):
                    self.check_input(v, f"{get_column_letter(col)}{row}")

    def check_input(self, v, ref: str) -> None:
        where = self.actual[v.sheet]
        spec = self.lay.cells[v.sheet].get(ref)
        label = spec.label if spec and spec.label else v.label
        value, text = self.input_value(v.sheet, ref)
        ref = self.loc(v.sheet, ref)
        if text is not None:
            self.add(
                "N005",
                where,
                ref,
                f"{label} holds the formula {_clip(text)}: inputs should be typed values (FAST); it is checked "
                f"with its last value {_shown(value)}",
            )
        if _empty(value):
            return
        if isinstance(value, str) and value.startswith("#") and value.upper() in ERROR_VALUES:
            return  # reported as an error value (A001)
        if v.kind is Kind.TEXT:
            if not isinstance(value, str) or not value.strip():
                self.add("N001", where, ref, f"{label} is {_shown(value)}, not text")
            elif v.low and value not in v.low:
                self.add("N002", where, ref, f"{label} is {_shown(value)}; allowed: {', '.join(v.low)}")
            return
        if v.kind is Kind.DATE:
            if isinstance(value, dt.date):
                number, shown = value, value.isoformat()
            elif isinstance(value, int | float) and not isinstance(value, bool):
                number = EXCEL_EPOCH + dt.timedelta(days=int(value)) if 0 < value <= excel.LAST_SERIAL else None
                shown = _shown(value)
                if number is None:
                    self.add("N002", where, ref, f"{label} is {shown}, not a date from 1900 to 9999")
                    return
            else:
                self.add("N001", where, ref, f"{label} is {_shown(value)}, not a date; formulas cannot use it")
                return
        elif isinstance(value, bool) or not isinstance(value, int | float):
            what = "TRUE/FALSE" if isinstance(value, bool) else ("text " + _shown(value))
            self.add("N001", where, ref, f"{label} is {what}, not a number; formulas treat it as 0 or fail")
            return
        else:
            number, shown = value, _shown(value)
        low, high = v.low, v.high
        if not low <= number <= high:
            rule = f"allowed {_shown(low)} to {_shown(high)}"
            self.add("N002", where, ref, f"{label} is {shown}, outside its validation range ({rule})")
        if v.kind is Kind.WHOLE and not float(number).is_integer():
            self.add("N003", where, ref, f"{label} is {shown}; it must be a whole number")

    def placements(self) -> None:
        ws = self.ws("Placements")
        if ws is None or "PlacementShares" not in self.lay.names:
            return
        _, shares = parse_ref(self.lay.names["PlacementShares"])
        _, header, _, last = range_boundaries(shares)  # the column with its header
        first = header + 1
        where = self.actual["Placements"]
        headers = [self.lay.cells["Placements"][f"{c}{first - 1}"].value for c in "ABC"]
        for row in range(first, last + 1):
            values = [self.input_value("Placements", f"{c}{row}")[0] for c in "ABC"]
            filled = [not _empty(x) for x in values]
            if any(filled) and not all(filled):
                missing = [headers[i] for i in range(3) if not filled[i]]
                at = "ABC"[filled.index(False)]
                self.add(
                    "I004",
                    where,
                    self.loc("Placements", f"{at}{row}"),
                    f"placement {row - first + 1} has no {' or '.join(missing)}: the row is incomplete, "
                    "its commission and warrants are not computed and the Checks sheet flags it",
                )
        self.placements_beyond_ledger(first, last)
        maximum = self.programme_maximum()
        if maximum is None:
            return
        from model.rounding import round_half_up

        total = 0.0
        for row in range(first, last + 1):
            shares_value = self.input_value("Placements", f"B{row}")[0]
            price = self.input_value("Placements", f"C{row}")[0]
            if not (_number(shares_value) and _number(price)):
                continue
            total = round_half_up(total + round_half_up(shares_value * price, 2), 2)
            if total > maximum + 0.005:
                self.add(
                    "N004",
                    where,
                    self.loc("Placements", f"B{row}"),
                    f"placement {row - first + 1} takes cumulative gross sales to ${total:,.2f}, beyond the programme "
                    f"maximum of ${maximum:,.2f} (the largest To of the commission schedule)",
                )
                return

    def placements_beyond_ledger(self, first: int, last: int) -> None:
        """Placements a person's inserted rows pushed past the ledger's last row: the totals leave them out."""
        ledger = self.lay.names.get("LedgerShares")
        if not ledger:
            return
        _, r1, _, r2 = range_boundaries(parse_ref(ledger)[1])
        reach = first + (r2 - r1 + 1) - 1  # ledger row k reads placement k
        beyond = [
            row
            for row in range(reach + 1, last + 1)
            if any(not _empty(self.input_value("Placements", f"{c}{row}")[0]) for c in "ABC")
        ]
        if beyond:
            self.add(
                "S003",
                self.actual["Placements"],
                self.loc("Placements", f"A{beyond[0]}"),
                f"{len(beyond)} placement row(s) (rows {beyond[0]}–{beyond[-1]}) lie past the ledger's "
                f"{r2 - r1 + 1} rows, so the totals leave them out: refresh the workbook (ceo-model refresh FILE) to build a "
                "longer ledger",
            )

    def programme_maximum(self) -> float | None:
        ref = self.lay.names.get("ScheduleTo")
        if not ref:
            return None
        sheet, cells = parse_ref(ref)
        if self.ws(sheet) is None:
            return None
        c1, r1, c2, r2 = range_boundaries(cells)
        values = [
            self.input_value(sheet, f"{get_column_letter(c)}{r}")[0]
            for r in range(r1, r2 + 1)
            for c in range(c1, c2 + 1)
        ]
        numbers = [x for x in values if _number(x)]
        return max(numbers) if numbers else None

    # -- audit on the dependency graph --------------------------------------------------
    def circular(self, graph: _Graph) -> None:
        for cycle in graph.cycles():
            names = [f"{s}!{get_column_letter(c)}{r}" for s, r, c in cycle]
            sheet, row, col = cycle[0]
            shown = " → ".join([*names[:6], names[0]]) if len(names) <= 6 else " → ".join(names[:6]) + " → …"
            self.add(
                "A007",
                sheet,
                f"{get_column_letter(col)}{row}",
                f"circular reference through {len(cycle)} cell(s): {shown}",
            )

    def error_values(self, graph: _Graph, computed: dict | None) -> None:
        errors: dict[tuple[str, int, int], str] = {}
        for ws in self.o.cached.worksheets:
            for (row, column), cell in ws._cells.items():
                value = cell.value
                if computed is not None and (ws.title, row, column) in graph.formulas:
                    value = computed.get((ws.title, f"{get_column_letter(column)}{row}"), value)
                if isinstance(value, str) and (value.upper() in ERROR_VALUES or cell.data_type == "e"):
                    errors[(ws.title, row, column)] = value
        self.missing_addin(graph, errors)
        self.follow_bad_inputs(graph, errors)
        already = {(f.sheet, f.cell) for f in self.findings if f.rule == "A001"}
        reported = 0
        for node in sorted(errors, key=lambda n: (n[0], n[1], n[2])):
            if any(p in errors for p in graph.precedents(node)):
                continue  # not where the error starts
            dependents = graph.dependents(node, errors)
            sheet, row, col = node
            reported += 1
            if (sheet, f"{get_column_letter(col)}{row}") in already:
                continue
            tail = f"; {len(dependents)} cell(s) depending on it show errors too" if dependents else ""
            text = graph.formulas.get(node)
            source = "after recalculation" if computed is not None else "as last calculated"
            what = f"the formula {_clip(text)}" if text else "the cell"
            self.add(
                "A001",
                sheet,
                f"{get_column_letter(col)}{row}",
                f"{what} shows {errors[node]} {source}{tail}",
            )
        if errors and not reported:  # every error cell depends on another: a cycle of errors
            sheet, row, col = min(errors)
            self.add("A001", sheet, f"{get_column_letter(col)}{row}", f"the cell shows {errors[(sheet, row, col)]}")

    def extend(self, index: int, text: str) -> None:
        """Add ``text`` to the message of finding ``index`` (findings are frozen: it is replaced)."""
        self.findings[index] = dataclasses.replace(self.findings[index], message=self.findings[index].message + text)

    def bad_inputs(self, graph: _Graph) -> list[tuple[int, set]]:
        """Each finding on an input cell (its index) with the formula cells computed from it: one finding, not a
        cascade."""
        out = []
        for i, f in enumerate(self.findings):
            if f.rule not in BAD_INPUT_RULES or not f.sheet or not f.cell or ":" in f.cell:
                continue
            row, col = _position(f.cell)
            out.append((i, graph.downstream((f.sheet, row, col))))
        return out

    def follow_bad_inputs(self, graph: _Graph, errors: dict) -> None:
        """Error values that follow from a reported input cell leave ``errors``; that cell's finding counts them."""
        for index, downstream in self.bad_inputs(graph):
            hit = sorted(node for node in downstream if node in errors)
            if not hit:
                continue
            for node in hit:
                del errors[node]
            s, r, c = hit[0]
            self.extend(
                index,
                f"; {len(hit)} formula cell(s) computed from it show errors (first {s}!{get_column_letter(c)}{r})",
            )

    def missing_addin(self, graph: _Graph, errors: dict) -> None:
        """One A009 finding for all cells calling the add-in that show #NAME?; they leave ``errors`` (no A001 each)."""
        from udfs import EXCEL_FUNCTIONS

        cells = [
            node
            for node, value in errors.items()
            if value.upper() == "#NAME?"
            and not EXCEL_FUNCTIONS.keys().isdisjoint(ft.functions(graph.formulas.get(node) or ""))
        ]
        if not cells:
            return
        for node in cells:
            del errors[node]
        spread = set()
        for node in cells:
            spread |= graph.dependents(node, errors)
        for node in spread:  # errors that only follow from the missing functions
            del errors[node]
        sheet, row, col = min(cells)
        self.add(
            "A009",
            sheet,
            f"{get_column_letter(col)}{row}",
            f"{len(cells)} cell(s) calling the add-in's functions (CEO_FEE, …) show #NAME? ({len(spread)} more depend "
            "on them): the "
            "application that last calculated this file did not have the CEO add-in loaded. Install the add-in "
            "(xlwings in Excel, the CEO extension in LibreOffice) and recalculate, or use the native flavour "
            "(build.py --flavour native), which needs no add-in",
        )

    # -- outcome --------------------------------------------------------------------
    def outcome(self) -> dict | None:
        total_ref = self.lay.names.get("ChecksTotal", "")
        found = name_destination(self.book, "ChecksTotal") or parse_ref(total_ref)
        sheet, ref = found if found else ("Checks", "B1")
        if self.o.package.external_links:
            self.add("O001", sheet, ref, "not recalculated: the workbook links to other workbooks (see A002)")
            return None
        try:
            from workbook.engine.engines import choose, compute

            engine = self.engine or choose()  # LibreOffice when it can run (seconds at 10,000 placements)
            print(  # say what is being done: the formulas engine takes minutes on a large workbook
                f"validate: recalculating {self.o.path.name} with {engine}"
                + (" (can take a few minutes)" if engine == "formulas" else "")
                + "…",
                file=sys.stderr,
                flush=True,
            )
            values = compute(self.o.path, engine)
        except Exception as exc:
            self.add("O001", sheet, ref, f"could not recalculate: {type(exc).__name__}: {str(exc)[:150]}")
            return None
        total = values.get((sheet, ref))
        if total == 0:
            return values
        failing, flags = [], []
        for tsheet, cells in self.lay.cells.items():
            for cref, spec in cells.items():
                if spec.role != CHECK or spec.name == "ChecksTotal":
                    continue
                value = values.get((self.actual.get(tsheet, tsheet), self.loc(tsheet, cref)))
                if value in (0, None, NOT_JUDGED):  # a check not judged: a broken input rule is the reason
                    continue
                if spec.line and spec.line.startswith("InputFlag."):
                    flags.append(f"{(spec.label or cref).removeprefix('Input validity: ')} ({tsheet}!{cref})")
                elif spec.name:
                    failing.append(f"'{spec.label}' ({tsheet}!{cref} = {_shown(value)})")
        detail = "; ".join(failing) or "no individual check is 1 — the total itself is wrong"
        if flags:
            detail += f"; invalid inputs: {', '.join(flags[:8])}{', …' if len(flags) > 8 else ''}"
        self.add("O001", sheet, ref, f"Checks total is {_shown(total)} after recalculation. Failing: {detail}")
        return values


BAD_INPUT_RULES = ("N001", "N002", "N003", "I004")  # findings on one input cell, whose consequences follow it


def _rows(rows: list[int]) -> str:
    """``[3, 4, 5, 9]`` as ``3–5, 9``."""
    spans: list[list[int]] = []
    for r in sorted(rows):
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    return ", ".join(f"{a}–{b}" if b > a else f"{a}" for a, b in spans)


def _clip(text: str | None, n: int = 90) -> str:
    text = text or ""
    return text if len(text) <= n else text[: n - 1] + "…"


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _position(ref: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)


BLOCK = "block"  # the first item of a block node of _Graph (a cell is (sheet, row, column))
_BLOCK = 16  # cells a block holds at least; shorter runs are listed cell by cell


class _Graph:
    """Formula cells and what they reference (cells in ranges, defined names resolved)."""

    def __init__(self, book, formulas: dict, required: dict):
        self.book = book
        self.formulas = formulas  # (sheet, row, col) -> text
        self.edges: dict[tuple, list] = {}
        index: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for sheet, row, col in formulas:
            index[sheet][col].append(row)
        self.input_nodes = set()
        for sheet, ref in required:
            if sheet in book.sheetnames:
                row, col = _position(ref)
                index[sheet][col].append(row)
                self.input_nodes.add((sheet, row, col))
        for cols in index.values():
            for rows in cols.values():
                rows.sort()
        self.index = index
        names = {n.upper(): d.attr_text or "" for n, d in book.defined_names.items()}
        local = {
            ws.title: {n.upper(): d.attr_text or "" for n, d in getattr(ws, "defined_names", {}).items()}
            for ws in book.worksheets
        }
        sheets_upper = {s.upper(): s for s in book.sheetnames}
        inputs: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for sheet, row, col in self.input_nodes:
            inputs[sheet][col].append(row)
        for cols in inputs.values():
            for rows in cols.values():
                rows.sort()
        self.inputs_index = inputs
        self.users: dict[tuple, list] = defaultdict(list)
        for node, text in formulas.items():
            sheet = node[0]
            targets = []
            for ref in ft.references(text):
                for target_sheet, bounds in self.resolve(ref, sheet, names, local.get(sheet, {}), sheets_upper):
                    targets.extend(self.cells_in(target_sheet, bounds))
                    for t in self.cells_in(target_sheet, bounds, inputs):
                        self.users[t].append(node)
            self.edges[node] = [t for t in targets if t in formulas or len(t) == 5]

    def resolve(self, ref: ft.Ref, sheet: str, names: dict, local: dict, sheets_upper: dict, depth: int = 0):
        if ref.external:
            return []
        if ref.name is not None:
            text = local.get(ref.name) or names.get(ref.name)
            if text is None or depth > 5:
                return []
            out = []
            for inner in ft.references(text):
                out.extend(self.resolve(inner, sheet, names, local, sheets_upper, depth + 1))
            return out
        target = sheets_upper.get(ref.sheet.upper()) if ref.sheet else sheet
        if target is None:
            return []
        return [(target, ref.bounds)]

    def cells_in(self, sheet: str, bounds, index: dict | None = None) -> list[tuple]:
        """The cells of ``index`` (formulas and required inputs) in a range; a long run of one column is a few
        blocks (:meth:`_blocks`), so that 10,000 running totals (``SUM(I$5:I9000)``) are not 50 million edges."""
        c1, r1, c2, r2 = bounds
        out = []
        for col, rows in (self.index if index is None else index).get(sheet, {}).items():
            if c1 <= col <= c2:
                lo = bisect.bisect_left(rows, r1)
                hi = bisect.bisect_right(rows, r2)
                if index is None and hi - lo > _BLOCK:
                    out.extend(self._blocks(sheet, col, lo, hi))
                else:
                    out.extend((sheet, r, col) for r in rows[lo:hi])
        return out

    def _blocks(self, sheet: str, col: int, lo: int, hi: int) -> list[tuple]:
        """Positions ``lo:hi`` of a column's rows as aligned blocks (of a segment tree) and single cells. A block
        is a node ``(BLOCK, sheet, col, a, b)`` whose edges lead to its two halves, down to the cells."""
        out, i = [], lo
        while i < hi:
            size = _BLOCK
            while i % (size * 2) == 0 and i + size * 2 <= hi:
                size *= 2
            if i % _BLOCK == 0 and i + size <= hi:
                out.append(self._block(sheet, col, i, i + size))
                i += size
            else:
                out.append((sheet, self.index[sheet][col][i], col))
                i += 1
        return out

    def _block(self, sheet: str, col: int, a: int, b: int) -> tuple:
        node = (BLOCK, sheet, col, a, b)
        if node not in self.edges:
            if b - a > _BLOCK:
                mid = (a + b) // 2
                self.edges[node] = [self._block(sheet, col, a, mid), self._block(sheet, col, mid, b)]
            else:
                cells = ((sheet, r, col) for r in self.index[sheet][col][a:b])
                self.edges[node] = [t for t in cells if t in self.formulas]
        return node

    def precedents(self, node) -> Iterator[tuple]:
        """The cells ``node`` refers to, blocks opened."""
        for t in self.edges.get(node, ()):
            if len(t) == 5:
                yield from self.precedents(t)
            else:
                yield t

    def users_of(self, sheet: str, ref: str) -> list[str]:
        row, col = _position(ref)
        return [f"{s}!{get_column_letter(c)}{r}" for s, r, c in sorted(self.users.get((sheet, row, col), []))]

    @property
    def reverse(self) -> dict:
        reverse = getattr(self, "_reverse", None)
        if reverse is None:
            reverse = defaultdict(list)
            for source, targets in self.edges.items():
                for t in targets:
                    reverse[t].append(source)
            self._reverse = reverse
        return reverse

    def downstream(self, node) -> set:
        """Every formula cell computed, directly or not, from the input or formula cell ``node`` (blocks opened)."""
        reverse = self.reverse
        stack = [*self.users.get(node, ()), *reverse.get(node, ())]
        seen, opened = set(), set()
        while stack:
            d = stack.pop()
            if len(d) == 5:  # a block: passed through
                if d not in opened:
                    opened.add(d)
                    stack.extend(reverse.get(d, ()))
            elif d not in seen:
                seen.add(d)
                stack.extend(reverse.get(d, ()))
        return seen

    def dependents(self, node, among: dict) -> set:
        reverse = self.reverse
        seen, opened, stack = set(), set(), [node]
        while stack:
            for d in reverse.get(stack.pop(), ()):
                if len(d) == 5:  # a block: passed through
                    if d not in opened:
                        opened.add(d)
                        stack.append(d)
                elif d in among and d not in seen:
                    seen.add(d)
                    stack.append(d)
        return seen

    def cycles(self) -> list[list[tuple]]:
        """Strongly connected components with a cycle (Tarjan, iterative), each sorted."""
        index_of: dict = {}
        low: dict = {}
        on_stack: set = set()
        stack: list = []
        found = []
        counter = 0
        for root in self.edges:
            if root in index_of:
                continue
            work = [(root, 0)]
            while work:
                node, i = work.pop()
                if i == 0:
                    index_of[node] = low[node] = counter
                    counter += 1
                    stack.append(node)
                    on_stack.add(node)
                targets = self.edges.get(node, [])
                recurse = False
                while i < len(targets):
                    t = targets[i]
                    i += 1
                    if t not in index_of:
                        work.append((node, i))
                        work.append((t, 0))
                        recurse = True
                        break
                    if t in on_stack:
                        low[node] = min(low[node], index_of[t])
                if recurse:
                    continue
                if low[node] == index_of[node]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == node:
                            break
                    if len(component) > 1 or node in self.edges.get(node, []):
                        found.append(sorted(c for c in component if len(c) == 3))  # blocks are not cells
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
        return found
