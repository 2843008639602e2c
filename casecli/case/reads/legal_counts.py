"""The legal pathway in the supervisor's report, per worker: children held in migration detention
and the days held, asylum claims by status (the overdue deadlines are in the report's overdue
items by kind), incidents not yet reported. Counted over the live cases (open, and the copies a
supervisor holds)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casecli.store.db import Store

LIVE = ("open", "copy")


def legal_counts(store: Store, today: dt.date) -> dict[str, Counter]:
    from casecli.case.due.detention import days_held, detained
    from casecli.case.legal.asylum import claims_of

    found: dict[str, Counter] = {}
    for held in detained(store).values():
        if held["status"] in LIVE:
            counts = found.setdefault(held["case_worker"], Counter())
            counts["in_detention"] += 1
            counts["days_held"] += days_held(held["since"], today)
    claimed = store.conn.execute(
        "SELECT DISTINCT c.case_number, c.case_worker FROM legal l JOIN cases c ON c.case_number = l.case_number"
        " WHERE l.kind = 'asylum_claim' AND c.status IN ('open', 'copy')"
    ).fetchall()
    for number, worker in claimed:
        for claim in claims_of(store, number):
            found.setdefault(worker, Counter())[f"asylum {claim['status']}"] += 1
    from casecli.case.legal.incidents import incidents_of

    with_incidents = store.conn.execute(
        "SELECT DISTINCT c.case_number, c.case_worker FROM legal l JOIN cases c ON c.case_number = l.case_number"
        " WHERE l.kind = 'incident' AND c.status IN ('open', 'copy')"
    ).fetchall()
    for number, worker in with_incidents:
        unreported = sum(1 for i in incidents_of(store, number) if i["unreported"])
        if unreported:
            found.setdefault(worker, Counter())["incidents_unreported"] += unreported
    return found
