"""The encrypted store: nothing readable on disk, clean refusals that change nothing."""

from __future__ import annotations

import hashlib
import json
import os
import sys

import pytest
import sqlcipher3

from casecli.errors import NotAStore, WrongPassphrase
from casecli.store import migrations
from casecli.store.db import connect
from casecli.store.keyslots import KeyFile, secret_bytes

from .conftest import CHILD_NAMES, PASSPHRASE, PROFILE, registration_answers


def fingerprint(folder) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def raw_connection(store_path, passphrase=PASSPHRASE):
    keys = KeyFile.load(store_path.with_name(store_path.name + ".keys"), store_path)
    return connect(store_path, keys.unlock("passphrase", secret_bytes(passphrase)))


def assert_one_line_error(result, code=2):
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_no_child_name_in_any_file_beside_the_store(ready):
    ready.register()
    ready.register(name_first="Dayana", name_last="Marker-Two")
    for path in ready.store.parent.iterdir():
        data = path.read_bytes()
        for name in CHILD_NAMES + ("Dayana", "Marker-Two", "Tapachula"):
            assert name.encode() not in data, f"{name} readable in {path.name}"
            assert name.encode("utf-16-le") not in data
    assert ready.store.read_bytes()[:16] != b"SQLite format 3\x00"


@pytest.mark.posix_only(reason="POSIX file modes")
def test_store_is_private_to_the_worker(ready):
    assert ready.store.stat().st_mode & 0o777 == 0o600
    assert ready.store.with_name("casecli.db.keys").stat().st_mode & 0o777 == 0o600
    assert ready.store.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.posix_only(reason="POSIX file modes")
def test_a_store_in_an_existing_folder_leaves_the_folder_as_it_was(cli, home):
    shared = home / "Documents"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    cli.ok("--store", str(shared / "casecli.db"), "init", "--answers", cli.write("profile.json", PROFILE))
    assert shared.stat().st_mode & 0o777 == 0o755
    assert (shared / "casecli.db").stat().st_mode & 0o777 == 0o600
    nested = home / "new" / "deeper" / "casecli.db"
    cli.ok("--store", str(nested), "init", "--answers", cli.write("profile.json", PROFILE))
    assert [p.stat().st_mode & 0o777 for p in (home / "new", nested.parent)] == [0o700, 0o700]


def test_wrong_passphrase_is_exit_2_one_line_and_changes_nothing(ready, monkeypatch):
    ready.register()
    before = fingerprint(ready.store.parent)
    monkeypatch.setenv("CASECLI_PASSPHRASE", "not the passphrase at all")
    for args in (["list"], ["new-case", "--answers", ready.write("c.json", {})]):
        result = ready(*args)
        assert_one_line_error(result)
        assert "wrong passphrase" in result.stderr
    assert fingerprint(ready.store.parent) == before


def test_passphrase_from_a_file(ready, monkeypatch):
    secret = ready.home / "secret.txt"
    secret.write_text(PASSPHRASE + "\n")
    monkeypatch.delenv("CASECLI_PASSPHRASE")
    monkeypatch.setenv("CASECLI_PASSPHRASE_FILE", str(secret))
    ready.ok("list")


def test_no_passphrase_and_no_terminal_fails_instead_of_waiting(ready, monkeypatch):
    monkeypatch.delenv("CASECLI_PASSPHRASE")
    result = ready("list")
    assert_one_line_error(result)
    assert "CASECLI_PASSPHRASE_FILE" in result.stderr


def test_a_file_that_is_not_a_store(cli, home):
    other = home / "notes.txt"
    other.write_text("not a database")
    before = other.read_bytes()
    result = cli("--store", str(other), "list")
    assert_one_line_error(result)
    assert "not a casecli store" in result.stderr
    assert other.read_bytes() == before
    # a key file beside a file that is not SQLCipher
    ready_keys = home / "notes.txt.keys"
    keys, _ = KeyFile.new()
    keys.add(
        "passphrase",
        secret_bytes(PASSPHRASE),
        b"k" * 32,
        {"name": "argon2id", "memory_kib": 64, "iterations": 1, "lanes": 1, "salt": "AAAAAAAAAAAAAAAAAAAAAA=="},
    )
    keys.save(ready_keys)
    result = cli("--store", str(other), "list")
    assert_one_line_error(result)
    assert other.read_bytes() == before


def test_missing_store_says_how_to_create_one(cli):
    result = cli("list")
    assert_one_line_error(result)
    assert "casecli init" in result.stderr


def test_store_made_by_a_newer_casecli_is_refused_unchanged(ready):
    conn = raw_connection(ready.store)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    conn.close()
    before = fingerprint(ready.store.parent)
    result = ready("list")
    assert_one_line_error(result)
    assert "newer casecli" in result.stderr
    assert fingerprint(ready.store.parent) == before


def test_an_altered_key_slot_refuses_to_unlock(ready):
    keys_path = ready.store.with_name("casecli.db.keys")
    doc = json.loads(keys_path.read_text())
    doc["slots"][0]["kdf"]["iterations"] = 2  # parameters are authenticated too
    keys_path.write_text(json.dumps(doc))
    with pytest.raises(WrongPassphrase):
        KeyFile.load(keys_path, ready.store).unlock("passphrase", secret_bytes(PASSPHRASE))
    assert_one_line_error(ready("list"))


def test_init_refuses_to_overwrite_a_store(ready):
    before = fingerprint(ready.store.parent)
    result = ready("init", "--answers", ready.write("p.json", {}))
    assert result.exit_code != 0 and "already exists" in result.stderr
    assert fingerprint(ready.store.parent) == before


def test_a_failing_migration_leaves_the_store_at_its_version(ready):
    conn = raw_connection(ready.store)
    broken = migrations.MIGRATIONS + [
        (migrations.LATEST_VERSION + 1, ["CREATE TABLE extra (x)", "THIS IS NOT SQL"]),
    ]
    with pytest.raises(sqlcipher3.OperationalError):
        migrations.apply_migrations(conn, broken)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST_VERSION
    assert not conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'extra'").fetchone()
    good = migrations.MIGRATIONS + [(migrations.LATEST_VERSION + 1, ["CREATE TABLE extra (x)"])]
    assert migrations.apply_migrations(conn, good) == migrations.LATEST_VERSION
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST_VERSION + 1
    conn.close()


def test_hardening_pragmas_are_on(ready):
    """In a casecli process as a worker runs it (the suite's in-process CLI runs without memory
    wiping, to save time: see conftest.py)."""
    import subprocess
    import sys

    script = (
        "from pathlib import Path; import sys; from casecli.store.db import open_store\n"
        "store = open_store(Path(sys.argv[1]), lambda: sys.argv[2])\n"
        "print([store.conn.execute(f'PRAGMA {p}').fetchone()[0]"
        " for p in ('secure_delete', 'temp_store', 'cipher_memory_security')])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(ready.store), PASSPHRASE], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[1, 2, '1']"  # secure delete, temp store in MEMORY, memory wiping on


def test_a_larger_page_cache_for_a_write_is_given_back_after_it_even_when_it_fails(ready):
    from pathlib import Path

    from casecli.store.db import open_store

    ready.register()
    with open_store(Path(ready.store), lambda: PASSPHRASE) as store:

        def size() -> int:
            return store.conn.execute("PRAGMA cache_size").fetchone()[0]

        before = size()
        with store.page_cache(1):  # never smaller than the connection's own
            assert size() == before
        with store.page_cache(16):
            assert size() == -16 * 1024
        assert size() == before
        with pytest.raises(RuntimeError), store.page_cache(32), store.transaction():
            store.conn.execute("DELETE FROM due_items")
            raise RuntimeError("a write cut short")
        assert size() == before
        assert store.conn.execute("SELECT count(*) FROM due_items").fetchone()[0] > 0  # rolled back


def test_wrong_key_is_not_a_store(ready):
    with pytest.raises(NotAStore):
        connect(ready.store, b"\x01" * 32)


def test_importing_the_cli_loads_nothing_heavy():
    import subprocess

    code = "import sys, casecli.cli; print(','.join(m for m in ('sqlalchemy','sqlmodel','cryptography','questionary','sqlcipher3') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


def test_a_write_that_validates_no_outside_row_does_not_load_sqlmodel(ready):
    """A visit, an edit or a registration builds its rows itself: it does not pay SQLModel's
    import (issue 19); an import, which validates rows from outside, does."""
    import subprocess

    number = ready.register()
    code = (
        "import sys; import casecli.cli as cli; sys.argv = ['casecli', *sys.argv[1:]]\n"
        "try:\n    cli.main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print('sqlmodel' in sys.modules)"
    )
    env = dict(os.environ, CASECLI_STORE=str(ready.store))
    edit = ["edit", number, "--set", "risk_level=low"]
    new = ["new-case", "--answers", ready.write("w.json", registration_answers(name_first="Wilmer", sex="male"))]
    loaded = [
        subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
        .stdout.strip()
        .splitlines()[-1]
        for args in (edit, new)
    ]
    assert loaded == ["False", "False"]


def test_the_cycle_collector_pauses_for_a_block_and_comes_back_as_it_was():
    import gc

    from casecli import collector

    assert gc.isenabled()
    with pytest.raises(ValueError), collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block leaves the outer one's pause
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()
