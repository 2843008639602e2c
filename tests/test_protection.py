"""Data protection and the store's lifecycle: verify, backup/restore, purge, sharing, no leaks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from casecli.case.file.history import event_hash

from .conftest import PASSPHRASE, registration_answers
from .test_cycle import REFERRAL
from .test_store import assert_one_line_error, fingerprint, raw_connection


def test_verify_names_the_first_altered_event(ready):
    number = ready.register()
    other = ready.register(name_first="Wilmer")
    ready.ok("edit", number, "--set", "risk_level=low")
    ready.ok("edit", number, "--set", "risk_level=medium")
    assert ready.json("verify")["ok"] is True
    assert "2 case histories checked" in ready.ok("verify").stdout
    # an attacker with the passphrase edits one stored event
    conn = raw_connection(ready.store)
    conn.execute(
        "UPDATE events SET summary = 'Registration edited: nothing' WHERE case_number = ? AND seq = 2", (number,)
    )
    conn.close()
    result = ready("verify")
    assert_one_line_error(result, code=1)
    assert f"{number} event 2 was altered" in result.stderr
    assert other not in result.stderr


def test_verify_catches_a_removed_event_and_a_rewritten_chain(ready):
    number = ready.register()
    ready.ok("edit", number, "--set", "risk_level=low")
    ready.ok("edit", number, "--set", "risk_level=medium")
    conn = raw_connection(ready.store)
    conn.execute("DELETE FROM events WHERE case_number = ? AND seq = 2", (number,))
    conn.close()
    assert "event 2 an event is missing" in ready("verify").stderr


def test_a_forged_handover_signature_is_caught(home, monkeypatch):
    from .test_handover import NOTE, two_workers

    ana, _ = two_workers(home, monkeypatch)
    number = ana.register()
    ana.ok(
        "export",
        number,
        "--to",
        "luis",
        "--handover",
        "--output",
        str(home / "b.bundle"),
        "--answers",
        ana.write("n.json", NOTE),
    )
    assert ana.json("verify")["ok"]
    # rewrite the handover event with another signer and re-hash the chain: the hashes agree, the signature does not
    conn = raw_connection(ana.store)
    rows = conn.execute(
        "SELECT id, case_number, seq, at, actor, kind, summary, changes, prev_hash FROM events WHERE case_number = ? ORDER BY seq",
        (number,),
    ).fetchall()
    prev = None
    for row_id, case_number, seq, at, actor, kind, summary, changes, prev_hash in rows:
        if kind == "handover":
            data = json.loads(changes)
            data["signer"] = data["signer"][:-4] + ("AAA=" if not data["signer"].endswith("AAA=") else "BBB=")
            changes = json.dumps(data, sort_keys=True, ensure_ascii=False)
        prev_hash = prev or prev_hash
        new_hash = event_hash(
            {
                "case_number": case_number,
                "seq": seq,
                "at": at,
                "actor": actor,
                "kind": kind,
                "summary": summary,
                "changes": changes,
                "prev_hash": prev_hash,
            }
        )
        conn.execute(
            "UPDATE events SET changes = ?, prev_hash = ?, hash = ? WHERE id = ?",
            (changes, prev_hash, new_hash, row_id),
        )
        prev = new_hash
    conn.close()
    result = ana("verify")
    assert "handover signature does not verify" in result.stderr


def test_backup_and_restore(ready, monkeypatch):
    first = ready.register()
    backup = ready.home / "usb" / "backup.db"
    out = ready.ok("backup", "--output", str(backup)).stdout
    assert "checked" in out and backup.exists() and backup.with_name("backup.db.keys").exists()
    assert b"Yulissa" not in backup.read_bytes()
    assert_one_line_error(ready("backup", "--output", str(backup)), code=3)  # never overwrites
    # work goes on, then the laptop's store is damaged: restore
    second = ready.register(name_first="Wilmer")
    assert_one_line_error(ready("restore", str(backup)), code=3)  # asks for confirmation
    out = ready.ok("restore", str(backup), "--yes").stdout
    assert "kept at" in out
    assert [r["case_number"] for r in ready.json("list")] == [first]
    kept = [p for p in ready.store.parent.iterdir() if ".replaced-" in p.name and not p.name.endswith(".keys")]
    assert len(kept) == 1
    assert second in [r["case_number"] for r in ready.json("--store", str(kept[0]), "list")]
    # a damaged backup is refused before anything is replaced
    damaged = ready.home / "usb" / "damaged.db"
    data = bytearray(backup.read_bytes())
    data[5000] ^= 0xFF
    damaged.write_bytes(bytes(data))
    damaged.with_name("damaged.db.keys").write_bytes(backup.with_name("backup.db.keys").read_bytes())
    before = ready.store.read_bytes()
    assert ready("restore", str(damaged), "--yes").exit_code != 0
    assert ready.store.read_bytes() == before


def test_purge_after_retention_leaves_a_tombstone(ready, monkeypatch):
    monkeypatch.setenv("CASECLI_TODAY", "2020-01-10")
    old = ready.register(identified_on="2020-01-05")
    ready.ok(
        "close",
        old,
        "--answers",
        ready.write(
            "c.json", {"reason": "other", "reason_other": "moved on", "final_visit": True, "child_informed": True}
        ),
    )
    keep = ready.register(name_first="Wilmer", identified_on="2020-01-05")
    monkeypatch.setenv("CASECLI_TODAY", "2026-11-23")
    listed = ready.json("purge")
    assert [p["case_number"] for p in listed] == [old] and listed[0]["retention_until"] == "2025-01-10"
    assert_one_line_error(ready("purge"), code=3)  # asks for confirmation
    ready.ok("purge", "--yes")
    result = ready("show", old)
    assert result.exit_code == 4 and "was purged on 2026-11-23" in result.stderr
    assert [r["case_number"] for r in ready.json("list")] == [keep]
    assert ready.json("verify")["ok"]
    ready.ok("settings", "set", "retention.years_after_closure", "50")
    assert_one_line_error(ready("purge", keep), code=3)  # early removal needs --now and --reason
    ready.ok("purge", keep, "--now", "--reason", "the child's request", "--yes")
    assert ready.json("list") == []


def test_show_sharing(ready):
    number = ready.register()
    ready.ok("referral", "add", number, "--answers", ready.write("r.json", REFERRAL))
    sharing = ready.json("show", number, "--sharing")["sharing"]
    in_force = sharing["consent"]["answers"]
    assert in_force["consent"] == "child_consent" and in_force["share_with"] == ["agency_team", "service_providers"]
    [shared] = sharing["shared"]
    assert shared["with"] == "Clínica Santa María" and shared["what"] == "Name, age, the wound"
    assert shared["referral_consent"]["child"] == "yes" and shared["consent"]["within"]
    out = ready.ok("show", number, "--sharing").stdout
    assert "Information shared" in out and "within the consent of" in out


MARKER = "Zzmarkerzz"


def test_no_child_data_leaks_to_any_file(tmp_path, monkeypatch):
    """Every command on one scratch home with markers in every text field; then scan every file."""
    from .conftest import set_home
    from .test_assessment_plan import INITIAL
    from .test_cycle import PLAN, VISIT
    from .test_handover import NOTE, two_workers

    home = set_home(tmp_path, monkeypatch)
    scratch_tmp = tmp_path / "tmp"
    scratch_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch_tmp))
    ana, luis = two_workers(home, monkeypatch)
    answers = registration_answers(
        name_first=f"{MARKER}first",
        name_last=f"{MARKER}last",
        identified_where=f"{MARKER}where",
        languages=f"{MARKER}lang",
        current_location=f"{MARKER}loc",
        urgent_needs_notes=f"{MARKER}urgent",
        family_known=f"{MARKER}family",
        withhold_notes=f"{MARKER}withhold",
    )
    number = (
        ana.ok("new-case", "--answers", ana.write("child.json", answers))
        .stdout.split("Registered case ")[1]
        .split(".")[0]
    )
    ana.ok(
        "assess",
        number,
        "--answers",
        ana.write("a.json", {**INITIAL, "child_views": f"{MARKER}views", "health_need": f"{MARKER}need"}),
    )
    plan = json.loads(json.dumps(PLAN))
    plan["header"]["child_views"] = f"{MARKER}planviews"
    plan["services"][0]["what"] = f"{MARKER}service"
    ana.ok("plan", "edit", number, "--answers", ana.write("p.json", plan))
    ana.ok("referral", "add", number, "--answers", ana.write("r.json", {**REFERRAL, "info_shared": f"{MARKER}shared"}))
    ana.ok(
        "visit",
        "add",
        number,
        "--answers",
        ana.write("v.json", {**VISIT, "visited_on": "2026-11-23", "wellbeing": f"{MARKER}wellbeing"}),
    )
    for args in (
        ["list"],
        ["show", number, "--history", "--sharing"],
        ["agenda"],
        ["log", number],
        ["verify"],
        ["plan", "show", number],
        ["plan", "check", number],
        ["duplicates"],
        ["edit", number, "--set", f"name_other={MARKER}nick"],
    ):
        ana.ok(*args)
    ana.ok("backup", "--output", str(home / "backup" / "b.db"))
    ana.ok(
        "export",
        number,
        "--to",
        "luis",
        "--handover",
        "--output",
        str(home / "b.bundle"),
        "--answers",
        ana.write("n.json", {**NOTE, "key_concerns": f"{MARKER}concern"}),
    )
    luis.ok("import", str(home / "b.bundle"), "--yes")
    luis.ok("show", number)
    # the answers files the test itself wrote hold markers by design; everything else must not
    own_inputs = {"child.json", "a.json", "p.json", "r.json", "v.json", "n.json"}
    leaks = []
    for root in (home, scratch_tmp):
        for path in root.rglob("*"):
            if (
                path.is_file()
                and path.name not in own_inputs
                and (MARKER.encode() in path.read_bytes() or MARKER.encode("utf-16-le") in path.read_bytes())
            ):
                leaks.append(str(path.relative_to(root)))
    assert leaks == []
    assert list(scratch_tmp.iterdir()) == []


@pytest.mark.slow
def test_two_processes_writing_at_once(ready):
    """Two windows editing at the same time: every write lands, the store verifies."""
    numbers = [ready.register(), ready.register(name_first="Wilmer")]
    script = (
        "import sys, subprocess\n"
        "number, count = sys.argv[1], int(sys.argv[2])\n"
        "for i in range(count):\n"
        "    r = subprocess.run([sys.executable, '-m', 'casecli', 'edit', number, '--set', f'caregiver=c{i}'], capture_output=True, text=True)\n"
        "    assert r.returncode == 0, r.stderr\n"
    )
    env = {**os.environ}
    procs = [
        subprocess.Popen([sys.executable, "-c", script, n, "6"], env=env, stderr=subprocess.PIPE, text=True)
        for n in numbers
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert ready.json("verify")["ok"]
    for number in numbers:
        edits = [e for e in ready.json("show", number, "--history")["history"] if e["kind"] == "edited"]
        assert len(edits) == 6


@pytest.mark.slow
@pytest.mark.posix_only(reason="file size limits")
def test_a_full_disk_leaves_the_store_intact(ready):
    """The disk fills up during a big write: a clear message, and the store opens and verifies."""
    import resource
    import signal

    number = ready.register()
    size = ready.store.stat().st_size

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 8192, size + 8192))

    result = subprocess.run(
        [sys.executable, "-m", "casecli", "--store", str(ready.store), "demo", "--cases", "400", "--into-real-store"],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        env={**os.environ},
    )
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "disk is full" in result.stderr or "could not be written" in result.stderr
    assert [r["case_number"] for r in ready.json("list")] == [number]
    assert ready.json("verify")["ok"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="file permissions do not bind root")
def test_a_read_only_folder_gives_a_clear_message(ready):
    number = ready.register()
    folder = ready.store.parent
    folder.chmod(0o500)
    ready.store.chmod(0o400)
    try:
        result = ready("edit", number, "--set", "risk_level=low")
        assert_one_line_error(result, code=2)
        assert "read-only" in result.stderr
    finally:
        folder.chmod(0o700)
        ready.store.chmod(0o600)
    assert ready.json("show", number)["risk"] == "high"


def _read_only_runner(folder):
    """Run casecli with `folder` mounted read-only (a write-protected stick, a read-only share): a
    private mount namespace, so that it binds root too. None where this system does not allow it."""
    import shlex
    import shutil
    import subprocess

    unshare = shutil.which("unshare")
    if os.name != "posix" or not unshare:
        return None
    mount = f"mount --bind {shlex.quote(str(folder))} {shlex.quote(str(folder))} && mount -o remount,bind,ro {shlex.quote(str(folder))}"
    flags = ["-m"] if os.geteuid() == 0 else ["-r", "-m"]
    probe = subprocess.run(
        [unshare, *flags, "sh", "-c", f"{mount} && ! touch {shlex.quote(str(folder / 'probe'))} 2>/dev/null"],
        capture_output=True,
    )
    if probe.returncode != 0:
        return None

    def run(*args):
        command = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "casecli", *args))
        return subprocess.run(
            [unshare, *flags, "sh", "-c", f"{mount} && exec {command}"],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )

    return run


def test_a_store_on_a_read_only_medium_reads_and_refuses_writes(ready):
    number = ready.register()
    run = _read_only_runner(ready.store.parent)
    if run is None:
        pytest.skip("this system does not allow a private read-only mount (unshare)")
    before = fingerprint(ready.store.parent)
    for args in (["list", "--json"], ["show", number, "--json"], ["agenda", "--json"], ["verify", "--json"]):
        result = run(*args)
        assert result.returncode == 0, (args, result.stderr)
        json.loads(result.stdout)
    copy = ready.home / "off-the-stick.db"
    assert run("backup", "--output", str(copy)).returncode == 0  # copied off the medium
    for args in (
        ["edit", number, "--set", "risk_level=low"],
        ["new-case", "--answers", ready.write("k.json", registration_answers(name_first="Kevin", sex="male"))],
    ):
        result = run(*args)
        assert result.returncode != 0 and "read-only" in result.stderr and "Traceback" not in result.stderr, (
            result.stderr
        )
        assert result.stderr.count("\n") == 1
    assert fingerprint(ready.store.parent) == before
    assert ready.json("show", number)["risk"] == "high"
    assert ready.json("--store", str(copy), "show", number)["risk"] == "high"


def test_a_store_removed_while_writing_is_reported(ready):
    """The file disappears between opening and the write (another program, a user): the write says so."""
    from casecli.case.steps.registration import edit_registration
    from casecli.errors import StoreError
    from casecli.store.db import open_store

    number = ready.register()
    import datetime as dt

    with open_store(ready.store, lambda: PASSPHRASE) as store:
        moved = ready.store.with_name("moved.db")
        ready.store.rename(moved)
        with pytest.raises(StoreError, match="removed or moved"):
            edit_registration(store, number, {"risk_level": "low"}, dt.date(2026, 11, 23))


def test_cases_handed_over_and_copies_are_purged_when_their_time_is_up(home, monkeypatch):
    """Retention selected closed cases only: a case handed over (read-only here once the receipt
    came) and a copy for consultation stayed for ever. Now each goes when its time is up, and its
    tombstone says on which basis."""
    from .conftest import PASSPHRASE
    from .test_handover import NOTE, two_workers

    ana, luis = two_workers(home, monkeypatch)
    handed, copied = ana.register(), ana.register(name_first="Kevin", sex="male")
    bundle, copy = home / "h.bundle", home / "c.bundle"
    ana.ok(
        "export", handed, "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", NOTE)
    )
    luis.ok("import", str(bundle), "--yes")
    ana.ok("import", str(bundle) + ".receipt")
    ana.ok("export", copied, "--to", "luis", "--output", str(copy), "--answers", ana.write("n.json", NOTE))
    luis.ok("import", str(copy), "--yes")
    assert ana.json("show", handed)["status"] == "transferred" and luis.json("show", copied)["status"] == "copy"
    assert ana.json("purge") == [] and luis.json("purge") == []  # not yet

    monkeypatch.setenv("CASECLI_TODAY", "2033-01-01")  # past 5 years after the receipt, 365 days for a copy
    [due] = ana.json("purge")
    assert (due["case_number"], due["basis"]) == (handed, "transferred")
    [due] = luis.json("purge")
    assert (due["case_number"], due["basis"]) == (copied, "copy")
    ana.ok("purge", "--yes")
    luis.ok("purge", "--yes")
    assert ana("show", handed).exit_code == 4 and luis("show", copied).exit_code == 4
    assert luis.json("show", handed)["status"] == "open"  # the receiver's case is theirs: kept
    from casecli.store.db import open_store

    with open_store(ana.store, lambda: PASSPHRASE) as store:
        (reason,) = store.conn.execute("SELECT reason FROM tombstones WHERE case_number = ?", (handed,)).fetchone()
    assert "handed over to another worker" in reason
