"""The CEO model workbook, declared once.

Every sheet, input, line item, check, output and chart of the generated
workbook is listed here. :mod:`workbook.kit.layout` places them on cells; the
builder writes that layout and the validator checks a workbook against it.
Input values come from :class:`model.DealTerms`, so the prospectus defaults
live only in ``model/``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import model
from model import deals
from model.calendars import holidays_for
from model.terms import BIG, FIRST_DATE, LAST_DATE, TERM, TERMS, DealTerms, Nature, Term
from model.terms import Unit as TermUnit
from model.terms_file import sources_for
from workbook.kit.shape import (  # noqa: F401 (re-exported: the sheets' public names)
    FLAVOURS,
    LEDGER_SPARE_ROWS,
    NOT_JUDGED,
    PLACEMENT_COLUMN_NAMES,
    PLACEMENT_ROWS,
    PLACEMENTS_FIRST_ROW,
    PLACEMENTS_TABLE,
    PLACEMENTS_WATCHED_BELOW,
    VERSION,
    placement_capacity,
)
from workbook.kit.spec import (
    BlockRows,
    Chart,
    Check,
    CheckGroup,
    Column,
    Contents,
    Grid,
    GridBlock,
    Input,
    InputBlock,
    Item,
    Kind,
    Label,
    Legend,
    Note,
    Output,
    RowTable,
    Section,
    Sheet,
    Strip,
    StripRow,
    Timeline,
    TimelineRow,
    Unit,
)

UNITS = {
    TermUnit.USD: Unit.USD,
    TermUnit.PRICE: Unit.PRICE,
    TermUnit.PCT: Unit.PCT,
    TermUnit.RATE: Unit.RATE,
    TermUnit.SHARES: Unit.SHARES,
    TermUnit.YEARS: Unit.YEARS,
    TermUnit.DAYS: Unit.DAYS,
    TermUnit.COUNT: Unit.COUNT,
    TermUnit.DATE: Unit.DATE,
    TermUnit.TEXT: Unit.TEXT,
}
NATURE_NOTE = {
    Nature.ASSUMPTION: "Illustrative assumption: replace",
    Nature.MARKET: "",
    Nature.CONTRACT: "",
    Nature.IDENTITY: "",
}


@dataclass(frozen=True)
class Deal:
    """What the template needs of a deal besides its terms: where each term comes from."""

    terms: DealTerms
    sources: dict = field(default_factory=dict)
    verbatim: bool = False  # sources keyed by defined name and shown as they are (read back from a workbook)

    def source(self, name: str) -> str:
        term = TERM.get(name)
        if self.verbatim:
            key = term.excel if term and term.excel else BLOCK_OF.get(name, name)
            return self.sources.get(key, "")
        cited = self.sources.get(name, "")
        note = NATURE_NOTE[term.nature] if term else ""
        return "; ".join(part for part in (note, cited) if part)


BLOCK_OF = {"schedule": "Schedule", "holidays": "Holidays", "debenture_lowest_bids": "LowestRanks"}


def default_sources(terms: DealTerms) -> dict[str, str]:
    """Citations for terms given without a terms file: the default deal's where its values are kept."""
    return sources_for(terms)


def _dates(placements: pd.DataFrame) -> np.ndarray:
    """The trade dates of a placements frame, as ``datetime64[D]`` (empty rows dropped)."""
    column = placements["Trade date"] if "Trade date" in placements else pd.Series([], dtype=object)
    kept = [d for d in column if isinstance(d, dt.date)]
    return np.array(kept, dtype="datetime64[D]")


def document_line(terms: DealTerms) -> str:
    """The deal's source document in words, from its terms."""
    return f"{terms.issuer}, {terms.document}, {terms.document_date:%B %-d, %Y} (agent: {terms.agent})"


def native_fee(gross: str) -> str:
    """The tiered commission in built-in Excel functions: the Excel form of ``model.tier_fee``.

    Each tier contributes ``rate × clip(gross − From, 0, To − From)``, written
    without IF so that every engine evaluates it as an array inside SUMPRODUCT.
    """
    g = gross
    filled = f"({g}>ScheduleFrom)*(({g}<ScheduleTo)*{g}+({g}>=ScheduleTo)*ScheduleTo-ScheduleFrom)"
    return f"ROUND(SUMPRODUCT({filled}*ScheduleRate),2)"


def _inputs(deal: Deal) -> tuple:
    """One Input per scalar term of :data:`model.terms.TERMS`, in its order and sections."""
    parts, section = [], None
    for term in TERMS:
        if term.excel is None:
            continue  # carried by the size of an input block
        if term.section != section:
            section = term.section
            parts.append(Section(section))
        kind = (
            Kind.TEXT
            if term.unit is TermUnit.TEXT
            else Kind.DATE
            if term.unit is TermUnit.DATE
            else (Kind.WHOLE if term.whole else Kind.DECIMAL)
        )
        low, high = term.low, term.high
        if kind is Kind.DATE:
            low, high = FIRST_DATE, LAST_DATE
        elif kind is Kind.TEXT:
            low, high = term.choices, None
        elif term.low_open:
            low = _just_above(term)
        parts.append(
            Input(
                term.excel,
                term.label,
                getattr(deal.terms, term.name),
                UNITS[term.unit],
                low,
                high,
                kind,
                deal.source(term.name),
            )
        )
    parts += [
        Section("Model settings"),
        Input("EqualityTolerance", "Tolerance for equality checks", 0.005, Unit.USD, 0, 1, source="Half a cent"),
    ]
    return tuple(parts)


def _around(price: float, multiples: tuple) -> tuple[float, ...]:
    """Scenario share prices: multiples of the deal's share price, to the cent."""
    return tuple(sorted({round(price * m, 2) for m in multiples if round(price * m, 2) > 0}))


def _classb_bids(t: DealTerms) -> tuple[float, ...]:
    """Closing bids around the called warrants' thresholds (each side of the financing floor and of the price
    below which the lower factor applies), the share price, and past the cap."""
    cents = 0.01
    points = (
        t.classb_financing_floor - cents,
        t.classb_financing_floor,
        t.classb_low_price - cents,
        t.classb_low_price,
        t.last_sale_price / 2,
        t.last_sale_price,
        t.last_sale_price * 1.5,
        t.classb_cap / t.classb_factor * 1.2,
    )
    return tuple(sorted({round(p, 2) for p in points if round(p, 2) > 0}))


def _just_above(term: Term) -> float:
    """The lowest value a spreadsheet validation accepts for a term whose lower bound is open."""
    return {TermUnit.PRICE: 0.0001, TermUnit.USD: 0.01}.get(term.unit, 0.0001)


def _blocks(deal: Deal, placements: pd.DataFrame) -> tuple:
    t = deal.terms
    ill = "Illustrative: replace"
    sched = tuple(tuple(row) for row in t.schedule.rows())
    holidays = holidays_for(t, _dates(placements))
    return (
        InputBlock(
            "Schedule",
            "Commission schedule",
            ("From", "To", "Rate"),
            sched,
            (Unit.USD, Unit.USD, Unit.RATE),
            (0, 0, 0),
            (BIG, BIG, 1),
            source=deal.source("schedule"),
            column_names=("ScheduleFrom", "ScheduleTo", "ScheduleRate"),
        ),
        InputBlock(
            "Holidays",
            "Market holidays",
            ("Date",),
            tuple((d,) for d in holidays) or ((None,),),
            (Unit.DATE,),
            (FIRST_DATE,),
            (LAST_DATE,),
            Kind.DATE,
            f"{t.exchange_calendar} calendar" if t.holidays is None else "Your holiday list",
        ),
        InputBlock(
            "IssuePrices",
            "Debenture: days before issuance",
            ("Price",),
            tuple((t.last_sale_price,) for _ in range(t.debenture_issue_days)),
            (Unit.PRICE,),
            (0.0001,),
            (100_000,),
            source=ill,
        ),
        InputBlock(
            "BidProfile",
            "Debenture: bids, % of scenario price",
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
            deal.source("debenture_lowest_bids"),
        ),
        InputBlock(
            "ConversionPrices",
            "Conversions: share prices",
            ("Price",),
            tuple((p,) for p in _around(t.last_sale_price, (0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, 1.25, 1.5, 2))),
            (Unit.PRICE,),
            (0.0001,),
            (100_000,),
            source="Scenario axis",
        ),
        InputBlock(
            "ClassBBids",
            "Class B: closing bids",
            ("Bid",),
            tuple((p,) for p in _classb_bids(t)),
            (Unit.PRICE,),
            (0.0001,),
            (100_000,),
            source="Scenario axis",
        ),
        InputBlock(
            "ScenarioPrices",
            "Scenarios: share prices",
            ("Price",),
            tuple((p,) for p in _around(t.last_sale_price, (0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5))),
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


def _ledger(rows: int) -> RowTable:
    """The placement ledger: row k reads the k-th row of the Placements table by position.

    ``INDEX`` over each table column (header included) keeps the ledger right
    when a person inserts, deletes or sorts placement rows in any spreadsheet
    application; rows past the table's end read as empty.
    """
    fee = native_fee

    def read(column: str) -> str:
        return f"=IF({{col:pos}}>ROWS({column}),0,INDEX({column},{{col:pos}}))"

    dates, shares, prices = PLACEMENT_COLUMN_NAMES
    return RowTable(
        key="Ledger",
        title="Placement ledger (row k reads row k of the Placements table)",
        first_row=PLACEMENTS_FIRST_ROW,
        rows=rows,
        filled="filled",
        columns=(
            Column("pos", "Table row", Unit.COUNT, "=ROW()-ROW({head:pos})+ROWS({head:pos})"),
            Column(
                "filled",
                "Cells filled",
                Unit.COUNT,
                "=" + "+".join(f"ISNUMBER(INDEX({c},{{col:pos}}))" for c in PLACEMENT_COLUMN_NAMES),
                name="LedgerFilled",
            ),
            Column("date", "Trade date", Unit.DATE, read(dates), name="LedgerDates"),
            Column("shares", "Shares", Unit.SHARES, read(shares), name="LedgerShares"),
            Column("price", "Price", Unit.PRICE, read(prices), name="LedgerPrices"),
            Column(
                "active", "Active", Unit.FLAG, f"=IF(ISNUMBER(INDEX({shares},{{col:pos}})),1,0)", name="LedgerActive"
            ),
            Column(
                "partial",
                "Incomplete row",
                Unit.FLAG,
                # cells typed in, numbers or not: text in a cell is not a gap (CheckPlacementNumbers flags it)
                "=IF({col:filled}=0,0,IF("
                + "+".join(f'(INDEX({c},{{col:pos}})<>"")' for c in PLACEMENT_COLUMN_NAMES)
                + "=COLUMNS(Placements),0,1))",
                name="LedgerIncomplete",
            ),
            Column(
                "fractional",
                "Fractional shares",
                Unit.FLAG,
                "=IF(ISNUMBER({col:shares}),IF({col:shares}<>INT({col:shares}),1,0),0)",
                name="LedgerFractional",
            ),
            Column("gross", "Gross", Unit.USD, "=ROUND({col:shares}*{col:price},2)", name="LedgerGross"),
            Column(
                "cumulative", "Cumulative gross", Unit.USD, "=SUM({first:gross}:{col:gross})", name="LedgerCumulative"
            ),
            Column("prior", "Prior gross", Unit.USD, "={col:cumulative}-{col:gross}"),
            Column(
                "fee_to_date",
                "Fee to date",
                Unit.USD,
                "=" + fee("{col:cumulative}"),
                udf_array="=CEO_FEE({all:cumulative},Schedule)",
            ),
            Column(
                "fee_before",
                "Fee before",
                Unit.USD,
                "=" + fee("{col:prior}"),
                udf_array="=CEO_FEE({all:prior},Schedule)",
            ),
            Column(
                "commission",
                "Commission",
                Unit.USD,
                "=ROUND({col:fee_to_date}-{col:fee_before},2)",
                udf_array="=CEO_FEE_INCREMENT({all:prior},{all:gross},Schedule)",
                name="LedgerCommission",
            ),
            Column("net", "Net", Unit.USD, "={col:gross}-{col:commission}", name="LedgerNet"),
            Column(
                "warrants",
                Label("Warrant shares ({WarrantCoverage:%})"),
                Unit.SHARES,
                "=ROUNDDOWN({col:shares}*WarrantCoverage,0)",
                udf_array="=CEO_WARRANT_SHARES({all:shares},WarrantCoverage)",
                name="LedgerWarrantShares",
            ),
            Column(
                "strike",
                Label("Warrant strike ({WarrantPremium:%})"),
                Unit.PRICE,
                "=IF({col:active}=1,ROUND({col:price}*WarrantPremium,2),0)",
                udf_array="=IF({all:active}=1,CEO_WARRANT_STRIKE({all:price},WarrantPremium),0)",
                name="LedgerStrikes",
            ),
            Column(
                "settlement",
                Label("Settlement (T+{SettlementDays:0})"),
                Unit.DATE,
                "=IF({col:active}=1,WORKDAY({col:date},SettlementDays,Holidays),0)",
                udf_array="=IF({all:active}=1,CEO_SETTLEMENT_DATE({all:date},Holidays,SettlementDays),0)",
                name="LedgerSettlement",
            ),
            Column(
                "discount",
                "Shares below minimum price",
                Unit.SHARES,
                "=IF({col:price}<ListingMinimumPrice,{col:shares},0)",
                name="LedgerDiscountShares",
            ),
            Column(
                "adv",
                "Shares, days of average volume",
                Unit.NUMBER,
                "=IF(AND({col:active}=1,AverageDailyVolume>0),{col:shares}/AverageDailyVolume,0)",
                name="LedgerAdvDays",
            ),
            *(
                Column(
                    key,
                    Label(f"Warrants: {what} (+{{{term}:#}} yr)"),
                    Unit.DATE,
                    f"=IF({{col:active}}=1,DATE(YEAR({{col:date}})+{term},MONTH({{col:date}}),DAY({{col:date}})),0)",
                    name=name,
                )
                for key, what, term, name in (
                    ("cashless", "cashless from", "CashlessAfterYears", "LedgerWarrantsCashless"),
                    ("transferable", "transferable from", "TransferRestrictionYears", "LedgerWarrantsTransferable"),
                    ("expiry", "expire", "WarrantTermYears", "LedgerWarrantsExpire"),
                )
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
            "=IF(AND(WarrantStrike>0,Volatility>0),(LN(SharePrice/WarrantStrike)+(RiskFreeRate-DividendYield+Volatility^2/2)"
            "*WarrantTermYears)/(Volatility*SQRT(WarrantTermYears)),0)",
        ),
        Item("BsmD2", "Black-Scholes d2", Unit.NUMBER, "=BsmD1-Volatility*SQRT(WarrantTermYears)"),
        Item(
            "WarrantValue",
            "Value per warrant (Black-Scholes)",
            Unit.PRICE,
            "=IF(WarrantStrike>0,IF(Volatility>0,SharePrice*EXP(-DividendYield*WarrantTermYears)*NORMSDIST(BsmD1)"
            "-WarrantStrike*EXP(-RiskFreeRate*WarrantTermYears)*NORMSDIST(BsmD2),"
            "MAX(0,SharePrice*EXP(-DividendYield*WarrantTermYears)-WarrantStrike*EXP(-RiskFreeRate*WarrantTermYears))),0)",
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


def _analyses() -> tuple:
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
            "=IF(AND(OtherWarrantStrike>0,Volatility>0),(LN(SharePrice/OtherWarrantStrike)+(RiskFreeRate-DividendYield"
            "+Volatility^2/2)*WarrantTermYears)/(Volatility*SQRT(WarrantTermYears)),0)",
        ),
        Item("OtherBsmD2", "Black-Scholes d2", Unit.NUMBER, "=OtherBsmD1-Volatility*SQRT(WarrantTermYears)"),
        Item(
            "OtherWarrantValue",
            "Value per warrant (Black-Scholes)",
            Unit.PRICE,
            "=IF(OtherWarrantStrike>0,IF(Volatility>0,SharePrice*EXP(-DividendYield*WarrantTermYears)*NORMSDIST(OtherBsmD1)"
            "-OtherWarrantStrike*EXP(-RiskFreeRate*WarrantTermYears)*NORMSDIST(OtherBsmD2),MAX(0,SharePrice"
            "*EXP(-DividendYield*WarrantTermYears)-OtherWarrantStrike*EXP(-RiskFreeRate*WarrantTermYears))),0)",
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


TIMELINE_MONTHS = 12  # months across the Timeline sheet, from the month of the first placement


def _in_month(column: str) -> str:
    """Sum of a ledger column over the placements traded in this column's month."""
    return f"SUMPRODUCT((LedgerDates>={{row:start}})*(LedgerDates<={{row:end}})*{column})"


def _timeline() -> tuple:
    comp = "Agent's compensation to date against the cap"
    return (
        Item(
            "TimelineStart",
            "First month of the timeline",
            Unit.DATE,
            "=DATE(YEAR(IF(PlacementCount>0,FirstTradeDate,SharePriceDate)),MONTH(IF(PlacementCount>0,FirstTradeDate,"
            "SharePriceDate)),1)",
        ),
        Item(
            "TimelineLeftOut",
            "Placements after the last month",
            Unit.COUNT,
            "=PlacementCount-SUM(TimelinePlacements)",
        ),
        Timeline(
            "Timeline",
            "Programme by month (trade dates)",
            TIMELINE_MONTHS,
            "Month",
            (
                TimelineRow(
                    "start",
                    "Month start",
                    Unit.DATE,
                    "=DATE(YEAR(TimelineStart),MONTH(TimelineStart)+{col_head}-1,1)",
                    name="TimelineMonths",
                ),
                TimelineRow(
                    "end", "Month end", Unit.DATE, "=DATE(YEAR(TimelineStart),MONTH(TimelineStart)+{col_head},1)-1"
                ),
                Section("Sales"),
                TimelineRow(
                    "placements", "Placements", Unit.COUNT, "=" + _in_month("LedgerActive"), name="TimelinePlacements"
                ),
                TimelineRow(
                    "shares", "Shares sold", Unit.SHARES, "=" + _in_month("LedgerShares"), name="TimelineShares"
                ),
                TimelineRow("gross", "Gross sales", Unit.USD, "=" + _in_month("LedgerGross"), name="TimelineGross"),
                TimelineRow(
                    "commission",
                    "Commission",
                    Unit.USD,
                    "=" + _in_month("LedgerCommission"),
                    name="TimelineCommission",
                ),
                TimelineRow("net", "Net proceeds", Unit.USD, "={row:gross}-{row:commission}", name="TimelineNet"),
                TimelineRow("cum_net", "Net proceeds to date", Unit.USD, "=SUM({first:net}:{row:net})"),
                TimelineRow(
                    "adv",
                    "Shares sold, % of the month's volume",
                    Unit.PCT,
                    "=IF(AverageDailyVolume>0,{row:shares}/(AverageDailyVolume*NETWORKDAYS({row:start},{row:end},"
                    "Holidays)),0)",
                    name="TimelineVolumePct",
                ),
                Section("Cash"),
                TimelineRow(
                    "cash",
                    "Cash at month end (after burn)",
                    Unit.USD,
                    "=Cash+{row:cum_net}-MonthlyBurn*{col_head}",
                    name="TimelineCash",
                ),
                TimelineRow(
                    "runway",
                    "Runway",
                    Unit.MONTHS,
                    "=MAX(0,{row:cash})/MonthlyBurn",
                    udf_array="=RUNWAY_MONTHS(IF({line:cash}>0,{line:cash},0),MonthlyBurn)",
                ),
                Section(comp),
                TimelineRow(
                    "fees", "Commission", Unit.USD, "=SUM({first:commission}:{row:commission})", name="TimelineFees"
                ),
                TimelineRow(
                    "warrants",
                    "Warrants (value per warrant × warrants to date)",
                    Unit.USD,
                    "=WarrantValue*SUM({first:warrant_shares}:{row:warrant_shares})",
                    name="TimelineWarrantValue",
                ),
                TimelineRow("expenses", "Expenses", Unit.USD, "=ExpenseReimbursement", name="TimelineExpenses"),
                TimelineRow(
                    "retainer", "Retainer allocation", Unit.USD, "=RetainerAllocation", name="TimelineRetainer"
                ),
                TimelineRow(
                    "total",
                    "Total compensation",
                    Unit.USD,
                    "={row:fees}+{row:warrants}+{row:expenses}+{row:retainer}",
                    name="TimelineCompensation",
                ),
                TimelineRow(
                    "cap",
                    "Compensation cap",
                    Unit.USD,
                    "=CompensationCap*SUM({first:gross}:{row:gross})",
                    name="TimelineCap",
                ),
                TimelineRow("headroom", "Headroom under the cap", Unit.USD, "={row:cap}-{row:total}"),
                TimelineRow(
                    "warrant_shares",
                    "Agent warrant shares in the month",
                    Unit.SHARES,
                    "=" + _in_month("LedgerWarrantShares"),
                ),
            ),
            (
                Chart(
                    comp,
                    "bar",
                    "",
                    (
                        ("Commission", "Timeline.fees"),
                        ("Warrants", "Timeline.warrants"),
                        ("Expenses", "Timeline.expenses"),
                        ("Retainer allocation", "Timeline.retainer"),
                    ),
                    "Timeline.start",
                    "Dollars",
                    "Month",
                    y_format='"$"#,##0',
                    x_format="mmm yyyy",
                    stacked=True,
                    lines=(("Compensation cap", "Timeline.cap"),),
                    time_unit="months",
                    size=(30.0, 10.0),
                ),
            ),
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


def _debentures() -> tuple:
    return (
        Item(
            "InitialConversionPrice",
            Label("Initial conversion price ({DebenturePremium:%} of issue average)"),
            Unit.PRICE,
            "=DebenturePremium*AVERAGE(IssuePrices)",
        ),
        Strip(
            key="Debentures",
            title="Convertible debentures by share price",
            axis="ConversionPrices",
            axis_label="Share price",
            axis_unit=Unit.PRICE,
            rows=(
                StripRow("bid", "Closing bid", Unit.PRICE, "={col_head}*{repeat}", repeat="BidProfile"),
                StripRow("ranked", "Averaged bid", Unit.PRICE, "=SMALL({rows:bid},{repeat})", repeat="LowestRanks"),
                StripRow(
                    "lowest",
                    "Average of the lowest bids",
                    Unit.PRICE,
                    "=AVERAGE({rows:ranked})",
                    name="DebentureLowest",
                ),
                StripRow(
                    "price",
                    Label(
                        "Conversion price (reset to {DebentureResetFactor:%} of lowest after {DebentureResetDays:0} days)"
                    ),
                    Unit.PRICE,
                    "=IF(DebentureDays>DebentureResetDays,MIN(InitialConversionPrice,DebentureResetFactor*{row:lowest}),"
                    "InitialConversionPrice)",
                    # one call across the share prices: a column of bids per price
                    udf_array="=DEBENTURE_CONVERSION_PRICE(IssuePrices,{lines:bid},DebentureDays,DebenturePremium,"
                    "DebentureResetDays,DebentureResetFactor,ROWS(LowestRanks))",
                ),
                StripRow(
                    "shares",
                    "Shares on conversion",
                    Unit.SHARES,
                    "=ROUNDDOWN(DebenturePrincipal/{row:price},0)",
                    udf_array="=DEBENTURE_CONVERSION_SHARES(DebenturePrincipal,{line:price})",
                ),
                StripRow(
                    "dilution",
                    "Dilution",
                    Unit.PCT,
                    "={row:shares}/(SharesOutstanding+{row:shares})",
                    udf_array="=DILUTION_PCT({line:shares},SharesOutstanding)",
                ),
            ),
        ),
        Strip(
            key="ClassB",
            title="Called warrants (Class B) on a redemption notice, by closing bid",
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
                    udf_array="=CLASSB_EXERCISE_PRICE({axis},{axis},ClassBCap,ClassBFactor,ClassBFactorLow,ClassBLowPrice)",
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
                udf_array="=DILUTION_PCT({block_all:shares},SharesOutstanding)",
            ),
            GridBlock(
                "net",
                "Net proceeds",
                Unit.USD,
                "={col_head}-" + native_fee("{col_head}"),
                udf_array="=CEO_NET_PROCEEDS({col_heads},Schedule)",
            ),
        ),
    )


def _rule(condition: str) -> str:
    """A check that is 1 when ``condition`` holds, written in built-in functions only (the same in both flavours)."""
    return f"=IF({condition},1,0)"


def _judged(condition: str) -> str:
    """A check on calculated line items: not judged (n/a) while they show an error, which CheckErrors names."""
    return f'IF(ISERROR({condition}),"{NOT_JUDGED}",IF({condition},1,0))'


def _result(condition: str) -> str:
    """A check of the deal's results: judged only once every input rule holds, else n/a (not judged).

    With a broken input rule the udf flavour's functions refuse the calculation (an error value) while the
    native flavour computes something from the same inputs; neither is a result to judge, so neither
    flavour judges it and the failing input rule is the reason shown."""
    return f'=IF(SUM(InputRules)>0,"{NOT_JUDGED}",{_judged(condition)})'


def _schedule_contiguous() -> str:
    """First From 0 (and present), each From the previous To, no empty row between tiers: as Schedule.from_rows.

    The tiers after the first and before the last are ``INDEX(name,2):INDEX(name,ROWS(name))`` and
    ``INDEX(name,1):INDEX(name,ROWS(name)-1)``, not fixed ranges: a row inserted into the schedule grows both."""
    starts = '({first:ScheduleFrom}="")+({first:ScheduleFrom}<>0)'
    follows = 'SUMPRODUCT(({after:ScheduleFrom}<>"")*({after:ScheduleFrom}<>{before:ScheduleTo}))'
    empty_before = '({before:ScheduleFrom}="")*({before:ScheduleTo}="")*({before:ScheduleRate}="")'
    filled_after = '((({after:ScheduleFrom}<>"")+({after:ScheduleTo}<>"")+({after:ScheduleRate}<>""))>0)'
    return _rule(f"{starts}+IF(ROWS(ScheduleFrom)<2,0,{follows}+SUMPRODUCT({empty_before}*{filled_after}))>0")


# cells of the ledger that are not numbers (it copies an empty placement cell as 0): text typed in the
# Placements table. (COUNTIF(range,"?*") would be shorter, but LibreOffice's wildcards match numbers too.)
PLACEMENT_TEXT = (
    "ROWS(LedgerDates)-COUNT(LedgerDates)+ROWS(LedgerShares)-COUNT(LedgerShares)+ROWS(LedgerPrices)-COUNT(LedgerPrices)"
)


def checks() -> tuple:
    """The Checks sheet: the input rules the CEO_* functions enforce, the deal's rules, and errors.

    Every formula is built-in functions only and the same in both flavours. The input rules are what the
    functions the udf flavour calls refuse (``model``'s documented raises for the arguments the workbook
    passes), so a broken input fails the same named rule in both flavours; the deal's rules are judged
    only when the inputs are valid; the last check names an error value no rule explains.
    """
    rules = CheckGroup(
        "InputRules",
        "Inputs the calculations accept (the rules the CEO_* functions enforce)",
        (
            Check("CheckInputs", "Every input within its Min/Max and of its type", _rule("SUM(InputFlags)>0")),
            Check(
                "CheckScheduleContiguous",
                "Commission schedule contiguous from 0 (first From 0, each From the previous To, no empty row)",
                _schedule_contiguous(),
            ),
            Check(
                "CheckScheduleOrder",
                "Commission schedule: each tier's To above its From",
                _rule('SUMPRODUCT((((ScheduleFrom<>"")+(ScheduleTo<>""))>0)*(ScheduleTo<=ScheduleFrom))>0'),
            ),
            Check(
                "CheckScheduleRates",
                "Commission rates between 0 and 1 (none to all of the gross)",
                _rule('SUMPRODUCT((ScheduleRate<>"")*((ScheduleRate<0)+(ScheduleRate>1)))>0'),
            ),
            Check("CheckPlacementRows", "Every placement row complete", _rule("SUM(LedgerIncomplete)>0")),
            Check(
                "CheckPlacementsInLedger",
                "Every placement of the table within the ledger (refresh to lengthen it)",
                _rule("COUNT(PlacementDates,PlacementShares,PlacementPrices)>SUM(LedgerFilled)"),
            ),
            Check(
                "CheckPlacementsBelow",
                "Nothing typed below the Placements table (insert rows inside it)",
                _rule("COUNTA(PlacementsBelow)>0"),
            ),
            Check(
                "CheckPlacementNumbers",
                "Placement dates, shares and prices are numbers, not text",
                _rule(f"{PLACEMENT_TEXT}>0"),
            ),
            Check(
                "CheckPlacementShares",
                "Placement shares are positive whole numbers",
                _rule("SUMPRODUCT(LedgerActive*(LedgerShares<=0))+SUM(LedgerFractional)>0"),
            ),
            Check(
                "CheckPlacementPrices",
                "Placement prices are positive",
                _rule("SUMPRODUCT((LedgerPrices<0)+LedgerActive*(LedgerPrices=0))>0"),
            ),
            Check(
                "CheckPlacementDates",
                "Placement trade dates on or after the document date",
                _rule("SUMPRODUCT(LedgerActive*(LedgerDates<DocumentDate))>0"),
            ),
            Check(
                "CheckProgrammeMax",
                "Cumulative gross within the programme maximum",
                "=" + _judged("TotalGross>ProgrammeMaximum"),
            ),
            Check(
                "CheckScenarioGross",
                "Scenario sizes and chart gross amounts within the programme maximum",
                "=" + _judged("MAX(ScenarioSizes,ChartGross)>ProgrammeMaximum"),
            ),
            Check("CheckOtherMaximum", "Other Agreement gross within its maximum", _rule("OtherGross>OtherMaximum")),
            Check(
                "CheckVotingShares",
                "Voting-agreement holders' shares within the shares outstanding",
                _rule("VotingHoldersShares>SharesOutstanding"),
            ),
        ),
    )
    results = CheckGroup(
        "ResultChecks",
        "The deal's rules (judged once every input rule above holds; n/a = not judged)",
        (
            Check(
                "CheckLedger",
                "Ledger commissions add up to the commission on the total",
                _result("ABS(LedgerCommissionTotal-TotalCommission)>EqualityTolerance"),
            ),
            Check(
                "CheckCap",
                Label("Compensation within the {CompensationCap:%} cap"),
                _result("CompensationHeadroom<0"),
            ),
            Check(
                "CheckNasdaq",
                Label("Shares sold below the minimum price within the {NasdaqLimit:%} limit"),
                _result("DiscountShares>NasdaqCapacity"),
            ),
            Check(
                "CheckRightsPlan",
                Label("Voting-agreement holders below the {RightsPlanTrigger:%} rights plan trigger"),
                _result("VotingHoldersOwnership>=RightsPlanTrigger"),
            ),
            Check(
                "CheckAgentOwnership",
                Label("Agent below the {DgclInterestedHolder:%} DGCL §203 interested-stockholder threshold"),
                _result("AgentOwnership>=DgclInterestedHolder"),
            ),
            Check(
                "CheckMinimumBid",
                "Share price at or above the listing's minimum bid",
                _result("SharePrice<NasdaqMinimumBid"),
            ),
            Check(
                "CheckRetainer",
                "Retainer allocated within the retainer and deposit",
                _result("RetainerAllocation>AdvisoryRetainer+AdvisoryDeposit+EqualityTolerance"),
            ),
            Check(
                "CheckCash",
                "Cash after the offering and the issuer's expenses not negative",
                _result("CashAfterOffering<0"),
            ),
        ),
    )
    errors = Check(
        "CheckErrors",
        "No calculation shows an error value that no check above explains",
        f'=IF(SUM(InputRules,CheckCash)>0,"{NOT_JUDGED}",'
        "IF(ISERROR(SUM({area:Calculations},{area:Conversions},{area:Scenarios})),1,0))",
    )
    return (rules, results, errors)


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


KEY_TERMS = Label(
    "Key terms (from Inputs): agent warrants for {WarrantCoverage:%} of the shares sold, strike {WarrantPremium:%} of "
    "VWAP, {WarrantTermYears:#}-year term; agent's compensation capped at {CompensationCap:%} of gross; settlement "
    "T+{SettlementDays:0}; lock-up {LockupTradingDays:0} trading days; discount issuance limit {NasdaqLimit:%} of shares "
    "outstanding; rights plan trigger {RightsPlanTrigger:%}; DGCL §203 threshold {DgclInterestedHolder:%}; Other "
    "Agreement commission {OtherRate:%}."
)


def template(
    terms: DealTerms | Deal = model.PROSPECTUS,
    placements: pd.DataFrame | None = None,
    *,
    illustrative=None,
    table_rows: int | None = None,
    ledger_rows: int | None = None,
) -> tuple[Sheet, ...]:
    """The workbook's sheets for a deal and a placement schedule (the default deal's illustrative one by default).

    ``table_rows`` and ``ledger_rows`` give the sizes of the Placements table
    and of the ledger as a file has them (read back after a person inserted or
    deleted rows); by default the table has room for every placement and the
    ledger :data:`LEDGER_SPARE_ROWS` more rows than the table.
    """
    deal = terms if isinstance(terms, Deal) else Deal(terms, default_sources(terms))
    terms = deal.terms
    rows = deals.DEALS[deals.DEFAULT].PLACEMENTS if placements is None else placements
    illustrative = placements is None if illustrative is None else illustrative
    capacity = table_rows or placement_capacity(len(rows))
    ledger_rows = ledger_rows or capacity + LEDGER_SPARE_ROWS
    return (
        Sheet(
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
        ),
        Sheet("Inputs", "Inputs", _inputs(deal) + _blocks(deal, rows), "FFF2CC"),
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
        Sheet("Calculations", "Calculations", (_ledger(ledger_rows), *_totals(), *_analyses(), _fee_curve())),
        Sheet("Timeline", "Timeline", _timeline()),
        Sheet("Conversions", "Conversions", _debentures()),
        Sheet("Scenarios", "Scenarios", (_scenarios(),)),
        Sheet("Outputs", "Outputs", (OUTPUTS, COMPENSATION_CHART, CHARTS), "C6E0B4"),
        Sheet("Checks", "Checks", checks(), "F8CBAD"),
    )
