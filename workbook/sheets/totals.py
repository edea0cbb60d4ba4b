"""Programme totals on Calculations: gross, commission, warrants, compensation cap, dilution, listing, cash."""

from __future__ import annotations

from workbook.kit.spec import (
    Item,
    Label,
    Section,
    Unit,
)
from workbook.sheets.native import native_bsm_d1, native_bsm_value, native_fee


def totals() -> tuple:
    fee = native_fee
    comp_args = "TotalGross,TotalWarrantValue,ExpenseReimbursement,RetainerAllocation"
    return (
        Section("Programme totals"),
        Item("PlacementCount", "Placements", Unit.COUNT, "=SUM(LedgerActive)"),
        Item("TotalShares", "Shares sold", Unit.SHARES, "=SUM(LedgerShares)"),
        Item("TotalGross", "Gross sales", Unit.USD, "=SUM(LedgerGross)"),
        Item("ProgrammeMaximum", "Programme maximum", Unit.USD, "=MAX(ScheduleTo)"),
        Item(
            "TotalCommission",
            "Commission on total gross",
            Unit.USD,
            "=" + fee("TotalGross"),
            "=CEO_FEE(TotalGross,Schedule)",
        ),
        Item("LedgerCommissionTotal", "Commission, sum of placements", Unit.USD, "=SUM(LedgerCommission)"),
        Item(
            "NetProceeds",
            "Net proceeds",
            Unit.USD,
            "=TotalGross-TotalCommission",
            "=CEO_NET_PROCEEDS(TotalGross,Schedule)",
        ),
        Item(
            "EffectiveRate",
            "Effective commission rate",
            Unit.RATE,
            "=IF(TotalGross>0,TotalCommission/TotalGross,0)",
            "=IF(TotalGross>0,CEO_EFFECTIVE_RATE(TotalGross,Schedule),0)",
        ),
        Item(
            "MarginalRate",
            "Rate on the next dollar (0 once the programme is sold out)",
            Unit.RATE,
            "=SUMPRODUCT((TotalGross>=ScheduleFrom)*(TotalGross<ScheduleTo)*ScheduleRate)",
            "=IF(TotalGross<ProgrammeMaximum,CEO_MARGINAL_RATE(TotalGross,Schedule),0)",
        ),
        Section("Agent warrants"),
        Item(
            "VWAP",
            "Volume-weighted average price",
            Unit.PRICE,
            "=IF(TotalShares>0,SUMPRODUCT(LedgerShares,LedgerPrices)/TotalShares,0)",
            "=IF(TotalShares>0,CEO_VWAP(LedgerShares,LedgerPrices),0)",
        ),
        Item(
            "WarrantShares",
            Label("Warrant shares ({WarrantCoverage:%} of shares sold)"),
            Unit.SHARES,
            "=SUM(LedgerWarrantShares)",
        ),
        Item(
            "WarrantStrike",
            Label("Warrant strike ({WarrantPremium:%} of VWAP)"),
            Unit.PRICE,
            "=IF(VWAP>0,ROUND(VWAP*WarrantPremium,2),0)",
            "=IF(VWAP>0,CEO_WARRANT_STRIKE(VWAP,WarrantPremium),0)",
        ),
        Item(
            "BsmD1",
            "Black-Scholes d1",
            Unit.NUMBER,
            native_bsm_d1("WarrantStrike"),
        ),
        Item("BsmD2", "Black-Scholes d2", Unit.NUMBER, "=BsmD1-Volatility*SQRT(WarrantTermYears)"),
        Item(
            "WarrantValue",
            "Value per warrant (Black-Scholes)",
            Unit.PRICE,
            native_bsm_value("WarrantStrike", "BsmD1", "BsmD2"),
            "=IF(WarrantStrike>0,"
            "CEO_WARRANT_VALUE(SharePrice,WarrantStrike,WarrantTermYears,Volatility,RiskFreeRate,DividendYield),0)",
        ),
        Item("TotalWarrantValue", "Value of all agent warrants", Unit.USD, "=WarrantValue*WarrantShares"),
        Item(
            "CashlessShares",
            "Net shares on cashless exercise today",
            Unit.SHARES,
            "=IF(AND(WarrantStrike>0,SharePrice>WarrantStrike),"
            "ROUNDDOWN(WarrantShares*(SharePrice-WarrantStrike)/SharePrice,0),0)",
            "=IF(WarrantStrike>0,CEO_CASHLESS_SHARES(WarrantShares,WarrantStrike,SharePrice),0)",
        ),
        Item(
            "FirstTradeDate",
            "First placement",
            Unit.DATE,
            "=IF(PlacementCount>0,SMALL(LedgerDates,COUNTIF(LedgerDates,0)+1),0)",
        ),
        Item(
            "WarrantsCashlessFrom",
            Label("First placement's warrants: cashless exercise from (issue + {CashlessAfterYears:#} yr)"),
            Unit.DATE,
            "=IF(PlacementCount>0,DATE(YEAR(FirstTradeDate)+CashlessAfterYears,MONTH(FirstTradeDate),DAY(FirstTradeDate)),0)",
        ),
        Item(
            "WarrantsTransferableFrom",
            Label("First placement's warrants: transferable from (issue + {TransferRestrictionYears:#} yr)"),
            Unit.DATE,
            "=IF(PlacementCount>0,DATE(YEAR(FirstTradeDate)+TransferRestrictionYears,MONTH(FirstTradeDate),"
            "DAY(FirstTradeDate)),0)",
        ),
        Item(
            "WarrantsExpire",
            Label("First placement's warrants: expire (issue + {WarrantTermYears:#} yr)"),
            Unit.DATE,
            "=IF(PlacementCount>0,DATE(YEAR(FirstTradeDate)+WarrantTermYears,MONTH(FirstTradeDate),DAY(FirstTradeDate)),0)",
        ),
        Section("Compensation cap"),
        Item(
            "TotalCompensation",
            "Agent's total compensation",
            Unit.USD,
            "=TotalCommission+TotalWarrantValue+ExpenseReimbursement+RetainerAllocation",
            f"=CEO_TOTAL_COMPENSATION({comp_args},Schedule)",
        ),
        Item(
            "CompensationPct",
            "Compensation, % of gross",
            Unit.PCT,
            "=IF(TotalGross>0,TotalCompensation/TotalGross,0)",
            f"=IF(TotalGross>0,CEO_COMPENSATION_PCT({comp_args},Schedule),0)",
        ),
        Item(
            "CompensationCapAmount",
            Label("Cap in dollars ({CompensationCap:%} of gross)"),
            Unit.USD,
            "=CompensationCap*TotalGross",
        ),
        Item(
            "CompensationHeadroom",
            Label("Headroom under the {CompensationCap:%} cap"),
            Unit.USD,
            "=IF(TotalGross>0,CompensationCapAmount-TotalCompensation,0)",
            f"=IF(TotalGross>0,CEO_COMPENSATION_HEADROOM({comp_args},Schedule,CompensationCap),0)",
        ),
        Section("Other Agreement"),
        Item(
            "OtherFee",
            Label("Other Agreement commission ({OtherRate:%})"),
            Unit.USD,
            "=ROUND(OtherGross*OtherRate,2)",
            "=OTHER_FEE(OtherGross,OtherRate,OtherMaximum)",
        ),
        Section("Dilution and listing"),
        Item(
            "DilutionPct",
            "Dilution from shares sold",
            Unit.PCT,
            "=TotalShares/(SharesOutstanding+TotalShares)",
            "=DILUTION_PCT(TotalShares,SharesOutstanding)",
        ),
        Item(
            "FullDilutionPct",
            "Dilution if all options and warrants exercised",
            Unit.PCT,
            "=OptionsWarrantsOutstanding/(SharesOutstanding+OptionsWarrantsOutstanding)",
            "=DILUTION_PCT(OptionsWarrantsOutstanding,SharesOutstanding)",
        ),
        Item(
            "VotingHoldersOwnership",
            "Voting-agreement holders, fully diluted",
            Unit.PCT,
            "=(VotingHoldersShares+VotingHoldersPotential)/(SharesOutstanding+VotingHoldersPotential)",
            "=OWNERSHIP_PCT(VotingHoldersShares,VotingHoldersPotential,SharesOutstanding)",
        ),
        Item(
            "NasdaqCapacity",
            Label("Discount issuance capacity ({NasdaqLimit:%} limit)"),
            Unit.SHARES,
            "=MAX(0,ROUNDUP(SharesOutstanding*NasdaqLimit,0)-1-AlreadyIssuedAtDiscount)",
            "=NASDAQ_20PCT_CAPACITY(SharesOutstanding,AlreadyIssuedAtDiscount,NasdaqLimit)",
        ),
        Item(
            "DiscountShares",
            "Shares sold below the listing rule's minimum price",
            Unit.SHARES,
            "=SUM(LedgerDiscountShares)",
        ),
        Item(
            "NasdaqHeadroom",
            Label("Shares left under the {NasdaqLimit:%} limit"),
            Unit.SHARES,
            "=NasdaqCapacity-DiscountShares",
        ),
        Item(
            "DilutionExercisable",
            "Dilution if exercisable options and warrants are exercised",
            Unit.PCT,
            "=OptionsWarrantsExercisable/(SharesOutstanding+OptionsWarrantsExercisable)",
            "=DILUTION_PCT(OptionsWarrantsExercisable,SharesOutstanding)",
        ),
        Item(
            "AgentOwnership",
            "Agent's ownership if its warrants are exercised",
            Unit.PCT,
            "=WarrantShares/(SharesOutstanding+TotalShares+WarrantShares)",
            "=OWNERSHIP_PCT(0,WarrantShares,SharesOutstanding+TotalShares)",
        ),
        Section("Trading"),
        Item(
            "SharePriceInRange",
            "Share price within its 52-week range (0 = low, 1 = high)",
            Unit.NUMBER,
            "=IF(PriceHigh52w>PriceLow52w,(SharePrice-PriceLow52w)/(PriceHigh52w-PriceLow52w),0)",
        ),
        Item(
            "LargestPlacementAdv",
            "Largest placement, days of average daily volume",
            Unit.NUMBER,
            "=IF(AverageDailyVolume>0,MAX(LedgerShares)/AverageDailyVolume,0)",
        ),
        Item(
            "SharesSoldAdv",
            "Shares sold, days of average daily volume",
            Unit.NUMBER,
            "=IF(AverageDailyVolume>0,TotalShares/AverageDailyVolume,0)",
        ),
        Item(
            "LockupEnds",
            Label("Lock-up ends ({LockupTradingDays:0} trading days after the last settlement)"),
            Unit.DATE,
            # WORKDAY in both flavours: CEO_SETTLEMENT_DATE counts a settlement cycle (at most 10 days) and would
            # refuse a longer lock-up that the native flavour computes
            "=IF(PlacementCount>0,WORKDAY(MAX(LedgerSettlement),LockupTradingDays,Holidays),0)",
        ),
        Section("Cash"),
        Item("CashAfterOffering", "Cash after offering", Unit.USD, "=Cash+NetProceeds-IssuerOtherExpenses"),
        Item(
            "RunwayMonths",
            "Runway",
            Unit.MONTHS,
            "=CashAfterOffering/MonthlyBurn",
            "=RUNWAY_MONTHS(CashAfterOffering,MonthlyBurn)",
        ),
    )
