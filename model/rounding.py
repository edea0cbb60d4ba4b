"""Rounding as Excel does it: decimal half away from zero, not binary-float.

Excel rounds the decimal number a cell shows (15 significant digits), so
``ROUND(1.30 * 3.85, 2)`` is 5.01 even though the binary product lies just
below 5.005. Python's ``round`` and numpy's ``around`` give 5.00 (they round
the binary value, and half to even). Here a value that falls within a few units
in the last place of a rounding boundary is taken to be on it — a distance far
below the 15th significant digit, far above binary noise — then rounded.
"""

from __future__ import annotations

import numpy as np

# Four units in the last place: absorbs the error of one or two float
# operations, and stays ten times below a change in the 15th significant digit.
_SNAP = 4 * np.finfo(np.float64).eps
# ...but never more than a quarter of the last digit kept: a value with more
# significant digits than a double holds is already as round as it gets
# (without the cap ROUND(52776558134, 4) came out as 52776558134.0001).
_MAX_SNAP = 0.25


def _split(x, digits: int):
    """|x| scaled to the digit kept, as whole part, exact fraction and snap tolerance.

    Scaling and unscaling multiply or divide by an exact power of ten (never by
    0.1), so a rounded result is the double nearest to its decimal value.
    """
    x = np.asarray(x, dtype=np.float64)
    scale = 10.0 ** abs(digits)
    magnitude = np.abs(x) * scale if digits >= 0 else np.abs(x) / scale
    whole = np.floor(magnitude)
    fraction = magnitude - whole  # exact
    tolerance = np.minimum(magnitude * _SNAP, _MAX_SNAP)

    def back(n: np.ndarray) -> np.ndarray:
        return np.sign(x) * (n / scale if digits >= 0 else n * scale)

    return whole, fraction, tolerance, back


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
    whole, fraction, tolerance, back = _split(x, digits)
    return back(whole + (fraction >= 0.5 - tolerance))


def round_down(x, digits: int = 0) -> np.ndarray:
    """Round towards zero, as Excel's ROUNDDOWN.

    Examples
    --------
    >>> float(round_down(0.10 * 1_234_560))  # binary gives 123455.99999999999
    123456.0
    """
    whole, fraction, tolerance, back = _split(x, digits)
    return back(whole + (fraction >= 1.0 - tolerance))


def round_up(x, digits: int = 0) -> np.ndarray:
    """Round away from zero, as Excel's ROUNDUP.

    Examples
    --------
    >>> float(round_up(0.20 * 21_862_772))
    4372555.0
    """
    whole, fraction, tolerance, back = _split(x, digits)
    # A fraction within the snap of zero is binary noise: 20.000000000000004 stays 20.
    return back(whole + (fraction > tolerance))
