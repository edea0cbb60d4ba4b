"""Hostile and broken files: ``recalc`` and ``validate`` fail cleanly.

Each file is made here, small on disk. Both commands run as the user would
run them, in a child process limited to 2 GiB of address space; each must end
with exit status 2, one line on stderr naming the problem, no traceback,
within :data:`SECONDS` and with peak memory (the child's ru_maxrss) below
:data:`PEAK_MB`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
SECONDS = 20
PEAK_MB = 1024
ADDRESS_SPACE = 2 << 30


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float  # CPU seconds of the command: bounded whatever else the machine runs (pytest -n 2)
    peak_mb: float


# Measures the command's own peak memory: a child forked from pytest would inherit pytest's resident
# size in ru_maxrss, so a small launcher forks the command and reports its rusage.
LAUNCHER = """
import json, os, resource, sys
limit, report, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
pid = os.fork()
if pid == 0:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.execv(cmd[0], cmd)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as f:
    json.dump({"code": os.waitstatus_to_exitcode(status), "maxrss_kb": usage.ru_maxrss,
               "cpu_s": usage.ru_utime + usage.ru_stime}, f)
"""


def run_cli(*args: str, tmp_path: Path) -> Run:
    """``python -m workbook ARGS`` in a child with a memory limit; its exit status, output, time, peak RSS."""
    return run_all([args], tmp_path)[0]


def run_all(commands: list, tmp_path: Path) -> list[Run]:
    """Run several ``python -m workbook`` commands at once (each in its own limited child)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "CEO_WORKBOOK_TIMEOUT": str(SECONDS * 3)}
    started = []
    for args in commands:
        n = time.monotonic_ns()
        out, err, report = (tmp_path / f"{kind}{n}" for kind in ("out", "err", "usage"))
        with out.open("w") as o, err.open("w") as e:
            child = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    LAUNCHER,
                    str(ADDRESS_SPACE),
                    str(report),
                    sys.executable,
                    "-m",
                    "workbook",
                    *args,
                ],
                stdout=o,
                stderr=e,
                cwd=ROOT,
                env=env,
            )
        started.append((child, out, err, report))
    runs = []
    for child, out, err, report in started:
        child.wait(timeout=SECONDS * 4)
        usage = json.loads(report.read_text())
        runs.append(Run(usage["code"], out.read_text(), err.read_text(), usage["cpu_s"], usage["maxrss_kb"] / 1024))
    return runs


def both_refuse(path: Path, tmp_path: Path, *needles: str) -> list[Run]:
    """recalc and validate each exit 2 with one clean line containing every needle (case-insensitive)."""
    target = tmp_path / "recalculated.xlsx"
    runs = run_all(
        [
            ("recalc", str(path), "-o", str(target)),
            ("validate", str(path)),
            ("validate", str(path), "--json", "--recalc"),
        ],
        tmp_path,
    )
    for run in runs:
        assert run.code == 2, run
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1, run.stderr
        assert "Traceback" not in run.stderr and run.stdout == ""
        for needle in needles:
            assert needle.lower() in lines[0].lower(), lines[0]
        assert path.name in lines[0]
        assert run.seconds < SECONDS, run
        assert run.peak_mb < PEAK_MB, run
    assert not target.exists()
    worst = max(runs, key=lambda r: r.peak_mb)
    print(
        f"\n{path.name} ({path.stat().st_size:,} bytes): slowest {max(r.seconds for r in runs):.2f} s CPU, peak {worst.peak_mb:.0f} MB"
    )
    return runs


@pytest.fixture(scope="module")
def clean(built) -> Path:
    return built["native"].path


def replace_part(src: Path, out: Path, part: str, write) -> Path:
    """Copy ``src`` to ``out`` with ``part`` produced by ``write(stream)`` (streamed, never held in memory)."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as b:
        for info in a.infolist():
            if info.filename == part:
                info = zipfile.ZipInfo(part)
                info.compress_type = zipfile.ZIP_DEFLATED
                with b.open(info, "w", force_zip64=True) as stream:
                    write(stream)
            else:
                b.writestr(info, a.read(info.filename))
    return out


def part_text(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode()


def sheet_part(path: Path, sheet: str) -> str:
    from workbook.engine.recalc import sheet_parts

    with zipfile.ZipFile(path) as z:
        return sheet_parts(z)[sheet]


# -- the files ---------------------------------------------------------------------------------


def test_not_a_workbook(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.7\n% a PDF renamed to .xlsx\n")
    both_refuse(path, tmp_path, "not a valid .xlsx")


def test_encrypted_or_binary_xls(tmp_path):
    path = tmp_path / "protected.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    both_refuse(path, tmp_path, "password-protected")


def test_zip_without_a_workbook(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8\xff")
    both_refuse(path, tmp_path, "not an Excel workbook")


def test_truncated_zip(clean, tmp_path):
    path = tmp_path / "truncated.xlsx"
    data = clean.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    both_refuse(path, tmp_path, "not a valid .xlsx")


def test_zip_bomb(clean, tmp_path):
    """A sheet part that expands to 120 MB of blanks (about 120 kB on disk)."""

    def blanks(stream):
        chunk = b" " * (1 << 20)
        for _ in range(120):
            stream.write(chunk)

    path = replace_part(clean, tmp_path / "bomb.xlsx", sheet_part(clean, "Placements"), blanks)
    assert path.stat().st_size < 1_000_000
    both_refuse(path, tmp_path, "zip bomb")


def test_zip_that_lies_about_its_sizes(clean, tmp_path):
    """A part whose directory entry declares 100 bytes: reading stops there and the CRC check fails."""
    path = tmp_path / "liar.xlsx"
    shutil.copy(clean, path)
    part = sheet_part(clean, "Placements").encode()
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")  # central directory entries: name length at +28, name at +46, size at +24
    while data[at + 46 : at + 46 + int.from_bytes(data[at + 28 : at + 30], "little")] != part:
        at = data.find(b"PK\x01\x02", at + 4)
        assert at > 0, "part not found"
    data[at + 24 : at + 28] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    both_refuse(path, tmp_path, "liar.xlsx")


def test_too_many_parts(tmp_path):
    path = tmp_path / "confetti.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(20_000):
            z.writestr(f"xl/media/{i}.bin", b"")
    both_refuse(path, tmp_path, "parts")


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>"
)


def with_doctype(clean: Path, out: Path, doctype: str, entity: str) -> Path:
    """workbook.xml with a DTD, and the entity used as the text of the first defined name."""
    part = "xl/workbook.xml"
    xml = part_text(clean, part)
    xml = re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + doctype, xml, count=1)
    xml, n = re.subn(r"(<definedName [^>]*>)[^<]*(</definedName>)", rf"\g<1>{entity}\g<2>", xml, count=1)
    assert n == 1
    return replace_part(clean, out, part, lambda s: s.write(xml.encode()))


def test_billion_laughs(clean, tmp_path):
    path = with_doctype(clean, tmp_path / "laughs.xlsx", LAUGHS, "&lol9;")
    both_refuse(path, tmp_path, "DTD")


def test_external_entity(clean, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doctype = f'<!DOCTYPE t [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    path = with_doctype(clean, tmp_path / "xxe.xlsx", doctype, "&xxe;")
    runs = both_refuse(path, tmp_path, "DTD")
    assert all("TOP-SECRET" not in r.stderr for r in runs)


def test_openpyxl_itself_parses_with_defusedxml(clean, tmp_path):
    """The second line of defence, behind the package check: openpyxl's own parser refuses entities."""
    import openpyxl.xml
    from defusedxml import DefusedXmlException

    assert openpyxl.xml.DEFUSEDXML
    path = with_doctype(clean, tmp_path / "laughs.xlsx", LAUGHS, "&lol9;")
    with pytest.raises((DefusedXmlException, ValueError)) as caught:
        load_workbook(path)
    cause = caught.value
    while not isinstance(cause, DefusedXmlException) and cause.__context__ is not None:
        cause = cause.__context__
    assert isinstance(cause, DefusedXmlException)


def million_rows(stream) -> None:
    rows = 1_000_000
    for start in range(1, rows + 1, 10_000):
        stream.write(
            "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(start, start + 10_000)).encode()
        )


def test_sheet_with_a_million_rows(clean, tmp_path):
    part = sheet_part(clean, "Placements")
    head, tail = re.split(r"<sheetData>.*</sheetData>|<sheetData/>", part_text(clean, part), flags=re.S)

    def write(stream):
        stream.write(head.encode() + b"<sheetData>")
        million_rows(stream)
        stream.write(b"</sheetData>" + tail.encode())

    path = replace_part(clean, tmp_path / "million.xlsx", part, write)
    assert path.stat().st_size < 10_000_000
    runs = both_refuse(path, tmp_path, "100,000")
    largest = max(runs, key=lambda r: r.peak_mb)
    print(
        f"\nmillion rows ({path.stat().st_size / 1e6:.1f} MB on disk): "
        + ", ".join(f"{r.seconds:.2f} s / {r.peak_mb:.0f} MB" for r in runs)
        + f"; largest peak {largest.peak_mb:.0f} MB"
    )


def with_rows(clean: Path, out: Path, rows) -> Path:
    """The Placements sheet with extra (formatting-only) rows written by ``rows(stream)`` at the end of its data."""
    part = sheet_part(clean, "Placements")
    text = part_text(clean, part)
    head, tail = text.split("</sheetData>")

    def write(stream):
        stream.write(head.encode())
        rows(stream)
        stream.write(b"</sheetData>" + tail.encode())

    return replace_part(clean, out, part, write)


def test_empty_styled_last_row_as_libreoffice_writes_it(clean, tmp_path):
    """After a row delete LibreOffice writes ``<row r="1048576" …></row>``: formatting, not data — accepted."""
    last = b'<row r="1048576" customFormat="false" ht="12.8" hidden="false" customHeight="false"></row>'
    path = with_rows(clean, tmp_path / "lastrow.xlsx", lambda stream: stream.write(last))
    target = tmp_path / "recalculated.xlsx"
    runs = run_all([("recalc", str(path), "-o", str(target)), ("validate", str(path))], tmp_path)
    assert [r.code for r in runs] == [0, 0], runs
    assert target.exists()


def test_too_many_empty_styled_rows_are_refused(clean, tmp_path):
    """Empty rows are not data, but openpyxl keeps one object per row: 700,000 of them are refused, quickly."""

    def empty_rows(count):
        def write(stream):
            for start in range(1, count + 1, 10_000):
                stream.write(
                    "".join(
                        f'<row r="{60 + r}" s="1" customFormat="1"/>' for r in range(start, start + 10_000)
                    ).encode()
                )

        return write

    huge = with_rows(clean, tmp_path / "empty_rows.xlsx", empty_rows(700_000))
    both_refuse(huge, tmp_path, "600,000", "empty")


def test_two_far_apart_cells(clean, tmp_path):
    """A used range of a million rows declared by one cell at the bottom: loaders would walk all of it."""
    book = load_workbook(clean)
    book["Outputs"]["A1000000"] = 1
    path = tmp_path / "far.xlsx"
    book.save(path)
    both_refuse(path, tmp_path, "row")


def test_used_range_too_large(clean, tmp_path):
    """One cell at Z40000 makes a used range of 1,040,000 cells, which the engine would visit one by one."""
    book = load_workbook(clean)
    book["Outputs"]["Z40000"] = 1
    path = tmp_path / "wide.xlsx"
    book.save(path)
    both_refuse(path, tmp_path, "used ranges", "Z40000")


def test_too_many_formulas(tmp_path):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("Sheet")
    for _ in range(25_001):  # 250,010 formulas, above the 250,000 limit
        ws.append([f"=ROW()+{c}" for c in range(1, 11)])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    both_refuse(path, tmp_path, "250,000 formulas")


def test_timeout_ends_the_run(clean, tmp_path):
    """A run that takes too long is ended (exit 2, one line); the target is never half-written."""
    env = {**os.environ, "CEO_WORKBOOK_TIMEOUT": "1"}
    target = tmp_path / "out.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "workbook", "recalc", str(clean), "-o", str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=SECONDS,
    )
    assert run.returncode == 2 and run.stderr.strip() == "recalc: gave up after 1 s (CEO_WORKBOOK_TIMEOUT)"
    assert not target.exists()


def test_formula_longer_than_excel_allows(clean, tmp_path):
    book = load_workbook(clean)
    book["Outputs"]["H60"] = "=" + "+".join(["TotalGross"] * 1_000)  # about 11,000 characters
    path = tmp_path / "long_formula.xlsx"
    book.save(path)
    both_refuse(path, tmp_path, "8,192")


def test_macros_are_never_run_recalc_warns_validate_reports(clean, tmp_path):
    """Decision: an .xlsm is recalculated (macros kept byte for byte, never run) with a warning."""
    path = tmp_path / "with_macros.xlsm"
    shutil.copy(clean, path)
    payload = b'\xd0\xcf\x11\xe0 VBA project: Sub Auto_Open() Shell "rm -rf ~" End Sub'
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/vbaProject.bin", payload)
    out = tmp_path / "recalculated.xlsm"
    recalc, validate = run_all([("recalc", str(path), "-o", str(out)), ("validate", str(path))], tmp_path)
    assert recalc.code == 0, recalc
    assert "macros" in recalc.stderr and "not run" in recalc.stderr
    with zipfile.ZipFile(out) as z:
        assert z.read("xl/vbaProject.bin") == payload
    assert validate.code == 0, validate
    assert "A008" in validate.stdout and "warning" in validate.stdout


def test_recalc_refuses_links_to_other_workbooks(clean, tmp_path):
    """Evaluating an external reference would read another file from disk (and store its values)."""
    from openpyxl import Workbook

    secret = Workbook()
    secret.active.title = "Sheet1"
    secret.active["A1"] = 424242
    secret.save(tmp_path / "secret.xlsx")
    book = load_workbook(clean)
    book["Outputs"]["H60"] = f"='{tmp_path}/[secret.xlsx]Sheet1'!A1"
    path = tmp_path / "linked.xlsx"
    book.save(path)
    out = tmp_path / "recalculated.xlsx"
    run = run_cli("recalc", str(path), "-o", str(out), tmp_path=tmp_path)
    assert run.code == 2 and "links to other workbooks" in run.stderr, run
    assert not out.exists()
    validate = run_cli("validate", str(path), "--recalc", tmp_path=tmp_path)
    assert validate.code == 1 and "A002" in validate.stdout and "424242" not in validate.stdout, validate


def test_missing_file(tmp_path):
    run = run_cli("validate", str(tmp_path / "nothing.xlsx"), tmp_path=tmp_path)
    assert run.code == 2 and "no such file" in run.stderr


@pytest.mark.parametrize("row", ["2001-11-05,=1+2,4.04", '=HYPERLINK("http://x"),1000,4.04', "2001-11-05,1000,@SUM(1)"])
def test_placements_csv_cannot_inject_formulas(tmp_path, capsys, row):
    """A placements CSV with formula text is refused before anything is written."""
    import build as build_cli

    csv = tmp_path / "placements.csv"
    csv.write_text(f"Trade date,Shares,Price\n{row}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert build_cli.main(["--placements", str(csv), "--out", str(out), "--no-picture"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not out.exists()


def test_builder_writes_text_inputs_as_text(tmp_path):
    """Text typed into inputs (refresh carries it) never becomes a formula, whatever it starts with."""
    import pandas as pd

    from workbook.kit.builder import write_workbook
    from workbook.kit.layout import build_layout
    from workbook.sheets.template import template

    texts = ["=1+2", "+SUM(A1:A9)", "-2+3", "@SUM(1)", '=HYPERLINK("http://example.com","click")']
    rows = pd.DataFrame({"Trade date": texts, "Shares": [1] * len(texts), "Price": texts}, dtype=object)
    path = tmp_path / "text.xlsx"
    write_workbook(build_layout("native", template(placements=rows)), path)
    ws = load_workbook(path)["Placements"]
    for i, text in enumerate(texts):
        for column in "AC":
            cell = ws[f"{column}{5 + i}"]
            assert (cell.value, cell.data_type) == (text, "s"), cell.coordinate
    with zipfile.ZipFile(path) as z:
        xml = z.read(sheet_part(path, "Placements")).decode()
    assert "<f>" not in xml and "HYPERLINK" in xml
