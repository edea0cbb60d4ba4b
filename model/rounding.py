"""Rounding as Excel does it: decimal half away from zero, not binary-float.

Excel rounds the decimal number a cell shows (15 significant digits), so
``ROUND(1.30 * 3.85, 2)`` is 5.01 even though the binary product is
5.004999999999999. Python's ``round`` and numpy's ``around`` give 5.00 (they
round the binary value, and half to even). Here every value is first nudged by
a few units in the last place towards its decimal neighbour — a distance far
below the 15th significant digit, far above binary noise — then rounded.
"""

from __future__ import annotations

import numpy as np

# Four units in the last place: absorbs the error of one or two float
# operations, and stays ten times below a change in the 15th significant digit.
_SNAP = 4 * np.finfo(np.float64).eps


def _scaled(x: np.ndarray, digits: int) -> tuple[np.ndarray, np.ndarray, float]:
    x = np.asarray(x, dtype=np.float64)
    factor = 10.0**digits
    magnitude = np.abs(x) * factor
    return np.sign(x), magnitude * (1.0 + _SNAP), factor


def round_half_up(x, digits: int = 0) -> np.ndarray:
    """Round to ``digits`` decimals, halves away from zero, as Excel's ROUND.

    Parameters
    ----------
    x : array_like
        Values to round.
    digits : int
        Number of decimals (may be negative).

    Examples
    --------
    >>> float(round_half_up(1.30 * 3.85, 2))
    5.01
    >>> float(round_half_up(-2.5))
    -3.0
    """
    sign, magnitude, factor = _scaled(x, digits)
    return sign * np.floor(magnitude + 0.5) / factor


def round_down(x, digits: int = 0) -> np.ndarray:
    """Round towards zero, as Excel's ROUNDDOWN.

    Examples
    --------
    >>> float(round_down(0.10 * 1_234_560))  # binary gives 123455.99999999999
    123456.0
    """
    sign, magnitude, factor = _scaled(x, digits)
    return sign * np.floor(magnitude) / factor


def round_up(x, digits: int = 0) -> np.ndarray:
    """Round away from zero, as Excel's ROUNDUP.

    Examples
    --------
    >>> float(round_up(0.20 * 21_862_772))
    4372555.0
    """
    sign, magnitude, factor = _scaled(x, digits)
    # Nudge down for ROUNDUP so 20.000000000000004 stays 20.
    return sign * np.ceil(magnitude / (1.0 + _SNAP) ** 2) / factor
