"""The mailbox is untrusted ground: anyone who can write into the shared folder can put links, odd
names, huge or malformed files there. Nothing is written or moved through a link, any name is shown
escaped, one bad file never stops the others, and refusals are kept within a limit."""

from __future__ import annotations

import json
import os
import time

import pytest

from casecli.handover.bundle import MAGIC

from .test_handover import NOTE
from .test_mailbox import inbox_of, office  # noqa: F401  (a fixture)

posix_only = pytest.mark.posix_only(reason="symbolic links and byte file names are POSIX's")


def header_file(path, header: dict | list | str, body: bytes = b"\0" * 200) -> None:
    """A file with a bundle's magic and a header of any shape (nothing signed: no key needed)."""
    path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + body)


def good_header(recipient: str) -> dict:
    return {
        "bundle": 1,
        "id": "ab" * 16,
        "created": "2026-11-23T10:00:00+00:00",
        "sender": {"name": "X", "agency": "Y", "encryption_public": "AAAA", "signing_public": "AAAA"},
        "recipients": [{"type": "x25519", "recipient": recipient}],
        "payload": {"chunk": 65536},
    }


def two_good_copies(ana, box):
    for first in ("Kevin", "Brenda"):
        ana.ok("send", ana.register(name_first=first), "--to", "luis", "--answers", ana.write("n.json", NOTE))


@posix_only
def test_a_linked_refused_kept_or_inbox_folder_gets_nothing_written_through_it(office, tmp_path):  # noqa: F811
    ana, luis, box = office
    worker_files = tmp_path / "my-documents"
    worker_files.mkdir()
    (worker_files / "notes.txt").write_text("mine")
    inbox = inbox_of(luis, box)
    inbox.mkdir(exist_ok=True)
    (inbox / "refused").symlink_to(worker_files)
    (inbox / "kept").symlink_to(worker_files)
    (inbox / "junk.bundle").write_bytes(MAGIC + b"not a header\n")
    two_good_copies(ana, box)
    result = luis("inbox", "import", "--all", "--yes")
    assert result.exit_code == 0 and "internal error" not in result.output + result.stderr
    assert "2 imported, 1 refused, 2 skipped." in result.stdout  # the two links: reported, left alone
    assert sorted(p.name for p in worker_files.iterdir()) == ["notes.txt"]  # nothing written or moved there
    assert (inbox / "junk.bundle").exists()  # left where it was, with a line saying why
    assert "refused" in result.stdout + result.stderr and "link" in result.stdout + result.stderr
    # an inbox that is itself a link: the whole inbox is left alone, in one line
    os.rename(inbox, tmp_path / "moved-inbox")
    inbox.symlink_to(worker_files)
    result = luis("inbox", "import", "--all", "--yes")
    assert result.exit_code != 0 and len((result.stdout + result.stderr).strip().splitlines()) == 1
    assert "link" in result.stdout + result.stderr
    assert sorted(p.name for p in worker_files.iterdir()) == ["notes.txt"]
    # a colleague's inbox replaced by a link: a receipt or a bundle is not written through it
    inbox.unlink()
    ana_inbox = inbox_of(ana, box)
    if ana_inbox.exists():
        os.rename(ana_inbox, tmp_path / "ana-inbox-moved")
    ana_inbox.symlink_to(worker_files)
    result = luis("send", luis.register(), "--to", "ana", "--answers", luis.write("n.json", NOTE))
    assert result.exit_code != 0 and "link" in result.stdout + result.stderr
    assert sorted(p.name for p in worker_files.iterdir()) == ["notes.txt"]


@posix_only
def test_one_bad_file_never_stops_the_inbox(office):  # noqa: F811
    ana, luis, box = office
    me = luis.json("identity")["fingerprint"]
    inbox = inbox_of(luis, box)
    inbox.mkdir(exist_ok=True)
    two_good_copies(ana, box)
    header_file(inbox / "empty-recipients.bundle", {**good_header(me), "recipients": []})
    header_file(inbox / "string-recipients.bundle", {**good_header(me), "recipients": "abc"})
    header_file(inbox / "payload-not-a-dict.bundle", {**good_header(me), "payload": 5})
    header_file(inbox / "a-list.bundle", [1, 2, 3])
    (inbox / ("x" * 248 + ".bundle")).write_bytes(b"")  # 255 bytes: no room for a reason file beside it
    (inbox / "empty.bundle").write_bytes(b"")
    os.close(os.open(os.path.join(os.fsencode(inbox), b"caf\xe9-\xff.bundle"), os.O_CREAT | os.O_WRONLY, 0o600))
    (inbox / "CON.bundle").write_bytes(b"junk")
    listed = luis("inbox", "--json")
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)) == 10
    result = luis("inbox", "import", "--all", "--yes")
    out = result.stdout + result.stderr
    assert result.exit_code == 0 and "internal error" not in out, out
    assert "2 imported, 8 refused, 0 skipped." in out, out
    assert "caf\\xe9-\\xff" in out  # the name as it is, escaped
    assert len(luis.json("list")) == 2
    refused = sorted(p.name for p in (inbox / "refused").iterdir())
    assert len(refused) == 16 and all(len(os.fsencode(name)) < 200 for name in refused)
    assert [p for p in inbox.iterdir() if p.is_file()] == []


def test_a_file_larger_than_the_agency_allows_is_skipped_unread(office):  # noqa: F811
    import time

    _ana, luis, box = office
    luis.ok("settings", "set", "mailbox.max_bundle_mib", "8")
    inbox = inbox_of(luis, box)
    inbox.mkdir(exist_ok=True)
    huge = inbox / ("f" * 64 + ".bundle")
    with huge.open("wb") as handle:  # a 1 GiB sparse file with a bundle's header
        handle.write(MAGIC + json.dumps(good_header(luis.json("identity")["fingerprint"])).encode() + b"\n")
        handle.truncate(1 << 30)
    started = time.monotonic()
    listed = luis.json("inbox")
    out = luis.ok("inbox", "import", "--all", "--yes").stdout
    assert time.monotonic() - started < 1.5
    assert [row["state"] for row in listed] == ["too_large"]
    assert "larger than the agency allows" in out and "0 imported, 0 refused, 1 skipped." in out
    assert huge.exists()


def test_refusals_are_kept_within_the_limit_and_never_overwritten(office):  # noqa: F811
    _ana, luis, box = office
    luis.ok("settings", "set", "mailbox.refused_keep", "3")
    inbox = inbox_of(luis, box)
    inbox.mkdir(exist_ok=True)
    for run in range(3):
        for n in range(2):
            (inbox / f"junk{n}.bundle").write_bytes(MAGIC + f"run {run}\n".encode())
        luis.ok("inbox", "import", "--all", "--yes")
    refused = inbox / "refused"
    bundles = [p for p in refused.iterdir() if not p.name.endswith(".reason.txt")]
    assert len(bundles) == 3  # the newest three of six
    contents = sorted(p.read_bytes() for p in bundles)
    assert contents[-1].endswith(b"run 2\n") and b"run 0\n" not in b"".join(contents)
    assert len(list(refused.iterdir())) == 6  # each with its reason
    assert "refused/ folder holds 3 refused files" in luis.ok("mailbox", "status").stdout


def test_a_cut_off_backup_leaves_nothing_behind_a_day_later(office):  # noqa: F811
    ana, _luis, box = office
    ana.register()
    ana.ok("backup", "--to-mailbox")
    folder = box / "backups" / "MX7"
    old = [folder / ".casecli-20261101-101010.db.partial", folder / ".casecli-20261101-101010.db.partial-journal"]
    fresh = folder / ".casecli-20261123-090000.db.partial"  # another backup of this laptop, still running
    for path in (*old, fresh):
        path.write_bytes(b"\0" * 1024)
    two_days_ago = time.time() - 2 * 86400
    for path in old:
        os.utime(path, (two_days_ago, two_days_ago))
    ana.ok("backup", "--to-mailbox")
    assert not any(path.exists() for path in old) and fresh.exists()


@posix_only
def test_a_receipt_that_cannot_be_written_says_the_import_was_saved(office, tmp_path):  # noqa: F811
    ana, luis, box = office
    number = ana.register()
    ana.ok("send", number, "--to", "luis", "--answers", ana.write("n.json", NOTE))
    ana_inbox = inbox_of(ana, box)
    if ana_inbox.exists():
        os.rename(ana_inbox, tmp_path / "moved")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ana_inbox.symlink_to(elsewhere)  # where Luis's receipt would go: not written through a link
    out = luis.ok("inbox", "import", "--all", "--yes").stdout
    assert "imported and saved; its receipt could not be written now" in out and "nothing was saved" not in out
    assert [c["case_number"] for c in luis.json("list")] == [number] and list(elsewhere.iterdir()) == []
    ana_inbox.unlink()
    out = luis.ok("inbox", "import", "--all", "--yes").stdout  # the next run: the receipt goes now
    assert "imported already: removed from the inbox" in out
    assert [p.name for p in ana_inbox.iterdir() if p.suffix == ".bundle"]  # the receipt, in Ana's inbox


def test_a_file_whose_size_disagrees_with_its_header_is_skipped_unread(office):  # noqa: F811
    """Under the agency's size limit but not the size its header declares (an 8 GiB file would be
    hashed whole): refused from the header alone, in well under a second."""
    import time

    _ana, luis, box = office
    luis.ok("settings", "set", "mailbox.max_bundle_mib", "3000")
    inbox = inbox_of(luis, box)
    inbox.mkdir(exist_ok=True)
    header = good_header(luis.json("identity")["fingerprint"])
    header["payload"]["size"] = f"{4096:016d}"
    padded = inbox / ("e" * 64 + ".bundle")
    with padded.open("wb") as handle:  # a 2 GiB sparse file that says it is 4 KiB
        handle.write(MAGIC + json.dumps(header).encode() + b"\n")
        handle.truncate(2 << 30)
    started = time.monotonic()
    out = luis.ok("inbox", "import", "--all", "--yes").stdout
    assert time.monotonic() - started < 1.5, out
    assert "disagrees with its header" in out and "0 imported, 1 refused, 0 skipped." in out


def test_a_bundle_written_by_casecli_declares_its_size(office):  # noqa: F811
    from casecli.handover.bundle import BundleReader

    ana, luis, box = office
    ana.ok("send", ana.register(), "--to", "luis", "--answers", ana.write("n.json", NOTE))
    [bundle] = [p for p in inbox_of(luis, box).iterdir() if p.suffix == ".bundle"]
    assert int(BundleReader(bundle).header["payload"]["size"]) == bundle.stat().st_size


def test_a_senders_cut_off_bundle_is_cleared_by_its_next_one_a_day_later(office):  # noqa: F811
    ana, luis, box = office
    ana.ok("send", ana.register(), "--to", "luis", "--answers", ana.write("n.json", NOTE))
    inbox = inbox_of(luis, box)
    [sent] = [p for p in inbox.iterdir() if p.suffix == ".bundle"]
    import hashlib

    from casecli.handover.bundle import BundleReader

    tag = hashlib.sha256(BundleReader(sent).header["sender"]["signing_public"].encode()).hexdigest()[:8]
    old = inbox / f".casecli-{tag}-cutoff.partial"
    theirs = inbox / ".casecli-0123abcd-cutoff.partial"  # another sender's: not Ana's to clear
    for path in (old, theirs):
        path.write_bytes(b"\0" * 100)
        os.utime(path, (time.time() - 2 * 86400,) * 2)
    ana.ok("send", ana.register(name_first="Kevin", sex="male"), "--to", "luis", "--answers", ana.write("n.json", NOTE))
    assert not old.exists() and theirs.exists()
