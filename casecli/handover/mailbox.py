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

import datetime as dt
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from casecli.errors import BundleRejected, InvalidInput
from casecli.fsutil import replace_file, write_private_atomic
from casecli.handover.bundle import BUNDLE_SUFFIX, BundleReader
from casecli.handover.seen import already_imported
from casecli.i18n import _
from casecli.plaintext import file_name
from casecli.store.db import Store

FOLDER_KEY = "mailbox.folder"
REFUSED = "refused"
KEPT = "kept"
BACKUPS = "backups"
AGENCY = "agency"  # the agency's signed roster, put there by its coordinator (handover/roster.py)
REASON_SUFFIX = ".reason.txt"
# Ignore patterns for Syncthing (`.stignore` syntax): casecli's files being written. `(?d)` lets
# Syncthing delete them when they are in the way of removing a folder.
IGNORE_PATTERNS = ["(?d).*.partial", "(?d).*.tmp", "(?d).casecli-*"]
# The team's mailbox folder never carries the backups: each worker's are a Syncthing folder of their
# own (`mailbox setup`), shared only with that worker's other devices and the head office's.
TEAM_IGNORES = [*IGNORE_PATTERNS, "(?d)/backups"]


def backups_folder_id(prefix: str) -> str:
    """Syncthing's ID for one laptop's backups folder (`backups/PREFIX/` in the mailbox layout)."""
    return f"casecli-backups-{prefix}"


# Windows refuses these as file names (with any extension): a name from the folder is never reused
# for a file casecli writes, but a refused file keeps its own name only when it is a plain one.
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


class UnsafeFolder(InvalidInput):
    """A folder of the mailbox that is a link (or not a folder): casecli writes nothing through it."""


def real_folder(path: Path, make: bool = False) -> Path:
    """`path` if it is a real folder, not a link to one (made when `make` and missing); else
    UnsafeFolder naming it. Anyone who can write into the shared folder can put a link where an
    inbox, `refused/` or `kept/` should be: what casecli writes or moves there would land in the
    folder the link points to."""
    for attempt in range(2):
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            if not make or attempt:
                raise UnsafeFolder(_("mailbox: {path} is not there").format(path=file_name(path))) from None
            path.mkdir(exist_ok=True)  # mkdir never follows a link: one in the way makes it fail
            continue
        if stat.S_ISDIR(mode) and not stat.S_ISLNK(mode):
            return path
        break
    raise UnsafeFolder(
        _("mailbox: {path} is a link or a file, not a folder: left alone, nothing written through it").format(
            path=file_name(path)
        )
    )


def plain_name(name: str) -> bool:
    """A file name casecli may keep as it is (for a refused bundle): short, printable ASCII, not one
    Windows reserves."""
    return (
        0 < len(name) <= 120
        and name.isascii()
        and name.isprintable()
        and not name.startswith(".")
        and name.split(".")[0].lower() not in WINDOWS_RESERVED
        and "/" not in name
        and "\\" not in name
    )


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
        """The identity's inbox, made if it is not there yet (the first bundle for a colleague); a
        link in its place is refused (UnsafeFolder)."""
        real_folder(self.root)
        return real_folder(self.inbox_path(fingerprint), make=True)

    def roster_file(self) -> Path:
        """Where the coordinator puts the agency's roster for every worker (a link is refused)."""
        return real_folder(real_folder(self.root) / AGENCY) / "roster.json"

    def backups(self, prefix: str) -> Path:
        """This laptop's backups folder in the mailbox (made if missing; a link is refused)."""
        return real_folder(real_folder(real_folder(self.root) / BACKUPS, make=True) / prefix, make=True)


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
        root.mkdir(parents=True, exist_ok=True)
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
    state: str  # ready, partial, other, not_for_me, seen, unreadable, link, too_large
    bundle_id: str = ""
    sender: str = ""
    fingerprint: str = ""
    created: str = ""
    reason: str = ""

    @property
    def name(self) -> str:
        """The file's name, escaped for a person (not UTF-8, controls): what every line shows."""
        return file_name(self.path.name)


def scan(store: Store, mailbox: Mailbox, me: str) -> list[Entry]:
    """What is in my inbox (not in its `refused/`), oldest first; headers read, nothing decrypted.
    A link (symbolic or hard) is listed and left alone; a file larger than the agency allows
    (`mailbox.max_bundle_mib`) is listed and skipped without being read."""
    from casecli.store import settings

    folder = mailbox.inbox_path(me)
    if not os.path.lexists(folder):
        return []
    real_folder(real_folder(mailbox.root) / folder.name)
    largest = settings.get(store, "mailbox.max_bundle_mib") * 1024 * 1024
    entries = []
    with os.scandir(folder) as items:
        for item in items:
            path = Path(item.path)
            if item.is_symlink():
                entries.append(Entry(path, "link", reason=_("a link: left alone")))
                continue
            if being_written(item.name):  # Syncthing's and casecli's files come and go: never stat them
                entries.append(Entry(path, "partial"))
                continue
            try:
                if not item.is_file(follow_symlinks=False):
                    continue
                facts = item.stat(follow_symlinks=False)
            except FileNotFoundError:  # gone since the folder was listed (a sync moving it): not there
                continue
            if facts.st_nlink > 1:
                entries.append(Entry(path, "link", reason=_("a hard link to another file: left alone")))
            elif not item.name.endswith(BUNDLE_SUFFIX):
                entries.append(Entry(path, "other"))
            elif facts.st_size > largest:
                entries.append(Entry(path, "too_large", reason=_("larger than the agency allows: not read")))
            else:
                entries.append(_entry(store, path, me))
    return sorted(entries, key=lambda e: (e.created, os.fsencode(e.path.name)))


def stale_partials(mailbox: Mailbox, me: str, now: float, age_seconds: int = 86400) -> int:
    """Files in my inbox still named as being written after a day: a copy cut off, or a stuck sync."""
    folder = mailbox.inbox_path(me)
    if not folder.is_dir():
        return 0
    stale = 0
    with os.scandir(folder) as items:
        for item in items:
            if not being_written(item.name):
                continue
            try:  # a temporary file may be renamed away between the listing and this look
                stale += item.is_file(follow_symlinks=False) and now - item.stat().st_mtime > age_seconds
            except FileNotFoundError:
                continue
    return stale


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


def refuse(entry: Entry, reason: str, keep: int | None = None) -> Path:
    """Move a refused bundle to my inbox's `refused/` with its reason beside it (the reason is a
    casecli error line: file names and case numbers, never a child's data). It keeps its name when
    that is a plain one not taken yet; otherwise (a name too long, not UTF-8, reserved on Windows,
    or an earlier refusal's) it gets a new one, and the reason says which file it was. Only the
    newest `keep` refusals stay (`mailbox.refused_keep`)."""
    folder = real_folder(real_folder(entry.path.parent) / REFUSED, make=True)
    name = entry.path.name
    if not plain_name(name) or os.path.lexists(folder / name):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        name = f"refused-{stamp}-{secrets.token_hex(4)}{BUNDLE_SUFFIX}"
    text = reason.strip() if name == entry.path.name else f"{entry.name}: {reason.strip()}"
    write_private_atomic(folder / (name + REASON_SUFFIX), (text + "\n").encode("utf-8", "backslashreplace"))
    target = folder / name
    if os.lstat(entry.path).st_nlink > 1 or os.path.islink(entry.path):  # changed since the scan
        raise UnsafeFolder(_("mailbox: {path} became a link: left alone").format(path=entry.name))
    replace_file(entry.path, target)
    if keep is not None:
        trim_refused(folder, keep)
    return target


def refused_files(folder: Path) -> list[Path]:
    """The refused bundles (not their reasons) of a `refused/` folder, oldest first."""
    if not os.path.isdir(folder) or os.path.islink(folder):
        return []
    with os.scandir(folder) as items:
        found = [
            (item.stat(follow_symlinks=False).st_mtime, Path(item.path))
            for item in items
            if item.is_file(follow_symlinks=False) and not item.name.endswith(REASON_SUFFIX)
        ]
    return [path for _mtime, path in sorted(found, key=lambda f: (f[0], os.fsencode(f[1].name)))]


def trim_refused(folder: Path, keep: int) -> int:
    """Remove the oldest refusals beyond `keep` (each with its reason); how many went."""
    old = refused_files(folder)
    gone = old[: max(len(old) - keep, 0)]
    for path in gone:
        path.unlink(missing_ok=True)
        path.with_name(path.name + REASON_SUFFIX).unlink(missing_ok=True)
    return len(gone)


def remove(entry: Entry) -> None:
    """Take an imported bundle out of my inbox (Syncthing removes it on every laptop)."""
    entry.path.unlink(missing_ok=True)
