"""The model's functions with the default deal's terms bound, in the signatures of the Excel functions.

The model takes every term explicitly; the acceptance figures are the
prospectus's, so these tests call the model through this one binding of the
prospectus terms (each argument still overridable, as in Excel).
"""

from __future__ import annotations

import model
from model.calendars import holidays_for

P = model.PROSPECTUS
S = P.schedule


def fee(gross, schedule=S):
    return model.fee(gross, schedule)


def fee_increment(prior_gross, placement_gross, schedule=S):
    return model.fee_increment(prior_gross, placement_gross, schedule)


def marginal_rate(gross, schedule=S):
    return model.marginal_rate(gross, schedule)


def effective_rate(gross, schedule=S):
    return model.effective_rate(gross, schedule)


def net_proceeds(gross, schedule=S):
    return model.net_proceeds(gross, schedule)


def gross_for_net(net, schedule=S):
    return model.gross_for_net(net, schedule)


def schedule_table(schedule=S):
    return model.schedule_table(schedule)


def other_fee(gross, rate=P.other_rate, maximum=P.other_maximum):
    return model.other_fee(gross, rate, maximum)


def warrant_shares(shares_sold, coverage=P.warrant_coverage):
    return model.warrant_shares(shares_sold, coverage)


def warrant_strike(vwap, premium=P.warrant_premium):
    return model.warrant_strike(vwap, premium)


def settlement_date(trade_date, holidays=(), business_days=P.settlement_business_days):
    return model.settlement_date(trade_date, holidays, business_days)


def total_compensation(
    gross, warrant_value, expenses=P.expense_reimbursement, retainer=P.retainer_allocation, schedule=S
):
    return model.total_compensation(gross, warrant_value, expenses, retainer, schedule)


def compensation_pct(
    gross, warrant_value, expenses=P.expense_reimbursement, retainer=P.retainer_allocation, schedule=S
):
    return model.compensation_pct(gross, warrant_value, expenses, retainer, schedule)


def compensation_headroom(
    gross,
    warrant_value,
    expenses=P.expense_reimbursement,
    retainer=P.retainer_allocation,
    schedule=S,
    cap=P.compensation_cap,
):
    return model.compensation_headroom(gross, warrant_value, expenses, retainer, schedule, cap)


def debenture_conversion_price(
    issue_prices,
    bids,
    days_since_issue,
    premium=P.debenture_initial_premium,
    reset_after_days=P.debenture_reset_after_days,
    reset_factor=P.debenture_reset_factor,
    lowest_bids=P.debenture_lowest_bids,
):
    return model.debenture_conversion_price(
        issue_prices,
        bids,
        days_since_issue,
        premium=premium,
        reset_after_days=reset_after_days,
        reset_factor=reset_factor,
        lowest_bids=lowest_bids,
        issue_days=P.debenture_issue_days,
        bid_days=P.debenture_bid_days,
    )


def classb_exercise_price(
    closing_bid,
    market_price=None,
    cap=P.classb_cap,
    factor=P.classb_factor,
    factor_low=P.classb_factor_low,
    low_price=P.classb_low_price,
):
    return model.classb_exercise_price(closing_bid, market_price, cap, factor, factor_low, low_price)


def nasdaq_20pct_capacity(outstanding, already_issued=0, limit=P.nasdaq_discount_limit):
    return model.nasdaq_20pct_capacity(outstanding, already_issued, limit)


def placements(table, terms=P, name="table", header_rows=0):
    return model.placements(table, terms, name, header_rows)


def exchange_holidays_around(dates):
    return holidays_for(P, dates)
