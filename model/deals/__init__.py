"""Named deals: one module each, the only home of a deal's numbers, sources and illustrative placements.

``DEALS`` maps a deal's key (used as ``base = "…"`` in a terms file) to its module.
"""

from __future__ import annotations

from model.deals import modern_atm, prospectus_2001

DEALS = {"prospectus-2001": prospectus_2001, "modern-atm": modern_atm}
DEFAULT = "prospectus-2001"
