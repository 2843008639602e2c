"""Every message true: a store is called damaged only when it is, a key change under way says so
(or is waited for), an import that lost a race says the bundle was just imported."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time

from .conftest import PASSPHRASE, Cli
from .test_handover import NOTE, two_workers


def other_keys(home, monkeypatch):
    """A key file of another store: what a reader would find mid-way through a key change."""
    (home / "other").mkdir()
    other = Cli(home / "other")
    monkeypatch.setenv("CASECLI_STORE", str(other.store))
    other.init()
    return other.store.with_name(other.store.name + ".keys")


def test_a_reader_during_a_key_change_waits_for_it_instead_of_calling_the_store_damaged(ready, monkeypatch):
    from casecli.store import lock

    number = ready.register()
    keys = ready.store.with_name(ready.store.name + ".keys")
    right = keys.read_bytes()
    shutil.copyfile(other_keys(ready.home, monkeypatch), keys)  # the key file no longer opens the store
    monkeypatch.setenv("CASECLI_STORE", str(ready.store))
    held = threading.Event()

    def key_change() -> None:
        with lock.key_change_lock(ready.store):
            held.set()
            time.sleep(0.6)
            keys.write_bytes(right)  # the change done: the new key file in place

    changer = threading.Thread(target=key_change)
    changer.start()
    held.wait()
    shown = ready("show", number, "--json")
    changer.join()
    assert shown.exit_code == 0, shown.output
    assert number in shown.stdout


def test_a_key_change_that_takes_too_long_is_named_not_called_damage(ready, monkeypatch):
    from casecli.store import lock

    number = ready.register()
    keys = ready.store.with_name(ready.store.name + ".keys")
    shutil.copyfile(other_keys(ready.home, monkeypatch), keys)
    monkeypatch.setenv("CASECLI_STORE", str(ready.store))
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.3)
    with lock.key_change_lock(ready.store):
        result = ready("show", number)
    assert result.exit_code == 2
    assert "key change" in result.stderr and "damaged" not in result.stderr, result.stderr


def test_the_loser_of_two_imports_of_one_bundle_is_told_it_was_just_imported(home, monkeypatch, tmp_path):
    from casecli.handover import import_plan
    from casecli.handover.import_plan import plan_import
    from casecli.store.db import open_store

    ana, luis = two_workers(home, monkeypatch)
    number = ana.register()
    bundle = tmp_path / "copy.bundle"
    ana.ok("export", number, "--to", "luis", "--output", str(bundle), "--answers", ana.write("n.json", NOTE))
    real = import_plan.apply_plan

    def the_other_window_first(store, plan, progress=None):
        # while this window asked its questions, another imported the same bundle and committed
        with open_store(luis.store, lambda: PASSPHRASE) as other:
            real(other, plan_import(other, bundle, dt.date(2026, 11, 23)))
        return real(store, plan, progress)

    monkeypatch.setattr("casecli.handover.settle.apply_plan", the_other_window_first)
    result = luis("import", str(bundle), "--yes")
    assert result.exit_code == 0, result.output
    assert "was just imported in another casecli window" in result.stdout
    assert "breaks the store's rules" not in result.output
    assert [c["case_number"] for c in luis.json("list")] == [number]


def test_passwd_finishing_while_a_restore_checks_its_backup_is_never_undone(ready, monkeypatch):
    from casecli.protection import backup as backups
    from casecli.protection.keys import change_passphrase

    ready.register()
    copy = ready.home / "usb" / "backup.db"
    ready.ok("backup", "--output", str(copy))
    real_check = backups._check

    def checking_while_passwd_runs(store, what, full=False):
        report = real_check(store, what, full)
        if what != "the backup" or not full:
            return report
        change_passphrase(ready.store, "passphrase", PASSPHRASE, "a brand new passphrase 42", 64)  # another window
        return report

    monkeypatch.setattr(backups, "_check", checking_while_passwd_runs)
    result = ready("restore", str(copy), "--yes")
    assert result.exit_code == 2 and "changed in another casecli window" in result.stderr, result.output
    monkeypatch.setenv("CASECLI_PASSPHRASE", "a brand new passphrase 42")
    assert ready.ok("list", "--json")  # the new passphrase still opens the store: nothing replaced


def test_a_save_after_a_rekey_in_another_window_reopens_and_saves(ready):
    """A wizard holds the store open while the worker answers; `rekey` in another window
    re-encrypts it under a new key. The save reopens the store with the new key and writes what
    was typed (it failed with "the store is damaged", and the answers were lost)."""
    from casecli.case.steps.monitoring import record_visit
    from casecli.store.db import open_store

    number = ready.register()
    visit = {
        "visited_on": "2026-11-23",
        "kind": "home",
        "child_seen": True,
        "wellbeing": "Better",
        "risk_level": "high",
        "next_visit": "2026-11-30",
    }
    with open_store(ready.store, lambda: PASSPHRASE) as store:  # the wizard's window, at its summary
        store.conn.execute("SELECT count(*) FROM cases").fetchone()
        ready.ok("rekey")  # the other window
        record_visit(store, number, visit, {}, dt.date(2026, 11, 23))
    assert [v["visited_on"] for v in ready.json("show", number)["visits"]] == ["2026-11-23"]
    assert ready.ok("verify").exit_code == 0
