"""A tiered commission schedule on cumulative gross sales: :class:`Tier` and :class:`Schedule`.

Re-exported by :mod:`model.terms`, where the deal terms that hold a schedule live.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from model.args import numbers
from model.errors import CEOModelError, ErrorKind


@dataclass(frozen=True)
class Tier:
    """One commission tier: ``rate`` applies to cumulative gross in [start, end)."""

    start: float
    end: float
    rate: float


@dataclass(frozen=True)
class Schedule:
    """A tiered commission schedule on cumulative gross sales.

    The tiers are contiguous, start at 0 and have rates in [0, 1]; the end of
    the last tier is the programme maximum. Build one with
    :meth:`Schedule.from_rows` to have those rules checked.

    Examples
    --------
    >>> Schedule.from_rows([[0, 1e7, 0.04], [1e7, 2.5e7, 0.03]]).maximum
    25000000.0
    """

    tiers: tuple[Tier, ...]

    @classmethod
    def from_rows(cls, rows: object, name: str = "schedule") -> Schedule:
        """Build a schedule from ``From | To | Rate`` rows.

        Parameters
        ----------
        rows : nested list, ndarray or DataFrame
            One row per tier. A first row of text (a header such as
            ``From | To | Rate``) is skipped, and so are rows that are entirely
            empty, so a range selected with spare rows below still works.
        name : str
            Argument name used in error messages.

        Raises
        ------
        CEOModelError
            When the rows are not three columns of numbers, not contiguous, do
            not start at 0, or have a rate outside [0, 1].
        """
        table = _table_rows(rows, name)
        if table.shape[1] != 3:
            raise CEOModelError(name, f"must have 3 columns (From | To | Rate), got {table.shape[1]}")
        offset = 0
        if table.shape[0] and all(isinstance(v, str) for v in table[0]):
            table, offset = table[1:], 1
        keep = [i for i in range(table.shape[0]) if not all(v is None for v in table[i])]
        if not keep:
            raise CEOModelError(name, "has no tiers")
        if keep != list(range(len(keep))):
            gap = next(i for i, k in enumerate(keep) if k != i)
            raise CEOModelError(name, "has an empty row between tiers", position=(gap + 1 + offset, 1))
        try:
            values = numbers(table[: len(keep)], name)
        except CEOModelError as exc:
            if exc.position is None or not offset:
                raise
            raise CEOModelError(name, exc.rule, exc.kind, (exc.position[0] + offset, exc.position[1])) from None
        starts, ends, rates = values[:, 0], values[:, 1], values[:, 2]

        def fail(row: int, col: int, rule: str) -> CEOModelError:
            return CEOModelError(name, rule, ErrorKind.NUM, (row + 1 + offset, col))

        if starts[0] != 0:
            raise fail(0, 1, f"must start at 0 (first From is {starts[0]:,.2f})")
        for i in range(len(starts)):
            if not 0 <= rates[i] <= 1:
                raise fail(i, 3, f"rate must be between 0 and 1 (got {rates[i]:g})")
            if ends[i] <= starts[i]:
                raise fail(i, 2, f"To must be greater than From ({ends[i]:,.2f} ≤ {starts[i]:,.2f})")
            if i and starts[i] != ends[i - 1]:
                raise fail(i, 1, f"tiers must be contiguous: From {starts[i]:,.2f} ≠ previous To {ends[i - 1]:,.2f}")
        return cls(tuple(Tier(float(s), float(e), float(r)) for s, e, r in zip(starts, ends, rates, strict=True)))

    @cached_property
    def starts(self) -> np.ndarray:
        return np.array([t.start for t in self.tiers])

    @cached_property
    def ends(self) -> np.ndarray:
        return np.array([t.end for t in self.tiers])

    @cached_property
    def rates(self) -> np.ndarray:
        return np.array([t.rate for t in self.tiers])

    @property
    def maximum(self) -> float:
        """The programme maximum: the end of the last tier."""
        return self.tiers[-1].end

    def rows(self) -> list[list[float]]:
        """The schedule as ``From | To | Rate`` rows."""
        return [[t.start, t.end, t.rate] for t in self.tiers]


def _table_rows(rows: object, name: str) -> np.ndarray:
    if hasattr(rows, "to_numpy"):  # pandas DataFrame
        rows = rows.to_numpy(dtype=object)
    try:
        table = np.array(rows, dtype=object)
    except ValueError as exc:
        raise CEOModelError(name, "must be a rectangular range") from exc
    if table.ndim == 1:
        table = table.reshape(1, -1)
    if table.ndim != 2:
        raise CEOModelError(name, "must be a range of rows From | To | Rate")
    return table
