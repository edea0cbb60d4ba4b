"""Shared test plumbing.

A test that needs something outside pip (LibreOffice, an xlwings licence key)
calls :func:`require`: locally it skips with the reason; in CI
(``CEO_MODEL_REQUIRE_ALL=1``, set by ``.ci/run``) it fails instead.
"""

from __future__ import annotations

import os

import pytest

REQUIRE_ALL = os.environ.get("CEO_MODEL_REQUIRE_ALL") == "1"


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
