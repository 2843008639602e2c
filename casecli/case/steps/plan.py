"""The Care and Protection Plan in the store: versions, saving, activation, and its item index.

A plan is a header (responsible worker, placement, monitoring frequency, the child's
participation) and three lists of items (protection needs, other services, other actions), each
item validated by its own form. Every save is a new version; a version is a draft until it is
complete and activated. Item ids stay the same across versions, so progress and diffs follow
an item through revisions.
"""

from __future__ import annotations

import datetime as dt
import json

from casecli.case.file import plan_rules
from casecli.case.file.history import append_event
from casecli.case.file.lookup import resolve, resolve_open
from casecli.case.file.plans import load
from casecli.errors import InvalidInput
from casecli.forms import load_form
from casecli.i18n import _
from casecli.store.db import Store, utc_now


def header_defaults(store: Store, number: str) -> dict:
    """A first plan starts from what registration already says."""
    from casecli.store import settings

    answers_json, risk = store.conn.execute(
        "SELECT answers, risk FROM cases WHERE case_number = ?", (number,)
    ).fetchone()
    reg = json.loads(answers_json)
    care_types = load_form(plan_rules.HEADER_FORM).field("care_arrangement").choice_values
    defaults = {
        "case_worker": store.profile()["name"],
        "visit_every_days": settings.get(store, f"deadlines.{risk}.visit_every_days"),
    }
    if reg.get("care_arrangement") in care_types:
        defaults["care_arrangement"] = reg["care_arrangement"]
    if reg.get("caregiver"):
        defaults["provider"] = reg["caregiver"]
    if reg.get("current_location"):
        defaults["location"] = reg["current_location"]
    return defaults


def save(store: Store, text: str, plan: dict, today: dt.date, activate: bool = False) -> dict:
    """Save a new version of the plan (activating it if asked and complete); returns its summary."""
    from casecli.case.file.assessments import latest_needs

    number = resolve_open(store, text)
    clean = plan_rules.normalise(plan, today)
    lacking = plan_rules.missing(clean, number, latest_needs(store, number), today)
    if activate and lacking:
        raise plan_rules.PlanIncomplete(lacking)
    if activate:
        from casecli.case.legal.authority import activation_problem

        untaken = activation_problem(store, number, clean)
        if untaken:
            raise InvalidInput(untaken)
    previous = load(store, number)
    if previous and previous["data"] == clean and (previous["status"] == "active" or not activate):
        return {
            "case_number": number,
            "version": previous["version"],
            "status": previous["status"],
            "missing": lacking,
            "unchanged": True,
        }
    version = (previous["version"] + 1) if previous else 1
    from casecli.case.decisions import approvals

    awaiting = activate and approvals.needed(store, "plan_activation")
    activate = activate and not awaiting  # with approvals, a complete plan waits as a draft
    status = "active" if activate else "draft"
    now = utc_now()
    actor = store.profile()["name"]
    changes = plan_rules.diff(previous["data"] if previous else plan_rules.empty_plan(), clean)
    with store.transaction():
        store.conn.execute(
            "INSERT INTO plans (case_number, version, status, data, saved_by, saved_at, activated_at, visit_every_days)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                number,
                version,
                status,
                json.dumps(clean, ensure_ascii=False, sort_keys=True),
                actor,
                now,
                today.isoformat() if activate else None,
                clean["header"].get("visit_every_days"),
            ),
        )
        index_items(store, number, version, clean)
        if activate:
            store.conn.execute(
                "UPDATE plans SET status = 'draft' WHERE case_number = ? AND status = 'active' AND version < ?",
                (number, version),
            )
        verb = "revised" if previous else "created"
        append_event(
            store,
            number,
            actor,
            "plan",
            f"Plan {verb}: version {version} ({status})",
            {"version": version, "status": status, "diff": changes},
        )
        if awaiting:
            approvals.wait_for(
                store,
                number,
                "plan_activation",
                approvals.plan_subject(store, number, version),
                f"Plan version {version} awaiting approval",
            )
    return {
        "case_number": number,
        "version": version,
        "status": status,
        "missing": lacking,
        "unchanged": False,
        "awaiting_approval": awaiting,
    }


INSERT_ITEM = "INSERT INTO plan_items (case_number, version, item_id, kind, title, due) VALUES (?, ?, ?, ?, ?, ?)"


def _item_rows(number: str, version: int, data: dict) -> list[tuple]:
    return [
        (
            number,
            version,
            item["id"],
            plan_rules.ITEM_NAMES[key],
            str(item.get(plan_rules.ITEM_TITLE_FIELD[key], "")),
            item.get(plan_rules.ITEM_DATE_FIELD[key]),
        )
        for key in plan_rules.ITEM_FORMS
        for item in data.get(key, [])
    ]


def index_items(store: Store, number: str, version: int, data: dict) -> None:
    """Write a plan version's items into plan_items, which the agenda reads instead of the JSON."""
    store.conn.executemany(INSERT_ITEM, _item_rows(number, version, data))


def reindex_items(store: Store, numbers: list[str]) -> None:
    """plan_items again from every stored version of these cases' plans (after an import): a
    query for all of them, a thousand plans at a time in memory."""
    listed = json.dumps(numbers)
    store.conn.execute("DELETE FROM plan_items WHERE case_number IN (SELECT value FROM json_each(?))", (listed,))
    plans = store.conn.execute(
        "SELECT case_number, version, data FROM plans WHERE case_number IN (SELECT value FROM json_each(?))", (listed,)
    )
    while batch := plans.fetchmany(1000):
        rows = [row for number, version, data in batch for row in _item_rows(number, version, json.loads(data))]
        store.conn.executemany(INSERT_ITEM, rows)


def activate_latest(store: Store, text: str, today: dt.date) -> dict:
    from casecli.case.file.assessments import latest_needs

    number = resolve_open(store, text)
    latest = load(store, number)
    if latest is None:
        raise InvalidInput(
            _("{number} has no plan yet: create one with `casecli plan edit {number}`").format(number=number)
        )
    if latest["status"] == "active":
        return {"case_number": number, "version": latest["version"], "status": "active", "unchanged": True}
    lacking = plan_rules.missing(latest["data"], number, latest_needs(store, number), today)
    if lacking:
        raise plan_rules.PlanIncomplete(lacking)
    from casecli.case.decisions import approvals

    if approvals.needed(store, "plan_activation"):
        with store.transaction():
            approvals.wait_for(
                store,
                number,
                "plan_activation",
                approvals.plan_subject(store, number, latest["version"]),
                f"Plan version {latest['version']} awaiting approval",
            )
        return {
            "case_number": number,
            "version": latest["version"],
            "status": "draft",
            "unchanged": False,
            "awaiting_approval": True,
        }
    with store.transaction():
        activate_version(store, number, latest["version"], today)
    return {"case_number": number, "version": latest["version"], "status": "active", "unchanged": False}


def activate_version(store: Store, number: str, version: int, today: dt.date) -> None:
    """Make `version` the plan in force; call inside a transaction (a worker's activation, or an
    approved request)."""
    actor = store.profile()["name"]
    store.conn.execute("UPDATE plans SET status = 'draft' WHERE case_number = ? AND status = 'active'", (number,))
    store.conn.execute(
        "UPDATE plans SET status = 'active', activated_at = ? WHERE case_number = ? AND version = ?",
        (today.isoformat(), number, version),
    )
    append_event(
        store, number, actor, "plan", f"Plan version {version} activated", {"version": version, "status": "active"}
    )
    from casecli.case.due import lifecycle

    lifecycle.refresh(store, number)


def check(store: Store, text: str, today: dt.date) -> dict:
    from casecli.case.file.assessments import latest_needs

    number = resolve(store, text)
    plan = load(store, number)
    if plan is None:
        return {
            "case_number": number,
            "version": None,
            "status": None,
            "missing": ["the case has no plan yet"],
            "overdue": [],
        }
    return {
        "case_number": number,
        "version": plan["version"],
        "status": plan["status"],
        "missing": plan_rules.missing(plan["data"], number, latest_needs(store, number), today),
        "overdue": plan_rules.overdue(plan["data"], today),
    }


def decided_actions(store: Store, number: str, plan: dict) -> tuple[dict, int]:
    """The plan with the follow-up actions of the case's conferences and BID panels it has not taken up."""
    from casecli.case.decisions.best_interests import with_durable_solution, with_panel_actions
    from casecli.case.decisions.conference import with_conference_actions
    from casecli.case.decisions.panels import with_actions
    from casecli.case.legal.authority import sourced_measures

    plan, from_conferences = with_conference_actions(store, number, plan)
    plan, from_panels = with_panel_actions(store, number, plan)
    # the restitution plan's measures the agency carries join as actions (linked by restitution_ref)
    plan, from_authority = with_actions(store, number, plan, "restitution_ref", sourced_measures(store, number))
    return with_durable_solution(store, number, plan), from_conferences + from_panels + from_authority
