"""Build a model workbook: template → layout → .xlsx → headless recalculation → cached values."""

from __future__ import annotations

import contextlib
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import model
from model import terms_file
from model.terms import DealTerms
from workbook.engine.engines import choose, compute, remember
from workbook.engine.recalc import write_cached_values
from workbook.kit.builder import write_workbook
from workbook.kit.files import atomic_target, check_overwrite
from workbook.kit.layout import Layout, build_layout
from workbook.sheets.template import Deal, template

FILE_NAMES = {"udf": "CEO_Model.xlsx", "native": "CEO_Model_native.xlsx"}


@dataclass
class Built:
    flavour: str
    path: Path
    layout: Layout
    values: dict
    engine: str = "formulas"


def build(
    out_dir: Path,
    flavour: str,
    terms: DealTerms | Deal = model.PROSPECTUS,
    placements: pd.DataFrame | None = None,
    force: bool = False,
    *,
    sheets: tuple | None = None,
    target: Path | None = None,
    engine: str | None = None,
) -> Built:
    """Write one flavour's workbook into ``out_dir`` with every formula's value cached.

    ``sheets`` replaces ``template(terms, placements)`` (template refresh passes
    the current template carrying an old workbook's inputs); ``target`` replaces
    ``out_dir``/the flavour's file name; ``engine`` (``libreoffice`` or
    ``formulas``) the default engine choice (:func:`workbook.engine.engines.choose`).
    """
    engine = choose(engine)
    target = Path(target) if target is not None else Path(out_dir) / FILE_NAMES[flavour]
    check_overwrite(target, force)
    lay = build_layout(flavour, sheets if sheets is not None else template(terms, placements))
    with tempfile.TemporaryDirectory() as tmp, atomic_target(target) as final:
        plain = Path(tmp) / FILE_NAMES[flavour]
        write_workbook(lay, plain)
        values = compute(plain, engine)
        write_cached_values(plain, values, final)
        remember(final, engine, values)  # the cached values do not change what the engine computes
    return Built(flavour, target, lay, values, engine)


def build_flavours(targets: dict[str, Path], sheets: tuple, *, engine: str | None = None) -> list[Built]:
    """:func:`build` of each flavour (``{flavour: target}``) from the same ``sheets``, overlapped: while the engine
    (LibreOffice, another process) recalculates one workbook, this process writes the next. Each target is
    written atomically; the caller has checked that it may be replaced (see :func:`workbook.kit.files.replace_together`
    for a pair replaced together)."""
    engine = choose(engine)
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(1) as pool, contextlib.ExitStack() as stack:
        pending = []
        for flavour, target in targets.items():
            lay = build_layout(flavour, sheets)
            plain = Path(tmp) / FILE_NAMES[flavour]
            write_workbook(lay, plain)
            # formulas computes in this process: nothing to overlap, so it runs here and now
            values = pool.submit(compute, plain, engine) if engine == "libreoffice" else compute(plain, engine)
            pending.append((flavour, Path(target), lay, plain, values))
        built = []
        for flavour, target, lay, plain, values in pending:
            values = values.result() if isinstance(values, Future) else values
            write_cached_values(plain, values, stack.enter_context(atomic_target(target)))
            built.append(Built(flavour, target, lay, values, engine))
    for b in built:
        remember(b.path, engine, b.values)  # the cached values do not change what the engine computes
    return built


def named_values(built: Built, prefix: str = "Out") -> dict[str, object]:
    """Computed value of every defined name starting with ``prefix`` (single cells)."""
    out = {}
    for name, ref in built.layout.names.items():
        if not name.startswith(prefix) or ":" in ref:
            continue
        sheet, cell = ref.rsplit("!", 1)
        out[name] = built.values.get((sheet.strip("'"), cell.replace("$", "")))
    return out


def read_terms(path: Path) -> Deal:
    """A deal from a TOML or JSON terms file (see :mod:`model.terms_file`), with each term's citation."""
    loaded = terms_file.load(path)
    return Deal(loaded.terms, loaded.sources)
