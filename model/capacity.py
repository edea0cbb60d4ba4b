"""What may be sold on a date: every limit on the day's sales, and the one that binds.

The limits, each in shares and in dollars at the day's price:

- **programme** — the programme maximum (all agents together) less the gross sold to date.
- **baby shelf** — Form S-3 General Instruction I.B.6(a): while the public float is below $75 million
  (``baby_shelf_threshold``), the securities sold in the 12 calendar months immediately prior to, and including,
  the sale may be worth no more than one-third (``baby_shelf_fraction``) of the public float. *How it is
  measured here:* the public float and its date are terms (``public_float``, ``public_float_date``; the float is
  the market value of the common equity held by non-affiliates at a price of a date within 60 days before the
  sale, which the result notes when the stated date is older); the sales counted are the ledger's gross with a
  trade date in the 12 calendar months up to and including the date, plus ``prior_sales_12m`` (sales outside
  this ledger in the 12 months to ``prior_sales_date``, counted whole while that date is inside the window).
  This rolling test is stricter than the SEC staff's reading for an at-the-market offering: Corporation Finance
  Interpretation (Securities Act Forms) 116.22 measures the capacity immediately before the takedown — the
  filing of the prospectus supplement — without re-measuring at each sale, and CFI 116.26 (March 19, 2026) lets a
  company that was eligible under I.B.1 when it filed the supplement keep selling the full amount it covers after
  a Section 10(a)(3) update shows a float below $75 million. For such a company state the public float as of the
  supplement's filing (at or above the threshold: the limit does not apply).
- **Nasdaq 20%** — Rule 5635(d): shares issued below the Minimum Price (``listing_minimum_price``, the lower of
  the last close and the five-day average close before signing) stay below 20% (``nasdaq_discount_limit``) of
  the shares outstanding before the issuance (``shares_outstanding_before``, else ``shares_outstanding``), less
  ``already_issued_at_discount`` and the ledger's shares sold below the Minimum Price. It limits the day only
  when the day's price is below the Minimum Price.
- **compensation cap** — more gross the agent's compensation can take before it passes ``compensation_cap`` of
  gross: the headroom today ÷ (the cheapest agent's marginal rate, its warrants included, − the cap); no limit
  when that rate is at most the cap (each dollar sold adds more cap than compensation).
- **volume** — ``volume_limit_share`` × ``average_daily_volume`` less the shares already sold that day.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from model.commission import marginal_rate
from model.compensation import agent_compensation
from model.dilution import nasdaq_20pct_capacity
from model.warrants import warrant_strike, warrant_value

PUBLIC_FLOAT_DAYS = 60  # I.B.6 Instruction: the float's price is of a date within 60 days before the sale


@dataclass(frozen=True)
class Limit:
    """One limit on the day's sales: ``shares`` and ``dollars`` left (None: no limit), whether it ``applies``
    today, and a ``note`` saying how it was measured or why it does not apply."""

    name: str
    shares: int | None
    dollars: float | None
    applies: bool
    note: str


@dataclass(frozen=True)
class Capacity:
    """What may be sold on ``date`` at ``price``: every :class:`Limit` and the binding one (fewest shares)."""

    date: dt.date
    price: float
    limits: tuple[Limit, ...]

    @property
    def binding(self) -> Limit:
        applying = [lim for lim in self.limits if lim.applies and lim.shares is not None]
        return min(applying, key=lambda lim: lim.shares)

    def as_dict(self) -> dict:
        b = self.binding
        return {
            "date": self.date.isoformat(),
            "price": self.price,
            "binding": {"name": b.name, "shares": b.shares, "dollars": b.dollars},
            "limits": [dict(vars(lim)) for lim in self.limits],
        }


def capacity(terms, ledger: pd.DataFrame, date: dt.date, price: float | None = None) -> Capacity:
    """Every limit on the sales of ``date`` at ``price`` (default: the terms' share price), and the binding one.

    Parameters
    ----------
    terms : DealTerms
    ledger : DataFrame
        :func:`model.placements` of the programme; placements after ``date`` are not counted.
    date : date
    price : float, optional

    Examples
    --------
    A small-float issuer: $30M of float, a third is $10M; $4M sold in the last 12 months leaves $6M, 480,000
    shares at $12.50 — less than the programme's $96M or the Nasdaq limit, which does not apply at the Minimum
    Price:

    >>> from model.deals.modern_atm import TERMS
    >>> from model.ledger import placements
    >>> rows = pd.DataFrame({"Trade date": [dt.date(2025, 3, 3)], "Shares": [320_000], "Price": [12.5]})
    >>> t = TERMS.replace(public_float=30e6, public_float_date=dt.date(2025, 3, 1))
    >>> c = capacity(t, placements(rows, t), dt.date(2025, 3, 10))
    >>> c.binding.name, c.binding.shares, c.binding.dollars
    ('baby shelf', 480000, 6000000.0)
    """
    price = float(terms.last_sale_price if price is None else price)
    dates = pd.to_datetime(ledger["Trade date"]).dt.date if len(ledger) else pd.Series([], dtype=object)
    sold = ledger[(dates <= date).to_numpy()] if len(ledger) else ledger
    sold_dates = dates[dates <= date] if len(ledger) else dates
    limits = (
        _programme(terms, sold, price),
        _baby_shelf(terms, sold, sold_dates, date, price),
        _nasdaq(terms, sold, price),
        _compensation(terms, sold, price),
        _volume(terms, sold, sold_dates, date, price),
    )
    return Capacity(date, price, limits)


def _in_dollars(name: str, dollars: float, price: float, note: str, applies: bool = True) -> Limit:
    dollars = max(dollars, 0.0)
    shares = math.floor(dollars / price + 1e-9)
    return Limit(name, shares, round(shares * price, 2), applies, note)


def _in_shares(name: str, shares: float, price: float, note: str, applies: bool = True) -> Limit:
    shares = max(int(shares), 0)
    return Limit(name, shares, round(shares * price, 2), applies, note)


def _gross(frame: pd.DataFrame) -> float:
    return float(frame["Gross"].sum()) if len(frame) else 0.0


def _programme(terms, sold, price) -> Limit:
    left = terms.maximum - _gross(sold)
    return _in_dollars(
        "programme", left, price, f"programme maximum {terms.maximum:,.2f} less {_gross(sold):,.2f} sold"
    )


def year_before(date: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February): the 12 calendar months end on ``date``."""
    try:
        return date.replace(year=date.year - 1)
    except ValueError:
        return date.replace(year=date.year - 1, day=28)


def _baby_shelf(terms, sold, sold_dates, date, price) -> Limit:
    if terms.public_float is None:
        return Limit("baby shelf", None, None, False, "not evaluated: no public_float in the terms")
    if terms.public_float >= terms.baby_shelf_threshold:
        return Limit(
            "baby shelf",
            None,
            None,
            False,
            f"does not apply: public float {terms.public_float:,.0f} is at least {terms.baby_shelf_threshold:,.0f}",
        )
    start = year_before(date)
    window = sold[((sold_dates > start) & (sold_dates <= date)).to_numpy()] if len(sold) else sold
    prior = terms.prior_sales_12m if terms.prior_sales_date and terms.prior_sales_date > start else 0.0
    allowed = terms.baby_shelf_fraction * terms.public_float
    note = (
        f"{terms.baby_shelf_fraction:.4g} of public float {terms.public_float:,.2f} ({terms.public_float_date}) = "
        f"{allowed:,.2f}, less {_gross(window):,.2f} sold {start + dt.timedelta(days=1)}–{date} and {prior:,.2f} prior"
    )
    if (date - terms.public_float_date).days > PUBLIC_FLOAT_DAYS:
        note += f"; the public float is more than {PUBLIC_FLOAT_DAYS} days old"
    return _in_dollars("baby shelf", allowed - _gross(window) - prior, price, note)


def _nasdaq(terms, sold, price) -> Limit:
    outstanding = terms.shares_outstanding_before or terms.shares_outstanding
    below = sold[(sold["Price"] < terms.listing_minimum_price).to_numpy()] if len(sold) else sold
    issued = terms.already_issued_at_discount + (int(below["Shares"].sum()) if len(below) else 0)
    left = float(nasdaq_20pct_capacity(outstanding, issued, terms.nasdaq_discount_limit))
    applies = price < terms.listing_minimum_price
    note = (
        f"below {terms.nasdaq_discount_limit:.0%} of {outstanding:,} shares outstanding before the issuance, "
        f"{issued:,} issued below the Minimum Price {terms.listing_minimum_price:,.4f}"
        + ("" if applies else "; today's price is not below the Minimum Price")
    )
    return _in_shares("Nasdaq 20%", left, price, note, applies)


def _compensation(terms, sold, price) -> Limit:
    comp = agent_compensation(sold, terms).set_index("Agent")
    headroom = float(comp.loc["all", "Cap"] - comp.loc["all", "Total"])
    rates = []
    for agent in terms.sales_agents:
        own = float(comp.loc[agent.name, "Gross"])
        if own >= agent.schedule.maximum:
            continue
        strike = float(warrant_strike(price, agent.warrant_premium))
        each = float(
            warrant_value(
                price, strike, terms.warrant_term_years, terms.volatility, terms.risk_free_rate, terms.dividend_yield
            )
        )
        rates.append(float(marginal_rate(own, agent.schedule)) + agent.warrant_coverage * each / price)
    rate = min(rates, default=math.inf)
    note = f"headroom {headroom:,.2f} under the {terms.compensation_cap:.0%} cap; cheapest marginal rate {rate:.4%}"
    if rate <= terms.compensation_cap:
        return Limit("compensation cap", None, None, False, note + " (each dollar sold adds headroom)")
    return _in_dollars("compensation cap", headroom / (rate - terms.compensation_cap), price, note)


def _volume(terms, sold, sold_dates, date, price) -> Limit:
    if terms.volume_limit_share is None:
        return Limit("volume", None, None, False, "not evaluated: no volume_limit_share in the terms")
    today = int(sold[(sold_dates == date).to_numpy()]["Shares"].sum()) if len(sold) else 0
    allowed = math.floor(terms.volume_limit_share * terms.average_daily_volume + 1e-9)
    note = (
        f"{terms.volume_limit_share:.0%} of average daily volume {terms.average_daily_volume:,}, {today:,} sold today"
    )
    return _in_shares("volume", allowed - today, price, note)
