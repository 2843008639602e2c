"""When a Best Interests Determination is required (UNHCR's Best Interests Procedure).

A BID is required, after a Best Interests Assessment, for a durable solution for an unaccompanied or
separated child, for a temporary care decision in exceptional circumstances, and for separating a
child from the parents against their will. It stays required until a BID panel decides on that
assessment (approves, does not approve, or closes the case); a deferral leaves it due on the
panel's new date, a reopening as before; after "does not approve" a new BIA is due instead.
A BIA that waits for (or was refused) a supervisor's approval requires nothing yet. Read for every
case in one query: the agenda and the derived due dates call this.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from casecli.case.due.scope import Scope, scoped
from casecli.store import settings

if TYPE_CHECKING:
    from casecli.store.db import Store

# Primero's best-interests recommendations that are durable solutions.
DURABLE_SOLUTIONS = ("local_integration", "repatriation", "resettlement_to_3rd_country", "reunification")
WITHOUT_PARENTS = ("unaccompanied", "separated")
SETTLED = ("approves", "does_not_approve", "closes_case")
REASONS = ("durable_solution", "exceptional_care", "separation_against_will")

LATEST_BIA_SQL = """
SELECT b.case_number, b.uid, b.on_date, b.answers, json_extract(c.answers, '$.protection_status'),
       (SELECT json_array(json_extract(d.answers, '$.decision'), d.on_date, json_extract(d.answers, '$.deferred_to'))
        FROM best_interests d
        WHERE d.case_number = b.case_number AND d.kind = 'bid' AND json_extract(d.answers, '$.bia') = b.uid
        ORDER BY d.on_date DESC, d.created_at DESC LIMIT 1) AS decision
FROM best_interests b JOIN cases c ON c.case_number = b.case_number
WHERE b.kind = 'bia' AND NOT EXISTS (
    SELECT 1 FROM best_interests n WHERE n.case_number = b.case_number AND n.kind = 'bia'
    AND (n.on_date > b.on_date OR (n.on_date = b.on_date AND n.created_at > b.created_at)))
AND coalesce((  -- an assessment a supervisor has yet to approve (or refused) stands for nothing yet
    SELECT max(a.status = 'approved') FROM approvals a WHERE a.case_number = b.case_number AND a.kind = 'bia'
    AND json_extract(a.subject, '$.bia') = b.uid), 1)
"""


def reason(answers: dict, protection_status: str | None) -> str | None:
    """Why a BIA's outcome needs a BID (one of REASONS), or None."""
    if answers.get("purpose") == "separation_from_parents" and answers.get("against_parents_will"):
        return "separation_against_will"
    if answers.get("purpose") == "care_arrangement" and answers.get("exceptional_care"):
        return "exceptional_care"
    durable = answers.get("purpose") == "durable_solution" or (
        answers.get("best_interest_recommendation") in DURABLE_SOLUTIONS
    )
    if durable and protection_status in WITHOUT_PARENTS:
        return "durable_solution"
    return None


def required(store: Store, number: Scope = None) -> list[dict]:
    """Each case whose latest BIA needs a BID not yet decided: the case, the BIA, why, and by when
    (`bid.due_days` after the BIA). One case, or every case."""
    sql, params = scoped(LATEST_BIA_SQL, "b.case_number", number)
    days = settings.get(store, "bid.due_days")
    found = []
    for case_number, uid, on_date, answers, status, latest in store.conn.execute(sql, params):
        decision, _held_on, deferred_to = json.loads(latest) if latest else (None, None, None)
        why = reason(json.loads(answers), status)
        if why and decision not in SETTLED:
            due = (dt.date.fromisoformat(on_date) + dt.timedelta(days=days)).isoformat()
            if decision == "defers" and deferred_to:
                due = deferred_to  # a deferred panel sits again on the date it set
            found.append({"case_number": case_number, "bia": uid, "why": why, "due": due, "deferred": decision})
    return found


def reassessments(store: Store, number: Scope = None) -> list[dict]:
    """Each case whose latest BIA a BID panel did not approve: a new BIA is due `bid.reassess_days`
    after the panel (the panel's own recommendation is what the new assessment weighs)."""
    sql, params = scoped(LATEST_BIA_SQL, "b.case_number", number)
    days = settings.get(store, "bid.reassess_days")
    found = []
    for case_number, uid, _on, _answers, _status, latest in store.conn.execute(sql, params):
        decision, held_on, _later = json.loads(latest) if latest else (None, None, None)
        if decision == "does_not_approve" and held_on:
            due = (dt.date.fromisoformat(held_on) + dt.timedelta(days=days)).isoformat()
            found.append({"case_number": case_number, "bia": uid, "due": due})
    return found
