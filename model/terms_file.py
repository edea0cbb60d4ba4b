"""Deal terms from a file: a flat JSON object or TOML table of :class:`DealTerms` field names.

Minimal reader for the simulation's ``--terms``; the deal-terms issue replaces it
with the checked schema. Keys are DealTerms field names; ``schedule`` is a list
of ``[From, To, Rate]`` rows; dates (``last_sale_date``, ``holidays``) are ISO
strings (or TOML dates). Terms not given keep the prospectus values.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import fields
from pathlib import Path

from model.errors import CEOModelError
from model.terms import PROSPECTUS, DealTerms, Schedule

_DATES = {"last_sale_date"}


def load_terms(path: str | Path) -> DealTerms:
    """Read deal terms from ``path`` (``.json`` or ``.toml``), raising :class:`CEOModelError` on bad input."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CEOModelError("terms", f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise CEOModelError(
            "terms", f"{path.name} is not valid {path.suffix.lstrip('.').upper() or 'JSON'}: {exc}"
        ) from None
    if not isinstance(data, dict):
        raise CEOModelError("terms", "must be an object of term names and values")
    known = {f.name: f for f in fields(DealTerms)}
    values: dict[str, object] = {}
    for key, value in data.items():
        if key not in known:
            raise CEOModelError(key, "is not a deal term")
        if key == "schedule":
            values[key] = Schedule.from_rows(value, "schedule")
        elif key in _DATES:
            values[key] = _date(value, key)
        elif key == "holidays":
            if not isinstance(value, list):
                raise CEOModelError(key, "must be a list of dates")
            values[key] = tuple(_date(v, f"{key}[{i}]") for i, v in enumerate(value))
        else:
            default = getattr(PROSPECTUS, key)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise CEOModelError(key, f"must be a number, not {value!r:.40}")
            if isinstance(default, int) and not float(value).is_integer():
                raise CEOModelError(key, f"must be a whole number (got {value})")
            values[key] = type(default)(value)
    return PROSPECTUS.replace(**values)


def _date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise CEOModelError(name, f"must be a date YYYY-MM-DD, not {value!r:.40}")
