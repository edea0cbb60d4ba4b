"""CEO Model: the pure domain model of a Controlled Equity Offering.

Knows nothing about Excel. Functions take the terms they need explicitly;
a deal's terms are immutable data (:class:`DealTerms`, checked against the one
table :data:`model.terms.TERMS`) and the named deals live in :mod:`model.deals`
(the default, the NeoTherapeutics prospectus supplement of November 1, 2001,
is :data:`PROSPECTUS`). Every function accepts scalars or arrays and raises
:class:`CEOModelError` on bad input.
"""

from model.commission import (
    effective_rate,
    fee,
    fee_increment,
    gross_for_net,
    marginal_rate,
    net_proceeds,
    other_fee,
    schedule_table,
    tier_fee,
)
from model.compensation import compensation_headroom, compensation_pct, total_compensation
from model.conversions import classb_exercise_price, debenture_conversion_price, debenture_conversion_shares
from model.deals.prospectus_2001 import PROSPECTUS
from model.deals.prospectus_2001 import SCHEDULE as PROSPECTUS_SCHEDULE
from model.dilution import dilution_pct, nasdaq_20pct_capacity, ownership_pct, runway_months
from model.errors import CEOModelError, ErrorKind
from model.ledger import placements
from model.rounding import round_down, round_half_up, round_up
from model.terms import TERMS, DealTerms, Schedule, Term, Tier
from model.warrants import (
    cashless_shares,
    settlement_date,
    vwap,
    warrant_schedule,
    warrant_shares,
    warrant_strike,
    warrant_value,
)

__all__ = [
    "PROSPECTUS",
    "PROSPECTUS_SCHEDULE",
    "TERMS",
    "CEOModelError",
    "DealTerms",
    "ErrorKind",
    "Schedule",
    "Term",
    "Tier",
    "cashless_shares",
    "classb_exercise_price",
    "compensation_headroom",
    "compensation_pct",
    "debenture_conversion_price",
    "debenture_conversion_shares",
    "dilution_pct",
    "effective_rate",
    "fee",
    "fee_increment",
    "gross_for_net",
    "marginal_rate",
    "nasdaq_20pct_capacity",
    "net_proceeds",
    "other_fee",
    "ownership_pct",
    "placements",
    "round_down",
    "round_half_up",
    "round_up",
    "runway_months",
    "schedule_table",
    "settlement_date",
    "tier_fee",
    "total_compensation",
    "vwap",
    "warrant_schedule",
    "warrant_shares",
    "warrant_strike",
    "warrant_value",
]
