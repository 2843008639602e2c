"""A case's stage and what is due on it, derived from its records (never typed in).

One module that `list`, `show` and the agenda share, so they cannot disagree. Everything is
read in a handful of queries for all cases at once (no query per case), so the agenda of ten
thousand cases stays fast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casecli import settings

RISK_ORDER = {"high": 0, "medium": 1, "low": 2}
OPEN_REFERRAL = ("pending", "accepted")

SUMMARY_SQL = """
SELECT c.case_number, c.child_name, c.date_of_birth, c.age_estimate, c.registered_on, c.status, c.risk,
       c.case_worker, c.incomplete, c.demo, c.assessment_due, c.plan_due,
       EXISTS (SELECT 1 FROM assessments a WHERE a.case_number = c.case_number AND a.kind = 'initial') AS assessed,
       EXISTS (SELECT 1 FROM assessments a WHERE a.case_number = c.case_number) AS any_assessment,
       p.version AS active_version,
       CAST(json_extract(p.data, '$.header.visit_every_days') AS INTEGER) AS visit_every_days,
       substr(p.activated_at, 1, 10) AS plan_activated_on,
       (SELECT max(v.visited_on) FROM visits v WHERE v.case_number = c.case_number) AS last_visit,
       (SELECT max(v.visited_on) FROM visits v WHERE v.case_number = c.case_number AND v.child_seen = 1) AS last_seen,
       (EXISTS (SELECT 1 FROM visits v WHERE v.case_number = c.case_number)
        OR EXISTS (SELECT 1 FROM referrals r WHERE r.case_number = c.case_number)
        OR EXISTS (SELECT 1 FROM item_progress i WHERE i.case_number = c.case_number)) AS implementing,
       (SELECT max(x.reopened_on) FROM closures x WHERE x.case_number = c.case_number) AS reopened_on
FROM cases c
LEFT JOIN plans p ON p.case_number = c.case_number AND p.status = 'active'
"""

ITEMS_SQL = """
SELECT p.case_number, json_extract(j.value, '$.id'), json_extract(j.value, ?), json_extract(j.value, ?)
FROM plans p, json_each(p.data, ?) j
WHERE p.status = 'active'
"""

PROGRESS_SQL = """
SELECT case_number, item_id, status FROM item_progress i
WHERE NOT EXISTS (SELECT 1 FROM item_progress n WHERE n.case_number = i.case_number AND n.item_id = i.item_id
                  AND (n.on_date > i.on_date OR (n.on_date = i.on_date AND n.created_at > i.created_at)))
"""

REFERRALS_SQL = """
SELECT r.case_number, r.ref, r.service_type, u.status, u.on_date
FROM referrals r JOIN referral_updates u ON u.referral_uid = r.uid
WHERE NOT EXISTS (SELECT 1 FROM referral_updates n WHERE n.referral_uid = u.referral_uid
                  AND (n.on_date > u.on_date OR (n.on_date = u.on_date AND n.created_at > u.created_at)))
"""

PLAN_LISTS = (("protection_needs", "$.need", "$.by", "protection need"), ("services", "$.what", "$.by", "service"),
              ("actions", "$.action", "$.due", "action"))


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


@dataclass(frozen=True)
class Due:
    case_number: str
    risk: str
    kind: str
    what: str
    due: str
    command: str

    def days_late(self, today: dt.date) -> int:
        return (today - dt.date.fromisoformat(self.due)).days

    def as_dict(self, today: dt.date) -> dict:
        return {**self.__dict__, "days_late": max(self.days_late(today), 0), "overdue": self.days_late(today) > 0}


def _plus(date: str, days: int) -> str:
    return (dt.date.fromisoformat(date[:10]) + dt.timedelta(days=days)).isoformat()


def summaries(store, where: str = "", params: list | tuple = ()) -> list[dict]:
    cursor = store.conn.execute(SUMMARY_SQL + (" WHERE " + where if where else ""), params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor]


def due_items(store, rows: list[dict]) -> dict[str, list[Due]]:
    """Everything due on each open case in `rows`, by case number (earliest first)."""
    open_rows = {r["case_number"]: r for r in rows if r["status"] == "open"}
    found: dict[str, list[Due]] = {n: [] for n in open_rows}
    stale_days = settings.get(store, "referral.stale_days")
    unseen_days = settings.get(store, "agenda.high_risk_unseen_days")

    for number, row in open_rows.items():
        add = found[number].append
        risk = row["risk"]
        if row["incomplete"]:
            add(Due(number, risk, "registration", "complete the quick registration", row["registered_on"], f"casecli edit {number}"))
        if not row["assessed"] and row["assessment_due"]:
            add(Due(number, risk, "assessment", "initial assessment", row["assessment_due"], f"casecli assess {number}"))
        if not row["active_version"] and row["plan_due"]:
            add(Due(number, risk, "plan", "Care and Protection Plan (none active)", row["plan_due"], f"casecli plan edit {number}"))
        if row["active_version"] and row["visit_every_days"]:
            since = max(row["last_visit"] or "", row["plan_activated_on"] or "") or row["registered_on"]
            add(Due(number, risk, "visit", f"monitoring visit (every {row['visit_every_days']} days)", _plus(since, row["visit_every_days"]), f"casecli visit add {number}"))
        elif risk == "high":
            since = row["last_seen"] or row["registered_on"]
            add(Due(number, risk, "see child", "high-risk child not seen recently", _plus(since, unseen_days), f"casecli visit add {number}"))

    if open_rows:
        # One case (show): filter in SQL; many (list, agenda): read all once and filter here.
        only = next(iter(open_rows)) if len(open_rows) == 1 else None
        scope, scope_params = (" AND {}.case_number = ?", (only,)) if only else ("", ())
        done = {(n, i) for n, i, s in store.conn.execute(PROGRESS_SQL + scope.format("i"), scope_params) if s == "done"}
        for _key, title_path, date_path, name in PLAN_LISTS:
            query = ITEMS_SQL + scope.format("p")
            for number, item_id, title, when in store.conn.execute(query, (title_path, date_path, f"$.{_key}", *scope_params)):
                if number in open_rows and when and (number, item_id) not in done:
                    found[number].append(Due(number, open_rows[number]["risk"], "plan item", f"{name}: {title}", when,
                                             f"casecli plan item done {number} {item_id}"))
        for number, ref, service, status, on_date in store.conn.execute(REFERRALS_SQL + scope.format("r"), scope_params):
            if number in open_rows and status in OPEN_REFERRAL:
                found[number].append(Due(number, open_rows[number]["risk"], "referral",
                                         f"referral {ref} ({service}) {status} since {on_date}", _plus(on_date, stale_days),
                                         f"casecli referral update {ref}"))
    for items in found.values():
        items.sort(key=lambda d: (d.due, d.kind))
    return found


def next_due(items: list[Due]) -> str | None:
    return items[0].due if items else None


def agenda(store, today: dt.date, days: int) -> list[dict]:
    """Everything due by `today + days` or overdue, across the worker's open cases, most urgent first."""
    me = store.profile()["name"]
    rows = summaries(store, "c.status = 'open' AND c.case_worker = ?", (me,))
    horizon = (today + dt.timedelta(days=days)).isoformat()
    items = [d for found in due_items(store, rows).values() for d in found if d.due <= horizon]
    items.sort(key=lambda d: (RISK_ORDER.get(d.risk, 9), -d.days_late(today), d.due, d.case_number, d.kind))
    return [d.as_dict(today) for d in items]
