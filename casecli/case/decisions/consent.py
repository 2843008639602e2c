"""Consent and assent as records of their own: who gave it, for what, at what age, and its withdrawal.

The age rules follow the IRC/UNICEF practice for children (thresholds are agency settings):
under `consent.caregiver_only_under_age` (6) a parent, caregiver or guardian consents; from there to
`consent.informed_from_age` (15) the child assents together with an adult's consent (or, for a child
with no guardian, a best-interests decision); from then on the child gives informed consent. A
best-interests decision, with its reason, stands in when nobody can consent. The consent in force
is the latest record; when it is withdrawn, nothing new is shared until a new consent is recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from casecli.case.child.age import age_at, dispute_of, dispute_of_answers, presumed_answers
from casecli.case.file.history import append_event
from casecli.case.file.lookup import resolve, resolve_open
from casecli.errors import InvalidAnswers, InvalidInput
from casecli.forms import MISSING
from casecli.i18n import _
from casecli.store import settings
from casecli.store.db import Store, utc_now

# The registration answers a consent record is made of (the same ids in both forms).
FIELDS = ("child_informed", "consent", "assent_with", "consent_reason", "share_with", "withhold_notes")
ADULTS = ("caregiver_consent", "guardian_consent")


def rule_problems(store: Store, answers: dict, age: int | None) -> dict[str, str]:
    """What the age rules refuse in a consent (registration's or a record's), by field."""
    if not answers.get("consent"):
        return {}
    given, with_ = answers["consent"], answers.get("assent_with")
    problems: dict[str, str] = {}
    if best_interests(answers) and not (answers.get("consent_reason") or "").strip():
        problems["consent_reason"] = MISSING  # a best-interests decision records why, and who took it
    if age is None:
        return problems
    young = settings.get(store, "consent.caregiver_only_under_age")
    informed = settings.get(store, "consent.informed_from_age")
    if age < young and given in ("child_consent", "child_assent"):
        problems["consent"] = _(
            "the child is under {young} on that day: a parent, caregiver or guardian consents, not the child"
        ).format(young=young)
    elif young <= age < informed and given == "child_consent":
        problems["consent"] = _(
            "the child is under {informed} on that day: choose «{assent}»; informed consent from {informed}"
        ).format(informed=informed, assent=_choice("child_assent"))
    elif young <= age < informed and given in ADULTS:
        problems["consent"] = _(
            "the child is {young} or older on that day: the child's own assent is needed too (choose «{assent}»)"
        ).format(young=young, assent=_choice("child_assent"))
    elif age >= informed and given in ("child_assent", *ADULTS):
        problems["consent"] = _(
            "the child is {informed} or older on that day: choose «{consent}»; an adult's consent or an assent"
            " is not enough"
        ).format(informed=informed, consent=_choice("child_consent"))
    if given == "child_assent" and not with_ and "consent" not in problems:
        problems["assent_with"] = _(
            "an assent goes with a caregiver's or guardian's consent, or a best-interests decision"
        )
    return problems


def _choice(value: str) -> str:
    """A consent's choice as the worker reads it at the question (the thresholds themselves are
    agency settings, named in docs/rules.md)."""
    from casecli import i18n
    from casecli.forms import load_form
    from casecli.forms.labels import display_value

    return display_value(load_form("registration").field("consent"), value, i18n.current)


def best_interests(answers: dict) -> bool:
    return answers.get("consent") == "best_interests" or answers.get("assent_with") == "best_interests"


def registration_problems(store: Store, answers: dict) -> dict[str, str]:
    identified = answers.get("identified_on")
    presumed = presumed_answers(answers, dispute_of_answers(answers))
    age = age_at(presumed, dt.date.fromisoformat(identified)) if identified else None
    return rule_problems(store, answers, age)


def _registration(store: Store, number: str) -> dict:
    """The registration's answers as the age rules read them (the presumption of minority applied)."""
    answers = json.loads(store.conn.execute("SELECT answers FROM cases WHERE case_number = ?", (number,)).fetchone()[0])
    return presumed_answers(answers, dispute_of(store, number))


def record_problems(store: Store, number: str, answers: dict) -> dict[str, str]:
    given_on = answers.get("given_on")
    age = age_at(_registration(store, number), dt.date.fromisoformat(given_on)) if given_on else None
    return rule_problems(store, answers, age)


def insert_consent(store: Store, number: str, answers: dict, actor: str, age: int | None) -> str:
    """Write one consent record; call inside a write transaction."""
    uid = secrets.token_hex(8)
    store.conn.execute(
        "INSERT INTO consents (uid, case_number, given_on, status, child_age, answers, created_by, created_at)"
        " VALUES (?, ?, ?, 'active', ?, ?, ?, ?)",
        (
            uid,
            number,
            answers["given_on"],
            age,
            json.dumps(answers, ensure_ascii=False, sort_keys=True),
            actor,
            utc_now(),
        ),
    )
    return uid


def from_registration(answers: dict, registered_on: str, worker: str) -> dict | None:
    """The consent record a registration's answers make (None when a quick one has none yet)."""
    if not answers.get("consent"):
        return None
    return {
        "given_on": answers.get("identified_on") or registered_on,
        "obtained_by": worker,
        **{k: answers[k] for k in FIELDS if k in answers},
    }


def record_consent(store: Store, text: str, answers: dict) -> dict:
    """A new consent (it becomes the one in force); refused when the age rules do not allow it."""
    number = resolve_open(store, text)
    problems = record_problems(store, number, answers)
    if problems:
        raise InvalidAnswers("consent", problems)
    age = age_at(_registration(store, number), dt.date.fromisoformat(answers["given_on"]))
    actor = store.profile()["name"]
    with store.transaction():
        uid = insert_consent(store, number, answers, actor, age)
        append_event(
            store,
            number,
            actor,
            "consent",
            f"Consent recorded ({answers['consent']}; scope: {', '.join(answers.get('share_with', []))})",
            {"consent": uid, "given_on": answers["given_on"], "scope": answers.get("share_with", [])},
        )
        from casecli.case.due import lifecycle

        lifecycle.refresh(store, number)
    return {"case_number": number, "uid": uid, **answers}


def withdraw(store: Store, text: str, reason: str, on: dt.date) -> dict:
    """The child (or the adult who consented) withdraws the consent in force: no new sharing."""
    number = resolve_open(store, text)
    if not reason.strip():
        raise InvalidInput(_("--reason: say why the consent is withdrawn (as the child said it)"))
    current = in_force(store, number)
    if current is None or current["status"] != "active":
        raise InvalidInput(_("{number} has no consent in force to withdraw").format(number=number))
    actor = store.profile()["name"]
    with store.transaction():
        store.conn.execute(
            "UPDATE consents SET status = 'withdrawn', withdrawn_on = ?, withdraw_reason = ? WHERE uid = ?",
            (on.isoformat(), reason.strip(), current["uid"]),
        )
        append_event(
            store,
            number,
            actor,
            "consent withdrawn",
            "Consent withdrawn: no new sharing",
            {"consent": current["uid"], "withdrawn_on": on.isoformat(), "reason": reason.strip()},
        )
        from casecli.case.due import lifecycle

        lifecycle.refresh(store, number)
    return {"case_number": number, "uid": current["uid"], "withdrawn_on": on.isoformat()}


KEYS = ("uid", "given_on", "status", "withdrawn_on", "withdraw_reason", "child_age", "answers", "created_by")


def consents_of(store: Store, number: str) -> list[dict]:
    rows = store.rows(
        f"SELECT {', '.join(KEYS)} FROM consents WHERE case_number = ? ORDER BY given_on, created_at", (number,)
    )
    records = [{**row, "answers": json.loads(row["answers"])} for row in rows]
    registration = None
    for record in records:
        if record["child_age"] is None:  # a consent carried over from a registration by migration 13
            registration = registration or _registration(store, number)
            record["child_age"] = age_at(registration, dt.date.fromisoformat(record["given_on"]))
    return records


def in_force(store: Store, number: str, on: str | None = None) -> dict | None:
    """The consent in force (on a day): the latest given by then; withdrawn if it was withdrawn by then."""
    return in_force_among(consents_of(store, number), on)


def in_force_among(records: list[dict], on: str | None = None) -> dict | None:
    """`in_force` over records already read (`consents_of`), for callers that ask of many days."""
    found = None
    for record in records:
        if on is None or record["given_on"] <= on:
            found = record
    if found and on is not None and found["status"] == "withdrawn" and (found["withdrawn_on"] or "") > on:
        found = {**found, "status": "active"}  # withdrawn later than that day
    return found


def sharing_problem(store: Store, number: str, scope: list[str]) -> str | None:
    """Why sharing with `scope` is outside the consent in force, or None when it is within it."""
    current = in_force(store, number)
    if current is None:
        return _("no consent is recorded for {number}: record one with `casecli consent new {number}`").format(
            number=number
        )
    if current["status"] == "withdrawn":
        return _("the consent was withdrawn on {date}: nothing new is shared until a new consent is recorded").format(
            date=current["withdrawn_on"]
        )
    allowed = set(current["answers"].get("share_with", []))
    outside = [s for s in scope if s not in allowed]
    if outside:
        return _("outside the consent's scope: {outside} (the consent allows {allowed})").format(
            outside=", ".join(outside), allowed=", ".join(sorted(allowed)) or "—"
        )
    return None


def show(store: Store, text: str) -> dict:
    number = resolve(store, text)
    records = consents_of(store, number)
    return {"case_number": number, "in_force": in_force_among(records), "consents": records}
