"""Where the template's rows are in a file after a person inserted or deleted rows.

A sheet's rows are aligned with the template's by their *signature*: the
text they hold and where formulas are (numbers and dates are left out, since a
person changes inputs; an edited text input only makes its row a replacement). :func:`difflib.SequenceMatcher` finds the inserted and
deleted rows. The validator only aligns a sheet whose defined names or table
moved (applications move names with the rows), so a sheet whose rows did not
move is compared cell for cell as before.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from difflib import SequenceMatcher

Signature = tuple


@dataclass
class RowMap:
    """Template row → actual row of one sheet."""

    forward: dict[int, int | None] = field(default_factory=dict)  # None: the row was deleted
    tail: int = 0  # offset of template rows beyond ``forward``
    inserted: list[int] = field(default_factory=list)  # actual rows that are not the template's
    deleted: list[int] = field(default_factory=list)  # template rows that are gone

    @property
    def identity(self) -> bool:
        return not self.inserted and not self.deleted and self.tail == 0

    def row(self, row: int, end: bool | None = None) -> int | None:
        """The actual row of template ``row``; for a deleted row None, or (ends of ranges) the nearest surviving
        row inside the range: below it for a first row (``end=False``), above it for a last row (``end=True``)."""
        if row not in self.forward:
            return row + self.tail
        found = self.forward[row]
        if found is not None or end is None:
            return found
        rows = sorted(self.forward)
        i = bisect.bisect_left(rows, row)
        step = -1 if end else 1
        while 0 <= i < len(rows):
            if self.forward[rows[i]] is not None:
                return self.forward[rows[i]]
            i += step
        return None if end else row + self.tail

    def back(self) -> dict[int, int]:
        """Actual row → template row, for the rows that are the template's."""
        return {a: t for t, a in self.forward.items() if a is not None}


def align(template: list[Signature], actual: list[Signature]) -> RowMap:
    """Align row signatures (index 0 is row 1) of the template and of a file."""
    matcher = SequenceMatcher(None, template, actual, autojunk=False)
    out = RowMap()
    for op, t1, t2, a1, a2 in matcher.get_opcodes():
        common = min(t2 - t1, a2 - a1) if op == "replace" else 0
        if op in ("equal", "replace"):
            n = (t2 - t1) if op == "equal" else common
            for k in range(n):
                out.forward[t1 + k + 1] = a1 + k + 1
        for t in range(t1 + common, t2) if op in ("replace", "delete") else ():
            out.forward[t + 1] = None
            out.deleted.append(t + 1)
        for a in range(a1 + common, a2) if op in ("replace", "insert") else ():
            out.inserted.append(a + 1)
    last = max((t for t, a in out.forward.items() if a is not None), default=None)
    out.tail = out.forward[last] - last if last is not None else len(actual) - len(template)
    if not out.inserted and not out.deleted:
        return RowMap()
    return out
