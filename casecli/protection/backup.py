"""Backup and restore: encrypted to encrypted, checked before anyone relies on it.

A backup is the store copied with SQLite's online backup into a new file keyed with the same
data key, plus a copy of the key slots beside it, so it opens with the same passphrase and
recovery code. It is checked (pages, integrity, every case's chain) before success is reported;
a restore checks the backup the same way before replacing anything, and keeps the replaced store
aside.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from casecli.context import keys_path_for
from casecli.errors import CaseCliError, InvalidInput
from casecli.fsutil import create_private_file
from casecli.i18n import _
from casecli.protection.integrity import verify
from casecli.store.db import Store, connect, open_store
from casecli.store.keyslots import KeyFile


def _check(store: Store, what: str) -> dict:
    report = verify(store)
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


def open_store_keys(path: Path, keys: KeyFile, data_key: bytes) -> Store:
    from casecli.store.db import open_store_with_key

    return open_store_with_key(path, keys, data_key)


def restore(backup_file: Path, store_path: Path, passphrase) -> dict:
    """Check the backup, move the current store aside, put the backup in its place."""
    with open_store(backup_file, passphrase) as copy:
        report = _check(copy, _("the backup"))
    kept = None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    staging = store_path.with_name(f".{store_path.name}.restoring")
    shutil.copyfile(backup_file, staging)
    if store_path.exists():
        kept = store_path.with_name(f"{store_path.name}.replaced-{stamp}")
        keys_path_for(store_path).replace(keys_path_for(kept))
        store_path.replace(kept)
    shutil.copyfile(keys_path_for(backup_file), keys_path_for(store_path))
    staging.replace(store_path)
    return {"cases": report["cases"], "kept_aside": str(kept) if kept else None}
