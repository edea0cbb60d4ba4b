"""Entry point: print the key figures of the prospectus deal (the workbook builder follows)."""

from __future__ import annotations

import model


def key_figures() -> dict[str, float]:
    """The SPEC §4 acceptance figures, computed by the model."""
    terms = model.PROSPECTUS
    return {
        "Commission at $25,000,000": model.fee(25_000_000),
        "Commission at $10,000,000": model.fee(10_000_000),
        "Commission at $20,000,000": model.fee(20_000_000),
        "Net proceeds at $25,000,000": model.net_proceeds(25_000_000),
        "Other Agreement fee at $8,400,000": model.other_fee(8_400_000),
        "Retainer allocated to each offering": terms.retainer_allocation,
        "Dilution if all options and warrants exercised": model.dilution_pct(
            terms.options_warrants_outstanding, terms.shares_outstanding
        ),
        "Voting holders' fully diluted ownership": model.ownership_pct(
            terms.voting_holders_shares, terms.voting_holders_potential_shares, terms.shares_outstanding
        ),
        "Nasdaq 20% capacity (shares)": model.nasdaq_20pct_capacity(terms.shares_outstanding),
        "Warrant strike at VWAP $4.04": model.warrant_strike(terms.last_sale_price),
    }


def main() -> int:
    for label, value in key_figures().items():
        shown = f"{value:.4f}" if abs(value) < 1 else f"{value:,.2f}"
        print(f"{label:<50} {shown:>16}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
