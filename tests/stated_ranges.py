"""The allowed range of every deal term, written down here a second time, independently of ``model.terms.TERMS``.

What SPEC.md states (§3 "Bad input": no negative amounts, positive prices, a
positive number of shares outstanding, rates and shares of gross in [0, 1];
§7: T+n settlement) and the limits the product documents for each kind of
term (docs/terms.md): amounts and share counts up to $1e12, prices up to
$100,000, multiples of a price up to 10, periods up to 30 years, trading-day
counts up to 250. tests/test_terms_file.py checks ``TERMS`` against this
table and draws its bad values from it, so neither copy can drift alone.

Each entry: (low, high, low_open, whole). ``low_open``: the low end itself is
refused (a price or a multiple of 0 means nothing).
"""

from __future__ import annotations

BIG = 1e12
FRACTION = (0, 1, False, False)  # a share of gross, of shares or of ownership
MULTIPLE = (0, 10, True, False)  # a multiple of a price (130% = 1.3)
USD = (0, BIG, False, False)
SHARES = (0, BIG, False, True)
PRICE = (0, 100_000, False, False)
POSITIVE_PRICE = (0, 100_000, True, False)
YEARS = (0, 30, False, False)
COUNT = (1, 250, False, True)  # trading days averaged or counted
LONG_DAYS = (0, 100_000, False, True)

STATED: dict[str, tuple[float, float, bool, bool]] = {
    "warrant_coverage": FRACTION,
    "warrant_premium": MULTIPLE,
    "warrant_term_years": (0, 30, True, False),
    "cashless_after_years": YEARS,
    "transfer_restriction_years": YEARS,
    "settlement_business_days": (0, 10, False, True),  # T+0 to T+10
    "lockup_trading_days": (0, 250, False, True),  # up to a trading year
    "expense_reimbursement": USD,
    "advisory_retainer": USD,
    "advisory_deposit": USD,
    "retainer_allocation": USD,
    "compensation_cap": FRACTION,
    "issuer_other_expenses": USD,
    "other_maximum": USD,
    "other_rate": FRACTION,
    "other_gross": USD,
    "last_sale_price": POSITIVE_PRICE,
    "shares_outstanding": (1, BIG, False, True),  # "zero total shares" is bad input
    "options_warrants_outstanding": SHARES,
    "options_warrants_exercisable": SHARES,
    "voting_holders_shares": SHARES,
    "voting_holders_potential_shares": SHARES,
    "price_low_52w": PRICE,
    "price_high_52w": PRICE,
    "average_daily_volume": SHARES,
    "monthly_burn": (0, BIG, True, False),  # a runway divides by it
    "cash": USD,
    "volatility": (0, 10, False, False),  # annual, 1000% at most
    "risk_free_rate": (-0.5, 1, False, False),  # negative rates exist
    "dividend_yield": FRACTION,
    "nasdaq_discount_limit": (0, 1, True, False),
    "already_issued_at_discount": SHARES,
    "listing_minimum_price": PRICE,
    "nasdaq_minimum_bid": (0, 1000, False, False),
    "rights_plan_trigger": FRACTION,
    "dgcl_interested_holder": FRACTION,
    "debenture_principal": USD,
    "debenture_days": LONG_DAYS,
    "debenture_initial_premium": MULTIPLE,
    "debenture_reset_after_days": LONG_DAYS,
    "debenture_reset_factor": MULTIPLE,
    "debenture_issue_days": COUNT,
    "debenture_lowest_bids": COUNT,
    "debenture_bid_days": COUNT,
    "classb_cap": POSITIVE_PRICE,
    "classb_factor": MULTIPLE,
    "classb_factor_low": MULTIPLE,
    "classb_low_price": PRICE,
    "classb_financing_floor": PRICE,
    "classb_shares": SHARES,
    # the desk's terms (docs/desk.md): amounts in dollars, shares of float or volume in (0, 1]
    "programme_maximum": (0, BIG, True, False),  # a programme of $0 sells nothing
    "public_float": USD,
    "baby_shelf_threshold": USD,
    "baby_shelf_fraction": (0, 1, True, False),  # I.B.6: one-third
    "prior_sales_12m": USD,
    "shares_outstanding_before": (1, BIG, False, True),
    "volume_limit_share": (0, 1, True, False),
}
TEXT_TERMS = frozenset({"issuer", "agent", "document", "exchange_calendar", "listing_rule"})
DATE_TERMS = frozenset({"document_date", "last_sale_date", "public_float_date", "prior_sales_date"})
