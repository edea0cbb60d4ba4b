"""``ceo-model``: the one installed command.

ceo-model build [--terms FILE] [--placements FILE] [--out DIR] …   write the model workbooks (= python build.py)
ceo-model init-terms FILE [--deal NAME] [--force]                 write a deal's terms as an editable TOML file
ceo-model validate FILE [--json] [--recalc [--engine E]]          check a workbook against the template and audit rules
ceo-model recalc IN [IN …] [-o OUT] [--engine E]                 compute every formula and store the values
ceo-model refresh OLD [-o NEW] [--terms FILE] [--placements FILE] rebuild OLD with the current template
ceo-model simulate [--terms FILE] [--paths N] …                   Monte Carlo of the programme
ceo-model plan --shares X --days T --risk-aversion L …            Almgren-Chriss execution plan: how fast to sell
ceo-model capacity FILE [--placements P] [--date D] [--json]       what may be sold on a date, and what binds
ceo-model reconcile FILE CONFIRMS --placements P [--json]          the agents' confirmations against the ledger
ceo-model report FILE --quarterly --placements P [--json]          the quarterly disclosure table

Every command's errors are one line on stderr with exit 2; Ctrl-C ends a command with one line and exit 130
(temporary files removed, no half-written file); output piped into ``head`` ends quietly.
"""

from __future__ import annotations

import contextlib
import os
import sys

USAGE = __doc__.split("\n\n", 1)[1].split("\n\n", 1)[0].strip()
COMMANDS = (
    "build",
    "init-terms",
    "validate",
    "recalc",
    "refresh",
    "simulate",
    "plan",
    *(
        DESK := {
            "capacity": "workbook.commands.capacity_command",
            "reconcile": "workbook.commands.reconcile_command",
            "report": "workbook.commands.report_command",
        }
    ),
)
INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command ended by Ctrl-C


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(f"usage:\n{USAGE}\n\n'ceo-model COMMAND --help' tells more, with examples.")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"ceo-model: unknown command {command!r}; one of {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    prog = f"ceo-model {command}"
    try:
        return _run(command, rest, prog)
    except SystemExit as exc:  # argparse (--help, a bad argument): its code, in-process callers get it returned
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted (no file is left half-written; temporary files are removed)", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # `ceo-model validate F | head`: the reader has gone; nothing more to say
        _quiet_stdout()
        return 0


def _run(command: str, rest: list[str], prog: str) -> int:
    if command in ("build", "init-terms", "refresh"):
        from workbook.commands import build_command

        if command == "build":
            return build_command.main(rest, prog=prog)
        if not rest:
            print(f"{prog}: give the file first: {prog} FILE … (see {prog} --help)", file=sys.stderr)
            return 2
        if command == "refresh":
            return build_command.refresh_main(rest, prog=prog)
        return build_command.init_terms_main(rest, prog=prog)
    if command == "simulate":
        from workbook.commands.simulate_command import main as simulate

        return simulate(rest, prog=prog)
    if command in DESK:
        import importlib

        return importlib.import_module(DESK[command]).main(rest, prog=prog)
    if command == "plan":
        from workbook.commands.plan_command import main as plan

        return plan(rest)
    from workbook.__main__ import main as workbook

    return workbook([command, *rest], prog="ceo-model")


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit cannot raise again (a closed pipe)."""
    with contextlib.suppress(BrokenPipeError, ValueError, OSError):
        sys.stdout.flush()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (in-process callers, tests): nothing to flush later


if __name__ == "__main__":
    raise SystemExit(main())
