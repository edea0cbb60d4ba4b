"""Inputs (I004, N001–N003, N005): every required input typed, of its type, within its range and whole if it must be."""

from __future__ import annotations

import datetime as dt

from openpyxl.utils import get_column_letter, range_boundaries

from udfs import excel
from workbook.kit.layout import INPUT
from workbook.kit.spec import Kind
from workbook.validate.catalogue import ERROR_VALUES
from workbook.validate.context import Context, empty
from workbook.validate.graph import Graph
from workbook.validate.report import clip, shown


def required_inputs(ctx: Context) -> dict[tuple[str, str], object]:
    """{(template sheet, ref): CellSpec} of input cells that must not be empty (placements: see placements)."""
    return {
        (sheet, ref): spec
        for sheet, cells in ctx.layout.cells.items()
        for ref, spec in cells.items()
        if spec.role == INPUT and sheet != "Placements"
    }


def inputs(ctx: Context, graph: Graph) -> None:
    for (sheet, ref), spec in required_inputs(ctx).items():
        if ctx.ws(sheet) is None:
            continue
        value, text = ctx.input_value(sheet, ref)
        ref = ctx.loc(sheet, ref)
        if text is None and empty(value):
            users = graph.users_of(ctx.actual[sheet], ref)
            use = (
                f"{len(users)} formula(s) use it, e.g. {users[0]}"
                if users
                else "the model needs it even where no formula refers to it any more"
            )
            ctx.add("I004", ctx.actual[sheet], ref, f"{spec.label or ref} is empty: {use}")
    for v in ctx.layout.validations:
        if ctx.ws(v.sheet) is None:
            continue
        c1, r1, c2, r2 = range_boundaries(v.ref)
        for row in range(r1, r2 + 1):
            for col in range(c1, c2 + 1):
                check_input(ctx, v, f"{get_column_letter(col)}{row}")


def check_input(ctx: Context, v, ref: str) -> None:
    where = ctx.actual[v.sheet]
    spec = ctx.layout.cells[v.sheet].get(ref)
    label = spec.label if spec and spec.label else v.label
    value, text = ctx.input_value(v.sheet, ref)
    ref = ctx.loc(v.sheet, ref)
    if text is not None:
        ctx.add(
            "N005",
            where,
            ref,
            f"{label} holds the formula {clip(text)}: inputs should be typed values (FAST); it is checked "
            f"with its last value {shown(value)}",
        )
    if empty(value):
        return
    if isinstance(value, str) and value.startswith("#") and value.upper() in ERROR_VALUES:
        return  # reported as an error value (A001)
    if v.kind is Kind.TEXT:
        if not isinstance(value, str) or not value.strip():
            ctx.add("N001", where, ref, f"{label} is {shown(value)}, not text")
        elif v.low and value not in v.low:
            ctx.add("N002", where, ref, f"{label} is {shown(value)}; allowed: {', '.join(v.low)}")
        return
    if v.kind is Kind.DATE:
        if isinstance(value, dt.date):
            number, words = value, value.isoformat()
        elif isinstance(value, int | float) and not isinstance(value, bool):
            number = excel.from_serial(value) if 0 < value <= excel.LAST_SERIAL else None
            words = shown(value)
            if number is None:
                ctx.add("N002", where, ref, f"{label} is {words}, not a date from 1900 to 9999")
                return
        else:
            ctx.add("N001", where, ref, f"{label} is {shown(value)}, not a date; formulas cannot use it")
            return
    elif isinstance(value, bool) or not isinstance(value, int | float):
        what = "TRUE/FALSE" if isinstance(value, bool) else ("text " + shown(value))
        ctx.add("N001", where, ref, f"{label} is {what}, not a number; formulas treat it as 0 or fail")
        return
    else:
        number, words = value, shown(value)
    low, high = v.low, v.high
    if not low <= number <= high:
        ctx.add(
            "N002",
            where,
            ref,
            f"{label} is {words}, outside its validation range (allowed {shown(low)} to {shown(high)})",
        )
    if v.kind is Kind.WHOLE and not float(number).is_integer():
        ctx.add("N003", where, ref, f"{label} is {words}; it must be a whole number")
