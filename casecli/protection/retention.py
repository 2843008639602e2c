"""Retention: cases are deleted for good when their time is up, leaving a tombstone that records
the basis: a closed case after `retention.years_after_closure`, a case handed over (transferred)
the same years after the receiver's receipt, a read-only copy for consultation after
`retention.copy_days` without a change here."""

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


# The basis a tombstone records for each kind of case purged (in English: it is stored).
BASES = {
    "closed": "closed; retention after closure over",
    "transferred": "handed over to another worker; retention after the receipt over",
    "copy": "a copy for consultation; its retention over",
}


def due_for_purge(store: Store, today: dt.date) -> list[dict]:
    """Every case past its retention date, with the basis on which it may go."""
    years = settings.get(store, "retention.years_after_closure")
    copy_days = settings.get(store, "retention.copy_days")
    found: list[tuple[str, str, str, str]] = []  # (case, since, until, basis)
    for number, closed_on in store.conn.execute(
        "SELECT c.case_number, max(x.closed_on) FROM cases c JOIN closures x ON x.case_number = c.case_number"
        " WHERE c.status = 'closed' GROUP BY c.case_number"
    ):
        found.append((number, closed_on, retention_until(closed_on, years), "closed"))
    for number, received in store.conn.execute(
        "SELECT c.case_number, max(h.outcome_at) FROM cases c JOIN handovers h ON h.case_number = c.case_number"
        " WHERE c.status = 'transferred' AND h.outcome = 'accepted' GROUP BY c.case_number"
    ):
        found.append((number, received[:10], retention_until(received[:10], years), "transferred"))
    for number, changed in store.conn.execute("SELECT case_number, updated_at FROM cases WHERE status = 'copy'"):
        until = (dt.date.fromisoformat(changed[:10]) + dt.timedelta(days=copy_days)).isoformat()
        found.append((number, changed[:10], until, "copy"))
    return [
        {"case_number": number, "since": since, "retention_until": until, "basis": basis}
        for number, since, until, basis in sorted(found)
        if until < today.isoformat()
    ]


def _with_basis(reason: str, basis: str | None) -> str:
    return f"{reason} ({BASES[basis]})" if basis in BASES else reason


def purge(store: Store, numbers: list[str], reason: str, today: dt.date, bases: dict[str, str] | None = None) -> None:
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
                # the tombstone keeps the basis of the purge beside the worker's reason
                (
                    number,
                    registered_on,
                    closed,
                    today.isoformat(),
                    actor,
                    _with_basis(reason, (bases or {}).get(number)),
                ),
            )
