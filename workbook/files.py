"""Safe file handling: atomic writes, and never overwriting a workbook we did not build."""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from pathlib import Path

MARKER = "CEO Model generated workbook"


class RefusedOverwrite(Exception):
    """The target exists and is not a workbook this project built."""


def built_by_us(path: Path) -> bool:
    """Whether ``path`` carries the marker the builder writes into its document properties."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > 1_000_000:
                return False
            root = ElementTree.fromstring(archive.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError):
        return False
    return any((el.text or "").strip() == MARKER for el in root.iter() if el.tag.endswith("keywords"))


def check_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force and not built_by_us(path):
        raise RefusedOverwrite(f"{path} exists and was not built by CEO Model; use --force to replace it")


@contextlib.contextmanager
def atomic_target(path: Path):
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a built workbook gets ordinary file permissions
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
