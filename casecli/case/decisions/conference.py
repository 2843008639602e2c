"""Case conferences: the multi-disciplinary team's meeting on a hard decision, recorded with the case.

A conference keeps its participants (name, role, agency), how the child took part and what the
child said, what was discussed, the decisions, and follow-up actions with an owner and a date.
Those actions become "other actions" of the next plan version, each linked back to the
conference (`conference_ref`), so the plan carries out what the team decided.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from casecli.case.decisions.panels import check_parts, each_once, with_actions
from casecli.case.file.history import append_event
from casecli.case.file.lookup import resolve, resolve_open
from casecli.errors import InvalidAnswers, InvalidInput
from casecli.i18n import _, n_
from casecli.store import settings
from casecli.store.db import Store, utc_now

FORM = "conference"


def record_conference(
    store: Store, text: str, answers: dict, participants: object, actions: object, today: dt.date
) -> dict:
    """Record a conference (its answers already checked against the conference form)."""
    number = resolve_open(store, text)
    participants, actions, problems = check_parts(participants, actions, today)
    if not problems:
        why = participants_problem(store, participants)
        if why:
            problems["participants"] = why
    if problems:
        raise InvalidAnswers(FORM, problems)
    for action in actions:
        action["id"] = secrets.token_hex(3)
    actor = store.profile()["name"]
    uid = secrets.token_hex(8)
    record = {**answers, "participants": participants, "actions": actions}
    with store.transaction():
        store.conn.execute(
            "INSERT INTO conferences (uid, case_number, held_on, kind, answers, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                number,
                answers["held_on"],
                answers["kind"],
                json.dumps(record, ensure_ascii=False),
                actor,
                utc_now(),
            ),
        )
        count = store.conn.execute("SELECT count(*) FROM conferences WHERE case_number = ?", (number,)).fetchone()[0]
        append_event(
            store,
            number,
            actor,
            "conference",
            f"Case conference {count} held ({answers['kind']}; {len(participants)} participants, {len(actions)} actions)",
            {"conference": uid, "held_on": answers["held_on"], "actions": [a["id"] for a in actions]},
        )
    return {"case_number": number, "uid": uid, "number": count, "actions": len(actions)}


def participants_problem(store: Store, participants: list[dict]) -> str | None:
    """A conference decides as a team: at least `conference.min_participants` people, of two
    different roles at least (a worker alone is not a conference)."""
    least = settings.get(store, "conference.min_participants")
    roles = {p.get("role") for p in participants}
    if len(participants) < least or (least > 1 and len(roles) < 2):
        return _("at least {count} participants, with two different roles among them").format(count=least)
    return None


def known_participants(store: Store, number: str) -> list[dict]:
    """The people the records already know for a conference on this case: the worker (as its case
    worker), the child, the caregiver registration named, and whoever took part in its earlier
    conferences; each once, as a participant's answers."""
    profile = store.profile()
    registration = json.loads(
        store.conn.execute("SELECT answers FROM cases WHERE case_number = ?", (number,)).fetchone()[0]
    )
    people: list[dict] = []
    if profile.get("name"):
        people.append({"name": profile["name"], "role": "case_worker", "agency": profile.get("agency")})
    if registration.get("name_first"):
        people.append({"name": registration["name_first"], "role": "child"})
    if registration.get("caregiver"):
        people.append({"name": registration["caregiver"], "role": "caregiver"})
    for meeting in reversed(conferences_of(store, number)):
        people += [p for p in meeting["answers"].get("participants", []) if isinstance(p, dict) and p.get("name")]
    return each_once(people)


def conferences_of(store: Store, number: str) -> list[dict]:
    """A case's conferences in the order they were held, numbered from 1."""
    rows = store.conn.execute(
        "SELECT uid, held_on, kind, answers, created_by FROM conferences WHERE case_number = ? ORDER BY held_on, created_at",
        (number,),
    ).fetchall()
    return [
        {"number": n, "uid": uid, "held_on": on, "kind": kind, "answers": json.loads(answers), "by": by}
        for n, (uid, on, kind, answers, by) in enumerate(rows, start=1)
    ]


def conference(store: Store, text: str, which: int) -> dict:
    number = resolve(store, text)
    found = conferences_of(store, number)
    if not 1 <= which <= len(found):
        raise InvalidInput(
            n_(
                "conference: {number} has {count} conference; expected a number from 1 to {count}",
                "conference: {number} has {count} conferences; expected a number from 1 to {count}",
                len(found),
            ).format(number=number, count=len(found))
        )
    return {"case_number": number, **found[which - 1]}


def ref_of(conference_uid: str, action_id: str) -> str:
    return f"{conference_uid}:{action_id}"


def with_conference_actions(store: Store, number: str, plan: dict) -> tuple[dict, int]:
    """The plan with every conference action it has not taken up yet added as an "other action"
    (linked to its conference); and how many were added."""
    sourced = [
        (ref_of(meeting["uid"], action["id"]), action)
        for meeting in conferences_of(store, number)
        for action in meeting["answers"].get("actions", [])
    ]
    return with_actions(store, number, plan, "conference_ref", sourced)
