"""Template refresh: rebuild an old workbook with the current template, carrying every input.

``python build.py --refresh OLD.xlsx [-o NEW.xlsx]``. The new workbook is the
builder's own output (:func:`workbook.generate.build`) for the current
template instantiated with OLD's inputs (:func:`workbook.existing.read_inputs`):

- scalar inputs by defined name (falling back to the label in column A);
- input blocks cell by cell, keeping OLD's number of rows (a four-tier
  schedule stays four tiers);
- every placement row of OLD's Placements table, at the same positions;
- text stays text: an input such as ``=1+2`` is written as text, never as a
  formula;
- a formula typed into an input cell is carried as its last computed value
  (and reported), since inputs are values.

What cannot be mapped (a missing name and label, data below the Placements
table or below a block, which OLD's formulas did not count either) is
reported, and the template's default is kept. The validation ranges are the
current template's; where OLD's Min/Max differ, the report says so. OLD is
only read, never written; NEW defaults to ``OLD_refreshed.xlsx`` beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbook.existing import InputsRead, detect_flavour, open_workbook, read_inputs
from workbook.files import RefusedOverwrite
from workbook.generate import Built, build
from workbook.layout import build_layout
from workbook.template import FLAVOURS


@dataclass
class Refreshed:
    old: Path
    new: Path
    flavour: str
    inputs: InputsRead
    built: Built
    macros: list[str]

    @property
    def complete(self) -> bool:
        """Whether every input of OLD was carried."""
        return not self.inputs.not_carried


def default_target(old: Path) -> Path:
    return Path(old).with_name(f"{Path(old).stem}_refreshed.xlsx")


def refresh(old: Path, new: Path | None = None, *, flavour: str | None = None, force: bool = False) -> Refreshed:
    """Write NEW from the current template with OLD's inputs; OLD is never modified.

    Raises :class:`~workbook.safety.UnreadableWorkbook` for a file that cannot
    be read safely and :class:`~workbook.files.RefusedOverwrite` when NEW is
    OLD or a file this project did not build (unless ``force``).
    """
    old = Path(old)
    new = Path(new) if new is not None else default_target(old)
    if new.exists() and old.exists() and new.resolve() == old.resolve():
        raise RefusedOverwrite(f"{new} is the old workbook itself; refresh never modifies it — choose another -o")
    if new.suffix.lower() != ".xlsx":
        raise RefusedOverwrite(f"{new.name}: the refreshed workbook is an .xlsx (no macros); name it *.xlsx")
    opened = open_workbook(old)
    read = read_inputs(opened)
    if flavour is None:
        layouts = {f: build_layout(f, read.sheets) for f in FLAVOURS}
        flavour = detect_flavour(opened.book, layouts)
    built = build(new.parent, flavour, force=force, sheets=read.sheets, target=new)
    return Refreshed(old, new, flavour, read, built, list(opened.package.macros))


def report(r: Refreshed) -> str:
    """What was carried, what was not and why — for a person."""
    i = r.inputs
    lines = [
        f"refreshed {r.old} -> {r.new} ({r.flavour} flavour, current template)",
        f"carried {i.cells} input cell(s): {len(i.carried)} inputs and blocks, {i.placements} placement row(s)",
    ]
    lines += [f"  carried: {line}" for line in i.carried]
    if i.notes or r.macros:
        lines.append("notes:")
        lines += [f"  {line}" for line in i.notes]
        lines += [f"  macros/active content not carried (the refreshed file is a plain .xlsx): {m}" for m in r.macros]
    if i.not_carried:
        lines.append(f"NOT carried ({len(i.not_carried)}):")
        lines += [f"  {line}" for line in i.not_carried]
    else:
        lines.append("every input was carried")
    return "\n".join(lines)
