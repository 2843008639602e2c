"""Never detained: a child recorded in migration detention (Mexico's Ley de Migración as reformed
in 2020: children are never housed in migration stations) is high risk and has a same-day item to
request the transfer out and notify the authority, until a placement out of detention is recorded.

Where the child is comes from the records that say it, the latest counting: the registration (as
edited; dated from the identification), each visit that records where the child lives now, and
the plan in force (its alternative care, from its activation). Only cases with a detention in any
of them are read (a word search first), so the agenda pays nothing for the others.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from casecli.canonical import may_hold_sql
from casecli.case.due.scope import Scope, scoped

if TYPE_CHECKING:
    from casecli.store.db import Store

DETENTION = "migration_detention"
PLACEMENTS_SQL = f"""
SELECT c.case_number, c.status, c.case_worker,
       coalesce(json_extract(c.answers, '$.identified_on'), c.registered_on), json_extract(c.answers, '$.care_arrangement'),
       (SELECT json_group_array(json_array(v.visited_on, v.placed)) FROM (
            SELECT visited_on, json_extract(answers, '$.care_arrangement') AS placed FROM visits
            WHERE case_number = c.case_number AND json_extract(answers, '$.care_arrangement') IS NOT NULL
            ORDER BY visited_on, created_at) v),
       (SELECT json_array(substr(p.activated_at, 1, 10), json_extract(p.data, '$.header.care_arrangement'))
        FROM plans p WHERE p.case_number = c.case_number AND p.status = 'active' AND p.activated_at IS NOT NULL)
FROM cases c
WHERE ({may_hold_sql("c.answers", DETENTION)}
       OR EXISTS (SELECT 1 FROM visits v WHERE v.case_number = c.case_number AND {may_hold_sql("v.answers", DETENTION)})
       OR EXISTS (SELECT 1 FROM plans p WHERE p.case_number = c.case_number AND {may_hold_sql("p.data", DETENTION)}))
"""


def placement_now(store: Store, number: str) -> str | None:
    """Where the records say the child lives now (the latest of the registration, the visits and
    the plan in force), or None when none says it."""
    sql = PLACEMENTS_SQL.split("FROM cases c")[0] + "FROM cases c WHERE c.case_number = ?"
    row = store.conn.execute(sql, (number,)).fetchone()
    if row is None:
        return None
    _number, _status, _worker, registered, placed, visits, plan = row
    timeline = _timeline(registered, placed, visits, plan)
    return timeline[-1][1] if timeline else None


def _timeline(registered: str | None, placed: str | None, visits: str | None, plan: str | None) -> list[tuple]:
    """(date, placement) from every record that says it, by day; within a day in the order written
    (a sort keeps that order: it is stable)."""
    timeline = [((registered or "")[:10], placed)]
    timeline += [(on, where) for on, where in json.loads(visits or "[]")]
    if plan:
        timeline.append(tuple(json.loads(plan)))
    return sorted(((on, where) for on, where in timeline if on and where), key=lambda t: t[0])


def detained(store: Store, only: Scope = None) -> dict[str, dict]:
    """Each case whose latest placement is migration detention: since when (the first record of
    this stay), its status and worker."""
    found = {}
    for number, status, worker, registered, placed, visits, plan in store.conn.execute(
        *scoped(PLACEMENTS_SQL, "c.case_number", only)
    ):
        timeline = _timeline(registered, placed, visits, plan)
        if not timeline or timeline[-1][1] != DETENTION:
            continue
        since = timeline[-1][0]
        for on, where in reversed(timeline):
            if where != DETENTION:
                break
            since = on
        found[number] = {"since": since, "status": status, "case_worker": worker}
    return found


def days_held(since: str, today: dt.date) -> int:
    return max((today - dt.date.fromisoformat(since)).days, 0)
