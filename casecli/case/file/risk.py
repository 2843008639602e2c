"""The case's risk re-rated by a record (an assessment, a visit, a review, an incident): the case's
risk, its deadlines by risk, and the event in its history that says from what to what and why.
Call inside the record's own transaction, so the record and the risk it sets are one write."""

from __future__ import annotations

from casecli.case.due.deadlines import refresh_deadlines
from casecli.case.file.history import append_event
from casecli.store.db import Store, utc_now


def rerate(store: Store, number: str, actor: str, before: str, after: str, reason: str, source: dict) -> bool:
    """Set the case's risk to `after` (from `before`), if it differs; `source` names the record that
    re-rated it ({"visit": uid}); returns whether it changed."""
    if after == before:
        return False
    store.conn.execute("UPDATE cases SET risk = ?, updated_at = ? WHERE case_number = ?", (after, utc_now(), number))
    refresh_deadlines(store, number)
    append_event(
        store,
        number,
        actor,
        "risk",
        f"Risk re-rated from {before} to {after}",
        {"risk": {"old": before, "new": after}, "reason": reason, **source},
    )
    return True
