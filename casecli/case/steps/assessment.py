"""Assessments: initial, then comprehensive; dated, kept, and turned into needs for the plan.

Each domain of an assessment form ends with the worker's judgement (no action, monitor,
intervention, urgent). A domain judged to need intervention, or urgent, becomes a need the plan
can take up; the form data says which fields play those roles, so forms can change freely.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from casecli.case.file.assessments import assessments_of, form_for, needs_from
from casecli.case.file.history import append_event
from casecli.case.file.lookup import resolve_open
from casecli.case.file.risk import rerate
from casecli.store.db import Store, utc_now


def record_assessment(store: Store, text: str, kind: str, answers: dict, today: dt.date) -> dict:
    """Save a validated assessment; re-rate the case's risk from it. Returns the saved assessment."""
    number = resolve_open(store, text)
    form = form_for(kind)
    risk_before = store.conn.execute("SELECT risk FROM cases WHERE case_number = ?", (number,)).fetchone()[0]
    risk_after = answers["risk_level"]
    uid = secrets.token_hex(8)
    actor = store.profile()["name"]
    row = {
        "uid": uid,
        "case_number": number,
        "kind": kind,
        "form_version": form.version,
        "assessed_on": answers["assessed_on"],
        "answers": json.dumps(answers, ensure_ascii=False, sort_keys=True),
        "risk_before": risk_before,
        "risk_after": risk_after,
        "created_by": actor,
        "created_at": utc_now(),
    }
    needs = needs_from(form, answers, uid)
    with store.transaction():
        store.conn.execute(
            f"INSERT INTO assessments ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row
        )
        append_event(
            store,
            number,
            actor,
            "assessed",
            f"{kind.capitalize()} assessment recorded",
            {"assessment": uid, "kind": kind, "needs": [n["domain"] for n in needs]},
        )
        rerate(store, number, actor, risk_before, risk_after, answers.get("risk_reason", ""), {"assessment": uid})
    return {**row, "answers": answers, "needs": needs}


def starting_answers(store: Store, number: str) -> dict:
    """The latest initial assessment's answers to the questions the comprehensive one asks too
    (same ids, same meaning): where the comprehensive assessment starts. Its date and risk are the
    new assessment's own."""
    initial = next((a for a in assessments_of(store, number) if a["kind"] == "initial"), None)
    if initial is None:
        return {}
    asked = {f.id for f in form_for("comprehensive").fields}
    return {k: v for k, v in initial["answers"].items() if k in asked and k not in ("assessed_on", "risk_level")}
