"""A supervisor's view of the caseload: per case worker and for the team, from the cases a store holds.

A supervisor's store holds the read-only copies workers send; a worker's, their own cases. Both
are read alike: an open case or a copy is part of the caseload. The figures are counts and
delays, never the child's data; cases are named by number, and by the child's name only when
asked (`names`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from statistics import median

from casecli import settings
from casecli.case import lifecycle
from casecli.i18n import _
from casecli.store.db import Store

LIVE = ("open", "copy")
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
    }.get(kind, kind)


def _as_open(row: dict) -> dict:
    """A copy counts as an open case of its worker (the due rules read open cases)."""
    return {**row, "status": "open"} if row["status"] == "copy" else row


def _days(later: str, earlier: str) -> int:
    return (dt.date.fromisoformat(later[:10]) - dt.date.fromisoformat(earlier[:10])).days


def caseload(store: Store, today: dt.date, names: bool = False) -> dict:
    rows = [_as_open(r) for r in lifecycle.summaries(store) if r["status"] in LIVE]
    due = lifecycle.due_items(store, rows)
    first_plan = dict(
        store.conn.execute(
            "SELECT case_number, min(activated_at) FROM plans WHERE activated_at IS NOT NULL GROUP BY case_number"
        ).fetchall()
    )
    visits = dict(store.conn.execute("SELECT case_number, count(*) FROM visits GROUP BY case_number").fetchall())
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
        who["by_stage"][lifecycle.stage(row)] += 1
        who["by_risk"][row["risk"]] += 1
        for item in due.get(number, []):
            if item.due < iso_today:
                who["overdue"][item.kind] += 1
        ages = waiting_by_case.get(number, [])
        if ages:
            who["approvals_waiting"] += len(ages)
            who["oldest_approval_days"] = max([who["oldest_approval_days"] or 0, *ages])
        if number in first_plan:
            who["days_to_plan"].append(max(_days(first_plan[number], row["registered_on"]), 0))
        if row["plan_activated_on"] and row["visit_every_days"]:
            who["visits_planned"] += max(_days(iso_today, row["plan_activated_on"]), 0) // int(row["visit_every_days"])
            who["visits_made"] += visits.get(number, 0)
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
