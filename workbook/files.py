"""Safe file handling: atomic writes; never overwriting a workbook we did not build or one edited since."""

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
    """Refuse to replace a file we did not build, or one a person edited since we built it (unless ``force``)."""
    if not path.exists() or force:
        return
    if not built_by_us(path):
        raise RefusedOverwrite(f"{path} exists and was not built by CEO Model; use --force to replace it")
    from workbook.fingerprint import edit_status
    from workbook.safety import UnreadableWorkbook

    try:
        status = edit_status(path)
    except UnreadableWorkbook as exc:
        raise RefusedOverwrite(f"{path} cannot be read to rule out edits ({exc}); use --force to replace it") from None
    if status:
        raise RefusedOverwrite(f"{path}: {status}")


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
