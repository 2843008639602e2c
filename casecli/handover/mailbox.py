"""The agency mailbox: a shared folder with an inbox per identity, named by its fingerprint.

    MAILBOX/
      0A1B-2C3D-4E5F-6071-8293/          an inbox: bundles for that identity
        <sha256 of the file>.bundle        (named by content: two laptops never write one name)
        refused/<name>  <name>.reason.txt  what its owner refused, and why
      backups/<case number prefix>/        this laptop's encrypted backups (the last N)

Syncthing keeps the folder the same on every laptop of the team (or it is a USB stick, or a network
share: casecli never needs Syncthing to read or write it). A file is written under a name starting
with a dot and ending in .partial, then renamed; Syncthing is told to ignore such names and a reader
skips them, like Syncthing's own temporary files. Scanning reads only my inbox: its cost grows with
what is addressed to me, never with the rest of the team's traffic. Nothing here decrypts a payload
but `describe`, for the one bundle it is asked about.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from casecli.errors import BundleRejected, InvalidInput
from casecli.fsutil import write_private_atomic
from casecli.handover.bundle import BUNDLE_SUFFIX, BundleReader
from casecli.handover.seen import already_imported
from casecli.i18n import _
from casecli.store.db import Store

FOLDER_KEY = "mailbox.folder"
REFUSED = "refused"
KEPT = "kept"
BACKUPS = "backups"
REASON_SUFFIX = ".reason.txt"
# Ignore patterns for Syncthing (`.stignore` syntax): casecli's files being written. `(?d)` lets
# Syncthing delete them when they are in the way of removing a folder.
IGNORE_PATTERNS = ["(?d).*.partial", "(?d).*.tmp", "(?d).casecli-*"]


def inbox_name(fingerprint: str) -> str:
    """An inbox's folder name: the fingerprint with dashes (no spaces in a path)."""
    return fingerprint.strip().replace(" ", "-")


def being_written(name: str) -> bool:
    """Whether a file name is one still being written or synchronised (casecli's or Syncthing's)."""
    return name.startswith((".", "~syncthing~")) or name.endswith((".partial", ".tmp"))


@dataclass(frozen=True)
class Mailbox:
    root: Path

    def inbox_path(self, fingerprint: str) -> Path:
        return self.root / inbox_name(fingerprint)

    def inbox(self, fingerprint: str) -> Path:
        """The identity's inbox, made if it is not there yet (the first bundle for a colleague)."""
        folder = self.inbox_path(fingerprint)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def backups(self, prefix: str) -> Path:
        return self.root / BACKUPS / prefix


def destination(output: Path | Mailbox, fingerprint: str) -> Path:
    """Where a bundle for `fingerprint` is written: a file, or a folder (their inbox) that names it."""
    return output.inbox(fingerprint) if isinstance(output, Mailbox) else output


def configured(store: Store) -> Mailbox:
    """The mailbox this store uses; refused in one line when none is set or it is not reachable."""
    recorded = store.meta(FOLDER_KEY)
    if not recorded:
        raise InvalidInput(_("mailbox: none set yet; run `casecli mailbox set FOLDER` first"))
    root = Path(recorded)
    if not root.is_dir():
        raise InvalidInput(
            _("mailbox: the folder {path} is not there (a stick not plugged in, or a folder moved?)").format(path=root)
        )
    return Mailbox(root)


def set_folder(store: Store, path: Path, fingerprint: str) -> Mailbox:
    """Record the mailbox folder (made if missing), with my inbox in it, after checking it is writable."""
    root = path.expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise InvalidInput(_("mailbox: {path} is a file, not a folder").format(path=root))
    try:
        mailbox = Mailbox(root)
        probe = mailbox.inbox(fingerprint) / ".casecli-check.partial"
        write_private_atomic(probe, b"")
        probe.unlink()
    except OSError as exc:
        raise InvalidInput(
            _("mailbox: cannot write into {path} ({reason})").format(path=root, reason=exc.strerror)
        ) from None
    with store.transaction():
        store.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (FOLDER_KEY, str(root)))
    return mailbox


@dataclass
class Entry:
    """A file in my inbox, as far as its header tells (nothing decrypted)."""

    path: Path
    state: str  # ready, partial, other, not_for_me, seen, unreadable
    bundle_id: str = ""
    sender: str = ""
    fingerprint: str = ""
    created: str = ""
    reason: str = ""

    @property
    def name(self) -> str:
        return self.path.name


def scan(store: Store, mailbox: Mailbox, me: str) -> list[Entry]:
    """What is in my inbox (not in its `refused/`), oldest first; headers read, nothing decrypted."""
    folder = mailbox.inbox_path(me)
    if not folder.is_dir():
        return []
    entries = []
    with os.scandir(folder) as items:
        for item in items:
            if not item.is_file():
                continue
            path = Path(item.path)
            if being_written(item.name):
                entries.append(Entry(path, "partial"))
            elif not item.name.endswith(BUNDLE_SUFFIX):
                entries.append(Entry(path, "other"))
            else:
                entries.append(_entry(store, path, me))
    return sorted(entries, key=lambda e: (e.created, e.name))


def stale_partials(mailbox: Mailbox, me: str, now: float, age_seconds: int = 86400) -> int:
    """Files in my inbox still named as being written after a day: a copy cut off, or a stuck sync."""
    folder = mailbox.inbox_path(me)
    if not folder.is_dir():
        return 0
    with os.scandir(folder) as items:
        return sum(1 for i in items if i.is_file() and being_written(i.name) and now - i.stat().st_mtime > age_seconds)


def _entry(store: Store, path: Path, me: str) -> Entry:
    try:
        reader = BundleReader(path)
    except BundleRejected as exc:
        return Entry(path, "unreadable", reason=str(exc))
    entry = Entry(path, "ready", reader.bundle_id, reader.sender_name, reader.fingerprint)
    entry.created = str(reader.header.get("created", ""))[:40]
    if me not in reader.recipients():
        entry.state = "not_for_me"
    elif already_imported(store, reader.bundle_id):
        entry.state = "seen"
    return entry


def describe(store: Store, entry: Entry, reader: BundleReader | None = None) -> dict:
    """What a bundle in my inbox is (kind, cases), from its signed description: checks the
    signature (unless `reader` has checked it already) and decrypts the first record only."""
    from casecli.handover import identity as identities

    if reader is None:
        reader = BundleReader(entry.path)
        reader.verify()
    encryption_private, _signing = identities.private_keys(store)
    first: dict = next(iter(reader.lines(reader.file_key(encryption_private, identities.own(store).fingerprint))), {})
    found = first.get("r") if first.get("t") == "bundle" else None
    meta: dict = found if isinstance(found, dict) else {}
    cases = meta.get("cases") if isinstance(meta.get("cases"), list) else []
    receipt: dict = meta["receipt"] if isinstance(meta.get("receipt"), dict) else {}
    return {
        "kind": kind_of(meta),
        "cases": [str(n)[:24] for n in (cases or receipt.get("cases") or [])][:1000],
        "contact": identities.contact_by_signing_key(store, reader.sender_signing),
    }


def kind_of(meta: dict) -> str:
    """A bundle's kind by its description: handover, copy, receipt, approval-decision, tracing-request."""
    kind = meta.get("kind")
    if isinstance(kind, str) and kind:
        return kind[:40]
    return "handover" if meta.get("handover") else "copy"


def refuse(entry: Entry, reason: str) -> Path:
    """Move a refused bundle to my inbox's `refused/` with its reason beside it (the reason is a
    casecli error line: file names and case numbers, never a child's data)."""
    folder = entry.path.parent / REFUSED
    folder.mkdir(exist_ok=True)
    target = folder / entry.name
    write_private_atomic(folder / (entry.name + REASON_SUFFIX), (reason.strip() + "\n").encode())
    os.replace(entry.path, target)
    return target


def remove(entry: Entry) -> None:
    """Take an imported bundle out of my inbox (Syncthing removes it on every laptop)."""
    entry.path.unlink(missing_ok=True)
