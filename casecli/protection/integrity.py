"""Checking a store: SQLCipher's page integrity, SQLite's own check, and every case's chain of events.

Each event carries the hash of the one before; a handover event also carries the handing-over
worker's signature over the chain so far. Editing, removing or reordering any event, even
through a direct connection with the key, breaks the chain at that event, and `verify` names it.
"""

from __future__ import annotations

import base64
import json

from casecli.case.history import GENESIS, event_hash
from casecli.case.signatures import handover_message
from casecli.i18n import _
from casecli.store.db import Store


def check_chain(rows: list[tuple]) -> tuple[int, str] | None:
    """The first broken link of one case's events (seq, why), or None."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    previous = GENESIS
    for expected, row in enumerate(rows, start=1):
        case_number, seq, at, actor, kind, summary, changes, prev_hash, stored = row
        event = {
            "case_number": case_number,
            "seq": seq,
            "at": at,
            "actor": actor,
            "kind": kind,
            "summary": summary,
            "changes": changes,
            "prev_hash": prev_hash,
        }
        if seq != expected:
            return expected, _("an event is missing or out of order")
        if prev_hash != previous:
            return seq, _("does not follow the event before it")
        if event_hash(event) != stored:
            return seq, _("was altered after it was written")
        if kind == "handover":
            try:
                data = json.loads(changes)
                Ed25519PublicKey.from_public_bytes(base64.b64decode(data["signer"])).verify(
                    base64.b64decode(data["signature"]), handover_message(case_number, seq, prev_hash, data["bundle"])
                )
            except (KeyError, ValueError, TypeError, InvalidSignature):
                return seq, _("its handover signature does not verify")
        previous = stored
    return None


def verify(store: Store) -> dict:
    conn = store.conn
    pages = [r[0] for r in conn.execute("PRAGMA cipher_integrity_check")]
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    broken = []
    cases = 0
    current: str | None = None
    rows: list[tuple] = []

    def finish():
        found = check_chain(rows)
        if found:
            broken.append({"case_number": current, "seq": found[0], "why": found[1]})

    for row in conn.execute(
        "SELECT case_number, seq, at, actor, kind, summary, changes, prev_hash, hash FROM events ORDER BY case_number, seq"
    ):
        if row[0] != current:
            if current is not None:
                finish()
            current, rows = row[0], []
            cases += 1
        rows.append(row)
    if current is not None:
        finish()
    without = conn.execute(
        "SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.case_number = c.case_number)"
    ).fetchone()[0]
    for (number,) in (
        conn.execute(
            "SELECT case_number FROM cases c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.case_number = c.case_number)"
        )
        if without
        else []
    ):
        broken.append({"case_number": number, "seq": 1, "why": _("the case has no history at all")})
    return {
        "pages_ok": not pages,
        "page_errors": pages[:10],
        "integrity_ok": integrity == ["ok"],
        "integrity_errors": integrity[:10] if integrity != ["ok"] else [],
        "cases": cases,
        "broken": broken,
        "ok": not pages and integrity == ["ok"] and not broken,
    }
