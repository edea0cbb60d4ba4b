"""``python -m workbook validate FILE [--json] [--recalc]``: check a workbook against the template and audit rules.

The expected workbook is the builder's own layout (:mod:`workbook.kit.layout`)
of the current template, instantiated with the file's inputs (so a file with a
four-tier schedule is compared with a four-tier layout) in the flavour the
file's formulas match best. Nothing about the layout is described twice.

Every finding has a severity, a rule id, a cell (``Sheet!A1``; the sheet or
the workbook for findings about those) and a message. Exit status: 0 when
there is no error (warnings and info allowed), 1 when there is an error, 2
when the file cannot be read.

Where things are, by rule family:

- :mod:`.catalogue` — :data:`RULES` (id → severity, meaning) and the constants rules judge by
- :mod:`.report` — :class:`Finding`, :class:`Report` and how they print
- :mod:`.context` — the opened file and the one expected layout every rule reads
- :mod:`.run` — :func:`validate`, :func:`main` and the order of the families
- :mod:`.structure` (S001–S004), :mod:`.moved_rows` (S005, I005), :mod:`.formulas` (I001–I003),
  :mod:`.inputs` (I004, N001–N003, N005), :mod:`.placements` (I004, S003, N004),
  :mod:`.audit` (A002–A008), :mod:`.error_values` (A001, A009), :mod:`.recalc` (O001)
- :mod:`.graph` — the dependency graph (cycles, what an error or a bad input reaches)
"""

from __future__ import annotations

from workbook.validate.catalogue import (
    ALLOWED_CONSTANTS,
    ERROR,
    ERROR_VALUES,
    INFO,
    RULES,
    SEVERITY_ORDER,
    VOLATILE,
    WARNING,
)
from workbook.validate.report import Finding, Report
from workbook.validate.run import main, validate

__all__ = [
    "ALLOWED_CONSTANTS",
    "ERROR",
    "ERROR_VALUES",
    "INFO",
    "RULES",
    "SEVERITY_ORDER",
    "VOLATILE",
    "WARNING",
    "Finding",
    "Report",
    "main",
    "validate",
]
