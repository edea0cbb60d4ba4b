"""Formula text: tokens, references, a normal form for comparison and the R1C1 form.

Tokenising uses openpyxl's formula tokenizer, so text inside string literals
is never mistaken for a reference, a name or a number.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils import column_index_from_string

from udfs import excel

MAX_ROW, MAX_COL = excel.MAX_ROWS, excel.MAX_COLUMNS
PREFIXES = ("_XLFN._XLWS.", "_XLFN.", "_XLUDF.", "_XLWS.")
_SHEET = re.compile(r"^(?P<sheet>'(?:[^']|'')+'|[^'!]+)!(?P<rest>.+)$")
_CELLS = re.compile(r"^(\$?)([A-Z]{1,3})(\$?)(\d+)(?::(\$?)([A-Z]{1,3})(\$?)(\d+))?$")
_COLS = re.compile(r"^(\$?)([A-Z]{1,3}):(\$?)([A-Z]{1,3})$")
_ROWS = re.compile(r"^(\$?)(\d+):(\$?)(\d+)$")
_EXTERNAL = re.compile(r"\[[^\]]+\](?:[\w.]+|[^'!\[\]]*')?!")
_SIMPLE_SHEET = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


@dataclass(frozen=True)
class Ref:
    """One reference operand: a range of cells (bounds inclusive) or a defined name."""

    sheet: str | None  # as written, unquoted; None = the formula's own sheet
    name: str | None = None  # a defined name (upper case)
    bounds: tuple[int, int, int, int] | None = None  # min col, min row, max col, max row
    external: bool = False


@functools.lru_cache(maxsize=65_536)
def tokens(text: str) -> tuple[Token, ...] | None:
    """The tokens of ``text`` (with its ``=``), None when it cannot be tokenised (cached: do not mutate)."""
    try:
        return tuple(Tokenizer(text if text.startswith("=") else "=" + text).items)
    except (TokenizerError, IndexError, ValueError):
        return None


def split_sheet(operand: str) -> tuple[str | None, str]:
    m = _SHEET.match(operand)
    if not m:
        return None, operand
    sheet = m["sheet"]
    if sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, m["rest"]


def parse_operand(operand: str) -> Ref:
    """A RANGE operand as a :class:`Ref`."""
    if _EXTERNAL.search(operand) or operand.startswith("["):
        return Ref(None, external=True)
    sheet, rest = split_sheet(operand)
    up = rest.upper()
    m = _CELLS.match(up)
    if m:
        c1, r1 = column_index_from_string(m[2]), int(m[4])
        c2, r2 = (column_index_from_string(m[6]), int(m[8])) if m[6] else (c1, r1)
        return Ref(sheet, bounds=(min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)))
    m = _COLS.match(up)
    if m:
        c1, c2 = column_index_from_string(m[2]), column_index_from_string(m[4])
        return Ref(sheet, bounds=(min(c1, c2), 1, max(c1, c2), MAX_ROW))
    m = _ROWS.match(up)
    if m:
        r1, r2 = int(m[2]), int(m[4])
        return Ref(sheet, bounds=(1, min(r1, r2), MAX_COL, max(r1, r2)))
    return Ref(sheet, name=up)


def references(text: str) -> list[Ref]:
    items = tokens(text) or []
    return [parse_operand(t.value) for t in items if t.type == Token.OPERAND and t.subtype == Token.RANGE]


def functions(text: str) -> list[str]:
    items = tokens(text) or []
    return [_function(t.value) for t in items if t.type == Token.FUNC and t.subtype == Token.OPEN]


def numbers(text: str) -> list[str]:
    items = tokens(text) or []
    return [t.value for t in items if t.type == Token.OPERAND and t.subtype == Token.NUMBER]


def has_external(text: str) -> bool:
    items = tokens(text)
    if items is None:
        return bool(_EXTERNAL.search(text))
    return any(parse_operand(t.value).external for t in items if t.type == Token.OPERAND and t.subtype == Token.RANGE)


def errors(text: str) -> list[str]:
    """Error literals in a formula (``#REF!`` left behind by a deleted row, …)."""
    items = tokens(text) or []
    found = [t.value for t in items if t.type == Token.OPERAND and t.subtype == Token.ERROR]
    found += [
        t.value for t in items if t.type == Token.OPERAND and t.subtype == Token.RANGE and "#REF!" in t.value.upper()
    ]
    return found


def _function(value: str) -> str:
    name = value.rstrip("(").upper()
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _sheet_text(sheet: str | None, renames: dict[str, str]) -> str:
    if sheet is None:
        return ""
    sheet = renames.get(sheet, sheet)
    return (sheet if _SIMPLE_SHEET.match(sheet) else "'" + sheet.replace("'", "''") + "'").upper() + "!"


def _join(text: str, operand) -> str:
    items = tokens(text)
    if items is None:
        return re.sub(r"\s+", "", text).upper()
    out = []
    skip_close = False
    for i, t in enumerate(items):
        if t.type == Token.WSPACE:
            continue
        if skip_close:  # the ")" of TRUE() / FALSE()
            skip_close = False
            continue
        if (
            t.type == Token.FUNC
            and t.subtype == Token.OPEN
            and _function(t.value) in _LOGICAL
            and _next_is_close(items, i)
        ):
            out.append(_function(t.value))  # TRUE() and TRUE are one value; LibreOffice writes the former
            skip_close = True
        elif t.type == Token.OPERAND and t.subtype == Token.RANGE:
            out.append(operand(t.value))
        elif t.type == Token.OPERAND and t.subtype == Token.TEXT:
            out.append(t.value)
        elif t.type == Token.FUNC and t.subtype == Token.OPEN:
            out.append(_function(t.value) + "(")
        elif t.type == Token.OPERAND and t.subtype == Token.NUMBER:
            out.append(_number(t.value))
        else:
            out.append(t.value.upper())
    return "=" + "".join(out)


_LOGICAL = frozenset({"TRUE", "FALSE"})


def _next_is_close(items: tuple[Token, ...], i: int) -> bool:
    following = next((t for t in items[i + 1 :] if t.type != Token.WSPACE), None)
    return following is not None and following.type == Token.FUNC and following.subtype == Token.CLOSE


def _number(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return value
    return repr(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def one_cell(ref: str) -> str:
    """``A1`` for a one-cell range ``A1:A1`` (LibreOffice saves it so), else ``ref`` unchanged."""
    first, colon, last = ref.partition(":")
    return first if colon and first == last else ref


def normalised(text: str, renames: dict[str, str] | None = None) -> str:
    """Comparable text: no spaces, upper case outside strings, no ``$``, no ``_xlfn.`` prefixes, sheets unquoted.

    ``TRUE()``/``FALSE()`` become ``TRUE``/``FALSE``; numbers are written one way (``1.0`` = ``1``).
    """
    renames = renames or {}

    def operand(value: str) -> str:
        sheet, rest = split_sheet(value)
        return _sheet_text(sheet, renames) + one_cell(rest.replace("$", "").upper())

    return _join(str(text), operand)


def r1c1(text: str, row: int, column: int, renames: dict[str, str] | None = None) -> str:
    """The formula in R1C1 notation as seen from (row, column): equal for cells of one consistent line item."""
    renames = renames or {}

    def part(dollar_c: str, letters: str, dollar_r: str, digits: str) -> str:
        c, r = column_index_from_string(letters), int(digits)
        rs = f"R{r}" if dollar_r else f"R[{r - row}]"
        cs = f"C{c}" if dollar_c else f"C[{c - column}]"
        return rs + cs

    def operand(value: str) -> str:
        sheet, rest = split_sheet(value)
        up = rest.upper()
        prefix = _sheet_text(sheet, renames)
        m = _CELLS.match(up)
        if m:
            text = part(m[1], m[2], m[3], m[4])
            if m[6]:
                text = one_cell(text + ":" + part(m[5], m[6], m[7], m[8]))
            return prefix + text
        m = _COLS.match(up)
        if m:
            cols = [
                f"C{column_index_from_string(x)}" if d else f"C[{column_index_from_string(x) - column}]"
                for d, x in ((m[1], m[2]), (m[3], m[4]))
            ]
            return prefix + ":".join(cols)
        m = _ROWS.match(up)
        if m:
            rows = [f"R{int(x)}" if d else f"R[{int(x) - row}]" for d, x in ((m[1], m[2]), (m[3], m[4]))]
            return prefix + ":".join(rows)
        return prefix + up

    return _join(str(text), operand)


def move_rows(text: str, own_sheet: str, moved) -> str:
    """``text`` with its row numbers moved as rows were inserted or deleted, as Excel moves them.

    ``moved(sheet, row, end, column)`` gives the new number of ``row`` on ``sheet``
    (in ``column``, the range's first) or None when it is gone; ``end`` is None for a single cell, False for the first row of
    a range and True for its last (a range shrinks over deleted rows). A reference
    to a gone cell becomes ``#REF!``; defined names are left as they are.
    """
    items = tokens(text)
    if items is None:
        return text

    def row(sheet: str, number: str, end: bool | None, column: int = 1) -> str | None:
        new = moved(sheet, int(number), end, column)
        return None if new is None else str(new)

    def operand(value: str) -> str:
        sheet, rest = split_sheet(value)
        target = sheet if sheet is not None else own_sheet
        prefix = value[: len(value) - len(rest)]
        m = _CELLS.match(rest.upper())
        if m:
            column = column_index_from_string(m[2])
            first = row(target, m[4], False if m[6] else None, column)
            if not m[6]:
                return "#REF!" if first is None else prefix + f"{m[1]}{m[2]}{m[3]}{first}"
            last = row(target, m[8], True, column)
            if first is None or last is None or int(first) > int(last):
                return "#REF!"
            return prefix + f"{m[1]}{m[2]}{m[3]}{first}:{m[5]}{m[6]}{m[7]}{last}"
        m = _ROWS.match(rest.upper())
        if m:
            first, last = row(target, m[2], end=False), row(target, m[4], end=True)
            if first is None or last is None:
                return "#REF!"
            return prefix + f"{m[1]}{first}:{m[3]}{last}"
        return value

    out = ["="]
    for t in items:
        if t.type == Token.OPERAND and t.subtype == Token.RANGE:
            out.append(operand(t.value))
        else:
            out.append(t.value)
    return "".join(out)
