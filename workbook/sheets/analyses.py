"""Analyses on Calculations: dilution waterfall, sources and uses, thresholds, commission by tier, the fee curve."""

from __future__ import annotations

from workbook.kit.spec import (
    BlockRows,
    Column,
    Item,
    Section,
    Strip,
    StripRow,
    Unit,
)
from workbook.sheets.native import native_bsm_d1, native_bsm_value, native_fee


def analyses() -> tuple:
    """Dilution waterfall, sources and uses of cash, the most that can be raised before an ownership threshold
    bites, and commission by tier (the figures of :mod:`model.analyses`)."""
    fee = native_fee
    return (
        Section("Dilution waterfall (shares)"),
        Item("WfBasic", "Basic shares outstanding", Unit.SHARES, "=SharesOutstanding"),
        Item("WfSold", "+ Shares sold (Sales Agreement)", Unit.SHARES, "=TotalShares"),
        Item("WfAgentWarrants", "+ Agent warrants on shares sold", Unit.SHARES, "=WarrantShares"),
        Item("WfOptions", "+ Options and warrants outstanding", Unit.SHARES, "=OptionsWarrantsOutstanding"),
        Item(
            "WfOfferingOptions",
            "= After offering, options, warrants",
            Unit.SHARES,
            "=WfBasic+WfSold+WfAgentWarrants+WfOptions",
        ),
        Item(
            "OfferingOptionsDilutionPct",
            "New shares so far, % of that count",
            Unit.PCT,
            "=(WfOfferingOptions-WfBasic)/WfOfferingOptions",
            "=DILUTION_PCT(WfOfferingOptions-WfBasic,WfBasic)",
        ),
        Item(
            "WfOtherShares",
            "+ Other Agreement shares (at price)",
            Unit.SHARES,
            "=ROUNDDOWN(OtherGross/SharePrice,0)",
        ),
        Item(
            "WfOtherWarrants",
            "+ Agent warrants on Other Agreement",
            Unit.SHARES,
            "=ROUNDDOWN(WfOtherShares*WarrantCoverage,0)",
            "=CEO_WARRANT_SHARES(WfOtherShares,WarrantCoverage)",
        ),
        Item(
            "DebentureAvgLowestFactor",
            "Debenture: lowest bids ÷ share price",
            Unit.NUMBER,
            "=INDEX(DebentureLowest,1)/INDEX(ConversionPrices,1)",  # bids are the price × the profile
        ),
        Item(
            "DebentureConversionPriceNow",
            "Conversion price at the share price",
            Unit.PRICE,
            "=IF(DebentureDays>DebentureResetDays,MIN(InitialConversionPrice,"
            "DebentureResetFactor*SharePrice*DebentureAvgLowestFactor),InitialConversionPrice)",
        ),
        Item(
            "WfDebenture",
            "+ Debenture conversion shares",
            Unit.SHARES,
            "=ROUNDDOWN(DebenturePrincipal/DebentureConversionPriceNow,0)",
            "=DEBENTURE_CONVERSION_SHARES(DebenturePrincipal,DebentureConversionPriceNow)",
        ),
        Item("WfClassB", "+ Class B warrant shares", Unit.SHARES, "=ClassBShares"),
        Item(
            "FullyDilutedShares",
            "= Fully diluted shares",
            Unit.SHARES,
            "=WfOfferingOptions+WfOtherShares+WfOtherWarrants+WfDebenture+WfClassB",
        ),
        Item(
            "FullyDilutedPct",
            "New shares, % of the fully diluted count",
            Unit.PCT,
            "=(FullyDilutedShares-WfBasic)/FullyDilutedShares",
            "=DILUTION_PCT(FullyDilutedShares-WfBasic,WfBasic)",
        ),
        Section("Sources and uses of cash"),
        Item("SuGross", "Gross sales, Sales Agreement", Unit.USD, "=TotalGross"),
        Item("SuOtherGross", "Gross sales, Other Agreement", Unit.USD, "=OtherGross"),
        Item("SuSources", "Total sources", Unit.USD, "=SuGross+SuOtherGross"),
        Item("SuCommission", "Commission, Sales Agreement", Unit.USD, "=TotalCommission"),
        Item("SuOtherCommission", "Commission, Other Agreement", Unit.USD, "=OtherFee"),
        Item(
            "SuExpenses",
            "Expense reimbursement, per agreement",
            Unit.USD,
            "=ExpenseReimbursement+IF(OtherGross>0,ExpenseReimbursement,0)",
        ),
        Item(
            "SuRetainer",
            "Retainer allocation (each offering)",
            Unit.USD,
            "=RetainerAllocation+IF(OtherGross>0,RetainerAllocation,0)",
        ),
        Item("SuIssuerExpenses", "Issuer's other offering expenses", Unit.USD, "=IssuerOtherExpenses"),
        Item(
            "SuUses", "Total uses", Unit.USD, "=SuCommission+SuOtherCommission+SuExpenses+SuRetainer+SuIssuerExpenses"
        ),
        Item("SuNetCash", "Net cash to the issuer", Unit.USD, "=SuSources-SuUses"),
        Item("SuCashAfter", "Cash after both agreements", Unit.USD, "=Cash+SuNetCash"),
        Item(
            "SuRunwayMonths",
            "Runway after both agreements",
            Unit.MONTHS,
            "=MAX(0,SuCashAfter)/MonthlyBurn",
            "=RUNWAY_MONTHS(MAX(0,SuCashAfter),MonthlyBurn)",
        ),
        Section("Other Agreement against the cap (its sales at the share price)"),
        Item(
            "OtherWarrantStrike",
            "Warrant strike (premium × share price)",
            Unit.PRICE,
            "=IF(OtherGross>0,ROUND(SharePrice*WarrantPremium,2),0)",
            "=IF(OtherGross>0,CEO_WARRANT_STRIKE(SharePrice,WarrantPremium),0)",
        ),
        Item(
            "OtherBsmD1",
            "Black-Scholes d1",
            Unit.NUMBER,
            native_bsm_d1("OtherWarrantStrike"),
        ),
        Item("OtherBsmD2", "Black-Scholes d2", Unit.NUMBER, "=OtherBsmD1-Volatility*SQRT(WarrantTermYears)"),
        Item(
            "OtherWarrantValue",
            "Value per warrant (Black-Scholes)",
            Unit.PRICE,
            native_bsm_value("OtherWarrantStrike", "OtherBsmD1", "OtherBsmD2"),
            "=IF(OtherWarrantStrike>0,CEO_WARRANT_VALUE(SharePrice,OtherWarrantStrike,WarrantTermYears,Volatility,"
            "RiskFreeRate,DividendYield),0)",
        ),
        Item("OtherTotalWarrantValue", "Value of its agent warrants", Unit.USD, "=OtherWarrantValue*WfOtherWarrants"),
        Item(
            "OtherCompensation",
            "Agent's compensation, Other Agreement",
            Unit.USD,
            "=OtherFee+OtherTotalWarrantValue+IF(OtherGross>0,ExpenseReimbursement+RetainerAllocation,0)",
        ),
        Item("OtherCapAmount", "Cap in dollars", Unit.USD, "=CompensationCap*OtherGross"),
        Item(
            "OtherHeadroom",
            "Headroom under the cap",
            Unit.USD,
            "=IF(OtherGross>0,OtherCapAmount-OtherCompensation,0)",
        ),
        Section("Maximum raise before a threshold bites (sales at the share price)"),
        Item(
            "MaxRaiseNasdaq",
            "Discount limit: gross (all discounted)",
            Unit.USD,
            "=ROUND(NasdaqCapacity*SharePrice,2)",
        ),
        Item(
            "RightsPlanMaxShares",
            "Rights plan: most shares for one buyer",
            Unit.SHARES,
            "=IF(RightsPlanTrigger<1,MAX(0,ROUNDUP(SharesOutstanding*RightsPlanTrigger/(1-RightsPlanTrigger),0)-1),0)",
        ),
        Item("MaxRaiseRightsPlan", "Rights plan: gross", Unit.USD, "=ROUND(RightsPlanMaxShares*SharePrice,2)"),
        Item(
            "DgclMaxShares",
            "DGCL §203: most shares for one buyer",
            Unit.SHARES,
            "=IF(DgclInterestedHolder<1,MAX(0,ROUNDUP(SharesOutstanding*DgclInterestedHolder/(1-DgclInterestedHolder),0)"
            "-1),0)",
        ),
        Item("MaxRaiseDgcl", "DGCL §203: gross", Unit.USD, "=ROUND(DgclMaxShares*SharePrice,2)"),
        BlockRows(
            "Tiers",
            "Commission by tier (gross sales to date)",
            "Schedule",
            "Tier",
            (
                Column("from", "From", Unit.USD, "={in:ScheduleFrom}"),
                Column("to", "To", Unit.USD, "={in:ScheduleTo}"),
                Column("rate", "Rate", Unit.RATE, "={in:ScheduleRate}"),
                Column(
                    "gross", "Gross in tier", Unit.USD, "=MAX(0,MIN(TotalGross,{col:to})-{col:from})", name="TierGross"
                ),
                Column(
                    "commission",
                    "Commission in tier",
                    Unit.USD,
                    "=ROUND(" + fee("MIN(TotalGross,{col:to})") + "-" + fee("MIN(TotalGross,{col:from})") + ",2)",
                    "=ROUND(CEO_FEE(MIN(TotalGross,{col:to}),Schedule)-CEO_FEE(MIN(TotalGross,{col:from}),Schedule),2)",
                    name="TierCommission",
                ),
            ),
        ),
        Item("TierCommissionTotal", "Commission, sum of tiers", Unit.USD, "=SUM(TierCommission)"),
    )


def fee_curve() -> Strip:
    return Strip(
        key="FeeCurve",
        title="Commission curve (chart data)",
        axis="ChartGross",
        axis_label="Gross sales",
        axis_unit=Unit.USD,
        rows=(
            StripRow(
                "fee", "Commission", Unit.USD, "=" + native_fee("{col_head}"), udf_array="=CEO_FEE({axis},Schedule)"
            ),
            StripRow(
                "rate",
                "Effective rate",
                Unit.RATE,
                "={row:fee}/{col_head}",
                udf_array="=CEO_EFFECTIVE_RATE({axis},Schedule)",
            ),
        ),
    )
