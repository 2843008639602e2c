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


# pip's pattern (its `replace` retries for a second): Windows refuses to replace a file another
# program holds open (SQLite, Syncthing's scanner, an antivirus, a file browser's preview) with a
# sharing violation that passes as soon as that program lets go.
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.25, 0.4)


def replace_file(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """os.replace, tried again briefly while another program holds either file; then one line
    naming the file (FileBusy) instead of a traceback."""
    import time

    for delay in (*RETRY_DELAYS, None):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if delay is None:
                from casecli.errors import FileBusy
                from casecli.i18n import _

                raise FileBusy(
                    _(
                        "{path}: another program holds it open or it is read-only (an antivirus, Syncthing, a file"
                        " browser, another casecli): close it and try again"
                    ).format(path=os.fspath(target))
                ) from None
            time.sleep(delay)


def write_private_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` all at once: a crash leaves either the old file or the new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _chmod(Path(tmp), PRIVATE_FILE)
        replace_file(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def replace_durably(source: Path, target: Path) -> None:
    """Rename `source` over `target` and make the rename itself survive a power cut."""
    replace_file(source, target)
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
