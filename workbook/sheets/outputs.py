"""The Outputs sheet: key figures and charts."""

from __future__ import annotations

from workbook.kit.spec import (
    Chart,
    Label,
    Output,
    Unit,
)

OUTPUTS = (
    Output("OutTotalGross", "Gross sales", "TotalGross", Unit.USD),
    Output("OutTotalCommission", "Commission", "TotalCommission", Unit.USD),
    Output("OutNetProceeds", "Net proceeds", "NetProceeds", Unit.USD),
    Output("OutEffectiveRate", "Effective commission rate", "EffectiveRate", Unit.RATE),
    Output("OutVWAP", "VWAP", "VWAP", Unit.PRICE),
    Output("OutWarrantShares", Label("Agent warrants ({WarrantCoverage:%} of shares)"), "WarrantShares", Unit.SHARES),
    Output(
        "OutWarrantStrike",
        Label(
            "Warrant strike ({WarrantPremium:%} of VWAP)",
            zero=("WarrantCoverage", "Warrant strike (no agent warrants)"),
        ),
        "WarrantStrike",
        Unit.PRICE,
    ),
    Output("OutTotalWarrantValue", "Value of agent warrants", "TotalWarrantValue", Unit.USD),
    Output("OutTotalCompensation", "Agent's total compensation", "TotalCompensation", Unit.USD),
    Output("OutCompensationPct", "Compensation, % of gross", "CompensationPct", Unit.PCT),
    Output(
        "OutCompensationHeadroom", Label("Headroom under the {CompensationCap:%} cap"), "CompensationHeadroom", Unit.USD
    ),
    Output("OutDilutionPct", "Dilution from shares sold", "DilutionPct", Unit.PCT),
    Output(
        "OutFullDilutionPct",
        "Dilution: offering + options, warrants",
        "OfferingOptionsDilutionPct",
        Unit.PCT,
    ),
    Output("OutFullyDilutedPct", "Fully diluted: new shares, %", "FullyDilutedPct", Unit.PCT),
    Output("OutNetCash", "Net cash to issuer, both agreements", "SuNetCash", Unit.USD),
    Output(
        "OutOtherHeadroom",
        # an assumption (its whole maximum sold at the share price), not a judged check: a negative figure is
        # what those assumed sales would breach, not a failing check of the deal
        Label("Other Agreement (assumed): {CompensationCap:%} cap headroom"),
        "OtherHeadroom",
        Unit.USD,
    ),
    Output("OutNasdaqCapacity", Label("Discount issuance capacity ({NasdaqLimit:%})"), "NasdaqCapacity", Unit.SHARES),
    Output("OutDiscountShares", "Shares sold below the minimum price", "DiscountShares", Unit.SHARES),
    Output("OutAgentOwnership", "Agent's ownership after exercise", "AgentOwnership", Unit.PCT),
    Output("OutLargestPlacementAdv", "Largest placement, days of volume", "LargestPlacementAdv", Unit.NUMBER),
    Output("OutLockupEnds", "Lock-up ends", "LockupEnds", Unit.DATE),
    Output("OutRunwayMonths", "Runway after offering", "RunwayMonths", Unit.MONTHS),
    Output("OutOtherFee", Label("Other Agreement commission ({OtherRate:%})"), "OtherFee", Unit.USD),
    Output("OutChecksTotal", "Checks failing (0 = all pass)", "ChecksTotal", Unit.COUNT),
)


COMPENSATION_CHART = (
    Output("OutChartCommission", "Commission", "TotalCommission", Unit.USD),
    Output("OutChartWarrants", "Warrants", "TotalWarrantValue", Unit.USD),
    Output("OutChartExpenses", "Expenses", "ExpenseReimbursement", Unit.USD),
    Output("OutChartRetainer", "Retainer allocation", "RetainerAllocation", Unit.USD),
    Output("OutChartTotal", "Total compensation", "TotalCompensation", Unit.USD),
    Output("OutChartCap", Label("Compensation cap ({CompensationCap:%})"), "CompensationCapAmount", Unit.USD),
)


CHARTS = (
    Chart(
        "Commission and effective rate against gross",
        "line",
        "E3",
        (("Commission", "FeeCurve.fee"),),
        "FeeCurve.axis",
        "Commission ($)",
        "Gross sales ($)",
        secondary=(("Effective rate", "FeeCurve.rate"),),
        y2_title="Effective rate",
        y_format='"$"#,##0',
        x_format='"$"0,,"M"',
    ),
    Chart(
        "Dilution against share price",
        "line",
        "E21",
        (("Dilution", "Scenarios.dilution"),),
        "Scenarios.rows",
        "Dilution",
        "Share price ($)",
        y_format="0%",
    ),
    Chart(
        Label("Compensation against the {CompensationCap:%} cap"),
        "bar",
        "E39",
        (("Amount", "Outputs.compensation"),),
        "Outputs.compensation_labels",
        "Dollars",
        y_format='"$"#,##0',
    ),
)
