"""What a case conference and a BID panel share: their people (participants or panel members)
and follow-up actions checked against their forms, and the actions a plan takes up, each linked
back to the meeting that agreed it."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from casecli.forms import MISSING, load_form
from casecli.i18n import _
from casecli.store.db import Store

PARTICIPANT_FORM = "conference-participant"


ACTION_FORM = "plan-action"


MAX_PARTS = 100  # participants or actions of one conference


def each_once(people: list[dict]) -> list[dict]:
    """Each person once (by name and role, whatever the case), in the order first met; no empty values."""
    seen: set[tuple[str, str]] = set()
    out = []
    for person in people:
        key = (str(person.get("name", "")).strip().casefold(), str(person.get("role", "")).casefold())
        if key not in seen:
            seen.add(key)
            out.append({k: v for k, v in person.items() if v not in (None, "") and k != "id"})
    return out


def check_parts(
    participants: object,
    actions: object,
    today: dt.date,
    people: tuple[str, str] = ("participants", PARTICIPANT_FORM),
    as_stored: bool = False,
) -> tuple[list[dict], list[dict], dict[str, str]]:
    """Participants (or a panel's `people`: their key and form) and follow-up actions checked
    against their forms: (clean, clean, problems). `as_stored`: a record's parts (a bundle's), each
    value also as casecli stores it (forms/stored.py says why)."""
    from casecli.forms.stored import invalid

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
            answers = {k: v for k, v in item.items() if k != "id"}
            clean, item_problems = form.check(answers, today, use_defaults=False)
            if as_stored and not item_problems:
                item_problems = invalid(form, answers, today)
            problems.update({f"{key}[{index}].{k}": v for k, v in item_problems.items()})
            cleaned.append(clean)
        clean_lists.append(cleaned)
    if not problems and not clean_lists[0]:
        problems[people[0]] = MISSING
    return clean_lists[0], clean_lists[1], problems


def parts_problem(
    participants: object, actions: object, today: dt.date, people: tuple[str, str] = ("participants", PARTICIPANT_FORM)
) -> str | None:
    """For a bundle's conference (or panel): the parts that break their forms, or hold a value not as
    casecli stores it, or None."""
    _participants, _actions, problems = check_parts(participants, actions, today, people, as_stored=True)
    return ", ".join(sorted(problems))[:120] if problems else None


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
