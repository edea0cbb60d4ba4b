"""The CEO model workbook, declared once.

Every sheet, input, line item, check, output and chart of the generated
workbook is listed here. :mod:`workbook.layout` places them on cells; the
builder writes that layout and the validator checks a workbook against it.
Input values come from :class:`model.DealTerms`, so the prospectus defaults
live only in ``model/``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

import model
from model.terms import DealTerms
from workbook.spec import (
    Chart,
    Check,
    Column,
    Grid,
    GridBlock,
    Input,
    InputBlock,
    Item,
    Kind,
    Note,
    Output,
    RowTable,
    Section,
    Sheet,
    Strip,
    StripRow,
    Unit,
)

VERSION = "0.1.0"
SOURCE = "NeoTherapeutics, Inc. prospectus supplement, November 1, 2001 (agent: Cantor Fitzgerald & Co.)"
PLACEMENT_ROWS = 50  # the Placements table always has room for at least this many
PLACEMENTS_FIRST_ROW = 5
PLACEMENTS_TABLE = "PlacementsTable"
FLAVOURS = ("udf", "native")
BIG = 1e12  # upper bound of validation for amounts: any real deal is far below

ILLUSTRATIVE_PLACEMENTS = pd.DataFrame(
    {
        "Trade date": [
            dt.date(2001, 11, 5),
            dt.date(2001, 11, 19),
            dt.date(2001, 12, 10),
            dt.date(2002, 1, 14),
            dt.date(2002, 2, 11),
            dt.date(2002, 3, 11),
        ],
        "Shares": [400_000, 600_000, 800_000, 700_000, 900_000, 800_000],
        "Price": [4.10, 3.95, 3.85, 4.25, 4.40, 4.60],
    }
)

# NYSE holidays for the programme's first year (trading calendar, not in the prospectus).
MARKET_HOLIDAYS = (
    dt.date(2001, 11, 22),
    dt.date(2001, 12, 25),
    dt.date(2002, 1, 1),
    dt.date(2002, 1, 21),
    dt.date(2002, 2, 18),
    dt.date(2002, 3, 29),
    dt.date(2002, 5, 27),
    dt.date(2002, 7, 4),
    dt.date(2002, 9, 2),
    dt.date(2002, 11, 28),
    dt.date(2002, 12, 25),
)

FIRST_DATE, LAST_DATE = dt.date(1990, 1, 1), dt.date(2099, 12, 31)


def native_fee(gross: str) -> str:
    """The tiered commission in built-in Excel functions: the Excel form of ``model.tier_fee``.

    Each tier contributes ``rate × clip(gross − From, 0, To − From)``, written
    without IF so that every engine evaluates it as an array inside SUMPRODUCT.
    """
    g = gross
    filled = f"({g}>ScheduleFrom)*(({g}<ScheduleTo)*{g}+({g}>=ScheduleTo)*ScheduleTo-ScheduleFrom)"
    return f"ROUND(SUMPRODUCT({filled}*ScheduleRate),RoundingDecimals)"


def _inputs(terms: DealTerms) -> tuple:
    t = terms
    P = "Prospectus"
    ill = "Illustrative assumption (not in the prospectus): replace"
    fixed = "Fixed by the securities' terms; the CEO_* functions apply this value"
    return (
        Section("Sales Agreement"),
        Input(
            "WarrantCoverage",
            "Agent warrants, % of shares sold",
            t.warrant_coverage,
            Unit.PCT,
            0,
            1,
            source=f"{P} S-11",
        ),
        Input("WarrantPremium", "Warrant strike, % of VWAP", t.warrant_premium, Unit.PCT, 0.01, 10, source=f"{P} S-11"),
        Input("WarrantTermYears", "Warrant term", t.warrant_term_years, Unit.YEARS, 0.01, 30, source=f"{P} S-12"),
        Input(
            "CashlessAfterYears",
            "Cashless exercise from",
            t.cashless_after_years,
            Unit.YEARS,
            0,
            30,
            source=f"{P} S-12",
        ),
        Input(
            "SettlementDays",
            "Settlement, business days after sale",
            t.settlement_business_days,
            Unit.DAYS,
            t.settlement_business_days,
            t.settlement_business_days,
            Kind.FIXED,
            f"{P} S-11. {fixed}",
        ),
        Input(
            "RoundingDecimals",
            "Money rounding, decimals",
            2,
            Unit.COUNT,
            2,
            2,
            Kind.FIXED,
            "Commissions, gross and strikes are rounded to the cent (Excel ROUND)",
        ),
        Section("Agent compensation"),
        Input(
            "ExpenseReimbursement",
            "Expense reimbursement",
            t.expense_reimbursement,
            Unit.USD,
            0,
            BIG,
            source=f"{P} S-12: up to $60,000",
        ),
        Input(
            "AdvisoryRetainer", "Advisory annual retainer", t.advisory_retainer, Unit.USD, 0, BIG, source=f"{P} S-12"
        ),
        Input("AdvisoryDeposit", "Advisory deposit", t.advisory_deposit, Unit.USD, 0, BIG, source=f"{P} S-12"),
        Input(
            "RetainerAllocation",
            "Retainer + deposit allocated to this offering",
            t.retainer_allocation,
            Unit.USD,
            0,
            BIG,
            source=f"{P} S-12: one half of $125,000",
        ),
        Input(
            "CompensationCap",
            "Compensation cap, % of gross (NASD)",
            t.compensation_cap,
            Unit.PCT,
            0,
            1,
            source=f"{P} S-12",
        ),
        Input(
            "IssuerOtherExpenses",
            "Issuer's other offering expenses",
            t.issuer_other_expenses,
            Unit.USD,
            0,
            BIG,
            source=f"{P} S-12: about $300,000",
        ),
        Section("Other Agreement"),
        Input("OtherMaximum", "Other Agreement maximum", t.other_maximum, Unit.USD, 0.01, BIG, source=f"{P} S-12"),
        Input("OtherRate", "Other Agreement commission", t.other_rate, Unit.PCT, 0, 1, source=f"{P} S-12: flat 4%"),
        Input(
            "OtherGross",
            "Other Agreement gross sales",
            t.other_maximum,
            Unit.USD,
            0,
            BIG,
            source=f"{ill}: full use assumed",
        ),
        Section("Market and capital structure"),
        Input(
            "SharePrice",
            "Share price",
            t.last_sale_price,
            Unit.PRICE,
            0.0001,
            100_000,
            source=f"{P} cover: last sale Oct 31, 2001",
        ),
        Input(
            "SharesOutstanding",
            "Shares outstanding",
            t.shares_outstanding,
            Unit.SHARES,
            1,
            BIG,
            Kind.WHOLE,
            f"{P} S-9: Oct 2, 2001",
        ),
        Input(
            "OptionsWarrantsOutstanding",
            "Options and warrants outstanding",
            t.options_warrants_outstanding,
            Unit.SHARES,
            0,
            BIG,
            Kind.WHOLE,
            f"{P} S-9",
        ),
        Input(
            "OptionsWarrantsExercisable",
            "of which currently exercisable",
            t.options_warrants_exercisable,
            Unit.SHARES,
            0,
            BIG,
            Kind.WHOLE,
            f"{P} S-9",
        ),
        Input(
            "VotingHoldersShares",
            "Voting-agreement holders: shares held",
            t.voting_holders_shares,
            Unit.SHARES,
            0,
            BIG,
            Kind.WHOLE,
            f"{P} S-10",
        ),
        Input(
            "VotingHoldersPotential",
            "Voting-agreement holders: potential shares",
            t.voting_holders_potential_shares,
            Unit.SHARES,
            0,
            BIG,
            Kind.WHOLE,
            f"{P} S-10",
        ),
        Input("Cash", "Cash on hand", t.cash, Unit.USD, 0, BIG, source=ill),
        Input(
            "MonthlyBurn",
            "Cash burn per month",
            t.monthly_burn,
            Unit.USD,
            0.01,
            BIG,
            source=f"{P} S-4: about $2.3 million",
        ),
        Input(
            "Volatility",
            "Share price volatility (annual)",
            t.volatility,
            Unit.PCT,
            0.0001,
            10,
            source=f"{ill}. Above about 47% the warrants' value breaks the 8% cap with the illustrative placements",
        ),
        Input("RiskFreeRate", "Risk-free rate (continuous)", t.risk_free_rate, Unit.PCT, -0.5, 1, source=ill),
        Input("DividendYield", "Dividend yield (continuous)", t.dividend_yield, Unit.PCT, 0, 1, source=ill),
        Section("Listing"),
        Input(
            "NasdaqLimit",
            "Nasdaq discount issuance limit, % of outstanding",
            t.nasdaq_discount_limit,
            Unit.PCT,
            t.nasdaq_discount_limit,
            t.nasdaq_discount_limit,
            Kind.FIXED,
            f"{P} S-8. {fixed}",
        ),
        Input(
            "AlreadyIssuedAtDiscount",
            "Shares already issued at a discount",
            0,
            Unit.SHARES,
            0,
            BIG,
            Kind.WHOLE,
            "Counts against the Nasdaq 20% limit",
        ),
        Input("NasdaqMinimumBid", "Nasdaq minimum bid", t.nasdaq_minimum_bid, Unit.PRICE, 0, 1000, source=f"{P} S-8"),
        Section("Convertible debentures"),
        Input(
            "DebenturePrincipal",
            "Debenture principal",
            t.debenture_principal,
            Unit.USD,
            0,
            BIG,
            source=f"{P} S-4: $8 million block",
        ),
        Input("DebentureDays", "Days from issuance to conversion", 120, Unit.DAYS, 0, 100_000, Kind.WHOLE, ill),
        Input(
            "DebenturePremium",
            "Initial conversion price, % of 5-day average",
            t.debenture_initial_premium,
            Unit.PCT,
            t.debenture_initial_premium,
            t.debenture_initial_premium,
            Kind.FIXED,
            f"{P} S-7. {fixed}",
        ),
        Input(
            "DebentureResetDays",
            "Reset applies after (days)",
            t.debenture_reset_after_days,
            Unit.DAYS,
            t.debenture_reset_after_days,
            t.debenture_reset_after_days,
            Kind.FIXED,
            f"{P} S-7. {fixed}",
        ),
        Input(
            "DebentureResetFactor",
            "Reset price, % of 10 lowest bids' average",
            t.debenture_reset_factor,
            Unit.PCT,
            t.debenture_reset_factor,
            t.debenture_reset_factor,
            Kind.FIXED,
            f"{P} S-7. {fixed}",
        ),
        Section("Class B warrants"),
        Input(
            "ClassBCap",
            "Exercise price cap",
            t.classb_cap,
            Unit.PRICE,
            0.01,
            100_000,
            source=f"{P} S-7: adjusted for splits",
        ),
        Input(
            "ClassBFactor",
            "Exercise price, % of closing bid",
            t.classb_factor,
            Unit.PCT,
            t.classb_factor,
            t.classb_factor,
            Kind.FIXED,
            f"{P} S-7. {fixed}",
        ),
        Input(
            "ClassBFactorLow",
            "... when the market price is below the threshold",
            t.classb_factor_low,
            Unit.PCT,
            t.classb_factor_low,
            t.classb_factor_low,
            Kind.FIXED,
            f"{P} S-7. {fixed}",
        ),
        Input(
            "ClassBLowPrice",
            "Threshold market price",
            t.classb_low_price,
            Unit.PRICE,
            t.classb_low_price,
            t.classb_low_price,
            Kind.FIXED,
            f"{P} S-7. {fixed}",
        ),
        Input(
            "ClassBFloor",
            "Below this price not usable as financing",
            t.classb_financing_floor,
            Unit.PRICE,
            0,
            100_000,
            source=f"{P} S-7",
        ),
        Input(
            "ClassBShares", "Class B shares exercisable", t.classb_shares, Unit.SHARES, 0, BIG, Kind.WHOLE, f"{P} S-7"
        ),
        Section("Checks"),
        Input("EqualityTolerance", "Tolerance for equality checks", 0.005, Unit.USD, 0, 1, source="Half a cent"),
    )


def _blocks(terms: DealTerms) -> tuple:
    t = terms
    ill = "Illustrative: replace"
    sched = tuple(tuple(row) for row in t.schedule.rows())
    return (
        InputBlock(
            "Schedule",
            "Commission schedule",
            ("From", "To", "Rate"),
            sched,
            (Unit.USD, Unit.USD, Unit.RATE),
            (0, 0, 0),
            (BIG, BIG, 1),
            source="Prospectus cover; S-11",
            column_names=("ScheduleFrom", "ScheduleTo", "ScheduleRate"),
        ),
        InputBlock(
            "Holidays",
            "Market holidays",
            ("Date",),
            tuple((d,) for d in (t.holidays or MARKET_HOLIDAYS)),
            (Unit.DATE,),
            (FIRST_DATE,),
            (LAST_DATE,),
            Kind.DATE,
            "NYSE calendar",
        ),
        InputBlock(
            "IssuePrices",
            "Debenture: 5 days before issuance",
            ("Price",),
            tuple((t.last_sale_price,) for _ in range(t.debenture_issue_days)),
            (Unit.PRICE,),
            (0.0001,),
            (100_000,),
            source=ill,
        ),
        InputBlock(
            "BidProfile",
            "Debenture: 30 bids, % of scenario price",
            ("Factor",),
            tuple((1.0,) for _ in range(t.debenture_bid_days)),
            (Unit.PCT,),
            (0.0001,),
            (100,),
            source=f"{ill}: 100% = flat at the scenario price",
        ),
        InputBlock(
            "LowestRanks",
            "Debenture: ranks averaged",
            ("Rank",),
            tuple((float(k),) for k in range(1, t.debenture_lowest_bids + 1)),
            (Unit.COUNT,),
            (1,),
            (float(t.debenture_bid_days),),
            Kind.WHOLE,
            "Prospectus S-7: the 10 lowest",
        ),
        InputBlock(
            "ConversionPrices",
            "Conversions: share prices",
            ("Price",),
            tuple((p,) for p in (1.00, 1.50, 2.00, 2.50, 3.00, 3.50, t.last_sale_price, 5.00, 6.00, 8.00)),
            (Unit.PRICE,),
            (0.0001,),
            (100_000,),
            source="Scenario axis",
        ),
        InputBlock(
            "ClassBBids",
            "Class B: closing bids",
            ("Bid",),
            tuple((p,) for p in (1.50, 1.99, 2.00, 3.00, t.last_sale_price, 4.99, 5.00, 6.00, 20.00, 40.00)),
            (Unit.PRICE,),
            (0.0001,),
            (100_000,),
            source="Scenario axis",
        ),
        InputBlock(
            "ScenarioPrices",
            "Scenarios: share prices",
            ("Price",),
            tuple((p,) for p in (1.00, 2.00, 3.00, t.last_sale_price, 5.00, 6.00, 8.00, 10.00)),
            (Unit.PRICE,),
            (0.0001,),
            (100_000,),
            source="Scenario axis",
        ),
        InputBlock(
            "ScenarioSizes",
            "Scenarios: programme sizes",
            ("Gross",),
            tuple((t.schedule.maximum * k / 5,) for k in range(1, 6)),
            (Unit.USD,),
            (0,),
            (t.schedule.maximum,),
            source="Scenario axis (at most the programme maximum)",
        ),
        InputBlock(
            "ChartGross",
            "Chart: gross sales points",
            ("Gross",),
            tuple((t.schedule.maximum * k / 25,) for k in range(1, 26)),
            (Unit.USD,),
            (0.01,),
            (t.schedule.maximum,),
            source="Chart axis",
        ),
    )


def _ledger(capacity: int) -> RowTable:
    fee = native_fee
    return RowTable(
        key="Ledger",
        title="Placement ledger (one row per row of the Placements table)",
        source_sheet="Placements",
        source_first_row=PLACEMENTS_FIRST_ROW,
        rows=capacity,
        source_columns=("A", "B", "C"),
        columns=(
            Column("date", "Trade date", Unit.DATE, "={src:0}", name="LedgerDates"),
            Column("shares", "Shares", Unit.SHARES, "={src:1}", name="LedgerShares"),
            Column("price", "Price", Unit.PRICE, "={src:2}", name="LedgerPrices"),
            Column("active", "Active", Unit.FLAG, "=IF(ISNUMBER({src:1}),1,0)", name="LedgerActive"),
            Column(
                "partial",
                "Incomplete row",
                Unit.FLAG,
                "=IF(AND(ISNUMBER({src:0})=ISNUMBER({src:1}),ISNUMBER({src:1})=ISNUMBER({src:2})),0,1)",
                name="LedgerIncomplete",
            ),
            Column("gross", "Gross", Unit.USD, "=ROUND({col:shares}*{col:price},RoundingDecimals)", name="LedgerGross"),
            Column(
                "cumulative", "Cumulative gross", Unit.USD, "=SUM({first:gross}:{col:gross})", name="LedgerCumulative"
            ),
            Column("prior", "Prior gross", Unit.USD, "={col:cumulative}-{col:gross}"),
            Column(
                "fee_to_date",
                "Fee to date",
                Unit.USD,
                "=" + fee("{col:cumulative}"),
                "=CEO_FEE({col:cumulative},Schedule)",
            ),
            Column("fee_before", "Fee before", Unit.USD, "=" + fee("{col:prior}"), "=CEO_FEE({col:prior},Schedule)"),
            Column(
                "commission",
                "Commission",
                Unit.USD,
                "=ROUND({col:fee_to_date}-{col:fee_before},RoundingDecimals)",
                "=CEO_FEE_INCREMENT({col:prior},{col:gross},Schedule)",
                name="LedgerCommission",
            ),
            Column("net", "Net", Unit.USD, "={col:gross}-{col:commission}", name="LedgerNet"),
            Column(
                "warrants",
                "Warrant shares",
                Unit.SHARES,
                "=ROUNDDOWN({col:shares}*WarrantCoverage,0)",
                "=CEO_WARRANT_SHARES({col:shares},WarrantCoverage)",
                name="LedgerWarrantShares",
            ),
            Column(
                "strike",
                "Warrant strike",
                Unit.PRICE,
                "=IF({col:active}=1,ROUND({col:price}*WarrantPremium,RoundingDecimals),0)",
                "=IF({col:active}=1,CEO_WARRANT_STRIKE({col:price},WarrantPremium),0)",
                name="LedgerStrikes",
            ),
            Column(
                "settlement",
                "Settlement date",
                Unit.DATE,
                "=IF({col:active}=1,WORKDAY({col:date},SettlementDays,Holidays),0)",
                "=IF({col:active}=1,CEO_SETTLEMENT_DATE({col:date},Holidays),0)",
                name="LedgerSettlement",
            ),
        ),
    )


def _totals() -> tuple:
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
            "Rate on the next dollar",
            Unit.RATE,
            "=SUMPRODUCT((TotalGross>=ScheduleFrom)*(TotalGross<ScheduleTo)*ScheduleRate)",
            "=CEO_MARGINAL_RATE(TotalGross,Schedule)",
        ),
        Section("Agent warrants"),
        Item(
            "VWAP",
            "Volume-weighted average price",
            Unit.PRICE,
            "=IF(TotalShares>0,SUMPRODUCT(LedgerShares,LedgerPrices)/TotalShares,0)",
            "=IF(TotalShares>0,CEO_VWAP(PlacementShares,PlacementPrices),0)",
        ),
        Item("WarrantShares", "Warrant shares", Unit.SHARES, "=SUM(LedgerWarrantShares)"),
        Item(
            "WarrantStrike",
            "Warrant strike (130% of VWAP)",
            Unit.PRICE,
            "=IF(VWAP>0,ROUND(VWAP*WarrantPremium,RoundingDecimals),0)",
            "=IF(VWAP>0,CEO_WARRANT_STRIKE(VWAP,WarrantPremium),0)",
        ),
        Item(
            "BsmD1",
            "Black-Scholes d1",
            Unit.NUMBER,
            "=IF(WarrantStrike>0,(LN(SharePrice/WarrantStrike)+(RiskFreeRate-DividendYield+Volatility^2/2)"
            "*WarrantTermYears)/(Volatility*SQRT(WarrantTermYears)),0)",
        ),
        Item("BsmD2", "Black-Scholes d2", Unit.NUMBER, "=BsmD1-Volatility*SQRT(WarrantTermYears)"),
        Item(
            "WarrantValue",
            "Value per warrant (Black-Scholes)",
            Unit.PRICE,
            "=IF(WarrantStrike>0,SharePrice*EXP(-DividendYield*WarrantTermYears)*_xlfn.NORM.S.DIST(BsmD1,TRUE)"
            "-WarrantStrike*EXP(-RiskFreeRate*WarrantTermYears)*_xlfn.NORM.S.DIST(BsmD2,TRUE),0)",
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
        Item("CompensationCapAmount", "Cap in dollars", Unit.USD, "=CompensationCap*TotalGross"),
        Item(
            "CompensationHeadroom",
            "Headroom under the cap",
            Unit.USD,
            "=IF(TotalGross>0,CompensationCapAmount-TotalCompensation,0)",
            f"=IF(TotalGross>0,CEO_COMPENSATION_HEADROOM({comp_args},Schedule,CompensationCap),0)",
        ),
        Section("Other Agreement"),
        Item(
            "OtherFee",
            "Other Agreement commission",
            Unit.USD,
            "=ROUND(OtherGross*OtherRate,RoundingDecimals)",
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
            "Nasdaq 20% capacity",
            Unit.SHARES,
            "=MAX(0,ROUNDUP(SharesOutstanding*NasdaqLimit,0)-1-AlreadyIssuedAtDiscount)",
            "=NASDAQ_20PCT_CAPACITY(SharesOutstanding,AlreadyIssuedAtDiscount)",
        ),
        Item("NasdaqHeadroom", "Shares left under the Nasdaq line", Unit.SHARES, "=NasdaqCapacity-TotalShares"),
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


def _fee_curve() -> Strip:
    return Strip(
        key="FeeCurve",
        title="Commission curve (chart data)",
        axis="ChartGross",
        axis_label="Gross sales",
        axis_unit=Unit.USD,
        rows=(
            StripRow("fee", "Commission", Unit.USD, "=" + native_fee("{col_head}"), "=CEO_FEE({col_head},Schedule)"),
            StripRow(
                "rate", "Effective rate", Unit.RATE, "={row:fee}/{col_head}", "=CEO_EFFECTIVE_RATE({col_head},Schedule)"
            ),
        ),
    )


def _debentures() -> tuple:
    return (
        Item(
            "InitialConversionPrice", "Initial conversion price", Unit.PRICE, "=DebenturePremium*AVERAGE(IssuePrices)"
        ),
        Strip(
            key="Debentures",
            title="Convertible debentures by share price",
            axis="ConversionPrices",
            axis_label="Share price",
            axis_unit=Unit.PRICE,
            rows=(
                StripRow("bid", "Closing bid", Unit.PRICE, "={col_head}*{repeat}", repeat="BidProfile"),
                StripRow(
                    "lowest",
                    "Average of the lowest bids",
                    Unit.PRICE,
                    "=SUMPRODUCT(SMALL({rows:bid},LowestRanks))/COUNT(LowestRanks)",
                ),
                StripRow(
                    "price",
                    "Conversion price",
                    Unit.PRICE,
                    "=IF(DebentureDays>DebentureResetDays,MIN(InitialConversionPrice,DebentureResetFactor*{row:lowest}),"
                    "InitialConversionPrice)",
                    "=DEBENTURE_CONVERSION_PRICE(IssuePrices,{rows:bid},DebentureDays)",
                ),
                StripRow(
                    "shares",
                    "Shares on conversion",
                    Unit.SHARES,
                    "=ROUNDDOWN(DebenturePrincipal/{row:price},0)",
                    "=DEBENTURE_CONVERSION_SHARES(DebenturePrincipal,{row:price})",
                ),
                StripRow(
                    "dilution",
                    "Dilution",
                    Unit.PCT,
                    "={row:shares}/(SharesOutstanding+{row:shares})",
                    "=DILUTION_PCT({row:shares},SharesOutstanding)",
                ),
            ),
        ),
        Strip(
            key="ClassB",
            title="Class B warrants on a redemption notice, by closing bid",
            axis="ClassBBids",
            axis_label="Closing bid",
            axis_unit=Unit.PRICE,
            rows=(
                StripRow(
                    "factor",
                    "% of bid applied",
                    Unit.PCT,
                    "=IF({col_head}<ClassBLowPrice,ClassBFactorLow,ClassBFactor)",
                ),
                StripRow(
                    "price",
                    "Exercise price",
                    Unit.PRICE,
                    "=MIN(ClassBCap,{row:factor}*{col_head})",
                    "=CLASSB_EXERCISE_PRICE({col_head},{col_head},ClassBCap)",
                ),
                StripRow("floor", "Below financing floor", Unit.FLAG, "=IF({col_head}<ClassBFloor,1,0)"),
                StripRow("proceeds", "Proceeds if all exercised", Unit.USD, "={row:price}*ClassBShares"),
            ),
        ),
    )


def _scenarios() -> Grid:
    return Grid(
        key="Scenarios",
        title="Share price × programme size",
        row_axis="ScenarioPrices",
        col_axis="ScenarioSizes",
        row_label="Share price",
        col_label="Programme size",
        row_unit=Unit.PRICE,
        col_unit=Unit.USD,
        blocks=(
            GridBlock("shares", "Shares issued", Unit.SHARES, "=ROUNDDOWN({col_head}/{row_head},0)"),
            GridBlock(
                "dilution",
                "Dilution",
                Unit.PCT,
                "={block:shares}/(SharesOutstanding+{block:shares})",
                "=DILUTION_PCT({block:shares},SharesOutstanding)",
            ),
            GridBlock(
                "net",
                "Net proceeds",
                Unit.USD,
                "={col_head}-" + native_fee("{col_head}"),
                "=CEO_NET_PROCEEDS({col_head},Schedule)",
            ),
        ),
    )


CHECKS = (
    Check(
        "CheckLedger",
        "Ledger commissions add up to the commission on the total",
        "=IFERROR(IF(ABS(LedgerCommissionTotal-TotalCommission)>EqualityTolerance,1,0),1)",
    ),
    Check(
        "CheckProgrammeMax",
        "Cumulative gross within the programme maximum",
        "=IFERROR(IF(TotalGross>ProgrammeMaximum,1,0),1)",
    ),
    Check("CheckCap", "Compensation within the 8% cap", "=IFERROR(IF(CompensationHeadroom<0,1,0),1)"),
    Check("CheckNasdaq", "Shares sold below the Nasdaq 20% line", "=IFERROR(IF(TotalShares>NasdaqCapacity,1,0),1)"),
    Check("CheckPlacementRows", "Every placement row complete", "=IFERROR(IF(SUM(LedgerIncomplete)>0,1,0),1)"),
    Check("CheckInputs", "Inputs valid", "=IFERROR(IF(SUM(InputFlags)>0,1,0),1)"),
)

OUTPUTS = (
    Output("OutTotalGross", "Gross sales", "TotalGross", Unit.USD),
    Output("OutTotalCommission", "Commission", "TotalCommission", Unit.USD),
    Output("OutNetProceeds", "Net proceeds", "NetProceeds", Unit.USD),
    Output("OutEffectiveRate", "Effective commission rate", "EffectiveRate", Unit.RATE),
    Output("OutVWAP", "VWAP", "VWAP", Unit.PRICE),
    Output("OutWarrantShares", "Agent warrant shares", "WarrantShares", Unit.SHARES),
    Output("OutWarrantStrike", "Warrant strike", "WarrantStrike", Unit.PRICE),
    Output("OutTotalWarrantValue", "Value of agent warrants", "TotalWarrantValue", Unit.USD),
    Output("OutTotalCompensation", "Agent's total compensation", "TotalCompensation", Unit.USD),
    Output("OutCompensationPct", "Compensation, % of gross", "CompensationPct", Unit.PCT),
    Output("OutCompensationHeadroom", "Headroom under the 8% cap", "CompensationHeadroom", Unit.USD),
    Output("OutDilutionPct", "Dilution from shares sold", "DilutionPct", Unit.PCT),
    Output("OutFullDilutionPct", "Dilution, all options and warrants", "FullDilutionPct", Unit.PCT),
    Output("OutNasdaqCapacity", "Nasdaq 20% capacity", "NasdaqCapacity", Unit.SHARES),
    Output("OutRunwayMonths", "Runway after offering", "RunwayMonths", Unit.MONTHS),
    Output("OutOtherFee", "Other Agreement commission", "OtherFee", Unit.USD),
    Output("OutChecksTotal", "Checks failing (0 = all pass)", "ChecksTotal", Unit.COUNT),
)

COMPENSATION_CHART = (
    Output("OutChartCommission", "Commission", "TotalCommission", Unit.USD),
    Output("OutChartWarrants", "Warrants", "TotalWarrantValue", Unit.USD),
    Output("OutChartExpenses", "Expenses", "ExpenseReimbursement", Unit.USD),
    Output("OutChartRetainer", "Retainer allocation", "RetainerAllocation", Unit.USD),
    Output("OutChartTotal", "Total compensation", "TotalCompensation", Unit.USD),
    Output("OutChartCap", "8% cap", "CompensationCapAmount", Unit.USD),
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
        "Compensation against the 8% cap",
        "bar",
        "E39",
        (("Amount", "Outputs.compensation"),),
        "Outputs.compensation_labels",
        "Dollars",
        y_format='"$"#,##0',
    ),
)


def placement_capacity(placements: int) -> int:
    """Rows of the Placements table: at least PLACEMENT_ROWS, and room for every placement."""
    return max(PLACEMENT_ROWS, placements)


def template(terms: DealTerms = model.PROSPECTUS, placements: pd.DataFrame | None = None) -> tuple[Sheet, ...]:
    """The workbook's sheets for ``terms`` and a placement schedule (illustrative by default)."""
    rows = ILLUSTRATIVE_PLACEMENTS if placements is None else placements
    illustrative = placements is None
    capacity = placement_capacity(len(rows))
    return (
        Sheet(
            "Cover",
            "CEO Model",
            (
                Note("CEO Model — Controlled Equity Offering", "title"),
                Note(f"Source of every default: {SOURCE}.", "subtitle"),
                Note(
                    "What it is: the issuer sells up to the programme maximum of common stock through a placement agent, pays "
                    "a tiered commission and grants the agent warrants. The model computes commissions per placement, net "
                    "proceeds, the agent's warrants and their value, compensation against the 8% cap, dilution, the Nasdaq 20% "
                    "line, debenture and Class B conversion terms, and cash runway."
                ),
                Note(
                    "How to use: change the yellow cells on Inputs and the rows of the Placements table. Calculations, "
                    "Conversions and Scenarios follow; Outputs shows the key figures and charts; Checks must total 0."
                ),
                Note(
                    "Colours: yellow with blue text = input; black = formula; grey rows = headings. Units are in the column "
                    "beside each value; sources in the last column."
                ),
                Note("FLAVOUR"),
                Note(
                    f"Model version {VERSION}. Generated by CEO Model (python build.py); recalculate with "
                    "python -m workbook recalc, check with python -m workbook validate."
                ),
            ),
        ),
        Sheet("Inputs", "Inputs", _inputs(terms) + _blocks(terms), "FFF2CC"),
        Sheet(
            "Placements",
            "Placements",
            (
                Note(
                    "ILLUSTRATIVE placement schedule — replace with the actual placements"
                    if illustrative
                    else "Placement schedule",
                    "warning" if illustrative else "subtitle",
                ),
                rows,
                capacity,
            ),
            "FFF2CC",
        ),
        Sheet("Calculations", "Calculations", (_ledger(capacity), *_totals(), _fee_curve())),
        Sheet("Conversions", "Conversions", _debentures()),
        Sheet("Scenarios", "Scenarios", (_scenarios(),)),
        Sheet("Outputs", "Outputs", (OUTPUTS, COMPENSATION_CHART, CHARTS), "C6E0B4"),
        Sheet("Checks", "Checks", CHECKS, "F8CBAD"),
    )
