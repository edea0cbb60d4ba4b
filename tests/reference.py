"""An independent reference implementation, written from SPEC.md, not from ``model/``.

Exact decimal arithmetic (``decimal.Decimal`` at 60 digits) on the decimal
numbers a user types, so every expected figure it produces is the
mathematically exact answer, rounded as Excel's ROUND / ROUNDDOWN / ROUNDUP
round. It deliberately shares no code with the model: no numpy, no snapping,
no vectorisation — loops and plain arithmetic only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext

from udfs import excel

CENT = Decimal("0.01")

# SPEC §2: 4.00% of $0–10M; 3.50% of $10M–20M; 3.00% of $20M–25M.
PROSPECTUS_TIERS: tuple[tuple[Decimal, Decimal, Decimal], ...] = (
    (Decimal(0), Decimal(10_000_000), Decimal("0.04")),
    (Decimal(10_000_000), Decimal(20_000_000), Decimal("0.035")),
    (Decimal(20_000_000), Decimal(25_000_000), Decimal("0.03")),
)

EXCEL_DAY_ZERO = excel.EPOCH  # checked against openpyxl's own conversion in test_excel_facts


def D(x: object) -> Decimal:
    """The decimal number a user typed: ``str`` of a float is its shortest round-trip form."""
    return x if isinstance(x, Decimal) else Decimal(str(x))


def excel_value(x: float) -> Decimal:
    """The decimal number Excel works with: a double shown to 15 significant digits."""
    return Decimal(format(float(x), ".15g"))


def _quantum(digits: int) -> Decimal:
    return Decimal(1).scaleb(-digits)


def excel_round(x: object, digits: int = 0) -> Decimal:
    """Excel ROUND: half away from zero on the decimal value."""
    return D(x).quantize(_quantum(digits), rounding=ROUND_HALF_UP)


def excel_rounddown(x: object, digits: int = 0) -> Decimal:
    """Excel ROUNDDOWN: towards zero."""
    return D(x).quantize(_quantum(digits), rounding=ROUND_DOWN)


def excel_roundup(x: object, digits: int = 0) -> Decimal:
    """Excel ROUNDUP: away from zero."""
    return D(x).quantize(_quantum(digits), rounding=ROUND_UP)


def tiers_of(rows: Iterable[Sequence[object]]) -> tuple[tuple[Decimal, Decimal, Decimal], ...]:
    """``From | To | Rate`` rows as exact decimals."""
    return tuple((D(a), D(b), D(r)) for a, b, r in rows)


def unrounded_fee(gross: object, tiers=PROSPECTUS_TIERS) -> Decimal:
    """Σ over tiers of rate × (the part of gross that falls in [From, To))."""
    g = D(gross)
    total = Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 60
        for start, end, rate in tiers:
            part = min(max(g - start, Decimal(0)), end - start)
            total += rate * part
    return total


def fee(gross: object, tiers=PROSPECTUS_TIERS) -> Decimal:
    """Commission on cumulative gross, rounded to the cent half up (SPEC §3 CEO_FEE)."""
    return excel_round(unrounded_fee(gross, tiers), 2)


def net(gross: object, tiers=PROSPECTUS_TIERS) -> Decimal:
    """Gross − fee (SPEC §3 CEO_NET_PROCEEDS)."""
    return D(gross) - fee(gross, tiers)


def gross_for_net(target: object, tiers=PROSPECTUS_TIERS) -> Decimal:
    """Smallest whole-cent gross with net(gross) ≥ target, by bisection over cents.

    net is non-decreasing in whole cents when every rate ≤ 1 (one more cent of
    gross adds at most one cent of rounded fee), so bisection is valid.
    """
    n = D(target)
    lo, hi = 0, int(tiers[-1][1] * 100)
    if net(Decimal(hi) / 100, tiers) < n:
        raise ValueError("target above the programme's net")
    while lo < hi:
        mid = (lo + hi) // 2
        if net(Decimal(mid) / 100, tiers) >= n:
            hi = mid
        else:
            lo = mid + 1
    return Decimal(lo) / 100


def workday(start: dt.date, days: int, holidays: Iterable[dt.date] = ()) -> dt.date:
    """Excel WORKDAY: step forward one day at a time, counting only weekdays that are not holidays."""
    off = set(holidays)
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            counted += 1
    return day


def excel_serial(day: dt.date) -> int:
    """Excel serial number of a date (1900 date system, dates from March 1900)."""
    return (day - EXCEL_DAY_ZERO).days


def normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def black_scholes_call(s: float, k: float, t: float, sigma: float, r: float, q: float = 0.0) -> float:
    """Textbook Black–Scholes–Merton European call (Hull, ch. 15 / 17), with ``math.erfc``."""
    d1 = (math.log(s / k) + (r - q + sigma * sigma / 2.0) * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    return s * math.exp(-q * t) * normal_cdf(d1) - k * math.exp(-r * t) * normal_cdf(d2)
