"""Recovery without an administrator: recovery code, agency key, passwd, rekey."""

from __future__ import annotations

import json

import pytest

from casecli.errors import WrongPassphrase

from .conftest import PASSPHRASE
from .test_store import assert_one_line_error, fingerprint, raw_connection

NEW = "a brand new passphrase"


def recovery_code_from(output: str) -> str:
    return next(word for line in output.splitlines() for word in line.split() if word.count("-") == 6)


@pytest.fixture
def forgetful(cli, monkeypatch):
    """A worker with two cases who then forgets the passphrase."""
    code = recovery_code_from(cli.init().stdout)
    numbers = [cli.register(), cli.register(name_first="Wilmer")]
    before = cli.json("list")
    monkeypatch.setenv("CASECLI_PASSPHRASE", "i forgot what it was")
    assert cli("list").exit_code == 2
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", NEW)
    return cli, code, numbers, before


def test_recover_with_the_recovery_code(forgetful, monkeypatch):
    cli, code, _numbers, before = forgetful
    code_file = cli.home / "code.txt"
    code_file.write_text(code.lower().replace("-", " ") + "\n")  # as typed from paper
    cli.ok("recover", "--code-file", str(code_file))
    monkeypatch.setenv("CASECLI_PASSPHRASE", NEW)
    assert cli.json("list") == before
    assert cli("list").exit_code == 0
    # the old passphrase no longer opens it; the recovery code still does
    monkeypatch.setenv("CASECLI_PASSPHRASE", PASSPHRASE)
    assert cli("list").exit_code == 2


def test_a_mistyped_recovery_code_names_the_group(forgetful):
    cli, code, *_ = forgetful
    groups = code.split("-")
    groups[2] = groups[2][:2] + ("A" if groups[2][2] != "A" else "B") + groups[2][3:]
    code_file = cli.home / "code.txt"
    code_file.write_text("-".join(groups))
    before = fingerprint(cli.store.parent)
    result = cli("recover", "--code-file", str(code_file))
    assert_one_line_error(result, code=3)
    assert "group 3" in result.stderr
    assert fingerprint(cli.store.parent) == before


def test_a_wrong_but_well_formed_code_is_refused(forgetful):
    from casecli.protection import recovery

    cli, *_ = forgetful
    code_file = cli.home / "code.txt"
    code_file.write_text(recovery.generate())
    before = fingerprint(cli.store.parent)
    result = cli("recover", "--code-file", str(code_file))
    assert_one_line_error(result, code=2)
    assert "wrong recovery code" in result.stderr
    assert fingerprint(cli.store.parent) == before


def test_recovery_through_the_agency_key(forgetful, monkeypatch):
    cli, _code, _numbers, before = forgetful
    # the data protection officer made a key pair earlier, and the worker added it
    monkeypatch.setenv("CASECLI_AGENCY_PASSPHRASE", "agency key passphrase")
    agency_file = cli.home / "offline stick" / "agency.key"  # a folder not made yet
    public = cli.ok("agency-key", "new", "--output", str(agency_file)).stdout.strip()
    assert public.startswith("casecli-agency2:")  # the recovery key and the roster-signing key
    monkeypatch.setenv("CASECLI_PASSPHRASE", PASSPHRASE)
    cli.ok("agency-key", "add", public)
    monkeypatch.setenv("CASECLI_PASSPHRASE", "i forgot what it was")

    request = cli.home / "request.json"
    cli.ok("recover", "--agency-request", str(request))
    assert b"Yulissa" not in request.read_bytes()
    response = cli.home / "response.json"
    answered = cli.ok(
        "agency-key", "answer", str(request), "--key", str(agency_file), "--requester", "Ana Ruiz",
        "--output", str(response),
    ).stdout  # fmt: skip
    assert "opens the store of Ana Ruiz" in answered  # the key holder sees whose store it opens
    cli.ok("recover", "--agency-response", str(response))
    monkeypatch.setenv("CASECLI_PASSPHRASE", NEW)
    assert cli.json("list") == before
    assert not cli.store.with_name("casecli.db.recovery-pending").exists()


def test_agency_answer_refuses_a_wrong_key_passphrase_and_other_agencies(cli, monkeypatch):
    cli.init()
    monkeypatch.setenv("CASECLI_AGENCY_PASSPHRASE", "agency key passphrase")
    mine, other = cli.home / "mine.key", cli.home / "other.key"
    public = cli.ok("agency-key", "new", "--output", str(mine)).stdout.strip()
    cli.ok("agency-key", "new", "--output", str(other))
    cli.ok("agency-key", "add", public)
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", NEW)
    request = cli.home / "request.json"
    cli.ok("recover", "--agency-request", str(request))
    result = cli("agency-key", "answer", str(request), "--key", str(other), "--output", str(cli.home / "r.json"))
    assert_one_line_error(result, code=3)
    assert "another agency key" in result.stderr
    monkeypatch.setenv("CASECLI_AGENCY_PASSPHRASE", "not the agency passphrase")
    result = cli("agency-key", "answer", str(request), "--key", str(mine), "--output", str(cli.home / "r.json"))
    assert_one_line_error(result, code=2)


def test_an_altered_agency_response_is_refused(cli, monkeypatch):
    cli.init()
    monkeypatch.setenv("CASECLI_AGENCY_PASSPHRASE", "agency key passphrase")
    key = cli.home / "a.key"
    cli.ok("agency-key", "add", cli.ok("agency-key", "new", "--output", str(key)).stdout.strip())
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", NEW)
    request, response = cli.home / "req.json", cli.home / "resp.json"
    cli.ok("recover", "--agency-request", str(request))
    cli.ok(
        "agency-key", "answer", str(request), "--key", str(key), "--requester", "Ana Ruiz", "--output", str(response)
    )
    doc = json.loads(response.read_text())
    sealed = bytearray(doc["sealed"]["sealed"].encode())
    sealed[5] = ord("A") if sealed[5] != ord("A") else ord("B")
    doc["sealed"]["sealed"] = sealed.decode()
    response.write_text(json.dumps(doc))
    before = fingerprint(cli.store.parent)
    assert_one_line_error(cli("recover", "--agency-response", str(response)), code=3)
    assert fingerprint(cli.store.parent) == before


def test_passwd_rewraps_the_key_only(ready, monkeypatch):
    number = ready.register()
    store_bytes = ready.store.read_bytes()
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", NEW)
    ready.ok("passwd")
    assert ready.store.read_bytes() == store_bytes  # the data was not touched
    assert ready("list").exit_code == 2
    monkeypatch.setenv("CASECLI_PASSPHRASE", NEW)
    assert ready.json("show", number)["case_number"] == number


def test_passwd_with_a_wrong_old_passphrase_changes_nothing(ready, monkeypatch):
    before = fingerprint(ready.store.parent)
    monkeypatch.setenv("CASECLI_PASSPHRASE", "wrong wrong wrong")
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", NEW)
    assert_one_line_error(ready("passwd"), code=2)
    assert fingerprint(ready.store.parent) == before


def test_passwd_refuses_a_short_new_passphrase(ready, monkeypatch):
    before = fingerprint(ready.store.parent)
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", "short")
    assert_one_line_error(ready("passwd"), code=3)
    assert fingerprint(ready.store.parent) == before


def test_rekey_changes_the_data_key_and_the_recovery_code(cli, monkeypatch):
    from casecli.store.keyslots import KeyFile, secret_bytes

    old_code = recovery_code_from(cli.init().stdout)
    number = cli.register()
    keys_path = cli.store.with_name("casecli.db.keys")
    old_key = KeyFile.load(keys_path, cli.store).unlock("passphrase", secret_bytes(PASSPHRASE))
    new_code = recovery_code_from(cli.ok("rekey").stdout)
    assert new_code != old_code
    keys = KeyFile.load(keys_path, cli.store)
    assert keys.unlock("passphrase", secret_bytes(PASSPHRASE)) != old_key
    assert keys.unlock("recovery", secret_bytes(new_code))
    with pytest.raises(WrongPassphrase):
        keys.unlock("recovery", secret_bytes(old_code))
    assert cli.json("show", number)["case_number"] == number
    assert not cli.store.with_name("casecli.db.keys.new").exists()


def test_a_rekey_interrupted_after_re_encryption_still_opens(ready):
    """Simulate a crash between `PRAGMA rekey` and moving the new key file into place."""
    import secrets

    from casecli.store.keyslots import KeyFile, kdf_params, secret_bytes

    number = ready.register()
    keys_path = ready.store.with_name("casecli.db.keys")
    keys = KeyFile.load(keys_path, ready.store)
    new_key = secrets.token_bytes(32)
    fresh = KeyFile(store_id=keys.store_id)
    fresh.add("passphrase", secret_bytes(PASSPHRASE), new_key, kdf_params(64))
    fresh.save(ready.store.with_name("casecli.db.keys.new"))
    conn = raw_connection(ready.store)
    conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
    conn.close()
    assert ready.json("show", number)["case_number"] == number
    assert not ready.store.with_name("casecli.db.keys.new").exists()
    assert KeyFile.load(keys_path, ready.store).unlock("passphrase", secret_bytes(PASSPHRASE)) == new_key


def test_init_with_an_agency_key(cli, monkeypatch):
    from casecli.store.keyslots import KeyFile

    monkeypatch.setenv("CASECLI_AGENCY_PASSPHRASE", "agency key passphrase")
    public = cli.ok("agency-key", "new", "--output", str(cli.home / "a.key")).stdout.strip()
    cli.ok(
        "init",
        "--agency-key",
        public,
        "--answers",
        cli.write("p.json", {"name": "A", "agency": "B", "role": "lawyer", "case_number_prefix": "MX8"}),
    )
    assert KeyFile.load(cli.store.with_name("casecli.db.keys"), cli.store).slot("agency") is not None
    assert_one_line_error(cli("agency-key", "add", "not-a-key"), code=3)
