"""The Cover sheet: what the model is, the deal, how to use it, contents and legend."""

from __future__ import annotations

from model.terms import DealTerms
from workbook.kit.shape import (
    VERSION,
)
from workbook.kit.spec import (
    Contents,
    Label,
    Legend,
    Note,
    Sheet,
)


def document_line(terms: DealTerms) -> str:
    """The deal's source document in words, from its terms."""
    return f"{terms.issuer}, {terms.document}, {terms.document_date:%B %-d, %Y} (agent: {terms.agent})"


KEY_TERMS = Label(
    "Key terms (from Inputs): agent warrants for {WarrantCoverage:%} of the shares sold, strike {WarrantPremium:%} of "
    "VWAP, {WarrantTermYears:#}-year term; agent's compensation capped at {CompensationCap:%} of gross; settlement "
    "T+{SettlementDays:0}; lock-up {LockupTradingDays:0} trading days; discount issuance limit {NasdaqLimit:%} of shares "
    "outstanding; rights plan trigger {RightsPlanTrigger:%}; DGCL §203 threshold {DgclInterestedHolder:%}; Other "
    "Agreement commission {OtherRate:%}."
)


def cover(terms: DealTerms) -> Sheet:
    """The Cover sheet of a deal."""
    return Sheet(
        "Cover",
        "CEO Model",
        (
            Note("CEO Model — Controlled Equity Offering", "title"),
            Note(f"Issuer: {terms.issuer}. Placement agent: {terms.agent}.", "subtitle"),
            Note(f"Deal: {document_line(terms)}.", "subtitle"),
            Note(
                f"As of {terms.last_sale_date:%B %-d, %Y} (date of the share price on Inputs); terms as of the "
                f"document dated {terms.document_date:%B %-d, %Y}.",
                "subtitle",
            ),
            Note(
                "Illustrative model, not investment, legal, tax or accounting advice. Check every term and figure "
                "against the executed agreements and the offering documents before relying on it.",
                "warning",
            ),
            Note("FLAVOUR"),  # row 7: read back by workbook.reading.existing.detect_flavour
            Note(f"Model version {VERSION}."),
            Note(
                "What it is: the issuer sells up to the programme maximum of common stock through a placement agent, pays "
                "a tiered commission and grants the agent warrants. The model computes commissions per placement, net "
                "proceeds, the agent's warrants and their value, compensation against the cap, dilution, the "
                "discount-issuance limit, debenture and warrant conversion terms, and cash runway."
            ),
            Note(
                "How to use: change the yellow cells on Inputs and the rows of the Placements table. Calculations, "
                "Conversions and Scenarios follow; Outputs shows the key figures and charts; Checks must total 0."
            ),
            Note(KEY_TERMS),
            Contents(
                (
                    ("Inputs", "The deal's terms: single inputs with unit, Min/Max and source; tables of inputs"),
                    ("Placements", "The placement schedule: trade date, shares and price of each sale"),
                    ("Calculations", "Placement ledger, programme totals and the commission curve"),
                    (
                        "Timeline",
                        "The programme month by month: sales, proceeds, cash, runway; compensation vs cap",
                    ),
                    ("Conversions", "Debenture conversion and called-warrant exercise across share prices"),
                    ("Scenarios", "Shares issued, dilution and net proceeds by share price and programme size"),
                    ("Outputs", "Key figures and charts"),
                    ("Checks", "Each rule of the terms as a 0/1 check; the total must be 0"),
                )
            ),
            Legend(
                (
                    ("input", "1,000", "Input: a typed value (yellow, blue text) — change these only"),
                    ("calc", "1,000", "Formula: calculated on this sheet (black)"),
                    ("link", "1,000", "Link: a value taken from another sheet (green)"),
                    ("output", "1,000", "Key output (bold, underlined)"),
                    ("section", "Heading", "Heading of a group of rows (grey)"),
                    ("check", "0", "Check: 0 = rule met (green), 1 = broken (red)"),
                )
            ),
        ),
    )
