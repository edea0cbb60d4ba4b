"""Native formulas written from the model's maths: the tiered commission and Black-Scholes in built-in functions."""

from __future__ import annotations


def native_fee(gross: str) -> str:
    """The tiered commission in built-in Excel functions: the Excel form of ``model.tier_fee``.

    Each tier contributes ``rate × clip(gross − From, 0, To − From)``, written
    without IF so that every engine evaluates it as an array inside SUMPRODUCT.
    """
    g = gross
    filled = f"({g}>ScheduleFrom)*(({g}<ScheduleTo)*{g}+({g}>=ScheduleTo)*ScheduleTo-ScheduleFrom)"
    return f"ROUND(SUMPRODUCT({filled}*ScheduleRate),2)"


def native_bsm_d1(strike: str) -> str:
    """Black-Scholes d1 of the agent's warrants struck at ``strike``, in built-in functions (``model.warrant_value``).

    The share price, volatility, rates and term are the deal's inputs; 0 when there is no strike or no volatility.
    """
    spread = f"LN(SharePrice/{strike})+(RiskFreeRate-DividendYield+Volatility^2/2)*WarrantTermYears"
    return f"=IF(AND({strike}>0,Volatility>0),({spread})/(Volatility*SQRT(WarrantTermYears)),0)"


def native_bsm_value(strike: str, d1: str, d2: str) -> str:
    """Black-Scholes value per warrant struck at ``strike`` from its d1 and d2 cells (intrinsic value at zero
    volatility, 0 without a strike): the Excel form of ``model.warrant_value``."""
    spot = "SharePrice*EXP(-DividendYield*WarrantTermYears)"
    pv_strike = f"{strike}*EXP(-RiskFreeRate*WarrantTermYears)"
    return (
        f"=IF({strike}>0,IF(Volatility>0,{spot}*NORMSDIST({d1})-{pv_strike}*NORMSDIST({d2}),"
        f"MAX(0,{spot}-{pv_strike})),0)"
    )
