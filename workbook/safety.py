"""Reading workbooks from anywhere: refuse what is not a sane .xlsx before parsing it."""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_PACKAGE_BYTES = 200 * 1024 * 1024  # uncompressed total of all parts
MAX_PART_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # decompressed ÷ compressed, per part


class UnreadableWorkbook(Exception):
    """The file is not a workbook we can safely read; the message says why in one line."""


def check_package(path: Path) -> None:
    """Refuse missing, non-zip, truncated or zip-bomb files before any XML is parsed."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableWorkbook(f"{path}: no such file")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise UnreadableWorkbook(f"{path.name}: not an Excel workbook (no xl/workbook.xml)")
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_PART_BYTES or (info.file_size > 1_000_000 and ratio > MAX_RATIO):
                    raise UnreadableWorkbook(f"{path.name}: part {info.filename} expands to {info.file_size:,} bytes (zip bomb?)")
            if total > MAX_PACKAGE_BYTES:
                raise UnreadableWorkbook(f"{path.name}: expands to {total:,} bytes, above the {MAX_PACKAGE_BYTES:,} limit")
            bad = archive.testzip()
            if bad:
                raise UnreadableWorkbook(f"{path.name}: corrupt part {bad}")
    except zipfile.BadZipFile as exc:
        raise UnreadableWorkbook(f"{path.name}: not a valid .xlsx (zip) file: {exc}") from None
    except OSError as exc:
        raise UnreadableWorkbook(f"{path.name}: cannot be read: {exc}") from None
