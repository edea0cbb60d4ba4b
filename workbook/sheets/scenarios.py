"""The Scenarios sheet: shares issued, dilution and net proceeds by share price and programme size."""

from __future__ import annotations

from workbook.kit.spec import (
    Grid,
    GridBlock,
    Unit,
)
from workbook.sheets.native import native_fee


def scenarios() -> Grid:
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
