"""The CEO model workbook, declared once.

Every sheet, input, line item, check, output and chart of the generated
workbook is listed here. :mod:`workbook.kit.layout` places them on cells; the
builder writes that layout and the validator checks a workbook against it.
Input values come from :class:`model.DealTerms`, so the prospectus defaults
live only in ``model/``.
"""

from __future__ import annotations

import pandas as pd

import model
from model import deals
from model.terms import DealTerms
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
    Note,
    Sheet,
)
from workbook.sheets.analyses import analyses, fee_curve
from workbook.sheets.checks import checks
from workbook.sheets.conversions import debentures
from workbook.sheets.cover import cover
from workbook.sheets.inputs import (
    Deal,
    blocks,
    default_sources,
    inputs,
)
from workbook.sheets.ledger import ledger
from workbook.sheets.outputs import CHARTS, COMPENSATION_CHART, OUTPUTS
from workbook.sheets.scenarios import scenarios
from workbook.sheets.timeline import timeline
from workbook.sheets.totals import totals


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
        cover(terms),
        Sheet("Inputs", "Inputs", inputs(deal) + blocks(deal, rows), "FFF2CC"),
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
        Sheet("Calculations", "Calculations", (ledger(ledger_rows), *totals(), *analyses(), fee_curve())),
        Sheet("Timeline", "Timeline", timeline()),
        Sheet("Conversions", "Conversions", debentures()),
        Sheet("Scenarios", "Scenarios", (scenarios(),)),
        Sheet("Outputs", "Outputs", (OUTPUTS, COMPENSATION_CHART, CHARTS), "C6E0B4"),
        Sheet("Checks", "Checks", checks(), "F8CBAD"),
    )
