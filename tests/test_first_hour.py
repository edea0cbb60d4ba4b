"""What a new user hits in the first hour with the ``ceo-model`` command (the trial's findings), one test each.

Every test runs the command as a user types it and checks the exit code, that the
message is one line naming what is wrong, and that no file was lost or written. The commands
run in this process (``helpers.run_cli``: the same ``main`` the installed command calls, with
the session's LibreOffice); the named-deal build runs ``build.py`` as a process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args)


def one_line(done: subprocess.CompletedProcess) -> str:
    """The refusal: exit 2, one line on stderr, no traceback, no usage block."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and "usage:" not in done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def native(tmp_path_factory) -> Path:
    """One native build of the prospectus (no picture, no add-in)."""
    out = tmp_path_factory.mktemp("built")
    done = run("build", "--out", str(out), "--flavour", "native", "--no-picture", "--no-addin")
    assert done.returncode == 0, done.stderr
    return out / "CEO_Model_native.xlsx"


# 1. recalc -o never replaces a user's file


def test_recalc_output_refuses_a_file_not_written_by_ceo_model(native, tmp_path):
    mine = tmp_path / "budget.xlsx"
    mine.write_bytes(b"my own numbers")
    line = one_line(run("recalc", str(native), "-o", str(mine)))
    assert "budget.xlsx" in line and "--force" in line
    assert mine.read_bytes() == b"my own numbers"


def test_recalc_output_refuses_a_folder(native, tmp_path):
    line = one_line(run("recalc", str(native), "-o", str(tmp_path)))
    assert "folder" in line
    assert list(tmp_path.iterdir()) == []


def test_recalc_output_replaces_an_unedited_ceo_workbook_and_force_replaces_anything(native, tmp_path):
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(native.read_bytes())
    done = run("recalc", str(native), "-o", str(copy))
    assert done.returncode == 0, done.stderr
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"x")
    done = run("recalc", str(native), "-o", str(mine), "--force")
    assert done.returncode == 0, done.stderr
    assert mine.read_bytes()[:2] == b"PK"


# 2. build --simulate, then a rebuild over it


def test_build_with_simulation_then_rebuild_over_it(tmp_path):
    args = ("build", "--out", str(tmp_path), "--flavour", "native", "--no-picture", "--no-addin")
    done = run(*args, "--simulate", "200")
    assert done.returncode == 0, done.stderr
    again = run(*args)  # the Simulation sheet is the builder's own: not an edit
    assert again.returncode == 0, again.stderr


# 9. simulate --paths is bounded


def test_simulate_refuses_an_unbounded_number_of_paths():
    line = one_line(run("simulate", "--paths", "1000000000000"))
    assert "--paths" in line and "100,000,000" in line


def test_refresh_of_a_workbook_that_is_not_a_model_is_refused(tmp_path):
    """A spreadsheet with none of the model's inputs is refused in one line; no default model is written for it."""
    from openpyxl import Workbook

    other = tmp_path / "budget.xlsx"
    book = Workbook()
    book.active["A1"] = "Budget 2027"
    book.save(other)
    done = run("refresh", str(other), "-o", str(tmp_path / "out.xlsx"))
    assert done.returncode == 2, done.stderr
    assert "budget.xlsx is not a CEO Model workbook" in one_line(done)
    assert not (tmp_path / "out.xlsx").exists()


def test_build_with_a_named_deal_builds_that_deal(tmp_path):
    """``--deal modern-atm`` builds the modern programme's terms, not the prospectus's (it used to be ignored)."""
    from openpyxl import load_workbook

    from model import deals

    done = subprocess.run(
        [
            sys.executable,
            "build.py",
            "--deal",
            "modern-atm",
            "--out",
            str(tmp_path),
            "--flavour",
            "native",
            "--no-addin",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    book = load_workbook(tmp_path / "CEO_Model_native.xlsx", data_only=True)  # the value the engine cached
    sheet, ref = book.defined_names["ProgrammeMaximum"].attr_text.split("!")
    expected = deals.DEALS["modern-atm"].TERMS.schedule.maximum
    assert book[sheet.strip("'")][ref.replace("$", "")].value == expected
    assert expected != deals.DEALS["prospectus-2001"].TERMS.schedule.maximum
    refused = run("build", "--deal", "modern-atm", "--terms", "deal.toml")
    assert refused.returncode == 2 and "--deal" in refused.stderr
