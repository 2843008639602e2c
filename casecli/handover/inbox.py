"""Taking bundles out of my mailbox inbox: the receipt back to each sender, refusals aside.

The import itself is `import`'s (import_plan: the same checks, questions and transaction); this is
what the mailbox adds around it. A receipt goes back for every bundle but a receipt: accepted once
the bundle is imported, refused (with the reason) when casecli refused it and its signature still
says who sent it. A bundle whose signature fails names nobody who could be told.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from casecli.errors import BundleRejected, InvalidInput
from casecli.fsutil import replace_file
from casecli.handover import mailbox_log
from casecli.handover.bundle import BundleReader
from casecli.handover.mailbox import KEPT, Entry, Mailbox, describe, real_folder, refuse, remove
from casecli.handover.receipts import KIND as RECEIPT
from casecli.handover.receipts import write_receipt
from casecli.handover.roster import Roster
from casecli.handover.seen import record_refused
from casecli.i18n import _
from casecli.store import settings
from casecli.store.db import Store

if TYPE_CHECKING:
    from casecli.handover.import_plan import ImportPlan
    from casecli.handover.settle import Settled


def answer(store: Store, mailbox: Mailbox, reader: BundleReader, cases: list[str], accepted: bool, reason: str) -> dict:
    """Write the signed receipt of the bundle `reader` brought into its sender's inbox, and record it."""
    written = write_receipt(store, reader, cases, accepted, reason, mailbox.inbox(reader.fingerprint))
    with store.transaction():
        mailbox_log.posted(
            store,
            written["receipt_id"],
            [(reader.fingerprint, reader.sender_name)],
            RECEIPT,
            cases,
            Path(written["output"]),
            answers=reader.bundle_id,
        )
        mailbox_log.heard(store, reader.fingerprint, reader.sender_name)
    return written


def taken(store: Store, mailbox: Mailbox, entry: Entry, reader: BundleReader, kind: str, cases: list[str]) -> None:
    """A bundle imported (or read): its receipt to the sender, unless it is a receipt; then out of my inbox."""
    if kind != RECEIPT:
        answer(store, mailbox, reader, cases, True, "")
    else:
        with store.transaction():
            mailbox_log.heard(store, reader.fingerprint, reader.sender_name)
    remove(entry)


def keep(store: Store, mailbox: Mailbox, entry: Entry, reader: BundleReader, kind: str) -> Path:
    """A bundle only read (a tracing request): its receipt to the sender, and the file moved to
    my inbox's `kept/`, where `casecli import` reads it again."""

    answer(store, mailbox, reader, [], True, "")
    folder = real_folder(real_folder(entry.path.parent) / KEPT, make=True)
    target = folder / entry.path.name
    replace_file(entry.path, target)
    return target


def taken_before(store: Store, mailbox: Mailbox, entry: Entry) -> None:
    """A bundle imported earlier and still in my inbox (a run cut off before it was removed): its
    receipt written if it was not, then removed."""
    if not mailbox_log.receipt_sent(store, entry.bundle_id):
        reader = _verified(entry.path)
        if reader is not None:
            about = describe(store, entry, reader)
            if about["kind"] != RECEIPT:
                answer(store, mailbox, reader, about["cases"], True, "")
    remove(entry)


def refused(store: Store, mailbox: Mailbox, entry: Entry, reason: str, me: str) -> Path:
    """Move a refused bundle to `refused/` with its reason; tell a sender whose signature holds."""
    reader = _verified(entry.path)
    about: dict = {"kind": "", "cases": []}
    if reader is not None and me in reader.recipients():
        with contextlib.suppress(BundleRejected):  # cases unknown: the receipt names none
            about = describe(store, entry, reader)
    moved = refuse(entry, reason, settings.get(store, "mailbox.refused_keep"))
    if reader is not None and reader.fingerprint != me and about["kind"] != RECEIPT:
        _answer_refusal(store, mailbox, reader, about["cases"], reason)
    return moved


def decline(store: Store, mailbox: Mailbox, entry: Entry, reader: BundleReader, cases: list[str], reason: str) -> Path:
    """A handover the worker refuses: the refused receipt to the sender (their case becomes active
    again there), the bundle remembered and moved to `refused/`. The worker's words travel only in
    the encrypted receipt: the file beside the bundle is plain text, so it says only who refused."""
    _answer_refusal(store, mailbox, reader, cases, reason)
    return refuse(
        entry,
        _("refused by its receiver; the reason travels in the encrypted receipt"),
        settings.get(store, "mailbox.refused_keep"),
    )


def _answer_refusal(store: Store, mailbox: Mailbox, reader: BundleReader, cases: list[str], reason: str) -> None:
    """The refused receipt to the sender, and the bundle remembered as refused."""
    answer(store, mailbox, reader, cases, False, reason)
    with store.transaction():
        record_refused(store, reader)


@dataclass(frozen=True)
class Filed:
    """A bundle of my inbox settled (`settled`, as `import` settles it) and filed: out of my inbox
    with its receipt sent, or, for a tracing request only read, `kept` for reading again. When the
    receipt could not be written (`receipt_later`: why), the import stands and the file stays in my
    inbox: the next `inbox import` finds it imported and sends the receipt then."""

    settled: Settled
    kept: Path | None = None
    receipt_later: str | None = None


def settle_entry(
    store: Store,
    mailbox: Mailbox,
    entry: Entry,
    plan: ImportPlan | None,
    today: dt.date,
    ask: Callable[[ImportPlan], None],
) -> Filed:
    """One bundle of my inbox settled as `import` settles it (`plan` None: imported before, known
    by its header's id), then filed."""
    from casecli.handover.mailbox import kind_of
    from casecli.handover.settle import AlreadyImported, DecisionSettled, TracingRequestRead, settle

    if plan is None or plan.already_imported:
        settled: Settled = AlreadyImported()
    else:
        settled = settle(store, plan, today, ask)
    try:
        if plan is None or isinstance(settled, AlreadyImported):  # its receipt, if any, went from the first import
            taken_before(store, mailbox, entry)
            return Filed(settled)
        incoming = plan.incoming
        kind = kind_of(incoming.meta)
        if isinstance(settled, TracingRequestRead):
            return Filed(settled, kept=keep(store, mailbox, entry, incoming.reader, kind))
        if isinstance(settled, DecisionSettled):
            assert incoming.decision is not None
            cases = [incoming.decision[0]["case"]]
        else:
            cases = [] if incoming.receipt is not None else sorted(incoming.cases)
        taken(store, mailbox, entry, incoming.reader, kind, cases)
    except (OSError, InvalidInput) as exc:  # a full disk, a link where the sender's inbox should be …
        why = exc.message if isinstance(exc, InvalidInput) else (exc.strerror or type(exc).__name__)
        return Filed(settled, receipt_later=why)
    return Filed(settled)


def _verified(path: Path) -> BundleReader | None:
    try:
        reader = BundleReader(path)
        reader.verify()
    except BundleRejected:
        return None
    return reader


def newer_roster(store: Store, mailbox: Mailbox) -> Roster | None:
    """The roster in the mailbox's agency folder, when it is newer than this store's and adopted;
    None when there is none, none is trusted here, or it is not newer."""
    import os

    from casecli.handover import roster
    from casecli.handover.mailbox import AGENCY

    if roster.pinned(store) is None or not os.path.lexists(mailbox.root / AGENCY):
        return None  # none trusted here, or the coordinator has put nothing there yet
    path = mailbox.roster_file()  # a link in the agency folder's place is refused
    if not path.is_file() or path.is_symlink():
        return None
    outcome, found = roster.from_file(store, path)
    return found if outcome == "adopted" else None
