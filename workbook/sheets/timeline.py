"""The Timeline sheet: the programme month by month."""

from __future__ import annotations

from workbook.kit.spec import (
    Chart,
    Item,
    Section,
    Timeline,
    TimelineRow,
    Unit,
)

TIMELINE_MONTHS = 12  # months across the Timeline sheet, from the month of the first placement


def _in_month(column: str) -> str:
    """Sum of a ledger column over the placements traded in this column's month."""
    return f"SUMPRODUCT((LedgerDates>={{row:start}})*(LedgerDates<={{row:end}})*{column})"


def timeline() -> tuple:
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
