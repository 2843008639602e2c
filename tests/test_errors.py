"""Errors are one clean line, classified by cause (SQLite's error names, errno), never by words."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from casecli.commands.errors import storage_message

from .test_store import assert_one_line_error


class FakeSqliteError(Exception):
    def __init__(self, name: str, text: str):
        super().__init__(text)
        self.sqlite_errorname = name


def test_a_storage_error_is_named_by_its_code_not_by_its_words():
    # a path with "locked" in it, in an error that has nothing to do with a lock
    assert storage_message(FakeSqliteError("SQLITE_CANTOPEN", "unable to open /home/locked-cases/casecli.db")) != (
        storage_message(FakeSqliteError("SQLITE_BUSY", "database is locked"))
    )
    assert "busy" in storage_message(FakeSqliteError("SQLITE_BUSY_SNAPSHOT", "x"))
    assert "full" in storage_message(FakeSqliteError("SQLITE_FULL", "x"))
    assert "full" in storage_message(OSError(28, "No space left on device"))
    assert storage_message(FakeSqliteError("SQLITE_ERROR", "a disk is full of locked busy things")) is None


def test_usage_errors_and_store_errors_have_distinct_exit_codes(ready):
    assert ready("list", "--no-such-option").exit_code == 64
    assert ready("show").exit_code == 64  # a missing argument
    wrong = ready.runner.invoke(
        __import__("casecli.cli", fromlist=["app"]).app, ["list"], env={"CASECLI_PASSPHRASE": "wrong one"}
    )
    assert_one_line_error(wrong, code=2)


@pytest.mark.parametrize("today", ["9999-12-31", "20260301", "2026-W48-1", "0001-01-01"])
def test_an_impossible_today_is_refused(ready, monkeypatch, today):
    monkeypatch.setenv("CASECLI_TODAY", today)
    assert_one_line_error(ready("agenda"), code=3)


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, '{"age_estimate": ' + "9" * 5000 + "}", '{"identified_on": "20260301"}'],
    ids=["nested", "long number", "basic date"],
)
def test_hostile_answers_files_are_refused_in_one_line(ready, text):
    path = ready.home / "answers.json"
    path.write_text(text, encoding="utf-8")
    result = ready("new-case", "--answers", str(path))
    assert_one_line_error(result, code=3)


def test_a_key_slot_asking_for_huge_key_derivation_is_refused_at_once(ready):
    keys_path = ready.store.with_name(ready.store.name + ".keys")
    doc = json.loads(keys_path.read_text())
    for slot in doc["slots"]:
        slot["kdf"]["memory_kib"] = 64 * 1024 * 1024  # 64 GiB
    keys_path.write_text(json.dumps(doc))
    assert_one_line_error(ready("list"), code=2)


@pytest.mark.posix_only(reason="a second process")
def test_sqlcipher_writes_no_log_of_its_own_on_a_wrong_key(ready, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    env = {**os.environ, "CASECLI_STORE": str(other / "casecli.db")}
    subprocess.run([sys.executable, "-m", "casecli", "init", "--answers", ready.write("p.json", {
        "name": "Luis", "agency": "X", "role": "social_worker", "case_number_prefix": "GT2", "language": "en"})],
        env=env, check=True, capture_output=True)  # fmt: skip
    # another laptop's key file beside this store: wrong key for every page
    ready.store.with_name(ready.store.name + ".keys").write_bytes((other / "casecli.db.keys").read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "casecli", "list"],
        env={**os.environ, "CASECLI_STORE": str(ready.store)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "ERROR CORE" not in done.stderr


@pytest.mark.slow  # several seconds: in `pytest -m slow` (.ci/run runs it), keeping the default run short
def test_an_import_that_finds_the_store_busy_says_so(home, monkeypatch):
    """Two imports at once: the one that waits past the busy timeout says the store is busy."""
    from .test_handover import NOTE, two_workers
    from .test_store import raw_connection

    ana, luis = two_workers(home, monkeypatch)
    number = ana.register()
    bundle = home / "b.bundle"
    ana.ok("export", number, "--to", "luis", "--output", str(bundle), "--answers", ana.write("n.json", NOTE))
    other = raw_connection(luis.store)  # another import, holding the store's write lock
    other.execute("BEGIN IMMEDIATE")
    try:
        result = luis("import", str(bundle), "--yes")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert_one_line_error(result, code=2)
    assert "busy" in result.stderr
    luis.ok("import", str(bundle), "--yes")  # and once the other is done, it goes through


def test_typers_private_parts_casecli_relies_on_are_there():
    """casecli reaches into typer's private copy of click in one place (commands/errors.py): the
    exceptions it turns into one line, and the usage error's exit code (64). An upgrade of typer
    that moves them fails here, loudly, not in a worker's terminal."""
    from typer._click.exceptions import ClickException, MissingParameter, NoSuchOption, UsageError
    from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

    import casecli.cli  # noqa: F401  (sets the usage error's exit code)
    from casecli.commands import errors

    assert errors.UsageError is UsageError and UsageError.exit_code == 64
    assert issubclass(MissingParameter, UsageError) and issubclass(NoSuchOption, UsageError)
    assert issubclass(UsageError, ClickException)
    assert all(callable(kind) for kind in (TyperArgument, TyperCommand, TyperGroup, TyperOption))
