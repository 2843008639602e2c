"""A case's stage and what is due on it, derived from its records (never typed in).

One module that `list`, `show` and the agenda share, so they cannot disagree. Everything is
read in a handful of queries for all cases at once (no query per case), so the agenda of ten
thousand cases stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from casecli.canonical import may_hold_sql
from casecli.case.child import people_index
from casecli.case.child.age import DISPUTE_SQL
from casecli.case.due.due_rules import Due, DueItem, due_items, next_due, with_cases_named

if TYPE_CHECKING:
    from casecli.store.db import Store

RISK_ORDER = {"high": 0, "medium": 1, "low": 2}
UNRANKED = 9  # a risk level not in RISK_ORDER: last (migration 24's trigger says the same)

# Each case's facts from its records by a subquery per fact, each an index lookup on the case
# number: as fast as grouping whole tables for every case (0.96 s against 1.32 s for 10,000), and
# for a thousand cases of an import a third faster (grouped subqueries were built whole each time).
SUMMARY_SQL = """
SELECT c.case_number, c.child_name, c.date_of_birth, c.age_estimate, c.registered_on, c.status, c.risk,
       c.case_worker, c.incomplete, c.demo, c.assessment_due, c.plan_due,
       coalesce((SELECT max(kind = 'initial') FROM assessments a WHERE a.case_number = c.case_number), 0) AS assessed,
       EXISTS (SELECT 1 FROM assessments a WHERE a.case_number = c.case_number) AS any_assessment,
       p.version AS active_version, p.visit_every_days, p.activated_at AS plan_activated_on,
       (SELECT max(visited_on) FROM visits v WHERE v.case_number = c.case_number) AS last_visit,
       (SELECT max(visited_on) FROM visits v WHERE v.case_number = c.case_number AND v.child_seen) AS last_seen,
       (SELECT max(reviewed_on) FROM reviews w WHERE w.case_number = c.case_number) AS last_review,
       (SELECT next_visit FROM visits n WHERE n.case_number = c.case_number
        ORDER BY visited_on DESC, created_at DESC LIMIT 1) AS next_visit,
       (SELECT json_extract(answers, '$.next_review') FROM reviews n WHERE n.case_number = c.case_number
        ORDER BY reviewed_on DESC, created_at DESC LIMIT 1) AS next_review,
       (SELECT withdrawn_on FROM consents k WHERE k.case_number = c.case_number
        ORDER BY given_on DESC, created_at DESC LIMIT 1) AS consent_withdrawn_on,
       (EXISTS (SELECT 1 FROM visits v WHERE v.case_number = c.case_number)
        OR EXISTS (SELECT 1 FROM referrals r WHERE r.case_number = c.case_number)
        OR EXISTS (SELECT 1 FROM item_progress i WHERE i.case_number = c.case_number)) AS implementing,
       (SELECT max(reopened_on) FROM closures x WHERE x.case_number = c.case_number) AS reopened_on,
       ({transition} AND EXISTS (SELECT 1 FROM json_each(p.data, '$.actions') t
                                 WHERE json_extract(t.value, '$.category') = 'transition_to_adulthood'))
           AS transition_planned,
       {dispute} AS age_dispute
FROM cases c
LEFT JOIN plans p ON p.case_number = c.case_number AND p.status = 'active'
""".replace("{dispute}", DISPUTE_SQL).replace("{transition}", may_hold_sql("p.data", "transition_to_adulthood"))
ALL_CASES = SUMMARY_SQL
ONE_CASE = SUMMARY_SQL + " WHERE c.case_number = :number"
SOME_CASES = SUMMARY_SQL + " WHERE c.case_number IN (SELECT value FROM json_each(:numbers))"
# Cases derived together when many are: their records read a query per table, memory holding theirs.
CASES_A_REFRESH = 1000

# What `list --status` takes: a case's stage (below) or its status.
LIST_STATUSES = (
    "open",
    "registered",
    "assessed",
    "planned",
    "in implementation",
    "reopened",
    "closed",
    "transferred",
    "handover_pending",
    "copy",
)


def stage(row: dict) -> str:
    if row["status"] != "open":
        return row["status"]
    if row.get("reopened_on") and (row.get("plan_activated_on") or "") < row["reopened_on"]:
        return "reopened"  # until a plan is activated again
    if row.get("active_version"):
        return "in implementation" if row.get("implementing") else "planned"
    if row["any_assessment"]:
        return "assessed"
    return "registered"


def summaries(store: Store, where: str = "", params: list | tuple = ()) -> list[dict]:
    return list(store.rows(ALL_CASES + (" WHERE " + where if where else ""), params))


def summary_of(store: Store, number: str) -> dict:
    row = store.row(ONE_CASE, {"number": number})
    assert row is not None, number  # a resolved case number
    return row


def refresh(store: Store, number: str) -> None:
    """Store the case's stage and next due date; called in every write transaction on the case.

    `list` reads these two columns instead of deriving them for every case on every call.
    """
    if store.defer_refresh:
        return
    _store_derived(store, [summary_of(store, number)])


def refresh_all(store: Store, numbers: list[str] | None = None) -> None:
    """Every case's stage, next due date and due items again (after a change of settings), or
    those of `numbers`: a thousand cases at a time, so that memory holds a thousand cases'
    derivation whether the store (or the import) has ten thousand or a hundred thousand."""
    everything = numbers is None
    if numbers is None:
        numbers = [n for (n,) in store.conn.execute("SELECT case_number FROM cases")]
        store.conn.execute("DELETE FROM due_items")
    for start in range(0, len(numbers), CASES_A_REFRESH):
        part = json.dumps(numbers[start : start + CASES_A_REFRESH])
        _store_derived(store, list(store.rows(SOME_CASES, {"numbers": part})), everything)


def as_worked(row: dict) -> dict:
    """A copy read as its worker's open case: what is due on it there, and at what stage."""
    return {**row, "status": "open"} if row["status"] == "copy" else row


def worked_due(store: Store, rows: list[dict]) -> dict[str, tuple[str, list[Due]]]:
    """Each case's stage and due items (soonest first), read as its worker's open case (a copy
    too): what `due_items` keeps, for the agenda (open cases) and the report (copies too)."""
    worked = [as_worked(r) for r in rows]
    due = due_items(store, worked)
    return {
        r["case_number"]: (stage(r), sorted(due.get(r["case_number"], []), key=lambda d: (d.due, d.kind)))
        for r in worked
    }


DUE_COLUMNS = "case_number, kind, due, args, command, case_worker, status, risk, rank"


def _store_derived(store: Store, rows: list[dict], everything: bool = False) -> None:
    """The stage and next due date (`cases`, `case_due`), and every due item (`due_items`), of
    the cases of `rows`, in the caller's transaction (`everything`: all due items were deleted)."""
    derived = worked_due(store, rows)
    store.conn.executemany(
        "UPDATE cases SET stage = ?, next_due = ? WHERE case_number = ?",
        [
            (stage(r), next_due(derived[r["case_number"]][1]) if r["status"] == "open" else None, r["case_number"])
            for r in rows
        ],
    )
    store.conn.executemany(
        # An upsert, not INSERT OR REPLACE: a replace deletes the row first, and with foreign keys
        # on that costs a hundred times as much (measured: 0.86 s against 0.008 s for 8,829 cases).
        "INSERT INTO case_due (case_number, stage) VALUES (?, ?)"
        " ON CONFLICT (case_number) DO UPDATE SET stage = excluded.stage",
        [(number, at) for number, (at, _due) in derived.items()],
    )
    if not everything:  # (every case's were deleted before the first of them)
        store.conn.execute(
            "DELETE FROM due_items WHERE case_number IN (SELECT value FROM json_each(?))", (json.dumps(list(derived)),)
        )
    items = [
        (d.case_number, d.kind, d.due, d.args, d.command, r["case_worker"], r["status"], r["risk"], rank(r["risk"]))
        for r in rows
        if r["status"] in ("open", "copy")
        for d in derived[r["case_number"]][1]
    ]
    # In the agenda index's order (worker, status, rank, due, case, kind): each insert lands next
    # to the one before, not on a page of its own (58,000 items: 1.3 s -> 0.85 s).
    items.sort(key=lambda i: (i[5], i[6], i[8], i[2], i[0], i[1]))
    store.conn.executemany(f"INSERT INTO due_items ({DUE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", items)


def rank(risk: str) -> int:
    """A risk level's place on the agenda: high first (what `due_items.rank` keeps)."""
    return RISK_ORDER.get(risk, UNRANKED)


def refresh_if_stale(store: Store) -> None:
    """Compute every case's stage and next due date if a migration asked for it (see migration 6)."""
    import sqlcipher3

    from casecli.store.db import error_name
    from casecli.store.migrations import DERIVED_STALE

    if store.meta(DERIVED_STALE) is None:
        return
    try:
        with store.transaction():
            refresh_all(store)
            people_index.rebuild(store)
            store.conn.execute("DELETE FROM meta WHERE key = ?", (DERIVED_STALE,))
    except sqlcipher3.OperationalError as exc:
        # A store on a read-only medium still opens for reading, with the columns it has.
        if not error_name(exc).startswith("SQLITE_READONLY"):
            raise


def next_step(store: Store, number: str, today: dt.date) -> DueItem | None:
    """What is due next on a case (the earliest item of its agenda), printed after each save."""
    due = with_cases_named(store, due_items(store, [summary_of(store, number)]).get(number, []))
    if not due:
        return None
    return min(due, key=lambda d: (d.due, d.kind)).as_dict(today)
