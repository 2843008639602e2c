"""`verify`'s checkpoint: where each case's chain stood when it was last verified.

Each head (case, seq, hash) carries a MAC under a key derived from the store's data key, so a head
cannot be written or moved without the key. An event updated or deleted through SQL drops its case's
head (triggers, migration 22), and the case is verified whole the next time. What an incremental
`verify` cannot see is someone with the store's key who removes the triggers, edits an old event and
puts the triggers back: `verify --full` re-hashes everything and is the check for that.
"""

from __future__ import annotations

import hashlib
import hmac

from casecli.errors import StoreError
from casecli.store.db import Store

TRIGGERS = ("events_updated_unverify", "events_deleted_unverify")
TRUST_KEY = "verify.trusted_keys"  # meta: the MAC of the keys trusted when the heads were recorded


def _key(store: Store) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"casecli verified heads").derive(store.data_key)


def _mac(key: bytes, number: str, seq: int, stored: str) -> str:
    return hmac.new(key, f"{number}\n{seq}\n{stored}".encode(), hashlib.sha256).hexdigest()


def tracking_intact(store: Store) -> bool:
    """Whether the triggers that drop a changed case's head are in place."""
    found = {
        name
        for (name,) in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
        )
    }
    return all(name in found for name in TRIGGERS)


def _trust_mac(key: bytes, trusted: list[str]) -> str:
    return hmac.new(key, "\n".join(sorted(trusted)).encode(), hashlib.sha256).hexdigest()


def heads(store: Store, trusted: list[str]) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """The heads whose MAC holds, by case; and the cases whose head's MAC does not (they are
    verified whole). None at all when the keys trusted for handovers changed since (a contact
    removed): a handover verified then may not be trusted now, so every chain is checked again."""
    key = _key(store)
    recorded = store.meta(TRUST_KEY)
    if recorded is None or not hmac.compare_digest(recorded, _trust_mac(key, trusted)):
        return {}, []
    good: dict[str, tuple[int, str]] = {}
    forged: list[str] = []
    for number, seq, stored, mac in store.conn.execute("SELECT case_number, seq, hash, mac FROM verified_heads"):
        if hmac.compare_digest(mac, _mac(key, number, seq, stored)):
            good[number] = (seq, stored)
        else:
            forged.append(number)
    return good, forged


def record(store: Store, verified: dict[str, tuple[int, str]], trusted: list[str]) -> None:
    """Move the heads of the cases whose chains verified to their last event. A store that cannot
    be written (a read-only medium) keeps its checkpoint: the next verify checks more, that is all."""
    import sqlcipher3

    key = _key(store)
    try:
        with store.transaction():
            store.conn.executemany(
                "INSERT INTO verified_heads (case_number, seq, hash, mac) VALUES (?, ?, ?, ?) ON CONFLICT (case_number)"
                " DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac",
                [(n, seq, stored, _mac(key, n, seq, stored)) for n, (seq, stored) in verified.items()],
            )
            store.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (TRUST_KEY, _trust_mac(key, trusted))
            )
    except (sqlcipher3.OperationalError, StoreError):
        pass


def forget(store: Store) -> None:
    """Drop every head (the next `verify` checks everything)."""
    with store.transaction():
        store.conn.execute("DELETE FROM verified_heads")
