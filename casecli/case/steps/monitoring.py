"""Monitoring: visits at the plan's frequency, and formal reviews of the plan's progress.

At a visit or a review the worker walks the open items of the plan (those not yet done) and
says, for each, whether it was received; that progress is recorded on the item.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from casecli.case.file import plans
from casecli.case.file.history import append_event
from casecli.case.file.lookup import resolve_open
from casecli.case.file.progress import open_items, record_progress
from casecli.case.file.risk import rerate
from casecli.errors import InvalidAnswers
from casecli.forms import load_form
from casecli.i18n import _
from casecli.store.db import Store, utc_now


@dataclass(frozen=True)
class VisitStart:
    """What a visit's questions start from: the case, its risk now, and the next visit proposed by
    the plan's frequency (else the agency's for the risk) counted from the day of the visit."""

    case_number: str
    risk: str
    every_days: int
    next_visit: str | None


def visit_start(store: Store, text: str, visited_on: str) -> VisitStart:
    """Resolve an open case and read only what a visit's questions need (two or three statements:
    a visit is the commonest write, and `show`'s whole record is not needed for it)."""
    from casecli.store import settings

    number = resolve_open(store, text)
    risk, every = store.conn.execute(
        "SELECT c.risk, json_extract(p.data, '$.header.visit_every_days') FROM cases c"
        " LEFT JOIN plans p ON p.case_number = c.case_number AND p.status = 'active'"
        " WHERE c.case_number = ? ORDER BY p.version DESC LIMIT 1",
        (number,),
    ).fetchone()
    days = int(every) if every else settings.get(store, f"deadlines.{risk}.visit_every_days")
    try:
        proposed: str | None = (dt.date.fromisoformat(visited_on) + dt.timedelta(days=days)).isoformat()
    except ValueError:  # a date the wizard will refuse: no proposal
        proposed = None
    return VisitStart(number, risk, days, proposed)


def visit_known(store: Store, start: VisitStart) -> Callable[[dict], dict]:
    """What the records already say of a visit, given its date: where the child lives (the latest
    record that says it) and the next visit (the plan's frequency after this one)."""
    from casecli.case.due.detention import placement_now

    where = placement_now(store, start.case_number)
    if where not in load_form("visit").field("care_arrangement").choice_values:
        where = None

    def known(answers: dict) -> dict:
        try:
            on = dt.date.fromisoformat(str(answers.get("visited_on")))
        except ValueError:
            return {"care_arrangement": where}
        return {"care_arrangement": where, "next_visit": (on + dt.timedelta(days=start.every_days)).isoformat()}

    return known


def check_items(store: Store, number: str, given: dict, today: dt.date) -> dict[str, dict]:
    """Validate item answers ({item id: {"status", "note"}}) against the plan's open items."""
    form = load_form("plan-item-check")
    known = {i["id"] for i in open_items(store, number)}
    problems, clean = {}, {}
    if not isinstance(given, dict):
        raise InvalidAnswers("items", {"items": _("expected an object: item id -> {status, note}")})
    for item_id, answer in given.items():
        if item_id not in known:
            problems[f"items.{item_id}"] = _("not an open item of the plan")
            continue
        value, item_problems = form.check(answer if isinstance(answer, dict) else {"status": answer}, today)
        problems.update({f"items.{item_id}.{k}": v for k, v in item_problems.items()})
        clean[item_id] = value
    if problems:
        raise InvalidAnswers("items", problems)
    return clean


def _record_items(
    store: Store, number: str, items: dict[str, dict], on_date: str, source: str, actor: str
) -> list[str]:
    recorded = []
    for item_id, answer in items.items():
        if answer.get("status") in ("done", "partly", "not_done"):
            record_progress(store, number, item_id, answer["status"], on_date, answer.get("note", ""), source, actor)
            recorded.append(f"{item_id} {answer['status']}")
    return recorded


def record_visit(store: Store, text: str, answers: dict, items: dict[str, dict], today: dt.date) -> dict:
    number = resolve_open(store, text)
    actor = store.profile()["name"]
    uid = secrets.token_hex(8)
    risk_before = store.conn.execute("SELECT risk FROM cases WHERE case_number = ?", (number,)).fetchone()[0]
    with store.transaction():
        store.conn.execute(
            "INSERT INTO visits (uid, case_number, visited_on, child_seen, next_visit, answers, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                number,
                answers["visited_on"],
                int(answers["child_seen"]),
                answers["next_visit"],
                json.dumps({**answers, "items": items}, ensure_ascii=False, sort_keys=True),
                actor,
                utc_now(),
            ),
        )
        recorded = _record_items(store, number, items, answers["visited_on"], f"visit {uid}", actor)
        seen = (
            "child seen" + (" alone" if answers.get("seen_alone") else "")
            if answers["child_seen"]
            else "child not seen"
        )
        append_event(
            store,
            number,
            actor,
            "visit",
            f"Visit on {answers['visited_on']} ({answers['kind']}, {seen})",
            {"visit": uid, "items": recorded, "next_visit": answers["next_visit"]},
        )
        # A child held in migration detention is high risk, whatever else was rated.
        detained = answers.get("care_arrangement") == "migration_detention"
        risk_now = "high" if detained else answers["risk_level"]
        reason = "migration detention" if detained else answers.get("risk_reason", "")
        rerate(store, number, actor, risk_before, risk_now, reason, {"visit": uid})
    return {"uid": uid, "case_number": number, **answers, "items": items}


def visits_of(store: Store, number: str) -> list[dict]:
    rows = store.rows(
        "SELECT uid, visited_on, child_seen, next_visit, answers, created_by AS by FROM visits WHERE case_number = ?"
        " ORDER BY visited_on DESC, created_at DESC",
        (number,),
    )
    return [{**row, "child_seen": bool(row["child_seen"]), "answers": json.loads(row["answers"])} for row in rows]


def visits_on_time(store: Store, number: str) -> dict:
    """Visits counted against the plan's frequency: how many gaps were longer than planned."""
    dates = sorted(v["visited_on"] for v in visits_of(store, number))
    plan = plans.active(store, number)
    if not plan:
        return {"count": len(dates), "every_days": None, "late_gaps": 0}
    every = int(plan["data"]["header"].get("visit_every_days") or 0)
    start = (plan["activated_at"] or plan["saved_at"])[:10]
    points = [start] + [d for d in dates if d >= start]
    gaps = [(dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days for a, b in itertools.pairwise(points)]
    return {"count": len(dates), "every_days": every, "late_gaps": sum(1 for g in gaps if g > every)}


def review_problems(answers: dict) -> dict[str, str]:
    """The child's words when the child took part; how the child was involved when absent; the next
    review after this one."""
    problems: dict[str, str] = {}
    present = "child" in (answers.get("participants") or [])
    if present and not str(answers.get("child_views") or "").strip():
        problems["child_views"] = _("the child took part: record what the child said")
    if not present and not str(answers.get("child_involvement") or "").strip():
        problems["child_involvement"] = _("the child was not present: say how the child was involved")
    later, on = answers.get("next_review"), answers.get("reviewed_on")
    if later and on and later <= on:
        problems["next_review"] = _("a date after the review")
    return problems


def record_review(store: Store, text: str, answers: dict, items: dict[str, dict]) -> dict:
    number = resolve_open(store, text)
    problems = review_problems(answers)
    if problems:
        raise InvalidAnswers("review", problems)
    actor = store.profile()["name"]
    uid = secrets.token_hex(8)
    risk_before = store.conn.execute("SELECT risk FROM cases WHERE case_number = ?", (number,)).fetchone()[0]
    with store.transaction():
        store.conn.execute(
            "INSERT INTO reviews (uid, case_number, reviewed_on, decision, answers, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                number,
                answers["reviewed_on"],
                answers["decision"],
                json.dumps({**answers, "items": items}, ensure_ascii=False, sort_keys=True),
                actor,
                utc_now(),
            ),
        )
        recorded = _record_items(store, number, items, answers["reviewed_on"], f"review {uid}", actor)
        append_event(
            store,
            number,
            actor,
            "review",
            f"Review on {answers['reviewed_on']}: {answers['decision']}",
            {"review": uid, "decision": answers["decision"], "items": recorded, "next_review": answers["next_review"]},
        )
        rerate(
            store, number, actor, risk_before, answers["risk_level"], answers.get("risk_reason", ""), {"review": uid}
        )
    return {"uid": uid, "case_number": number, **answers}


def reviews_of(store: Store, number: str) -> list[dict]:
    rows = store.conn.execute(
        "SELECT uid, reviewed_on, decision, answers, created_by FROM reviews WHERE case_number = ? ORDER BY reviewed_on DESC, created_at DESC",
        (number,),
    )
    return [
        {"uid": u, "reviewed_on": d, "decision": dec, "answers": json.loads(a), "by": b} for u, d, dec, a, b in rows
    ]
