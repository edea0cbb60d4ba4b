"""What validation reports: a :class:`Finding` per problem, the :class:`Report` of a file, and how both read."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from workbook.reading.existing import plain
from workbook.validate.catalogue import ERROR, INFO, WARNING


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    sheet: str | None
    cell: str | None
    message: str

    @property
    def location(self) -> str:
        if self.sheet is None:
            return "workbook"
        sheet = self.sheet if self.sheet.replace("_", "").replace(".", "").isalnum() else f"'{self.sheet}'"
        return f"{sheet}!{self.cell}" if self.cell else sheet

    def as_dict(self) -> dict:
        return {**asdict(self), "location": self.location}


@dataclass
class Report:
    path: Path
    flavour: str
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)


def text(report: Report) -> str:
    """The report as the command line prints it: a head line, then one line per finding."""
    counts = Counter(f.severity for f in report.findings)
    head = f"{report.path.name} ({report.flavour} flavour): " + (
        ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in (ERROR, WARNING, INFO) if counts[s])
        or "no findings"
    )
    width = max((len(f.location) for f in report.findings), default=0)
    lines = [f"{f.severity:<7} {f.location:<{width}}  {f.rule}  {f.message}" for f in report.findings]
    return "\n".join([head, *lines])


def shown(value) -> str:
    """A cell value as a message quotes it."""
    if isinstance(value, dt.datetime | dt.date):
        return plain(value).isoformat()
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, bool):
        return repr(value).upper()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.10g}" if abs(value) < 1e15 else repr(value)
    return repr(value)


def rows_words(rows: list[int]) -> str:
    """``[3, 4, 5, 9]`` as ``3–5, 9``."""
    spans: list[list[int]] = []
    for r in sorted(rows):
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    return ", ".join(f"{a}–{b}" if b > a else f"{a}" for a, b in spans)


def clip(text: str | None, n: int = 90) -> str:
    text = text or ""
    return text if len(text) <= n else text[: n - 1] + "…"
