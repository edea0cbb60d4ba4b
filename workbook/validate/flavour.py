"""The one expected layout of a validation: the file's inputs, in the flavour its formulas match best.

:func:`workbook.reading.existing.detect_flavour` compares the file with the
layouts of both flavours. Building a layout is the costly step (10,000
placements: seconds), so :func:`expected_layout` builds the flavour the Cover
names first and builds the other only when the file might match it better.
That is decided from facts the tests check for both flavours of every deal
(tests/test_validate.py::test_flavours_differ_only_where_the_udf_calls_the_add_in):
the native flavour never calls the add-in, and a udf formula differs from the
native one exactly where it calls the add-in (and where an array formula of
the udf flavour fills cells the native flavour gives formulas of their own).
"""

from __future__ import annotations

from collections import Counter

from udfs import EXCEL_FUNCTIONS
from workbook.kit import formula_text as ft
from workbook.kit.layout import ARRAY_PART, Layout, build_layout
from workbook.kit.shape import FLAVOURS
from workbook.reading.existing import (
    DETECT_CELLS_PER_LINE,
    cover_flavour_line,
    detect_flavour,
    flavour_on_cover,
    formula_text,
)


def expected_layout(book, sheets: tuple) -> tuple[str, Layout]:
    """(flavour, its layout of ``sheets``): what :func:`detect_flavour` would choose, usually with one build."""
    guess = _guess(book)
    first = build_layout(guess, sheets)
    score, bound = _score_and_bound(book, first)
    if score > bound or (score == bound and guess == flavour_on_cover(book)):  # a tie goes to the Cover's
        return guess, first
    (other,) = (f for f in FLAVOURS if f != guess)
    layouts = {guess: first, other: build_layout(other, sheets)}
    flavour = detect_flavour(book, layouts)
    return flavour, layouts[flavour]


def calls_addin(text: str) -> bool:
    return not EXCEL_FUNCTIONS.keys().isdisjoint(ft.functions(text))


def _guess(book) -> str:
    """The flavour the Cover's text names first ("Flavour: udf — …"); a wrong guess costs a second layout only."""
    cover = cover_flavour_line(book).lower()
    found = sorted((cover.find(f), f) for f in FLAVOURS if f in cover)
    return found[0][1] if found else flavour_on_cover(book)


def _score_and_bound(book, lay: Layout) -> tuple[int, int]:
    """The file's score against ``lay`` in :func:`detect_flavour`, and a bound on its score against the other
    flavour's layout, found cell by cell without building it."""
    native = lay.flavour == "native"

    def text_at(sheet: str, ref: str) -> str | None:
        return formula_text(book[sheet][ref]) if sheet in book.sheetnames else None

    # lines whose cells a udf array formula fills: the native flavour has a formula in each, checks its own first
    # few, and those may be any of the line's cells; such a line's bound counts every cell, at most the few checked
    spread: dict[str, int] = {}
    if not native:
        for sheet, cells in lay.cells.items():
            for ref, spec in cells.items():
                if spec.role == ARRAY_PART and spec.line:
                    text = text_at(sheet, ref)
                    spread[spec.line] = spread.get(spec.line, 0) + (text is not None and not calls_addin(text))
    score = bound = 0
    seen: Counter = Counter()
    for sheet, ref, spec in lay.formula_cells():
        checked = True
        if spec.line:  # as detect_flavour: a line item's first few cells
            seen[spec.line] += 1
            checked = seen[spec.line] <= DETECT_CELLS_PER_LINE
        if not checked and spec.line not in spread:
            continue
        text = text_at(sheet, ref)
        if text is None:
            continue
        same = ft.normalised(text) == ft.normalised(spec.value)
        score += same and checked
        # the other flavour's formula is this one here, unless this is the udf's call of the add-in; where it is not,
        # the udf's formula differs by calling the add-in, and the native's never calls it
        other = (native or not calls_addin(spec.value)) if same else calls_addin(text) == native
        if spec.line in spread:
            spread[spec.line] += other
        else:
            bound += other
    bound += sum(min(n, DETECT_CELLS_PER_LINE) for n in spread.values())
    return score, bound
