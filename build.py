"""Write the CEO model workbooks to dist/ and print the key figures.

python build.py [--out DIR] [--flavour udf|native|both] [--placements CSV] [--terms FILE] [--force]
                [--engine libreoffice|formulas] [--no-addin]
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

import model
from model.errors import CEOModelError
from workbook.engines import EngineChoiceError, choose
from workbook.files import RefusedOverwrite
from workbook.generate import build, named_values, read_placements, read_terms
from workbook.spec import Unit
from workbook.template import OUTPUTS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("dist"), help="output folder (default: dist)")
    parser.add_argument("--flavour", choices=("udf", "native", "both"), default="both")
    parser.add_argument(
        "--placements", type=Path, help="CSV with Trade date,Shares,Price (default: illustrative schedule)"
    )
    parser.add_argument("--terms", type=Path, help="JSON object of deal terms to override")
    parser.add_argument("--force", action="store_true", help="replace existing files even if not built by CEO Model")
    parser.add_argument("--no-picture", action="store_true", help="skip rendering Outputs to PNG")
    parser.add_argument(
        "--engine",
        choices=("libreoffice", "formulas"),
        help="engine computing the cached values (default: LibreOffice >= 24.8 when installed, else formulas)",
    )
    parser.add_argument("--no-addin", action="store_true", help="skip writing the LibreOffice add-in CEO_Model.oxt")
    parser.add_argument("--refresh", type=Path, metavar="OLD", help="rebuild OLD with the current template")
    parser.add_argument("-o", "--output", type=Path, metavar="NEW", help="with --refresh: where to write")
    args = parser.parse_args(argv)
    if args.refresh:
        return _refresh(args)
    if args.output:
        parser.error("-o/--output goes with --refresh; use --out DIR for a build")

    try:
        terms = read_terms(args.terms) if args.terms else model.PROSPECTUS
        placements = read_placements(args.placements) if args.placements else None
        flavours = ("udf", "native") if args.flavour == "both" else (args.flavour,)
        engine = choose(args.engine)
        built = [build(args.out, f, terms, placements, args.force, engine=engine) for f in flavours]
    except (CEOModelError, RefusedOverwrite, OSError, ValueError, EngineChoiceError) as exc:
        print(f"build.py: {exc}", file=sys.stderr)
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
    for output in OUTPUTS:
        print(f"  {output.label:<38} {_shown(values[output.name], output.unit):>18}")
    if not args.no_picture:
        _picture(built)
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from workbook.refresh import refresh, report
    from workbook.safety import UnreadableWorkbook

    flavour = None if args.flavour == "both" else args.flavour
    try:
        done = refresh(args.refresh, args.output, flavour=flavour, force=args.force)
    except (UnreadableWorkbook, RefusedOverwrite, CEOModelError, OSError, ValueError) as exc:
        print(f"build.py --refresh: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a hostile or broken file must never end in a traceback
        print(
            f"build.py --refresh: cannot refresh {args.refresh.name}: {type(exc).__name__}: {str(exc)[:200]}",
            file=sys.stderr,
        )
        return 2
    print(report(done))
    return 0 if done.complete else 1


def _shown(value, unit: Unit) -> str:
    if not isinstance(value, int | float):
        return str(value)
    return {
        Unit.USD: f"${value:,.2f}",
        Unit.PRICE: f"${value:,.4f}",
        Unit.PCT: f"{value:.2%}",
        Unit.RATE: f"{value:.3%}",
        Unit.SHARES: f"{value:,.0f}",
        Unit.MONTHS: f"{value:,.1f} months",
    }.get(unit, f"{value:,.0f}")


def _addin(out: Path) -> None:
    """``CEO_Model.oxt`` beside the workbooks: the CEO_* functions for LibreOffice Calc."""
    from udfs.calc_addin import AddinError, pack

    try:
        oxt = pack(out / "CEO_Model.oxt")
    except (AddinError, OSError) as exc:
        print(f"No LibreOffice add-in: {exc}")
        return
    print(f"wrote {oxt}  (LibreOffice add-in: unopkg add {oxt.name}, or Tools › Extension Manager)")


def _picture(built) -> None:
    from workbook import libreoffice

    if not libreoffice.available():
        print("\nNo picture: LibreOffice is not installed (apt-get install libreoffice-calc-nogui poppler-utils).")
        return
    source = next((b for b in built if b.flavour == "udf"), built[0])
    png = source.path.with_name(source.path.stem + "_Outputs.png")
    try:
        libreoffice.render_sheet(source.path, "Outputs", png)
    except libreoffice.LibreOfficeError as exc:
        print(f"\nNo picture: {exc}")
        return
    print(f"\npicture of Outputs: {png}")


if __name__ == "__main__":
    raise SystemExit(main())
