"""The placement ledger on Calculations: one row per row of the Placements table, read by position."""

from __future__ import annotations

from workbook.kit.shape import (
    PLACEMENT_COLUMN_NAMES,
    PLACEMENTS_FIRST_ROW,
)
from workbook.kit.spec import (
    Column,
    Label,
    RowTable,
    Unit,
)
from workbook.sheets.native import native_fee


def ledger(rows: int) -> RowTable:
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
