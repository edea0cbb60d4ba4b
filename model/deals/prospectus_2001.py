"""The first deal: NeoTherapeutics, Inc., prospectus supplement of November 1, 2001.

Placement agent Cantor Fitzgerald & Co. Every number here is from that
document (page references in ``SOURCES``) except the terms marked as
assumptions in :data:`model.terms.TERMS`, which are illustrative.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from model.terms import DealTerms, Schedule, Tier

SCHEDULE = Schedule(
    (
        Tier(0.0, 10_000_000.0, 0.04),
        Tier(10_000_000.0, 20_000_000.0, 0.035),
        Tier(20_000_000.0, 25_000_000.0, 0.03),
    )
)

TERMS = DealTerms(
    schedule=SCHEDULE,
    issuer="NeoTherapeutics, Inc.",
    agent="Cantor Fitzgerald & Co.",
    document="Prospectus supplement (Controlled Equity Offering)",
    document_date=dt.date(2001, 11, 1),
    exchange_calendar="XNYS",
    listing_rule="nasdaq-2001",
    warrant_coverage=0.10,
    warrant_premium=1.30,
    warrant_term_years=5.0,
    cashless_after_years=1.0,
    transfer_restriction_years=1.0,
    settlement_business_days=3,
    lockup_trading_days=5,
    expense_reimbursement=60_000.0,
    advisory_retainer=75_000.0,
    advisory_deposit=50_000.0,
    retainer_allocation=62_500.0,
    compensation_cap=0.08,
    issuer_other_expenses=300_000.0,
    other_maximum=8_400_000.0,
    other_rate=0.04,
    other_gross=8_400_000.0,
    last_sale_price=4.04,
    last_sale_date=dt.date(2001, 10, 31),
    shares_outstanding=21_862_772,
    options_warrants_outstanding=8_593_877,
    options_warrants_exercisable=2_515_000,
    voting_holders_shares=579_098,
    voting_holders_potential_shares=4_498_145,
    price_low_52w=2.22,
    price_high_52w=13.50,
    average_daily_volume=100_000,
    monthly_burn=2_300_000.0,
    cash=10_000_000.0,
    volatility=0.35,
    risk_free_rate=0.04,
    dividend_yield=0.0,
    nasdaq_discount_limit=0.20,
    listing_minimum_price=4.04,
    already_issued_at_discount=0,
    nasdaq_minimum_bid=1.00,
    rights_plan_trigger=0.20,
    dgcl_interested_holder=0.15,
    debenture_principal=8_000_000.0,
    debenture_days=120,
    debenture_initial_premium=1.20,
    debenture_reset_after_days=90,
    debenture_reset_factor=1.01,
    debenture_issue_days=5,
    debenture_lowest_bids=10,
    debenture_bid_days=30,
    classb_cap=33.75,
    classb_factor=0.97,
    classb_factor_low=0.95,
    classb_low_price=5.00,
    classb_financing_floor=2.00,
    classb_shares=3_413_600,
    holidays=None,  # the exchange calendar's (XNYS) holidays
)
PROSPECTUS = TERMS

SOURCES = {
    "issuer": "cover",
    "agent": "cover",
    "document": "cover",
    "document_date": "cover",
    "exchange_calendar": "Nasdaq National Market listing (S-8); NYSE trading calendar",
    "listing_rule": "S-8",
    "schedule": "cover; S-11",
    "warrant_coverage": "S-11",
    "warrant_premium": "S-11",
    "warrant_term_years": "S-12",
    "cashless_after_years": "S-12",
    "transfer_restriction_years": "S-12",
    "settlement_business_days": "S-11",
    "lockup_trading_days": "S-11",
    "expense_reimbursement": "S-12",
    "advisory_retainer": "S-12",
    "advisory_deposit": "S-12",
    "retainer_allocation": "S-12: one half of retainer and deposit",
    "compensation_cap": "S-12 (NASD)",
    "issuer_other_expenses": "S-12",
    "other_maximum": "S-12",
    "other_rate": "S-12",
    "other_gross": "full use of the Other Agreement assumed",
    "last_sale_price": "cover",
    "last_sale_date": "cover",
    "shares_outstanding": "S-9",
    "options_warrants_outstanding": "S-9",
    "options_warrants_exercisable": "S-9",
    "voting_holders_shares": "S-10",
    "voting_holders_potential_shares": "S-10",
    "price_low_52w": "S-10",
    "price_high_52w": "S-10",
    "average_daily_volume": "S-10",
    "monthly_burn": "S-4",
    "cash": "not in the document",
    "volatility": "not in the document; the 52-week range suggests a higher figure",
    "risk_free_rate": "not in the document",
    "dividend_yield": "not in the document",
    "nasdaq_discount_limit": "S-8",
    "listing_minimum_price": "S-8 rule: greater of book or market value; market value (last sale, cover) taken, "
    "book value per share not stated in the supplement",
    "already_issued_at_discount": "not in the document",
    "nasdaq_minimum_bid": "S-8",
    "rights_plan_trigger": "S-10",
    "dgcl_interested_holder": "S-13/14",
    "debenture_principal": "S-4",
    "debenture_days": "not in the document",
    "debenture_initial_premium": "S-7",
    "debenture_reset_after_days": "S-7",
    "debenture_reset_factor": "S-7",
    "debenture_issue_days": "S-7",
    "debenture_lowest_bids": "S-7",
    "debenture_bid_days": "S-7",
    "classb_cap": "S-7",
    "classb_factor": "S-7",
    "classb_factor_low": "S-7",
    "classb_low_price": "S-7",
    "classb_financing_floor": "S-7",
    "classb_shares": "S-7",
    "holidays": "exchange calendar",
}

PLACEMENTS = pd.DataFrame(
    {
        "Trade date": [
            dt.date(2001, 11, 5),
            dt.date(2001, 11, 19),
            dt.date(2001, 12, 10),
            dt.date(2002, 1, 14),
            dt.date(2002, 2, 11),
            dt.date(2002, 3, 11),
        ],
        "Shares": [400_000, 600_000, 800_000, 700_000, 900_000, 800_000],
        "Price": [4.10, 3.95, 3.85, 4.25, 4.40, 4.60],
    }
)
"""Illustrative placements (not in the document): six sales over the programme's first months."""
