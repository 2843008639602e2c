"""A handover in flight: pending from the export until the receiver's receipt comes back.

Until then the sender's copy is read-only but still the sender's: it shows to whom and when it was
sent, and the sender can revoke it (the bundle was lost, or never arrived). An accepted receipt makes
the case transferred, a refused one makes it active again. A refusal and a revocation join the case's
history; every outcome is kept in the `handovers` table, which `show` lists.
"""

from __future__ import annotations

import datetime as dt
import json

from casecli.case.due import lifecycle
from casecli.case.file.history import append_event
from casecli.case.file.lookup import pending_handover, resolve
from casecli.errors import InvalidInput
from casecli.handover.receipts import proven
from casecli.i18n import _
from casecli.store.db import Store, utc_now


def record_pending(
    store: Store,
    bundle_id: str,
    number: str,
    recipients: list[tuple[str, str]],
    reason: str,
    at: str,
    receipt_key: bytes | None = None,
) -> None:
    """The case waits for the receipt; call inside the export's transaction. `receipt_key`: what
    the receipt of a passphrase handover must prove it knows (handover/receipts.py)."""
    store.conn.execute(
        "UPDATE cases SET status = 'handover_pending', updated_at = ? WHERE case_number = ?", (at, number)
    )
    store.conn.execute(
        "INSERT INTO handovers (bundle_id, case_number, recipients, recipient_names, reason, sent_at, receipt_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            bundle_id,
            number,
            json.dumps([fingerprint for _name, fingerprint in recipients]),
            ", ".join(name for name, _fingerprint in recipients) or _("a passphrase holder"),
            reason,
            at,
            receipt_key.hex() if receipt_key is not None else None,
        ),
    )


def revoke(store: Store, text: str, reason: str) -> dict:
    """Take back a pending handover: the case is active again here, and the history says why."""
    number = resolve(store, text)
    if not reason.strip():
        raise InvalidInput(_("--reason: say why the handover is revoked (e.g. the bundle was lost)"))
    pending = pending_handover(store, number)
    if pending is None:
        raise InvalidInput(_("{number} has no handover waiting for a receipt").format(number=number))
    actor = store.profile()["name"]
    now = utc_now()
    with store.transaction():
        _settle(store, number, pending["bundle_id"], "revoked", actor, reason.strip(), now)
        store.conn.execute("UPDATE cases SET status = 'open', updated_at = ? WHERE case_number = ?", (now, number))
        append_event(
            store,
            number,
            actor,
            "handover revoked",
            "Handover revoked; the case is active here again",
            {"bundle": pending["bundle_id"], "reason": reason.strip()},
        )
        lifecycle.refresh(store, number)
    return {"case_number": number, **pending}


def apply_receipt(store: Store, receipt: dict, signer_fingerprint: str, signer_name: str) -> dict[str, str]:
    """Settle each case a receipt names; returns what became of each (call inside a transaction)."""
    bundle_id, accepted = receipt["bundle"], receipt["accepted"]
    note = receipt.get("reason", "")
    done: dict[str, str] = {}
    for number in receipt["cases"]:
        row = store.conn.execute(
            "SELECT h.recipients, h.outcome, c.status, h.receipt_key FROM handovers h"
            " JOIN cases c ON c.case_number = h.case_number"
            " WHERE h.bundle_id = ? AND h.case_number = ?",
            (bundle_id, number),
        ).fetchone()
        if row is None:
            done[number] = "unknown"
            continue
        recipients, outcome, status, key = json.loads(row[0]), row[1], row[2], row[3]
        receiver = (receipt.get("receiver") or {}).get("fingerprint")
        if (recipients and signer_fingerprint not in recipients) or (receiver and receiver != signer_fingerprint):
            done[number] = "not_a_recipient"  # (a receipt naming a receiver other than its signer, too)
            continue
        if not recipients and not proven(receipt, key):  # a passphrase handover: the passphrase, proven
            done[number] = "unproven"
            continue
        if outcome == "revoked" and accepted:
            # The receiver took the case after the sender had revoked it: both now hold it as
            # theirs. Nothing is changed here; the worker is told to agree who keeps it.
            done[number] = "accepted_after_revoke"
            append_event(
                store,
                number,
                store.profile()["name"],
                "receipt",
                f"{signer_name} accepted the handover after it was revoked: agree who keeps the case",
                {"bundle": bundle_id, "accepted": True, "by": signer_fingerprint, "at": receipt["at"]},
            )
            continue
        if outcome is not None or status != "handover_pending":
            done[number] = "already_settled"
            continue
        _settle(store, number, bundle_id, "accepted" if accepted else "refused", signer_name, note, receipt["at"])
        store.conn.execute(
            "UPDATE cases SET status = ?, updated_at = ? WHERE case_number = ?",
            ("transferred" if accepted else "open", utc_now(), number),
        )
        if not accepted:
            append_event(
                store,
                number,
                store.profile()["name"],
                "receipt",
                f"Handover refused by {signer_name}; the case is active here again",
                {"bundle": bundle_id, "accepted": False, "reason": note, "by": signer_fingerprint, "at": receipt["at"]},
            )
        # An accepted handover adds no event: this copy's history must stay the start of the
        # receiver's, so that the case handed back later continues it. The handovers table keeps
        # the outcome, and `show` lists it.
        done[number] = "transferred" if accepted else "active_again"
    lifecycle.refresh_all(store, sorted(n for n, what in done.items() if what in ("transferred", "active_again")))
    return done


def _settle(store: Store, number: str, bundle_id: str, outcome: str, by: str, note: str, at: str) -> None:
    store.conn.execute(
        "UPDATE handovers SET outcome = ?, outcome_at = ?, outcome_by = ?, outcome_note = ?"
        " WHERE bundle_id = ? AND case_number = ?",
        (outcome, at, by, note, bundle_id, number),
    )


def waiting(store: Store, today: dt.date) -> list[dict]:
    """Every handover still waiting for its receipt, oldest first, with the days it has waited."""

    rows = store.conn.execute(
        "SELECT case_number, bundle_id, recipient_names, reason, sent_at FROM handovers"
        " WHERE outcome IS NULL ORDER BY sent_at, case_number"
    )
    return [
        {
            "case_number": number,
            "bundle_id": bundle,
            "to": to,
            "reason": reason,
            "sent_at": sent,
            # never below 0: a laptop's clock set back, or a day fixed for training, may be behind sent_at
            "days_waiting": max((today - dt.date.fromisoformat(sent[:10])).days, 0),
        }
        for number, bundle, to, reason, sent in rows
    ]
