"""The assessments as stored, and the needs they found: each assessed domain judged to need
intervention (or urgent intervention) becomes a need a plan must take up. Written by the
assessment step, read by the plan, the documents and the views."""

from __future__ import annotations

import json

from casecli.forms import Form, load_form
from casecli.store.db import Store

KINDS = {"initial": "assessment-initial", "comprehensive": "assessment-comprehensive"}


ACTION_JUDGEMENTS = ("intervention", "urgent")


def form_for(kind: str) -> Form:
    return load_form(KINDS[kind])


def needs_from(form: Form, answers: dict, uid: str = "") -> list[dict]:
    """The needs an assessment found: every domain judged to need intervention or urgent action."""
    needs = []
    for section in form.sections:
        domain = section.get("domain")
        if not domain:
            continue
        roles = {f.get("role"): f["id"] for f in section["fields"] if f.get("role")}
        judgement = answers.get(roles.get("judgement", ""))
        if judgement in ACTION_JUDGEMENTS:
            needs.append(
                {
                    "id": f"{uid}:{domain}" if uid else domain,
                    "domain": domain,
                    "title": section["title"],
                    "judgement": judgement,
                    "description": answers.get(roles.get("need", ""), ""),
                    # the kind of service the domain calls for (the form says, where it is clear)
                    "service_type": section.get("service_type"),
                }
            )
    needs.sort(key=lambda n: n["judgement"] != "urgent")  # urgent needs first
    return needs


def assessments_of(store: Store, number: str) -> list[dict]:
    """Every assessment of a case, newest first, each with the needs it found."""
    rows = store.rows(
        "SELECT uid, kind, form_version, assessed_on, answers, risk_before, risk_after, created_by, created_at"
        " FROM assessments WHERE case_number = ? ORDER BY assessed_on DESC, created_at DESC",
        (number,),
    )
    out = []
    for row in rows:
        answers = json.loads(row["answers"])
        out.append({**row, "answers": answers, "needs": needs_from(form_for(row["kind"]), answers, row["uid"])})
    return out


def latest_needs(store: Store, number: str) -> list[dict]:
    found = assessments_of(store, number)
    return found[0]["needs"] if found else []
