"""The agency mailbox as a plain shared folder (issue 18): inboxes named by fingerprint, bundles named
by their content, receipts back to the sender, refusals aside, skips with a line, backups that leave
the laptop. Syncthing moving the folder is tests/test_syncthing.py's."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil

import pytest

from .test_approvals import planned, team  # noqa: F401  (a fixture)
from .test_handover import NOTE, Worker, identity, two_workers
from .test_store import assert_one_line_error


@pytest.fixture
def office(home, monkeypatch, tmp_path):
    """Ana and Luis, contacts of each other, sharing one mailbox folder."""
    ana, luis = two_workers(home, monkeypatch)
    box = tmp_path / "mailbox"
    ana.ok("mailbox", "set", str(box))
    luis.ok("mailbox", "set", str(box))
    return ana, luis, box


def inbox_of(worker, box):
    fingerprint = worker.json("identity")["fingerprint"]
    return box / fingerprint.replace(" ", "-")


def send_handover(ana, number: str):
    return ana.ok(
        "send", number, "--to", "luis", "--handover", "--reason", "moving_location", "--answers", ana.write("n.json", NOTE)
    )  # fmt: skip


def test_a_handover_through_the_mailbox_comes_back_as_a_receipt(office):
    ana, luis, box = office
    number = ana.register()
    send_handover(ana, number)
    [bundle] = list(inbox_of(luis, box).iterdir())
    assert bundle.stem == hashlib.sha256(bundle.read_bytes()).hexdigest()  # named by its content
    [row] = luis.json("inbox")
    assert (row["state"], row["kind"], row["cases"], row["contact"]) == ("ready", "handover", [number], "ana")
    assert luis.json("list") == []  # listing imports nothing
    out = luis.ok("inbox", "import", "--all", "--yes").stdout
    assert f"{number}: added" in out and "1 imported, 0 refused, 0 skipped." in out
    assert not bundle.exists()  # taken out of the inbox once imported
    assert [c["case_number"] for c in luis.json("list")] == [number]
    [status] = ana.json("mailbox", "status")
    assert (status["contact"], status["sent"], status["delivered"], status["acknowledged"]) == ("luis", 1, 1, 0)
    [receipt] = ana.json("inbox")
    assert (receipt["kind"], receipt["cases"], receipt["sender"]) == ("receipt", [number], "Luis Pérez")
    out = ana.ok("inbox", "import", "--all", "--yes").stdout
    assert "handover accepted: transferred" in out
    assert ana.json("show", number)["status"] == "transferred"
    [status] = ana.json("mailbox", "status")
    assert status["acknowledged"] == 1 and status["last_heard"]
    assert list(inbox_of(ana, box).iterdir()) == []  # the receipt is not answered with a receipt


def test_skipped_files_say_why_and_stay(office, home, monkeypatch):
    ana, luis, box = office
    inbox = inbox_of(luis, box)
    inbox.mkdir(exist_ok=True)
    (inbox / ".casecli-3f2a.partial").write_bytes(b"casecli-bundle/1\n")  # casecli still writing
    (inbox / ".syncthing.abc.bundle.tmp").write_bytes(b"\0" * 10)  # Syncthing still pulling
    (inbox / "notes.txt").write_text("hello")
    third = Worker(home, "rosa", monkeypatch)
    third.init(name="Rosa Díaz", case_number_prefix="RD3")
    ana.ok("contacts", "add", "rosa", identity(third))
    number = ana.register()
    ana.ok(
        "export",
        number,
        "--to",
        "rosa",
        "--output",
        str(inbox / "for-rosa.bundle"),
        "--answers",
        ana.write("n.json", NOTE),
    )
    ana.ok("send", ana.register(name_first="Kevin", sex="male"), "--to", "luis", "--answers", ana.write("n.json", NOTE))
    states = sorted(row["state"] for row in luis.json("inbox"))
    assert states == ["not_for_me", "other", "partial", "partial", "ready"]
    [copy] = [p for p in inbox.iterdir() if len(p.stem) == 64]
    kept = copy.read_bytes()
    out = luis.ok("inbox", "import", "--all", "--yes").stdout
    assert "still being written or synchronised: skipped" in out and "addressed to someone else: skipped" in out
    assert "not a casecli bundle: skipped" in out and "1 imported, 0 refused, 4 skipped." in out
    copy.write_bytes(kept)  # the same bundle again (a sync bringing an old copy back)
    out = luis.ok("inbox", "import", "--all", "--yes").stdout
    assert "imported already: removed from the inbox" in out and not copy.exists()
    assert len(luis.json("list")) == 1


def test_an_altered_bundle_is_refused_and_moved_aside_with_its_reason(office):
    ana, luis, box = office
    number = ana.register()
    send_handover(ana, number)
    [bundle] = list(inbox_of(luis, box).iterdir())
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 1
    bundle.write_bytes(bytes(data))
    out = luis.ok("inbox", "import", "--all", "--yes").stdout
    assert "0 imported, 1 refused, 0 skipped." in out
    refused = inbox_of(luis, box) / "refused"
    assert (refused / bundle.name).exists()
    reason = (refused / (bundle.name + ".reason.txt")).read_text()
    assert "signature does not match" in reason and "Yulissa" not in reason
    assert luis.json("list") == []
    assert (
        not inbox_of(ana, box).exists() or list(inbox_of(ana, box).iterdir()) == []
    )  # a forged signer is not answered


def test_a_refused_bundle_with_a_good_signature_tells_its_sender(office):
    ana, luis, box = office
    number = ana.register()
    from casecli.handover.bundle import BundleWriter, PayloadWriter
    from casecli.handover.identity import own, private_keys
    from casecli.store.db import open_store
    from casecli.store.migrations import LATEST_VERSION

    from .conftest import PASSPHRASE

    with open_store(luis.store, lambda: PASSPHRASE) as store:
        them = own(store)
    with open_store(ana.store, lambda: PASSPHRASE) as store:
        me, (_encryption, signing) = own(store), private_keys(store)
        cursor = store.conn.execute("SELECT * FROM cases")
        row = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
        inbox = inbox_of(luis, box)
        inbox.mkdir(exist_ok=True)
        writer = BundleWriter(inbox, me.header(), signing, [(them.encryption_public, them.fingerprint)])
    payload = PayloadWriter(writer)
    payload.record({"t": "bundle", "r": {"schema": LATEST_VERSION, "handover": False, "note": {}, "cases": [number]}})
    payload.record({"t": "cases", "c": number, "r": {**row, "risk": "catastrophic"}})  # signed, but wrong
    payload.close()
    out = luis.ok("inbox", "import", "--all", "--yes").stdout
    assert "breaks the schema" in out and "1 refused" in out
    [receipt] = ana.json("inbox")
    assert receipt["kind"] == "receipt" and receipt["sender"] == "Luis Pérez"
    ana.ok("inbox", "import", "--all", "--yes")
    # nothing was sent by Ana's casecli, so her status has no bundle, but Luis was heard from
    [status] = ana.json("mailbox", "status")
    assert status["sent"] == 0 and status["last_heard"]


def test_a_sender_not_in_my_contacts_is_skipped_until_trusted(office):
    ana, luis, box = office
    send_handover(ana, ana.register())
    [bundle] = list(inbox_of(luis, box).iterdir())
    luis.ok("contacts", "remove", "ana")
    out = luis.ok("inbox", "import", "--all", "--yes").stdout
    assert "not in your contacts" in out and "0 imported, 0 refused, 1 skipped." in out and bundle.exists()
    out = luis.ok("inbox", "import", "--all", "--yes", "--trust-sender").stdout
    assert "1 imported" in out and not bundle.exists()


def test_inbox_scans_only_my_inbox(office, monkeypatch):
    ana, luis, box = office
    ana.ok("send", ana.register(), "--to", "luis", "--answers", ana.write("n.json", NOTE))
    others = box / "0000-0000-0000-0000-0000"
    others.mkdir()
    [mine] = list(inbox_of(luis, box).iterdir())
    for i in range(50):
        shutil.copyfile(mine, others / f"{i:064x}.bundle")
    from casecli.handover import mailbox

    opened = []
    real = mailbox.BundleReader

    def counting(path):
        opened.append(path)
        return real(path)

    monkeypatch.setattr(mailbox, "BundleReader", counting)
    assert len(luis.json("inbox")) == 1
    assert all(path.parent == mine.parent for path in opened) and opened


def test_the_agenda_lists_a_bundle_with_no_receipt_after_n_days(office, monkeypatch):
    ana, luis, _box = office
    number = ana.register()
    ana.ok("send", number, "--to", "luis", "--answers", ana.write("n.json", NOTE))
    later = dt.date.today() + dt.timedelta(days=4)
    monkeypatch.setenv("CASECLI_TODAY", later.isoformat())
    items = [i for i in ana.json("agenda") if i["kind"] == "mailbox"]
    assert [(i["case_number"], i["command"]) for i in items] == [(number, "casecli mailbox status")]
    assert "no receipt yet" in items[0]["what"]
    luis.ok("inbox", "import", "--all", "--yes")
    ana.ok("inbox", "import", "--all", "--yes")
    assert [i for i in ana.json("agenda") if i["kind"] == "mailbox"] == []


def test_backups_to_the_mailbox_keep_the_last_n_and_restore(office, tmp_path, monkeypatch):
    ana, _luis, box = office
    number = ana.register()
    ana.ok("settings", "set", "mailbox.backups_kept", "2")
    for _ in range(3):
        ana.ok("backup", "--to-mailbox")
    folder = box / "backups" / "MX7"
    backups = sorted(p for p in folder.iterdir() if p.suffix == ".db")
    assert len(backups) == 2 and all((folder / (p.name + ".keys")).exists() for p in backups)
    for path in folder.iterdir():
        assert b"Yulissa" not in path.read_bytes()
    fresh = Worker(tmp_path, "new-laptop", monkeypatch)
    shutil.copyfile(backups[-1], tmp_path / "copy.db")
    shutil.copyfile(folder / (backups[-1].name + ".keys"), tmp_path / "copy.db.keys")
    fresh.ok("restore", str(tmp_path / "copy.db"), "--yes")
    assert [c["case_number"] for c in fresh.json("list")] == [number]
    assert_one_line_error(ana("backup"), 3)


def test_without_a_mailbox_the_commands_say_what_to_do(ready):
    assert_one_line_error(ready("inbox"), 3)
    assert "casecli mailbox set" in ready("inbox").stderr
    result = ready("mailbox", "doctor")
    assert result.exit_code == 1 and "mailbox set" in result.stdout


def test_doctor_without_syncthing_says_so_in_one_line(office, monkeypatch):
    ana, _luis, _box = office
    monkeypatch.setenv("XDG_STATE_HOME", "/nonexistent")
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent")
    lines = ana.ok("mailbox", "doctor", "--syncthing-address", "http://127.0.0.1:9").stdout.splitlines()
    assert [line for line in lines if "Syncthing" in line] == [
        "! Syncthing is not running (nothing answers at http://127.0.0.1:9)"
    ]


def test_a_supervisors_decision_travels_through_the_mailbox(team, tmp_path):  # noqa: F811
    ana, marta, _luis = team
    box = tmp_path / "mailbox"
    ana.ok("mailbox", "set", str(box))
    marta.ok("mailbox", "set", str(box))
    number = planned(ana)
    ana.ok("approval", "request", number, "--to", "marta", "--to-mailbox")
    assert "1 imported" in marta.ok("inbox", "import", "--all", "--yes").stdout
    marta.ok("approve", number, "--comment", "agreed", "--to-mailbox")
    out = ana.ok("inbox", "import", "--all", "--yes").stdout  # Marta's receipt and her decision
    assert "approved by Marta Gómez" in out and "2 imported" in out
    assert ana.json("show", number)["plan"]["status"] == "active"
    marta.ok("inbox", "import", "--all", "--yes")  # Ana's receipt of the decision
    [row] = marta.json("mailbox", "status")
    assert (row["sent"] - row["receipts_sent"], row["acknowledged"]) == (1, 1)


def test_a_copy_to_two_colleagues_lands_in_both_inboxes(office, home, monkeypatch):
    ana, luis, box = office
    rosa = Worker(home, "rosa", monkeypatch)
    rosa.init(name="Rosa Díaz", case_number_prefix="RD3")
    ana.ok("contacts", "add", "rosa", identity(rosa))
    rosa.ok("contacts", "add", "ana", identity(ana))
    rosa.ok("mailbox", "set", str(box))
    number = ana.register()
    ana.ok("send", number, "--to", "luis", "--to", "rosa", "--answers", ana.write("n.json", NOTE))
    [for_luis], [for_rosa] = list(inbox_of(luis, box).iterdir()), list(inbox_of(rosa, box).iterdir())
    assert for_luis.name == for_rosa.name and for_luis.read_bytes() == for_rosa.read_bytes()
    for worker in (luis, rosa):
        assert "1 imported" in worker.ok("inbox", "import", "--all", "--yes").stdout
    ana.ok("inbox", "import", "--all", "--yes")
    rows = {row["contact"]: row for row in ana.json("mailbox", "status")}
    assert {name: row["acknowledged"] for name, row in rows.items()} == {"luis": 1, "rosa": 1}


def test_setup_refuses_a_malformed_device_in_one_line(office):
    ana, _luis, _box = office
    result = ana("mailbox", "setup", "--device", "luis=not-a-device-id")
    assert_one_line_error(result, 3)
    assert "--device: expected NAME=DEVICE-ID" in result.stderr
    assert_one_line_error(ana("mailbox", "setup", "--untrusted", "office=" + "-".join(["ABCDEFG"] * 8)), 3)


class FakeSyncthing:
    """A loopback HTTP server answering a few of Syncthing's REST endpoints, for the doctor's and
    setup's rules; what is posted to it is kept in `changes` (method, path, body)."""

    def __init__(self, answers: dict):
        import http.server
        import json
        import threading

        changes = self.changes = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _change(self):
                length = int(self.headers.get("Content-Length") or 0)
                changes.append((self.command, self.path.split("?")[0], json.loads(self.rfile.read(length) or b"null")))
                self.send_response(200)
                self.end_headers()

            do_POST = do_PATCH = do_PUT = _change

            def do_GET(self):
                body = answers.get(self.path.split("?")[0])
                if self.headers.get("X-API-Key") != "key" or body is None:
                    self.send_response(403 if body is not None else 404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_doctor_names_a_folder_not_shared_and_a_peer_not_seen_for_days(office, tmp_path):
    ana, _luis, box = office
    me, peer = "-".join(["AAAAAAA"] * 8), "-".join(["BBBBBBB"] * 8)
    nine_days_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=9)).strftime("%Y-%m-%dT%H:%M:%SZ")
    answers = {
        "/rest/system/status": {"myID": me},
        "/rest/config/folders": [],
        "/rest/config/devices": [{"deviceID": me, "name": "me"}, {"deviceID": peer, "name": "luis-laptop"}],
        "/rest/system/connections": {"connections": {peer: {"connected": False}}},
        "/rest/stats/device": {peer: {"lastSeen": nine_days_ago}},
        "/rest/folder/errors": {"errors": []},
    }
    fake = FakeSyncthing(answers)
    key = tmp_path / "api.key"
    key.write_text("key")
    flags = ("--syncthing-address", fake.address, "--api-key-file", str(key))
    result = ana("mailbox", "doctor", *flags)
    assert result.exit_code == 1 and "Syncthing does not share the mailbox folder" in result.stdout
    answers["/rest/config/folders"] = [
        {"id": "casecli-mailbox", "path": str(box), "devices": [{"deviceID": me}, {"deviceID": peer}]}
    ]
    out = ana.ok("mailbox", "doctor", *flags).stdout
    assert "! luis-laptop last seen 9 days ago" in out and "Syncthing is running" in out
    wrong = tmp_path / "wrong.key"
    wrong.write_text("nope")
    result = ana("mailbox", "doctor", "--syncthing-address", fake.address, "--api-key-file", str(wrong))
    assert "refused the API key" in result.stdout


def test_a_handover_refused_from_the_inbox_makes_the_case_active_again_there(office):
    ana, luis, box = office
    number = ana.register()
    send_handover(ana, number)
    [bundle] = list(inbox_of(luis, box).iterdir())
    assert_one_line_error(luis("inbox", "import", bundle.name[:8], "--refuse"), 3)
    out = luis.ok("inbox", "import", bundle.name[:8], "--refuse", "--reason", "Yulissa lives outside our area").stdout
    assert "handover refused" in out and luis.json("list") == []
    refused = inbox_of(luis, box) / "refused"
    assert (refused / bundle.name).exists()
    assert b"Yulissa" not in (refused / (bundle.name + ".reason.txt")).read_bytes()  # plain text: no child data
    out = ana.ok("inbox", "import", "--all", "--yes").stdout
    assert "handover refused: active again here" in out and "Yulissa lives outside our area" in out
    assert ana.json("show", number)["status"] == "open"


def test_a_tracing_request_through_the_mailbox_is_read_and_kept(office):
    ana, luis, box = office
    from .test_tracing import REQUEST, TRACING

    number = ana.register(share_with=TRACING)
    ana.ok("tracing", "add", number, "--answers", ana.write("r.json", REQUEST))
    ana.ok("tracing", "export", number, "--to", "luis", "--to-mailbox")
    out = luis.ok("inbox", "import", "--all", "--yes").stdout
    assert "a tracing request, kept in" in out and "1 imported" in out
    assert [p.parent.name for p in inbox_of(luis, box).rglob("*.bundle")] == ["kept"]
    assert luis.json("list") == []  # read only: nothing stored
    out = ana.ok("inbox", "import", "--all", "--yes").stdout
    assert "1 imported" in out


def test_inbox_import_at_a_terminal_asks_as_import_does(home, monkeypatch, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    from .pty_session import ENTER, spawn

    ana, luis = two_workers(home, monkeypatch, contacts=False)
    ana.ok("contacts", "add", "luis", identity(luis))
    box = tmp_path / "mailbox"
    ana.ok("mailbox", "set", str(box))
    luis.ok("mailbox", "set", str(box))
    number = ana.register()
    send_handover(ana, number)
    fingerprint = ana.json("identity")["fingerprint"]
    child = spawn(home, "--store", str(luis.store), "inbox", "import")  # no --all, no --yes: each is asked
    child.expect_exact("NOT in your contacts")
    child.expect_exact(fingerprint)
    child.expect_exact("(y/N)")
    child.send("y" + ENTER)
    child.expect_exact("Import now?")
    child.send("y" + ENTER)
    child.expect_exact("added")
    child.expect_exact("1 imported, 0 refused, 0 skipped.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert luis.json("show", number)["case_worker"] == "Luis Pérez"
    assert [row["kind"] for row in ana.json("inbox")] == ["receipt"]


def test_setup_shares_the_folder_and_keeps_the_head_offices_password(office, tmp_path):
    ana, _luis, box = office
    me, office_id, luis_id = ("-".join([c * 7] * 8) for c in "ACD")
    answers = {
        "/rest/system/status": {"myID": me},
        "/rest/config/devices": [{"deviceID": me}, {"deviceID": office_id, "untrusted": True}],
        "/rest/config/defaults/device": {"compression": "metadata"},
        "/rest/config/folders": [
            {
                "id": "casecli-mailbox",
                "label": "casecli mailbox",
                "path": str(box),
                "devices": [
                    {"deviceID": me, "introducedBy": "", "encryptionPassword": ""},
                    {"deviceID": office_id, "introducedBy": "", "encryptionPassword": "office secret"},
                ],
                "versioning": {"type": "simple"},
                "maxConflicts": 10,
            }
        ],
        "/rest/db/ignores": {"ignore": ["*.bak"]},
    }
    fake = FakeSyncthing(answers)
    key = tmp_path / "api.key"
    key.write_text("key")
    out = ana.ok(
        "mailbox", "setup", "--device", f"luis={luis_id}@tcp://127.0.0.1:22001",
        "--syncthing-address", fake.address, "--api-key-file", str(key),
    ).stdout  # fmt: skip
    assert me in out
    posted = {(method, path): body for method, path, body in fake.changes}
    device = posted[("POST", "/rest/config/devices")]
    assert (device["deviceID"], device["addresses"], device["compression"]) == (
        luis_id,
        ["tcp://127.0.0.1:22001"],
        "metadata",
    )
    folder = posted[("POST", "/rest/config/folders")]
    passwords = {d["deviceID"]: d["encryptionPassword"] for d in folder["devices"]}
    assert passwords == {me: "", office_id: "office secret", luis_id: ""}  # a colleague added later
    assert folder["versioning"]["type"] == "" and folder["maxConflicts"] == 0
    assert posted[("POST", "/rest/db/ignores")]["ignore"] == [
        "*.bak",
        "(?d).*.partial",
        "(?d).*.tmp",
        "(?d).casecli-*",
        "(?d)/backups",
    ]
