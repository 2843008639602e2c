"""Incidents: violations of the child's rights, and their report to the competent authority.

Everyone who learns of a violation of a child's rights reports it at once (Mexico's Ley General
de los Derechos de Niñas, Niños y Adolescentes, art. 12). An incident raises the case's risk to
at least medium (high while the child is still at risk). One of a type the agency lists as
reportable (`incident.reportable_types`) and not yet reported is due the day it is recorded, and
the case does not close until it is reported (`incident report`) or a supervisor approved the
recorded reason for not reporting it (`incident not-reported`: case/decisions/waivers.py).
"""

from __future__ import annotations

import json

from casecli.case.file.lookup import resolve, resolve_open
from casecli.case.file.risk import rerate
from casecli.case.legal.asylum import insert
from casecli.errors import InvalidInput
from casecli.i18n import _, n_
from casecli.store import settings
from casecli.store.db import Store

RISK_ORDER = ("low", "medium", "high")
KIND = "incident_not_reported"


def reportable(store: Store) -> set[str]:
    return {t for t in settings.text(store, "incident.reportable_types").split(",") if t}


def incidents_of(store: Store, number: str) -> list[dict]:
    """A case's incidents, numbered from 1 in date order, each with its reports and whether it is
    reported, or excused by a supervisor's approval."""
    rows = store.conn.execute(
        "SELECT uid, parent, kind, on_date, answers, created_by, created_at FROM legal WHERE case_number = ?"
        " AND kind IN ('incident', 'incident_report') ORDER BY on_date, created_at, rowid",
        (number,),
    ).fetchall()
    found = [
        {
            "number": 0,
            "uid": uid,
            "occurred_on": on,
            "answers": json.loads(a),
            "by": by,
            "recorded_on": at[:10],
            "reports": [],
        }
        for uid, parent, kind, on, a, by, at in rows
        if kind == "incident"
    ]
    by_uid = {i["uid"]: i for i in found}
    for uid, parent, kind, on, a, by, _at in rows:
        if kind == "incident_report" and parent in by_uid:
            by_uid[parent]["reports"].append({"uid": uid, "on_date": on, "answers": json.loads(a), "by": by})
    # the latest request of a supervisor's approval of not reporting, per incident (read here: the
    # approvals module is a room above; case/decisions/waivers.py asks for one)
    excused = dict(
        store.conn.execute(
            "SELECT json_extract(subject, '$.incident'), status FROM approvals WHERE case_number = ? AND kind = ?"
            " ORDER BY requested_at",
            (number, KIND),
        )
    )
    types = reportable(store)
    for n, incident in enumerate(found, start=1):
        incident["number"] = n
        incident["reported"] = incident["answers"].get("reported_to") not in (None, "not_yet") or bool(
            incident["reports"]
        )
        incident["waiver"] = excused.get(incident["uid"])  # the approval of not reporting: its status
        incident["must_report"] = incident["answers"].get("violence_type") in types
        incident["unreported"] = (
            incident["must_report"] and not incident["reported"] and incident["waiver"] != "approved"
        )
    return found


def add_incident(store: Store, text: str, answers: dict) -> dict:
    """Record an incident; the case's risk rises to at least medium (high while the child is still at risk)."""
    number = resolve_open(store, text)
    floor = "high" if answers.get("still_at_risk") else "medium"
    with store.transaction():  # the incident and the risk it raises: one write, all or nothing
        saved = insert(store, number, None, "incident", answers, f"Incident recorded ({answers['violence_type']})")
        before = store.conn.execute("SELECT risk FROM cases WHERE case_number = ?", (number,)).fetchone()[0]
        raised = RISK_ORDER.index(floor) > RISK_ORDER.index(before if before in RISK_ORDER else "low")
        if raised:
            rerate(store, number, store.profile()["name"], before, floor, "incident", {"legal": saved["uid"]})
    # (the one just recorded: a back-dated incident is not the last in date order)
    incident = next(i for i in incidents_of(store, number) if i["uid"] == saved["uid"])
    return {
        **saved,
        "number": incident["number"],
        "risk_raised_to": floor if raised else None,
        "unreported": incident["unreported"],
    }


def the_incident(store: Store, text: str, which: int | None) -> tuple[str, dict]:
    number = resolve(store, text)
    found = incidents_of(store, number)
    if not found:
        raise InvalidInput(
            _("incident: {number} has no incident recorded; record one with `casecli incident add {number}`").format(
                number=number
            )
        )
    if which is None:
        waiting = [i for i in found if i["unreported"]]
        if len(found) == 1 or len(waiting) == 1:
            return number, (found[0] if len(found) == 1 else waiting[0])
        raise InvalidInput(
            _("--incident: {number} has {count} incidents; say which with --incident N").format(
                number=number, count=len(found)
            )
        )
    if not 1 <= which <= len(found):
        raise InvalidInput(
            n_(
                "--incident: {number} has {count} incident; expected a number from 1 to {count}",
                "--incident: {number} has {count} incidents; expected a number from 1 to {count}",
                len(found),
            ).format(number=number, count=len(found))
        )
    return number, found[which - 1]


def add_report(store: Store, text: str, which: int | None, answers: dict) -> dict:
    number, incident = the_incident(store, text, which)
    resolve_open(store, number)
    if answers["reported_on"] < incident["occurred_on"]:
        from casecli.errors import InvalidAnswers

        raise InvalidAnswers("incident-report", {"reported_on": _("on or after the day it happened")})
    saved = insert(
        store, number, incident["uid"], "incident_report", answers, f"Incident reported to {answers['reported_to']}"
    )
    return {**saved, "number": incident["number"]}


def closure_problem(store: Store, number: str) -> str | None:
    """The line refusing a closure while a reportable incident is neither reported nor excused."""
    waiting = [i for i in incidents_of(store, number) if i["unreported"]]
    if not waiting:
        return None
    # (an error line names the record by its number, never by what was recorded in it: its date)
    return _(
        "incident {n} is not reported to the authority (setting incident.reportable_types): record the"
        " report with `casecli incident report {number} --incident {n}`, or a supervisor's approval of why not"
        " (`casecli incident not-reported {number} --incident {n} --reason …`)"
    ).format(n=waiting[0]["number"], number=number)
