"""Every change to a case appends an event (who, what, when) to the case's history.

Events are chained: each carries the hash of the previous one, so a rewritten or removed event
breaks the chain (the data-protection work verifies it).
"""

from __future__ import annotations

import hashlib
import json

from casecli.store.db import Store, utc_now

GENESIS = "0" * 64


def event_hash(event: dict) -> str:
    fields = ("case_number", "seq", "at", "actor", "kind", "summary", "changes", "prev_hash")
    canonical = json.dumps({k: event[k] for k in fields}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_event(case_number: str, seq: int, prev_hash: str, actor: str, kind: str, summary: str, changes: dict, at: str | None = None) -> dict:
    event = {
        "case_number": case_number,
        "seq": seq,
        "at": at or utc_now(),
        "actor": actor,
        "kind": kind,
        "summary": summary,
        "changes": json.dumps(changes, sort_keys=True, ensure_ascii=False),
        "prev_hash": prev_hash,
    }
    event["hash"] = event_hash(event)
    return event


def append_event(store: Store, case_number: str, actor: str, kind: str, summary: str, changes: dict) -> dict:
    """Append one event; call inside the transaction that makes the change it records."""
    from casecli.store.records import EventRow

    last = store.conn.execute(
        "SELECT seq, hash FROM events WHERE case_number = ? ORDER BY seq DESC LIMIT 1", (case_number,)
    ).fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = EventRow.model_validate(build_event(case_number, seq, prev, actor, kind, summary, changes)).model_dump()
    insert_events(store, [event])
    # Every change to a case appends an event in its transaction: keeping the derived stage and
    # next due date fresh here keeps them in step with every write.
    from casecli.lifecycle import refresh

    refresh(store, case_number)
    return event


def insert_events(store: Store, events: list[dict]) -> None:
    store.conn.executemany(
        "INSERT INTO events (case_number, seq, at, actor, kind, summary, changes, prev_hash, hash)"
        " VALUES (:case_number, :seq, :at, :actor, :kind, :summary, :changes, :prev_hash, :hash)",
        events,
    )


def case_history(store: Store, case_number: str) -> list[dict]:
    rows = store.conn.execute(
        "SELECT seq, at, actor, kind, summary, changes, hash FROM events WHERE case_number = ? ORDER BY seq",
        (case_number,),
    ).fetchall()
    return [
        {"seq": seq, "at": at, "actor": actor, "kind": kind, "summary": summary, "changes": json.loads(changes), "hash": h}
        for seq, at, actor, kind, summary, changes, h in rows
    ]
