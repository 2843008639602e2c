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

from casecli.case.history import append_event
from casecli.case.lookup import resolve, resolve_open
from casecli.errors import InvalidAnswers, InvalidInput
from casecli.forms import MISSING, load_form
from casecli.i18n import _
from casecli.store.db import Store, utc_now

FORM = "conference"
PARTICIPANT_FORM = "conference-participant"
ACTION_FORM = "plan-action"
MAX_PARTS = 100  # participants or actions of one conference


def check_parts(
    participants, actions, today: dt.date, people: tuple[str, str] = ("participants", PARTICIPANT_FORM)
) -> tuple[list[dict], list[dict], dict[str, str]]:
    """Participants (or a panel's `people`: their key and form) and follow-up actions checked
    against their forms: (clean, clean, problems)."""
    problems: dict[str, str] = {}
    clean_lists: list[list[dict]] = []
    for key, given, form_name in ((people[0], participants, people[1]), ("actions", actions, ACTION_FORM)):
        given = [] if given is None else given
        if not isinstance(given, list) or len(given) > MAX_PARTS or not all(isinstance(g, dict) for g in given):
            problems[key] = _("expected a list of at most {count} objects of answers").format(count=MAX_PARTS)
            clean_lists.append([])
            continue
        form = load_form(form_name)
        cleaned = []
        for index, item in enumerate(given, start=1):
            clean, item_problems = form.check({k: v for k, v in item.items() if k != "id"}, today, use_defaults=False)
            problems.update({f"{key}[{index}].{k}": v for k, v in item_problems.items()})
            cleaned.append(clean)
        clean_lists.append(cleaned)
    if not problems and not clean_lists[0]:
        problems[people[0]] = MISSING
    return clean_lists[0], clean_lists[1], problems


def parts_problem(
    participants, actions, today: dt.date, people: tuple[str, str] = ("participants", PARTICIPANT_FORM)
) -> str | None:
    """For a bundle's conference (or panel): the first part that breaks its form, or None."""
    _participants, _actions, problems = check_parts(participants, actions, today, people)
    return ", ".join(sorted(problems))[:120] if problems else None


def record_conference(store: Store, text: str, answers: dict, participants, actions, today: dt.date) -> dict:
    """Record a conference (its answers already checked against the conference form)."""
    number = resolve_open(store, text)
    participants, actions, problems = check_parts(participants, actions, today)
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
            _("conference: {number} has {count} conference(s); expected a number from 1 to {count}").format(
                number=number, count=len(found)
            )
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


def with_actions(store: Store, number: str, plan: dict, key: str, sourced: list[tuple[str, dict]]) -> tuple[dict, int]:
    """The plan with each of `sourced` (reference, action) it has not taken up yet added as an
    "other action" linked by `key`; and how many were added. A plan version that once held an
    action keeps it taken up: removing it later is the worker's decision, not undone here."""
    taken = {
        item.get(key)
        for (data,) in store.conn.execute("SELECT data FROM plans WHERE case_number = ?", (number,))
        for item in json.loads(data).get("actions", [])
    } | {item.get(key) for item in plan.get("actions", [])}
    added = [
        {**{k: v for k, v in action.items() if k != "id"}, "id": secrets.token_hex(3), key: ref}
        for ref, action in sourced
        if ref not in taken
    ]
    if not added:
        return plan, 0
    return {**plan, "actions": [*plan.get("actions", []), *added]}, len(added)
