"""The installed ``ceo-model`` command: every sub-command reaches its implementation; nothing called ``build``
is installed into site-packages (it would shadow PyPA's ``build``)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbook.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_packaging_installs_ceo_model_and_no_build_module():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["ceo-model"] == "workbook.cli:main"
    setuptools = project["tool"]["setuptools"]
    assert "py-modules" not in setuptools
    assert "model.deals" in setuptools["packages"]  # a sub-package is not found by the list otherwise
    assert (Path(sys.executable).parent / "ceo-model").exists(), "make's install puts the command beside python"


def test_help_names_what_users_type():
    done = run("--help")
    assert done.returncode == 0
    for command in ("build", "init-terms", "validate", "recalc", "refresh", "simulate"):
        assert f"ceo-model {command}" in done.stdout


@pytest.mark.parametrize(
    ("args", "words"), [((), "usage"), (("frobnicate",), "unknown command"), (("refresh",), "FILE")]
)
def test_bad_invocations_exit_2(args, words):
    done = run(*args)
    assert done.returncode == 2
    assert words in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_init_terms_build_validate_refresh(tmp_path):
    terms = tmp_path / "deal.toml"
    assert run("init-terms", str(terms), "--deal", "modern-atm").returncode == 0
    out = tmp_path / "out"
    built = run("build", "--terms", str(terms), "--out", str(out), "--flavour", "native", "--no-picture", "--no-addin")
    assert built.returncode == 0, built.stderr
    assert "Checks failing (0 = all pass)" in built.stdout
    workbook = out / "CEO_Model_native.xlsx"
    assert run("validate", str(workbook)).returncode == 0
    refreshed = run("refresh", str(workbook), "-o", str(tmp_path / "new.xlsx"))
    assert refreshed.returncode == 0, refreshed.stderr
    bad = run("build", "--terms", str(tmp_path / "missing.toml"), "--out", str(out))
    assert bad.returncode == 2 and bad.stderr.startswith("ceo-model build: missing.toml")


def test_build_py_is_the_same_command(tmp_path):
    done = subprocess.run(
        [sys.executable, "build.py", "--init-terms", str(tmp_path / "d.toml")], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0 and (tmp_path / "d.toml").exists()
