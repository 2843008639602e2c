"""Asylum and refugee claims, and the status each reached.

A claim is a record; each change of its status (a decision, an appeal, a withdrawal) is a record
pointing at it, and the claim's status is the latest of them (pending until one says otherwise).
A claim that is pending protects the child from return (non-refoulement: the 1951 Convention,
art. 33, and Mexico's Ley sobre Refugiados, Protección Complementaria y Asilo Político, art. 6):
`blocks_return` is what the steps that return a child ask.
"""

from __future__ import annotations

import json
import secrets

from casecli.case.file.history import append_event
from casecli.case.file.lookup import resolve, resolve_open
from casecli.case.legal import DATES, FORMS
from casecli.errors import InvalidInput
from casecli.i18n import _, n_
from casecli.store.db import Store, utc_now

STATUSES = ("pending", "recognised", "complementary_protection", "rejected_final", "withdrawn")
PROTECTED = ("recognised", "complementary_protection")  # the child may not be returned either


def claims_of(store: Store, number: str) -> list[dict]:
    """A case's claims, numbered from 1 in date order, each with its status records and its status."""
    rows = store.conn.execute(
        "SELECT uid, parent, kind, on_date, answers, created_by FROM legal WHERE case_number = ?"
        " AND kind IN ('asylum_claim', 'asylum_status') ORDER BY on_date, created_at, rowid",
        (number,),
    ).fetchall()
    claims = [
        {"number": 0, "uid": uid, "filed_on": on, "answers": json.loads(a), "by": by, "changes": []}
        for uid, parent, kind, on, a, by in rows
        if kind == "asylum_claim"
    ]
    by_uid = {c["uid"]: c for c in claims}
    for uid, parent, kind, on, a, by in rows:
        if kind == "asylum_status" and parent in by_uid:
            by_uid[parent]["changes"].append({"uid": uid, "on_date": on, "answers": json.loads(a), "by": by})
    for n, claim in enumerate(claims, start=1):
        claim["number"] = n
        latest = claim["changes"][-1]["answers"] if claim["changes"] else {}
        claim["status"] = latest.get("status", "pending")
        claim["status_on"] = latest.get("status_on", claim["filed_on"])
    return claims


def blocks_return(store: Store, number: str) -> dict | None:
    """The claim that forbids returning the child to the country of origin: one pending, or one
    that recognised the child (refugee or complementary protection); None when there is none."""
    return next((c for c in claims_of(store, number) if c["status"] == "pending" or c["status"] in PROTECTED), None)


def return_refused(store: Store, number: str, what: str) -> str | None:
    """The line refusing `what` (a return) while a claim protects the child, or None."""
    claim = blocks_return(store, number)
    if claim is None:
        return None
    if claim["status"] == "pending":
        return _(
            "{what}: non-refoulement: asylum claim {n} of {number} is pending; a child is not returned while"
            " a claim is pending (record its final decision with `casecli asylum status {number}`)"
        ).format(what=what, n=claim["number"], number=number)
    return _(
        "{what}: non-refoulement: asylum claim {n} of {number} recognised the child's need of protection;"
        " a recognised child is not returned"
    ).format(what=what, n=claim["number"], number=number)


def add_claim(store: Store, text: str, answers: dict) -> dict:
    number = resolve_open(store, text)
    return insert(store, number, None, "asylum_claim", answers, f"Asylum claim recorded ({answers['authority']})")


def the_claim(store: Store, text: str, which: int | None) -> tuple[str, dict]:
    """The case and one of its claims: number `which`, else the only one."""
    number = resolve(store, text)
    found = claims_of(store, number)
    if not found:
        raise InvalidInput(
            _("asylum: {number} has no asylum claim; record one with `casecli asylum add {number}`").format(
                number=number
            )
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


def status_problems(claim: dict, answers: dict) -> dict[str, str]:
    """A status dated before the claim was filed cannot be."""
    if answers.get("status_on") and answers["status_on"] < claim["filed_on"]:
        return {"status_on": _("on or after the date the claim was filed")}
    return {}


def add_status(store: Store, text: str, which: int | None, answers: dict) -> dict:
    from casecli.errors import InvalidAnswers

    number, claim = the_claim(store, text, which)
    resolve_open(store, number)
    problems = status_problems(claim, answers)
    if problems:
        raise InvalidAnswers(FORMS["asylum_status"], problems)
    saved = insert(
        store, number, claim["uid"], "asylum_status", answers, f"Asylum claim {claim['number']}: {answers['status']}"
    )
    return {**saved, "number": claim["number"], "status": answers["status"]}


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
