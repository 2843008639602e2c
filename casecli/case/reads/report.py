"""A supervisor's view of the caseload: per case worker and for the team, from the cases a store holds.

A supervisor's store holds the read-only copies workers send; a worker's, their own cases. Both
are read alike: an open case or a copy is part of the caseload. The figures are counts and
delays, never the child's data; cases are named by number, and by the child's name only when
asked (`names`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TypedDict

from casecli.i18n import _
from casecli.store import settings
from casecli.store.db import Store

RISKS = ("high", "medium", "low")


def kind_name(kind: str) -> str:
    """A kind of due item (case.due.lifecycle) in the worker's words."""
    return {
        "registration": _("registration"),
        "assessment": _("assessment"),
        "plan": _("plan"),
        "consent": _("consent"),
        "visit": _("visit"),
        "review": _("review"),
        "see child": _("see the child"),
        "turns 18": _("turns 18"),
        "adult": _("of age, case open"),
        "plan item": _("plan item"),
        "referral": _("referral"),
        "bid": _("best interests determination"),
        "bia": _("best interests assessment"),
        "follow-up": _("follow-up after reunification"),
        "detention": _("in migration detention"),
        "authority notification": _("authority not notified"),
        "restitution plan": _("restitution plan missing"),
        "incident": _("incident to report"),
        "asylum filing": _("asylum: filing"),
        "asylum decision": _("asylum: decision"),
        "asylum appeal": _("asylum: appeal"),
        "asylum document": _("asylum: document renewal"),
    }.get(kind, kind)


# The caseload is counted in SQL, a few GROUP BYs over what each case keeps at write time (its
# stage in case_due, its due items in due_items): no case rule is evaluated and no row per case
# is held here, so a hundred thousand cases cost about what reading them once costs. A live case
# is an open one or a copy (a supervisor's store holds the copies workers send).
LIVE = "c.status IN ('open', 'copy')"
DAYS_SINCE = "CAST(julianday(:today) - julianday(substr({0}, 1, 10)) AS INTEGER)"

COUNTS_SQL = f"""
SELECT c.case_worker, coalesce(d.stage, c.stage), c.risk, count(*) FROM cases c
LEFT JOIN case_due d ON d.case_number = c.case_number
WHERE {LIVE} GROUP BY 1, 2, 3
"""
OVERDUE_SQL = """
SELECT case_worker, kind, count(*) FROM due_items
WHERE due < :today AND status IN ('open', 'copy') GROUP BY 1, 2
"""
APPROVALS_SQL = f"""
SELECT c.case_worker, count(*), max(max({DAYS_SINCE.format("a.requested_at")}, 0)) FROM approvals a
JOIN cases c ON c.case_number = a.case_number
WHERE a.status = 'waiting' AND {LIVE}
  -- a copy's request this supervisor decided already waits for nobody here (the decision is on its way)
  AND NOT EXISTS (SELECT 1 FROM meta m WHERE m.key = 'approval decided ' || a.uid)
GROUP BY 1
"""
# Days from registration to the first plan activated: how many cases took each number of days.
PLAN_SPANS_SQL = f"""
SELECT c.case_worker, max(CAST(julianday(substr(f.first, 1, 10)) - julianday(c.registered_on) AS INTEGER), 0) AS span,
       count(*)
FROM cases c JOIN (SELECT case_number, min(activated_at) AS first FROM plans
                   WHERE activated_at IS NOT NULL GROUP BY case_number) f ON f.case_number = c.case_number
WHERE {LIVE} GROUP BY 1, 2
"""
VISITS_SQL = f"""
SELECT c.case_worker,
       sum(max({DAYS_SINCE.format("p.activated_at")}, 0) / CAST(p.visit_every_days AS INTEGER)),
       sum((SELECT count(*) FROM visits v WHERE v.case_number = c.case_number))
FROM cases c JOIN plans p ON p.case_number = c.case_number AND p.status = 'active'
WHERE {LIVE} AND p.activated_at IS NOT NULL AND CAST(p.visit_every_days AS INTEGER) > 0 GROUP BY 1
"""
# The cases not visited for longer than their risk allows, longest first. Each case's last visit
# comes from one ordered pass over the visits' index (a lookup per case costs twice as much at
# 100,000 cases); MATERIALIZED, or SQLite would work out each case's days once per use.
UNVISITED_SQL = f"""
WITH last AS MATERIALIZED (SELECT case_number, max(visited_on) AS at FROM visits GROUP BY case_number),
live AS MATERIALIZED (
    SELECT c.case_worker, c.case_number, {{name}} AS shown, c.risk,
           {DAYS_SINCE.format("coalesce(l.at, c.registered_on)")} AS days
    FROM cases c LEFT JOIN last l ON l.case_number = c.case_number WHERE {LIVE})
SELECT case_worker, shown, risk, days FROM live
WHERE days > CASE risk WHEN 'high' THEN :high WHEN 'medium' THEN :medium WHEN 'low' THEN :low END
ORDER BY case_worker, days DESC, case_number
"""


class Unvisited(TypedDict):
    case: str  # the case number, or the child's name when the report is asked with names
    risk: str
    days: int


class _Load(TypedDict):
    open: int
    by_stage: dict[str, int]
    by_risk: dict[str, int]
    overdue: dict[str, int]
    overdue_total: int
    approvals_waiting: int
    oldest_approval_days: int | None
    visits_made: int
    visits_planned: int
    days_to_plan_median: float | None
    # the legal pathway (case/reads/legal_counts.py): children in detention and days held, claims
    # by status, notifications late, restitution plans missing, incidents unreported
    legal: dict[str, int]


class WorkerLoad(_Load):
    """One worker's row of the supervisor's report (the team's row sums them: TeamLoad)."""

    case_worker: str | None
    unvisited: list[Unvisited]


class TeamLoad(_Load):
    case_worker: None
    unvisited: int  # how many children went unvisited too long, across the team


class Caseload(TypedDict):
    """The supervisor's report: each worker's row and the team's, as of a day."""

    as_of: str
    names: bool
    workers: list[WorkerLoad]
    team: TeamLoad
    roles_certified: bool  # False: no agency roster here, a supervisor is whoever their identity says
    weakened: list[Weakened]  # settings that protect children made weaker on a worker's laptop


class Weakened(TypedDict):
    """A setting a worker made weaker than the agency's on their laptop, as the histories of the
    cases held here record it (case/file/setting_changes.py)."""

    case_worker: str
    setting: str
    value: int
    default: int
    cases: int


def _worker(name: str | None) -> dict:
    return {
        "case_worker": name,
        "open": 0,
        "by_stage": Counter(),
        "by_risk": Counter(),
        "overdue": Counter(),
        "approvals_waiting": 0,
        "oldest_approval_days": None,
        "visits_made": 0,
        "visits_planned": 0,
        "unvisited": [],
        "legal": Counter(),
    }


def _median(spans: Counter) -> float | None:
    """The median of values given as value -> how many times (statistics.median's, halves kept)."""
    total = sum(spans.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value in sorted(spans):
        while middle and middle[0] < seen + spans[value]:
            found.append(value)
            middle.pop(0)
        seen += spans[value]
    return found[0] if total % 2 else (found[0] + found[1]) / 2


def _overdue(store: Store, params: dict) -> list[tuple[str, str, int]]:
    """(worker, kind, how many) of the items overdue: as kept, or derived now on a store that
    could not keep them since its upgrade (read-only), holding its live cases meanwhile."""
    from casecli.store.migrations import DERIVED_STALE

    if store.meta(DERIVED_STALE) is None:
        return store.conn.execute(OVERDUE_SQL, params)
    from casecli.case.due import lifecycle

    counts: Counter = Counter()
    rows = lifecycle.summaries(store, LIVE)
    workers = {r["case_number"]: r["case_worker"] for r in rows}
    for number, (_stage, due) in lifecycle.worked_due(store, rows).items():
        counts.update((workers[number], d.kind) for d in due if d.due < params["today"])
    return [(name, kind, count) for (name, kind), count in counts.items()]


def caseload(store: Store, today: dt.date, names: bool = False) -> Caseload:
    params: dict[str, str | int] = {"today": today.isoformat()}
    params.update({risk: settings.get(store, f"deadlines.{risk}.visit_every_days") or 10**9 for risk in RISKS})
    workers: dict[str, dict] = {}

    def who(name: str) -> dict:
        return workers.setdefault(name, _worker(name))

    for name, at, risk, count in store.conn.execute(COUNTS_SQL, params):
        who(name)["open"] += count
        who(name)["by_stage"][at] += count
        who(name)["by_risk"][risk] += count
    for name, kind, count in _overdue(store, params):
        who(name)["overdue"][kind] += count
    for name, count, oldest in store.conn.execute(APPROVALS_SQL, params):
        who(name)["approvals_waiting"], who(name)["oldest_approval_days"] = count, oldest
    spans: dict[str, Counter] = {}
    for name, span, count in store.conn.execute(PLAN_SPANS_SQL, params):
        spans.setdefault(name, Counter())[span] += count
    for name, planned, made in store.conn.execute(VISITS_SQL, params):
        who(name)["visits_planned"], who(name)["visits_made"] = planned, made
    from casecli.case.reads.legal_counts import legal_counts

    for name, counts in legal_counts(store, today).items():
        who(name)["legal"].update(counts)
    unvisited = UNVISITED_SQL.format(name="c.child_name" if names else "c.case_number")
    for name, case, risk, days in store.conn.execute(unvisited, params):
        who(name)["unvisited"].append({"case": case, "risk": risk, "days": days})

    def finished(name: str, row: dict) -> WorkerLoad:
        return {
            "case_worker": row["case_worker"],
            "open": row["open"],
            "by_stage": dict(row["by_stage"]),
            "by_risk": {risk: row["by_risk"].get(risk, 0) for risk in RISKS},
            "overdue": dict(row["overdue"]),
            "approvals_waiting": row["approvals_waiting"],
            "oldest_approval_days": row["oldest_approval_days"],
            "visits_made": row["visits_made"],
            "visits_planned": row["visits_planned"],
            "unvisited": row["unvisited"],
            "overdue_total": sum(row["overdue"].values()),
            "days_to_plan_median": _median(spans.get(name, Counter())),
            "legal": dict(row["legal"]),
        }

    per_worker = [finished(name, row) for name, row in sorted(workers.items())]
    team: TeamLoad = {
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
        "days_to_plan_median": _median(sum(spans.values(), Counter())),
        "legal": dict(sum((Counter(w["legal"]) for w in per_worker), Counter())),
    }
    from casecli.store.trust import roles_certified

    weakened: list[Weakened] = [
        {"case_worker": name, "setting": key, "value": value, "default": default, "cases": count}
        for name, key, value, default, count in store.conn.execute(WEAKENED_SQL)
    ]
    return {
        "as_of": today.isoformat(),
        "names": names,
        "workers": per_worker,
        "team": team,
        "roles_certified": roles_certified(store),
        "weakened": weakened,
    }


WEAKENED_SQL = """
SELECT e.actor, json_extract(e.changes, '$.setting'), json_extract(e.changes, '$.value'),
       json_extract(e.changes, '$.default'), count(DISTINCT e.case_number)
FROM events e WHERE e.kind = 'setting weakened'
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2
"""
