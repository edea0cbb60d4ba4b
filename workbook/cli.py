"""``ceo-model``: the one installed command.

ceo-model build [--terms FILE] [--placements FILE] [--out DIR] …   write the model workbooks (= python build.py)
ceo-model init-terms FILE [--deal NAME] [--force]                 write a deal's terms as an editable TOML file
ceo-model validate FILE [--json] [--recalc]                       check a workbook against the template and audit rules
ceo-model recalc IN [-o OUT] [--engine libreoffice|formulas]      compute every formula and store the values
ceo-model refresh OLD [-o NEW] [--terms FILE] [--placements FILE] rebuild OLD with the current template
ceo-model simulate [--terms FILE] [--paths N] …                   Monte Carlo of the programme
ceo-model plan --shares X --days T --risk-aversion L …            Almgren-Chriss execution plan: how fast to sell
"""

from __future__ import annotations

import sys

USAGE = __doc__.split("\n\n", 1)[1].strip()
COMMANDS = ("build", "init-terms", "validate", "recalc", "refresh", "simulate", "plan")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(f"usage:\n{USAGE}\n\n'ceo-model COMMAND --help' tells more.")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"ceo-model: unknown command {command!r}; one of {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    if command in ("build", "init-terms", "refresh"):
        from workbook.build_command import main as build

        if command == "build":
            return build(rest, prog="ceo-model build")
        if not rest or rest[0].startswith("-"):
            print(f"ceo-model {command}: give the file first: ceo-model {command} FILE …", file=sys.stderr)
            return 2
        flag = "--init-terms" if command == "init-terms" else "--refresh"
        return build([flag, *rest], prog=f"ceo-model {command}")
    if command == "simulate":
        from model.simulate import main as simulate

        return simulate(rest)
    if command == "plan":
        from workbook.plan_command import main as plan

        return plan(rest)
    from workbook.__main__ import main as workbook

    return workbook([command, *rest])


if __name__ == "__main__":
    raise SystemExit(main())
