"""The mailbox moved by real Syncthing on loopback (issue 18): three instances (worker A, worker B, a
head-office device holding the folder encrypted), set up through the REST API by `casecli mailbox
setup`. Debian's `syncthing` is installed by .ci/run where missing; without it these tests skip,
saying so."""

from __future__ import annotations

import subprocess

import pytest

from .syncthing_peers import FOLDER_ID, Peer, stop_all, syncthing_binary, wait_for
from .test_handover import NOTE, Worker, identity

pytestmark = pytest.mark.slow

PASSWORD = "office folder password, the same on every laptop"
BACKUPS_MX7 = "casecli-backups-MX7"


def need_syncthing() -> None:
    if syncthing_binary() is None:
        pytest.skip("Syncthing is not installed here (.ci/run installs Debian's syncthing where it can)")


def inbox(box, worker):
    return box / worker.json("identity")["fingerprint"].replace(" ", "-")


def bundles(folder) -> list:
    return sorted(p for p in folder.glob("*.bundle")) if folder.is_dir() else []


@pytest.fixture
def agency(home, monkeypatch, tmp_path):
    """Ana on Syncthing A, Luis on Syncthing B, the head office's Syncthing H (encrypted only)."""
    need_syncthing()
    peers = []
    try:
        a, b, h = (Peer(name, tmp_path) for name in ("a", "b", "h"))
        peers = [a, b, h]
        ana, luis = Worker(home, "ana", monkeypatch), Worker(home, "luis", monkeypatch)
        ana.init()
        luis.init(name="Luis Pérez", case_number_prefix="GT2")
        ana.ok("contacts", "add", "luis", identity(luis))
        luis.ok("contacts", "add", "ana", identity(ana))
        password = tmp_path / "office.pw"
        password.write_text(PASSWORD)
        boxes = {}
        for worker, me, other, name in ((ana, a, b, "luis"), (luis, b, a, "ana")):
            boxes[worker] = tmp_path / f"mailbox-{me.name}"
            worker.ok("mailbox", "set", str(boxes[worker]))
            out = worker.ok(
                "mailbox", "setup", "--syncthing-config", str(me.home),
                "--device", f"{name}={other.device_id}@{other.address}",
                "--untrusted", f"office={h.device_id}@{h.address}", "--encryption-password-file", str(password),
            ).stdout  # fmt: skip
            assert me.device_id in out
        h.receive_encrypted(tmp_path / "office-encrypted", [a, b])
        h.receive_encrypted(tmp_path / "office-backups-MX7", [a], BACKUPS_MX7)  # Ana's backups, hers alone
        folder = a.client.call("GET", f"/rest/config/folders/{FOLDER_ID}")
        assert folder["versioning"]["type"] == "" and folder["maxConflicts"] == 0
        ignores = a.client.call("GET", "/rest/db/ignores", query={"folder": FOLDER_ID})["ignore"]
        assert "(?d).*.partial" in ignores and "(?d)/backups" in ignores  # the team never carries backups
        backups = a.client.call("GET", f"/rest/config/folders/{BACKUPS_MX7}")
        assert sorted(d["deviceID"] for d in backups["devices"]) == sorted([a.device_id, h.device_id])
        for worker in (ana, luis):
            doctor = worker.ok("mailbox", "doctor").stdout
            assert "Syncthing is running" in doctor
        yield ana, luis, a, b, h, boxes
    finally:
        stop_all(peers)


def test_a_handover_a_receipt_an_offline_peer_a_tampered_bundle_and_a_backup(agency, tmp_path):
    ana, luis, a, b, h, boxes = agency
    number = ana.register()
    ana.ok("send", number, "--to", "luis", "--handover", "--reason", "moving_location", "--answers", ana.write("n.json", NOTE))  # fmt: skip
    a.scan()
    wait_for("the handover in Luis's inbox", lambda: bundles(inbox(boxes[luis], luis)))
    assert "1 imported" in luis.ok("inbox", "import", "--all", "--yes").stdout
    b.scan()
    wait_for("the receipt in Ana's inbox", lambda: bundles(inbox(boxes[ana], ana)))
    assert "handover accepted: transferred" in ana.ok("inbox", "import", "--all", "--yes").stdout
    assert ana.json("show", number)["status"] == "transferred"
    assert luis.json("show", number)["status"] == "open"
    [status] = ana.json("mailbox", "status")
    assert (status["sent"], status["delivered"], status["acknowledged"]) == (1, 1, 1)

    # Luis's laptop is off while Ana sends: the copy waits, and arrives when it is on again.
    b.stop()
    doctor = luis("mailbox", "doctor")
    assert doctor.exit_code == 1 and "Syncthing is not running" in doctor.stdout
    other = ana.register(name_first="Kevin", sex="male")
    ana.ok("send", other, "--to", "luis", "--answers", ana.write("n.json", NOTE))
    a.scan()
    b.start()
    wait_for("the copy after Luis's Syncthing started again", lambda: bundles(inbox(boxes[luis], luis)))
    assert "1 imported" in luis.ok("inbox", "import", "--all", "--yes").stdout

    # A bundle altered in the folder is refused and moved to refused/.
    third = ana.register(name_first="Dayana", sex="female")
    ana.ok("send", third, "--to", "luis", "--answers", ana.write("n.json", NOTE))
    a.scan()
    [arrived] = wait_for("the third bundle", lambda: bundles(inbox(boxes[luis], luis)))
    data = bytearray(arrived.read_bytes())
    data[-100] ^= 1
    arrived.write_bytes(bytes(data))
    assert "1 refused" in luis.ok("inbox", "import", "--all", "--yes").stdout
    assert (inbox(boxes[luis], luis) / "refused" / arrived.name).exists()
    assert third not in [c["case_number"] for c in luis.json("list")]

    # A backup reaches the head office, which holds no readable copy, and restores on a new laptop;
    # Luis's laptop, on the team's folder, never gets it.
    ana.ok("backup", "--to-mailbox")
    a.scan()
    a.client.call("POST", "/rest/db/scan", query={"folder": BACKUPS_MX7})
    wait_for(
        "the head office's copy to be complete",
        lambda: (c := a.completion(h))["completion"] == 100 and c["needItems"] == 0 and c["globalItems"] > 3,
    )
    wait_for(
        "the head office's copy of the backups to be complete",
        lambda: (c := a.completion(h, BACKUPS_MX7))["completion"] == 100 and c["globalItems"] >= 2,
    )
    wait_for("the head office's Syncthing to be idle with nothing to fetch", h.settled)
    wait_for("the head office's backups folder to be idle", lambda: h.settled(BACKUPS_MX7))
    assert not (boxes[luis] / "backups" / "MX7").exists()  # (backups/GT2 is Luis's own, empty)
    assert not list((boxes[luis] / "backups").rglob("*.db"))
    encrypted = tmp_path / "office-encrypted"
    files = [p for p in (*encrypted.rglob("*"), *(tmp_path / "office-backups-MX7").rglob("*")) if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for marker in (b"Yulissa", b"Kevin", b"Dayana", b"SQLite format", b"casecli-bundle", b"MX7-"):
            assert marker not in data, (marker, path)
        assert "MX7" not in path.name and "backups" not in path.name
    decrypted = tmp_path / "decrypted"
    done = subprocess.run(
        [
            syncthing_binary(),
            "decrypt",
            "--to",
            str(decrypted),
            "--password",
            PASSWORD,
            "--folder-id",
            BACKUPS_MX7,
            "--continue",  # past a temporary file of an interrupted pull
            str(tmp_path / "office-backups-MX7"),
        ],
        capture_output=True,
        text=True,
    )
    [backup] = sorted(decrypted.glob("*.db")) or [done.stderr[-2000:]]  # `restore` checks the backup whole
    laptop = Worker(tmp_path, "new-laptop", ana.monkeypatch)
    laptop.ok("restore", str(backup), "--yes")
    assert sorted(c["case_number"] for c in laptop.json("list")) == sorted(c["case_number"] for c in ana.json("list"))


def test_300_bundles_among_three_workers_none_lost_none_twice_every_receipt_back(home, monkeypatch, tmp_path):
    need_syncthing()
    peers = [Peer(name, tmp_path) for name in ("a", "b", "c")]
    try:
        workers = [Worker(home, name, monkeypatch) for name in ("ana", "luis", "rosa")]
        for worker, prefix, name in zip(
            workers, ("MX7", "GT2", "RD3"), ("Ana Ruiz", "Luis Pérez", "Rosa Díaz"), strict=True
        ):
            worker.init(name=name, case_number_prefix=prefix)
        names = ["ana", "luis", "rosa"]
        boxes = {}
        for i, (worker, peer) in enumerate(zip(workers, peers, strict=True)):
            for j, other in enumerate(workers):
                if i != j:
                    worker.ok("contacts", "add", names[j], identity(other))
            boxes[i] = tmp_path / f"mailbox-{peer.name}"
            worker.ok("mailbox", "set", str(boxes[i]))
            devices = [f"--device={names[j]}={p.device_id}@{p.address}" for j, p in enumerate(peers) if j != i]
            worker.ok("mailbox", "setup", "--syncthing-config", str(peer.home), *devices)
        numbers = [worker.register() for worker in workers]
        note = workers[0].write("n.json", NOTE)
        for i, worker in enumerate(workers):  # 50 copies to each colleague: 300 bundles in all
            for j in range(len(workers)):
                if i != j:
                    for _ in range(50):
                        worker.ok("send", numbers[i], "--to", names[j], "--answers", note)
            peers[i].scan()
        imported = [0, 0, 0]

        def settled() -> bool:
            for i, worker in enumerate(workers):
                peers[i].scan()
                out = worker.ok("inbox", "import", "--all", "--yes").stdout
                assert " 0 refused" in out, out
                imported[i] += int(out.rsplit("\n", 2)[-2].split(" imported")[0])
            return all(
                row["acknowledged"] == row["sent"] - row["receipts_sent"] == 50
                for worker in workers
                for row in worker.json("mailbox", "status")
            )

        wait_for("every bundle imported and every receipt back", settled, timeout=600, every=1)
        assert imported == [200, 200, 200]  # 100 bundles and 100 receipts each, none twice
        from casecli.store.db import open_store

        from .conftest import PASSPHRASE

        for worker in workers:
            with open_store(worker.store, lambda: PASSPHRASE) as store:
                received = store.conn.execute("SELECT count(*) FROM bundles_seen WHERE direction = 'received'")
                assert received.fetchone()[0] == 200
        for i, worker in enumerate(workers):
            assert bundles(inbox(boxes[i], worker)) == []
    finally:
        stop_all(peers)
