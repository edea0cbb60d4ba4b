"""The command-line items of the second first-hour round (issues 23 and 25), one test (or a few) each.

Most tests call the command in-process (``workbook.cli.main(argv)``) and check the exit
code, that the message is one line naming what is wrong, and that no file was lost
or written; a subprocess is used only where the command line itself is the subject.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbook.cli import main as cli
from workbook.placements_file import PlacementsFileError, read_placements

ROOT = Path(__file__).resolve().parent.parent


def refused(capsys, *argv: str) -> str:
    """``ceo-model ARGV`` refuses: exit 2, one line on stderr, no traceback, no usage block."""
    code = cli(list(argv))
    err = capsys.readouterr().err
    assert code == 2, (code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "usage:" not in err, err
    return lines[0]


# 23.2 --date-format applies to the text dates it matches; ISO, yyyymmdd and serials always read


def test_date_format_reads_iso_compact_and_serial_dates_beside_its_own(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "Trade date,Shares,Price\n05/11/2001,1000,4.04\n2001-11-26,1000,4.50\n20011203,1000,4.10\n37235,1000,4.00\n"
    )
    frame = read_placements(path, date_format="%d/%m/%Y")
    assert list(frame["Trade date"]) == [
        dt.date(2001, 11, 5),
        dt.date(2001, 11, 26),
        dt.date(2001, 12, 3),
        dt.date(2001, 12, 10),
    ]


def test_date_format_refuses_a_date_matching_neither_naming_the_row(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("Trade date,Shares,Price\n05/11/2001,1000,4.04\n26 Nov 2001,1000,4.50\n")
    with pytest.raises(PlacementsFileError) as refusal:
        read_placements(path, date_format="%d/%m/%Y")
    message = str(refusal.value)
    assert "row 3" in message and "column A (Trade date)" in message and "%d/%m/%Y" in message
    assert "ISO" in message


# 23.3 one bad placement cell: one finding naming the cell, in both flavours


@pytest.mark.parametrize("flavour", ["udf", "native"])
def test_text_in_a_shares_cell_is_one_finding(built, tmp_path, capsys, flavour):
    from workbook.validate import validate

    book = load_workbook(built[flavour].path)
    book["Placements"]["B6"] = "abc"
    path = tmp_path / f"bad_{flavour}.xlsx"
    book.save(path)
    report = validate(path, recalc=True)
    errors = [f for f in report.findings if f.severity == "error"]
    on_cell = [f for f in errors if (f.sheet, f.cell) == ("Placements", "B6")]
    assert [f.rule for f in on_cell] == ["N001"], errors
    assert "formula cell(s) computed from it show errors" in on_cell[0].message  # the cascade, counted there
    others = [f for f in errors if f not in on_cell]
    assert [f.rule for f in others] == ["O001"], [f"{f.rule} {f.sheet}!{f.cell} {f.message[:80]}" for f in others]
    assert "numbers, not text" in others[0].message  # the one check that depends on it
    assert "Every placement row complete" not in others[0].message  # the row is complete: text is not a gap
    assert "recalculating" in capsys.readouterr().err  # 25.7: a long --recalc says what it is doing


# 23.4 the remaining first-hour messages


def test_placements_xlsx_with_a_used_range_to_the_last_row_reads(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Trade date", "Shares", "Price"])
    sheet.append([dt.date(2001, 11, 5), 1000, 4.04])
    sheet.cell(row=1_048_576, column=3).number_format = "0.00"  # as LibreOffice writes a formatted column
    path = tmp_path / "lo.xlsx"
    book.save(path)
    assert load_workbook(path, read_only=True).active.max_row == 1_048_576
    frame = read_placements(path)
    assert list(frame["Shares"]) == [1000]
