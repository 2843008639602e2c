"""An import killed in the middle of its transaction leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from .test_handover import training_bundle, two_workers
from .test_store import fingerprint

pytestmark = pytest.mark.posix_only(reason="SIGKILL")


@pytest.mark.slow
def test_import_killed_mid_way(home, monkeypatch):
    ana, luis = two_workers(home, monkeypatch)
    bundle = home / "many.bundle"
    cases = training_bundle(ana, bundle, 300, seed=5)
    luis.register(name_first="Dayana")
    before = fingerprint(luis.store.parent)
    journal = luis.store.with_name("casecli.db-journal")

    env = {**os.environ, "CASECLI_STORE": str(luis.store)}
    child = subprocess.Popen(
        [sys.executable, "-m", "casecli", "import", str(bundle), "--yes"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not journal.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert child.poll() is None, "the import finished before it could be killed"
    time.sleep(0.05)  # well inside the write transaction
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL

    # the next open rolls the journal back: the store is as before, and opens and reads
    rows = luis.json("list")
    assert [r["child_name"].split()[0] for r in rows] == ["Dayana"]
    # a journal left by the kill holds only encrypted pages of the old store, and the next write clears it
    after = fingerprint(luis.store.parent)
    after.pop("casecli.db-journal", None)
    assert after == before
    # and the import then succeeds in full
    luis.ok("import", str(bundle), "--yes")
    assert len(luis.json("list")) == len(cases) + 1
    assert not journal.exists()


@pytest.mark.parametrize(
    "delay", [0.05, 0.15, pytest.param(0.3, marks=pytest.mark.slow), pytest.param(0.6, marks=pytest.mark.slow)]
)
def test_passwd_and_backup_killed_at_any_moment(ready, monkeypatch, delay):
    """Killed half-way, the store opens with one of the two passphrases and verifies; no half backup."""
    for name in ("Dayana", "Wilmer", "Brayan", "Génesis", "Kevin"):
        ready.register(name_first=name)
    new = "the new passphrase here"
    env = {**os.environ, "CASECLI_NEW_PASSPHRASE": new, "CASECLI_KDF_MEMORY_KIB": "65536"}  # a real, slower derivation
    for command in (["passwd"], ["backup", "--output", str(ready.home / f"b{delay}.db")]):
        child = subprocess.Popen(
            [sys.executable, "-m", "casecli", *command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        opened = None
        for passphrase in (os.environ["CASECLI_PASSPHRASE"], new):
            monkeypatch.setenv("CASECLI_PASSPHRASE", passphrase)
            if ready("list").exit_code == 0:
                opened = passphrase
                break
        assert opened, "the store opens with neither passphrase"
        assert ready.json("verify")["ok"] and len(ready.json("list")) == 5
        backup = ready.home / f"b{delay}.db"
        if backup.exists():  # a backup that exists is whole
            monkeypatch.setenv("CASECLI_STORE", str(backup))
            assert ready.json("verify")["ok"]
            monkeypatch.setenv("CASECLI_STORE", str(ready.store))
        # SIGKILL leaves no time to tidy up: an encrypted partial copy may remain, never as the backup's
        # name, and the next backup to that name replaces it.
        for partial in ready.home.rglob("*.partial"):
            assert partial.read_bytes()[:16] != b"SQLite format 3\x00"
            if not backup.exists():
                ready.ok("backup", "--output", str(backup))
                assert not partial.exists()
