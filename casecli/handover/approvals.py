"""Approval requests and decisions as bundles, between a worker and a supervisor.

A request is a copy of the case for the supervisor (its `approvals` record says what waits, with
the hash of the exact plan version or closure). A decision is a small bundle with no records,
encrypted to the requester alone: its description holds the decision, itself signed by the
supervisor (so the case's history keeps a signature anyone can check, after the file is gone).
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

from casecli.case.decisions import approvals
from casecli.case.reads.agenda import DECIDED_KEY
from casecli.errors import BundleRejected, InvalidInput
from casecli.handover import identity as identities
from casecli.handover import roster
from casecli.handover.bundle import BundleReader, BundleWriter, PayloadWriter
from casecli.handover.decisions import KIND, MAX_COMMENT
from casecli.handover.mailbox import Mailbox, destination
from casecli.handover.mailbox_log import deliver
from casecli.i18n import _
from casecli.store.db import Store, utc_now
from casecli.store.migrations import RECORDS_VERSION


def request(
    store: Store, text: str, supervisor: identities.Identity, output: Path | Mailbox, kind: str | None = None
) -> dict:
    """Send the supervisor a copy of the case and what waits for their approval (every request
    of the case that waits, or the one of `kind`)."""
    from casecli.case.file.lookup import resolve
    from casecli.handover.outgoing import export

    number = resolve(store, text)
    asked = [a for a in approvals.waiting(store, number) if kind is None or a["kind"] == kind]
    if not asked:
        approvals.the_waiting(store, number, kind)  # says so
    me = identities.own(store)
    why = not_a_supervisor(store, supervisor)
    if why is not None:
        raise InvalidInput(_("--to: {why}: only a supervisor's decision counts").format(why=why))
    if same_person(store, supervisor.fingerprint, me.fingerprint):
        raise InvalidInput(_("a worker cannot approve their own request"))

    def requested_by(fingerprints: list[str]) -> None:
        with store.transaction():
            for approval, fingerprint in zip(asked, fingerprints, strict=True):
                store.conn.execute(
                    "UPDATE approvals SET requested_by_fingerprint = ? WHERE uid = ?", (fingerprint, approval["uid"])
                )

    # The copy the supervisor gets must name whom to answer; a copy that could not be written
    # leaves the requests as they were (not sent).
    requested_by([me.fingerprint] * len(asked))
    what = ", ".join(approvals.ENGLISH[a["kind"]] for a in asked)
    note = {"key_concerns": f"Approval requested: {what}"}
    try:
        sent = export(store, output, [number], False, [supervisor], None, False, note)
    except BaseException:
        requested_by([a["requested_by_fingerprint"] for a in asked])
        raise
    return {
        **sent,
        "approvals": [a["uid"] for a in asked],
        "kinds": [a["kind"] for a in asked],
        "case_number": number,
    }


def decide(
    store: Store, text: str, approved: bool, comment: str, output: Path | Mailbox, kind: str | None = None
) -> dict:
    """The supervisor's decision on a request in one of the copies they hold, for the requester."""
    waiting = approvals.the_waiting(store, text, kind, settled=lambda a: decided_here(store, a["uid"]) is not None)
    me = identities.own(store)
    why = not_a_supervisor(store, me)
    if why is not None:
        raise InvalidInput(_("only a supervisor decides on approvals ({why})").format(why=why))
    if waiting["requested_by_fingerprint"] in ("", me.fingerprint) or same_person(
        store, waiting["requested_by_fingerprint"], me.fingerprint
    ):
        raise InvalidInput(_("a worker cannot approve their own request"))
    requester = identities.contact_by_fingerprint(store, waiting["requested_by_fingerprint"])
    if requester is None:
        raise InvalidInput(
            _("the requester ({name}) is not among your contacts: add their identity first").format(
                name=waiting["requested_by"]
            )
        )
    if not approved and not comment.strip():
        raise InvalidInput(_("--comment: say why the request is rejected"))
    subject_hash = waiting["subject_hash"]
    decision = {
        "approval": waiting["uid"],
        "case": waiting["case_number"],
        "kind": waiting["kind"],
        "subject_hash": subject_hash,
        "decision": "approved" if approved else "rejected",
        "comment": comment.strip()[:MAX_COMMENT],
        "by": me.name,
        "at": utc_now(),
    }
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _encryption, signing_private = identities.private_keys(store)
    signature = Ed25519PrivateKey.from_private_bytes(signing_private).sign(approvals.decision_message(decision))
    writer = BundleWriter(
        destination(output, requester.fingerprint),
        me.header(),
        signing_private,
        [(requester.encryption_public, requester.fingerprint)],
        created=decision["at"],
    )
    try:
        payload = PayloadWriter(writer)
        payload.record(
            {
                "t": "bundle",
                "r": {
                    "schema": RECORDS_VERSION,
                    "kind": KIND,
                    "cases": [],
                    "decision": decision,
                    "signature": base64.b64encode(signature).decode(),
                },
            }
        )
        payload.close()
    except BaseException:
        writer.abort()
        raise
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (DECIDED_KEY + waiting["uid"], decision["decision"]),
        )
        recipient = [(requester.fingerprint, requester.name)]
        deliver(store, output, writer.path, writer.bundle_id, recipient, KIND, [waiting["case_number"]])
    return {**decision, "to": requester.name, "output": str(writer.path)}


def not_a_supervisor(store: Store, person: identities.Identity) -> str | None:
    """Why `person`'s decision would not count as a supervisor's, or None. Where this store knows
    the agency's roster, only the roster's word counts (certified, not revoked, as supervisor, of
    the agency); without one, the identity's own role ("roles not certified")."""
    found = roster.standing(store, person.fingerprint)
    if found.roster is None:
        if person.role == approvals.SUPERVISOR:
            return None
        return _("{name} is not a supervisor (their identity says {role})").format(
            name=person.name, role=person.role or "—"
        )
    if found.revoked is not None:
        return _("{name} was revoked from {agency} on {date}").format(
            name=person.name, agency=found.agency, date=found.revoked.on
        )
    if not found.certified:
        return _("{name} is not on the roster of {agency} ({number})").format(
            name=person.name, agency=found.agency, number=found.roster
        )
    if found.role != approvals.SUPERVISOR:
        return _("{name} is not a supervisor (the roster of {agency} says {role})").format(
            name=person.name, agency=found.agency, role=found.role
        )
    return None


def same_person(store: Store, one: str, other: str) -> bool:
    """Whether two identities are one person as the roster certifies them (a second laptop, a
    second store): a person does not approve their own request from another identity."""
    known = roster.current(store)
    if known is None or not one or not other:
        return False
    a, b = known.member(one), known.member(other)
    return a is not None and b is not None and a.name.strip().casefold() == b.name.strip().casefold()


def decided_here(store: Store, uid: str) -> str | None:
    """The decision this store sent on a request (a supervisor's), or None."""
    return store.meta(DECIDED_KEY + uid)


def settle_decision(store: Store, reader: BundleReader, decision: dict, signature: str, today: dt.date) -> dict:
    """Check a supervisor's decision and carry it out, in one transaction (or refuse it whole)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    name = reader.path.name
    try:
        Ed25519PublicKey.from_public_bytes(reader.sender_signing).verify(
            base64.b64decode(signature, validate=True), approvals.decision_message(decision)
        )
    except (InvalidSignature, ValueError):
        raise BundleRejected(_("{file}: the decision's signature does not hold").format(file=name)) from None
    signer = identities.contact_by_fingerprint(store, reader.fingerprint)
    if signer is None:
        raise BundleRejected(_("{file}: the decision's signer is not among your contacts").format(file=name))
    why = not_a_supervisor(store, signer)
    if why is not None:
        raise BundleRejected(_("{file}: {why}: the decision does not count").format(file=name, why=why))
    approval = approvals.find(store, decision["approval"])
    if approval is None or approval["case_number"] != decision["case"]:
        raise BundleRejected(_("{file}: the decision answers no request of this store").format(file=name))
    if reader.fingerprint in (identities.own(store).fingerprint, approval["requested_by_fingerprint"]) or any(
        same_person(store, reader.fingerprint, f)
        for f in (identities.own(store).fingerprint, approval["requested_by_fingerprint"])
    ):
        raise BundleRejected(_("{file}: a worker cannot approve their own request").format(file=name))
    if approval["status"] != "waiting":
        raise BundleRejected(
            _("{file}: the request was decided or replaced already ({status})").format(
                file=name, status=approval["status"]
            )
        )
    if approvals.is_stale(store, approval, decision["subject_hash"]):
        approvals.void_stale(store, approval, reader.fingerprint)
        raise BundleRejected(
            _("{file}: the decision is stale: what it approves was changed since the request; ask again").format(
                file=name
            )
        )
    from casecli.handover.seen import record_seen

    who = {
        "name": decision["by"],  # their own name, as they signed it (the contact's name is ours for them)
        "fingerprint": signer.fingerprint,
        "public": base64.b64encode(signer.signing_public).decode(),
        "signature": signature,
        "roster": roster.standing(store, signer.fingerprint).roster,
    }
    number = approval["case_number"]
    with store.transaction():
        approved = approvals.record_decision(store, approval, decision, who)
        if approved and approval["kind"] == "plan_activation":
            from casecli.case.steps.plan import activate_version

            activate_version(store, number, approval["subject"]["version"], today)
        elif approved and approval["kind"] == "closure":
            from casecli.case.steps.closure import close_case

            close_case(store, number, approval["subject"]["answers"], acknowledged=True, approved=True)
        # An approved sharing is carried out by the worker's next export, which spends it; an
        # approved BIA or verification stands as recorded (the case's rules read the approval).
        record_seen(store, reader.bundle_id, "received", f"{signer.name} ({signer.fingerprint})", False, [number])
    return {
        "case_number": number,
        "kind": approval["kind"],
        "approved": approved,
        "comment": decision.get("comment", ""),
        "by": decision["by"],
    }
