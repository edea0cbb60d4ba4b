"""The command-line items of the second first-hour round (issues 23 and 25), one test (or a few) each.

Most tests call the command in-process (``workbook.cli.main(argv)``) and check the exit
code, that the message is one line naming what is wrong, and that no file was lost
or written; a subprocess is used only where the command line itself is the subject.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbook.cli import main as cli
from workbook.reading.placements_file import PlacementsFileError, read_placements

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


def test_refresh_out_dir_writes_into_that_folder(built, tmp_path, capsys):
    old = tmp_path / "old.xlsx"
    old.write_bytes(built["native"].path.read_bytes())
    folder = tmp_path / "refreshed"
    code = cli(["refresh", str(old), "--out", str(folder)])
    assert code == 0, capsys.readouterr().err
    assert (folder / "old_refreshed.xlsx").exists()
    assert not (tmp_path / "old_refreshed.xlsx").exists()  # --out was ignored before: the file went beside OLD
    line = refused(capsys, "refresh", str(old), "--out", str(folder), "-o", str(tmp_path / "x.xlsx"))
    assert "not both" in line


def test_build_out_that_is_a_file_is_one_clear_line(tmp_path, capsys):
    out = tmp_path / "empty.csv"
    out.write_text("")
    line = refused(capsys, "build", "--out", str(out), "--no-picture", "--no-addin")
    assert "Errno" not in line and "empty.csv" in line and "not a folder" in line
    assert out.read_text() == ""


@pytest.mark.parametrize("given", [".", "folder"])
def test_terms_that_is_a_folder_is_named(tmp_path, capsys, monkeypatch, given):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    line = refused(capsys, "build", "--terms", given, "--out", str(tmp_path / "out"), "--no-picture")
    assert f"ceo-model build: {given}: is a folder" in line and "Errno" not in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["validate", "recalc", "refresh"])
def test_a_folder_given_as_the_workbook_is_named_a_folder(tmp_path, capsys, command):
    line = refused(capsys, command, str(tmp_path))
    assert "is a folder, not a workbook" in line and "no such file" not in line


def test_a_partial_terms_file_says_which_terms_came_from_its_base_deal(tmp_path, capsys):
    from model import terms_file

    partial = tmp_path / "partial.toml"
    partial.write_text('base = "prospectus-2001"\nissuer = "Acme Corp."\n')
    loaded = terms_file.load(partial)
    notes: list[str] = []
    from workbook.commands.build_command import _note_base

    _note_base(partial, loaded, notes)
    (note,) = notes
    assert "partial.toml" in note and "prospectus-2001" in note
    assert "other_maximum" in note or "retainer" in note, note  # the Other Agreement and retainer it inherits
    complete = tmp_path / "complete.toml"
    assert cli(["init-terms", str(complete), "--deal", "modern-atm"]) == 0
    notes.clear()
    _note_base(complete, terms_file.load(complete), notes)
    assert notes == []  # a file init-terms wrote leaves nothing out


def test_simulate_with_a_partial_terms_file_says_so_on_stderr(tmp_path, capsys):
    partial = tmp_path / "vol.toml"
    partial.write_text("volatility = 0.9\n")
    assert cli(["simulate", "--terms", str(partial), "--paths", "2", "--days", "5", "--json"]) == 0
    err = capsys.readouterr().err
    assert "vol.toml leaves out" in err and "prospectus-2001" in err and "other_maximum" in err


# 23.5 every command's errors are one line; every command's --help shows an example

from workbook.cli import COMMANDS  # noqa: E402  (every command the installed ceo-model has, plan included)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_argument_is_one_line(capsys, command):
    line = refused(capsys, command, "FILE.xlsx", "--no-such-option")
    assert line.startswith(f"ceo-model {command}: ") and "--no-such-option" in line
    assert f"ceo-model {command} --help" in line


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_an_example_and_the_command_users_type(capsys, command):
    assert cli([command, "--help"]) == 0  # refresh --help used to exit 2 ("give the file first")
    out = capsys.readouterr().out
    assert "examples:" in out and f"  ceo-model {command}" in out.split("examples:")[1]
    assert "python -m" not in out and "build.py" not in out.split("examples:")[1]


def test_simulate_paths_has_a_help_text(capsys):
    cli(["simulate", "--help"])
    out = capsys.readouterr().out
    assert "--paths PATHS" in out and "number of simulated price paths" in out


def test_refresh_errors_are_prefixed_by_the_command_alone(tmp_path, capsys):
    line = refused(capsys, "refresh", str(tmp_path / "missing.xlsx"))
    assert line.startswith("ceo-model refresh: ") and "--refresh" not in line


def test_argparse_errors_of_the_top_level_command_in_a_subprocess():
    """The command line itself: the installed entry point prints one line and exits 2 (no usage block)."""
    done = subprocess.run([sys.executable, "-m", "workbook.cli", "validate"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "ceo-model validate: the following arguments are required: FILE (see ceo-model validate --help)"
    ]


# 25.3 a LibreOffice lock file beside a target refuses, naming who holds it

# as LibreOffice writes it: user name (Tools › Options › User Data), system user, host, time, profile URL
LOCK = "Jane Doe,jdoe,jdoe-laptop,04.12.2026 01:55,file:///home/jdoe/.config/libreoffice/4;"


def lock(path: Path) -> Path:
    lock_file = path.with_name(f".~lock.{path.name}#")
    lock_file.write_text(LOCK)
    return lock_file


def test_build_refuses_a_target_open_in_libreoffice(built, tmp_path, capsys):
    target = tmp_path / "CEO_Model_native.xlsx"
    target.write_bytes(built["native"].path.read_bytes())
    lock(target)
    line = refused(capsys, "build", "--out", str(tmp_path), "--flavour", "native", "--no-picture", "--no-addin")
    assert "open in LibreOffice" in line and "Jane Doe" in line and "jdoe-laptop" in line and "--force" in line
    assert target.read_bytes() == built["native"].path.read_bytes()


def test_recalc_in_place_and_to_a_target_refuse_a_locked_file(built, tmp_path, capsys):
    source = tmp_path / "model.xlsx"
    source.write_bytes(built["native"].path.read_bytes())
    lock(source)
    line = refused(capsys, "recalc", str(source), "--engine", "formulas")
    assert "Jane Doe" in line and "open in LibreOffice" in line
    other = tmp_path / "other.xlsx"
    other.write_bytes(built["native"].path.read_bytes())
    lock(other)
    line = refused(capsys, "recalc", str(source), "-o", str(other), "--engine", "formulas")
    assert "other.xlsx" in line and "Jane Doe" in line


def test_refresh_refuses_a_locked_target(built, tmp_path, capsys):
    old = tmp_path / "old.xlsx"
    old.write_bytes(built["native"].path.read_bytes())
    new = tmp_path / "new.xlsx"
    lock(new)
    line = refused(capsys, "refresh", str(old), "-o", str(new))
    assert "new.xlsx" in line and "Jane Doe" in line
    assert not new.exists()


def test_force_writes_over_a_lock_and_the_holder_is_read_from_the_lock_file(tmp_path):
    from workbook.kit.files import RefusedOverwrite, check_lock, lock_holder

    target = tmp_path / "a.xlsx"
    assert lock_holder(target) is None
    lock(target)
    assert lock_holder(target) == "Jane Doe (jdoe) on jdoe-laptop since 04.12.2026 01:55"
    target.with_name(f".~lock.{target.name}#").write_text(",root,build-box,04.12.2026 02:10,file:///root/x;")
    assert lock_holder(target) == "root on build-box since 04.12.2026 02:10"  # no user name set in LibreOffice
    check_lock(target, force=True)  # no refusal
    with pytest.raises(RefusedOverwrite):
        check_lock(target, force=False)


# 25.4 Ctrl-C, a closed pipe, a folder that cannot be written


def test_sigint_during_a_build_is_one_line_exit_130_and_leaves_no_temporary_folders(tmp_path):
    from tests.conftest import require
    from workbook.engine import libreoffice

    require(libreoffice.available(), "LibreOffice is not installed")
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "out"
    env = {**os.environ, "TMPDIR": str(temp)}
    command = [sys.executable, "-m", "workbook.cli", "build", "--out", str(out), "--no-addin", "--no-picture"]
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while not any(p.name.startswith("ceo_lo_engine_") for p in temp.iterdir()):  # LibreOffice is starting
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole process group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert len(err.strip().splitlines()) == 1 and "interrupted" in err and "Traceback" not in err, err
    deadline = (
        time.monotonic() + 60
    )  # LibreOffice's driver removes its folder once LibreOffice is gone (2 jobs share 2 cores)
    while leftovers := [p.name for p in temp.iterdir() if p.name.startswith("ceo_")]:
        assert time.monotonic() < deadline, leftovers
        time.sleep(0.2)
    assert not out.exists() or not [p for p in out.iterdir() if p.suffix == ".xlsx"]


def test_an_interrupt_between_the_two_flavours_replaces_neither(built, tmp_path, capsys, monkeypatch):

    for flavour in ("udf", "native"):
        (tmp_path / built[flavour].path.name).write_bytes(built[flavour].path.read_bytes())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    from workbook import generate

    real = generate.write_cached_values
    written = []

    def write_then_interrupt(source, values, target):  # the udf workbook is written, then Ctrl-C
        if written:
            raise KeyboardInterrupt
        written.append(target)
        return real(source, values, target)

    monkeypatch.setattr(generate, "write_cached_values", write_then_interrupt)
    assert cli(["build", "--out", str(tmp_path), "--no-picture", "--no-addin", "--engine", "formulas"]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # the udf file is not new alone


def test_output_into_a_closed_pipe_ends_quietly():
    """``ceo-model simulate --json | head``: the reader has gone before the output is written."""
    command = [sys.executable, "-m", "workbook.cli", "simulate", "--paths", "20", "--days", "5", "--json"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    err = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_validate_into_a_closed_pipe_in_process(built, monkeypatch):
    class Closed:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Closed())
    assert cli(["validate", str(built["native"].path)]) == 0


def test_simulate_plot_into_a_folder_that_cannot_be_written(tmp_path, capsys, monkeypatch):
    import workbook.commands.simulate_command as simulate

    monkeypatch.setattr(simulate.os, "access", lambda *a, **k: False)  # as a read-only folder (root ignores modes)
    line = refused(capsys, "simulate", "--paths", "10", "--days", "5", "--plot", str(tmp_path))
    assert "--plot" in line and "cannot write" in line
    monkeypatch.undo()

    def cannot(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "fan_chart.png"))

    monkeypatch.setattr(simulate, "fan_chart", cannot)
    line = refused(capsys, "simulate", "--paths", "10", "--days", "5", "--plot", str(tmp_path))
    assert "--plot" in line and "Permission denied" in line


def test_a_folder_that_cannot_be_written_is_named_not_the_hidden_temporary_file(tmp_path, capsys, monkeypatch):
    import tempfile

    def denied(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", str(Path(dir) / ".CEO_Model.x1y2z3.xlsx"))

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    out = tmp_path / "read-only"
    out.mkdir()
    line = refused(capsys, "build", "--out", str(out), "--no-picture", "--no-addin", "--flavour", "native")
    assert str(out) in line and "permission denied" in line and ".CEO_Model." not in line and ".ceo_build" not in line
    line = refused(capsys, "init-terms", str(out / "deal.toml"))
    assert str(out) in line and ".deal." not in line


# 25.6 a named deal's own placements; duplicate rows; the failing checks by name


def test_init_terms_of_a_deal_then_build_uses_that_deals_placements(tmp_path, capsys):
    from model import deals

    terms = tmp_path / "d.toml"
    assert cli(["init-terms", str(terms), "--deal", "modern-atm"]) == 0
    assert "ceo-model build --terms" in capsys.readouterr().out  # not python build.py
    out = tmp_path / "out"
    code = cli(["build", "--terms", str(terms), "--out", str(out), "--flavour", "native", "--no-picture", "--no-addin"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "modern-atm deal's illustrative schedule" in captured.err
    frame = deals.DEALS["modern-atm"].PLACEMENTS
    gross = sum(round(s * p, 2) for s, p in zip(frame["Shares"], frame["Price"], strict=True))
    assert f"${gross:,.2f}" in captured.out and "$17,705,000.00" not in captured.out
    # 25.8: no warrants, no strike "(100% of VWAP)"
    strike = next(line for line in captured.out.splitlines() if "Warrant strike" in line)
    assert "of VWAP" not in strike and "no agent warrants" in strike
    book = load_workbook(out / "CEO_Model_native.xlsx", data_only=True)  # the sheet says the same
    sheet, ref = book.defined_names["OutWarrantStrike"].attr_text.split("!")
    row = int("".join(ch for ch in ref if ch.isdigit()))
    assert book[sheet.strip("'")][f"A{row}"].value == "Warrant strike (no agent warrants)"


def test_a_terms_file_whose_deal_placements_do_not_fit_builds_none_and_says_so(tmp_path):
    import model
    from model.terms import Schedule
    from workbook.commands.build_command import _placements
    from workbook.sheets.template import Deal

    small = Deal(dataclasses.replace(model.PROSPECTUS, schedule=Schedule.from_rows([[0, 1_000_000, 0.04]])))
    notes: list[str] = []
    args = argparse.Namespace(placements=None, terms=Path("small.toml"), deal=None)
    frame, illustrative = _placements(args, small, "prospectus-2001", notes)
    assert len(frame) == 0 and not illustrative
    assert "placements: none" in notes[0] and "prospectus-2001" in notes[0]


def test_exact_duplicate_placement_rows_are_refused_unless_allowed(tmp_path, capsys):
    path = tmp_path / "twice.csv"
    path.write_text("Trade date,Shares,Price\n2001-11-05,1000,4.04\n2001-11-06,500,4.10\n2001-11-05,1000,4.04\n")
    line = refused(capsys, "build", "--placements", str(path), "--out", str(tmp_path / "out"), "--no-picture")
    assert "twice.csv" in line and "row 4 repeats row 2" in line and "--allow-duplicates" in line
    assert not (tmp_path / "out").exists()
    frame = read_placements(path, allow_duplicates=True)
    assert len(frame) == 3 and frame.attrs["duplicates"] == [(2, 4)]


def test_the_summary_names_the_failing_checks(built):
    import dataclasses

    from workbook.commands.build_command import summary
    from workbook.kit.layout import CHECK

    b = built["native"]
    sheet, ref = next(
        (s, r) for s, cells in b.layout.cells.items() for r, spec in cells.items() if spec.name == "CheckPlacementRows"
    )
    assert b.layout.cells[sheet][ref].role == CHECK
    failing = dataclasses.replace(b, values={**b.values, (sheet, ref): 1})
    text = summary(failing)
    assert f"failing: 'Every placement row complete' ({sheet}!{ref})" in text
    assert "failing:" not in summary(b)


# 25.7 and 25.8: messages and outputs


def test_init_terms_refuses_a_json_name(tmp_path, capsys):
    line = refused(capsys, "init-terms", str(tmp_path / "out.json"))
    assert "out.json" in line and "TOML" in line and "*.toml" in line
    assert not (tmp_path / "out.json").exists()


def test_the_edited_workbook_refusal_names_the_command_users_type():
    from workbook.kit.fingerprint import EDITED, NO_FINGERPRINT

    for text in (EDITED, NO_FINGERPRINT):
        assert "ceo-model refresh FILE" in text and "--force" in text


def test_negative_dollars_print_as_the_sheet_shows_them(built):
    from workbook.commands.build_command import _shown, summary
    from workbook.kit.spec import Unit

    assert _shown(-24_327.94, Unit.USD) == "($24,327.94)"
    assert _shown(24_327.94, Unit.USD) == "$24,327.94"
    text = summary(built["native"])
    assert "$-" not in text
    other = next(line for line in text.splitlines() if "Other Agreement" in line and "headroom" in line)
    assert "assumed" in other  # an assumption-driven figure, labelled so (not a judged check)


def test_timeline_months_are_wide_enough_for_a_hundred_million_programme():
    from model import deals
    from workbook.kit.layout import build_layout
    from workbook.sheets.template import Deal, template

    modern = deals.DEALS["modern-atm"]
    lay = build_layout("native", template(Deal(modern.TERMS, modern.SOURCES), modern.PLACEMENTS))
    widths = lay.widths["Timeline"]
    shown = f"${modern.TERMS.schedule.maximum:,.2f}"  # "$100,000,000.00", and the format's padding
    assert min(w for c, w in widths.items() if c not in ("A", "B")) >= len(shown) + 2


def test_the_fan_chart_legend_is_off_the_band(tmp_path, monkeypatch):
    import matplotlib.figure

    import model
    from model.simulate import Simulation, simulate
    from workbook.sheets.simulation_chart import fan_chart

    figures = []
    real = matplotlib.figure.Figure.savefig

    def keep(self, *args, **kwargs):
        figures.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", keep)
    fan_chart(simulate(model.PROSPECTUS, Simulation(paths=50, days=20, seed=1)), tmp_path / "fan.png")
    (figure,) = figures
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()  # the figure is closed: give it a canvas again
    for axes in figure.axes:
        legend = axes.get_legend()
        assert not legend.get_window_extent(renderer).overlaps(axes.get_window_extent(renderer))


def test_recalc_into_a_folder_that_cannot_be_written_names_the_folder(built, tmp_path, capsys, monkeypatch):
    import tempfile

    def denied(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", str(Path(dir) / ".out.x1y2z3.xlsx"))

    import workbook.engine.engines

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    monkeypatch.setattr(
        workbook.engine.engines, "compute", lambda *args: {}
    )  # the write is the subject, not the values
    line = refused(
        capsys, "recalc", str(built["native"].path), "-o", str(tmp_path / "out.xlsx"), "--engine", "formulas"
    )
    assert str(tmp_path) in line and "permission denied" in line and ".out." not in line and "OSError" not in line
