"""build.py's options: a placements CSV, a terms file, one flavour, and refusals."""

from __future__ import annotations

import json

import pandas as pd
from helpers import cached_values, close, expected_outputs, named
from openpyxl import load_workbook

import build as build_cli
import model
from workbook.kit.layout import build_layout
from workbook.sheets.template import template


def test_placements_csv_and_terms_file_drive_the_workbook(tmp_path, capsys):
    csv = tmp_path / "placements.csv"
    csv.write_text("Trade date,Shares,Price\n2001-11-05,1000000,4.04\n2001-11-26,2000000,4.50\n", encoding="utf-8")
    terms = tmp_path / "terms.json"
    terms.write_text(
        json.dumps({"volatility": 0.5, "schedule": [[0, 1e7, 0.05], [1e7, 2.5e7, 0.03]]}), encoding="utf-8"
    )
    out = tmp_path / "out"
    assert (
        build_cli.main(
            ["--out", str(out), "--flavour", "native", "--placements", str(csv), "--terms", str(terms), "--no-picture"]
        )
        == 0
    )
    assert not (out / "CEO_Model.xlsx").exists()
    path = out / "CEO_Model_native.xlsx"
    wb = load_workbook(path)
    assert [wb["Placements"][f"B{r}"].value for r in (5, 6, 7)] == [1_000_000, 2_000_000, None]
    assert "ILLUSTRATIVE" not in wb["Placements"]["A2"].value
    placements = pd.DataFrame(
        {
            "Trade date": pd.to_datetime(["2001-11-05", "2001-11-26"]).date,
            "Shares": [1_000_000, 2_000_000],
            "Price": [4.04, 4.50],
        }
    )
    schedule = model.Schedule.from_rows([[0, 1e7, 0.05], [1e7, 2.5e7, 0.03]])
    terms_used = model.PROSPECTUS.replace(volatility=0.5, schedule=schedule)
    expected = expected_outputs(terms_used, placements)
    # $13.04M: $10M at 5% + $3.04M at 3% = 500,000 + 91,200
    assert expected["OutTotalCommission"] == 591_200.0
    names = build_layout("native", template(terms_used, placements)).names
    values = cached_values(path)
    for name in (
        "OutTotalCommission",
        "OutNetProceeds",
        "OutTotalWarrantValue",
        "OutCompensationHeadroom",
        "OutChecksTotal",
    ):
        assert close(named(values, names, name), expected[name]), name
    assert "Net proceeds" in capsys.readouterr().out


def test_a_bad_placements_csv_is_refused_with_the_row(tmp_path, capsys):
    csv = tmp_path / "bad.csv"
    csv.write_text("Trade date,Shares,Price\n2001-11-05,1000000,4.04\n2001-11-06,-5,4.10\n", encoding="utf-8")
    assert build_cli.main(["--out", str(tmp_path), "--placements", str(csv), "--no-picture"]) == 2
    err = capsys.readouterr().err
    assert "Shares" in err and "row 3" in err
    assert not list(tmp_path.glob("*.xlsx"))


def test_an_unknown_term_is_refused(tmp_path, capsys):
    terms = tmp_path / "terms.json"
    terms.write_text(json.dumps({"volatilty": 0.5}), encoding="utf-8")
    assert build_cli.main(["--out", str(tmp_path), "--terms", str(terms), "--no-picture"]) == 2
    assert "volatilty" in capsys.readouterr().err


def test_a_foreign_file_is_not_overwritten_without_force(tmp_path, capsys):
    foreign = tmp_path / "CEO_Model.xlsx"
    foreign.write_bytes(b"not ours")
    assert build_cli.main(["--out", str(tmp_path), "--flavour", "udf", "--no-picture"]) == 2
    assert "--force" in capsys.readouterr().err
    assert foreign.read_bytes() == b"not ours"
    assert build_cli.main(["--out", str(tmp_path), "--flavour", "udf", "--no-picture", "--force"]) == 0
    assert load_workbook(foreign)["Outputs"]["A1"].value == "Outputs"
