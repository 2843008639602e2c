"""Asylum: the child's claim for refugee status and the steps of its procedure.

A claim is a record (the child's entry into the country, their wish to seek asylum and how they
were heard, the legal representative); each step of the procedure is a record pointing at it:
filed, an interview, the decision, an appeal (recurso de revisión) and its decision, the negative
decision become final, a withdrawal, a document issued (with its expiry). The claim's status is
derived from its steps, never typed. Mexico's Ley sobre Refugiados, Protección Complementaria y
Asilo Político: filing within 30 working days of entry, a decision within 45 working days of
filing, an appeal within 15 working days of a negative decision (case/due/asylum_due.py makes
those due, counted with the agency's country's holidays).

A child who wishes to seek asylum is protected from return (non-refoulement: the 1951 Convention,
art. 33, and art. 6 of that law) from the wish until the claim ends: before filing, while pending,
in appeal or while an appeal is still possible, and once recognised. `blocks_return` is what the
steps that would return a child ask.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from casecli.case.file.history import append_event
from casecli.case.file.lookup import resolve, resolve_open
from casecli.case.legal import DATES, FORMS
from casecli.errors import InvalidAnswers, InvalidInput
from casecli.i18n import _, n_
from casecli.store.db import Store, utc_now

# The statuses a claim passes through, derived from its steps.
STATUSES = (
    "not_sought",  # the child was heard and does not wish to seek asylum
    "intended",  # the child wishes to; not filed yet
    "filed",  # filed, no decision yet
    "rejected",  # a negative decision that can still be appealed
    "in_appeal",
    "recognised",
    "complementary_protection",
    "rejected_final",
    "withdrawn",
)
PROTECTING = ("intended", "filed", "rejected", "in_appeal", "recognised", "complementary_protection")
PENDING = ("intended", "filed", "rejected", "in_appeal")


def status_words(status: str) -> str:
    """A claim's status (case.legal.asylum.STATUSES) in the worker's words."""
    return {
        "not_sought": _("not sought (the child does not wish to)"),
        "intended": _("the child wishes to seek asylum; not filed yet"),
        "filed": _("filed, awaiting the decision"),
        "rejected": _("rejected; an appeal is still possible"),
        "in_appeal": _("in appeal"),
        "recognised": _("recognised as a refugee"),
        "complementary_protection": _("complementary protection"),
        "rejected_final": _("rejected for good"),
        "withdrawn": _("withdrawn"),
    }.get(status, status)


def status_of(claim_answers: dict, steps: list[dict]) -> tuple[str, str | None]:
    """(status, the day it began) from the claim and its steps in date order."""
    if not claim_answers.get("wants_asylum"):
        return "not_sought", None
    status, since = "intended", None
    for step in steps:
        a, on = step["answers"], step["on_date"]
        kind = a.get("step")
        if kind == "filed" and status == "intended":
            status, since = "filed", on
        elif kind in ("decision", "appeal_decision"):
            status, since = a.get("outcome") or status, on
        elif kind == "appeal_filed" and status == "rejected":
            status, since = "in_appeal", on
        elif kind == "final" and status == "rejected":
            status, since = "rejected_final", on
        elif kind == "withdrawn":
            status, since = "withdrawn", on
    return status, since


def claims_of(store: Store, number: str) -> list[dict]:
    """A case's claims, numbered from 1 in date order, each with its steps, status and documents."""
    rows = store.conn.execute(
        "SELECT uid, parent, kind, on_date, answers, created_by FROM legal WHERE case_number = ?"
        " AND kind IN ('asylum_claim', 'asylum_step') ORDER BY on_date, created_at, rowid",
        (number,),
    ).fetchall()
    claims = [
        {"number": 0, "uid": uid, "entered_on": on, "answers": json.loads(a), "by": by, "steps": []}
        for uid, parent, kind, on, a, by in rows
        if kind == "asylum_claim"
    ]
    by_uid = {c["uid"]: c for c in claims}
    for uid, parent, kind, on, a, by in rows:
        if kind == "asylum_step" and parent in by_uid:
            by_uid[parent]["steps"].append({"uid": uid, "on_date": on, "answers": json.loads(a), "by": by})
    for n, claim in enumerate(claims, start=1):
        claim["number"] = n
        claim["status"], claim["since"] = status_of(claim["answers"], claim["steps"])
        filed = [s["on_date"] for s in claim["steps"] if s["answers"].get("step") == "filed"]
        claim["filed_on"] = filed[0] if filed else None
    return claims


def blocks_return(store: Store, number: str) -> dict | None:
    """The claim that forbids returning the child: one the child wishes to make or has made and
    that has not ended, or one that recognised the child; None when there is none."""
    return next((c for c in claims_of(store, number) if c["status"] in PROTECTING), None)


def return_refused(store: Store, number: str, what: str) -> str | None:
    """The line refusing `what` (a return) while a claim protects the child, or None."""
    claim = blocks_return(store, number)
    if claim is None:
        return None
    if claim["status"] in PENDING:
        return _(
            "{what}: non-refoulement: asylum claim {n} of {number} has not ended; a child is not returned while"
            " their claim is pending (record its final step with `casecli asylum step {number}`)"
        ).format(what=what, n=claim["number"], number=number)
    return _(
        "{what}: non-refoulement: asylum claim {n} of {number} recognised the child's need of protection;"
        " a recognised child is not returned"
    ).format(what=what, n=claim["number"], number=number)


def add_claim(store: Store, text: str, answers: dict) -> dict:
    number = resolve_open(store, text)
    summary = "Asylum: the child wishes to seek asylum" if answers.get("wants_asylum") else "Asylum: not sought"
    saved = insert(store, number, None, "asylum_claim", answers, summary)
    # its number in `asylum list` (date order: a claim entered earlier than another comes first)
    return {**saved, "number": next(c["number"] for c in claims_of(store, number) if c["uid"] == saved["uid"])}


def the_claim(store: Store, text: str, which: int | None) -> tuple[str, dict]:
    """The case and one of its claims: number `which`, else the only one."""
    number = resolve(store, text)
    found = claims_of(store, number)
    if not found:
        raise InvalidInput(
            _("asylum: {number} has no asylum claim; record one with `casecli asylum {number}`").format(number=number)
        )
    if which is None:
        if len(found) == 1:
            return number, found[0]
        raise InvalidInput(
            _("--claim: {number} has {count} asylum claims; say which with --claim N").format(
                number=number, count=len(found)
            )
        )
    if not 1 <= which <= len(found):
        raise InvalidInput(
            n_(
                "--claim: {number} has {count} asylum claim; expected a number from 1 to {count}",
                "--claim: {number} has {count} asylum claims; expected a number from 1 to {count}",
                len(found),
            ).format(number=number, count=len(found))
        )
    return number, found[which - 1]


# The steps that may follow each status (a step out of order is refused before it is recorded).
ALLOWED = {
    "filed": ("intended",),
    "decision": ("filed",),
    "appeal_filed": ("rejected",),
    "appeal_decision": ("in_appeal",),
    "final": ("rejected",),
    "withdrawn": ("intended", "filed", "rejected", "in_appeal"),
}


def step_problems(claim: dict, answers: dict, today: dt.date) -> dict[str, str]:
    """A step that does not fit where the claim is, or dated before the entry (only an interview
    may be in the future: a scheduled one)."""
    kind, on = answers.get("step"), answers.get("step_on")
    allowed = ALLOWED.get(str(kind))
    if allowed is not None and claim["status"] not in allowed:
        return {"step": _("a step that does not follow where the claim is (see `casecli asylum list`)")}
    if on and on < claim["entered_on"]:
        return {"step_on": _("on or after the child's entry into the country")}
    if on and kind != "interview" and on > today.isoformat():
        return {"step_on": _("not in the future (only an interview may be scheduled)")}
    return {}


def add_step(store: Store, text: str, which: int | None, answers: dict, today: dt.date) -> dict:
    number, claim = the_claim(store, text, which)
    resolve_open(store, number)
    problems = step_problems(claim, answers, today)
    if problems:
        raise InvalidAnswers(FORMS["asylum_step"], problems)
    saved = insert(
        store, number, claim["uid"], "asylum_step", answers, f"Asylum claim {claim['number']}: {answers['step']}"
    )
    status, _since = status_of(claim["answers"], [*claim["steps"], {"answers": answers, "on_date": answers["step_on"]}])
    return {**saved, "number": claim["number"], "status": status}


def insert(store: Store, number: str, parent: str | None, kind: str, answers: dict, summary: str) -> dict:
    """Write a legal record and its event (which refreshes what the case has due)."""
    actor, uid = store.profile()["name"], secrets.token_hex(8)
    with store.transaction():
        store.conn.execute(
            "INSERT INTO legal (uid, case_number, parent, kind, on_date, answers, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                number,
                parent,
                kind,
                answers[DATES[kind]],
                json.dumps(answers, ensure_ascii=False),
                actor,
                utc_now(),
            ),
        )
        append_event(store, number, actor, kind, summary, {"legal": uid, "kind": kind, "claim": parent})
        count = store.conn.execute(
            "SELECT count(*) FROM legal WHERE case_number = ? AND kind = ?", (number, kind)
        ).fetchone()[0]
    return {"case_number": number, "uid": uid, "number": count}
