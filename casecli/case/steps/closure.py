"""Closure and reopening. A closed case is read-only until it is reopened."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from casecli.case.file.history import append_event
from casecli.case.file.lookup import resolve, resolve_open
from casecli.errors import InvalidAnswers, InvalidInput
from casecli.i18n import _
from casecli.store.db import Store, utc_now


def closure_problems(store: Store, number: str, answers: dict) -> dict[str, str]:
    """A closure reason that does not fit the facts: 'reached adulthood' for a child not (nearly) 18,
    or whose disputed age no assessment settled (the presumption of minority)."""
    from casecli.case.child.age import dispute_of, majority_date, presumed
    from casecli.case.decisions.solutions import closure_refused
    from casecli.case.legal.incidents import closure_problem
    from casecli.store import settings

    unreported = closure_problem(store, number)
    if unreported:
        return {"reason": unreported}
    refused = closure_refused(store, number, answers.get("reason") or "")
    if refused:
        return {"reason": refused}
    if answers.get("reason") == "reunified":
        return _reunification_problems(store, number, answers)
    if answers.get("reason") != "reached_adulthood" or not answers.get("closed_on"):
        return {}
    registration, registered_on = store.conn.execute(
        "SELECT answers, registered_on FROM cases WHERE case_number = ?", (number,)
    ).fetchone()
    registration = json.loads(registration)
    majority = settings.get(store, "age.majority_years")
    margin = settings.get(store, "closure.adulthood_margin_days")
    closed_on = dt.date.fromisoformat(answers["closed_on"])
    born, estimate, counted_from, settled = presumed(
        registration.get("date_of_birth"),
        registration.get("age_estimate"),
        registration.get("identified_on") or registered_on,
        dispute_of(store, number),
    )
    if not settled:
        return {
            "reason": _(
                "reached_adulthood: the age is disputed and no age assessment settled it; the child is presumed"
                " the age they state (record the assessment with `casecli age-assessment {number}`)"
            ).format(number=number)
        }
    adult_on = majority_date(born, estimate, counted_from[:10], majority)
    if adult_on is None or closed_on >= dt.date.fromisoformat(adult_on) - dt.timedelta(days=margin):
        return {}
    # The message names the rule, never the child's age or birthday (error lines carry no child data).
    return {
        "reason": _(
            "reached_adulthood: the child is not {majority} on the closing date, nor within {margin} days of it"
            " (setting closure.adulthood_margin_days)"
        ).format(majority=majority, margin=margin)
    }


def open_at_closure(store: Store, number: str) -> list[dict]:
    """What is still open: plan items not done, and referrals with no outcome (pending or accepted)."""
    from casecli.case.file.progress import open_items
    from casecli.case.file.referrals import referrals_of

    items = [{"kind": item["kind"], "id": item["id"], "title": item["title"]} for item in open_items(store, number)]
    referrals = [
        {"kind": "referral", "id": r["ref"], "title": r["answers"].get("agency", "")}
        for r in referrals_of(store, number, dt.date.today())
        if r["status"] in ("pending", "accepted")
    ]
    return items + referrals


def _reunification_problems(store: Store, number: str, answers: dict) -> dict[str, str]:
    """A case closed as reunified: its reunification is recorded (after a verified family) and
    followed up: visits after it spanning `reunification.follow_up_days`, or the confirmation of
    the authority or agency that follows the child there."""
    from casecli.case.due.reunification import reunifications
    from casecli.i18n import format_date
    from casecli.store import settings

    done = reunifications(store, number)
    if not done:
        return {
            "reason": _(
                "reunified: no reunification is recorded; record it after verifying the family"
                " (`casecli tracing reunify {number}`)"
            ).format(number=number)
        }
    if not any(r["visited"] for r in done):
        return {
            "reason": _(
                "reunified: no follow-up visit after the reunification yet (`casecli visit add {number}`)"
            ).format(number=number)
        }
    need = settings.get(store, "reunification.follow_up_days")
    latest = done[-1]
    until = (dt.date.fromisoformat(latest["reunified_on"]) + dt.timedelta(days=need)).isoformat()
    if (latest["last_visit"] or "") >= until or str(answers.get("follow_up_confirmation") or "").strip():
        return {}
    return {
        "follow_up_confirmation": _(
            "reunified: the follow-up visits do not yet span {days} days after the reunification (setting"
            " reunification.follow_up_days): visit again on or after {date} (`casecli visit add {number}`), or record"
            " the confirmation of the authority or agency that follows the child there"
        ).format(days=need, date=format_date(until), number=number)
    }


def close_case(store: Store, text: str, answers: dict, acknowledged: bool = False, approved: bool = False) -> dict:
    """Close the case. What is still open must be acknowledged (it is recorded with the closure).

    Where the agency's closures need a supervisor's approval (and this is not the approved one),
    the checked closure is only requested: the case stays open, waiting for the decision."""
    number = resolve_open(store, text)
    problems = closure_problems(store, number, answers)
    if problems:
        raise InvalidAnswers("closure", problems)
    still_open = open_at_closure(store, number)
    if still_open and not acknowledged:
        raise InvalidInput(
            _(
                "close: still open: {items}; resolve each (plan item done, referral update) or acknowledge"
                " them with --acknowledge-open"
            ).format(items=", ".join(f"{item['kind']} {item['id']}" for item in still_open))
        )
    answers = {**answers, "open_at_closure": still_open} if still_open else answers
    from casecli.case.decisions import approvals

    if not approved and approvals.needed(store, "closure"):
        with store.transaction():
            waiting = approvals.wait_for(
                store,
                number,
                "closure",
                {"answers": answers},
                f"Closure requested ({answers['reason']}): awaiting approval",
            )
        return {"case_number": number, "awaiting_approval": True, "approval": waiting["uid"], **answers}
    actor = store.profile()["name"]
    uid = secrets.token_hex(8)
    with store.transaction():
        store.conn.execute(
            "INSERT INTO closures (uid, case_number, closed_on, reason, answers, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                number,
                answers["closed_on"],
                answers["reason"],
                json.dumps(answers, ensure_ascii=False, sort_keys=True),
                actor,
                utc_now(),
            ),
        )
        store.conn.execute(
            "UPDATE cases SET status = 'closed', updated_at = ? WHERE case_number = ?", (utc_now(), number)
        )
        append_event(
            store,
            number,
            actor,
            "closed",
            f"Case closed: {answers['reason']}",
            {
                "closure": uid,
                "reason": answers["reason"],
                "closed_on": answers["closed_on"],
                "open_at_closure": [f"{item['kind']} {item['id']}" for item in still_open],
            },
        )
    return {"case_number": number, "uid": uid, **answers}


def reopen_case(store: Store, text: str, reason: str, today: dt.date) -> str:
    number = resolve(store, text)
    if not reason.strip():
        raise InvalidInput(_("--reason: say why the case is reopened"))
    row = store.conn.execute(
        "SELECT c.status, (SELECT uid FROM closures WHERE case_number = c.case_number AND reopened_on IS NULL"
        " ORDER BY closed_on DESC, created_at DESC LIMIT 1) FROM cases c WHERE c.case_number = ?",
        (number,),
    ).fetchone()
    if row[0] != "closed":
        raise InvalidInput(_("{number} is not closed").format(number=number))
    actor = store.profile()["name"]
    with store.transaction():
        store.conn.execute(
            "UPDATE closures SET reopened_on = ?, reopen_reason = ?, reopened_by = ? WHERE uid = ?",
            (today.isoformat(), reason.strip(), actor, row[1]),
        )
        store.conn.execute(
            "UPDATE cases SET status = 'open', updated_at = ? WHERE case_number = ?", (utc_now(), number)
        )
        append_event(
            store,
            number,
            actor,
            "reopened",
            "Case reopened",
            {"closure": row[1], "reason": reason.strip(), "reopened_on": today.isoformat()},
        )
    return number


def closures_of(store: Store, number: str) -> list[dict]:
    rows = store.rows(
        "SELECT uid, closed_on, reason, answers, created_by AS closed_by, reopened_on, reopen_reason, reopened_by"
        " FROM closures WHERE case_number = ? ORDER BY closed_on, created_at",
        (number,),
    )
    return [{**row, "answers": json.loads(row["answers"])} for row in rows]
