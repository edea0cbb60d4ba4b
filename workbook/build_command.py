"""``ceo-model build`` (and ``python build.py``): write the CEO model workbooks to dist/ and print the key figures.

python build.py [--out DIR] [--flavour udf|native|both] [--placements FILE [--date-format FMT]] [--terms FILE | --deal NAME] [--force]
                [--simulate [PATHS]] [--engine libreoffice|formulas] [--no-addin]
python build.py --init-terms deal.toml [--deal prospectus-2001|modern-atm] [--force]
python build.py --refresh OLD.xlsx [-o NEW.xlsx] [--flavour udf|native] [--force]

--refresh rebuilds OLD with the current template, carrying every input (see
workbook/refresh.py); exit 0 when everything was carried, 1 when something
could not be mapped (NEW is still written; the report says what and why),
2 when OLD cannot be read or NEW may not be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from openpyxl.utils.datetime import from_excel

from model import deals
from model.errors import CEOModelError
from workbook import labels
from workbook.engines import EngineChoiceError, choose, prestart
from workbook.files import RefusedOverwrite, atomic_target, check_overwrite
from workbook.generate import FILE_NAMES, build_flavours, named_values, read_terms
from workbook.placements_file import read_placements
from workbook.spec import Unit
from workbook.template import OUTPUTS, Deal


def main(argv: list[str] | None = None, prog: str = "build.py") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Write the CEO model workbooks and print the key figures.")
    parser.add_argument("--out", type=Path, default=Path("dist"), help="output folder (default: dist)")
    parser.add_argument("--flavour", choices=("udf", "native", "both"), default="both")
    parser.add_argument(
        "--placements",
        type=Path,
        metavar="FILE",
        help=".csv or .xlsx with columns Trade date, Shares, Price (default: illustrative schedule)",
    )
    parser.add_argument(
        "--date-format",
        metavar="FMT",
        help="how the placements file writes dates, e.g. %%d/%%m/%%Y (needed only when it cannot tell day from month)",
    )
    parser.add_argument(
        "--terms",
        type=Path,
        help="deal terms file, TOML or JSON (write one with --init-terms); default: the prospectus",
    )
    parser.add_argument(
        "--init-terms", type=Path, metavar="FILE", help="write a named deal's terms as an editable TOML file"
    )
    parser.add_argument(
        "--deal",
        choices=tuple(deals.DEALS),
        help=f"a named deal to build, or to write with --init-terms (default {deals.DEFAULT})",
    )
    parser.add_argument("--force", action="store_true", help="replace existing files even if not built by CEO Model")
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
        "--engine",
        choices=("libreoffice", "formulas"),
        help="engine computing the cached values (default: LibreOffice >= 24.8 when installed, else formulas)",
    )
    parser.add_argument("--no-addin", action="store_true", help="skip writing the LibreOffice add-in CEO_Model.oxt")
    parser.add_argument("--refresh", type=Path, metavar="OLD", help="rebuild OLD with the current template")
    parser.add_argument("-o", "--output", type=Path, metavar="NEW", help="with --refresh: where to write")
    args = parser.parse_args(argv)
    args.prog = prog
    if args.deal and (args.refresh or args.terms):
        parser.error("--deal names the terms to build; it does not go with --terms or --refresh")
    if args.refresh:
        return _refresh(args)
    if args.init_terms:
        return _init_terms(args)
    if args.output:
        parser.error("-o/--output goes with --refresh; use --out DIR for a build")
    if args.date_format and not args.placements:
        parser.error("--date-format goes with --placements")

    try:
        named = deals.DEALS[args.deal or deals.DEFAULT]
        terms = read_terms(args.terms) if args.terms else Deal(named.TERMS, named.SOURCES)
        placements = read_placements(args.placements, terms.terms, args.date_format) if args.placements else None
        flavours = ("udf", "native") if args.flavour == "both" else (args.flavour,)
        engine = choose(args.engine)
        simulation = _simulation(terms.terms, args.simulate) if args.simulate is not None else None
        for f in flavours:  # refuse before writing anything: never half a rebuild over an edited pair
            check_overwrite(args.out / FILE_NAMES[f], args.force)
        prestart(args.engine)  # LibreOffice starts while the first workbook is written
        built = build_flavours(args.out, flavours, terms, placements, args.force, engine=engine)
        if simulation is not None:
            from workbook.simulation_sheet import add_simulation_sheet

            for b in built:
                add_simulation_sheet(
                    b.path, b.values, simulation, str(args.terms) if args.terms else args.deal or "prospectus"
                )
    except (CEOModelError, RefusedOverwrite, OSError, ValueError, EngineChoiceError) as exc:
        print(f"{args.prog}: {exc}", file=sys.stderr)
        return 2

    for b in built:
        print(
            f"wrote {b.path}  ({b.flavour} flavour, {sum(1 for _ in b.layout.formula_cells())} formula cells, "
            f"values cached by {b.engine})"
        )
    if not args.no_addin:
        _addin(args.out)
    print()
    values = named_values(built[0])
    inputs = {name: inp.value for name, inp in built[0].layout.inputs.items()}
    for output in OUTPUTS:
        print(f"  {labels.shown(output.label, inputs):<38} {_shown(values[output.name], output.unit):>18}")
    if not args.no_picture:
        _picture(built)
    return 0


def _init_terms(args: argparse.Namespace) -> int:
    from model.terms_file import dumps

    target: Path = args.init_terms
    if target.exists() and not args.force:
        print(f"{args.prog}: {target} exists; use --force to replace it", file=sys.stderr)
        return 2
    name = args.deal or deals.DEFAULT
    deal = deals.DEALS[name]
    text = dumps(deal.TERMS, deal.SOURCES, title=f"{deal.TERMS.issuer} ({name})")
    try:
        with atomic_target(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"{args.prog}: cannot write {target}: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {target}: the {name} terms; edit it, then: python build.py --terms {target}")
    return 0


def _simulation(terms, paths: int):
    from model.simulate import Simulation, simulate

    try:
        return simulate(terms, Simulation(paths=paths))
    except CEOModelError as exc:
        raise CEOModelError(f"--simulate: {exc.argument}", exc.rule, exc.kind) from None


def _refresh(args: argparse.Namespace) -> int:
    from workbook.refresh import refresh, report
    from workbook.safety import UnreadableWorkbook

    flavour = None if args.flavour == "both" else args.flavour
    try:
        deal = read_terms(args.terms) if args.terms else None
        done = refresh(
            args.refresh,
            args.output,
            flavour=flavour,
            force=args.force,
            deal=deal,
            placements_file=args.placements,
            date_format=args.date_format,
        )
    except (UnreadableWorkbook, RefusedOverwrite, CEOModelError, OSError, ValueError) as exc:
        print(f"{args.prog} --refresh: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a hostile or broken file must never end in a traceback
        print(
            f"{args.prog} --refresh: cannot refresh {args.refresh.name}: {type(exc).__name__}: {str(exc)[:200]}",
            file=sys.stderr,
        )
        return 2
    print(report(done))
    return 0 if done.complete else 1


def _shown(value, unit: Unit) -> str:
    if not isinstance(value, int | float):
        return str(value)
    if unit is Unit.DATE:
        return _shown_date(value)
    return {
        Unit.USD: f"${value:,.2f}",
        Unit.PRICE: f"${value:,.4f}",
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
    print(f"wrote {oxt}  (LibreOffice add-in: unopkg add {oxt.name}, or Tools › Extension Manager)")
    from udfs import vba

    bas = vba.write(out / "CEO_Model_udfs.bas")
    print(f"wrote {bas}  (Excel with xlwings: import it in the VBA editor for real #NUM!/#VALUE! cells)")


def _picture(built) -> None:
    from workbook import libreoffice

    if not libreoffice.available():
        print("\nNo picture: LibreOffice is not installed (apt-get install libreoffice-calc-nogui poppler-utils).")
        return
    source = next((b for b in built if b.flavour == "udf"), built[0])
    for sheet in PICTURED:
        png = source.path.with_name(f"{source.path.stem}_{sheet}.png")
        try:
            libreoffice.render_sheet(source.path, sheet, png)
        except libreoffice.LibreOfficeError as exc:
            print(f"\nNo picture: {exc}")
            return
        print(f"\npicture of {sheet}: {png}")


PICTURED = ("Outputs", "Timeline")  # sheets rendered to PNG beside the workbook
