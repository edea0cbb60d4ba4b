"""Safe file handling: atomic writes; never overwriting a workbook we did not build or one edited since."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
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


def lock_file(path: Path) -> Path:
    """Where LibreOffice marks ``path`` as open: ``.~lock.NAME#`` beside it."""
    return Path(path).with_name(f".~lock.{Path(path).name}#")


def lock_holder(path: Path) -> str | None:
    """Who has ``path`` open in LibreOffice, as its lock file says ("name (user) on host since date"); None when
    no lock file is beside it."""
    lock = lock_file(path)
    try:
        text = lock.read_bytes()[:4096].decode("utf-8", "replace")
    except FileNotFoundError:
        return None
    except OSError:
        return "someone (the lock file cannot be read)"
    fields = [f.strip() for f in text.strip().rstrip(";").split(",")]  # name,user,host,date,profile URL;
    name, user, host, when = [*fields, "", "", "", ""][:4]
    who = (f"{name} ({user})" if name and user and user != name else name or user) or "someone"
    return who + (f" on {host}" if host else "") + (f" since {when}" if when else "")


def check_lock(path: Path, force: bool) -> None:
    """Refuse to write ``path`` while LibreOffice has it open (its next save would overwrite ours), unless
    ``force``."""
    if force:
        return
    holder = lock_holder(path)
    if holder is not None:
        raise RefusedOverwrite(
            f"{path} is open in LibreOffice by {holder} (lock file {lock_file(path).name}): close it there "
            "first, or use --force"
        )


def check_overwrite(path: Path, force: bool) -> None:
    """Refuse to replace a file we did not build, or one a person edited since we built it, or one open in
    LibreOffice (unless ``force``)."""
    check_lock(path, force)
    if not path.exists() or force:
        return
    if not built_by_us(path):
        raise RefusedOverwrite(f"{path} exists and was not built by CEO Model; use --force to replace it")
    from workbook.kit.fingerprint import edit_status
    from workbook.kit.safety import UnreadableWorkbook

    try:
        status = edit_status(path)
    except UnreadableWorkbook as exc:
        raise RefusedOverwrite(f"{path} cannot be read to rule out edits ({exc}); use --force to replace it") from None
    if status:
        raise RefusedOverwrite(f"{path}: {status}")


@contextlib.contextmanager
def atomic_target(path: Path):
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename."""
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise OSError(f"{folder}: is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=folder)
    except OSError as exc:  # name the folder, not the hidden temporary file
        raise OSError(f"cannot write {path.name} in {folder}: {(exc.strerror or str(exc)).lower()}") from None
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a built workbook gets ordinary file permissions
    try:
        yield Path(tmp)
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise OSError(f"cannot write {path}: {(exc.strerror or str(exc)).lower()}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def replace_together(targets: dict[str, Path]):
    """Yield ``{key: temporary path}`` in a hidden folder beside the targets; on success every target is replaced
    (Ctrl-C held off meanwhile), so a pair of workbooks is replaced together or not at all."""
    folders = {Path(t).parent for t in targets.values()}
    if len(folders) != 1:
        raise ValueError("replace_together: the targets must share one folder")
    (folder,) = folders
    if folder.exists() and not folder.is_dir():
        raise OSError(f"{folder}: is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".ceo_build_", dir=folder))
    except OSError as exc:  # name the folder, not a hidden temporary one
        raise OSError(f"cannot write in {folder}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        staged = {key: staging / Path(t).name for key, t in targets.items()}
        yield staged
        held = hasattr(signal, "pthread_sigmask")
        if held:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            for key, target in targets.items():
                os.replace(staged[key], target)
        except OSError as exc:
            raise OSError(f"cannot write {target}: {(exc.strerror or str(exc)).lower()}") from None
        finally:
            if held:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
