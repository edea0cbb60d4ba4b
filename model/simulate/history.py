"""A price history to bootstrap from: daily log returns of the close and each day's volume, read from a CSV."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.errors import CEOModelError


@dataclass(frozen=True)
class PriceHistory:
    """Daily log returns of the close, each with the volume of the day it ends on."""

    log_returns: np.ndarray
    volumes: np.ndarray
    source: str = ""

    @classmethod
    def from_csv(cls, path: str | Path, name: str = "prices") -> PriceHistory:
        """Read a CSV with the columns ``date, close, volume`` (header required; dates ascending)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CEOModelError(name, f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            raise CEOModelError(name, f"{path.name} is empty; it needs the header date,close,volume")
        header = [h.strip().lower() for h in rows[0]]
        missing = [c for c in ("date", "close", "volume") if c not in header]
        if missing:
            raise CEOModelError(
                name, f"{path.name} needs the columns date, close, volume; missing {', '.join(missing)}"
            )
        at = {c: header.index(c) for c in ("date", "close", "volume")}
        dates, closes, volumes, line = [], [], [], []
        for r, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < len(header):
                raise CEOModelError(name, f"row {r} has {len(row)} fields, the header has {len(header)}")
            text = row[at["date"]].strip()
            try:
                day = np.datetime64(text, "D")
            except ValueError:
                day = np.datetime64("NaT")
            if np.isnat(day):
                raise CEOModelError(name, f"row {r}, column date: must be a date YYYY-MM-DD, not {text!r:.40}")
            dates.append(day)
            line.append(r)
            for col, out, low_open in (("close", closes, True), ("volume", volumes, False)):
                cell = row[at[col]].strip()
                try:
                    value = float(cell.replace(",", ""))
                except ValueError:
                    raise CEOModelError(name, f"row {r}, column {col}: must be a number, not {cell!r:.40}") from None
                if not math.isfinite(value) or value < 0 or (low_open and value == 0):
                    words = "a positive number" if low_open else "a number, 0 or more"
                    raise CEOModelError(name, f"row {r}, column {col}: must be {words} (got {cell:.40})")
                out.append(value)
        if len(closes) < 2:
            raise CEOModelError(name, f"{path.name} needs at least 2 days of prices to give a return")
        steps = np.diff(np.array(dates))
        if np.any(steps <= np.timedelta64(0, "D")):
            r = line[int(np.flatnonzero(steps <= np.timedelta64(0, "D"))[0]) + 1]
            raise CEOModelError(name, f"row {r}, column date: dates must be ascending and distinct")
        close = np.array(closes)
        return cls(np.diff(np.log(close)), np.array(volumes[1:]), str(path))
