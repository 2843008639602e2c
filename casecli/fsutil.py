"""File-system helpers that keep files private on any platform."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def make_private_dir(path: Path) -> None:
    """Create `path` (and missing parents) readable by the owner only; POSIX modes are ignored on
    Windows. A folder that exists already (a home folder, a USB stick's root) is left as it is:
    changing it would surprise its owner, a FAT stick may refuse, and the files in it are private."""
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    for created in missing:
        _chmod(created, PRIVATE_DIR)


def create_private_file(path: Path) -> None:
    """Create an empty file with owner-only permissions before anything writes to it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.close(fd)
    _chmod(path, PRIVATE_FILE)


def write_private_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` all at once: a crash leaves either the old file or the new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _chmod(Path(tmp), PRIVATE_FILE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def replace_durably(source: Path, target: Path) -> None:
    """Rename `source` over `target` and make the rename itself survive a power cut."""
    os.replace(source, target)
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk (POSIX: a rename is durable only then; Windows has no such call)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (a FAT stick, a network share) cannot sync a folder
    finally:
        os.close(fd)


def _chmod(path: Path, mode: int) -> None:
    if os.name == "posix":
        os.chmod(path, mode)
