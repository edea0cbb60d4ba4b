"""The Conversions sheet: debenture conversion and called-warrant exercise across share prices."""

from __future__ import annotations

from workbook.kit.spec import (
    Item,
    Label,
    Strip,
    StripRow,
    Unit,
)


def debentures() -> tuple:
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
