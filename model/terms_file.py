"""Deal terms files: TOML (``deal.toml``) or JSON, checked term by term against :data:`model.terms.TERMS`.

A file holds term names and values, an optional ``base`` (the named deal that
supplies every term the file leaves out; default ``prospectus-2001``) and an
optional ``[sources]`` table (term → citation). Every bad term is refused with
one line naming the term, the value and the rule.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from model import deals
from model.calendars import check_code
from model.errors import CEOModelError
from model.terms import DESK_DEFAULTS, DESK_TERMS, FIELD_NAMES, OPTIONAL_TERMS, TERM, TERMS, DealTerms, from_mapping

MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class LoadedTerms:
    """A terms file read: the terms, each term's source citation, and what came from the base deal."""

    terms: DealTerms
    sources: dict[str, str]
    base: str
    from_base: tuple[str, ...] = field(default=())


def load_terms(path: str | Path) -> DealTerms:
    """The deal terms of a TOML or JSON terms file (see :func:`load`)."""
    return load(path).terms


def load(path: str | Path) -> LoadedTerms:
    """Read and check a terms file.

    Raises
    ------
    CEOModelError
        Naming the file and the term: unreadable or invalid TOML/JSON, an
        unknown term, a wrong type, null, NaN/infinity, a value out of range,
        a bad schedule or holiday list.
    """
    path = Path(path)
    name = path.name or str(path)
    if path.is_dir():
        raise CEOModelError(name, "is a folder, not a terms file (.toml or .json); write one with ceo-model init-terms")
    if not path.exists():
        raise CEOModelError(name, "no such file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CEOModelError(name, f"is {size:,} bytes; a terms file is at most {MAX_BYTES:,}")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CEOModelError(name, "is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise CEOModelError(name, f"cannot be read: {(exc.strerror or str(exc)).lower()}") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CEOModelError(name, f"is not valid JSON: {exc}") from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise CEOModelError(name, f"is not valid TOML: {exc}") from None
    try:
        return from_data(data)
    except CEOModelError as exc:
        raise CEOModelError(f"{name}: {exc.argument}", exc.rule, exc.kind, exc.position) from None


def from_data(data: object) -> LoadedTerms:
    """Terms from a parsed file (a mapping); see :func:`load`."""
    if not isinstance(data, dict):
        raise CEOModelError("terms", "must be a table (object) of term names and values")
    data = dict(data)
    base_key = data.pop("base", deals.DEFAULT)
    if base_key not in deals.DEALS:
        raise CEOModelError("base", f"must be one of {', '.join(deals.DEALS)} (got {base_key!r})")
    sources = data.pop("sources", {})
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        raise CEOModelError("sources", "must be a table of term names and citations (text)")
    unknown = sorted(set(data) - FIELD_NAMES) or sorted(set(sources) - FIELD_NAMES)
    if unknown:
        raise CEOModelError(unknown[0], "is not a deal term")
    for name, value in data.items():
        _refuse_special(name, value)
    if "holidays" in data and isinstance(data["holidays"], str) and data["holidays"].strip().lower() == "exchange":
        data["holidays"] = None
    base_terms: DealTerms = deals.DEALS[base_key].TERMS
    terms = from_mapping(data, base_terms)
    check_code(terms.exchange_calendar)
    left_out = FIELD_NAMES - set(data) - set(OPTIONAL_TERMS)  # optional terms left out are not taken from the base
    return LoadedTerms(terms, sources_for(terms, base_key, sources), base_key, tuple(sorted(left_out)))


def sources_for(terms: DealTerms, base_key: str = deals.DEFAULT, cited: dict | None = None) -> dict[str, str]:
    """Each term's citation: the one given, else the base deal's where the value is the base deal's, else
    "terms file" — so a changed value never carries the base document's page reference."""
    cited = cited or {}
    base = deals.DEALS[base_key]
    out = {}
    for name in [t.name for t in (*TERMS, *DESK_TERMS)] + ["schedule", "holidays", "agents"]:
        if name in cited:
            out[name] = cited[name]
        elif getattr(terms, name) == getattr(base.TERMS, name):
            out[name] = base.SOURCES.get(name, "")
        else:
            out[name] = "terms file"
    return out


def _refuse_special(name: str, value: object) -> None:
    if value is None:
        raise CEOModelError(name, "is required (got null)")
    if isinstance(value, float) and not math.isfinite(value):
        raise CEOModelError(name, f"must be a finite number (got {value})")
    if name == "agents":
        return  # checked agent by agent, field by field (model.agents)
    if name == "schedule" and (not isinstance(value, list) or not value):
        raise CEOModelError("schedule", "must be a non-empty list of [From, To, Rate] rows")
    if name == "schedule":
        for i, row in enumerate(value):
            if not isinstance(row, list) or len(row) != 3:
                raise CEOModelError("schedule", f"row {i + 1} must be [From, To, Rate]")
            for j, cell in enumerate(row):
                if isinstance(cell, bool) or not isinstance(cell, int | float) or not math.isfinite(cell):
                    raise CEOModelError(
                        "schedule", f"row {i + 1}, column {j + 1} must be a finite number (got {cell!r})"
                    )


def dumps(terms: DealTerms, sources: dict[str, str] | None = None, title: str = "", base: str | None = None) -> str:
    """A complete, commented TOML terms file for ``terms`` (``build.py --init-terms``)."""
    sources = sources or {}
    lines = [
        f"# CEO Model deal terms{': ' + title if title else ''}",
        "# Every term of the programme. Edit the values; each one is checked when the file is read",
        "# (type, unit and range in the comment beside it). Rates are fractions: 0.04 = 4%.",
        "# Build the model with:  ceo-model build --terms THIS_FILE",
        "",
        *(
            [
                "# The named deal supplying any term left out, and the illustrative placements used without --placements.",
                f'base = "{base}"',
                "",
            ]
            if base
            else []
        ),
        "# Commission tiers on cumulative gross sales: [From, To, Rate]; the last To is the programme maximum.",
        f"schedule = [{', '.join(_toml(row) for row in terms.schedule.rows())}]",
    ]
    section = None
    for term in TERMS:
        if term.section != section:
            section = term.section
            lines += ["", f"# --- {section} ---"]
        value = getattr(terms, term.name)
        note = [term.label, term.unit.value]
        if term.choices:
            note.append("one of " + ", ".join(term.choices))
        elif term.low is not None:
            note.append(term.range_words())
        if term.doc:
            note.append(term.doc)
        if sources.get(term.name):
            note.append("source: " + sources[term.name])
        lines.append(f"{term.name} = {_toml(value)}  # {'; '.join(note)}")
    lines += [
        "",
        "# Holidays for settlement dates. Left out: the exchange calendar's holidays.",
    ]
    if terms.holidays is None:
        lines.append("# holidays = [2025-12-24, 2025-12-26]  # your own list replaces the exchange calendar")
    else:
        lines.append(f"holidays = {_toml(list(terms.holidays))}")
    lines += ["", "# --- Desk: what may be sold (optional; ceo-model capacity, reconcile, report) ---"]
    for term in DESK_TERMS:
        value = getattr(terms, term.name)
        note = "; ".join(
            x for x in (term.label, term.unit.value, term.range_words() if term.low is not None else "", term.doc) if x
        )
        stated = value is not None and (term.name not in DESK_DEFAULTS or value != DESK_DEFAULTS[term.name])
        shown = _toml(value) if value is not None else "..."
        lines.append(f"{'' if stated else '# '}{term.name} = {shown}  # {note}")
    for agent in terms.agents:
        lines += ["", "[[agents]]  # a sales agent: its schedule is on the gross sold through it"]
        lines += [f"{k} = {_toml(v)}" for k, v in agent.to_mapping().items()]
    cited = {
        k: v for k, v in sources.items() if v and k in FIELD_NAMES and (k not in OPTIONAL_TERMS or _stated(terms, k))
    }
    if cited:
        lines += ["", "[sources]  # where each term comes from (shown on the Inputs sheet)"]
        lines += [f"{k} = {json.dumps(v)}" for k, v in cited.items()]
    return "\n".join(lines) + "\n"


def _stated(terms: DealTerms, name: str) -> bool:
    value = getattr(terms, name)
    return bool(value) and value != DESK_DEFAULTS.get(name)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:_}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 10_000:
            return f"{int(value):_}.0"
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


__all__ = ["TERM", "LoadedTerms", "dumps", "from_data", "load", "load_terms"]
