"""Shared test plumbing.

A test that needs something outside pip (LibreOffice, an xlwings licence key)
calls :func:`require`: locally it skips with the reason; in CI
(``CEO_MODEL_REQUIRE_ALL=1``, set by ``.ci/run``) it fails instead.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

REQUIRE_ALL = os.environ.get("CEO_MODEL_REQUIRE_ALL") == "1"

# Hypothesis profiles: "ci" (the default under CEO_MODEL_REQUIRE_ALL, as .ci/run sets it) draws the same examples
# every run (derandomised: the seed comes from the test's name, so a failure in CI fails the same way on a laptop,
# and hypothesis prints the @reproduce_failure blob); "dev" draws new ones each run. HYPOTHESIS_PROFILE picks one.
# A property that builds workbooks sets its own small max_examples; cheap ones take the profile's count, scaled
# by EXAMPLE_SCALE (CEO_HYPOTHESIS_SCALE overrides) where a test file chooses its counts itself.
# Both built on hypothesis's own defaults, not on whatever profile is loaded: test files import this module again
# (``from conftest import require``), and a profile registered then would inherit the loaded one.
_COMMON = {
    "parent": settings.get_profile("default"),
    "print_blob": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
# ci: twice hypothesis's default count for the cheap properties that take the profile's count
settings.register_profile("ci", derandomize=True, max_examples=200, **_COMMON)
settings.register_profile("dev", derandomize=False, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if REQUIRE_ALL else "dev")
settings.load_profile(PROFILE)
EXAMPLE_SCALE = float(os.environ.get("CEO_HYPOTHESIS_SCALE") or (2 if PROFILE == "ci" else 1))


def pytest_report_header(config):
    return f"hypothesis profile: {PROFILE} (example scale {EXAMPLE_SCALE:g})"


def require(available: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when ``available`` is false."""
    if available:
        return
    if REQUIRE_ALL:
        pytest.fail(f"required in CI but missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Both flavours built once with the prospectus defaults: {"udf": Built, "native": Built}."""
    from workbook.generate import build

    out = tmp_path_factory.mktemp("dist")
    return {flavour: build(out, flavour) for flavour in ("udf", "native")}


@pytest.fixture(scope="session")
def modern(tmp_path_factory):
    """The modern programme example (``examples/modern-atm*``) built once for the session, both flavours, as a user
    builds it from its terms and placements files: ``{"udf": path, "native": path}``. Read it, never write it."""
    from pathlib import Path

    import build as build_cli

    examples = Path(__file__).resolve().parent.parent / "examples"
    out = tmp_path_factory.mktemp("modern")
    argv = ["--terms", str(examples / "modern-atm.toml"), "--placements", str(examples / "modern-atm-placements.csv")]
    assert build_cli.main([*argv, "--out", str(out), "--no-picture"]) == 0
    return {"udf": out / "CEO_Model.xlsx", "native": out / "CEO_Model_native.xlsx"}


def defined_names(path) -> dict[str, str]:
    """``{name: "Sheet!$A$1"}`` of a workbook's defined names."""
    from openpyxl import load_workbook

    return {n: d.attr_text for n, d in load_workbook(path).defined_names.items()}
