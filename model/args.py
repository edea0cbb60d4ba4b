"""Argument checking shared by every model function.

Each public model function accepts a scalar, a (nested) list or a numpy array
for its numeric arguments and answers in the same shape. The checks here turn
such an argument into a float array, or raise :class:`CEOModelError` naming
the argument, the rule and the first offending position.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from model.errors import CEOModelError, ErrorKind

_NUMBER_TYPES = frozenset({float, int, np.float64, np.float32, np.int64, np.int32})


def position_of(flat_index: int, shape: tuple[int, ...]) -> tuple[int, ...] | None:
    """1-based position of a flat index in an array of ``shape`` (None for a single value)."""
    if not shape or int(np.prod(shape)) == 1:
        return None
    return tuple(int(i) + 1 for i in np.unravel_index(flat_index, shape))


def _as_object_array(value: object, name: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    except ValueError as exc:  # ragged nested lists
        raise CEOModelError(name, "must be a rectangular range") from exc


def _describe(item: object) -> str:
    if item is None:
        return "is empty; a number is required"
    if isinstance(item, bool | np.bool_):
        return f"must be a number, not the boolean {bool(item)!s}"
    if isinstance(item, str):
        return f"must be a number, not the text {item[:40]!r}"
    if isinstance(item, dt.date):
        return "must be a number, not a date"
    return f"must be a number, not {type(item).__name__}"


def numbers(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    whole: bool = False,
    empty_ok: bool = False,
    high_name: str | None = None,
) -> np.ndarray:
    """Check a numeric argument and return it as a float array of its own shape.

    Parameters
    ----------
    value : scalar, nested list or ndarray
        What the caller passed.
    name : str
        Argument name for the error message.
    low, high : float, optional
        Inclusive bounds (``low`` exclusive when ``low_open``).
    whole : bool
        Require whole numbers.
    empty_ok : bool
        Let ``None`` through as NaN (the caller decides what empty means).
    high_name : str, optional
        What the upper bound is, for the message, e.g. "the programme maximum".

    Returns
    -------
    ndarray of float64, 0-d for a scalar.
    """
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        arr = value.astype(np.float64, copy=False)
    else:
        if isinstance(value, np.ndarray) and value.dtype.kind not in "O":
            value = value.astype(object)
        obj = _as_object_array(value, name)
        flat = obj.ravel()
        kinds = set(map(type, flat))
        allowed = _NUMBER_TYPES | ({type(None)} if empty_ok else frozenset())
        if not kinds <= allowed:
            for i, item in enumerate(flat):
                if type(item) not in allowed and not (
                    isinstance(item, int | float | np.integer | np.floating) and not isinstance(item, bool | np.bool_)
                ):
                    raise CEOModelError(name, _describe(item), ErrorKind.VALUE, position_of(i, obj.shape))
        if type(None) in kinds:
            arr = np.array([np.nan if v is None else v for v in flat], dtype=np.float64).reshape(obj.shape)
        else:
            arr = obj.astype(np.float64)
    _check_domain(arr, name, low, high, low_open, whole, empty_ok, high_name)
    return arr


def refuse_where(mask: np.ndarray, name: str, words, kind: ErrorKind = ErrorKind.NUM) -> None:
    """Raise for the first True of ``mask``; ``words(i)`` words the rule for flat index ``i``."""
    if mask.any():
        i = int(np.flatnonzero(mask)[0])
        raise CEOModelError(name, words(i), kind, position_of(i, mask.shape))


def _check_domain(arr, name, low, high, low_open, whole, empty_ok, high_name) -> None:
    finite = np.isfinite(arr)
    bad = ~finite
    if empty_ok:
        bad &= ~np.isnan(arr)
    refuse_where(bad, name, lambda i: f"must be a finite number, got {arr.flat[i]}")
    with np.errstate(invalid="ignore"):
        checks = []
        if low is not None:
            too_low = arr <= low if low_open else arr < low
            checks.append((too_low, _low_words(low, low_open)))
        if high is not None:
            words = f"must be at most {high:,.10g}" + (f", {high_name}" if high_name else "")
            checks.append((arr > high, words))
        if whole:
            checks.append((np.isfinite(arr) & (arr != np.floor(arr)), "must be a whole number"))
    for mask, words in checks:
        refuse_where(mask, name, lambda i, words=words: f"{words} (got {arr.flat[i]:,.10g})")


def _low_words(low: float, low_open: bool) -> str:
    if low == 0:
        return "must be positive" if low_open else "must not be negative"
    return f"must be greater than {low:g}" if low_open else f"must be at least {low:g}"


def number(value: object, name: str, **rules) -> float:
    """Check a single numeric argument (a 1×1 range counts as one number)."""
    arr = numbers(value, name, **rules)
    if arr.size != 1:
        raise CEOModelError(name, f"must be a single value, got a range of {arr.size} cells")
    return float(arr.reshape(()))


def same_shape(names: Sequence[str], *arrays: np.ndarray) -> tuple[int, ...]:
    """Shape shared by ``arrays``; single values combine with ranges of any shape."""
    shape: tuple[int, ...] = ()
    owner = None
    for nm, arr in zip(names, arrays, strict=True):
        if arr.size == 1 and arr.ndim <= 2:
            continue
        if owner is None:
            shape, owner = arr.shape, nm
        elif arr.shape != shape:
            raise CEOModelError(
                nm, f"range of shape {_shape_words(arr.shape)} does not match {owner} ({_shape_words(shape)})"
            )
    if owner is None:
        shapes = [a.shape for a in arrays]
        return max(shapes, key=len) if shapes else ()
    return shape


def _shape_words(shape: tuple[int, ...]) -> str:
    return " × ".join(str(n) for n in shape) if shape else "1"


def broadcast(names: Sequence[str], *arrays: np.ndarray) -> list[np.ndarray]:
    """Bring scalars and equally shaped ranges to one common shape."""
    shape = same_shape(names, *arrays)
    return [np.broadcast_to(a.reshape(()) if a.size == 1 else a, shape) for a in arrays]


def answer(result: np.ndarray) -> float | np.ndarray:
    """Return a 0-d result as a plain float, anything else unchanged."""
    return float(result) if np.ndim(result) == 0 else result
