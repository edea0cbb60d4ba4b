"""The CEO add-in loads in LibreOffice whatever the caller's PATH and VIRTUAL_ENV (issue 25.1), and a build
whose CEO_* errors come from an add-in that did not load fails instead of caching them.

LibreOffice's embedded Python finds its prefix through the first ``python3`` on PATH: with a virtualenv
activated it became that virtualenv, lost ``uno`` and loaded no Python component (every CEO_* cell
``#VALUE!``, exit 0). See :func:`workbook.engine.libreoffice.environment`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require

from workbook.engine import lo_engine

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", autouse=True)
def _engine():
    require(lo_engine.usable(), f"the LibreOffice engine cannot run: {lo_engine.unavailable_reason()}")


def activated(tmp_path: Path) -> dict[str, str]:
    """The environment ``source VENV/bin/activate`` gives: this project's virtualenv (a new one when the tests
    do not run in one) first on PATH, VIRTUAL_ENV set, PYTHONHOME unset."""
    if sys.prefix != sys.base_prefix:
        venv = Path(sys.prefix)
    else:
        venv = tmp_path / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHOME"}
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    return env


def test_a_build_with_the_virtualenv_activated_computes_every_ceo_cell(tmp_path):
    env = activated(tmp_path)
    assert (Path(env["VIRTUAL_ENV"]) / "bin" / "python3").exists()  # what LibreOffice's Python used to find
    args = ["--out", str(tmp_path / "out"), "--flavour", "udf", "--engine", "libreoffice", "--no-picture", "--no-addin"]
    run = subprocess.run(
        [sys.executable, "build.py", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert "values cached by libreoffice" in run.stdout
    figures = dict(re.findall(r"^  (\S.*?)\s{2,}(\S+)$", run.stdout, re.M))
    assert figures["Commission"] == "$669,675.00", run.stdout
    assert "#" not in run.stdout  # no #VALUE! among the figures


def test_the_engine_computes_the_add_in_with_a_virtualenv_first_on_path(tmp_path):
    probe = "from workbook.engine import lo_engine; print(*lo_engine.shared().compute(lo_engine._warm_file()).values())"
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=activated(tmp_path), timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "0.04"  # =CEO_FEE(1), not #VALUE!


@pytest.fixture
def no_addin(monkeypatch):
    """The engine as it was under an activated virtualenv: LibreOffice running without the add-in."""
    engine = lo_engine.shared(with_addin=False)
    monkeypatch.setattr(lo_engine, "shared", lambda with_addin=True: engine)
    return engine


def test_a_build_whose_ceo_errors_no_input_explains_fails_in_one_line(no_addin, tmp_path, capsys):
    from workbook.commands.build_command import main

    out = tmp_path / "out"
    code = main(["--out", str(out), "--flavour", "udf", "--engine", "libreoffice", "--no-picture", "--no-addin"])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert "did not load the CEO add-in" in err and "nothing written" in err
    assert not (out / "CEO_Model.xlsx").exists()


def test_the_native_flavour_builds_without_the_add_in(no_addin, tmp_path, capsys):
    from workbook.commands.build_command import main

    args = ["--out", str(tmp_path), "--flavour", "native", "--engine", "libreoffice", "--no-picture", "--no-addin"]
    assert main(args) == 0, capsys.readouterr().err


def test_recalc_refuses_to_cache_errors_of_an_add_in_that_did_not_load(no_addin, tmp_path, capsys):
    from workbook.__main__ import main

    target = tmp_path / "recalculated.xlsx"
    code = main(["recalc", str(lo_engine._warm_file()), "-o", str(target), "--engine", "libreoffice"])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "did not load the CEO add-in" in err, err
    assert not target.exists()


def test_libreoffice_starts_with_its_own_python_first_on_path(monkeypatch):
    from workbook.engine import libreoffice

    monkeypatch.setenv("PATH", os.pathsep.join(["/work/project/.venv/bin", "/usr/local/bin", "/usr/bin", "/bin"]))
    monkeypatch.setenv("VIRTUAL_ENV", "/work/project/.venv")
    monkeypatch.setenv("PYTHONHOME", "/work/project/.venv")
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    env = libreoffice.environment(home="/tmp/profile", python="/usr/bin/python3")
    assert env["PATH"].split(os.pathsep) == ["/usr/bin", "/work/project/.venv/bin", "/usr/local/bin", "/bin"]
    assert not {"VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH"} & set(env)
    assert env["HOME"] == "/tmp/profile"
