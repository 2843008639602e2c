"""One key change at a time: a lock file beside the store, held for the whole of a key change.

`rekey`, `passwd`, `recover` and `restore` replace the key file (and `rekey` re-encrypts the
store) in several steps. Each holds this lock from its first read of the key file to its last
write, and any process that finds a half-finished key change (a staged key file) finishes or
discards it only while holding the lock: a staged file whose owner is still at work is never
touched. The lock is an OS file lock (fcntl on POSIX, msvcrt on Windows) through `filelock`,
so a process that dies releases it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from casecli.errors import StoreBusy
from casecli.i18n import _

# How long a key change waits for another one to finish before saying the store is busy.
WAIT_SECONDS = 10.0


def lock_path_for(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".lock")


def staged_keys_path(store_path: Path) -> Path:
    """Where a key change writes the new key file before it takes effect."""
    return store_path.with_name(store_path.name + ".keys.new")


@contextmanager
def key_change_lock(store_path: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the store's key-change lock, or raise StoreBusy after `wait` seconds (WAIT_SECONDS)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path_for(store_path)), timeout=WAIT_SECONDS if wait is None else wait, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise StoreBusy(
            _("a key change (rekey, passwd, recover or restore) is under way in another casecli window; try again")
        ) from None
    try:
        yield
    finally:
        lock.release()
