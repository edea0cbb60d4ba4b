"""What the desk's commands (``capacity``, ``reconcile``, ``report``) read: FILE, a terms file (TOML or JSON),
and ``--placements``, the programme's placements file.

FILE is a terms file rather than a model workbook: the workbook shows one agent and none of the desk's terms
(public float, prior sales, volume limit) yet, so reading one back would lose them; a workbook given as FILE is
refused saying so. Placements on a weekend, an exchange holiday or before the document date are refused unless
``--allow-non-trading-days``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import model
from model import terms_file
from model.errors import CEOModelError
from workbook.reading.placements_file import read_placements


def add_inputs(parser: argparse.ArgumentParser, *, placements_required: bool) -> None:
    """FILE and the placements options every desk command takes."""
    parser.add_argument("file", type=Path, metavar="FILE", help="the deal's terms file, TOML or JSON")
    parser.add_argument(
        "--placements",
        type=Path,
        metavar="P",
        help=".csv or .xlsx: Trade date, Shares, Price and Agent (required with several agents)"
        + ("" if placements_required else "; default: nothing sold yet"),
    )
    parser.add_argument(
        "--date-format", metavar="FMT", help="how the placements file writes text dates, e.g. %%d/%%m/%%Y"
    )
    parser.add_argument("--allow-duplicates", action="store_true", help="accept placement rows repeated exactly")
    parser.add_argument(
        "--allow-non-trading-days",
        action="store_true",
        help="accept placements on a weekend, an exchange holiday or before the document date",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def require(parser: argparse.ArgumentParser, args: argparse.Namespace, *names: str) -> None:
    """Required options checked after parsing, so that an unknown option is the one refusal named first."""
    for name in names:
        if getattr(args, name.lstrip("-").replace("-", "_")) in (None, False):
            parser.error(f"{name if name.startswith('-') else name.upper()} is required")


def load_inputs(args: argparse.Namespace):
    """(terms, ledger): the terms file read and checked, and :func:`model.placements` of the placements file."""
    path: Path = args.file
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        raise CEOModelError(
            path.name,
            "give the deal's terms file (TOML or JSON) and --placements; a workbook shows one agent and "
            "none of the desk's terms yet",
        )
    terms = terms_file.load(path).terms
    if args.placements is None:
        frame = pd.DataFrame({"Trade date": [], "Shares": [], "Price": []})
    else:
        frame = read_placements(
            args.placements,
            terms,
            args.date_format,
            allow_duplicates=args.allow_duplicates,
            allow_non_trading_days=args.allow_non_trading_days,
        )
    return terms, model.placements(frame, terms, "placements")
