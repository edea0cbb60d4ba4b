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
    checks = expected_checks(terms, ledger, gross, net, headroom, capacity, discount)
    total = sum(v for v in checks.values() if v != NOT_JUDGED)  # the total ignores checks not judged
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
        **checks,
        "OutChecksTotal": total,
    }


NOT_JUDGED = "n/a"  # what docs/workbook-tour.md says a check shows when it is not judged
TOLERANCE = 0.005  # half a cent: the tolerance of the equality checks (Inputs: EqualityTolerance)


def expected_checks(
    terms: model.DealTerms, ledger, gross: float, net: float, headroom: float, capacity: int, discount: float
) -> dict[str, object]:
    """Every check of the Checks sheet (1 = its rule broken, 0 = met, n/a = not judged) for a valid deal.

    Derived from the rules as the Checks sheet's labels and SPEC.md state them, with the model's figures; the
    names are the layout's (tests/test_validate.py::test_expected_outputs_know_every_check keeps the two lists
    equal). The deal's terms and placements passed model/'s own checks, so every input rule is met except those
    that relate two inputs, computed here."""
    shares = float(ledger["Shares"].sum())
    warrant_shares = float(ledger["Warrant shares"].sum())
    dates = list(ledger["Trade date"])
    input_rules = {
        "CheckInputs": 0,  # DealTerms checked every term against its range
        "CheckScheduleContiguous": 0,  # Schedule.from_rows checked it
        "CheckScheduleOrder": 0,
        "CheckScheduleRates": 0,
        "CheckPlacementRows": 0,  # model.placements refuses a partly empty row
        "CheckPlacementsInLedger": 0,  # a build makes the ledger as long as the table
        "CheckPlacementsBelow": 0,
        "CheckPlacementNumbers": 0,  # model.placements refuses text
        "CheckPlacementShares": 0,  # ... and shares that are not positive whole numbers
        "CheckPlacementPrices": 0,  # ... and prices that are not positive
        "CheckPlacementDates": int(any(d < terms.document_date for d in dates)),
        "CheckProgrammeMax": int(gross > terms.schedule.maximum),
        "CheckScenarioGross": 0,  # scenario sizes and chart amounts run up to the programme maximum, not past it
        "CheckOtherMaximum": int(terms.other_gross > terms.other_maximum),
        "CheckVotingShares": int(terms.voting_holders_shares > terms.shares_outstanding),
    }
    judged = sum(input_rules.values()) == 0
    # OWNERSHIP_PCT (SPEC.md §3): (held + potential) ÷ (outstanding + potential)
    holders = (terms.voting_holders_shares + terms.voting_holders_potential_shares) / (
        terms.shares_outstanding + terms.voting_holders_potential_shares
    )
    agent = warrant_shares / (terms.shares_outstanding + shares + warrant_shares)  # the agent's warrants exercised
    cash_after = terms.cash + net - terms.issuer_other_expenses
    results = {
        "CheckLedger": int(abs(float(ledger["Commission"].sum()) - model.fee(gross, terms.schedule)) > TOLERANCE),
        "CheckCap": int(headroom < 0),
        "CheckNasdaq": int(discount > capacity),
        "CheckRightsPlan": int(holders >= terms.rights_plan_trigger),
        "CheckAgentOwnership": int(agent >= terms.dgcl_interested_holder),
        "CheckMinimumBid": int(terms.last_sale_price < terms.nasdaq_minimum_bid),
        "CheckRetainer": int(terms.retainer_allocation > terms.advisory_retainer + terms.advisory_deposit + TOLERANCE),
        "CheckCash": int(cash_after < 0),
    }
    if not judged:
        results = dict.fromkeys(results, NOT_JUDGED)
    explained = sum(input_rules.values()) + (results["CheckCash"] if judged else 0)
    errors = {"CheckErrors": NOT_JUDGED if explained else 0}  # the model computes every figure without an error
    return {**input_rules, **results, **errors}


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
