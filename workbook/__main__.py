"""``python -m workbook recalc IN [-o OUT]`` and ``python -m workbook validate FILE [--json] [--recalc]``.

Exit codes: 0 success (validate: no errors), 1 validate found errors,
2 the file cannot be read or written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _recalc(args: argparse.Namespace) -> int:
    from workbook.files import atomic_target
    from workbook.recalc import compute, write_cached_values
    from workbook.safety import UnreadableWorkbook, check_package

    source = Path(args.input)
    target = Path(args.output) if args.output else source
    try:
        check_package(source)
        values = compute(source)
        with atomic_target(target) as tmp:
            written = write_cached_values(source, values, tmp)
    except UnreadableWorkbook as exc:
        print(f"recalc: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"recalc: cannot recalculate {source.name}: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
        return 2
    errors = sum(1 for v in values.values() if type(v).__name__ == "ExcelErrorValue")
    print(f"recalc: {written} formula values cached in {target}" + (f" ({errors} error values)" if errors else ""))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from workbook.validate import main as validate_main

    return validate_main(Path(args.file), as_json=args.json, recalc=args.recalc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook", description="Recalculate or validate a CEO model workbook.")
    commands = parser.add_subparsers(dest="command", required=True)
    recalc = commands.add_parser("recalc", help="evaluate every formula and store the values as cached values")
    recalc.add_argument("input")
    recalc.add_argument("-o", "--output", help="write here instead of updating INPUT in place")
    recalc.set_defaults(run=_recalc)
    validate = commands.add_parser("validate", help="check a workbook against the template and model-audit rules")
    validate.add_argument("file")
    validate.add_argument("--json", action="store_true", help="machine-readable findings")
    validate.add_argument("--recalc", action="store_true", help="also recalculate and report failing checks")
    validate.set_defaults(run=_validate)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
