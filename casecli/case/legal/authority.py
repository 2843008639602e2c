"""The child-protection authority's step: its notification, and the plan for the restitution of
rights it issues (Mexico's Ley General de los Derechos de Niñas, Niños y Adolescentes, arts. 122-123;
Ley de Migración as reformed in 2020: the migration authority notifies the Procuraduría de
Protección at once, which determines the child's best interests and issues the plan).

The notification is due `authority.notify_days` after the identification (a registration that
answered it was notified, with its date, counts as one); the restitution plan
`authority.restitution_days` after the first notification (case/due/authority_due.py). Each
measure of the latest restitution plan is taken up by a plan action (it joins the next plan
version, linked by `restitution_ref`) or marked as carried by another, with whom; a plan is not
activated until every measure is one or the other.
"""

from __future__ import annotations

import json

from casecli.case.file.lookup import resolve, resolve_open
from casecli.case.legal.asylum import insert
from casecli.errors import InvalidAnswers, InvalidInput
from casecli.i18n import _
from casecli.store.db import Store


def measures_in(text: object) -> list[str]:
    """The measures of a restitution plan: its lines, numbered from 1 (blank lines are not measures)."""
    return [line.strip(" -•\t") for line in str(text or "").splitlines() if line.strip(" -•\t")]


def authority_of(store: Store, number: str) -> dict:
    """The case's notifications, restitution plans (the latest counts), and the measures marked as another's."""
    rows = store.conn.execute(
        "SELECT uid, parent, kind, on_date, answers, created_by FROM legal WHERE case_number = ?"
        " AND kind IN ('authority_notification', 'restitution_plan', 'restitution_elsewhere')"
        " ORDER BY on_date, created_at, rowid",
        (number,),
    ).fetchall()
    record: dict[str, list[dict]] = {"notifications": [], "restitution_plans": []}
    plans: dict[str, dict] = {}
    for uid, parent, kind, on, a, by in rows:
        answers = json.loads(a)
        if kind == "authority_notification":
            record["notifications"].append({"uid": uid, "on_date": on, "answers": answers, "by": by})
        elif kind == "restitution_plan":
            plan = {"uid": uid, "on_date": on, "answers": answers, "by": by, "measures": [], "elsewhere": {}}
            plan["measures"] = measures_in(answers.get("measures"))
            plans[uid] = plan
            record["restitution_plans"].append(plan)
        elif kind == "restitution_elsewhere" and parent in plans:
            plans[parent]["elsewhere"][int(answers["measure"])] = answers
    return record


def add_notification(store: Store, text: str, answers: dict) -> dict:
    number = resolve_open(store, text)
    return insert(
        store, number, None, "authority_notification", answers, f"Authority notified ({answers['authority']})"
    )


def add_restitution_plan(store: Store, text: str, answers: dict) -> dict:
    number = resolve_open(store, text)
    if not measures_in(answers.get("measures")):
        raise InvalidAnswers("restitution-plan", {"measures": _("at least one measure, one per line")})
    saved = insert(store, number, None, "restitution_plan", answers, "Restitution plan received")
    return {**saved, "measures": len(measures_in(answers.get("measures")))}


def latest_plan(store: Store, number: str) -> dict | None:
    plans = authority_of(store, number)["restitution_plans"]
    return plans[-1] if plans else None


def mark_elsewhere(store: Store, text: str, answers: dict) -> dict:
    number = resolve_open(store, text)
    plan = latest_plan(store, number)
    if plan is None:
        raise InvalidInput(
            _(
                "authority measure: {number} has no restitution plan; record it with `casecli authority plan {number}`"
            ).format(number=number)
        )
    if not 1 <= int(answers["measure"]) <= len(plan["measures"]):
        raise InvalidAnswers(
            "restitution-elsewhere",
            {"measure": _("a number from 1 to {count}").format(count=len(plan["measures"]))},
        )
    saved = insert(
        store, number, plan["uid"], "restitution_elsewhere", answers, "Restitution measure carried by another"
    )
    return {**saved, "measure": int(answers["measure"])}


def sourced_measures(store: Store, number: str) -> list[tuple[str, dict]]:
    """The measures of the latest restitution plan the agency carries, as plan actions to take up
    (reference `PLAN-UID:N`)."""
    plan = latest_plan(store, number)
    if plan is None:
        return []
    return [
        (f"{plan['uid']}:{n}", {"action": measure})
        for n, measure in enumerate(plan["measures"], start=1)
        if n not in plan["elsewhere"]
    ]


def activation_problem(store: Store, number: str, data: dict) -> str | None:
    """The line refusing a plan's activation while a measure of the restitution plan is neither a
    plan action nor carried by another."""
    taken = {
        item.get("restitution_ref") for key in ("protection_needs", "services", "actions") for item in data.get(key, [])
    }
    missing = [ref.rsplit(":", 1)[1] for ref, _action in sourced_measures(store, number) if ref not in taken]
    if not missing:
        return None
    return _(
        "plan activate: the restitution plan's measures {measures} are not taken up by a plan action nor marked as"
        " carried by another (`casecli plan edit {number}` takes them up; `casecli authority measure {number}`)"
    ).format(measures=", ".join(missing), number=number)


def notified_on(store: Store, number: str) -> str | None:
    """The first notification's date: a recorded one, or the registration's answer."""
    found = authority_of(store, number)["notifications"]
    dates = [n["on_date"] for n in found]
    registration = json.loads(
        store.conn.execute("SELECT answers FROM cases WHERE case_number = ?", (resolve(store, number),)).fetchone()[0]
    )
    if registration.get("authority_notified") and registration.get("authority_notified_on"):
        dates.append(registration["authority_notified_on"])
    return min(dates) if dates else None
