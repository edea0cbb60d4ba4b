"""The fixed shape of the generated workbook: facts the declaration, the layout and the readers share.

The sheets in :mod:`workbook.sheets` declare what the workbook holds; these
are the few positions and names that do not follow from a declaration — where
the Placements table starts, what its columns are called, how many rows the
ledger keeps spare — so that the layout (in ``kit/``) and the readers need not
import them from the sheets above them.
"""

VERSION = "0.3.0"
FLAVOURS = ("udf", "native")
PLACEMENT_ROWS = 50  # the Placements table always has room for at least this many
PLACEMENTS_FIRST_ROW = 5
PLACEMENTS_TABLE = "PlacementsTable"
PLACEMENT_COLUMN_NAMES = ("PlacementDates", "PlacementShares", "PlacementPrices")  # each column with its header
LEDGER_SPARE_ROWS = 25  # ledger rows beyond the table's: room for rows a person inserts into it
PLACEMENTS_WATCHED_BELOW = 100  # rows below the table a check watches for placements typed outside it
NOT_JUDGED = "n/a"  # what a check shows when it cannot be judged (SUM, and so ChecksTotal, ignores text)


def placement_capacity(placements: int) -> int:
    """Rows of the Placements table: at least PLACEMENT_ROWS, and room for every placement."""
    return max(PLACEMENT_ROWS, placements)
