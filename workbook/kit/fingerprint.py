"""A fingerprint of what the builder wrote, so that a rebuild never replaces a person's edits.

The fingerprint is a SHA-256 over every *typed* cell of the workbook — each
cell that holds a value and no formula, and that no array formula fills: the inputs, the placements, and the
labels around them — as (sheet, cell, value), values in one canonical form
(numbers as floats, dates as ISO dates). It is computed over values, not
bytes: Excel or LibreOffice re-saving the file rewrites its XML, styles,
cached results and document properties, but not what a person typed, so a
re-save is not an edit. Formulas are left out (applications rewrite their
text, ``TRUE`` as ``TRUE()``, and ``validate`` judges them).

The builder stores it in a custom document property, which Excel and
LibreOffice keep when they save (File > Properties > Custom Properties).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from pathlib import Path

PROPERTY = "CEO Model fingerprint"
_ADVICE = "carry your inputs into a new build with 'ceo-model refresh FILE' (build.py --refresh FILE), or use --force to replace it"
EDITED = f"edited since it was built: {_ADVICE}"
NO_FINGERPRINT = f"built by an older CEO Model that kept no fingerprint, so edits cannot be ruled out: {_ADVICE}"


def _canonical(value) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "b:" + str(value).upper()
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return "d:" + value.date().isoformat()
        return "t:" + value.isoformat()
    if isinstance(value, dt.date):
        return "d:" + value.isoformat()
    if isinstance(value, int | float):
        return "n:" + repr(float(value))
    return "s:" + str(value)


def _is_formula(cell) -> bool:
    return cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula")


def _array_parts(ws) -> set[tuple[int, int]]:
    """(row, column) of the cells array formulas fill: they hold computed values, not typed ones."""
    from openpyxl.utils import range_boundaries

    parts = set()
    for cell in list(ws._cells.values()):
        ref = getattr(cell.value, "ref", None)
        if type(cell.value).__name__ == "ArrayFormula" and ref:
            c1, r1, c2, r2 = range_boundaries(str(ref).replace("$", ""))
            parts.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    return parts


def of_book(book) -> str:
    """The fingerprint of an openpyxl workbook (loaded with formulas, or being written)."""
    digest = hashlib.sha256()
    for ws in book.worksheets:
        computed = _array_parts(ws)
        for (row, column), cell in sorted(ws._cells.items()):
            if _is_formula(cell) or (row, column) in computed:
                continue
            value = _canonical(cell.value)
            if value is not None:
                digest.update(f"{ws.title}\x00{row}\x00{column}\x00{value}\x01".encode())
    return digest.hexdigest()


def stamp(book) -> None:
    """Store the fingerprint of ``book`` in its custom document properties (call just before saving)."""
    from openpyxl.packaging.custom import StringProperty

    props = book.custom_doc_props
    for existing in [p for p in props.props if p.name == PROPERTY]:
        props.props.remove(existing)
    props.append(StringProperty(name=PROPERTY, value=of_book(book)))


def stored(book) -> str | None:
    for prop in getattr(book, "custom_doc_props", None) or []:
        if prop.name == PROPERTY:
            return str(prop.value)
    return None


def edit_status(path: Path) -> str | None:
    """None when ``path`` holds exactly what was built; otherwise why it must not be replaced."""
    from openpyxl import load_workbook

    from workbook.kit.safety import check_package

    check_package(Path(path), allow_external_links=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(path, data_only=False, keep_links=True)
    expected = stored(book)
    if expected is None:
        return NO_FINGERPRINT
    return None if of_book(book) == expected else EDITED
