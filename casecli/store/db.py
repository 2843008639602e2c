"""Opening, creating and writing the SQLCipher store.

The store is one SQLCipher 4 file keyed with a random 32-byte data key (a raw key: no second key
derivation on every open); the key comes from a slot in `<store>.keys` (see keyslots). Hardening
on every connection: memory security, temp store in memory, secure delete, and HMAC left on.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casecli.errors import (
    CaseCliError,
    NotAStore,
    StoreBusy,
    StoreError,
    StoreExists,
    StoreMissing,
    StoreTooNew,
    WrongPassphrase,
)
from casecli.fsutil import create_private_file, make_private_dir, replace_durably, replace_file
from casecli.i18n import _
from casecli.store.keyslots import KeyFile, Slot, kdf_params, secret_bytes
from casecli.store.lock import key_change_lock, lock_path_for, staged_keys_path
from casecli.store.migrations import LATEST_VERSION, apply_migrations

if TYPE_CHECKING:
    from sqlcipher3.dbapi2 import Connection

BUSY_TIMEOUT_MS = 5000
# A cached statement keeps its last bound values in SQLite's pool of small allocations
# (lookaside); with the default 128 statements cached the pool runs dry, every allocation goes
# to the system allocator, and memory security turns each into two system calls (mlock and
# munlock). A few cached statements keep the pool free: an import of 1,000 cases ran 2x faster.
# Without memory security (training data) the usual cache is faster: statements are not re-parsed.
STATEMENT_CACHE = 4
STATEMENT_CACHE_WITHOUT_MEMORY_SECURITY = 128


def error_name(exc: BaseException) -> str:
    """SQLite's name for an error (SQLITE_BUSY, SQLITE_FULL …), or "" for any other exception."""
    return str(getattr(exc, "sqlite_errorname", "") or "")


def is_busy(exc: BaseException) -> bool:
    """Another connection holds the lock: decided by SQLite's error code, never by the message's words."""
    return error_name(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# SQLCipher's memory security for the connections this process opens when not told otherwise.
# Always on in casecli. The test suite turns it off for its in-process CLI (tests/conftest.py):
# its system calls cost a quarter of the suite; a test checks that a casecli process has it on.
MEMORY_SECURITY = True


def connect(path: Path, data_key: bytes, memory_security: bool | None = None) -> Connection:
    """Open `path` with the raw data key and prove the key is right by reading the schema.

    Memory security (wiping freed memory) is on for every store with real cases. Once on, it
    stays on for the process, so a job that turns it off (training data) never turns it on.
    """
    import sqlcipher3

    if memory_security is None:
        memory_security = MEMORY_SECURITY

    conn = sqlcipher3.connect(
        str(path),
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
        cached_statements=STATEMENT_CACHE if memory_security else STATEMENT_CACHE_WITHOUT_MEMORY_SECURITY,
    )
    try:
        # SQLCipher logs a wrong key or a damaged page to stderr by itself (many lines of it): off,
        # casecli says what happened in one line.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA cipher_memory_security = {'ON' if memory_security else 'OFF'}")
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        if is_busy(exc):
            raise StoreBusy(_("the store is busy in another casecli window; try again")) from None
        raise NotAStore(
            _("{path} is not a casecli store, is damaged, or does not match its key file").format(path=path)
        ) from None
    return conn


class KeyedConnection:
    """The store's connection, opened again once when its key changed under it (Store.reopen_with);
    every other attribute is the connection's own."""

    def __init__(self, conn: Connection, store: Store, reopen: Callable[[], Store]) -> None:
        self._conn, self._store, self._reopen = conn, store, reopen

    def execute(self, sql: str, params: Any = ()) -> Any:
        try:
            return self._conn.execute(sql, params)
        except Exception as exc:
            self._renew(exc)
            return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> Any:
        try:
            return self._conn.executemany(sql, rows)
        except Exception as exc:
            self._renew(exc)
            return self._conn.executemany(sql, rows)

    def _renew(self, exc: Exception) -> None:
        """Reopen for a key changed elsewhere (SQLITE_NOTADB outside a transaction); else re-raise."""
        if error_name(exc) != "SQLITE_NOTADB" or self._conn.in_transaction:
            raise exc
        old, self._conn = self._conn, self._store._reopened(self._reopen())
        old.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class Store:
    """An open store: one keyed connection and the helpers every domain module writes through."""

    def __init__(self, conn: Connection, path: Path, store_id: str, data_key: bytes) -> None:
        self.conn = conn
        self.path = path
        self.store_id = store_id
        # A bulk job sets this and refreshes every case's derived columns once at the end.
        self.defer_refresh = False
        # A training job sets this: fictional cases have no supervisor to approve their plans.
        self.approvals_waived = False
        self.data_key = data_key  # kept in memory only, for an encrypted-to-encrypted backup

    def reopen_with(self, reopen: Callable[[], Store]) -> None:
        """After a `rekey` in another window (while this one asked its questions) the connection's
        key no longer reads the pages: its next statement outside a transaction opens the store
        again (`reopen`: with the new key, the passphrase asked again where it must be) and runs
        there, so what the worker typed is saved, never lost to a "damaged store"."""
        self.conn = KeyedConnection(self.conn, self, reopen)

    def _reopened(self, fresh: Store) -> Connection:
        self.data_key, self.store_id = fresh.data_key, fresh.store_id
        return fresh.conn  # a Store from _open_store: its connection is a plain one

    @contextmanager
    def page_cache(self, mib: int) -> Iterator[None]:
        """A page cache of at least `mib` MiB while a large write runs (an import), the
        connection's own after (never smaller than it: SQLCipher's default here is 8,000 KiB).

        With the default, a transaction writing a hundred thousand rows into a large store spills
        changed pages to the file before it commits and reads cold index pages again: an import
        of 8,829 cases into a store of 50,000 (700 MB) took about 20 s with it and 17.5 s with
        64 MiB (128 MiB: no faster). The cache is bounded, and given back when the write ends."""
        import sqlcipher3

        (before,) = self.conn.execute("PRAGMA cache_size").fetchone()
        (page_size,) = self.conn.execute("PRAGMA page_size").fetchone()
        held_kib = -before if before < 0 else before * page_size // 1024  # (negative: KiB; else pages)
        if mib * 1024 <= held_kib:
            yield
            return
        self.conn.execute(f"PRAGMA cache_size = {-mib * 1024}")
        try:
            yield
        finally:
            # a connection past use (its file gone): the write's own error stands
            with suppress(sqlcipher3.Error):
                self.conn.execute(f"PRAGMA cache_size = {int(before)}")

    @contextmanager
    def transaction(self) -> Iterator[object]:
        """All or nothing: on any error (a full disk included) the store is left as it was.

        Inside another transaction this is a savepoint, so a bulk job (the training data) can
        run many domain operations as one transaction.
        """
        import sqlcipher3

        if self.conn.in_transaction:
            name = f"sp{id(object())}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self.conn
                self.conn.execute(f"RELEASE {name}")
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            return
        self._begin()
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlcipher3.OperationalError) and self.path is not None and not self.path.exists():
                # SQLite refuses to write to a file removed or renamed under it: say what happened.
                raise StoreError(
                    _(
                        "the store file {path} was removed or moved while casecli was using it: nothing was saved; "
                        "put it back or restore a backup (`casecli restore`)"
                    ).format(path=self.path)
                ) from None
            raise

    def rows(self, sql: str, params: Sequence[object] | Mapping[str, object] = ()) -> Iterator[dict[str, Any]]:
        """The rows of a query as dicts keyed by the names its SELECT gives them, as they come: the
        one row factory every read that hands records on uses. (The column names are read once a
        query, not once a row as sqlite's `row_factory` would: `list` streams 100,000 of them.)"""
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description or ()]
        return (dict(zip(names, values, strict=True)) for values in cursor)

    def row(self, sql: str, params: Sequence[object] | Mapping[str, object] = ()) -> dict[str, Any] | None:
        """The first row of a query as a dict (see `rows`), or None."""
        return next(self.rows(sql, params), None)

    def _begin(self) -> None:
        import sqlcipher3

        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlcipher3.OperationalError as exc:
            if is_busy(exc):
                raise StoreBusy(_("the store is busy in another casecli window; try again")) from None
            raise

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def profile(self) -> dict:
        row = self.conn.execute("SELECT data FROM profile WHERE id = 1").fetchone()
        return json.loads(row[0]) if row else {}

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: Path, passphrase: Callable[[], str], memory_security: bool | None = None) -> Store:
    """Unlock and open an existing store (see `_open_store`); the Store knows how to open itself
    again, with the same passphrase source, if its key changes under it."""
    store = _open_store(path, passphrase, memory_security)
    store.reopen_with(lambda: _open_store(path, passphrase, memory_security))
    return store


def _open_store(path: Path, passphrase: Callable[[], str], memory_security: bool | None = None) -> Store:
    """Unlock and open an existing store, upgrading its schema if it is older than this casecli.

    A key change that stopped half-way (a staged key file beside the store) is finished or
    discarded here, under the key-change lock (see store/lock.py): whichever key file opens the
    store is the one kept, so the store always opens with a secret the worker was given.
    """
    if not path.exists():
        raise StoreMissing(_("no store at {path}: create one with `casecli init`").format(path=path))
    if path.is_dir():
        raise NotAStore(_("{path} is a folder, not a casecli store").format(path=path))
    keys_path = path.with_name(path.name + ".keys")
    from casecli.store import unlocked

    held = unlocked.key_for(path)
    if held is not None:
        try:
            return _open_with_key(path, KeyFile.load(keys_path, path), held, memory_security)
        except (NotAStore, WrongPassphrase):
            unlocked.forget()  # the key changed in the meantime (`casecli rekey`): ask again
    secret = secret_bytes(passphrase())
    staged = staged_keys_path(path)
    try:
        keys = KeyFile.load(keys_path, path)
        store = _open_with_key(path, keys, keys.unlock("passphrase", secret), memory_security)
    except (NotAStore, WrongPassphrase):
        if not staged.exists() and _waited_for_key_change(path):
            # another window changed the key while this one read the old key file: read it again
            keys = KeyFile.load(keys_path, path)
            return _open_with_key(path, keys, keys.unlock("passphrase", secret), memory_security)
        if not staged.exists():
            raise
        with key_change_lock(path):
            keys = settle_key_change(path, secret)
        return _open_with_key(path, keys, keys.unlock("passphrase", secret), memory_security)
    if staged.exists():
        # Left by a key change that stopped before it took effect, or being written right now by
        # one that holds the lock: removed only if nobody holds it. (On a read-only medium the
        # lock cannot even be made: reading must work all the same.)
        try:
            with key_change_lock(path, wait=0):
                settle_key_change(path, secret)
        except (StoreBusy, OSError):
            pass
    return store


def _waited_for_key_change(path: Path) -> bool:
    """Whether a key change (rekey, passwd, recover, restore) was under way in another window: if
    so, wait for it to end (StoreBusy, saying so, past the lock's wait), and the store is read again
    rather than called damaged or the passphrase wrong."""
    if not lock_path_for(path).exists():  # no key change ever ran here: nothing to wait for (and no lock file made)
        return False
    try:
        with key_change_lock(path, wait=0):
            return False
    except StoreBusy:
        with key_change_lock(path):
            return True
    except OSError:  # a read-only medium: no lock can be made there, so no key change either
        return False


def settle_key_change(path: Path, secret: bytes) -> KeyFile:
    """Finish or discard a staged key file; call holding the key-change lock. Returns the key file in force.

    If the key file in place opens the store, the staged one was never used: it is removed. If
    only the staged one does, the change had taken effect on the store: it replaces the old one.
    """
    keys_path = path.with_name(path.name + ".keys")
    staged = staged_keys_path(path)
    current_error: CaseCliError | None = None
    try:
        current = KeyFile.load(keys_path, path)
        _prove(path, current, current.unlock("passphrase", secret))
    except (NotAStore, WrongPassphrase) as exc:
        current_error = exc
    else:
        staged.unlink(missing_ok=True)
        return current
    if not staged.exists():
        assert current_error is not None
        raise current_error
    fresh = KeyFile.load(staged, path)
    _prove(path, fresh, fresh.unlock("passphrase", secret))
    replace_durably(staged, keys_path)
    return fresh


def _prove(path: Path, keys: KeyFile, data_key: bytes) -> None:
    """The key opens this very store (its id matches the key file's), or NotAStore."""
    _open_with_key(path, keys, data_key, migrate=False).close()


def open_store_with_key(path: Path, keys: KeyFile, data_key: bytes) -> Store:
    return _open_with_key(path, keys, data_key)


def _open_with_key(
    path: Path, keys: KeyFile, data_key: bytes, memory_security: bool | None = None, migrate: bool = True
) -> Store:
    conn = connect(path, data_key, memory_security)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > LATEST_VERSION:
            raise StoreTooNew(
                _(
                    "{path} was written by a newer casecli (schema {version}; this one reads up to {latest}): update casecli to open it"
                ).format(path=path, version=version, latest=LATEST_VERSION)
            )
        if version == 0:
            raise NotAStore(_("{path} is not a casecli store (it has no casecli schema)").format(path=path))
        stored_id = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
        if not stored_id or stored_id[0] != keys.store_id:
            raise NotAStore(_("{path} does not belong to the key file beside it").format(path=path))
        if migrate:
            apply_migrations(conn)
    except BaseException:
        conn.close()
        raise
    store = Store(conn, path, keys.store_id, data_key)
    return store


def create_store(
    path: Path,
    passphrase: str,
    profile: dict,
    profile_form_version: int,
    recovery_code: str | None = None,
    kdf_memory_kib: int | None = None,
    agency_public: bytes | None = None,
    memory_security: bool | None = None,
) -> Store:
    """Create a new store and its key file; on any failure nothing is left behind.

    The key file is moved into place before the database, so that a crash in between leaves a
    lone key file that the next `init` replaces, never a database that no slot can open.
    """
    if path.exists():
        raise StoreExists(_("a store already exists at {path}").format(path=path))
    make_private_dir(path.parent)
    keys, data_key = KeyFile.new()
    keys.add("passphrase", secret_bytes(passphrase), data_key, kdf_params(kdf_memory_kib))
    if recovery_code is not None:
        keys.add("recovery", secret_bytes(recovery_code), data_key, kdf_params(kdf_memory_kib))
    if agency_public is not None:
        keys.put(Slot.wrap_for_agency(agency_public, data_key, keys.store_id))
    staging = path.with_name(f".{path.name}.new")
    staging.unlink(missing_ok=True)
    create_private_file(staging)
    try:
        conn = connect(staging, data_key, memory_security)
        try:
            apply_migrations(conn)
            now = utc_now()
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("store_id", keys.store_id), ("created_at", now)],
            )
            conn.execute(
                "INSERT INTO profile (id, form_version, data, updated_at) VALUES (1, ?, ?, ?)",
                (profile_form_version, json.dumps(profile, ensure_ascii=False), now),
            )
            conn.execute("COMMIT")
        finally:
            conn.close()
        keys.save(path.with_name(path.name + ".keys"))
        replace_file(staging, path)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return _open_with_key(path, keys, data_key, memory_security)
