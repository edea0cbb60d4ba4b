"""CEO_SIMULATE: a small Monte Carlo of the programme in a cell (thin adapter over ``model.simulate``)."""

import xlwings as xw

from model import PROSPECTUS
from model.simulate import UDF_MAX_PATHS, summary_for_cells
from udfs import convert
from udfs.errors import excel_function
from udfs.functions import CATEGORY, SCHEDULE_DOC


def _default(value, default):
    return default if convert.blank(value) else value


@xw.func(category=CATEGORY)
@xw.arg("paths", ndim=2, doc=f"Number of simulated price paths, 1 to {UDF_MAX_PATHS:,} (about a second at 10,000).")
@xw.arg("days", ndim=2, doc="Trading days simulated. Default 252 (a year).")
@xw.arg("adv_fraction", ndim=2, doc="Share of the average daily volume sold each day, above 0 up to 1. Default 10%.")
@xw.arg("drift", ndim=2, doc="Annual drift of the share price. Default 0.")
@xw.arg("volume_sigma", ndim=2, doc="Lognormal sigma of daily volume around the average daily volume. Default 0.")
@xw.arg("seed", ndim=2, doc="Random seed (a whole number): the same seed gives the same answer. Default 0.")
@xw.arg("schedule", ndim=2, doc=SCHEDULE_DOC)
@xw.ret(expand="table")
@excel_function(elementwise=frozenset())  # scalar arguments; the answer is one table
def ceo_simulate(paths, days=None, adv_fraction=None, drift=None, volume_sigma=None, seed=None, schedule=None):
    """Spills a Monte Carlo summary of the programme: Measure, Mean, P05, P50, P95 and the breach probabilities."""
    terms = PROSPECTUS.replace(schedule=convert.schedule(schedule))
    table = summary_for_cells(
        terms,
        paths,
        _default(days, 252),
        _default(adv_fraction, 0.10),
        _default(drift, 0.0),
        _default(volume_sigma, 0.0),
        _default(seed, 0),
    )
    return convert.table_with_header(table)
