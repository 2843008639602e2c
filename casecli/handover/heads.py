"""Signed heads: every case's last event as this laptop holds it, signed by the worker, written
beside each backup in the mailbox (its backups folder is held, encrypted, by the head office).
The head office's copy, given back later (`casecli verify --witnessed FILE`), is witnessed like a
colleague's receipt: a history rewritten since, chain and all, is named (store/witnesses.py)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from casecli.errors import InvalidInput
from casecli.handover import identity as identities
from casecli.i18n import _
from casecli.store.db import Store, utc_now
from casecli.store.witnesses import witness

FORMAT = "casecli-heads"
SIGNED = b"casecli heads\n"
MAX_FILE = 64 << 20


def _body(doc: dict) -> bytes:
    from casecli.store.sealing import canonical

    return canonical(SIGNED, doc, "signature")


def signed_heads(store: Store) -> dict:
    """The heads of every case here, signed with this worker's identity."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    me = identities.own(store)
    _encryption, signing = identities.private_keys(store)
    heads = {
        number: [seq, digest]
        for number, seq, digest in store.conn.execute(
            "SELECT e.case_number, e.seq, e.hash FROM events e"
            " JOIN (SELECT case_number, max(seq) AS seq FROM events GROUP BY case_number) last"
            " ON last.case_number = e.case_number AND last.seq = e.seq"
        )
    }
    doc = {
        "format": FORMAT,
        "version": 1,
        "by": me.fingerprint,
        "signing_public": base64.b64encode(me.signing_public).decode(),
        "at": utc_now(),
        "heads": heads,
    }
    return {
        **doc,
        "signature": base64.b64encode(Ed25519PrivateKey.from_private_bytes(signing).sign(_body(doc))).decode(),
    }


def write_beside(store: Store, backup: Path) -> Path:
    """The signed heads beside a backup (`NAME.db.heads`): the head office keeps them with it."""
    from casecli.fsutil import write_private_atomic

    target = backup.with_name(backup.name + ".heads")
    write_private_atomic(target, (json.dumps(signed_heads(store)) + "\n").encode())
    return target


def witness_file(store: Store, path: Path) -> int:
    """Keep the heads of a signed heads file as witnessed (by its signer: this worker, or a
    contact); returns how many. One line naming the file otherwise."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    bad = InvalidInput(_("--witnessed: {path} is not a heads file signed by you or a contact").format(path=path))
    try:
        if path.stat().st_size > MAX_FILE:
            raise bad
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise bad from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("heads"), dict):
        raise bad
    try:
        public = base64.b64decode(str(doc.get("signing_public")), validate=True)
        Ed25519PublicKey.from_public_bytes(public).verify(
            base64.b64decode(str(doc.get("signature")), validate=True), _body(doc)
        )
    except (InvalidSignature, ValueError):
        raise bad from None
    me = identities.own(store)
    signer = me.fingerprint if public == me.signing_public else None
    if signer is None:
        name = identities.contact_by_signing_key(store, public)
        found = identities.contact(store, name) if name else None
        signer = found.fingerprint if found else None
    if signer is None:
        raise bad
    heads = {
        str(n): (h[0], h[1])
        for n, h in doc["heads"].items()
        if isinstance(h, list) and len(h) == 2 and isinstance(h[0], int) and isinstance(h[1], str) and len(h[1]) == 64
    }
    with store.transaction():
        witness(store, heads, signer, f"heads {path.name}"[:200], str(doc.get("at", ""))[:40])
    return len(heads)
