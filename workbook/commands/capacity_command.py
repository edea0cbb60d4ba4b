"""``ceo-model capacity FILE [--placements P] [--date D] [--price X] [--json]``: what may be sold on a date.

Every limit of :mod:`model.capacity` (programme, baby shelf, Nasdaq 20%, compensation cap, volume) and the
binding one, in shares and dollars at the day's price. Exit 0; 2 for bad input (one line).
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from model.capacity import capacity
from model.errors import CEOModelError
from workbook.commands.argparsing import Parser
from workbook.commands.desk_inputs import add_inputs, load_inputs
from workbook.reading.placement_values import PlacementsFileError

EXAMPLES = (
    "ceo-model capacity examples/three-agent-atm.toml --placements examples/three-agent-placements.csv "
    "--date 2025-12-31",
    "ceo-model capacity deal.toml --placements sold.csv --price 11.80 --json",
)


def main(argv: list[str] | None = None, prog: str = "ceo-model capacity") -> int:
    parser = Parser(prog=prog, description="What may be sold on a date, and the limit that binds.", examples=EXAMPLES)
    add_inputs(parser, placements_required=False)
    parser.add_argument("--date", metavar="D", help="YYYY-MM-DD (default: the last placement's date, else today)")
    parser.add_argument("--price", type=float, metavar="X", help="the day's price (default: the terms' share price)")
    args = parser.parse_args(argv)
    try:
        terms, ledger = load_inputs(args)
        on = _date(args.date, ledger)
        if args.price is not None and not args.price > 0:
            raise CEOModelError("--price", f"must be above 0 (got {args.price:g})")
        result = capacity(terms, ledger, on, args.price)
    except (CEOModelError, PlacementsFileError, OSError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
        return 0
    binding = result.binding
    print(f"Capacity on {result.date} at ${result.price:,.4f}")
    for lim in result.limits:
        left = f"{lim.shares:>14,} shares  ${lim.dollars:>18,.2f}" if lim.shares is not None else f"{'no limit':>50}"
        flag = "" if lim.applies else "  (does not limit today)"
        print(f"  {lim.name:<18} {left}{flag}\n  {'':<18} {lim.note}")
    print(f"Binding: {binding.name}: {binding.shares:,} shares, ${binding.dollars:,.2f}")
    return 0


def _date(text: str | None, ledger) -> dt.date:
    if text:
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:
            raise CEOModelError("--date", f"must be a date YYYY-MM-DD (got {text!r:.20})") from None
    if len(ledger):
        return max(ledger["Trade date"])
    return dt.date.today()
