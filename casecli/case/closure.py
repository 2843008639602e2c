"""Closure and reopening. A closed case is read-only until it is reopened."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from casecli.case.history import append_event
from casecli.case.lookup import resolve, resolve_open
from casecli.errors import InvalidInput
from casecli.i18n import _
from casecli.store.db import Store, utc_now


def close_case(store: Store, text: str, answers: dict) -> dict:
    number = resolve_open(store, text)
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
            {"closure": uid, "reason": answers["reason"], "closed_on": answers["closed_on"]},
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
    rows = store.conn.execute(
        "SELECT uid, closed_on, reason, answers, created_by, reopened_on, reopen_reason, reopened_by FROM closures"
        " WHERE case_number = ? ORDER BY closed_on, created_at",
        (number,),
    )
    keys = ("uid", "closed_on", "reason", "answers", "closed_by", "reopened_on", "reopen_reason", "reopened_by")
    return [{**dict(zip(keys, r, strict=False)), "answers": json.loads(r[3])} for r in rows]
