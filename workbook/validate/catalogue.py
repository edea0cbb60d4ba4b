"""The catalogue of rules: each rule's id, severity and one-line meaning, and the constants the rules judge by.

Constants allowed in formulas (A004): 0, 1 and 2 — as in ``IF(x,1,0)``,
``ROUNDDOWN(x,0)`` or ``σ^2/2``. Every other number belongs on the Inputs sheet.
"""

from __future__ import annotations

from udfs import excel

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

RULES: dict[str, tuple[str, str]] = {
    "S001": (ERROR, "a sheet of the template is missing or renamed"),
    "S002": (ERROR, "a defined name is missing or points elsewhere than the template says"),
    "S003": (ERROR, "the Placements table is missing, resized or has data outside it"),
    "S004": (INFO, "a sheet that is not part of the template (audited, not compared)"),
    "S005": (INFO, "rows a person inserted into (or blank rows deleted from) a template sheet; the rest is compared"),
    "I001": (ERROR, "a calculation's formula was replaced by a constant or deleted (hard-code)"),
    "I002": (ERROR, "a formula differs from the template's"),
    "I003": (ERROR, "a formula is inconsistent with the rest of its line item (R1C1)"),
    "I004": (ERROR, "a required input is empty (formulas use it)"),
    "I005": (WARNING, "a row inserted into an input block added an empty entry to it"),
    "N001": (ERROR, "an input of the wrong type (text or TRUE/FALSE where a number or date belongs)"),
    "N002": (ERROR, "an input outside its validation range (Min/Max)"),
    "N003": (ERROR, "an input that must be a whole number is not"),
    "N004": (ERROR, "placements exceed the programme maximum"),
    "N005": (WARNING, "an input cell holds a formula instead of a typed value"),
    "A001": (ERROR, "an error value (#REF!, #NAME?, #DIV/0!, …)"),
    "A002": (ERROR, "a link to another workbook"),
    "A003": (WARNING, "OFFSET or INDIRECT (volatile, hides what a formula depends on)"),
    "A004": (WARNING, "a constant embedded in a formula (allowed: 0, 1, 2)"),
    "A005": (WARNING, "a hidden sheet"),
    "A006": (ERROR, "manual calculation mode (figures go stale when inputs change)"),
    "A007": (ERROR, "a circular reference"),
    "A008": (WARNING, "macros or other active content (never run by this tool)"),
    "A009": (ERROR, "the add-in's functions show #NAME?: the add-in was not loaded when the file was last calculated"),
    "O001": (ERROR, "after recalculation the Checks total is not 0"),
}

ALLOWED_CONSTANTS = frozenset({"0", "1", "2"})
VOLATILE = frozenset({"OFFSET", "INDIRECT"})
ERROR_VALUES = excel.ERROR_VALUES  # the one list, in udfs.excel

# findings on one input cell, whose consequences (error values computed from it) follow it: one finding, no cascade
BAD_INPUT_RULES = ("N001", "N002", "N003", "I004")
