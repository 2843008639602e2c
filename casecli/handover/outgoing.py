"""Export: cases out to a colleague as a bundle; with a handover, the local copy becomes read-only
in the same transaction, and each case's history records the handover, signed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from casecli.case.decisions import approvals
from casecli.case.file.history import append_event
from casecli.case.file.signatures import sign_handover
from casecli.case.file.tables import records_of_cases
from casecli.errors import ApprovalNeeded, InvalidInput
from casecli.handover import identity as identities
from casecli.handover.bundle import BundleWriter, PayloadWriter, refuse_existing
from casecli.handover.mailbox import Mailbox, destination
from casecli.handover.mailbox_log import deliver
from casecli.handover.roster import current as current_roster
from casecli.handover.seen import record_seen
from casecli.i18n import _
from casecli.store.db import Store, utc_now
from casecli.store.migrations import RECORDS_VERSION

# Cases whose records are read together (a query per table for them all): few enough that memory
# holds little, many enough that the queries are not the cost.
CASES_A_READ = 200


def _cases_to_send(store: Store, numbers: list[str], everything: bool) -> list[str]:
    from casecli.case.file.lookup import resolve

    if everything:
        me = store.profile()["name"]
        return [
            n
            for (n,) in store.conn.execute(
                "SELECT case_number FROM cases WHERE status = 'open' AND case_worker = ? ORDER BY case_number", (me,)
            )
        ]
    if not numbers:
        raise InvalidInput(_("export: name one or more cases, or --all"))
    return list(dict.fromkeys(resolve(store, n) for n in numbers))


def export(
    store: Store,
    output: Path | Mailbox,
    numbers: list[str],
    everything: bool,
    recipients: list[identities.Identity],
    passphrase: str | None,
    handover: bool,
    note: dict,
    progress: Callable[[], None] | None = None,
    kdf: dict | None = None,
    transfer: dict | None = None,
    override: str | None = None,
) -> dict:
    """Write the bundle; with `handover`, the local cases become read-only in the same transaction,
    pending until the receiver's receipt (see handover/pending.py); `transfer` says why."""
    from casecli.case.file.lookup import require_open
    from casecli.handover.pending import record_pending

    chosen = _cases_to_send(store, numbers, everything)
    if not chosen:
        raise InvalidInput(_("export: no open case of yours to export"))
    if isinstance(output, Mailbox) and not recipients:
        raise InvalidInput(_("--to: name the contact whose inbox takes the bundle"))
    target = destination(output, recipients[0].fingerprint if recipients else "")
    refuse_existing(target)
    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)  # as backup does: a new folder on a stick is fine
    me = identities.own(store)
    beyond, allowed = check_sharing(
        store, chosen, recipients, override, handover=handover, by_passphrase=passphrase is not None
    )
    _encryption_private, signing_private = identities.private_keys(store)
    sender = me.header()
    targets = [(r.encryption_public, r.fingerprint) for r in recipients]
    writer = BundleWriter(target, sender, signing_private, targets, passphrase, kdf, created=utc_now())
    to = ", ".join(
        [f"{r.name} ({r.fingerprint})" for r in recipients] + ([_("a passphrase holder")] if passphrase else [])
    )
    written = False
    files: list[Path] = []
    try:
        with store.transaction():
            if handover:
                reason = (transfer or {}).get("transfer_reason", "")
                for number in chosen:
                    require_open(store, number)
                    record_pending(
                        store,
                        writer.bundle_id,
                        number,
                        [(r.name, r.fingerprint) for r in recipients],
                        reason,
                        utc_now(),
                        writer.receipt_key,
                    )
                    seq, prev = store.conn.execute(
                        "SELECT seq + 1, hash FROM events WHERE case_number = ? ORDER BY seq DESC LIMIT 1", (number,)
                    ).fetchone()
                    signed = sign_handover(signing_private, me.signing_public, number, seq, prev, writer.bundle_id)
                    append_event(
                        store,
                        number,
                        me.name,
                        "handover",
                        f"Handed over to {to}",
                        {
                            "bundle": writer.bundle_id,
                            "to": [r.fingerprint for r in recipients],
                            "passphrase": passphrase is not None,
                            "note": note,
                            "transfer": transfer or {},
                            **signed,
                        },
                    )
            for approval in allowed.values():
                approvals.spend(
                    store, approval, "Bundle written under the supervisor's approval", {"bundle": writer.bundle_id}
                )
            for number in beyond:  # before the records are written: the bundle carries the override
                append_event(
                    store,
                    number,
                    me.name,
                    "sharing override",
                    "Shared with another agency beyond the consent in force (reason recorded)",
                    {
                        "bundle": writer.bundle_id,
                        "with": sorted({r.agency for r in recipients} | ({"passphrase"} if passphrase else set())),
                        "scope": ["other_organisations"],
                        "reason": (override or "").strip(),
                    },
                )
            payload = PayloadWriter(writer)
            payload.record(
                {
                    "t": "bundle",
                    "r": {
                        "schema": RECORDS_VERSION,
                        "handover": handover,
                        "note": note,
                        "cases": chosen,
                        "case_worker": me.name,
                        # the agency's roster travels with every bundle: a colleague without the
                        # newest one gets it (adopted only if the agency key they trust signed it)
                        **({"roster": known.doc} if (known := current_roster(store)) is not None else {}),
                    },
                }
            )
            for start in range(0, len(chosen), CASES_A_READ):
                part = chosen[start : start + CASES_A_READ]
                for number, table, row in records_of_cases(store, part):
                    payload.record({"t": table, "c": number, "r": row})
                if progress is not None:
                    for _number in part:
                        progress()
            record_seen(store, writer.bundle_id, "sent", to, handover, chosen)
            payload.close()  # the file is in place only if everything above succeeded
            written = True
            files = deliver(
                store,
                output,
                writer.path,
                writer.bundle_id,
                [(r.fingerprint, r.name) for r in recipients],
                "handover" if handover else "copy",
                chosen,
            )
    except BaseException:
        if written:  # the commit failed after the file was moved into place: no half handover
            for path in files or [writer.path]:
                path.unlink(missing_ok=True)
        else:
            writer.abort()
        raise
    return {"bundle_id": writer.bundle_id, "cases": chosen, "handover": handover, "to": to, "output": str(writer.path)}


def check_sharing(
    store: Store,
    numbers: list[str],
    recipients: list[identities.Identity],
    override: str | None,
    everything: bool = False,
    handover: bool = False,
    by_passphrase: bool = False,
) -> tuple[dict[str, str], dict[str, dict]]:
    """Refuse a bundle to another agency beyond a case's consent unless an override reason is given,
    and one the agency wants a supervisor to approve until it is approved (the request is recorded
    then, for `casecli approval request`). Returns the cases that need the override, and the
    approvals the bundle spends (asked before any question, and again at export).

    A bundle `by_passphrase` goes to whoever holds the passphrase: nobody this laptop can name, so
    it is shared as with another agency (the consent's "other organisations", the approvals)."""
    chosen = _cases_to_send(store, numbers, everything)
    me = identities.own(store)
    outside = _another_agency(me, recipients) or by_passphrase
    beyond = _beyond_consent(store, chosen, outside)
    if beyond and not (override or "").strip():
        number, why = next(iter(beyond.items()))
        raise InvalidInput(
            _(
                "export: {number}: {why}; to share with another agency anyway, record why with --override-reason"
                " (nothing was written)"
            ).format(number=", ".join(beyond) if len(beyond) > 1 else number, why=why)
        )
    if not outside:
        return beyond, {}
    return beyond, _approved(store, chosen, recipients, handover, override or "", beyond, by_passphrase)


# Who a supervisor approves sharing with when the bundle opens with a passphrase: whoever holds it.
PASSPHRASE_HOLDER = {"name": "a passphrase holder", "agency": "", "fingerprint": "passphrase"}


def _approved(
    store: Store,
    chosen: list[str],
    recipients: list[identities.Identity],
    handover: bool,
    reason: str,
    beyond: dict[str, str],
    by_passphrase: bool,
) -> dict:
    """The approval each case's sharing needs, approved; or the requests recorded and the export refused."""
    subject = approvals.sharing_subject(
        [{"name": r.name, "agency": r.agency, "fingerprint": r.fingerprint} for r in recipients]
        + ([PASSPHRASE_HOLDER] if by_passphrase else []),
        handover,
        reason if beyond else "",
    )
    wanted: dict[str, str] = {}
    for number in chosen:
        if handover and approvals.needed(store, "handover_other_agency"):
            wanted[number] = "handover_other_agency"
        elif number in beyond and approvals.needed(store, "sharing_beyond_consent"):
            wanted[number] = "sharing_beyond_consent"
    approved, missing = approvals.sharings_approved(store, wanted, subject)
    if not missing:
        return approved
    raise ApprovalNeeded(
        _(
            "export: {numbers}: {what} waits for a supervisor's approval; send the request with"
            " `casecli approval request {number}` and export again once their decision is imported"
            " (nothing was written)"
        ).format(
            numbers=", ".join(missing),
            what=approvals.kind_words(wanted[missing[0]]),
            number=missing[0],
        )
    )


def _beyond_consent(store: Store, numbers: list[str], outside: bool) -> dict[str, str]:
    """Cases whose consent does not cover a recipient `outside` the agency, with why.

    Within the agency (the same agency name) a bundle is case management, which every consent
    covers; even a withdrawn consent must not stop a handover to a colleague, or the child would be
    left with nobody responsible.
    """
    from casecli.case.decisions.consent import sharing_problem

    if not outside:
        return {}
    beyond = {}
    for number in numbers:
        why = sharing_problem(store, number, ["other_organisations"])
        if why:
            beyond[number] = why
    return beyond


def _another_agency(me: identities.Identity, recipients: list[identities.Identity]) -> bool:
    """Whether a recipient works for another agency than mine (by the agency's name)."""
    mine = me.agency.strip().casefold()
    return any(r.agency.strip().casefold() != mine for r in recipients)
