"""Run the CEO_* functions under xlwings' custom-functions runtime (a helper, not a test).

Used by ``tests/test_xlwings_runtime.py`` in a subprocess of its own, because
xlwings decides at import time whether ``xw.func`` & co. are the server
decorators (``XLWINGS_ON_SERVER=true``) or, on Linux, no-ops; and its server
part checks the licence key (``XLWINGS_LICENSE_KEY``) at import. Both must be
in the environment before this script starts.

Reads a JSON request from stdin::

    {"module": "udfs",
     "calls": [{"id": "fee", "func_name": "ceo_fee", "args": [[[25000000]]], "runtime": "1.4"}, ...]}

and writes one JSON object to stdout::

    {"xlwings": {"version": ..., "pro": ...},
     "meta": <custom_functions_meta(module)>,
     "results": {"fee": {"value": [[900000.0]], "log": [...]}, "bad": {"raised": {...}, "log": [...]}}}

Each call is what xlwings-server receives from Office.js: the Python name of
the function, one 2-D list (or null) per argument, the client's xlwings
version and the custom-functions runtime version. A raised exception is
reported, not propagated: xlwings-server turns it into ``#VALUE!`` with the
message as the cell's hover text.

Importing this module does nothing (pytest imports it to collect doctests).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys

REQUIRED_ENV = ("XLWINGS_ON_SERVER", "XLWINGS_LICENSE_KEY")


class _Collect(logging.Handler):
    """Keeps the formatted log records of the current call."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.levelname} {record.name}: {record.getMessage()}")


def _jsonable(value):
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def run(request: dict) -> dict:
    import asyncio
    import importlib

    import xlwings as xw
    from xlwings.server import custom_functions_call, custom_functions_meta

    module = importlib.import_module(request.get("module", "udfs"))
    from udfs import excel_error_code

    collect = _Collect()
    logger = logging.getLogger("ceo_model")
    logger.addHandler(collect)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    results = {}
    for call in request["calls"]:
        data = {
            "func_name": call["func_name"],
            "args": call["args"],
            "caller_address": call.get("caller_address", "[CEO_Model.xlsx]Calculations!B2"),
            "version": xw.__version__,
            "client": "Office.js",
            "runtime": call.get("runtime", "1.4"),
        }
        collect.records = []
        try:
            outcome = {"value": asyncio.run(custom_functions_call(data, module))}
        except Exception as exc:
            outcome = {
                "raised": {
                    "type": type(exc).__name__,
                    "is_value_error": isinstance(exc, ValueError),
                    "excel_error": excel_error_code(exc),
                    "message": str(exc),
                }
            }
        outcome["log"] = collect.records
        results[call["id"]] = outcome

    return {
        "xlwings": {"version": xw.__version__, "pro": bool(getattr(xw, "__pro__", False))},
        "meta": custom_functions_meta(module),
        "results": results,
    }


def main() -> int:
    missing = [name for name in REQUIRED_ENV if not os.environ.get(name)]
    if missing or os.environ["XLWINGS_ON_SERVER"].lower() != "true":
        print(
            f"set XLWINGS_ON_SERVER=true and XLWINGS_LICENSE_KEY before starting (missing: {missing})", file=sys.stderr
        )
        return 2
    request = json.load(sys.stdin)
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the JSON answer only
        answer = run(request)
    json.dump(answer, out, default=_jsonable)
    out.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
