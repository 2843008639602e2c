"""Backup and restore: encrypted to encrypted, checked before anyone relies on it.

A backup is the store copied with SQLite's online backup into a new file keyed with the same
data key, plus a copy of the key slots beside it, so it opens with the same passphrase and
recovery code. It is checked (pages, integrity, every case's chain) before success is reported;
a restore checks the backup the same way before replacing anything, and keeps the replaced store
aside.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from casecli.context import keys_path_for
from casecli.errors import CaseCliError, InvalidInput, StoreBusy
from casecli.fsutil import create_private_file, replace_durably, sync_folder
from casecli.i18n import _
from casecli.protection.integrity import verify
from casecli.store.db import Store, connect, open_store
from casecli.store.keyslots import KeyFile
from casecli.store.lock import key_change_lock, staged_keys_path


def _check(store: Store, what: str, full: bool = False) -> dict:
    """A copy's check: every chain from its checkpoint on (a backup just made), or everything
    (`full`: a backup about to replace the store, which may come from anywhere)."""
    report = verify(store, full=full)
    if not report["ok"]:
        raise CaseCliError(_("{what} does not verify: nothing was changed").format(what=what))
    report["cases"] = store.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    return report


def backup(store: Store, store_path: Path, output: Path) -> dict:
    if output.exists() or keys_path_for(output).exists():
        raise InvalidInput(_("--output: {path} already exists; choose another file name").format(path=output))
    if output.resolve() == store_path.resolve():
        raise InvalidInput(_("--output: that is the store itself"))
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    partial.unlink(missing_ok=True)
    create_private_file(partial)
    try:
        target = connect(partial, store.data_key)
        try:
            store.conn.backup(target)  # a consistent snapshot, even while another window writes
        finally:
            target.close()
        keys = KeyFile.load(keys_path_for(store_path), store_path)
        with open_store_keys(partial, keys, store.data_key) as copy:
            report = _check(copy, _("the backup"))
        keys.save(keys_path_for(output))
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return report


BACKUP_PREFIX = "casecli-"


def backup_into(store: Store, store_path: Path, folder: Path, keep: int) -> dict:
    """A backup named by the time into `folder` (a mailbox's backups/PREFIX/), then only the newest
    `keep` backups left there (with their key files). The new one is checked before any is removed."""
    folder.mkdir(parents=True, exist_ok=True)
    leftovers = remove_leftovers(folder)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    output = folder / f"{BACKUP_PREFIX}{stamp}.db"
    count = 1
    while output.exists():  # two backups in the same second
        count += 1
        output = folder / f"{BACKUP_PREFIX}{stamp}-{count}.db"
    report = backup(store, store_path, output)
    kept = sorted(
        (p for p in folder.glob(f"{BACKUP_PREFIX}*.db") if not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime_ns,
    )
    removed = kept[: max(len(kept) - max(keep, 1), 0)]
    forget_kept_aside(removed)
    for path in removed:  # its signed heads go with it
        path.with_name(path.name + ".heads").unlink(missing_ok=True)
    return {**report, "output": str(output), "removed": [p.name for p in removed], "leftovers_removed": leftovers}


def reprotect(store: Store, store_path: Path, folder: Path) -> dict:
    """After a key change (`passwd`, `recover`, `rekey`): the backups this laptop keeps in `folder`
    open only with the store's secrets of now. One under the same data key gets the store's key
    file (the new passphrase, the current recovery code: the old ones no longer open it); one under
    an older data key (before a `rekey`) cannot be rewrapped, so a fresh backup is written and it
    is removed. Returns the names rewrapped and removed, and the backup written (if any)."""
    backups = sorted(p for p in folder.glob(f"{BACKUP_PREFIX}*.db") if not p.name.startswith("."))
    keys = KeyFile.load(keys_path_for(store_path), store_path)
    rewrapped, stale = [], []
    for path in backups:
        if _opens_with(path, store.data_key):
            keys.save(keys_path_for(path))
            rewrapped.append(path.name)
        else:
            stale.append(path)
    written = None
    if stale:
        written = backup_into(store, store_path, folder, keep=len(backups) + 1)["output"]  # before any goes
        forget_kept_aside(stale)
        for path in stale:
            path.with_name(path.name + ".heads").unlink(missing_ok=True)
    return {"rewrapped": rewrapped, "removed": [p.name for p in stale], "written": written}


def _opens_with(path: Path, data_key: bytes) -> bool:
    try:
        connect(path, data_key).close()
    except CaseCliError:
        return False
    return True


LEFTOVER_AGE = 24 * 3600  # a backup still being written is never this old


def remove_leftovers(folder: Path, now: float | None = None) -> int:
    """Remove what an interrupted backup left in this laptop's backups folder (a store-sized
    `.partial` and its `-journal`) once it is a day old: the folder is this laptop's own, and no
    backup runs for a day. Returns how many files went."""
    import os
    import time

    now = time.time() if now is None else now
    gone = 0
    with os.scandir(folder) as items:
        for item in items:
            name = item.name
            if not name.startswith(".") or ".partial" not in name or not item.is_file(follow_symlinks=False):
                continue
            if now - item.stat(follow_symlinks=False).st_mtime > LEFTOVER_AGE:
                Path(item.path).unlink(missing_ok=True)
                gone += 1
    return gone


def open_store_keys(path: Path, keys: KeyFile, data_key: bytes) -> Store:
    from casecli.store.db import open_store_with_key

    return open_store_with_key(path, keys, data_key)


def restore(backup_file: Path, store_path: Path, passphrase) -> dict:
    """Check the backup, keep the current store aside, put the backup in its place.

    Under the key-change lock, in an order where a stop at any step leaves a store and a key
    file that open together: the backup and its key file are copied beside the store first (the
    key file staged as in a rekey), the current store is kept aside by a second name for the
    same file (or a copy), the backup is renamed over the store, and last its key file over the
    old one; a stop between the last two is finished by the next open (store.db.open_store).
    Every file written is readable by its owner only.
    """
    keys_before = _bytes_of(keys_path_for(store_path))
    with open_store(backup_file, passphrase) as copy:
        report = _check(copy, _("the backup"), full=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    staging = store_path.with_name(f".{store_path.name}.restoring")
    staged_keys = staged_keys_path(store_path)
    kept = store_path.with_name(f"{store_path.name}.replaced-{stamp}") if store_path.exists() else None
    with key_change_lock(store_path):
        if _bytes_of(keys_path_for(store_path)) != keys_before:
            # `passwd`, `rekey` or another `restore` finished in another window while the backup was
            # checked: replacing the store now would silently undo it. The two exclude each other.
            raise StoreBusy(
                _(
                    "the store's key was changed in another casecli window while the backup was checked: "
                    "nothing was replaced; run restore again if you still want the backup"
                )
            )
        try:
            _copy_private(backup_file, staging)
            _copy_private(keys_path_for(backup_file), staged_keys)
            if kept is not None:
                _copy_private(keys_path_for(store_path), keys_path_for(kept))
                _keep_aside(store_path, kept)
            replace_durably(staging, store_path)
        except BaseException:
            staging.unlink(missing_ok=True)
            staged_keys.unlink(missing_ok=True)
            raise
        replace_durably(staged_keys, keys_path_for(store_path))
    return {"cases": report["cases"], "kept_aside": str(kept) if kept else None}


def _bytes_of(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _copy_private(source: Path, target: Path) -> None:
    """Copy a file into a new file readable by its owner only, flushed to disk."""
    target.unlink(missing_ok=True)
    create_private_file(target)
    with source.open("rb") as reading, target.open("r+b") as writing:
        shutil.copyfileobj(reading, writing, 1024 * 1024)
        writing.flush()
        os.fsync(writing.fileno())


def _keep_aside(store_path: Path, kept: Path) -> None:
    """A second name for the store's file (atomic, and the same bytes whatever another window
    writes); where the file system has no such links (a FAT stick), a copy."""
    try:
        os.link(store_path, kept)
    except OSError:
        _copy_private(store_path, kept)
    sync_folder(kept.parent)


def kept_aside(store_path: Path) -> list[Path]:
    """Stores that `restore` kept aside beside this one (each with its key file)."""
    prefix = f"{store_path.name}.replaced-"
    return sorted(p for p in store_path.parent.glob(prefix + "*") if not p.name.endswith(".keys"))


def forget_kept_aside(paths: list[Path]) -> None:
    """Delete stores kept aside by `restore`, and their key files (without the key file, nothing opens them)."""
    for path in paths:
        keys_path_for(path).unlink(missing_ok=True)
        path.unlink(missing_ok=True)
