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
from casecli.store.trust import Signer, recorded_signers, trusted_signers


def check_chain(
    rows: list[tuple], trusted: dict[str, Signer] | None = None, signers: dict[int, str | None] | None = None
) -> tuple[int, str] | None:
    """The first broken link of one case's events (seq, why), or None.

    With `trusted`, a handover's signature must also be by one of those keys: a history edited
    by someone with the store's key could carry any key, with a signature to match. `signers`
    holds each handover's checked signer by its place in `rows` (from 1), when already checked.
    """
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
            signer = signers[expected] if signers is not None else handover_signer(row)
            if signer is None:
                return seq, _("its handover signature does not verify")
            if trusted is not None and signer not in trusted:
                return seq, _("its handover was signed by a key this store does not know")
        previous = stored
    return None


def handover_signer(row: tuple) -> str | None:
    """The signing key (base64) of a handover event whose signature verifies, else None."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    case_number, seq, _at, _actor, _kind, _summary, changes, prev_hash, _hash = row
    try:
        data = json.loads(changes)
        key = base64.b64decode(data["signer"], validate=True)
        Ed25519PublicKey.from_public_bytes(key).verify(
            base64.b64decode(data["signature"], validate=True),
            handover_message(case_number, seq, prev_hash, data["bundle"]),
        )
    except (KeyError, ValueError, TypeError, AttributeError, InvalidSignature):
        return None
    return str(data["signer"])


def verify(store: Store) -> dict:
    """Pages, SQLite's own check, every case's chain, and who signed each handover (known or not)."""
    conn = store.conn
    everyone = trusted_signers(store)
    per_case = recorded_signers(store)
    handovers: list[dict] = []
    pages = [r[0] for r in conn.execute("PRAGMA cipher_integrity_check")]
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    broken = []
    cases = 0
    current: str | None = None
    rows: list[tuple] = []

    def finish():
        trusted = {**everyone, **per_case.get(str(current), {})}
        # each handover's signature is checked once, for the chain and for the report
        signers = {place: handover_signer(row) for place, row in enumerate(rows, start=1) if row[4] == "handover"}
        found = check_chain(rows, trusted, signers)
        if found:
            broken.append({"case_number": current, "seq": found[0], "why": found[1]})
        for place, signer in signers.items():
            known = trusted.get(signer) if signer else None
            handovers.append(
                {
                    "case_number": current,
                    "seq": rows[place - 1][1],
                    "signature_ok": signer is not None,
                    "signer": signer,
                    "known_as": known.kind if known else None,
                    "name": known.name if known else None,
                }
            )

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
        "handovers": handovers,
        "ok": not pages and integrity == ["ok"] and not broken,
    }
