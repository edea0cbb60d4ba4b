"""Placements files as people export them (issue 8, item 4): the accepted matrix and the refusals.

Each accepted file is compared with an expected frame written out by hand
here (dates as ``datetime.date`` literals, numbers as typed), never with
another reading of the file. Each refusal goes through ``build.py``: exit 2,
one line naming the file, the row as a spreadsheet shows it and the column.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os

import pandas as pd
import pytest
from openpyxl import Workbook

import build as build_cli
from udfs import excel
from workbook.reading.placements_file import MAX_FILE_BYTES, MAX_PLACEMENTS, PlacementsFileError, read_placements

D1, D2 = dt.date(2001, 11, 5), dt.date(2001, 11, 26)
TWO = [(D1, 1_000_000, 4.04), (D2, 2_000_000, 4.50)]  # the placements every "two rows" file below holds
PLAIN = "Trade date,Shares,Price\n2001-11-05,1000000,4.04\n2001-11-26,2000000,4.50\n"


def expected_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        {"Trade date": [r[0] for r in rows], "Shares": [r[1] for r in rows], "Price": [r[2] for r in rows]}
    )


def assert_same(frame: pd.DataFrame, rows) -> None:
    expected = expected_frame(rows)
    assert list(frame.columns) == ["Trade date", "Shares", "Price"]
    assert list(frame["Trade date"]) == list(expected["Trade date"])
    assert all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in frame["Trade date"])
    assert [float(s) for s in frame["Shares"]] == [float(s) for s in expected["Shares"]]
    assert [float(p) for p in frame["Price"]] == pytest.approx([float(p) for p in expected["Price"]], abs=1e-12)


# ------------------------------------------------------------------ accepted CSV files

ACCEPTED_TEXT = {
    "plain utf-8": (PLAIN.encode(), TWO),
    "utf-8 with BOM, CRLF": (codecs.BOM_UTF8 + PLAIN.replace("\n", "\r\n").encode(), TWO),
    "utf-16 LE with BOM": (codecs.BOM_UTF16_LE + PLAIN.replace("\n", "\r\n").encode("utf-16-le"), TWO),
    "utf-16 BE with BOM": (codecs.BOM_UTF16_BE + PLAIN.encode("utf-16-be"), TWO),
    "old Mac CR line ends": (PLAIN.replace("\n", "\r").encode(), TWO),
    "semicolon, decimal comma, dot thousands": (
        b"Trade date;Shares;Price\n05.11.2001;1.000.000;4,04\n26.11.2001;2.000.000;4,50\n",
        TWO,
    ),
    "semicolon, decimal point": (b"Trade date;Shares;Price\n2001-11-05;1000000;4.04\n2001-11-26;2000000;4.5\n", TWO),
    "tab, decimal comma, no-break-space thousands": (
        "Trade date\tShares\tPrice\n2001-11-05\t1\u00a0000\u00a0000\t4,04\n2001-11-26\t2\u00a0000\u00a0000\t4,50\n".encode(),
        TWO,
    ),
    "header case and spaces": (PLAIN.replace("Trade date", " trade  DATE ").replace("Price", "PRICE ").encode(), TWO),
    "header with underscores": (PLAIN.replace("Trade date", "TRADE_DATE").encode(), TWO),
    "header with a hyphen": (PLAIN.replace("Trade date", "Trade-Date").encode(), TWO),
    "columns in another order": (b"Price,Trade date,Shares\n4.04,2001-11-05,1000000\n4.50,2001-11-26,2000000\n", TWO),
    "yyyymmdd dates": (b"Trade date,Shares,Price\n20011105,1000000,4.04\n20011126,2000000,4.50\n", TWO),
    # 37200 is 2001-11-05 in Excel's 1900 date system: 36,892 (2001-01-01) + 308 days
    "Excel serial dates": (b"Trade date,Shares,Price\n37200,1000000,4.04\n37221,2000000,4.50\n", TWO),
    "ISO dates with a midnight time": (
        b"Trade date,Shares,Price\n2001-11-05 00:00:00,1000000,4.04\n2001-11-26T00:00,2000000,4.50\n",
        TWO,
    ),
    "year-first slash and dot dates": (
        b"Trade date,Shares,Price\n2001/11/05,1000000,4.04\n2001.11.26,2000000,4.50\n",
        TWO,
    ),
    "day-first slash dates, inferable from 26/11": (
        b"Trade date,Shares,Price\n05/11/2001,1000000,4.04\n26/11/2001,2000000,4.50\n",
        TWO,
    ),
    "month-first slash dates, inferable from 11/26": (
        b"Trade date,Shares,Price\n11/05/2001,1000000,4.04\n11/26/2001,2000000,4.50\n",
        TWO,
    ),
    "slash date with day = month": (
        b"Trade date,Shares,Price\n11/11/2001,1000000,4.04\n",
        [(dt.date(2001, 11, 11), 1_000_000, 4.04)],
    ),
    "thousands separators and dollars": (
        b'Trade date,Shares,Price\n2001-11-05,"1,000,000",$4.04\n2001-11-26," 2,000,000 ", $ 4.50 \n',
        TWO,
    ),
    "spaces around numbers and dates": (
        b"Trade date,Shares,Price\n 2001-11-05 , 1000000 , 4.04 \n2001-11-26,2000000,4.5\n",
        TWO,
    ),
    "empty rows and trailing delimiters": (
        b"Trade date,Shares,Price,\n2001-11-05,1000000,4.04,\n,,,\n\n2001-11-26,2000000,4.50,\n,,\n",
        TWO,
    ),
    "title rows above the header": (b"Placements export\nDeal X\n\n" + PLAIN.encode(), TWO),
    "header only": (b"Trade date,Shares,Price\n", []),
    "header only, BOM and CRLF": (codecs.BOM_UTF8 + b"Trade date,Shares,Price\r\n", []),
}


@pytest.mark.parametrize("content, rows", ACCEPTED_TEXT.values(), ids=ACCEPTED_TEXT.keys())
def test_accepted_csv(tmp_path, content, rows):
    path = tmp_path / "placements.csv"
    path.write_bytes(content)
    assert_same(read_placements(path), rows)


@pytest.mark.parametrize(
    "date_format, rows",
    [("%d/%m/%Y", [(dt.date(2001, 11, 5), 1_000_000, 4.04)]), ("%m/%d/%Y", [(dt.date(2001, 5, 11), 1_000_000, 4.04)])],
)
def test_date_format_settles_ambiguous_slash_dates(tmp_path, date_format, rows):
    path = tmp_path / "placements.csv"
    path.write_bytes(b"Trade date,Shares,Price\n05/11/2001,1000000,4.04\n")
    assert_same(read_placements(path, date_format=date_format), rows)


def test_a_text_extension_does_not_matter(tmp_path):
    path = tmp_path / "placements.txt"
    path.write_bytes(PLAIN.encode())
    assert_same(read_placements(path), TWO)


# ------------------------------------------------------------------ accepted .xlsx files


def _xlsx(path, rows, *, title="Sheet1", before=(), epoch_1904=False, number_format=None):
    book = Workbook()
    if epoch_1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = title
    for sheet_name, sheet_rows in before:
        other = book.create_sheet(sheet_name, 0)
        for row in sheet_rows:
            other.append(row)
    for row in rows:
        sheet.append(row)
    if number_format:
        for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
            cell.number_format = number_format
    book.save(path)
    return path


def test_xlsx_with_date_cells(tmp_path):
    path = _xlsx(
        tmp_path / "p.xlsx",
        [("Trade date", "Shares", "Price"), (dt.datetime(2001, 11, 5), 1_000_000, 4.04), (D2, 2_000_000, 4.5)],
    )
    assert_same(read_placements(path), TWO)


def test_xlsx_with_serials_and_text_numbers(tmp_path):
    path = _xlsx(
        tmp_path / "p.xlsx",
        [("TRADE DATE", "shares", "price"), (37200, "1,000,000", "$4.04"), (37221, 2_000_000, " 4.50 ")],
    )
    assert_same(read_placements(path), TWO)


def test_xlsx_in_the_1904_date_system(tmp_path):
    # 2001-11-05 is 35,738 days after 1904-01-01 (37,200 − 1,462, the two systems' offset)
    path = _xlsx(
        tmp_path / "p.xlsx",
        [("Trade date", "Shares", "Price"), (35738, 1_000_000, 4.04), (35759, 2_000_000, 4.5)],
        epoch_1904=True,
    )
    assert_same(read_placements(path), TWO)


def test_xlsx_sheet_named_placements_wins_over_the_first(tmp_path):
    path = _xlsx(
        tmp_path / "p.xlsx",
        [("Trade date", "Shares", "Price"), (D1, 1_000_000, 4.04), (D2, 2_000_000, 4.5)],
        title="Placements",
        before=[("Notes", [("not placements",), (1, 2, 3)])],
    )
    assert_same(read_placements(path), TWO)


def test_xlsx_with_title_rows_and_header_only(tmp_path):
    path = _xlsx(tmp_path / "p.xlsx", [("Placements",), (None,), ("Trade date", "Shares", "Price")])
    assert_same(read_placements(path), [])


def test_the_placements_sheet_of_a_built_model_reads_back(built):
    """A CEO Model workbook's own Placements sheet (title rows, header in row 4, 50-row table) is a placements file."""
    illustrative = [
        (dt.date(2001, 11, 5), 400_000, 4.10),
        (dt.date(2001, 11, 19), 600_000, 3.95),
        (dt.date(2001, 12, 10), 800_000, 3.85),
        (dt.date(2002, 1, 14), 700_000, 4.25),
        (dt.date(2002, 2, 11), 900_000, 4.40),
        (dt.date(2002, 3, 11), 800_000, 4.60),
    ]
    assert_same(read_placements(built["udf"].path), illustrative)


# ------------------------------------------------------------------ refusals, through build.py


def refused(tmp_path, capsys, name: str, content: bytes, *extra: str) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "out"
    assert build_cli.main(["--placements", str(path), "--out", str(out), "--no-picture", *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err and name in err, err
    assert not out.exists() or not list(out.iterdir())
    return err


H = b"Trade date,Shares,Price\n"
REFUSALS = {
    "ambiguous slash date": (H + b"05/11/2001,1000000,4.04\n", ("row 2", "column A (Trade date)", "--date-format")),
    "ambiguous dot date": (
        b"Trade date;Shares;Price\n2001-11-05;1000;4,04\n05.11.2001;1000;4,04\n",
        ("row 3", "column A (Trade date)", "--date-format"),
    ),
    "slash dates in both orders": (
        H + b"13/11/2001,1000,4.04\n11/14/2001,1000,4.04\n",
        ("row 3", "column A (Trade date)", "other way round"),
    ),
    "impossible ISO date": (
        H + b"2001-11-05,1000,4.04\n2001-02-30,1000,4.04\n",
        ("row 3", "column A", "not a real date"),
    ),
    "impossible yyyymmdd": (H + b"20011332,1000,4.04\n", ("row 2", "column A", "not a real date")),
    "impossible slash date": (
        H + b"13/11/2001,1000,4.04\n31/02/2001,1000,4.04\n",
        ("row 3", "column A", "not a real date"),
    ),
    "Excel's phantom 1900-02-29 serial": (H + b"60,1000,4.04\n", ("row 2", "column A", "serial")),
    "a word for a date": (H + b"next monday,1000,4.04\n", ("row 2", "column A (Trade date)", "not a date")),
    "text in Shares": (H + b"2001-11-05,abc,4.04\n", ("row 2", "column B (Shares)", "must be a number")),
    "text in Price, columns reordered": (
        b"Price,Shares,Trade date\n4.04,1000,2001-11-05\n4.04x,1000,2001-11-06\n",
        ("row 3", "column A (Price)", "must be a number"),
    ),
    "decimal comma in a comma file": (
        H + b'2001-11-05,1000,"4,04"\n',
        ("row 2", "column C (Price)", "must be a number"),
    ),
    "bad thousands grouping": (H + b'2001-11-05,"1,00,000",4.04\n', ("row 2", "column B (Shares)", "must be a number")),
    "ambiguous thousands in a semicolon file": (
        b"Trade date;Shares;Price\n2001-11-05;1.000;4\n",
        ("row 2", "column B (Shares)", "decimal or a thousands"),
    ),
    "two decimal marks in a semicolon file": (
        b"Trade date;Shares;Price\n2001-11-05;1000;4,04\n2001-11-06;1000;4.05\n",
        ("row 3", "column C (Price)", "decimal mark"),
    ),
    "half-empty row": (H + b"2001-11-05,1000,4.04\n2001-11-06,,4.04\n", ("row 3", "column B (Shares)", "empty")),
    "half-empty row, date missing": (H + b" ,1000,4.04\n", ("row 2", "column A (Trade date)", "empty")),
    "negative shares (the model's rule)": (
        H + b"2001-11-05,1000000,4.04\n2001-11-06,-5,4.10\n",
        ("row 3", "column B (Shares)"),
    ),
    "fractional shares (the model's rule)": (H + b"2001-11-05,10.5,4.04\n", ("row 2", "column B (Shares)")),
    "beyond the programme maximum": (
        H + b"2001-11-05,5000000,4.00\n2001-11-06,2000000,4.00\n2001-11-07,100,4.00\n",
        ("row 3", "column B (Shares)", "25,000,000"),
    ),
    "unknown extra column": (
        b"Trade date,Shares,Price,Commission\n2001-11-05,1000,4.04,40\n",
        ("row 1", "column D", "Commission"),
    ),
    "a value outside the header": (H + b"2001-11-05,1000,4.04,oops\n", ("row 2", "column D")),
    "a column twice": (b"Trade date,Shares,Price,shares\n", ("row 1", "column D", "second Shares")),
    "no header": (b"Date,Shares,Price\n2001-11-05,1000,4.04\n", ("row 1", "missing Trade date")),
    "empty file": (b"", ("empty",)),
    "legacy code page": (
        "Trade date,Shares,Price\n2001-11-05,1000,4.04\ncaf\u00e9,1,1\n".encode("cp1252"),
        ("row 3", "UTF-8"),
    ),
    "UTF-16 without BOM": (PLAIN.encode("utf-16-le"), ("UTF-16 without a byte-order mark",)),
    "binary junk": (bytes(range(256)) * 20, ("binary",)),
    "formula text in Shares": (H + b"2001-11-05,=1+2,4.04\n", ("row 2", "column B (Shares)")),
    "unclosed quote": (H + b'2001-11-05,"1000,4.04\n', ("row 2", "column B")),
}


@pytest.mark.parametrize("content, wanted", REFUSALS.values(), ids=REFUSALS.keys())
def test_refused(tmp_path, capsys, content, wanted):
    err = refused(tmp_path, capsys, "placements.csv", content)
    for text in wanted:
        assert text in err, (text, err)


def test_date_format_that_does_not_fit_is_refused(tmp_path, capsys):
    content = H + b"2001-11-05,1000000,4.04\nNov 26 2001,2000000,4.50\n"  # ISO is always read (issue 23)
    err = refused(tmp_path, capsys, "p.csv", content, "--date-format", "%d/%m/%Y")
    assert "row 3" in err and "column A (Trade date)" in err and "%d/%m/%Y" in err


def test_date_format_needs_placements(capsys):
    with pytest.raises(SystemExit) as exit_:
        build_cli.main(["--date-format", "%d/%m/%Y", "--no-picture"])
    assert exit_.value.code == 2 and "--date-format goes with --placements" in capsys.readouterr().err


def test_one_row_more_than_the_workbook_holds(tmp_path, capsys):
    body = b"2001-11-05,1,1.00\n" * (MAX_PLACEMENTS + 1)
    err = refused(tmp_path, capsys, "many.csv", H + body)
    assert f"row {MAX_PLACEMENTS + 2}:" in err and f"{MAX_PLACEMENTS:,} placements" in err


def test_exactly_the_limit_reads(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(H + b"2001-11-05,1,1.00\n" * MAX_PLACEMENTS)
    assert len(read_placements(path)) == MAX_PLACEMENTS


def test_a_huge_file_is_refused_before_parsing(tmp_path, capsys):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fp:  # sparse: the reader must refuse on size alone
        fp.write(H)
        fp.seek(MAX_FILE_BYTES)
        fp.write(b"\n")
    assert os.path.getsize(path) > MAX_FILE_BYTES
    err = refused(tmp_path, capsys, "huge.csv", path.read_bytes())
    assert "byte" in err and "limit" in err


def test_junk_named_xlsx_is_refused(tmp_path, capsys):
    err = refused(tmp_path, capsys, "junk.xlsx", b"PK\x03\x04" + bytes(range(256)) * 8)
    assert "junk.xlsx" in err


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path, capsys):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    err = refused(tmp_path, capsys, "p.xlsx", buffer.getvalue())
    assert "not an Excel workbook" in err


def test_xlsx_refusal_names_row_and_column(tmp_path, capsys):
    path = _xlsx(
        tmp_path / "p.xlsx",
        [("Shares", "Price", "Trade date"), (1000, 4.04, D1), (1000, "n/a", D2)],
    )
    err = refused(tmp_path, capsys, "p.xlsx", path.read_bytes())
    assert "row 3, column B (Price)" in err


def test_xlsx_with_a_broken_sheet_is_refused_in_one_line(tmp_path, capsys):
    import zipfile

    good = _xlsx(tmp_path / "good.xlsx", [("Trade date", "Shares", "Price"), (D1, 1000, 4.04)])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut mid-way: not well-formed XML
            target.writestr(item, data)
    err = refused(tmp_path, capsys, "broken.xlsx", broken.read_bytes())
    assert "broken.xlsx" in err


def test_xlsx_with_one_row_too_many(tmp_path, capsys):
    rows = [("Trade date", "Shares", "Price")] + [(D1, 1, 1.0)] * (MAX_PLACEMENTS + 1)
    path = _xlsx(tmp_path / "p.xlsx", rows)
    err = refused(tmp_path, capsys, "p.xlsx", path.read_bytes())
    assert f"row {MAX_PLACEMENTS + 2}:" in err and f"{MAX_PLACEMENTS:,} placements" in err


def test_xlsx_boolean_is_not_a_number(tmp_path):
    path = _xlsx(tmp_path / "p.xlsx", [("Trade date", "Shares", "Price"), (D1, True, 4.04)])
    with pytest.raises(PlacementsFileError, match=r"row 2, column B \(Shares\)"):
        read_placements(path)


def test_a_missing_file(tmp_path, capsys):
    assert build_cli.main(["--placements", str(tmp_path / "nope.csv"), "--out", str(tmp_path), "--no-picture"]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_the_programme_maximum_comes_from_the_terms(tmp_path):
    """A file over $25M reads against a $60M programme (the terms, not the prospectus)."""
    import model

    path = tmp_path / "p.csv"
    path.write_bytes(H + b"2001-11-05,10000000,4.00\n")  # $40M
    with pytest.raises(PlacementsFileError, match="row 2"):
        read_placements(path)
    bigger = model.PROSPECTUS.replace(schedule=model.Schedule.from_rows([[0, 6e7, 0.03]]))
    assert_same(read_placements(path, bigger), [(D1, 10_000_000, 4.00)])


# ------------------------------------------------------------------ the empty programme, end to end

# Outputs that depend on placements: with nothing sold each is 0 (no #DIV/0!, no #NUM!).
ZERO_WHEN_NOTHING_SOLD = (
    "OutTotalGross",
    "OutTotalCommission",
    "OutNetProceeds",
    "OutEffectiveRate",
    "OutVWAP",
    "OutWarrantShares",
    "OutWarrantStrike",
    "OutTotalWarrantValue",
    "OutCompensationPct",
    "OutCompensationHeadroom",
    "OutDilutionPct",
    "OutChecksTotal",
)


@pytest.fixture(scope="module")
def empty_programme(tmp_path_factory):
    """Both flavours built by build.py from a header-only CSV (BOM, CRLF, loose header case)."""
    folder = tmp_path_factory.mktemp("empty")
    csv_path = folder / "empty.csv"
    csv_path.write_bytes(codecs.BOM_UTF8 + b"trade DATE,shares,PRICE\r\n")
    out = folder / "dist"
    assert build_cli.main(["--placements", str(csv_path), "--out", str(out), "--no-picture"]) == 0
    return {"udf": out / "CEO_Model.xlsx", "native": out / "CEO_Model_native.xlsx"}


@pytest.mark.parametrize("flavour", ["udf", "native"])
def test_empty_programme_has_no_error_cells_and_zero_outputs(empty_programme, flavour):
    from helpers import cached_values, named

    from workbook.kit.layout import build_layout
    from workbook.sheets.template import template

    values = cached_values(empty_programme[flavour])
    errors = {k: v for k, v in values.items() if isinstance(v, str) and v.startswith("#")}
    assert errors == {}
    names = build_layout(flavour, template(placements=expected_frame([]))).names
    for name in ZERO_WHEN_NOTHING_SOLD:
        assert named(values, names, name) == 0, name
    # what is owed whatever is sold: expenses up to $60,000 + $62,500 retainer allocation (prospectus S-12)
    assert named(values, names, "OutTotalCompensation") == pytest.approx(60_000 + 62_500)


def test_empty_programme_flavours_agree(empty_programme):
    from helpers import cached_values

    udf, native = (cached_values(empty_programme[f]) for f in ("udf", "native"))
    numeric = {k for k, v in native.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    differ = {k: (udf.get(k), native[k]) for k in numeric if udf.get(k) != pytest.approx(native[k], rel=1e-9)}
    assert differ == {}


@pytest.mark.parametrize("flavour", ["udf", "native"])
def test_empty_programme_validates_clean_after_recalculation(empty_programme, flavour):
    from workbook.testing import assert_valid

    assert_valid(empty_programme[flavour], recalc=True)


def test_empty_programme_in_libreoffice(empty_programme):
    """LibreOffice recomputes the native flavour itself: no error cell, and the same numbers as ours."""
    from conftest import require
    from helpers import as_number, cached_values

    from workbook.engine import libreoffice

    require(libreoffice.available(), "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    ours = cached_values(empty_programme["native"])
    theirs = {k: as_number(v) for k, v in libreoffice.recalculated_values(empty_programme["native"]).items()}
    assert {k: v for k, v in theirs.items() if isinstance(v, str) and v.startswith("#")} == {}
    numeric = [k for k, v in ours.items() if isinstance(v, int | float) and not isinstance(v, bool)]
    assert len(numeric) > 1000
    assert {k: (ours[k], theirs.get(k)) for k in numeric if theirs.get(k) != pytest.approx(ours[k], rel=1e-9)} == {}


def test_trades_on_a_holiday_and_a_saturday_settle_as_in_excel(tmp_path):
    """Thanksgiving (Thu 2001-11-22, an exchange holiday) and Saturday 2001-11-24, counted as Excel's WORKDAY does.

    By hand, T+3 counting the working days after the trade date: from the 22nd, Fri 23 · Mon 26 · Tue 27; from
    the 24th, Mon 26 · Tue 27 · Wed 28. Both flavours in our engine, and LibreOffice on the native one, agree.
    """
    from conftest import require
    from helpers import as_number, cached_values
    from openpyxl.utils.datetime import to_excel

    from workbook.engine import libreoffice
    from workbook.kit.layout import build_layout
    from workbook.sheets.template import template

    csv_path = tmp_path / "p.csv"
    csv_path.write_bytes(H + b"2001-11-22,1000,4.00\n2001-11-24,1000,4.00\n")
    out = tmp_path / "out"
    argv = ["--placements", str(csv_path), "--out", str(out), "--no-picture", "--allow-non-trading-days"]
    assert build_cli.main(argv) == 0
    expected = [float(to_excel(dt.date(2001, 11, 27))), float(to_excel(dt.date(2001, 11, 28)))]
    rows = read_placements(csv_path)
    for flavour, file_name in (("udf", "CEO_Model.xlsx"), ("native", "CEO_Model_native.xlsx")):
        names = build_layout(flavour, template(placements=rows)).names
        sheet, ref = names["LedgerSettlement"].rsplit("!", 1)
        first = int("".join(ch for ch in ref.split(":")[0] if ch.isdigit()))
        column = "".join(ch for ch in ref.split(":")[0] if ch.isalpha() and ch != "$")
        values = cached_values(out / file_name)
        got = [as_number(values.get((sheet.strip("'"), f"{column}{first + i}"))) for i in range(2)]
        assert got == expected, flavour
        assert not [v for v in values.values() if isinstance(v, str) and v.startswith("#")], flavour
    require(libreoffice.available(), "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    theirs = libreoffice.recalculated_values(out / "CEO_Model_native.xlsx")
    assert [as_number(theirs.get((sheet.strip("'"), f"{column}{first + i}"))) for i in range(2)] == expected


# ------------------------------------------------------------------ any export of any placements reads back

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ENCODINGS = {
    "utf-8": lambda t: t.encode(),
    "utf-8-sig": lambda t: codecs.BOM_UTF8 + t.encode(),
    "utf-16-le": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
}


def _written_date(day: dt.date, form: str) -> str:
    if form == "iso":
        return day.isoformat()
    if form == "compact":
        return f"{day.year:04d}{day.month:02d}{day.day:02d}"
    if form == "serial":
        return str(excel.serial(day))
    return f"{day.day:02d}/{day.month:02d}/{day.year}"  # dd/mm/yyyy, written with --date-format


def _written_number(value: float, decimals: int, form: str, decimal_comma: bool) -> str:
    text = f"{value:,.{decimals}f}" if form == "grouped" else f"{value:.{decimals}f}"
    if decimal_comma:
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if form == "dollar":
        text = "$" + text
    return f" {text} " if form == "padded" else text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
            st.integers(1, 2_000),
            st.integers(1, 99_999),  # price in cents
        ),
        max_size=12,
    ),
    encoding=st.sampled_from(sorted(_ENCODINGS)),
    delimiter=st.sampled_from([",", ";", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    order=st.permutations([0, 1, 2]),
    header_case=st.sampled_from([str, str.upper, str.lower, lambda h: h.replace(" ", "_")]),
    date_form=st.sampled_from(["iso", "compact", "serial", "dmy"]),
    number_form=st.sampled_from(["plain", "grouped", "dollar", "padded"]),
    decimal_comma=st.booleans(),
)
def test_any_export_reads_back(
    tmp_path, rows, encoding, delimiter, line_end, order, header_case, date_form, number_form, decimal_comma
):
    decimal_comma = decimal_comma and delimiter != ","
    header = [header_case(h) for h in ("Trade date", "Shares", "Price")]
    lines = [delimiter.join(header[i] for i in order)]
    for day, shares, cents in rows:
        cells = [
            _written_date(day, date_form),
            _written_number(shares, 0, number_form, decimal_comma),
            # two decimals: a price always shows its decimal mark, so the file tells which mark is decimal
            _written_number(cents / 100, 2, number_form, decimal_comma),
        ]
        cells = [f'"{c}"' if delimiter in c else c for c in cells]
        lines.append(delimiter.join(cells[i] for i in order))
    path = tmp_path / "export.csv"
    path.write_bytes(_ENCODINGS[encoding](line_end.join(lines) + line_end))
    date_format = "%d/%m/%Y" if date_form == "dmy" else None
    expected = [(day, shares, cents / 100) for day, shares, cents in rows]
    cumulative = 0
    for _, shares, cents in rows:
        cumulative += shares * cents  # in cents: within $25M for these sizes (12 × 2,000 × $999.99 < $25M)
    assert cumulative <= 2_500_000_000
    assert_same(read_placements(path, date_format=date_format), expected)
