"""Reading built workbooks back, and the model's own answer for the same deal."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import subprocess

from openpyxl import load_workbook
from openpyxl.utils.datetime import to_excel

import model
from model.deals.prospectus_2001 import PLACEMENTS as ILLUSTRATIVE_PLACEMENTS


def cached_values(path) -> dict[tuple[str, str], object]:
    """Every non-empty cached value, dates as Excel serial numbers."""
    wb = load_workbook(path, data_only=True)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    out[(ws.title, cell.coordinate)] = as_number(cell.value)
    return out


def comparable(value):
    """A cell value that compares by content: an array formula as its text and range."""
    if type(value).__name__ == "ArrayFormula":
        return ("array", value.text, str(value.ref).replace("$", ""))
    return value


def as_number(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return float(to_excel(value))
    return value


def close(a, b, rel: float = 1e-9) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)
    return a == b


def named(values: dict, names: dict[str, str], name: str):
    sheet, cell = names[name].rsplit("!", 1)
    return values.get((sheet.strip("'"), cell.replace("$", "")))


def named_column(values: dict, names: dict[str, str], name: str) -> list:
    """The computed values of a named one-column range, top to bottom."""
    from openpyxl.utils import get_column_letter, range_boundaries

    sheet, ref = names[name].rsplit("!", 1)
    c1, r1, _, r2 = range_boundaries(ref.replace("$", ""))

    return [values.get((sheet.strip("'"), f"{get_column_letter(c1)}{r}")) for r in range(r1, r2 + 1)]


def expected_outputs(terms: model.DealTerms = model.PROSPECTUS, placements=ILLUSTRATIVE_PLACEMENTS) -> dict[str, float]:
    """What ``model/`` says the Outputs sheet must show for this deal."""
    ledger = model.placements(placements, terms)
    s = terms.schedule
    gross = float(ledger["Gross"].sum())
    shares = float(ledger["Shares"].sum())
    commission = model.fee(gross, s)
    vwap = model.vwap(ledger["Shares"].to_numpy(), ledger["Price"].to_numpy())
    warrant_shares = float(ledger["Warrant shares"].sum())
    strike = model.warrant_strike(vwap, terms.warrant_premium)
    value = model.warrant_value(
        terms.last_sale_price,
        strike,
        terms.warrant_term_years,
        terms.volatility,
        terms.risk_free_rate,
        terms.dividend_yield,
    )
    warrants_total = value * warrant_shares
    # shares sold below the listing rule's minimum price count against the discount-issuance limit
    discount = float(ledger.loc[ledger["Price"] < terms.listing_minimum_price, "Shares"].sum())
    net = model.net_proceeds(gross, s)
    headroom = model.compensation_headroom(
        gross, warrants_total, terms.expense_reimbursement, terms.retainer_allocation, s, terms.compensation_cap
    )
    capacity = model.nasdaq_20pct_capacity(
        terms.shares_outstanding, terms.already_issued_at_discount, terms.nasdaq_discount_limit
    )
    return {
        "OutTotalGross": gross,
        "OutTotalCommission": commission,
        "OutNetProceeds": net,
        "OutEffectiveRate": model.effective_rate(gross, s),
        "OutVWAP": vwap,
        "OutWarrantShares": warrant_shares,
        "OutWarrantStrike": strike,
        "OutTotalWarrantValue": warrants_total,
        "OutTotalCompensation": model.total_compensation(
            gross, warrants_total, terms.expense_reimbursement, terms.retainer_allocation, s
        ),
        "OutCompensationPct": model.compensation_pct(
            gross, warrants_total, terms.expense_reimbursement, terms.retainer_allocation, s
        ),
        "OutCompensationHeadroom": headroom,
        "OutDilutionPct": model.dilution_pct(shares, terms.shares_outstanding),
        # shares sold, the agent's warrants on them, and the options and warrants outstanding (issue 11)
        "OutFullDilutionPct": model.dilution_pct(
            shares + warrant_shares + terms.options_warrants_outstanding, terms.shares_outstanding
        ),
        "OutNasdaqCapacity": capacity,
        "OutRunwayMonths": model.runway_months(terms.cash + net - terms.issuer_other_expenses, terms.monthly_burn),
        "OutOtherFee": model.other_fee(terms.other_gross, terms.other_rate, terms.other_maximum),
        "OutDiscountShares": discount,
        "OutChecksTotal": int(headroom < 0)
        + int(gross > s.maximum)
        + int(discount > capacity)
        + int(terms.last_sale_price < terms.nasdaq_minimum_bid),
    }


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """``ceo-model ARGS`` in this process (the session's LibreOffice engine, no interpreter start-up), answered as
    :func:`subprocess.run` answers: return code, stdout and stderr. For tests whose subject is not the command line
    itself; each command keeps a test of its own that runs it as a process (tests/test_cli.py and others)."""
    from workbook.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(["ceo-model", *args], code, out.getvalue(), err.getvalue())
