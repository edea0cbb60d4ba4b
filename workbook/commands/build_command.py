"""``ceo-model build``, ``init-terms`` and ``refresh`` (and ``python build.py``): write the CEO model workbooks to
dist/ and print the key figures.

python build.py [--out DIR] [--flavour udf|native|both] [--placements FILE [--date-format FMT] [--allow-duplicates]]
                [--terms FILE | --deal NAME] [--force] [--simulate [PATHS]] [--plan] [--engine libreoffice|formulas]
                [--no-addin]
python build.py --init-terms deal.toml [--deal prospectus-2001|modern-atm] [--force]   (= ceo-model init-terms)
python build.py --refresh OLD.xlsx [-o NEW.xlsx | --out DIR] [--flavour udf|native] [--force]   (= ceo-model refresh)

--refresh rebuilds OLD with the current template, carrying every input (see
workbook/commands/refresh.py); exit 0 when everything was carried, 1 when something
could not be mapped (NEW is still written; the report says what and why),
2 when OLD cannot be read or NEW may not be written.

Errors are one line with exit 2; the two workbooks of a build are replaced together or not at all; a target open
in LibreOffice (its lock file beside it) is refused unless --force.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from openpyxl.utils.datetime import from_excel

import model
from model import deals
from model.errors import CEOModelError
from workbook.commands.argparsing import Parser
from workbook.engine.engines import EngineChoiceError, choose, prestart
from workbook.engine.lo_engine import AddinNotLoaded
from workbook.generate import FILE_NAMES, build_flavours, named_values
from workbook.kit import labels
from workbook.kit.files import RefusedOverwrite, atomic_target, check_overwrite, replace_together
from workbook.kit.spec import Unit
from workbook.reading.placements_file import read_placements
from workbook.sheets.template import OUTPUTS, Deal, template

BUILD_EXAMPLES = (
    "ceo-model build                                  # the prospectus, both flavours, into dist/",
    "ceo-model build --deal modern-atm --out atm      # a named deal with its illustrative placements",
    "ceo-model build --terms deal.toml --placements placements.csv --date-format %d/%m/%Y",
)
INIT_EXAMPLES = (
    "ceo-model init-terms deal.toml --deal modern-atm  # then edit deal.toml",
    "ceo-model build --terms deal.toml",
)
REFRESH_EXAMPLES = (
    "ceo-model refresh dist/CEO_Model.xlsx                   # writes dist/CEO_Model_refreshed.xlsx",
    "ceo-model refresh old.xlsx -o new.xlsx --placements placements.csv",
    "ceo-model refresh old.xlsx --out refreshed/              # refreshed/old_refreshed.xlsx",
)


def _common(parser: argparse.ArgumentParser, *, refresh: bool) -> None:
    """The options ``build`` and ``refresh`` share."""
    parser.add_argument(
        "--placements",
        type=Path,
        metavar="FILE",
        help=".csv or .xlsx with columns Trade date, Shares, Price (default: the deal's illustrative schedule)"
        if not refresh
        else "replace OLD's placements with this .csv or .xlsx (columns Trade date, Shares, Price)",
    )
    parser.add_argument(
        "--date-format",
        metavar="FMT",
        help="how the placements file writes its text dates, e.g. %%d/%%m/%%Y (needed only when it cannot tell day "
        "from month; ISO dates, yyyymmdd and Excel serials are always read)",
    )
    parser.add_argument(
        "--allow-duplicates",
        action="store_true",
        help="accept placement rows that repeat another row exactly (refused by default: a row entered twice "
        "counts twice)",
    )
    parser.add_argument(
        "--allow-non-trading-days",
        action="store_true",
        help="accept placements on a weekend, an exchange holiday or before the document date (refused by default)",
    )
    parser.add_argument(
        "--terms",
        type=Path,
        metavar="FILE",
        help="deal terms file, TOML or JSON (write one with ceo-model init-terms)"
        + ("; default: the prospectus" if not refresh else "; default: OLD's own terms"),
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace existing files even if not built by CEO Model, edited since, or open in LibreOffice",
    )


def _build_parser(prog: str) -> argparse.ArgumentParser:
    parser = Parser(
        prog=prog,
        description="Write the CEO model workbooks and print the key figures.",
        examples=BUILD_EXAMPLES,
    )
    parser.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: dist)")
    parser.add_argument("--flavour", choices=("udf", "native", "both"), default="both")
    _common(parser, refresh=False)
    parser.add_argument(
        "--init-terms", type=Path, metavar="FILE", help="write a named deal's terms as an editable TOML file"
    )
    parser.add_argument(
        "--deal",
        choices=tuple(deals.DEALS),
        help=f"a named deal to build, or to write with --init-terms (default {deals.DEFAULT})",
    )
    parser.add_argument("--no-picture", action="store_true", help="skip rendering Outputs and Timeline to PNG")
    parser.add_argument(
        "--simulate",
        type=int,
        nargs="?",
        const=10_000,
        metavar="PATHS",
        help="add a Simulation sheet (Monte Carlo summary and fan chart; default 10,000 paths × 252 days)",
    )
    parser.add_argument(
        "--plan",
        action="store_true",
        help="add a Plan sheet: an illustrative Almgren-Chriss execution plan and its trajectory chart",
    )
    parser.add_argument(
        "--engine",
        choices=("libreoffice", "formulas"),
        help="engine computing the cached values (default: LibreOffice >= 24.8 when installed, else formulas)",
    )
    parser.add_argument("--no-addin", action="store_true", help="skip writing the LibreOffice add-in CEO_Model.oxt")
    parser.add_argument("--refresh", type=Path, metavar="OLD", help="rebuild OLD with the current template")
    parser.add_argument("-o", "--output", type=Path, metavar="NEW", help="with --refresh: where to write")
    return parser


def main(argv: list[str] | None = None, prog: str = "build.py") -> int:
    parser = _build_parser(prog)
    args = parser.parse_args(argv)
    args.prog = prog
    if args.deal and (args.refresh or args.terms):
        parser.error("--deal names the terms to build; it does not go with --terms or --refresh")
    if args.refresh:
        args.prog = f"{prog} --refresh"
        args.old = args.refresh
        return _refresh(args, parser)
    if args.init_terms:
        return _init_terms(args)
    if args.output:
        parser.error("-o/--output goes with --refresh; use --out DIR for a build")
    if args.date_format and not args.placements:
        parser.error("--date-format goes with --placements")
    return _build(args)


def refresh_main(argv: list[str] | None = None, prog: str = "ceo-model refresh") -> int:
    """``ceo-model refresh OLD [-o NEW | --out DIR] …``."""
    parser = Parser(
        prog=prog,
        description="Rebuild OLD with the current template, carrying every input. OLD is only read. "
        "Exit 0 when everything was carried, 1 when something could not be (NEW is still written; the report says "
        "what and why), 2 when OLD cannot be read or NEW may not be written.",
        examples=REFRESH_EXAMPLES,
    )
    parser.add_argument("old", type=Path, metavar="OLD", help="the workbook to refresh")
    parser.add_argument("-o", "--output", type=Path, metavar="NEW", help="where to write (default: OLD_refreshed.xlsx)")
    parser.add_argument("--out", type=Path, metavar="DIR", help="write OLD_refreshed.xlsx into this folder instead")
    parser.add_argument("--flavour", choices=("udf", "native"), help="default: OLD's own")
    _common(parser, refresh=True)
    args = parser.parse_args(argv)
    args.prog = prog
    return _refresh(args, parser)


def init_terms_main(argv: list[str] | None = None, prog: str = "ceo-model init-terms") -> int:
    """``ceo-model init-terms FILE [--deal NAME] [--force]``."""
    parser = Parser(
        prog=prog,
        description="Write a named deal's terms as an editable, commented TOML file.",
        examples=INIT_EXAMPLES,
    )
    parser.add_argument("init_terms", type=Path, metavar="FILE", help="the .toml file to write")
    parser.add_argument("--deal", choices=tuple(deals.DEALS), help=f"the deal to write (default {deals.DEFAULT})")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    args = parser.parse_args(argv)
    args.prog = prog
    return _init_terms(args)


def _build(args: argparse.Namespace) -> int:
    out: Path = args.out if args.out is not None else Path("dist")
    notes: list[str] = []  # what came from where: said on stderr once the build succeeded (a refusal stays one line)
    try:
        if out.exists() and not out.is_dir():
            raise OSError(f"--out {out}: is a file, not a folder; give the folder to write the workbooks into")
        deal, base = _deal(args, notes)
        placements, illustrative = _placements(args, deal, base, notes)
        flavours = ("udf", "native") if args.flavour == "both" else (args.flavour,)
        engine = choose(args.engine)
        simulation = _simulation(deal.terms, args.simulate) if args.simulate is not None else None
        planned = _plan(deal.terms) if args.plan else None
        source = str(args.terms) if args.terms else args.deal or "prospectus"
        targets = {f: out / FILE_NAMES[f] for f in flavours}
        for target in targets.values():  # refuse before writing anything: never half a rebuild over an edited pair
            check_overwrite(target, args.force)
        prestart(args.engine)  # LibreOffice starts while the first workbook is written
        sheets = template(deal, placements, illustrative=illustrative)
        with replace_together(targets) as staged:  # both workbooks are replaced, or neither
            built = build_flavours(staged, sheets, engine=engine)
            if simulation is not None:
                from workbook.sheets.simulation_sheet import add_simulation_sheet

                for b in built:
                    add_simulation_sheet(b.path, b.values, simulation, source)
            if planned is not None:
                from workbook.sheets.plan_sheet import add_plan_sheet

                for b in built:
                    add_plan_sheet(b.path, b.values, planned, source)
        for b in built:
            b.path = targets[b.flavour]
    except (
        AddinNotLoaded
    ) as exc:  # not the user's input: the engine failed them (see workbook.engine.libreoffice.environment)
        print(f"{args.prog}: {exc}; nothing written", file=sys.stderr)
        return 1
    except (CEOModelError, RefusedOverwrite, OSError, ValueError, EngineChoiceError) as exc:
        print(f"{args.prog}: {exc}", file=sys.stderr)
        return 2

    for note in notes:
        print(f"{args.prog}: {note}", file=sys.stderr)
    for b in built:
        print(
            f"wrote {b.path}  ({b.flavour} flavour, {sum(1 for _ in b.layout.formula_cells())} formula cells, "
            f"values cached by {b.engine})"
        )
    if not args.no_addin:
        _addin(out)
    print()
    print(summary(built[0]))
    if not args.no_picture:
        _picture(built)
    return 0


def summary(built) -> str:
    """The key figures as the Outputs sheet shows them, and the checks that fail by name."""
    values = named_values(built)
    inputs = {name: inp.value for name, inp in built.layout.inputs.items()}
    lines = []
    for output in OUTPUTS:
        label, shown = labels.shown(output.label, inputs), _shown(values[output.name], output.unit)
        lines.append(f"  {label:<38} {shown:>18}")
    failing = failing_checks(built)
    if failing:
        lines.append(f"  failing: {'; '.join(failing)}")
    return "\n".join(lines)


def failing_checks(built) -> list[str]:
    """``'label' (Checks!B12)`` of every check of ``built`` that is not 0 (judged and failing)."""
    from workbook.kit.layout import CHECK
    from workbook.kit.shape import NOT_JUDGED

    out = []
    for sheet, cells in built.layout.cells.items():
        for ref, spec in cells.items():
            if spec.role != CHECK or spec.name == "ChecksTotal" or spec.name is None:
                continue
            value = built.values.get((sheet, ref))
            if value in (0, None, NOT_JUDGED, False):
                continue
            label = (
                labels.shown(spec.label, {n: i.value for n, i in built.layout.inputs.items()}) if spec.label else ref
            )
            out.append(f"'{label}' ({sheet}!{ref})")
    return out


def _deal(args: argparse.Namespace, notes: list) -> tuple[Deal, str]:
    """The deal to build and the named deal its placements default to."""
    if not args.terms:
        key = args.deal or deals.DEFAULT
        named = deals.DEALS[key]
        return Deal(named.TERMS, named.SOURCES), key
    from model import terms_file

    loaded = terms_file.load(args.terms)
    refuse_several_agents(args.terms, loaded.terms)
    _note_base(args.terms, loaded, notes)
    same = next((key for key, d in deals.DEALS.items() if loaded.terms == d.TERMS), None)
    return Deal(loaded.terms, loaded.sources), same or loaded.base


def refuse_several_agents(path: Path, terms) -> None:
    """The workbook shows one agent: terms with several are refused, never built as if they had one."""
    if len(terms.sales_agents) > 1:
        raise CEOModelError(
            f"{path.name}: agents",
            f"{len(terms.sales_agents)} agents; the workbook shows one agent (its agent and schedule) — "
            "use ceo-model capacity, reconcile or report for a programme with several",
        )


def _note_base(path: Path, loaded, notes: list) -> None:
    """Say which terms a partial terms file took from its base deal (none for a file init-terms wrote)."""
    base = deals.DEALS[loaded.base].TERMS
    taken = [n for n in loaded.from_base if not (n == "holidays" and base.holidays is None)]  # the exchange's
    if taken:
        notes.append(
            f"{path.name} leaves out {len(taken)} term(s), taken from its base deal {loaded.base} "
            f'(base = "{loaded.base}"): {", ".join(taken)}'
        )


def _placements(args: argparse.Namespace, deal: Deal, base: str, notes: list) -> tuple[pd.DataFrame, bool]:
    """(placements, illustrative): the --placements file, else the deal's illustrative schedule when it fits the
    terms, else none."""
    if args.placements:
        frame = read_placements(
            args.placements,
            deal.terms,
            args.date_format,
            allow_duplicates=args.allow_duplicates,
            allow_non_trading_days=args.allow_non_trading_days,
        )
        for first, again in frame.attrs.get("duplicates", ()):
            notes.append(
                f"warning: {args.placements.name}: row {again} repeats row {first} exactly; both are counted "
                "(--allow-duplicates)"
            )
        return frame, False
    frame = deals.DEALS[base].PLACEMENTS
    default = not args.terms and not args.deal
    try:
        model.placements(frame, deal.terms, "illustrative placements", header_rows=0)
    except CEOModelError as exc:
        notes.append(
            f"placements: none — the {base} deal's illustrative schedule does not fit these terms ({exc.rule}); "
            "give --placements FILE"
        )
        return frame.iloc[0:0], False
    if not default:
        notes.append(
            f"placements: the {base} deal's illustrative schedule ({len(frame)} rows); give --placements FILE for "
            "the actual ones"
        )
    return frame, True


def _init_terms(args: argparse.Namespace) -> int:
    from model.terms_file import dumps

    target: Path = args.init_terms
    if target.is_dir():
        print(
            f"{args.prog}: {target}: is a folder; name the file to write, e.g. {target / 'deal.toml'}", file=sys.stderr
        )
        return 2
    if target.suffix.lower() != ".toml":
        print(f"{args.prog}: {target.name}: terms are written as TOML; name the file *.toml", file=sys.stderr)
        return 2
    if target.exists() and not args.force:
        print(f"{args.prog}: {target} exists; use --force to replace it", file=sys.stderr)
        return 2
    name = args.deal or deals.DEFAULT
    deal = deals.DEALS[name]
    text = dumps(deal.TERMS, deal.SOURCES, title=f"{deal.TERMS.issuer} ({name})", base=name)
    try:
        with atomic_target(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"{args.prog}: cannot write {target}: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {target}: the {name} terms; edit it, then: ceo-model build --terms {target}")
    return 0


def _simulation(terms, paths: int):
    from model.simulate import Simulation, simulate

    try:
        return simulate(terms, Simulation(paths=paths))
    except CEOModelError as exc:
        raise CEOModelError(f"--simulate: {exc.argument}", exc.rule, exc.kind) from None


def _plan(terms):
    from workbook.sheets.plan_sheet import illustrative_plan

    try:
        return illustrative_plan(terms)
    except CEOModelError as exc:
        rule = f"{exc.rule} (calibrated from the deal's price, volatility and average daily volume)"
        raise CEOModelError(f"--plan: {exc.argument}", rule, exc.kind) from None


def _refresh(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from model import terms_file
    from workbook.commands.refresh import default_target, refresh, report
    from workbook.kit.safety import UnreadableWorkbook

    if args.out is not None and args.output is not None:
        parser.error("give -o NEW (a file) or --out DIR (a folder), not both")
    if args.date_format and not args.placements:
        parser.error("--date-format goes with --placements")
    flavour = None if args.flavour in (None, "both") else args.flavour
    notes: list[str] = []
    try:
        target = args.output
        if args.out is not None:
            if args.out.exists() and not args.out.is_dir():
                raise OSError(f"--out {args.out}: is a file, not a folder; use -o NEW to name the file")
            target = args.out / default_target(args.old).name
        deal = None
        if args.terms:
            loaded = terms_file.load(args.terms)
            refuse_several_agents(args.terms, loaded.terms)
            _note_base(args.terms, loaded, notes)
            deal = Deal(loaded.terms, loaded.sources)
        done = refresh(
            args.old,
            target,
            flavour=flavour,
            force=args.force,
            deal=deal,
            placements_file=args.placements,
            date_format=args.date_format,
            allow_duplicates=args.allow_duplicates,
            allow_non_trading_days=args.allow_non_trading_days,
        )
    except AddinNotLoaded as exc:
        print(f"{args.prog}: {exc}; nothing written", file=sys.stderr)
        return 1
    except (UnreadableWorkbook, RefusedOverwrite, CEOModelError, OSError, ValueError) as exc:
        print(f"{args.prog}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a hostile or broken file must never end in a traceback
        print(
            f"{args.prog}: cannot refresh {args.old.name}: {type(exc).__name__}: {str(exc)[:200]}",
            file=sys.stderr,
        )
        return 2
    for note in notes:
        print(f"{args.prog}: {note}", file=sys.stderr)
    print(report(done))
    return 0 if done.complete else 1


def _shown(value, unit: Unit) -> str:
    if not isinstance(value, int | float):
        return str(value)
    if unit is Unit.DATE:
        return _shown_date(value)
    return {
        Unit.USD: f"${value:,.2f}" if value >= 0 else f"(${-value:,.2f})",  # as the sheet's number format shows it
        Unit.PRICE: f"${value:,.4f}" if value >= 0 else f"(${-value:,.4f})",
        Unit.PCT: f"{value:.2%}",
        Unit.RATE: f"{value:.3%}",
        Unit.SHARES: f"{value:,.0f}",
        Unit.MONTHS: f"{value:,.1f} months",
        Unit.NUMBER: f"{value:,.2f}",
    }.get(unit, f"{value:,.0f}")


def _shown_date(value) -> str:
    return from_excel(value).date().isoformat() if value else "-"


def _addin(out: Path) -> None:
    """``CEO_Model.oxt`` beside the workbooks: the CEO_* functions for LibreOffice Calc."""
    from udfs.calc_addin import AddinError, pack

    try:
        oxt = pack(out / "CEO_Model.oxt")
    except (AddinError, OSError) as exc:
        print(f"No LibreOffice add-in: {exc}")
        return
    print(
        f"wrote {oxt}  (LibreOffice add-in: unopkg add {oxt.name}, as root unopkg add --shared {oxt.name}; "
        "or Tools › Extension Manager)"
    )
    from udfs import vba

    bas = vba.write(out / "CEO_Model_udfs.bas")
    print(f"wrote {bas}  (Excel with xlwings: import it in the VBA editor for real #NUM!/#VALUE! cells)")


def _picture(built) -> None:
    from workbook.engine import libreoffice, lo_engine

    if not libreoffice.available():
        print("\nNo picture: LibreOffice is not installed (apt-get install libreoffice-calc-nogui poppler-utils).")
        return
    source = next((b for b in built if b.flavour == "udf"), built[0])
    pngs = {sheet: source.path.with_name(f"{source.path.stem}_{sheet}.png") for sheet in PICTURED}
    try:  # the udf flavour with the add-in: LibreOffice computes its array line items on load
        charts = lo_engine.render_sheets(source.path, pngs)
    except libreoffice.LibreOfficeError as exc:
        print(f"\nNo picture: {exc}")
        return
    for sheet, png in pngs.items():
        print(f"\npicture of {sheet}: {png}")
        for chart in (charts or {}).get(sheet, []):
            empty = [s["range"] for s in chart["series"] if not any(v is not None for v in s["values"])]
            if empty:
                print(f"warning: the chart {chart['title']!r} draws no numbers from {', '.join(empty)}")


PICTURED = ("Outputs", "Timeline")  # sheets rendered to PNG beside the workbook
