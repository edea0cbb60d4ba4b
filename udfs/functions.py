"""The CEO_* Excel functions: thin xlwings adapters over ``model``.

Each function converts what Excel passes (cells, 2-D ranges, serial dates,
empty cells as None), calls the model, and maps the model's exception to an
Excel error with :func:`udfs.errors.excel_function`. No maths here.
"""

import numpy as np
import xlwings as xw

import model
from model.errors import CEOModelError
from model.terms import PROSPECTUS
from udfs import convert
from udfs.errors import call_context, excel_function, last_error

CATEGORY = "CEO Model"
SCHEDULE_DOC = (
    "Optional range of tier rows From | To | Rate (a header row and empty rows below are ignored). "
    "Omitted: the prospectus schedule 4% / 3.5% / 3% to $25,000,000."
)
GROSS_DOC = "Cumulative gross sales in dollars, 0 to the programme maximum ($25,000,000). A cell or a range."
EXPENSES_DOC = "Reimbursed agent expenses in dollars. Default 60,000."
RETAINER_DOC = "Advisory retainer and deposit allocated to this offering, in dollars. Default 62,500."
WARRANT_VALUE_DOC = (
    "Total value of the agent's warrants in dollars, e.g. CEO_WARRANT_VALUE(...) * CEO_WARRANT_SHARES(...)."
)


def _terms(schedule):
    return PROSPECTUS.replace(schedule=convert.schedule(schedule))


# Commission ----------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("gross", ndim=2, doc=GROSS_DOC)
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@excel_function
def ceo_fee(gross, schedule=None):
    """Commission on cumulative gross sales under the tiered schedule, to the cent."""
    return model.fee(gross, convert.schedule(schedule))


@xw.func(category=CATEGORY)
@xw.arg("prior_gross", ndim=2, doc="Gross already sold before this placement, in dollars.")
@xw.arg("placement_gross", ndim=2, doc="Gross of this placement, in dollars.")
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@excel_function
def ceo_fee_increment(prior_gross, placement_gross, schedule=None):
    """Commission on one placement after prior_gross has been sold, split across the tiers it crosses."""
    return model.fee_increment(prior_gross, placement_gross, convert.schedule(schedule))


@xw.func(category=CATEGORY)
@xw.arg("gross", ndim=2, doc="Cumulative gross sold so far, in dollars (below the programme maximum).")
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@excel_function
def ceo_marginal_rate(gross, schedule=None):
    """Commission rate on the next dollar sold (the upper tier's rate at a boundary)."""
    return model.marginal_rate(gross, convert.schedule(schedule))


@xw.func(category=CATEGORY)
@xw.arg("gross", ndim=2, doc="Cumulative gross sales in dollars, above 0.")
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@excel_function
def ceo_effective_rate(gross, schedule=None):
    """Commission as a fraction of gross sales."""
    return model.effective_rate(gross, convert.schedule(schedule))


@xw.func(category=CATEGORY)
@xw.arg("gross", ndim=2, doc=GROSS_DOC)
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@excel_function
def ceo_net_proceeds(gross, schedule=None):
    """Gross sales less the agent's commission."""
    return model.net_proceeds(gross, convert.schedule(schedule))


@xw.func(category=CATEGORY)
@xw.arg("net", ndim=2, doc="Net proceeds wanted, in dollars (at most the net of the whole programme).")
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@excel_function
def ceo_gross_for_net(net, schedule=None):
    """Smallest gross, in whole cents, whose net proceeds reach net."""
    return model.gross_for_net(net, convert.schedule(schedule))


@xw.func(category=CATEGORY)
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@xw.ret(expand="table")
@excel_function
def ceo_fee_schedule(schedule=None):
    """Spills the tier table: From, To, Rate, Fee in tier, Cumulative fee."""
    return convert.table_with_header(model.schedule_table(convert.schedule(schedule)))


@xw.func(category=CATEGORY)
@xw.arg("gross", ndim=2, doc="Gross sales under the Other Agreement, in dollars.")
@xw.arg("rate", ndim=2, doc="Flat commission rate. Default 4%.")
@xw.arg("maximum", ndim=2, doc="Other Agreement maximum in dollars. Default 8,400,000.")
@excel_function
def other_fee(gross, rate=PROSPECTUS.other_rate, maximum=PROSPECTUS.other_maximum):
    """Commission under the Other Agreement: a flat 4% up to $8.4M."""
    return model.other_fee(gross, _default(rate, PROSPECTUS.other_rate), _default(maximum, PROSPECTUS.other_maximum))


# Warrants --------------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("shares", ndim=2, doc="Shares sold in each trade (a range).")
@xw.arg("prices", ndim=2, doc="Price of each trade (a range of the same size). Rows empty in both are skipped.")
@excel_function
def ceo_vwap(shares, prices):
    """Volume-weighted average price: sum of shares x price over sum of shares."""
    return model.vwap(shares, prices)


@xw.func(category=CATEGORY)
@xw.arg("shares_sold", ndim=2, doc="Shares sold by the agent (whole number).")
@xw.arg("coverage", ndim=2, doc="Warrant cover as a fraction of shares sold. Default 10%.")
@excel_function
def ceo_warrant_shares(shares_sold, coverage=PROSPECTUS.warrant_coverage):
    """Shares under the agent's warrants: coverage x shares sold, rounded down."""
    return model.warrant_shares(shares_sold, _default(coverage, PROSPECTUS.warrant_coverage))


@xw.func(category=CATEGORY)
@xw.arg("vwap", ndim=2, doc="Volume-weighted average sales price of the shares sold by the agent.")
@xw.arg("premium", ndim=2, doc="Strike as a multiple of VWAP. Default 130%.")
@excel_function
def ceo_warrant_strike(vwap, premium=PROSPECTUS.warrant_premium):
    """Warrant exercise price: premium x VWAP, rounded to the cent half up."""
    return model.warrant_strike(vwap, _default(premium, PROSPECTUS.warrant_premium))


@xw.func(category=CATEGORY)
@xw.arg("spot", ndim=2, doc="Share price.")
@xw.arg("strike", ndim=2, doc="Warrant exercise price.")
@xw.arg("years", ndim=2, doc="Years to expiry (5 for the agent's warrants).")
@xw.arg("volatility", ndim=2, doc="Annual volatility, e.g. 90%.")
@xw.arg("risk_free", ndim=2, doc="Continuously compounded risk-free rate, e.g. 4%.")
@xw.arg("dividend_yield", ndim=2, doc="Continuous dividend yield. Default 0.")
@excel_function
def ceo_warrant_value(spot, strike, years, volatility, risk_free, dividend_yield=0.0):
    """Black-Scholes-Merton value of one warrant."""
    return model.warrant_value(spot, strike, years, volatility, risk_free, _default(dividend_yield, 0.0))


@xw.func(category=CATEGORY)
@xw.arg("warrant_shares", ndim=2, doc="Shares under the warrants exercised (whole number).")
@xw.arg("strike", ndim=2, doc="Warrant exercise price.")
@xw.arg("market_price", ndim=2, doc="Market price at exercise.")
@excel_function
def ceo_cashless_shares(warrant_shares, strike, market_price):
    """Net shares on cashless exercise: N x (P - K) / P rounded down; 0 when P <= K."""
    return model.cashless_shares(warrant_shares, strike, market_price)


@xw.func(category=CATEGORY)
@xw.arg("trade_date", ndim=2, doc="Trade date (a date or a range of dates).")
@xw.arg("holidays", ndim=2, doc="Optional range of holiday dates; empty cells are ignored.")
@excel_function
def ceo_settlement_date(trade_date, holidays=None):
    """Settlement date: the third business day after the trade (a date serial; format the cell as a date)."""
    days = convert.dates(trade_date, "trade_date")
    off = () if holidays is None else convert.dates(holidays, "holidays", skip_empty=True)
    return convert.serials(model.settlement_date(days, off))


# Compensation cap ----------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("gross", ndim=2, doc=GROSS_DOC)
@xw.arg("warrant_value", ndim=2, doc=WARRANT_VALUE_DOC)
@xw.arg("expenses", ndim=2, doc=EXPENSES_DOC)
@xw.arg("retainer", ndim=2, doc=RETAINER_DOC)
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@excel_function
def ceo_total_compensation(gross, warrant_value, expenses=None, retainer=None, schedule=None):
    """Agent's total compensation: commission + warrant value + expenses + retainer allocation."""
    return model.total_compensation(gross, warrant_value, *_expenses(expenses, retainer), convert.schedule(schedule))


@xw.func(category=CATEGORY)
@xw.arg("gross", ndim=2, doc="Cumulative gross sales in dollars, above 0.")
@xw.arg("warrant_value", ndim=2, doc=WARRANT_VALUE_DOC)
@xw.arg("expenses", ndim=2, doc=EXPENSES_DOC)
@xw.arg("retainer", ndim=2, doc=RETAINER_DOC)
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@excel_function
def ceo_compensation_pct(gross, warrant_value, expenses=None, retainer=None, schedule=None):
    """Agent's total compensation as a fraction of gross."""
    return model.compensation_pct(gross, warrant_value, *_expenses(expenses, retainer), convert.schedule(schedule))


@xw.func(category=CATEGORY)
@xw.arg("gross", ndim=2, doc=GROSS_DOC)
@xw.arg("warrant_value", ndim=2, doc=WARRANT_VALUE_DOC)
@xw.arg("expenses", ndim=2, doc=EXPENSES_DOC)
@xw.arg("retainer", ndim=2, doc=RETAINER_DOC)
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@xw.arg("cap", ndim=2, doc="Compensation cap as a fraction of gross. Default 8% (NASD).")
@excel_function
def ceo_compensation_headroom(gross, warrant_value, expenses=None, retainer=None, schedule=None, cap=None):
    """Dollars left under the compensation cap: cap x gross - total (negative = breach)."""
    return model.compensation_headroom(
        gross,
        warrant_value,
        *_expenses(expenses, retainer),
        convert.schedule(schedule),
        _default(cap, PROSPECTUS.compensation_cap),
    )


# Conversions -----------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("issue_prices", ndim=2, doc="Market values of the 5 trading days before issuance (exactly 5 cells).")
@xw.arg("bids", ndim=2, doc="Closing bids of the 30 trading days before conversion (exactly 30; only after day 90).")
@xw.arg("days_since_issue", ndim=2, doc="Days from issuance to conversion.")
@excel_function
def debenture_conversion_price(issue_prices, bids, days_since_issue):
    """Debenture conversion price: 120% of the issue average, reset after 90 days to 101% of the 10 lowest bids."""
    return model.debenture_conversion_price(issue_prices, None if convert.blank(bids) else bids, days_since_issue)


@xw.func(category=CATEGORY)
@xw.arg("principal", ndim=2, doc="Principal converted, in dollars.")
@xw.arg("conversion_price", ndim=2, doc="Conversion price per share.")
@excel_function
def debenture_conversion_shares(principal, conversion_price):
    """Shares issued on conversion: principal / conversion price, rounded down."""
    return model.debenture_conversion_shares(principal, conversion_price)


@xw.func(category=CATEGORY)
@xw.arg("closing_bid", ndim=2, doc="Closing bid on the trading day after the redemption notice.")
@xw.arg("market_price", ndim=2, doc="Market price deciding 95% (below $5.00) or 97%. Default: the closing bid.")
@xw.arg("cap", ndim=2, doc="Exercise price ceiling. Default 33.75.")
@excel_function
def classb_exercise_price(closing_bid, market_price=None, cap=PROSPECTUS.classb_cap):
    """Class B warrant exercise price on a call: lesser of the cap and 97% (95% below $5.00) of the bid."""
    return model.classb_exercise_price(closing_bid, _default(market_price, None), _default(cap, PROSPECTUS.classb_cap))


# Dilution and listing ----------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("new_shares", ndim=2, doc="Shares newly issued.")
@xw.arg("outstanding", ndim=2, doc="Shares outstanding before the issue.")
@excel_function
def dilution_pct(new_shares, outstanding):
    """Dilution: new shares / (outstanding + new shares)."""
    return model.dilution_pct(new_shares, outstanding)


@xw.func(category=CATEGORY)
@xw.arg("shares_held", ndim=2, doc="Shares the holder owns.")
@xw.arg("potential_shares", ndim=2, doc="Shares the holder could acquire (warrants, conversions).")
@xw.arg("outstanding", ndim=2, doc="Shares outstanding.")
@excel_function
def ownership_pct(shares_held, potential_shares, outstanding):
    """Fully diluted ownership: (held + potential) / (outstanding + potential)."""
    return model.ownership_pct(shares_held, potential_shares, outstanding)


@xw.func(category=CATEGORY)
@xw.arg("outstanding", ndim=2, doc="Shares outstanding (whole number).")
@xw.arg("already_issued", ndim=2, doc="Shares already issued at a discount. Default 0.")
@excel_function
def nasdaq_20pct_capacity(outstanding, already_issued=0):
    """Most shares still issuable at a discount while staying below 20% of outstanding."""
    return model.nasdaq_20pct_capacity(outstanding, _default(already_issued, 0))


@xw.func(category=CATEGORY)
@xw.arg("cash", ndim=2, doc="Cash available, in dollars.")
@xw.arg("monthly_burn", ndim=2, doc="Cash spent per month, in dollars (above 0).")
@excel_function
def runway_months(cash, monthly_burn):
    """Months of runway: cash / monthly burn."""
    return model.runway_months(cash, monthly_burn)


# Ledger ----------------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("table", ndim=2, doc="Range with the header Trade date | Shares | Price and one row per placement.")
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@xw.ret(expand="table")
@excel_function
def ceo_placements(table, schedule=None):
    """Spills the placement ledger: gross, cumulative, commission, net, warrants, strike, settlement."""
    ledger = model.placements(convert.placements_table(table), _terms(schedule), "table", header_rows=1)
    return convert.table_with_header(ledger, date_columns=("Trade date", "Settlement date"))


def _default(value, default):
    """An omitted optional argument, or an empty cell given for it, takes its default."""
    return default if convert.blank(value) else value


def _expenses(expenses, retainer):
    return (
        _default(expenses, PROSPECTUS.expense_reimbursement),
        _default(retainer, PROSPECTUS.retainer_allocation),
    )


# Errors ----------------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg(
    "cell",
    ndim=2,
    doc='Address of a cell with a CEO_* formula, as text: CELL("address",B7), "B7" or "Calculations!B7". '
    "Omitted: the most recent error of any cell.",
)
@excel_function(elementwise=frozenset())
def ceo_last_error(cell=None):
    """Why a CEO_* formula failed: the last error of the formula in cell and its message ("" when it succeeded)."""
    if np.size(cell) == 1 and isinstance(cell, list | np.ndarray):
        cell = np.asarray(cell, dtype=object).reshape(()).item()  # one cell, as xlwings passes it
    if convert.blank(cell) or (isinstance(cell, str) and not cell.strip()):
        cell = None
    elif not isinstance(cell, str):
        raise CEOModelError("cell", 'must be a cell address as text, e.g. CELL("address",B7) or "Calculations!B7"')
    record = last_error(cell, caller=call_context().cell)
    return "" if record is None else str(record)
