"""A case's stage and what is due on it, derived from its records (never typed in).

One module that `list`, `show` and the agenda share, so they cannot disagree. Everything is
read in a handful of queries for all cases at once (no query per case), so the agenda of ten
thousand cases stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from casecli import settings
from casecli.case import people_index
from casecli.case.age import majority_date
from casecli.forms.labels import answer, label
from casecli.i18n import _, format_date

RISK_ORDER = {"high": 0, "medium": 1, "low": 2}
OPEN_REFERRAL = ("pending", "accepted")

SUMMARY_SQL = """
SELECT c.case_number, c.child_name, c.date_of_birth, c.age_estimate, c.registered_on, c.status, c.risk,
       c.case_worker, c.incomplete, c.demo, c.assessment_due, c.plan_due,
       coalesce(a.initial, 0) AS assessed, a.case_number IS NOT NULL AS any_assessment,
       p.version AS active_version, p.visit_every_days, p.activated_at AS plan_activated_on,
       v.last_visit, v.last_seen, w.last_review,
       (SELECT next_visit FROM visits n WHERE n.case_number = c.case_number
        ORDER BY visited_on DESC, created_at DESC LIMIT 1) AS next_visit,
       (SELECT withdrawn_on FROM consents k WHERE k.case_number = c.case_number
        ORDER BY given_on DESC, created_at DESC LIMIT 1) AS consent_withdrawn_on,
       (v.case_number IS NOT NULL OR r.case_number IS NOT NULL OR i.case_number IS NOT NULL) AS implementing,
       x.reopened_on,
       EXISTS (SELECT 1 FROM json_each(p.data, '$.actions') t WHERE json_extract(t.value, '$.category') = 'transition_to_adulthood')
           AS transition_planned
FROM cases c
LEFT JOIN plans p ON p.case_number = c.case_number AND p.status = 'active'
LEFT JOIN (SELECT case_number, max(kind = 'initial') AS initial FROM assessments {scope} GROUP BY case_number) a
       ON a.case_number = c.case_number
LEFT JOIN (SELECT case_number, max(visited_on) AS last_visit, max(CASE WHEN child_seen THEN visited_on END) AS last_seen
           FROM visits {scope} GROUP BY case_number) v ON v.case_number = c.case_number
LEFT JOIN (SELECT case_number, max(reviewed_on) AS last_review FROM reviews {scope} GROUP BY case_number) w
       ON w.case_number = c.case_number
LEFT JOIN (SELECT DISTINCT case_number FROM referrals {scope}) r ON r.case_number = c.case_number
LEFT JOIN (SELECT DISTINCT case_number FROM item_progress {scope}) i ON i.case_number = c.case_number
LEFT JOIN (SELECT case_number, max(reopened_on) AS reopened_on FROM closures {scope} GROUP BY case_number) x
       ON x.case_number = c.case_number
"""
ALL_CASES = SUMMARY_SQL.format(scope="")
ONE_CASE = SUMMARY_SQL.format(scope="WHERE case_number = :number") + " WHERE c.case_number = :number"

ITEMS_SQL = """
SELECT t.case_number, t.item_id, t.kind, t.title, t.due
FROM plan_items t JOIN plans p ON p.case_number = t.case_number AND p.version = t.version
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


@dataclass(frozen=True, slots=True)
class Due:
    case_number: str
    risk: str
    kind: str
    what: str
    due: str
    command: str

    def as_dict(self, today: dt.date) -> dict:
        late = (today - dt.date.fromisoformat(self.due)).days
        return {
            "case_number": self.case_number,
            "risk": self.risk,
            "kind": self.kind,
            "what": self.what,
            "due": self.due,
            "command": self.command,
            "days_late": max(late, 0),
            "overdue": late > 0,
        }


def _plus(date: str, days: int) -> str:
    return (dt.date.fromisoformat(date[:10]) + dt.timedelta(days=days)).isoformat()


def summaries(store, where: str = "", params: list | tuple = ()) -> list[dict]:
    cursor = store.conn.execute(ALL_CASES + (" WHERE " + where if where else ""), params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=False)) for values in cursor]


def summary_of(store, number: str) -> dict:
    cursor = store.conn.execute(ONE_CASE, {"number": number})
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=False))


def refresh(store, number: str) -> None:
    """Store the case's stage and next due date; called in every write transaction on the case.

    `list` reads these two columns instead of deriving them for every case on every call.
    """
    if store.defer_refresh:
        return
    _store_derived(store, [summary_of(store, number)])


def refresh_all(store, numbers: list[str] | None = None) -> None:
    """Every case's stage and next due date again (after a change of settings), or those of `numbers`."""
    if numbers is not None and not numbers:
        return
    # The case numbers go in as one JSON array: one pass over the records, however many cases.
    rows = (
        summaries(store)
        if numbers is None
        else summaries(store, "c.case_number IN (SELECT value FROM json_each(?))", (json.dumps(numbers),))
    )
    _store_derived(store, rows)


def as_worked(row: dict) -> dict:
    """A copy read as its worker's open case: what is due on it there, and at what stage."""
    return {**row, "status": "open"} if row["status"] == "copy" else row


def worked_due(store, rows: list[dict]) -> dict[str, tuple[str, list[list[str]]]]:
    """Each case's stage and due items ([kind, date], sorted), read as its worker's open case (a
    copy too): what `case_due` keeps, and what a report derives where it is not kept yet."""
    worked = [as_worked(r) for r in rows]
    due = due_items(store, worked)
    return {
        r["case_number"]: (stage(r), sorted([d.kind, d.due] for d in due.get(r["case_number"], []))) for r in worked
    }


def _store_derived(store, rows: list[dict]) -> None:
    """The stage and next due date (`cases`), and every due item's kind and date (`case_due`)."""
    derived = worked_due(store, rows)

    def soonest(number: str) -> str | None:
        return min((when for _kind, when in derived[number][1]), default=None)

    store.conn.executemany(
        "UPDATE cases SET stage = ?, next_due = ? WHERE case_number = ?",
        [(stage(r), soonest(r["case_number"]) if r["status"] == "open" else None, r["case_number"]) for r in rows],
    )
    store.conn.executemany(
        "INSERT OR REPLACE INTO case_due (case_number, stage, due) VALUES (?, ?, ?)",
        [(number, at, json.dumps(due, separators=(",", ":"))) for number, (at, due) in derived.items()],
    )


def refresh_if_stale(store) -> None:
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


def change_settings(store, pairs: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """Change agency settings and, in the same transaction, every case's derived due dates."""
    with store.transaction():
        saved = [(key, settings.set_setting(store, key, raw)) for key, raw in pairs]
        refresh_all(store)
    return saved


def due_items(store, rows: list[dict], horizon: str | None = None) -> dict[str, list[Due]]:
    """Everything due on each open case in `rows`, by case number (in no particular order).

    With `horizon`, plan items due after it are not read at all (the agenda's window).
    """
    open_rows = {r["case_number"]: r for r in rows if r["status"] == "open"}
    found: dict[str, list[Due]] = {n: [] for n in open_rows}
    stale_days = settings.get(store, "referral.stale_days")
    unseen_days = settings.get(store, "agenda.high_risk_unseen_days")
    review_days = settings.get(store, "review.every_days")
    majority = settings.get(store, "age.majority_years")
    warn_days = settings.get(store, "age.turns_18_warning_days")

    for number, row in open_rows.items():
        add = found[number].append
        risk = row["risk"]
        if row["incomplete"]:
            add(
                Due(
                    number,
                    risk,
                    "registration",
                    _("complete the quick registration"),
                    row["registered_on"],
                    f"casecli edit {number}",
                )
            )
        if not row["assessed"] and row["assessment_due"]:
            add(
                Due(
                    number,
                    risk,
                    "assessment",
                    _("initial assessment"),
                    row["assessment_due"],
                    f"casecli assess {number}",
                )
            )
        if not row["active_version"] and row["plan_due"]:
            add(
                Due(
                    number,
                    risk,
                    "plan",
                    _("Care and Protection Plan (none active)"),
                    row["plan_due"],
                    f"casecli plan edit {number}",
                )
            )
        if row["active_version"] and row["visit_every_days"]:
            activated = (row["plan_activated_on"] or "")[:10]
            since = max(row["last_visit"] or "", activated) or row["registered_on"]
            # The next visit the worker chose at the last visit is the one due (not the frequency's).
            chosen = row["next_visit"] if row["last_visit"] and row["last_visit"] >= activated else None
            add(
                Due(
                    number,
                    risk,
                    "visit",
                    _("monitoring visit (every {days} days)").format(days=row["visit_every_days"]),
                    chosen or _plus(since, row["visit_every_days"]),
                    f"casecli visit add {number}",
                )
            )
        withdrawn = row["consent_withdrawn_on"]
        # until the plan is reviewed (or revised) after the withdrawal, or a new consent is recorded
        if withdrawn and max((row["plan_activated_on"] or "")[:10], row["last_review"] or "") <= withdrawn:
            add(
                Due(
                    number,
                    risk,
                    "consent",
                    _("consent withdrawn: review the plan (nothing new is shared)"),
                    withdrawn,
                    f"casecli review {number}" if row["active_version"] else f"casecli consent show {number}",
                )
            )
        adult_on = majority_date(row["date_of_birth"], row["age_estimate"], row["registered_on"], majority)
        if adult_on and not row["transition_planned"]:
            add(
                Due(
                    number,
                    risk,
                    "turns 18",
                    _("turns {age} on {date}: add a transition action to the plan").format(
                        age=majority, date=format_date(adult_on)
                    ),
                    _plus(adult_on, -warn_days),
                    f"casecli plan edit {number}",
                )
            )
        if row["active_version"] and review_days:
            since = max(row["last_review"] or "", (row["plan_activated_on"] or "")[:10])
            add(
                Due(
                    number,
                    risk,
                    "review",
                    _("plan review (every {days} days)").format(days=review_days),
                    _plus(since, review_days),
                    f"casecli review {number}",
                )
            )
        elif risk == "high":
            since = row["last_seen"] or row["registered_on"]
            add(
                Due(
                    number,
                    risk,
                    "see child",
                    _("high-risk child not seen recently"),
                    _plus(since, unseen_days),
                    f"casecli visit add {number}",
                )
            )

    if open_rows:
        # One case (show): filter in SQL; many (list, agenda): read all once and filter here.
        only = next(iter(open_rows)) if len(open_rows) == 1 else None
        scope, scope_params = (" AND {}.case_number = ?", (only,)) if only else ("", ())
        done = {(n, i) for n, i, s in store.conn.execute(PROGRESS_SQL + scope.format("i"), scope_params) if s == "done"}
        items_sql, items_params = ITEMS_SQL + scope.format("t"), scope_params
        if horizon is not None:
            items_sql, items_params = items_sql + " AND t.due <= ?", (*scope_params, horizon)
        for number, item_id, name, title, when in store.conn.execute(items_sql, items_params):
            if number in open_rows and when and (number, item_id) not in done:
                found[number].append(
                    Due(
                        number,
                        open_rows[number]["risk"],
                        "plan item",
                        f"{_(name)}: {title}",
                        when,
                        f"casecli plan item done {number} {item_id}",
                    )
                )
        from casecli.case.outcomes_due import outcomes_due

        for number, kind, what, when, command in outcomes_due(store, only):
            if number in open_rows:
                found[number].append(Due(number, open_rows[number]["risk"], kind, what, when, command))
        waiting = [
            row
            for row in store.conn.execute(REFERRALS_SQL + scope.format("r"), scope_params)
            if row[0] in open_rows and row[3] in OPEN_REFERRAL
        ]
        # Two cases may hold referrals of one name (made on two laptops before names carried the
        # laptop's prefix): for those the command names the case too. Asked only of the names due.
        shared = (
            {
                ref
                for (ref,) in store.conn.execute(
                    "SELECT ref FROM referrals WHERE ref IN (SELECT value FROM json_each(?))"
                    " GROUP BY ref HAVING count(*) > 1",
                    (json.dumps(sorted({row[1] for row in waiting})),),
                )
            }
            if waiting
            else set()
        )
        for number, ref, service, status, on_date in waiting:
            found[number].append(
                Due(
                    number,
                    open_rows[number]["risk"],
                    "referral",
                    _("referral {ref} ({service}) {status} since {date}").format(
                        ref=ref,
                        service=answer("referral", "service_type", service),
                        status=label(status),
                        date=format_date(on_date),
                    ),
                    _plus(on_date, stale_days),
                    f"casecli referral update {ref}" + (f" --case {number}" if ref in shared else ""),
                )
            )
    return found


def next_due(items: list[Due]) -> str | None:
    return min(d.due for d in items) if items else None


def next_step(store, number: str, today: dt.date) -> dict | None:
    """What is due next on a case (the earliest item of its agenda), printed after each save."""
    due = due_items(store, [summary_of(store, number)]).get(number, [])
    if not due:
        return None
    return min(due, key=lambda d: (d.due, d.kind)).as_dict(today)
