"""``ceo-model report FILE --quarterly --placements P [--json] [--fiscal-year-end MM-DD]``: the 10-Q table.

Per fiscal quarter, per agent and in total (``all``): shares sold, gross, commission, net and average price.
The JSON is a list of objects with keys quarter (e.g. ``2026Q1``), agent, shares, gross, commission, net,
average_price. Exit 0; 2 for bad input (one line).
"""

from __future__ import annotations

import json
import sys

from model.errors import CEOModelError
from model.quarterly import fiscal_year_end, quarterly
from workbook.commands.argparsing import Parser
from workbook.commands.desk_inputs import add_inputs, load_inputs, require
from workbook.reading.placement_values import PlacementsFileError

EXAMPLES = (
    "ceo-model report examples/three-agent-atm.toml --quarterly --placements examples/three-agent-placements.csv",
    "ceo-model report deal.toml --quarterly --placements sold.csv --fiscal-year-end 06-30 --json",
)


def main(argv: list[str] | None = None, prog: str = "ceo-model report") -> int:
    parser = Parser(
        prog=prog, description="Reports from the ledger: the quarterly disclosure table.", examples=EXAMPLES
    )
    add_inputs(parser, placements_required=True)
    parser.add_argument("--quarterly", action="store_true", help="per quarter, per agent and in total")
    parser.add_argument("--fiscal-year-end", default="12-31", metavar="MM-DD", help="default 12-31")
    args = parser.parse_args(argv)
    require(parser, args, "--quarterly", "--placements")
    try:
        month, _ = fiscal_year_end(args.fiscal_year_end)
        terms, ledger = load_inputs(args)
        rows = quarterly(ledger, terms.sales_agents[0].name, month)
    except (CEOModelError, PlacementsFileError, OSError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(
            json.dumps(
                [
                    {k: (float(v) if k in ("gross", "commission", "net", "average_price") else v) for k, v in r.items()}
                    for r in rows
                ],
                indent=2,
            )
        )
        return 0
    print(f"{'Quarter':<8} {'Agent':<28} {'Shares':>12} {'Gross':>18} {'Commission':>14} {'Net':>18} {'Avg price':>10}")
    for r in rows:
        print(
            f"{r['quarter']:<8} {r['agent']:<28.28} {r['shares']:>12,} {r['gross']:>18,} {r['commission']:>14,} "
            f"{r['net']:>18,} {r['average_price']:>10}"
        )
    return 0
