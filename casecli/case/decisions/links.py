"""Decisions about two cases: the same child (a duplicate), siblings, or checked and different.

Nothing is merged: a decision is recorded on both cases and shown with each of them.
"""

from __future__ import annotations

from casecli.case.file.history import append_event
from casecli.errors import InvalidInput
from casecli.i18n import _
from casecli.store.db import Store, utc_now

KINDS = ("same_child", "sibling", "not_same")


def record(store: Store, number: str, other: str, kind: str, actor: str, note: str = "") -> None:
    """Record a worker's decision about two cases, on both; call inside a write transaction."""
    a, b = sorted((number, other))
    store.conn.execute(
        "INSERT OR REPLACE INTO links (case_a, case_b, kind, decided_by, decided_at, note) VALUES (?, ?, ?, ?, ?, ?)",
        (a, b, kind, actor, utc_now(), note),
    )
    if kind == "same_child":
        store.conn.execute("DELETE FROM links WHERE case_a = ? AND case_b = ? AND kind = 'not_same'", (a, b))
    if kind == "not_same":
        store.conn.execute("DELETE FROM links WHERE case_a = ? AND case_b = ? AND kind = 'same_child'", (a, b))
    words = {"same_child": "the same child as", "sibling": "a sibling of", "not_same": "not the same child as"}[kind]
    for this, that in ((number, other), (other, number)):
        append_event(
            store, this, actor, "linked", f"Recorded as {words} {that}", {"kind": kind, "other": that, "note": note}
        )


def link(store: Store, text: str, other_text: str, kind: str, note: str = "") -> tuple[str, str]:
    from casecli.case.file.lookup import require_open, resolve

    number, other = resolve(store, text), resolve(store, other_text)
    require_open(store, number)
    require_open(store, other)
    if number == other:
        raise InvalidInput(_("link: give two different cases"))
    with store.transaction():
        record(store, number, other, kind, store.profile()["name"], note)
    return number, other


def links_of(store: Store, number: str) -> list[dict]:
    return list(
        store.rows(
            "SELECT CASE WHEN case_a = ?1 THEN case_b ELSE case_a END AS case_number, kind, decided_by, decided_at,"
            " note FROM links WHERE case_a = ?1 OR case_b = ?1 ORDER BY decided_at",
            (number,),
        )
    )
