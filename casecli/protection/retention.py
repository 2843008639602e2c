"""Retention: closed cases are deleted for good when their time is up, leaving a tombstone."""

from __future__ import annotations

import datetime as dt

from casecli.case.file.tables import delete_case
from casecli.store import settings
from casecli.store.db import Store


def retention_until(closed_on: str, years: int) -> str:
    closed = dt.date.fromisoformat(closed_on)
    try:
        return closed.replace(year=closed.year + years).isoformat()
    except ValueError:  # 29 February
        return closed.replace(year=closed.year + years, day=28).isoformat()


def due_for_purge(store: Store, today: dt.date) -> list[dict]:
    years = settings.get(store, "retention.years_after_closure")
    rows = store.conn.execute(
        "SELECT c.case_number, max(x.closed_on) FROM cases c JOIN closures x ON x.case_number = c.case_number"
        " WHERE c.status = 'closed' GROUP BY c.case_number ORDER BY c.case_number"
    )
    out = []
    for number, closed_on in rows:
        until = retention_until(closed_on, years)
        if until < today.isoformat():
            out.append({"case_number": number, "closed_on": closed_on, "retention_until": until})
    return out


def purge(store: Store, numbers: list[str], reason: str, today: dt.date) -> None:
    """Delete every record of these cases and keep tombstones. Secure delete is on for every store
    (store.db.connect): SQLite overwrites deleted content with zeros, in the pages that keep other
    records and in the pages it frees, so nothing of the cases is left to find once the store's key
    is known, without rewriting the whole store (a VACUUM at 100,000 cases is minutes and a copy of
    the store in memory). tests/test_purge_pages.py decrypts every page to check it."""
    actor = store.profile()["name"]
    with store.transaction():
        for number in numbers:
            (registered_on,) = store.conn.execute(
                "SELECT registered_on FROM cases WHERE case_number = ?", (number,)
            ).fetchone()
            closed = store.conn.execute(
                "SELECT max(closed_on) FROM closures WHERE case_number = ?", (number,)
            ).fetchone()[0]
            delete_case(store, number)
            # what others saw of its history goes with it (an import keeps them: see witnesses.py)
            store.conn.execute("DELETE FROM witnessed_heads WHERE case_number = ?", (number,))
            store.conn.execute(
                "INSERT OR REPLACE INTO tombstones (case_number, registered_on, closed_on, purged_on, purged_by, reason) VALUES (?, ?, ?, ?, ?, ?)",
                (number, registered_on, closed, today.isoformat(), actor, reason),
            )
