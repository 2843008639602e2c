"""A supervisor's approval: what waits for it, and what a decision does when it comes back.

Agency settings say which decisions need one (`approval.plan_activation`, `approval.closure`,
`approval.sharing_beyond_consent`, `approval.handover_other_agency`). The worker's action then
leaves the case waiting: the plan version stays a draft, the closure is only requested, the bundle
for another agency is not written until an approval of that very sharing comes back (and one
approval allows one bundle). A decision is bound to what it saw: the subject's hash (the plan version's data,
the closure's answers). It counts only when signed by a contact whose identity says supervisor,
who is not the worker who asked; a plan revised since the request voids it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable

from casecli.case.file.history import append_event
from casecli.case.file.lookup import resolve
from casecli.errors import InvalidInput
from casecli.i18n import _
from casecli.store import settings
from casecli.store.db import Store, utc_now

SUPERVISOR = "supervisor"
# What an export to another agency may need approved: decided by the export, carried out by it.
SHARING_KINDS = ("sharing_beyond_consent", "handover_other_agency")
# What only records a decision on a record already written (a BIA, a family's verification).
RECORD_KINDS = ("bia", "tracing_verification", "incident_not_reported")
KINDS = ("plan_activation", "closure", *SHARING_KINDS, *RECORD_KINDS)
# Each kind in the words of the history and of a request's note (read in any language).
ENGLISH = {
    "plan_activation": "plan activation",
    "closure": "closure",
    "sharing_beyond_consent": "sharing beyond consent",
    "handover_other_agency": "handover to another agency",
    "bia": "best interests assessment",
    "tracing_verification": "verification of the family",
    "incident_not_reported": "an incident not reported to the authority",
}
DECISION_CONTEXT = b"casecli approval decision\n"


def needed(store: Store, kind: str) -> bool:
    return not store.approvals_waived and bool(settings.get(store, f"approval.{kind}"))


def subject_hash(subject: dict) -> str:
    return hashlib.sha256(json.dumps(subject, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def plan_subject(store: Store, number: str, version: int) -> dict:
    data = store.conn.execute(
        "SELECT data FROM plans WHERE case_number = ? AND version = ?", (number, version)
    ).fetchone()[0]
    return {"version": version, "data": json.loads(data)}


def wait_for(store: Store, number: str, kind: str, subject: dict, summary: str) -> dict:
    """Leave the case waiting for a supervisor's approval of `subject`; call inside the transaction
    that makes the waiting state (an earlier request of the same kind is void from now). The
    requester's fingerprint is filled in when the request is sent (`approval request`)."""
    actor = store.profile()["name"]
    store.conn.execute(
        "UPDATE approvals SET status = 'void' WHERE case_number = ? AND kind = ? AND status = 'waiting'", (number, kind)
    )
    uid = secrets.token_hex(8)
    stored = {k: v for k, v in subject.items() if k != "data"}  # a plan's data is in its version already
    store.conn.execute(
        "INSERT INTO approvals (uid, case_number, kind, subject, subject_hash, status, requested_by,"
        " requested_by_fingerprint, requested_at) VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?, ?)",
        (uid, number, kind, json.dumps(stored, ensure_ascii=False), subject_hash(subject), actor, "", utc_now()),
    )
    append_event(store, number, actor, "approval", summary, {"approval": uid, "kind": kind, "status": "waiting"})
    return {"uid": uid, "kind": kind}


def approvals_of(store: Store, number: str) -> list[dict]:
    keys = (
        "uid", "kind", "subject", "status", "requested_by", "requested_by_fingerprint", "requested_at",
        "decided_by", "decided_at", "comment", "subject_hash",
    )  # fmt: skip
    rows = store.rows(
        f"SELECT {', '.join(keys)} FROM approvals WHERE case_number = ? ORDER BY requested_at, rowid", (number,)
    )
    return [{**row, "subject": json.loads(row["subject"]), "case_number": number} for row in rows]


def waiting(store: Store, number: str | None = None) -> list[dict]:
    """Approvals that wait for a decision (one case, or every case: the worker's, or the copies a
    supervisor holds)."""
    numbers = (
        [number]
        if number
        else [n for (n,) in store.conn.execute("SELECT DISTINCT case_number FROM approvals WHERE status = 'waiting'")]
    )
    return [a for n in numbers for a in approvals_of(store, n) if a["status"] == "waiting"]


def the_waiting(
    store: Store, text: str, kind: str | None = None, settled: Callable[[dict], bool] = lambda a: False
) -> dict:
    """The one request of a case to act on: of `kind` if given; else the only one not `settled`
    (e.g. decided here already), else the only one."""
    number = resolve(store, text)
    found = [a for a in waiting(store, number) if kind is None or a["kind"] == kind]
    if not found:
        raise InvalidInput(_("{number} has no request waiting for approval").format(number=number))
    open_ones = [a for a in found if not settled(a)] or found
    if len(open_ones) > 1:
        raise InvalidInput(
            _("--kind: {number} has several requests waiting; say which: {kinds}").format(
                number=number, kinds=", ".join(a["kind"] for a in open_ones)
            )
        )
    return open_ones[0]


def what_waits(kind: str, subject: dict) -> str:
    """What an approval is about, in the worker's words: "plan version 3", "closure"."""
    if kind == "plan_activation":
        return _("plan version {version}").format(version=subject.get("version"))
    agencies = ", ".join(sorted({str(r.get("agency", "")) for r in subject.get("to", [])}))
    if kind == "handover_other_agency":
        return _("handover to {agency}").format(agency=agencies)
    if kind == "sharing_beyond_consent":
        return _("sharing beyond consent with {agency}").format(agency=agencies)
    if kind == "bia":
        return _("best interests assessment {count}").format(count=subject.get("number"))
    if kind == "incident_not_reported":
        from casecli.i18n import format_date

        return _("an incident of {date} not reported to the authority").format(
            date=format_date(subject.get("occurred_on"))
        )
    if kind == "tracing_verification":
        return _("verification of the family (tracing request {count})").format(count=subject.get("request_number"))
    return _("closure")


def kind_words(kind: str) -> str:
    """The kind of decision, as a worker says it."""
    from casecli.case.file.history import approval_kind_words

    return approval_kind_words(kind)


def sharing_subject(recipients: list[dict], handover: bool, reason: str) -> dict:
    """What a supervisor approves when a case goes to another agency: to whom, how, and why."""
    return {
        "to": sorted(
            ({"name": r["name"], "agency": r["agency"], "fingerprint": r["fingerprint"]} for r in recipients),
            key=lambda r: r["fingerprint"],
        ),
        "handover": handover,
        "reason": reason.strip(),
    }


def sharing_allowed(store: Store, number: str, kind: str, subject: dict) -> dict | None:
    """The approval (approved, not yet spent) of exactly this sharing, or None."""
    wanted = subject_hash(subject)
    return next(
        (
            a
            for a in approvals_of(store, number)
            if a["kind"] == kind and a["status"] == "approved" and a["subject_hash"] == wanted
        ),
        None,
    )


def sharing_waits(store: Store, number: str, kind: str, subject: dict) -> dict:
    """The waiting request for this sharing: the one already made, or a new one (call in a transaction)."""
    wanted = subject_hash(subject)
    for a in approvals_of(store, number):
        if a["kind"] == kind and a["status"] == "waiting" and a["subject_hash"] == wanted:
            return {"uid": a["uid"], "kind": kind, "new": False}
    return {**wait_for(store, number, kind, subject, f"{ENGLISH[kind].capitalize()} awaits approval"), "new": True}


def sharings_approved(store: Store, wanted: dict[str, str], subject: dict) -> tuple[dict[str, dict], list[str]]:
    """For each case the approval of kind `wanted[case]` of this very sharing: those approved, and
    the cases still without one, whose requests are recorded now (once: asked again, the same
    request) for `casecli approval request`."""
    allowed = {n: sharing_allowed(store, n, kind, subject) for n, kind in wanted.items()}
    missing = [n for n, approval in allowed.items() if approval is None]
    if missing:
        with store.transaction():
            for number in missing:
                sharing_waits(store, number, wanted[number], subject)
    return {n: a for n, a in allowed.items() if a is not None}, missing


def spend(store: Store, approval: dict, summary: str, changes: dict) -> None:
    """The one sharing an approval allowed is done (call in its transaction): a bundle written, a
    referral made."""
    _mark(store, approval, "used", summary, changes)


def _mark(store: Store, approval: dict, status: str, summary: str, changes: dict) -> None:
    """An approval's new status, and the event in its case's history that says so."""
    store.conn.execute("UPDATE approvals SET status = ? WHERE uid = ?", (status, approval["uid"]))
    append_event(
        store,
        approval["case_number"],
        store.profile()["name"],
        "approval",
        summary,
        {"approval": approval["uid"], "status": status, **changes},
    )


def decision_message(decision: dict) -> bytes:
    return DECISION_CONTEXT + json.dumps(decision, ensure_ascii=False, sort_keys=True).encode()


def current_hash(store: Store, approval: dict) -> str | None:
    """The hash of what the request is about as the case stands now (None: it is gone)."""
    number = approval["case_number"]
    if approval["kind"] == "plan_activation":
        latest = store.conn.execute("SELECT max(version) FROM plans WHERE case_number = ?", (number,)).fetchone()[0]
        if latest != approval["subject"].get("version"):
            return None  # revised since the request: the decision saw another plan
        return subject_hash(plan_subject(store, number, latest))
    return subject_hash(approval["subject"])


def find(store: Store, uid: str) -> dict | None:
    row = store.conn.execute("SELECT case_number FROM approvals WHERE uid = ?", (uid,)).fetchone()
    if row is None:
        return None
    return next(a for a in approvals_of(store, row[0]) if a["uid"] == uid)


def is_stale(store: Store, approval: dict, seen_hash: str) -> bool:
    """The decision saw something else than what waits now (a plan revised since the request)."""
    return seen_hash != approval["subject_hash"] or current_hash(store, approval) != seen_hash


def void_stale(store: Store, approval: dict, signer_fingerprint: str) -> None:
    with store.transaction():
        summary = "Approval refused as stale: what it approved was changed since the request"
        _mark(store, approval, "void", summary, {"by": signer_fingerprint})


def record_decision(store: Store, approval: dict, decision: dict, signer: dict) -> bool:
    """Record a supervisor's signed decision on a waiting request (call inside the transaction that
    also carries it out); returns whether it approves."""
    approved = decision.get("decision") == "approved"
    store.conn.execute(
        "UPDATE approvals SET status = ?, decided_by = ?, decided_by_fingerprint = ?, decided_at = ?, comment = ?,"
        " signed_decision = ? WHERE uid = ?",
        (
            "approved" if approved else "rejected",
            signer["name"],
            signer["fingerprint"],
            decision["at"],
            decision.get("comment", ""),
            json.dumps({"decision": decision, "signature": signer["signature"], "signer": signer["public"]}),
            approval["uid"],
        ),
    )
    what = ENGLISH[approval["kind"]].capitalize()
    append_event(
        store,
        approval["case_number"],
        signer["name"],
        "approval",
        f"{what} {'approved' if approved else 'rejected'} by {signer['name']}",
        {
            "approval": approval["uid"],
            "status": "approved" if approved else "rejected",
            "comment": decision.get("comment", ""),
            "decision": decision,
            "signer": signer["public"],
            "signature": signer["signature"],
            # the agency roster that certified the signer a supervisor; None: roles not certified
            "roster": signer.get("roster"),
        },
    )
    return approved
