"""Every change to a case appends an event (who, what, when) to the case's history.

Events are chained: each carries the hash of the previous one, so a rewritten or removed event
breaks the chain (the data-protection work verifies it).
"""

from __future__ import annotations

import hashlib
import json

from casecli.canonical import canonical_bytes
from casecli.store.db import Store, utc_now
from casecli.store.row_rules import EVENT, well_formed

GENESIS = "0" * 64


HASHED = ("case_number", "seq", "at", "actor", "kind", "summary", "changes", "prev_hash")


def event_hash(event: dict) -> str:
    # (the fields are text and a whole number: canonical_bytes' kind of value)
    return hashlib.sha256(canonical_bytes({k: event[k] for k in HASHED})).hexdigest()


def build_event(
    case_number: str,
    seq: int,
    prev_hash: str,
    actor: str,
    kind: str,
    summary: str,
    changes: dict,
    at: str | None = None,
) -> dict:
    event = {
        "case_number": case_number,
        "seq": seq,
        "at": at or utc_now(),
        "actor": actor,
        "kind": kind,
        "summary": summary,
        "changes": json.dumps(changes, sort_keys=True, ensure_ascii=False),
        "prev_hash": prev_hash,
    }
    event["hash"] = event_hash(event)
    return event


def append_event(store: Store, case_number: str, actor: str, kind: str, summary: str, changes: dict) -> dict:
    """Append one event; call inside the transaction that makes the change it records."""
    last = store.conn.execute(
        "SELECT seq, hash FROM events WHERE case_number = ? ORDER BY seq DESC LIMIT 1", (case_number,)
    ).fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = well_formed(EVENT, build_event(case_number, seq, prev, actor, kind, summary, changes), "an event")
    insert_events(store, [event])
    # Every change to a case appends an event in its transaction: keeping the derived stage and
    # next due date fresh here keeps them in step with every write.
    from casecli.case.due.lifecycle import refresh

    refresh(store, case_number)
    return event


def insert_events(store: Store, events: list[dict]) -> None:
    store.conn.executemany(
        "INSERT INTO events (case_number, seq, at, actor, kind, summary, changes, prev_hash, hash)"
        " VALUES (:case_number, :seq, :at, :actor, :kind, :summary, :changes, :prev_hash, :hash)",
        events,
    )


def case_history(store: Store, case_number: str) -> list[dict]:
    rows = store.rows(
        "SELECT seq, at, actor, kind, summary, changes, hash FROM events WHERE case_number = ? ORDER BY seq",
        (case_number,),
    )
    return [{**row, "changes": json.loads(row["changes"])} for row in rows]


def describe(event: dict) -> str:
    """The event's summary in the worker's language.

    The stored summary is English and part of the hash chain, so it never changes; in another
    language the line is rebuilt from the event's kind and recorded changes.
    """
    from casecli import i18n
    from casecli.forms.labels import label
    from casecli.i18n import _, n_

    if i18n.current == "en":
        return event["summary"]
    kind, c = event["kind"], event.get("changes") or {}
    if isinstance(c, str):
        c = json.loads(c)
    try:
        if kind == "registered":
            return _("Case registered")
        if kind == "setting weakened":
            return _("Agency setting {key} set to {value} on this laptop (the agency's is {default}): weaker").format(
                key=c["setting"], value=c["value"], default=c["default"]
            )
        if kind == "edited":
            return _("Registration edited: {fields}").format(fields=", ".join(_question(k) for k in c))
        if kind == "assessed":
            return _("{kind} assessment recorded").format(kind=label(c["kind"]))
        if kind == "risk":
            return _("Risk re-rated from {old} to {new}").format(
                old=label(c["risk"]["old"]), new=label(c["risk"]["new"])
            )
        if kind == "plan":
            return _("Plan version {version} ({status})").format(version=c["version"], status=label(c["status"]))
        if kind == "referral" and "status" in c:
            return _("Referral {ref} {status}").format(ref=c["referral"], status=label(c["status"]))
        if kind == "referral":
            return _("Referral {ref} to {agency}").format(ref=c["referral"], agency=c["agency"])
        if kind == "progress":
            return _("Plan item {item}: {status}").format(item=c["item"], status=label(c["status"]))
        if kind == "visit":
            return _("Visit; next visit {date}").format(date=i18n.format_date(c["next_visit"]))
        if kind == "review":
            return _("Review: {decision}").format(decision=label(c["decision"]))
        if kind == "closed":
            return _("Case closed: {reason}").format(reason=label(c["reason"]))
        if kind == "reopened":
            return _("Case reopened")
        if kind == "handover":
            return _("Handed over (bundle {bundle})").format(bundle=c["bundle"][:12])
        if kind == "received":
            return _("Received by handover (bundle {bundle})").format(bundle=c["bundle"][:12])
        if kind == "linked":
            words = {
                "same_child": _("same child as"),
                "sibling": _("sibling of"),
                "not_same": _("checked, not the same child as"),
            }
            return f"{words[c['kind']]} {c['other']}"
        if kind == "conflict":
            return _("Diverged copy kept for review (bundle {bundle})").format(bundle=c["bundle"][:12])
        if kind == "consent":
            return _("Consent recorded (scope: {scope})").format(scope=", ".join(label(s) for s in c["scope"]))
        if kind == "consent withdrawn":
            return _("Consent withdrawn: no new sharing")
        if kind == "handover revoked":
            return _("Handover revoked; the case is active here again")
        if kind == "approval":
            return _approval_line(c)
        if kind == "conference":
            return n_(
                "Case conference held on {date} ({count} follow-up action)",
                "Case conference held on {date} ({count} follow-up actions)",
                len(c.get("actions", [])),
            ).format(date=i18n.format_date(c["held_on"]), count=len(c.get("actions", [])))
        if kind == "bia":
            return _("Best interests assessment recorded (recommends: {what})").format(
                what=_choice("bia", "best_interest_recommendation", c["recommendation"])
            )
        if kind == "bid":
            return _("Best interests determination: {decision}").format(
                decision=_choice("bid", "decision", c["decision"])
            )
        if kind == "family":
            return _("Family member recorded")
        if kind == "tracing":
            steps = {
                "request": _("tracing request opened"),
                "action": _("tracing action recorded"),
                "verification": _("family verified"),
                "reunification": _("reunification recorded"),
                "closure": _("tracing request closed"),
            }
            return _("Tracing: {what}").format(what=steps[c["kind"]])
        if kind == "sharing override":
            return _("Shared beyond the consent in force (reason recorded)")
        if kind == "receipt" and not c["accepted"]:
            return _("Handover refused; the case is active here again")
        if kind == "receipt":
            return _("Handover accepted after it was revoked: agree who keeps the case")
    except (KeyError, TypeError, ValueError):
        pass
    return event["summary"]


def _choice(form_name: str, field_id: str, value: object) -> str:
    """A form's answer as the worker reads it (its label, in their language)."""
    from casecli import i18n
    from casecli.forms import load_form
    from casecli.forms.labels import display_value

    return display_value(load_form(form_name).field(field_id), value, i18n.current)


def _approval_line(c: dict) -> str:
    """An approval's event in the worker's words: asked, decided, spent or void."""
    from casecli.forms.labels import label
    from casecli.i18n import _

    status = c.get("status")
    what = approval_kind_words(c.get("kind") or (c.get("decision") or {}).get("kind", ""), _("a request"))
    if status == "waiting":
        return _("{what} awaits a supervisor's approval").format(what=what).capitalize()
    if status in ("approved", "rejected"):
        by = (c.get("decision") or {}).get("by", "")
        return _("{what} {verdict} by {by}").format(what=what, verdict=label(status), by=by).capitalize()
    if status == "used":
        return _("Bundle written under the supervisor's approval")
    if status == "void":
        return _("Approval request void: what it asked about was changed")
    raise KeyError(status)


def approval_kind_words(kind: str, unknown: str | None = None) -> str:
    """The kind of an approval, as a worker says it (here, below the decisions that use it too)."""
    from casecli.i18n import _

    return {
        "plan_activation": _("plan activation"),
        "closure": _("closure"),
        "sharing_beyond_consent": _("sharing beyond consent"),
        "handover_other_agency": _("handover to another agency"),
        "bia": _("best interests assessment"),
        "tracing_verification": _("verification of the family"),
        "incident_not_reported": _("an incident not reported to the authority"),
    }.get(kind, kind if unknown is None else unknown)


def _question(field_id: str) -> str:
    """A registration field as the worker was asked it (its id where the form has none such)."""
    from casecli import i18n
    from casecli.forms import load_form

    try:
        return load_form("registration").field(field_id).label(i18n.current)
    except KeyError:
        return field_id
