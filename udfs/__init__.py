"""CEO Model's Excel functions (xlwings UDF module: set UDF Modules to ``udfs``).

Every function is a plain Python callable too: ``from udfs import ceo_fee``.
"""

from udfs.errors import Runtime, call_context, excel_error_code, excel_function, last_error, use_runtime
from udfs.execution import ceo_ac_cost, ceo_ac_holdings
from udfs.functions import (
    ceo_cashless_shares,
    ceo_compensation_headroom,
    ceo_compensation_pct,
    ceo_effective_rate,
    ceo_fee,
    ceo_fee_increment,
    ceo_fee_schedule,
    ceo_gross_for_net,
    ceo_last_error,
    ceo_marginal_rate,
    ceo_net_proceeds,
    ceo_placements,
    ceo_settlement_date,
    ceo_total_compensation,
    ceo_vwap,
    ceo_warrant_shares,
    ceo_warrant_strike,
    ceo_warrant_value,
    classb_exercise_price,
    debenture_conversion_price,
    debenture_conversion_shares,
    dilution_pct,
    nasdaq_20pct_capacity,
    other_fee,
    ownership_pct,
    runway_months,
)
from udfs.simulation import ceo_simulate

EXCEL_FUNCTIONS = {
    fn.__name__.upper(): fn
    for fn in (
        ceo_fee,
        ceo_fee_increment,
        ceo_marginal_rate,
        ceo_effective_rate,
        ceo_net_proceeds,
        ceo_gross_for_net,
        ceo_fee_schedule,
        other_fee,
        ceo_vwap,
        ceo_warrant_shares,
        ceo_warrant_strike,
        ceo_warrant_value,
        ceo_cashless_shares,
        ceo_settlement_date,
        ceo_total_compensation,
        ceo_compensation_pct,
        ceo_compensation_headroom,
        debenture_conversion_price,
        debenture_conversion_shares,
        classb_exercise_price,
        dilution_pct,
        ownership_pct,
        nasdaq_20pct_capacity,
        runway_months,
        ceo_placements,
        ceo_last_error,
        ceo_simulate,
        ceo_ac_holdings,
        ceo_ac_cost,
    )
}
"""Excel name → function, in the order of the catalogue (SPEC §3)."""

__all__ = [name.lower() for name in EXCEL_FUNCTIONS] + [
    "EXCEL_FUNCTIONS",
    "Runtime",
    "call_context",
    "excel_error_code",
    "excel_function",
    "last_error",
    "use_runtime",
]
