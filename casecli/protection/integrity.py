"""Checking a store: SQLCipher's page integrity, SQLite's own check, and every case's chain of events.

Each event carries the hash of the one before; a handover event also carries the handing-over
worker's signature over the chain so far. Editing, removing or reordering any event, even
through a direct connection with the key, breaks the chain at that event, and `verify` names it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from casecli.case.file.history import GENESIS, event_hash
from casecli.case.file.signatures import handover_signer
from casecli.i18n import _, n_
from casecli.store.db import Store
from casecli.store.trust import Signer, recorded_signers, trusted_signers


def check_chain(
    rows: list[tuple],
    trusted: dict[str, Signer] | None = None,
    signers: dict[int, str | None] | None = None,
    head: tuple[int, str] | None = None,
) -> tuple[int, str] | None:
    """The first broken link of one case's events (seq, why), or None.

    With `trusted`, a handover's signature must also be by one of those keys: a history edited
    by someone with the store's key could carry any key, with a signature to match. `signers`
    holds each handover's checked signer by its place in `rows` (from 1), when already checked.
    With `head` (seq, hash: where the chain stood when last verified), `rows` start at that event,
    which must still be the one verified then.
    """
    previous = GENESIS
    start = head[0] if head else 1
    for place, row in enumerate(rows, start=1):
        case_number, seq, at, actor, kind, summary, changes, prev_hash, stored = row
        expected = start + place - 1
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
        if head is not None and place == 1:
            if stored != head[1]:
                return seq, _("is not the event verified there before")
        elif prev_hash != previous:
            return seq, _("does not follow the event before it")
        if event_hash(event) != stored:
            return seq, _("was altered after it was written")
        if kind == "handover":
            signer = signers[place] if signers is not None else handover_signer(row)
            if signer is None:
                return seq, _("its handover signature does not verify")
            if trusted is not None and signer not in trusted:
                return seq, _("its handover was signed by a key this store does not know")
        previous = stored
    return None


EVENT_COLUMNS = "e.case_number, e.seq, e.at, e.actor, e.kind, e.summary, e.changes, e.prev_hash, e.hash"


def _chains(conn, heads: dict[str, tuple[int, str]], forged: list[str]) -> Iterator[tuple[str, list[tuple]]]:
    """Each case's events to check, in order, one case at a time: from its head on where it has
    one (the events' index by case and seq), every event otherwise; a case whose head's MAC failed,
    whole, afterwards."""

    def by_case(query: str, params: tuple = ()) -> Iterator[tuple[str, list[tuple]]]:
        for number, group in groupby(conn.execute(query, params), key=itemgetter(0)):
            yield number, list(group)

    if not heads:
        yield from by_case(f"SELECT {EVENT_COLUMNS} FROM events e ORDER BY e.case_number, e.seq")
        return
    yield from (
        chain
        for chain in by_case(
            f"SELECT {EVENT_COLUMNS} FROM verified_heads h JOIN events e"
            " ON e.case_number = h.case_number AND e.seq >= h.seq"
            f" UNION ALL SELECT {EVENT_COLUMNS} FROM cases c JOIN events e ON e.case_number = c.case_number"
            " WHERE NOT EXISTS (SELECT 1 FROM verified_heads h WHERE h.case_number = c.case_number)"
            " ORDER BY 1, 2"
        )
        if chain[0] not in forged
    )
    if forged:
        yield from by_case(
            f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.case_number IN (SELECT value FROM json_each(?))"
            " ORDER BY e.case_number, e.seq",
            (json.dumps(forged),),
        )


def _unwitnessed(store: Store, named: set[str]) -> list[dict]:
    """Cases whose history no longer holds a head another laptop saw (store/witnesses.py): a
    history rewritten, chain and all, with the key. A case already named broken is named once."""
    from casecli.i18n import format_time
    from casecli.store.witnesses import missing

    names = dict(store.conn.execute("SELECT fingerprint, name FROM contacts").fetchall())
    out = []
    for head in missing(store):
        if head["case_number"] in named:
            continue
        named.add(head["case_number"])
        out.append(
            {
                "case_number": head["case_number"],
                "seq": head["seq"],
                "why": _("the history no longer holds event {seq} as {who} saw it on {when}: it was rewritten").format(
                    seq=head["seq"], who=names.get(head["witness"], head["witness"]), when=format_time(head["at"])
                ),
            }
        )
    return out


def verify(store: Store, full: bool = False) -> dict:
    """SQLCipher's page check and SQLite's own (`full` only), each case's chain from where it was
    last verified (`full`: from its first event), and who signed each handover checked. Moves the
    checkpoint forward for every case whose chain verifies."""
    from casecli.protection import checkpoint

    conn = store.conn
    everyone = trusted_signers(store)
    per_case = recorded_signers(store)
    handovers: list[dict] = []
    notes: list[str] = []
    heads: dict[str, tuple[int, str]] = {}
    forged: list[str] = []
    if not full:
        if checkpoint.tracking_intact(store):
            heads, forged = checkpoint.heads(store, list(everyone))
            if forged:
                notes.append(
                    n_(
                        "{count} checkpoint did not verify: that case was checked whole",
                        "{count} checkpoints did not verify: those cases were checked whole",
                        len(forged),
                    ).format(count=len(forged))
                )
        else:
            notes.append(_("the store's change tracking was removed: every case was checked whole"))
    pages = [r[0] for r in conn.execute("PRAGMA cipher_integrity_check")] if full else []
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")] if full else ["ok"]
    broken = []
    verified: dict[str, tuple[int, str]] = {}
    events = 0
    for current, rows in _chains(conn, heads, forged):
        events += len(rows)
        trusted = {**everyone, **per_case.get(current, {})}
        # each handover's signature is checked once, for the chain and for the report
        signers = {place: handover_signer(row) for place, row in enumerate(rows, start=1) if row[4] == "handover"}
        found = check_chain(rows, trusted, signers, heads.get(current))
        if found:
            broken.append({"case_number": current, "seq": found[0], "why": found[1]})
        else:
            verified[current] = (rows[-1][1], rows[-1][8])
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
    for (number,) in conn.execute(
        "SELECT case_number FROM cases c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.case_number = c.case_number)"
    ):
        broken.append({"case_number": number, "seq": 1, "why": _("the case has no history at all")})
    broken += _unwitnessed(store, {str(b["case_number"]) for b in broken})
    from casecli.i18n import format_time
    from casecli.protection.keys import recoveries_for_another

    for opened in recoveries_for_another(store):  # not a fault of the store: said every time
        notes.append(
            _("the agency opened this store for {who}, who is not its owner, on {when}: {reason}").format(
                who=opened.get("requester") or "—", when=format_time(opened.get("at")), reason=opened.get("reason", "")
            )
        )
    cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    if not broken:
        moved = {n: head for n, head in verified.items() if heads.get(n) != head}
        checkpoint.record(store, moved, list(everyone))
    return {
        "full": full,
        "pages_ok": not pages if full else None,
        "page_errors": pages[:10],
        "integrity_ok": integrity == ["ok"] if full else None,
        "integrity_errors": integrity[:10] if integrity != ["ok"] else [],
        "cases": cases,
        "events_checked": events,
        "notes": notes,
        "broken": broken,
        "handovers": handovers,
        "ok": not pages and integrity == ["ok"] and not broken,
    }
