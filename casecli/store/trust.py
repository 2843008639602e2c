"""Whose signatures this store trusts: its own identity, its contacts, and, for one case, the
senders whose verified bundles brought that case here (recorded by the import).

A handover event in a case's history carries the handing-over worker's public key and signature;
a signature proves something only if its key is one of these (an altered history could carry any
key, with a signature to match).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from casecli.store.sealing import b64

if TYPE_CHECKING:
    from casecli.store.db import Store


@dataclass(frozen=True)
class Signer:
    kind: str  # "own" | "contact" | "recorded"
    name: str  # the contact's name, or the bundle that recorded the key


def signing_public(private: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def trusted_signers(store: Store) -> dict[str, Signer]:
    """Keys trusted for every case, by base64 of the Ed25519 public key: own, then contacts."""
    out: dict[str, Signer] = {}
    for name, key in store.conn.execute("SELECT name, signing_public FROM contacts"):
        out[b64(bytes(key))] = Signer("contact", name)
    row = store.conn.execute("SELECT signing_key FROM identity WHERE id = 1").fetchone()
    if row is not None:
        out[b64(signing_public(bytes(row[0])))] = Signer("own", "")
    return out


def recorded_signers(store: Store) -> dict[str, dict[str, Signer]]:
    """Per case: the keys recorded when a verified bundle brought the case here."""
    out: dict[str, dict[str, Signer]] = {}
    for number, key, source in store.conn.execute("SELECT case_number, signing_public, source FROM signers"):
        out.setdefault(number, {})[key] = Signer("recorded", source)
    return out


def record_signers(store: Store, number: str, keys: set[str], source: str, at: str) -> None:
    """Record keys vouched for by a verified bundle; call inside the import's transaction."""
    store.conn.executemany(
        "INSERT OR IGNORE INTO signers (case_number, signing_public, source, recorded_at) VALUES (?, ?, ?, ?)",
        [(number, key, source, at) for key in sorted(keys)],
    )


def roles_certified(store: Store) -> bool:
    """Whether this store follows a roster of its agency (handover/roster.py): roles and agencies
    certified by the agency's key, not taken from what identity lines say."""
    return (
        store.meta("agency.signing_public") is not None
        and store.conn.execute("SELECT 1 FROM roster LIMIT 1").fetchone() is not None
    )
