"""What is true of a case today, whatever the last plan version says: who is responsible for it,
the durable solution a BID panel decided, the reunification, the closure. The printed documents
(the plan, the child's Life Plan) read these from the records, and say which plan version they
print beside them, so a document printed after a decision never tells the plan's older story."""

from __future__ import annotations

import json
from dataclasses import dataclass

from casecli.store.db import Store


@dataclass(frozen=True)
class CaseToday:
    case_worker: str
    status: str
    decided_solution: str | None = None  # the latest approving BID's durable solution
    decided_on: str | None = None
    reunified_on: str | None = None
    reunified_with: str | None = None
    reunified_where: str | None = None
    closed_on: str | None = None
    closure_reason: str | None = None


def case_today(store: Store, number: str) -> CaseToday:
    worker, status = store.conn.execute(
        "SELECT case_worker, status FROM cases WHERE case_number = ?", (number,)
    ).fetchone()
    facts: dict = {"case_worker": worker, "status": status}
    bid = store.conn.execute(
        "SELECT on_date, answers FROM best_interests WHERE case_number = ? AND kind = 'bid'"
        " AND json_extract(answers, '$.decision') = 'approves' AND json_extract(answers, '$.durable_solution') IS NOT NULL"
        " ORDER BY on_date DESC, created_at DESC LIMIT 1",
        (number,),
    ).fetchone()
    if bid:
        facts.update(decided_on=bid[0], decided_solution=json.loads(bid[1])["durable_solution"])
    reunion = store.conn.execute(
        "SELECT answers FROM tracing WHERE case_number = ? AND kind = 'reunification'"
        " ORDER BY on_date DESC, created_at DESC LIMIT 1",
        (number,),
    ).fetchone()
    if reunion:
        answers = json.loads(reunion[0])
        facts.update(
            reunified_on=answers.get("reunified_on"),
            reunified_with=answers.get("reunified_with"),
            reunified_where=answers.get("reunified_where"),
        )
    closed = store.conn.execute(
        "SELECT closed_on, reason FROM closures WHERE case_number = ? AND reopened_on IS NULL"
        " ORDER BY closed_on DESC, created_at DESC LIMIT 1",
        (number,),
    ).fetchone()
    if closed and status == "closed":
        facts.update(closed_on=closed[0], closure_reason=closed[1])
    return CaseToday(**facts)


def closure_known(store: Store, number: str) -> dict:
    """What the records already say of a closure as reunified: with whom, where and when, from the
    latest reunification (shown to the worker, who keeps it or answers each)."""
    now = case_today(store, number)
    return {"outcome_with": now.reunified_with, "outcome_where": now.reunified_where, "outcome_on": now.reunified_on}
