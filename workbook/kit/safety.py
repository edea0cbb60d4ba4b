"""Reading workbooks from anywhere: refuse what is not a sane .xlsx before parsing it.

:func:`check_package` runs before openpyxl or ``formulas`` see a file. It
streams every part of the zip once, with bounded memory, and refuses with a
one-line :class:`UnreadableWorkbook` message:

- a missing file, a file that is not a zip, a zip without ``xl/workbook.xml``,
  a truncated or corrupt zip (CRC checked on every part);
- a zip bomb: a part or the whole package expanding beyond the limits below,
  or compressing better than :data:`MAX_RATIO` to one, or too many parts;
- any DTD in any XML part (no Office file has one): this refuses entity
  expansion ("billion laughs") and external entities before any parser that
  would resolve them is involved (openpyxl itself parses with defusedxml);
- sheets beyond :data:`MAX_CELLS` cells or :data:`MAX_ROWS` rows in total, a
  cell beyond row :data:`MAX_ROW` or column :data:`MAX_COLUMN`, or used ranges
  of more than :data:`MAX_AREA` cells in total (the ``formulas`` engine visits
  every cell of each sheet's used range, so two far-apart cells cost as much
  as a full sheet: 2 million cells took 90 s and 2.8 GB to recalculate) — counting
  only cells that hold a value or formula (and their rows), since applications
  write empty formatted rows (LibreOffice: row 1,048,576 after a row delete);
- more than :data:`MAX_ELEMENTS` rows and cells, empty ones included;
- more than :data:`MAX_FORMULAS` formulas (the engine would take minutes);
- a formula longer than Excel's own limit of 8,192 characters.

It reports, without refusing, macros and other active content (VBA project,
Excel 4 macro sheets, ActiveX, OLE objects — never executed by this project)
and links to other workbooks (``xl/externalLinks`` parts, ``[1]Sheet!A1`` or
``'C:\\dir\\[file.xlsx]Sheet'!A1`` references in formulas and defined names),
unless ``allow_external_links`` is false: the ``formulas`` engine would open
the linked files from disk, so recalculation refuses such workbooks.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_PACKAGE_BYTES = 200 * 1024 * 1024  # uncompressed total of all parts
MAX_PART_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # decompressed ÷ compressed, per part above 1 MB
MAX_PARTS = 10_000
MAX_CELLS = 400_000  # cells holding a value or formula, in all sheets together; the CEO model has about 6,000,
# 5,000 placements about 100,000
MAX_ROWS = 100_000  # rows with such a cell, in all sheets together
# <row> and <c> elements, empty (formatting-only) ones included: openpyxl keeps one object per row; above the
# 250,000 formulas LibreOffice recalculates in time, with their rows
MAX_ELEMENTS = 600_000
# LibreOffice recalculated 200,000 formula cells in 10.6 s and 400,000 in 15.1 s (lo_engine, busy 2-core machine),
# the 5,000-placement model (75,747, half of them add-in calls) in about 10 s: 250,000 stays far inside the timeout.
# The formulas fallback (about 4 ms per formula) is stopped by the timeout on files this large.
MAX_FORMULAS = 250_000
MAX_ROW = 100_000  # last row a cell may be in
MAX_COLUMN = 16_384  # XFD, Excel's last column
MAX_AREA = 1_000_000  # cells in the used ranges (bounding boxes) of all sheets; the CEO model's is about 5,000
MAX_FORMULA_CHARS = 8_192  # Excel's limit on formula length
CHUNK = 1 << 20

ACTIVE_CONTENT = ("xl/vbaProject.bin", "xl/macrosheets/", "xl/activeX/", "xl/embeddings/oleObject", "xl/dialogsheets/")
_EXTERNAL_REF = re.compile(r"\[[^\]]+\](?:[\w.]+|[^'!\[\]]*')?!")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")


class UnreadableWorkbook(Exception):
    """The file is not a workbook we can safely read; the message says why in one line."""


@dataclass
class PackageInfo:
    """What :func:`check_package` found in a package it accepted."""

    macros: list[str] = field(default_factory=list)  # parts with active content
    external_links: list[str] = field(default_factory=list)  # where: part names, "Sheet!A1" cells or names
    cells: int = 0
    rows: int = 0
    area: int = 0  # cells in the used ranges of all sheets
    formulas: int = 0
    elements: int = 0  # <row> and <c> elements, empty ones included

    @property
    def has_macros(self) -> bool:
        return bool(self.macros)


def check_package(path: Path, *, allow_external_links: bool = False) -> PackageInfo:
    """Refuse what cannot be read safely (see the module docstring); describe what can."""
    path = Path(path)
    if path.is_dir():
        raise UnreadableWorkbook(f"{path}: is a folder, not a workbook; name the .xlsx file in it")
    if not path.is_file():
        raise UnreadableWorkbook(f"{path}: no such file" if not path.exists() else f"{path}: not a regular file")
    name = path.name
    info = PackageInfo()
    with path.open("rb") as fp:
        head = fp.read(8)
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # an OLE compound file, not a zip
        raise UnreadableWorkbook(
            f"{name}: a password-protected (encrypted) workbook or an old binary .xls; save it as an unprotected .xlsx"
        )
    try:
        _check_entry_count(path)
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                raise UnreadableWorkbook(f"{name}: {len(infos):,} parts, above the limit of {MAX_PARTS:,}")
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise UnreadableWorkbook(f"{name}: not an Excel workbook (no xl/workbook.xml)")
            total = 0
            for item in infos:
                total += item.file_size
                ratio = item.file_size / max(item.compress_size, 1)
                if item.file_size > MAX_PART_BYTES or (item.file_size > 1_000_000 and ratio > MAX_RATIO):
                    raise UnreadableWorkbook(
                        f"{name}: part {item.filename} expands to {item.file_size:,} bytes (zip bomb?)"
                    )
            if total > MAX_PACKAGE_BYTES:
                raise UnreadableWorkbook(f"{name}: expands to {total:,} bytes, above the {MAX_PACKAGE_BYTES:,} limit")
            sheets = _worksheet_parts(names)
            info.macros = sorted(n for n in names if n.startswith(ACTIVE_CONTENT))
            info.external_links = sorted(n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml"))
            scan = _Scan(name, info)
            for item in infos:
                scan.part(archive, item, sheets.get(item.filename))
            if _macro_content_type(archive) and not info.macros:
                info.macros.append("[Content_Types].xml (macro-enabled)")
    except zipfile.BadZipFile as exc:
        raise UnreadableWorkbook(f"{name}: not a valid .xlsx (zip) file: {exc}") from None
    except (EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise UnreadableWorkbook(f"{name}: corrupt or unsupported zip: {exc}") from None
    except OSError as exc:
        raise UnreadableWorkbook(f"{name}: cannot be read: {exc}") from None
    if info.external_links and not allow_external_links:
        raise UnreadableWorkbook(
            f"{name}: links to other workbooks ({', '.join(info.external_links[:3])}); "
            "recalculating would open those files — remove the links (Data > Edit Links > Break Link) first"
        )
    return info


def _check_entry_count(path: Path) -> None:
    """Read the zip's end record before ``zipfile`` builds one object per entry."""
    size = path.stat().st_size
    with path.open("rb") as fp:
        fp.seek(max(0, size - 65_557))
        tail = fp.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return  # zipfile reports the missing end record with its own message
    entries = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    directory_size = struct.unpack("<I", tail[at + 12 : at + 16])[0]
    if entries > MAX_PARTS or directory_size > MAX_PARTS * 1_000:
        raise UnreadableWorkbook(f"{path.name}: {entries:,} parts, above the limit of {MAX_PARTS:,}")


def _worksheet_parts(names: set[str]) -> dict[str, str]:
    """``{part: kind}`` of parts whose contents are scanned for cells and formulas."""
    kinds = {}
    for n in names:
        if n.startswith(("xl/worksheets/", "xl/macrosheets/", "xl/dialogsheets/")) and n.endswith(".xml"):
            kinds[n] = "sheet"
        elif n == "xl/workbook.xml":
            kinds[n] = "book"
    return kinds


def _macro_content_type(archive: zipfile.ZipFile) -> bool:
    try:
        head = archive.open("[Content_Types].xml").read(200_000)
    except KeyError:
        return False
    return b"macroEnabled" in head or b"vbaProject" in head


class _Scan:
    """Stream one part through a DTD-refusing expat parser with a counting target (no tree is built)."""

    def __init__(self, name: str, info: PackageInfo):
        self.name = name
        self.info = info

    def part(self, archive: zipfile.ZipFile, item: zipfile.ZipInfo, kind: str | None) -> None:
        is_xml = item.filename.endswith((".xml", ".rels", ".vml")) or item.filename == "[Content_Types].xml"
        with archive.open(item) as stream:
            if not is_xml:
                while stream.read(CHUNK):  # decompress and check the CRC
                    pass
                return
            from defusedxml import DefusedXmlException
            from defusedxml.ElementTree import DefusedXMLParser, ParseError

            target = _Target(self, item.filename, kind)
            parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
            try:
                while chunk := stream.read(CHUNK):
                    parser.feed(chunk)
                parser.close()
            except DefusedXmlException:
                raise UnreadableWorkbook(
                    f"{self.name}: part {item.filename} declares a DTD or entities "
                    "(XML entity expansion or external entity attack?); Office files never do"
                ) from None
            except ParseError as exc:
                if kind is None and not item.filename.startswith(("xl/", "[Content_Types]")):
                    return  # malformed docProps and the like: loaders ignore or tolerate them
                raise UnreadableWorkbook(f"{self.name}: part {item.filename} is not well-formed XML: {exc}") from None


class _Target:
    """Counts rows and cells of a sheet, measures formulas and looks for links to other workbooks."""

    def __init__(self, scan: _Scan, part: str, kind: str | None):
        self.scan, self.part, self.kind = scan, part, kind
        self.text: list[str] | None = None  # collecting the text of a formula or defined name
        self.length = 0
        self.where = ""
        self.row = 0
        self.column = 0
        self.row_counted = False
        self.in_cell = self.cell_filled = False
        self.bounds = [MAX_ROW + 1, 0, MAX_COLUMN + 1, 0]  # min row, max row, min col, max col

    def fail(self, message: str) -> None:
        raise UnreadableWorkbook(f"{self.scan.name}: {message}")

    def start(self, tag: str, attrib: dict) -> None:
        if self.kind is None:
            return
        local = tag.rpartition("}")[2]
        info = self.scan.info
        if self.kind == "sheet":
            if local in ("row", "c"):
                info.elements += 1
                if info.elements > MAX_ELEMENTS:
                    self.fail(
                        f"more than {MAX_ELEMENTS:,} rows and cells, even empty ones, in its sheets ({self.part}); "
                        "refusing to load it"
                    )
            if local == "row":
                r = attrib.get("r")
                self.row = int(r) if r and r.isdigit() else self.row + 1
                self.column = 0
                self.row_counted = False
            elif local == "c":
                self.position(attrib.get("r"))
                self.in_cell, self.cell_filled = True, False
            elif local in ("v", "f", "is") and self.in_cell:
                self.cell_filled = True
            if local == "f":
                self.text, self.length = [], 0
                info.formulas += 1
                if info.formulas > MAX_FORMULAS:
                    self.fail(
                        f"more than {MAX_FORMULAS:,} formulas ({self.part}); recalculating would take many minutes"
                    )
        elif self.kind == "book" and local == "definedName":
            self.text, self.length = [], 0
            self.where = f"defined name {attrib.get('name', '?')}"

    def position(self, ref: str | None) -> None:
        m = _CELL_REF.match(ref or "")
        if m:
            column = 0
            for ch in m.group(1):
                column = column * 26 + ord(ch) - 64
            self.row, self.column = int(m.group(2)), column
        else:
            self.column += 1
        self.where = ref or f"row {self.row}"

    def filled_cell(self) -> None:
        """A cell holding a value or formula: count it (and its row) and check where it is.

        Empty cells and rows (formatting only, such as the styled row 1,048,576
        LibreOffice writes after a row is deleted) are not counted: they cost
        neither the loaders nor the engine anything.
        """
        info = self.scan.info
        info.cells += 1
        if info.cells > MAX_CELLS:
            self.fail(f"more than {MAX_CELLS:,} cells in its sheets ({self.part}); refusing to load it")
        if not self.row_counted:
            self.row_counted = True
            info.rows += 1
            if info.rows > MAX_ROWS:
                self.fail(f"more than {MAX_ROWS:,} rows in its sheets ({self.part}); refusing to load it")
        if self.row > MAX_ROW:
            self.fail(f"{self.part} has a cell at row {self.row:,}, beyond the limit of {MAX_ROW:,} rows")
        if self.column > MAX_COLUMN:
            self.fail(f"{self.part} has a cell beyond column XFD")
        b = self.bounds
        b[0], b[1] = min(b[0], self.row), max(b[1], self.row)
        b[2], b[3] = min(b[2], self.column), max(b[3], self.column)
        if self.scan.info.area + self.area() > MAX_AREA:
            self.fail(
                f"used ranges of more than {MAX_AREA:,} cells ({self.part} up to {self.where}); refusing to load it"
            )

    def area(self) -> int:
        b = self.bounds
        return (b[1] - b[0] + 1) * (b[3] - b[2] + 1) if b[1] else 0

    def data(self, text: str) -> None:
        if self.text is None:
            return
        self.length += len(text)
        if self.length > MAX_FORMULA_CHARS:
            what = "formula" if self.kind == "sheet" else self.where
            self.fail(
                f"{self.part}: {what} at {self.where} is longer than Excel's limit of {MAX_FORMULA_CHARS:,} characters"
                if self.kind == "sheet"
                else f"{what} is longer than Excel's limit of {MAX_FORMULA_CHARS:,} characters"
            )
        self.text.append(text)

    def end(self, tag: str) -> None:
        local = tag.rpartition("}")[2]
        if local == "c" and self.in_cell:
            self.in_cell = False
            if self.cell_filled:
                self.filled_cell()
        if self.text is None:
            return
        if local not in ("f", "definedName"):
            return
        text = "".join(self.text)
        self.text = None
        if _EXTERNAL_REF.search(text):
            sheet = self.part.rsplit("/", 1)[-1]
            self.scan.info.external_links.append(
                f"{sheet}:{self.where}" if self.kind == "sheet" else f"{self.where} ({text[:60]})"
            )

    def close(self) -> None:
        if self.kind == "sheet":
            self.scan.info.area += self.area()
