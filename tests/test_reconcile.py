"""The agents' confirmations against the ledger: a one-cent commission difference, a missing and an extra one.

The example's confirmations (examples/three-agent-confirmations.csv) were written from its ledger with one cent
added to the commission of 2025-05-28 (Alpha Securities LLC; its net therefore one cent less); US dates, ``$`` and thousands separators as agents send them.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from workbook.cli import main as cli
from workbook.reading.confirmations_file import read_confirmations

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TERMS, PLACEMENTS = EXAMPLES / "three-agent-atm.toml", EXAMPLES / "three-agent-placements.csv"
CONFIRMS = EXAMPLES / "three-agent-confirmations.csv"


def _run(capsys, confirms, *extra):
    code = cli(["reconcile", str(TERMS), str(confirms), "--placements", str(PLACEMENTS), "--json", *extra])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out.strip() else None), captured.err


def test_the_confirmations_are_read_as_agents_send_them():
    frame = read_confirmations(CONFIRMS)
    first = frame.iloc[0]
    # 01/02/2025,Alpha Securities LLC,"15,000",$12.00,"$180,000.00","$3,600.00","$176,400.00",01/03/2025
    assert str(first["Trade date"]) == "2025-01-02" and first["Shares"] == 15_000 and first["Gross"] == 180_000.0
    assert first["Commission"] == 3_600.0 and str(first["Settlement date"]) == "2025-01-03"


def test_a_one_cent_commission_difference_is_found(capsys):
    code, out, _ = _run(capsys, CONFIRMS)
    assert code == 1 and out["missing"] == [] and out["extra"] == []
    fields = {(d["trade_date"], d["field"]): (d["ours"], d["theirs"], d["difference"]) for d in out["differences"]}
    commission = fields[("2025-05-28", "Commission")]
    assert Decimal(commission[1]) - Decimal(commission[0]) == Decimal("0.01") == Decimal(commission[2])
    assert Decimal(fields[("2025-05-28", "Net")][2]) == Decimal("-0.01")
    assert len(out["differences"]) == 2 and out["matched"] == 250


def test_a_missing_and_an_extra_confirmation(capsys, tmp_path):
    lines = CONFIRMS.read_text().splitlines()
    header, rows = lines[0], lines[1:]
    fixed = [r.replace('"$3,165.01","$155,084.99"', '"$3,165.00","$155,085.00"') for r in rows]
    dropped = fixed[9]  # the tenth placement: no confirmation
    month, day, year = dropped.split(",")[0].split("/")
    extra = '01/04/2025,Gamma & Co.,"1,000",$12.00,"$12,000.00",$360.00,"$11,640.00",01/06/2025'
    path = tmp_path / "confirms.csv"
    path.write_text("\n".join([header, *fixed[:9], *fixed[10:], extra]) + "\n")
    code, out, _ = _run(capsys, path)
    assert code == 1 and out["differences"] == []
    assert [(m["trade_date"], m["agent"]) for m in out["missing"]] == [(f"{year}-{month}-{day}", dropped.split(",")[1])]
    assert [(e["trade_date"], e["agent"]) for e in out["extra"]] == [("2025-01-04", "Gamma & Co.")]


def test_all_matching_exits_0(capsys, tmp_path):
    text = CONFIRMS.read_text().replace('"$3,165.01","$155,084.99"', '"$3,165.00","$155,085.00"')
    path = tmp_path / "confirms.csv"
    path.write_text(text)
    code, out, _ = _run(capsys, path)
    assert code == 0 and out["differences"] == [] and out["matched"] == 250


def test_bad_confirmations_are_one_line_exit_2(capsys, tmp_path):
    path = tmp_path / "confirms.csv"
    path.write_text("Trade Date,Agent,Colour\n01/02/2025,Alpha Securities LLC,blue\n")
    code, _, err = _run(capsys, path)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Colour" in err
    path.write_text("Trade Date,Agent,Commission\n01/02/2025,Delta LLC,$1.00\n")
    code, _, err = _run(capsys, path)
    assert code == 2 and "Delta LLC" in err
    path.write_text("Trade Date,Agent,Commission\n13/45/2025,Alpha Securities LLC,$1.00\n")
    code, _, err = _run(capsys, path)
    assert code == 2 and "row 2" in err and "Trade date" in err


def test_xlsx_confirmations_with_date_cells(capsys, tmp_path):
    import csv
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    rows = list(csv.reader(CONFIRMS.open()))
    sheet.append(rows[0])
    for row in rows[1:4]:  # the first three, dates as date cells and shares as numbers
        month, day, year = map(int, row[0].split("/"))
        sheet.append([dt.datetime(year, month, day), row[1], int(row[2].replace(",", "")), *row[3:]])
    path = tmp_path / "confirms.xlsx"
    book.save(path)
    code, out, _ = _run(capsys, path)
    assert code == 1 and out["matched"] == 3 and out["differences"] == [] and len(out["missing"]) == 247
