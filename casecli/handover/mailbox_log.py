"""What went through the mailbox: each bundle sent (to whom, when), delivered (gone from their
inbox: they took it) and acknowledged (their signed receipt came back); and when each colleague was
last heard from. Local to this store; `mailbox status` and the agenda read it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from casecli.fsutil import replace_file
from casecli.handover.mailbox import REFUSED, Mailbox
from casecli.store.db import Store, utc_now


def posted(
    store: Store,
    bundle_id: str,
    recipients: list[tuple[str, str]],
    kind: str,
    cases: list[str],
    file: Path,
    answers: str | None = None,
) -> None:
    """Record a bundle written into the inboxes of `recipients` (fingerprint, name)."""
    now = utc_now()
    with store.transaction():
        store.conn.executemany(
            "INSERT OR REPLACE INTO mailbox_sent (bundle_id, recipient, recipient_name, kind, cases, file, answers,"
            " sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (bundle_id, fingerprint, name, kind, json.dumps(cases), file.name, answers, now)
                for fingerprint, name in recipients
            ],
        )


def deliver(
    store: Store,
    output: Path | Mailbox,
    written: Path,
    bundle_id: str,
    recipients: list[tuple[str, str]],
    kind: str,
    cases: list[str],
    answers: str | None = None,
) -> list[Path]:
    """A bundle just written: into a mailbox, copied to each other recipient's inbox and recorded as
    sent (in the caller's transaction, so that a failed commit can remove the files). A file
    written elsewhere is left alone. Returns every file written."""
    if not isinstance(output, Mailbox):
        return [written]
    import shutil

    files = [written]
    for fingerprint, _name in recipients[1:]:
        inbox = output.inbox(fingerprint)
        partial = inbox / f".casecli-{written.name}.partial"
        shutil.copyfile(written, partial)
        replace_file(partial, inbox / written.name)
        files.append(inbox / written.name)
    posted(store, bundle_id, recipients, kind, cases, written, answers)
    return files


def receipt_sent(store: Store, bundle_id: str) -> bool:
    """Whether the receipt answering `bundle_id` was written already (an import cut off before it is not)."""
    return store.conn.execute("SELECT 1 FROM mailbox_sent WHERE answers = ?", (bundle_id,)).fetchone() is not None


def acknowledged(store: Store, receipt: dict, fingerprint: str) -> bool:
    """A receipt came back: the bundle it names is acknowledged by its signer (call in a transaction)."""
    cursor = store.conn.execute(
        "UPDATE mailbox_sent SET acknowledged_at = ?, delivered_at = coalesce(delivered_at, ?), accepted = ?,"
        " reason = ? WHERE bundle_id = ? AND recipient = ? AND acknowledged_at IS NULL",
        (
            receipt["at"],
            receipt["at"],
            int(receipt["accepted"]),
            receipt.get("reason", ""),
            receipt["bundle"],
            fingerprint,
        ),
    )
    return cursor.rowcount > 0


def heard(store: Store, fingerprint: str, name: str) -> None:
    """A verified bundle of theirs was read from the mailbox (call in a transaction)."""
    store.conn.execute(
        "INSERT INTO mailbox_heard (fingerprint, name, last_at) VALUES (?, ?, ?)"
        " ON CONFLICT (fingerprint) DO UPDATE SET name = excluded.name, last_at = excluded.last_at",
        (fingerprint, name, utc_now()),
    )


def check_delivered(store: Store, mailbox: Mailbox) -> int:
    """Mark delivered what has left its recipient's inbox (imported, or refused into `refused/`);
    looks only at bundles not yet delivered. Returns how many were marked."""
    rows = store.conn.execute(
        "SELECT bundle_id, recipient, file FROM mailbox_sent WHERE delivered_at IS NULL"
    ).fetchall()
    gone = []
    for bundle_id, recipient, file in rows:
        inbox = mailbox.inbox_path(recipient)
        if not (inbox / file).exists():
            refused = (inbox / REFUSED / file).exists()
            gone.append((utc_now(), 0 if refused else None, bundle_id, recipient))
    if gone:
        with store.transaction():
            store.conn.executemany(
                "UPDATE mailbox_sent SET delivered_at = ?, accepted = coalesce(accepted, ?)"
                " WHERE bundle_id = ? AND recipient = ?",
                gone,
            )
    return len(gone)


def status(store: Store, today: dt.date) -> list[dict]:
    """Per colleague: bundles sent, delivered, acknowledged, still waiting; when last sent to and heard from."""
    rows = store.conn.execute(
        "SELECT s.recipient, max(s.recipient_name), count(*), count(s.delivered_at), count(s.acknowledged_at),"
        " max(s.sent_at), min(CASE WHEN s.acknowledged_at IS NULL AND s.kind != 'receipt' THEN s.sent_at END),"
        " sum(s.kind = 'receipt'), sum(s.accepted = 0) FROM mailbox_sent s GROUP BY s.recipient"
    ).fetchall()
    heard = {f: (n, at) for f, n, at in store.conn.execute("SELECT fingerprint, name, last_at FROM mailbox_heard")}
    contacts = {f: n for n, f in store.conn.execute("SELECT name, fingerprint FROM contacts")}

    def colleague(fingerprint: str, name: str) -> dict:
        return {
            "contact": contacts.get(fingerprint, ""),
            "name": name,
            "fingerprint": fingerprint,
            "sent": 0,
            "delivered": 0,
            "acknowledged": 0,
            "receipts_sent": 0,
            "refused": 0,
            "unacknowledged_days": None,
            "last_sent": None,
            "last_heard": heard.get(fingerprint, ("", None))[1],
        }

    found = {}
    for fingerprint, name, sent, delivered, acked, last_sent, oldest_waiting, receipts, refused in rows:
        found[fingerprint] = {
            **colleague(fingerprint, name),
            "sent": sent,
            "delivered": delivered,
            "acknowledged": acked,
            "receipts_sent": receipts or 0,
            "refused": refused or 0,
            "unacknowledged_days": _days(oldest_waiting, today),
            "last_sent": last_sent,
        }
    for fingerprint, (name, _at) in heard.items():
        found.setdefault(fingerprint, colleague(fingerprint, name))
    return sorted(found.values(), key=lambda row: (row["contact"] or row["name"]).casefold())


def _days(at: str | None, today: dt.date) -> int | None:
    if not at:
        return None
    return max((today - dt.date.fromisoformat(at[:10])).days, 0)
