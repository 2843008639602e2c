"""A supervisor's view of the caseload: per case worker and for the team, from the cases a store holds.

A supervisor's store holds the read-only copies workers send; a worker's, their own cases. Both
are read alike: an open case or a copy is part of the caseload. The figures are counts and
delays, never the child's data; cases are named by number, and by the child's name only when
asked (`names`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from statistics import median

from casecli import settings
from casecli.case import lifecycle
from casecli.i18n import _
from casecli.store.db import Store

RISKS = ("high", "medium", "low")


def kind_name(kind: str) -> str:
    """A kind of due item (case.lifecycle) in the worker's words."""
    return {
        "registration": _("registration"),
        "assessment": _("assessment"),
        "plan": _("plan"),
        "consent": _("consent"),
        "visit": _("visit"),
        "review": _("review"),
        "see child": _("see the child"),
        "turns 18": _("turns 18"),
        "plan item": _("plan item"),
        "referral": _("referral"),
        "bid": _("best interests determination"),
        "follow-up": _("follow-up after reunification"),
    }.get(kind, kind)


def _days(later: str, earlier: str) -> int:
    return (dt.date.fromisoformat(later[:10]) - dt.date.fromisoformat(earlier[:10])).days


# One row for each live case: the columns the report counts, the stored derivation of what is due
# (case_due, written with every change of the case), the active plan and the visits. No case rule
# is evaluated here: ten thousand cases cost about what `list` costs.
CASELOAD_SQL = """
SELECT c.case_number, c.child_name, c.registered_on, c.risk, c.case_worker, d.stage, d.due,
       p.activated_at AS plan_activated_on, p.visit_every_days, v.last_visit, coalesce(v.visits, 0) AS visits
FROM cases c
LEFT JOIN case_due d ON d.case_number = c.case_number
LEFT JOIN plans p ON p.case_number = c.case_number AND p.status = 'active'
LEFT JOIN (SELECT case_number, max(visited_on) AS last_visit, count(*) AS visits FROM visits GROUP BY case_number) v
       ON v.case_number = c.case_number
WHERE c.status = 'open' OR c.status = 'copy'
"""


def _caseload_rows(store: Store) -> list[dict]:
    cursor = store.conn.execute(CASELOAD_SQL)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, values, strict=True)) for values in cursor]
    missing = [r["case_number"] for r in rows if r["due"] is None]
    if missing:  # not derived yet (a store opened read-only since its upgrade): derived here
        derived = lifecycle.worked_due(
            store,
            lifecycle.summaries(store, "c.case_number IN (SELECT value FROM json_each(?))", (json.dumps(missing),)),
        )
        for row in rows:
            if row["due"] is None:
                row["stage"], row["due"] = derived[row["case_number"]]
    for row in rows:
        if isinstance(row["due"], str):
            row["due"] = json.loads(row["due"])
    return rows


def caseload(store: Store, today: dt.date, names: bool = False) -> dict:
    rows = _caseload_rows(store)
    first_plan = dict(
        store.conn.execute(
            "SELECT case_number, min(activated_at) FROM plans WHERE activated_at IS NOT NULL GROUP BY case_number"
        ).fetchall()
    )
    waiting = store.conn.execute(
        "SELECT a.case_number, a.requested_at FROM approvals a WHERE a.status = 'waiting'"
    ).fetchall()
    waiting_by_case: dict[str, list[int]] = {}
    for number, asked in waiting:
        waiting_by_case.setdefault(number, []).append(max(_days(today.isoformat(), asked), 0))
    allowed = {risk: settings.get(store, f"deadlines.{risk}.visit_every_days") for risk in RISKS}
    iso_today = today.isoformat()

    workers: dict[str, dict] = {}
    for row in rows:
        number = row["case_number"]
        who = workers.setdefault(
            row["case_worker"],
            {
                "case_worker": row["case_worker"],
                "open": 0,
                "by_stage": Counter(),
                "by_risk": Counter(),
                "overdue": Counter(),
                "approvals_waiting": 0,
                "oldest_approval_days": None,
                "days_to_plan": [],
                "visits_made": 0,
                "visits_planned": 0,
                "unvisited": [],
            },
        )
        who["open"] += 1
        who["by_stage"][row["stage"]] += 1
        who["by_risk"][row["risk"]] += 1
        for kind, when in row["due"]:
            if when < iso_today:
                who["overdue"][kind] += 1
        ages = waiting_by_case.get(number, [])
        if ages:
            who["approvals_waiting"] += len(ages)
            who["oldest_approval_days"] = max([who["oldest_approval_days"] or 0, *ages])
        if number in first_plan:
            who["days_to_plan"].append(max(_days(first_plan[number], row["registered_on"]), 0))
        if row["plan_activated_on"] and row["visit_every_days"]:
            who["visits_planned"] += max(_days(iso_today, row["plan_activated_on"]), 0) // int(row["visit_every_days"])
            who["visits_made"] += row["visits"]
        since = row["last_visit"] or row["registered_on"]
        limit = allowed.get(row["risk"])
        if limit and _days(iso_today, since) > limit:
            who["unvisited"].append(
                {
                    "case": row["child_name"] if names else number,
                    "risk": row["risk"],
                    "days": _days(iso_today, since),
                }
            )

    def finished(who: dict) -> dict:
        spans = who.pop("days_to_plan")
        return {
            **who,
            "by_stage": dict(who["by_stage"]),
            "by_risk": {risk: who["by_risk"].get(risk, 0) for risk in RISKS},
            "overdue": dict(who["overdue"]),
            "overdue_total": sum(who["overdue"].values()),
            "days_to_plan_median": median(spans) if spans else None,
            "unvisited": sorted(who["unvisited"], key=lambda u: -u["days"]),
        }

    per_worker = [finished(w) for _name, w in sorted(workers.items())]
    team: dict = {
        "case_worker": None,
        "open": sum(w["open"] for w in per_worker),
        "by_stage": dict(sum((Counter(w["by_stage"]) for w in per_worker), Counter())),
        "by_risk": {risk: sum(w["by_risk"][risk] for w in per_worker) for risk in RISKS},
        "overdue": dict(sum((Counter(w["overdue"]) for w in per_worker), Counter())),
        "overdue_total": sum(w["overdue_total"] for w in per_worker),
        "approvals_waiting": sum(w["approvals_waiting"] for w in per_worker),
        "oldest_approval_days": max((w["oldest_approval_days"] or 0 for w in per_worker), default=0) or None,
        "visits_made": sum(w["visits_made"] for w in per_worker),
        "visits_planned": sum(w["visits_planned"] for w in per_worker),
        "unvisited": sum(len(w["unvisited"]) for w in per_worker),
    }
    spans = [
        max(_days(first_plan[r["case_number"]], r["registered_on"]), 0) for r in rows if r["case_number"] in first_plan
    ]
    team["days_to_plan_median"] = median(spans) if spans else None
    return {"as_of": iso_today, "names": names, "workers": per_worker, "team": team}
