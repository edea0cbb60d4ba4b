"""``ceo-model reconcile FILE CONFIRMS --placements P [--json]``: the agents' confirmations against the ledger.

Exit 0 when every placement has a confirmation matching it to the cent; 1 listing each difference (trade date,
agent, field, ours, theirs, difference), each confirmation with no placement and each placement with none;
2 for bad input (one line).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from model.errors import CEOModelError
from model.reconcile import reconcile
from workbook.commands.argparsing import Parser
from workbook.commands.desk_inputs import add_inputs, load_inputs, require
from workbook.reading.confirmations_file import read_confirmations
from workbook.reading.placement_values import PlacementsFileError

EXAMPLES = (
    "ceo-model reconcile examples/three-agent-atm.toml examples/three-agent-confirmations.csv "
    "--placements examples/three-agent-placements.csv",
)


def main(argv: list[str] | None = None, prog: str = "ceo-model reconcile") -> int:
    parser = Parser(prog=prog, description="Match the agents' confirmations to the ledger.", examples=EXAMPLES)
    add_inputs(parser, placements_required=True)
    parser.add_argument("confirms", type=Path, nargs="?", metavar="CONFIRMS", help="the confirmations, .csv or .xlsx")
    args = parser.parse_args(argv)
    require(parser, args, "confirms", "--placements")
    try:
        terms, ledger = load_inputs(args)
        confirmations = read_confirmations(args.confirms)
        if "Agent" in confirmations.columns:
            known = {a.name.casefold() for a in terms.sales_agents}
            for i, name in enumerate(confirmations["Agent"]):
                if name and name.casefold() not in known:
                    raise CEOModelError(
                        f"{args.confirms.name}: row {i + 2}", f"agent {name!r:.40} is not an agent of the terms"
                    )
        elif len(terms.sales_agents) > 1:
            raise CEOModelError(args.confirms.name, "needs an Agent column: the programme has several agents")
        names = {a.name.casefold(): a.name for a in terms.sales_agents}
        if "Agent" in confirmations.columns:
            confirmations["Agent"] = [names.get(n.casefold(), n) if n else n for n in confirmations["Agent"]]
        result = reconcile(ledger, confirmations, terms.sales_agents[0].name)
    except (CEOModelError, PlacementsFileError, OSError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(
            json.dumps(
                {
                    "matched": result.matched,
                    "differences": [
                        {
                            "trade_date": d.trade_date.isoformat(),
                            "agent": d.agent,
                            "field": d.field,
                            "ours": str(d.ours),
                            "theirs": str(d.theirs),
                            "difference": str(d.difference),
                        }
                        for d in result.differences
                    ],
                    "missing": result.missing,
                    "extra": result.extra,
                },
                indent=2,
            )
        )
    else:
        for d in result.differences:
            print(
                f"difference  {d.trade_date}  {d.agent}  {d.field}: ours {d.ours}, theirs {d.theirs}, "
                f"difference {d.difference}"
            )
        for m in result.missing:
            print(
                f"missing     {m['trade_date']}  {m['agent']}: a placement with no confirmation ({m['shares']:,} shares)"
            )
        for e in result.extra:
            print(f"extra       {e['trade_date']}  {e['agent']}: a confirmation with no placement")
        print(
            f"{result.matched} matched, {len(result.differences)} difference(s), {len(result.missing)} missing, "
            f"{len(result.extra)} extra"
        )
    return 0 if result.clean else 1
