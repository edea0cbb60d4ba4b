"""An illustrative modern at-the-market programme (not a real deal).

$100M, one 3% rate, no agent warrants, T+1 settlement on the NYSE calendar,
no other agreement, debentures or Class B warrants, today's Nasdaq "Minimum
Price" rule; a year of placements in 2025 that trade next to exchange holidays.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from model.terms import DealTerms, Schedule, Tier

TERMS = DealTerms(
    schedule=Schedule((Tier(0.0, 100_000_000.0, 0.03),)),
    issuer="Example Biosciences, Inc.",
    agent="Example Securities LLC",
    document="Illustrative at-the-market programme",
    document_date=dt.date(2025, 1, 2),
    exchange_calendar="XNYS",
    listing_rule="nasdaq-minimum-price",
    warrant_coverage=0.0,
    warrant_premium=1.0,
    warrant_term_years=5.0,  # no warrants are granted (cover 0); a term is still needed to value a warrant
    cashless_after_years=0.0,
    transfer_restriction_years=0.0,
    settlement_business_days=1,
    lockup_trading_days=0,
    expense_reimbursement=75_000.0,
    advisory_retainer=0.0,
    advisory_deposit=0.0,
    retainer_allocation=0.0,
    compensation_cap=0.08,
    issuer_other_expenses=250_000.0,
    other_maximum=0.0,
    other_rate=0.0,
    other_gross=0.0,
    last_sale_price=12.50,
    last_sale_date=dt.date(2024, 12, 31),
    shares_outstanding=80_000_000,
    options_warrants_outstanding=6_000_000,
    options_warrants_exercisable=3_500_000,
    voting_holders_shares=0,
    voting_holders_potential_shares=0,
    price_low_52w=8.40,
    price_high_52w=17.90,
    average_daily_volume=1_500_000,
    monthly_burn=6_000_000.0,
    cash=45_000_000.0,
    volatility=0.60,
    risk_free_rate=0.042,
    dividend_yield=0.0,
    nasdaq_discount_limit=0.20,
    listing_minimum_price=12.50,
    already_issued_at_discount=0,
    nasdaq_minimum_bid=1.00,
    rights_plan_trigger=0.15,
    dgcl_interested_holder=0.15,
    debenture_principal=0.0,
    debenture_days=0,
    debenture_initial_premium=1.0,
    debenture_reset_after_days=0,
    debenture_reset_factor=1.0,
    debenture_issue_days=5,
    debenture_lowest_bids=5,
    debenture_bid_days=20,
    classb_cap=100.0,
    classb_factor=1.0,
    classb_factor_low=1.0,
    classb_low_price=0.0,
    classb_financing_floor=0.0,
    classb_shares=0,
    holidays=None,
)

SOURCES = {name: "illustrative" for name in TERMS.to_mapping()}

_DATES = [
    "2025-01-08",  # settles T+1 across the 9 January 2025 national day of mourning (an ad hoc closure)
    "2025-01-17",  # Friday before Martin Luther King Jr. Day
    "2025-02-14",  # Friday before Washington's Birthday
    "2025-03-12",
    "2025-04-17",  # Thursday before Good Friday
    "2025-05-23",  # Friday before Memorial Day
    "2025-06-18",  # Juneteenth follows
    "2025-07-03",  # Independence Day follows
    "2025-08-13",
    "2025-08-29",  # Friday before Labor Day
    "2025-10-08",
    "2025-11-26",  # Thanksgiving follows
    "2025-12-24",  # Christmas follows
]
PLACEMENTS = pd.DataFrame(
    {
        "Trade date": [dt.date.fromisoformat(d) for d in _DATES],
        "Shares": [
            250_000,
            300_000,
            200_000,
            400_000,
            350_000,
            300_000,
            250_000,
            200_000,
            450_000,
            300_000,
            400_000,
            350_000,
            150_000,
        ],
        "Price": [12.80, 13.10, 14.25, 11.90, 10.75, 11.40, 12.05, 12.60, 13.95, 14.40, 15.10, 16.25, 15.80],
    }
)
"""Illustrative placements: thirteen sales in 2025, several on the eve of an exchange holiday."""
