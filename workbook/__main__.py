"""``python -m workbook recalc IN [IN ...] [-o OUT] [--engine libreoffice|formulas]`` and ``python -m workbook validate FILE [--json] [--recalc]``.

Exit codes: 0 success (validate: no errors), 1 validate found errors,
2 the file cannot be read or written.

Files may come from anywhere: before any parsing, :func:`workbook.kit.safety.check_package`
refuses non-workbooks, zip bombs, DTDs (entity expansion, external entities),
oversized sheets and over-long formulas; the stdlib XML parsers are defused;
a run is stopped after ``CEO_WORKBOOK_TIMEOUT`` seconds (default 300) by
ending the process (the engine swallows exceptions raised inside it, so a
timeout cannot be an exception); the target of recalc is replaced atomically,
so it is never left half-written.
Macros are never run: recalc keeps them as they are and warns; validate
reports them (A008). recalc refuses workbooks linked to other workbooks,
since evaluating them would open those files.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

DEFAULT_TIMEOUT = 300


def _harden() -> None:
    """Defused XML everywhere (openpyxl honours defusedxml; the stdlib parsers are patched too)."""
    os.environ["OPENPYXL_DEFUSEDXML"] = "True"
    import defusedxml

    defusedxml.defuse_stdlib()


def _recalc(args: argparse.Namespace) -> int:
    """Each IN in turn, by one engine (one LibreOffice for all of them); the exit code is the worst of theirs."""
    sources = [Path(name) for name in args.input]
    if len(sources) == 1:
        targets = [Path(args.output) if args.output else sources[0]]
    else:
        folder = Path(args.output) if args.output else None
        if folder is not None and not folder.is_dir():
            print(
                f"{args.prog}: -o {folder}: with several workbooks, -o names a folder to write them into",
                file=sys.stderr,
            )
            return 2
        names = [s.name for s in sources]
        twice = sorted({n for n in names if names.count(n) > 1})
        if folder is not None and twice:
            print(f"{args.prog}: -o {folder}: two workbooks would be written as {twice[0]}", file=sys.stderr)
            return 2
        targets = [folder / s.name if folder is not None else s for s in sources]
    return max(_recalc_one(source, target, args) for source, target in zip(sources, targets, strict=True))


def _recalc_one(source: Path, target: Path, args: argparse.Namespace) -> int:
    from workbook.kit.files import RefusedOverwrite, check_lock, check_overwrite
    from workbook.kit.safety import UnreadableWorkbook, check_package

    try:
        if source.is_dir():
            raise UnreadableWorkbook(f"{source}: is a folder, not a workbook; name the .xlsx file in it")
        if target.is_dir():
            raise RefusedOverwrite(
                f"-o {target}: is a folder; name the workbook to write, e.g. -o {target / source.name}"
            )
        package = check_package(source)  # before the engine is even imported: hostile files fail fast
        if not (target.exists() and source.exists() and target.samefile(source)):  # in place is recalc's default
            check_overwrite(target, args.force)
        else:
            check_lock(target, args.force)  # open in LibreOffice: its next save would overwrite ours
        from workbook.engine.engines import prestart

        prestart(args.engine)  # LibreOffice starts (once) while the rest is imported
        from workbook.engine.engines import EngineChoiceError, choose, compute
        from workbook.engine.recalc import write_cached_values
        from workbook.kit.files import atomic_target

        try:
            engine = choose(args.engine)
        except EngineChoiceError as exc:
            print(f"{args.prog}: {exc}", file=sys.stderr)
            return 2

        if package.has_macros:
            print(
                f"{args.prog}: warning: {source.name} contains macros or active content ({', '.join(package.macros[:3])}); "
                "they are not run and are kept unchanged",
                file=sys.stderr,
            )
        values = compute(source, engine)
        try:
            with atomic_target(target) as tmp:
                written = write_cached_values(source, values, tmp)
        except OSError as exc:  # a folder that cannot be written: named as such (atomic_target's message)
            raise RefusedOverwrite(f"{exc}") from None
    except (UnreadableWorkbook, RefusedOverwrite) as exc:
        print(f"{args.prog}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if type(exc).__name__ == "AddinNotLoaded":  # the engine's failure, not the file's: nothing is cached
            print(f"{args.prog}: {exc}; {target.name} left as it was", file=sys.stderr)
            return 1
        print(f"{args.prog}: cannot recalculate {source.name}: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
        return 2
    errors = sum(1 for v in values.values() if type(v).__name__ == "ExcelErrorValue")
    print(
        f"{args.prog}: {written} formula values cached in {target} by {engine}"
        + (f" ({errors} error values)" if errors else "")
    )
    return 0


def _validate(args: argparse.Namespace) -> int:
    from workbook.kit.safety import UnreadableWorkbook, check_package

    try:
        check_package(Path(args.file), allow_external_links=True)  # fail fast, before the heavy imports
    except UnreadableWorkbook as exc:
        print(f"{args.prog}: {exc}", file=sys.stderr)
        return 2
    from workbook.validate import main as validate_main

    if args.engine and not args.recalc:
        print(f"{args.prog}: --engine chooses the engine of --recalc; add --recalc", file=sys.stderr)
        return 2
    if args.recalc:
        from workbook.engine.engines import prestart

        prestart(args.engine)  # LibreOffice starts while the workbook is read and checked
    return validate_main(Path(args.file), as_json=args.json, recalc=args.recalc, engine=args.engine)


DEFAULT_PROG = "python -m workbook"


def _engine_argument(parser: argparse.ArgumentParser, when: str) -> None:
    from workbook.engine.engines import ENGINES

    parser.add_argument(
        "--engine",
        choices=ENGINES,
        help=f"{when}default LibreOffice (>= 24.8, with the CEO_* add-in) when installed, else the formulas package",
    )


def main(argv: list[str] | None = None, prog: str = DEFAULT_PROG) -> int:
    from workbook.commands.argparsing import Parser

    parser = Parser(prog=prog, description="Recalculate or validate a CEO model workbook.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    recalc = commands.add_parser(
        "recalc",
        help="evaluate every formula and store the values as cached values",
        description="Evaluate every formula of IN and store the values as its cached values (in place, or into OUT).",
        examples=(
            f"{prog} recalc dist/CEO_Model_native.xlsx",
            f"{prog} recalc edited.xlsx -o recalculated.xlsx --engine formulas",
            f"{prog} recalc deals/*.xlsx -o recalculated/   # one LibreOffice for all of them",
        ),
    )
    recalc.add_argument("input", metavar="IN", nargs="+", help="the workbook(s) to recalculate, by one engine")
    recalc.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write here instead of updating IN in place (with several IN: a folder, each keeping its name)",
    )
    recalc.add_argument(
        "--force",
        action="store_true",
        help="replace OUT even if it is not a workbook CEO Model wrote, was edited, or is open in LibreOffice",
    )
    _engine_argument(recalc, "")
    recalc.set_defaults(run=_recalc)
    validate = commands.add_parser(
        "validate",
        help="check a workbook against the template and model-audit rules",
        description="Check a workbook against the template and the model-audit rules; exit 1 when it has errors.",
        examples=(
            f"{prog} validate dist/CEO_Model.xlsx",
            f"{prog} validate edited.xlsx --recalc --json > findings.json",
        ),
    )
    validate.add_argument("file", metavar="FILE", help="the workbook to check")
    validate.add_argument("--json", action="store_true", help="machine-readable findings")
    validate.add_argument(
        "--recalc",
        action="store_true",
        help="also recalculate and report failing checks (with the formulas engine: minutes on a large workbook)",
    )
    _engine_argument(validate, "with --recalc: ")
    validate.set_defaults(run=_validate)
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the sub-command's parser, so that the message names it: "ceo-model validate: …"
        commands.choices[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    args.prog = f"{prog} {args.command}" if prog != DEFAULT_PROG else args.command  # messages: "ceo-model recalc: …"
    _harden()
    timeout = int(os.environ.get("CEO_WORKBOOK_TIMEOUT", DEFAULT_TIMEOUT))
    if timeout > 0 and args.command == "recalc":
        timeout *= len(args.input)  # the limit is per workbook
    if timeout > 0 and hasattr(signal, "SIGALRM"):

        def stop(_signum, _frame):
            os.write(2, f"{args.prog}: gave up after {timeout} s (CEO_WORKBOOK_TIMEOUT)\n".encode())
            os._exit(2)

        signal.signal(signal.SIGALRM, stop)
        signal.alarm(timeout)
    try:
        return args.run(args)
    except MemoryError:
        print(f"{args.prog}: ran out of memory reading the file", file=sys.stderr)
        return 2
    finally:
        if timeout > 0 and hasattr(signal, "SIGALRM"):
            signal.alarm(0)


if __name__ == "__main__":
    raise SystemExit(main())
