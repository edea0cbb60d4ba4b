"""The CEO_* Excel functions: thin xlwings adapters over ``model``.

Each function converts what Excel passes (cells, 2-D ranges, serial dates,
empty cells as None), calls the model, and maps the model's exception to an
Excel error with :func:`udfs.errors.excel_function`. No maths here.

Every term a function depends on is an optional argument; left out (or an
empty cell), it is the default deal's (:data:`model.PROSPECTUS`), and the
argument help states that default as computed from the deal, not typed.
"""

import numpy as np
import xlwings as xw

import model
from model.calendars import holidays_for
from model.errors import CEOModelError
from udfs import convert
from udfs.errors import call_context, excel_function, last_error

DEAL = model.PROSPECTUS
CATEGORY = "CEO Model"
_TIERS = " / ".join(f"{r * 100:g}%" for r in DEAL.schedule.rates)
SCHEDULE_DOC = (
    "Optional range of tier rows From | To | Rate (a header row and empty rows below are ignored). "
    f"Omitted: the default deal's schedule {_TIERS} to ${DEAL.schedule.maximum:,.0f}."
)
GROSS_DOC = "Cumulative gross sales in dollars, 0 to the programme maximum (the schedule's last To). A cell or a range."
EXPENSES_DOC = f"Reimbursed agent expenses in dollars. Default {DEAL.expense_reimbursement:,.0f}."
RETAINER_DOC = (
    f"Advisory retainer and deposit allocated to this offering, in dollars. Default {DEAL.retainer_allocation:,.0f}."
)
WARRANT_VALUE_DOC = (
    "Total value of the agent's warrants in dollars, e.g. CEO_WARRANT_VALUE(...) * CEO_WARRANT_SHARES(...)."
)
HOLIDAYS_DOC = (
    "Optional range of holiday dates; empty cells are ignored. "
    f"Omitted: the {DEAL.exchange_calendar} exchange calendar's holidays."
)
BUSINESS_DAYS_DOC = f"Settlement cycle T+n in business days. Default {DEAL.settlement_business_days}."
COVERAGE_DOC = f"Warrant cover as a fraction of shares sold. Default {DEAL.warrant_coverage:g}."
PREMIUM_DOC = f"Strike as a multiple of VWAP. Default {DEAL.warrant_premium:g}."


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
@xw.arg("rate", ndim=2, doc=f"Flat commission rate. Default {DEAL.other_rate:g}.")
@xw.arg("maximum", ndim=2, doc=f"Other Agreement maximum in dollars. Default {DEAL.other_maximum:,.0f}.")
@excel_function
def other_fee(gross, rate=None, maximum=None):
    """Commission under the Other Agreement: a flat rate up to its own maximum."""
    return model.other_fee(gross, _default(rate, DEAL.other_rate), _default(maximum, DEAL.other_maximum))


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
@xw.arg("coverage", ndim=2, doc=COVERAGE_DOC)
@excel_function
def ceo_warrant_shares(shares_sold, coverage=None):
    """Shares under the agent's warrants: coverage x shares sold, rounded down."""
    return model.warrant_shares(shares_sold, _default(coverage, DEAL.warrant_coverage))


@xw.func(category=CATEGORY)
@xw.arg("vwap", ndim=2, doc="Volume-weighted average sales price of the shares sold by the agent.")
@xw.arg("premium", ndim=2, doc=PREMIUM_DOC)
@excel_function
def ceo_warrant_strike(vwap, premium=None):
    """Warrant exercise price: premium x VWAP, rounded to the cent half up."""
    return model.warrant_strike(vwap, _default(premium, DEAL.warrant_premium))


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
@xw.arg("holidays", ndim=2, doc=HOLIDAYS_DOC)
@xw.arg("business_days", ndim=2, doc=BUSINESS_DAYS_DOC)
@excel_function
def ceo_settlement_date(trade_date, holidays=None, business_days=None):
    """Settlement date: business_days business days after the trade, as WORKDAY counts (a date serial)."""
    days = convert.dates(trade_date, "trade_date")
    off = _holidays(holidays, days)
    return convert.serials(model.settlement_date(days, off, _default(business_days, DEAL.settlement_business_days)))


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
@xw.arg("cap", ndim=2, doc=f"Compensation cap as a fraction of gross. Default {DEAL.compensation_cap:g}.")
@excel_function
def ceo_compensation_headroom(gross, warrant_value, expenses=None, retainer=None, schedule=None, cap=None):
    """Dollars left under the compensation cap: cap x gross - total (negative = breach)."""
    return model.compensation_headroom(
        gross,
        warrant_value,
        *_expenses(expenses, retainer),
        convert.schedule(schedule),
        _default(cap, DEAL.compensation_cap),
    )


# Conversions -----------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("issue_prices", ndim=2, doc="Market values of the trading days before issuance (one cell per day).")
@xw.arg(
    "bids",
    ndim=2,
    doc="Closing bids of the trading days before conversion (needed only after the reset day); "
    "several columns: one price per column.",
)
@xw.arg("days_since_issue", ndim=2, doc="Days from issuance to conversion.")
@xw.arg(
    "premium",
    ndim=2,
    doc=f"Initial price as a multiple of the issue average. Default {DEAL.debenture_initial_premium:g}.",
)
@xw.arg(
    "reset_after_days",
    ndim=2,
    doc=f"The reset applies after this many days. Default {DEAL.debenture_reset_after_days}.",
)
@xw.arg(
    "reset_factor",
    ndim=2,
    doc=f"Reset price as a multiple of the lowest bids' average. Default {DEAL.debenture_reset_factor:g}.",
)
@xw.arg("lowest_bids", ndim=2, doc=f"How many of the lowest bids are averaged. Default {DEAL.debenture_lowest_bids}.")
@excel_function
def debenture_conversion_price(
    issue_prices, bids, days_since_issue, premium=None, reset_after_days=None, reset_factor=None, lowest_bids=None
):
    """Debenture conversion price: premium x the issue average, reset after a number of days to a factor of the lowest bids."""
    bids = None if convert.blank(bids) else bids
    return model.debenture_conversion_price(
        issue_prices,
        bids,
        days_since_issue,
        premium=_default(premium, DEAL.debenture_initial_premium),
        reset_after_days=_default(reset_after_days, DEAL.debenture_reset_after_days),
        reset_factor=_default(reset_factor, DEAL.debenture_reset_factor),
        lowest_bids=_default(lowest_bids, DEAL.debenture_lowest_bids),
        issue_days=_size(issue_prices, DEAL.debenture_issue_days, premium, reset_after_days, reset_factor, lowest_bids),
        bid_days=_size(bids, DEAL.debenture_bid_days, premium, reset_after_days, reset_factor, lowest_bids),
    )


@xw.func(category=CATEGORY)
@xw.arg("principal", ndim=2, doc="Principal converted, in dollars.")
@xw.arg("conversion_price", ndim=2, doc="Conversion price per share.")
@excel_function
def debenture_conversion_shares(principal, conversion_price):
    """Shares issued on conversion: principal / conversion price, rounded down."""
    return model.debenture_conversion_shares(principal, conversion_price)


@xw.func(category=CATEGORY)
@xw.arg("closing_bid", ndim=2, doc="Closing bid on the trading day after the redemption notice.")
@xw.arg("market_price", ndim=2, doc="Market price deciding which factor applies. Default: the closing bid.")
@xw.arg("cap", ndim=2, doc=f"Exercise price ceiling. Default {DEAL.classb_cap:g}.")
@xw.arg("factor", ndim=2, doc=f"Multiple of the bid at or above low_price. Default {DEAL.classb_factor:g}.")
@xw.arg("factor_low", ndim=2, doc=f"Multiple of the bid below low_price. Default {DEAL.classb_factor_low:g}.")
@xw.arg("low_price", ndim=2, doc=f"Market price below which factor_low applies. Default {DEAL.classb_low_price:g}.")
@excel_function
def classb_exercise_price(closing_bid, market_price=None, cap=None, factor=None, factor_low=None, low_price=None):
    """Exercise price of called warrants: the lesser of the cap and a factor of the bid (a lower factor below a price)."""
    return model.classb_exercise_price(
        closing_bid,
        _default(market_price, None),
        _default(cap, DEAL.classb_cap),
        _default(factor, DEAL.classb_factor),
        _default(factor_low, DEAL.classb_factor_low),
        _default(low_price, DEAL.classb_low_price),
    )


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
@xw.arg("limit", ndim=2, doc=f"Limit as a fraction of outstanding. Default {DEAL.nasdaq_discount_limit:g}.")
@excel_function
def nasdaq_20pct_capacity(outstanding, already_issued=None, limit=None):
    """Most shares still issuable at a discount while staying below the limit (20%) of outstanding."""
    return model.nasdaq_20pct_capacity(
        outstanding, _default(already_issued, 0), _default(limit, DEAL.nasdaq_discount_limit)
    )


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
@xw.arg("coverage", ndim=2, doc=COVERAGE_DOC)
@xw.arg("premium", ndim=2, doc=PREMIUM_DOC)
@xw.arg("business_days", ndim=2, doc=BUSINESS_DAYS_DOC)
@xw.arg("holidays", ndim=2, doc=HOLIDAYS_DOC)
@xw.ret(expand="table")
@excel_function
def ceo_placements(table, schedule=None, coverage=None, premium=None, business_days=None, holidays=None):
    """Spills the placement ledger: gross, cumulative, commission, net, warrants, strike, settlement."""
    given = {"coverage": coverage, "premium": premium, "business_days": business_days}
    changes = {term: given[arg] for arg, term in LEDGER_TERMS.items() if not convert.blank(given[arg])}
    if not convert.blank(holidays):
        changes["holidays"] = tuple(convert.dates(holidays, "holidays", skip_empty=True).astype(object))
    try:
        terms = DEAL.replace(schedule=convert.schedule(schedule), **changes)
    except model.CEOModelError as exc:  # name the argument the user typed, not the term behind it
        argument = {term: arg for arg, term in LEDGER_TERMS.items()}.get(exc.argument, exc.argument)
        raise model.CEOModelError(argument, exc.rule, exc.kind, exc.position) from None
    ledger = model.placements(convert.placements_table(table), terms, "table", header_rows=1)
    return convert.table_with_header(ledger, date_columns=("Trade date", "Settlement date"))


LEDGER_TERMS = {
    "coverage": "warrant_coverage",
    "premium": "warrant_premium",
    "business_days": "settlement_business_days",
}


def _default(value, default):
    """An omitted optional argument, or an empty cell given for it, takes its default."""
    return default if convert.blank(value) else value


def _expenses(expenses, retainer):
    return (
        _default(expenses, DEAL.expense_reimbursement),
        _default(retainer, DEAL.retainer_allocation),
    )


def _holidays(holidays, days):
    """The given holiday range, or the default deal's exchange calendar around ``days``."""
    if convert.blank(holidays):
        return holidays_for(DEAL, days)
    return convert.dates(holidays, "holidays", skip_empty=True)


def _size(values, default: int, *terms) -> int:
    """A day count: the default deal's (so its exact counts are enforced) unless the caller gives any of the
    debenture's terms — then it is their deal, and the count is the number of cells they gave (of rows, for a
    grid of several columns: one set of bids per column)."""
    if values is None or all(convert.blank(t) for t in terms):
        return default
    shape = np.shape(values)
    return int(shape[0]) if len(shape) == 2 and min(shape) > 1 else int(np.size(values))


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


ceo_last_error.calc_document = True  # the LibreOffice add-in gets the calling document (udfs.calc_component)
