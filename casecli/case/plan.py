"""The Care and Protection Plan: versions, completeness against its seven elements, diffs.

A plan is a header (responsible worker, placement, monitoring frequency, the child's
participation) and three lists of items (protection needs, other services, other actions), each
item validated by its own form. Every save is a new version; a version is a draft until it is
complete and activated. Item ids stay the same across versions, so progress and diffs follow
an item through revisions.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from casecli.case.history import append_event
from casecli.case.lookup import resolve, resolve_open
from casecli.errors import CaseCliError, ExitCode, InvalidAnswers, InvalidInput
from casecli.forms import MISSING, Form, load_form
from casecli.i18n import _
from casecli.store.db import Store, utc_now

HEADER_FORM = "plan-header"
ITEM_FORMS = {"protection_needs": "plan-need", "services": "plan-service", "actions": "plan-action"}
ITEM_NAMES = {"protection_needs": "protection need", "services": "service", "actions": "action"}
ITEM_TITLE_FIELD = {"protection_needs": "need", "services": "what", "actions": "action"}
ITEM_DATE_FIELD = {"protection_needs": "by", "services": "by", "actions": "due"}
ELEMENTS = (
    "1. responsible case worker",
    "2. case number",
    "3. alternative care placement",
    "4. protection needs: how, by whom, by when",
    "5. other services: what, who, where, by when",
    "6. other actions: owner and due date",
    "7. frequency of monitoring visits",
)


class PlanIncomplete(CaseCliError):
    exit_code = ExitCode.INPUT

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            _("the plan is incomplete and stays a draft; missing: {missing}").format(missing="; ".join(missing))
        )


def empty_plan() -> dict:
    return {"header": {}, "protection_needs": [], "services": [], "actions": []}


def new_item_id() -> str:
    return secrets.token_hex(3)


def header_defaults(store: Store, number: str) -> dict:
    """A first plan starts from what registration already says."""
    from casecli import settings

    answers_json, risk = store.conn.execute(
        "SELECT answers, risk FROM cases WHERE case_number = ?", (number,)
    ).fetchone()
    reg = json.loads(answers_json)
    care_types = load_form(HEADER_FORM).field("care_type").choice_values
    defaults = {
        "case_worker": store.profile()["name"],
        "visit_every_days": settings.get(store, f"deadlines.{risk}.visit_every_days"),
    }
    if reg.get("care_arrangement") in care_types:
        defaults["care_type"] = reg["care_arrangement"]
    if reg.get("caregiver"):
        defaults["provider"] = reg["caregiver"]
    if reg.get("current_location"):
        defaults["location"] = reg["current_location"]
    return defaults


def check_part(form: Form, answers: dict, today: dt.date) -> tuple[dict, dict[str, str]]:
    clean, problems = form.check(
        {k: v for k, v in answers.items() if k not in ("id", "need_ref")}, today, use_defaults=False
    )
    return clean, problems


def normalise(plan: dict, today: dt.date) -> dict:
    """Validate every value in a plan (missing answers allowed: a draft may be partial)."""
    invalid: dict[str, str] = {}
    header, problems = check_part(load_form(HEADER_FORM), plan.get("header", {}), today)
    invalid.update({f"header.{k}": v for k, v in problems.items() if v != MISSING})
    out: dict[str, Any] = {"header": header}
    for key, form_name in ITEM_FORMS.items():
        items = plan.get(key, [])
        if not isinstance(items, list):
            raise InvalidInput(_("plan: {part} must be a list of items").format(part=key))
        form = load_form(form_name)
        cleaned = []
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise InvalidInput(
                    _("plan: {part} item {index} must be an object of answers").format(part=key, index=index)
                )
            clean, problems = check_part(form, item, today)
            invalid.update({f"{key}[{index}].{k}": v for k, v in problems.items() if v != MISSING})
            clean["id"] = str(item.get("id") or new_item_id())
            if item.get("need_ref"):
                clean["need_ref"] = str(item["need_ref"])
            cleaned.append(clean)
        out[key] = cleaned
    unknown = set(plan) - {"header", *ITEM_FORMS}
    for key in sorted(unknown):
        invalid[key] = _("unknown part of a plan (expected header, protection_needs, services, actions)")
    if invalid:
        raise InvalidAnswers("plan", invalid)
    return out


def missing(plan: dict, number: str, needs: list[dict], today: dt.date) -> list[str]:
    """What the plan still lacks, element by element, and assessed needs not yet taken up."""
    out: list[str] = []
    header_form = load_form(HEADER_FORM)
    _clean, problems = header_form.check(plan["header"], today, use_defaults=False)
    gaps = [k for k, v in problems.items() if v == MISSING]
    if "case_worker" in gaps:
        out.append(_(ELEMENTS[0]))
    if not number:
        out.append(_(ELEMENTS[1]))
    placement = [g for g in gaps if g in ("care_type", "provider", "location", "start_date")]
    if placement:
        out.append(f"{_(ELEMENTS[2])} ({', '.join(placement)})")
    for position, key in ((3, "protection_needs"), (4, "services"), (5, "actions")):
        form = load_form(ITEM_FORMS[key])
        items = plan[key]
        if not items and key != "actions":
            out.append(_("{element} (none yet)").format(element=_(ELEMENTS[position])))
        for index, item in enumerate(items, start=1):
            _clean, problems = check_part(form, item, today)
            lacking = [k for k, v in problems.items() if v == MISSING]
            if lacking:
                out.append(
                    _("{element}: item {index} lacks {fields}").format(
                        element=_(ELEMENTS[position]), index=index, fields=", ".join(lacking)
                    )
                )
    if "visit_every_days" in gaps:
        out.append(_(ELEMENTS[6]))
    participation = [g for g in gaps if g in ("child_took_part", "child_views", "child_agrees", "not_part_reason")]
    if participation:
        out.append(_("the child's participation ({fields})").format(fields=", ".join(participation)))
    taken = {item.get("need_ref") for key in ITEM_FORMS for item in plan[key]}
    for need in needs:
        if need["id"] not in taken and need["domain"] not in taken:
            out.append(
                _("assessed need not taken up: {domain} ({judgement})").format(
                    domain=need["domain"], judgement=need["judgement"]
                )
            )
    return out


def overdue(plan: dict, today: dt.date, done: set[str] | None = None) -> list[dict]:
    """Items whose date has passed (and that are not recorded as done)."""
    done = done or set()
    late = []
    for key, date_field in ITEM_DATE_FIELD.items():
        for item in plan[key]:
            when = item.get(date_field)
            if when and dt.date.fromisoformat(when) < today and item["id"] not in done:
                late.append(
                    {
                        "kind": ITEM_NAMES[key],
                        "id": item["id"],
                        "title": item.get(ITEM_TITLE_FIELD[key], ""),
                        "due": when,
                    }
                )
    return late


def ordered_services(services: list[dict]) -> list[dict]:
    """Urgent services first, then by date."""
    return sorted(services, key=lambda s: (not s.get("urgent"), s.get("by") or "9999"))


# --- Storage --------------------------------------------------------------------------------------


def versions(store: Store, number: str) -> list[dict]:
    rows = store.conn.execute(
        "SELECT version, status, saved_by, saved_at, activated_at FROM plans WHERE case_number = ? ORDER BY version",
        (number,),
    )
    return [dict(zip(("version", "status", "saved_by", "saved_at", "activated_at"), r, strict=False)) for r in rows]


def load(store: Store, number: str, version: int | None = None) -> dict | None:
    """A plan version (the latest by default) with its status, or None if the case has no plan."""
    sql = "SELECT version, status, data, saved_by, saved_at, activated_at FROM plans WHERE case_number = ?"
    params: list = [number]
    if version is None:
        sql += " ORDER BY version DESC LIMIT 1"
    else:
        sql += " AND version = ?"
        params.append(version)
    row = store.conn.execute(sql, params).fetchone()
    if row is None:
        if version is not None:
            raise InvalidInput(
                _("--version: {number} has no plan version {version}").format(number=number, version=version)
            )
        return None
    v, status, data, by, at, activated = row
    return {
        "version": v,
        "status": status,
        "data": json.loads(data),
        "saved_by": by,
        "saved_at": at,
        "activated_at": activated,
    }


def load_version(store: Store, number: str, version: int) -> dict:
    """One plan version, or InvalidInput naming the case and the version."""
    plan = load(store, number, version)
    assert plan is not None  # load() raises for a version that is not there
    return plan


def active(store: Store, number: str) -> dict | None:
    row = store.conn.execute(
        "SELECT version FROM plans WHERE case_number = ? AND status = 'active' ORDER BY version DESC LIMIT 1", (number,)
    ).fetchone()
    return load(store, number, row[0]) if row else None


def save(store: Store, text: str, plan: dict, today: dt.date, activate: bool = False) -> dict:
    """Save a new version of the plan (activating it if asked and complete); returns its summary."""
    from casecli.case.assessment import latest_needs

    number = resolve_open(store, text)
    clean = normalise(plan, today)
    lacking = missing(clean, number, latest_needs(store, number), today)
    if activate and lacking:
        raise PlanIncomplete(lacking)
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
    status = "active" if activate else "draft"
    now = utc_now()
    actor = store.profile()["name"]
    changes = diff(previous["data"] if previous else empty_plan(), clean)
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
    return {"case_number": number, "version": version, "status": status, "missing": lacking, "unchanged": False}


def index_items(store: Store, number: str, version: int, data: dict) -> None:
    """Write a plan version's items into plan_items, which the agenda reads instead of the JSON."""
    store.conn.executemany(
        "INSERT INTO plan_items (case_number, version, item_id, kind, title, due) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                number,
                version,
                item["id"],
                ITEM_NAMES[key],
                str(item.get(ITEM_TITLE_FIELD[key], "")),
                item.get(ITEM_DATE_FIELD[key]),
            )
            for key in ITEM_FORMS
            for item in data.get(key, [])
        ],
    )


def reindex_items(store: Store, number: str) -> None:
    """plan_items again from every stored version of the case's plan (after an import)."""
    store.conn.execute("DELETE FROM plan_items WHERE case_number = ?", (number,))
    for version, data in store.conn.execute(
        "SELECT version, data FROM plans WHERE case_number = ?", (number,)
    ).fetchall():
        index_items(store, number, version, json.loads(data))


def activate_latest(store: Store, text: str, today: dt.date) -> dict:
    from casecli.case.assessment import latest_needs

    number = resolve_open(store, text)
    latest = load(store, number)
    if latest is None:
        raise InvalidInput(
            _("{number} has no plan yet: create one with `casecli plan edit {number}`").format(number=number)
        )
    if latest["status"] == "active":
        return {"case_number": number, "version": latest["version"], "status": "active", "unchanged": True}
    lacking = missing(latest["data"], number, latest_needs(store, number), today)
    if lacking:
        raise PlanIncomplete(lacking)
    actor = store.profile()["name"]
    with store.transaction():
        store.conn.execute("UPDATE plans SET status = 'draft' WHERE case_number = ? AND status = 'active'", (number,))
        store.conn.execute(
            "UPDATE plans SET status = 'active', activated_at = ? WHERE case_number = ? AND version = ?",
            (today.isoformat(), number, latest["version"]),
        )
        append_event(
            store,
            number,
            actor,
            "plan",
            f"Plan version {latest['version']} activated",
            {"version": latest["version"], "status": "active"},
        )
    return {"case_number": number, "version": latest["version"], "status": "active", "unchanged": False}


def diff(old: dict, new: dict) -> dict:
    """What changed between two plan versions: header fields, and items added, removed, changed."""
    out: dict = {}
    header = {
        k: {"old": old["header"].get(k), "new": new["header"].get(k)}
        for k in sorted(set(old["header"]) | set(new["header"]))
        if old["header"].get(k) != new["header"].get(k)
    }
    if header:
        out["header"] = header
    for key in ITEM_FORMS:
        before = {i["id"]: i for i in old[key]}
        after = {i["id"]: i for i in new[key]}
        part: dict[str, Any] = {}
        added = [after[i] for i in after if i not in before]
        removed = [before[i] for i in before if i not in after]
        changed = {
            i: {
                k: {"old": before[i].get(k), "new": after[i].get(k)}
                for k in sorted(set(before[i]) | set(after[i]))
                if before[i].get(k) != after[i].get(k)
            }
            for i in after
            if i in before and before[i] != after[i]
        }
        order_changed = [i for i in after if i in before] != [i for i in before if i in after]
        if added:
            part["added"] = added
        if removed:
            part["removed"] = removed
        if changed:
            part["changed"] = changed
        if order_changed:
            part["reordered"] = list(after)
        if part:
            out[key] = part
    return out


def check(store: Store, text: str, today: dt.date) -> dict:
    from casecli.case.assessment import latest_needs

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
        "missing": missing(plan["data"], number, latest_needs(store, number), today),
        "overdue": overdue(plan["data"], today),
    }
