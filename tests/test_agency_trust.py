"""Every bundle under the same rules (issue: the agency decides who is who): a bundle that opens
with a passphrase goes to nobody this laptop can name, so the consent's "other organisations" and
the supervisor's approvals apply as for another agency; and its receipt counts only when it proves
it knows the passphrase, whoever signed it."""

from __future__ import annotations

import pytest

from casecli.errors import ExitCode

from .test_handover import NOTE, Worker, identity
from .test_store import assert_one_line_error

PASSPHRASE_OF_BUNDLE = "a long bundle passphrase\n"


def _with_passphrase(worker: Worker, *more: str) -> tuple[str, ...]:
    secret = worker.home / "bundle-pass.txt"
    secret.write_text(PASSPHRASE_OF_BUNDLE)
    return ("--passphrase-file", str(secret), *more)


def test_a_passphrase_copy_beyond_consent_waits_for_the_supervisors_approval(home, monkeypatch):
    ana = Worker(home, "ana", monkeypatch)
    ana.init()
    ana.ok("settings", "set", "approval.sharing_beyond_consent", "1")
    number = ana.register()
    bundle = home / "p.bundle"
    result = ana(
        "export",
        number,
        *_with_passphrase(ana, "--output", str(bundle), "--override-reason", "The clinic asked for it"),
        "--answers",
        ana.write("n.json", NOTE),
    )
    assert_one_line_error(result, code=ExitCode.ERROR)
    assert "supervisor's approval" in result.stderr and "approval request" in result.stderr
    assert not bundle.exists()
    [waiting] = ana.json("approvals")
    assert waiting["kind"] == "sharing_beyond_consent" and waiting["status"] == "waiting"


def test_a_passphrase_handover_waits_for_the_handover_approval(home, monkeypatch):
    ana = Worker(home, "ana", monkeypatch)
    ana.init()
    ana.ok("settings", "set", "approval.handover_other_agency", "1")
    number = ana.register()
    bundle = home / "p.bundle"
    result = ana(
        "export",
        number,
        "--handover",
        *_with_passphrase(ana, "--output", str(bundle), "--override-reason", "The receiving shelter has no identity"),
        "--answers",
        ana.write("n.json", NOTE),
    )
    assert_one_line_error(result, code=ExitCode.ERROR)
    assert "supervisor's approval" in result.stderr and not bundle.exists()
    assert ana.json("show", number)["status"] == "open"  # nothing handed over


def _passphrase_handover(home, monkeypatch) -> tuple[Worker, Worker, str, str]:
    ana = Worker(home, "ana", monkeypatch)
    ana.init()
    luis = Worker(home, "luis", monkeypatch)
    luis.init(name="Luis Pérez", case_number_prefix="GT2")
    number = ana.register()
    bundle = str(home / "p.bundle")
    ana.ok(
        "export",
        number,
        "--handover",
        *_with_passphrase(ana, "--output", bundle, "--override-reason", "The receiving shelter has no identity"),
        "--answers",
        ana.write("n.json", NOTE),
    )
    assert ana.json("show", number)["status"] == "handover_pending"
    return ana, luis, number, bundle


def test_a_forged_receipt_for_a_passphrase_handover_changes_nothing(home, monkeypatch):
    """Anyone who saw the bundle file can sign a receipt for it: without the passphrase it proves
    nothing, and the case stays pending (it became "transferred" on a stranger's word)."""
    from casecli.handover.bundle import BundleReader
    from casecli.handover.receipts import write_receipt
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    ana, luis, number, bundle = _passphrase_handover(home, monkeypatch)
    ana.ok("contacts", "add", "luis", identity(luis))  # even a known colleague's signature is not enough
    forged = home / "forged.receipt"
    with open_store(luis.store, lambda: PASSPHRASE) as store:
        reader = BundleReader(bundle_path := home / "p.bundle")
        reader.verify()
        for accepted in (True, False):
            target = forged.with_suffix(f".{accepted}.receipt")
            write_receipt(store, reader, [number], accepted, "" if accepted else "not ours", target)
            out = ana.ok("import", str(target)).stdout
            assert "does not prove it knows the bundle's passphrase" in out
            assert ana.json("show", number)["status"] == "handover_pending"
    assert bundle_path.exists()
    # the receiver who opened it with the passphrase: their receipt settles it
    luis.ok("import", bundle, *_with_passphrase(luis), "--trust-sender", "--yes")
    ana.ok("import", bundle + ".receipt")
    assert ana.json("show", number)["status"] == "transferred"


def test_a_receipt_with_a_malformed_receiver_is_refused(home, monkeypatch):
    """The receipt's receiver is checked: a malformed one is refused whole."""
    from casecli.errors import BundleRejected
    from casecli.handover.receipts import receipt_of

    good = {"bundle": "b" * 32, "accepted": True, "cases": ["MX7-0001-G"], "reason": "", "at": "2026-12-06T10:00:00"}
    assert receipt_of({"kind": "receipt", "receipt": good}, "r") == good
    for receiver in ({"name": ["x"]}, {"fingerprint": "F" * 500}, "Luis"):
        try:
            receipt_of({"kind": "receipt", "receipt": {**good, "receiver": receiver}}, "r")
        except BundleRejected as exc:
            assert "malformed" in str(exc)
        else:
            raise AssertionError(receiver)


# --- The agency's roster: who is a member, in which role ---------------------------------------


def _agency(home, monkeypatch, *workers: Worker) -> tuple[str, str]:
    """The coordinator's agency key (offline), and each worker trusting it: (key file, roster file)."""
    monkeypatch.setenv("CASECLI_AGENCY_PASSPHRASE", "agency key passphrase")
    key, roster = home / "coordinator" / "agency.key", home / "coordinator" / "roster.json"
    coordinator = workers[0]
    line = coordinator.ok("agency-key", "new", "--output", str(key)).stdout.strip()
    assert line.startswith("casecli-agency2:")
    for worker in workers:
        worker.ok("agency-key", "add", line)
    return str(key), str(roster)


def _certify(coordinator: Worker, worker: Worker, role: str, key: str, roster: str) -> None:
    coordinator.ok(
        "agency-key", "certify", identity(worker), "--role", role, "--key", key, "--roster", roster,
        "--agency", "Casa Refugio",
    )  # fmt: skip


def test_a_sock_puppet_supervisor_counts_for_nothing_under_a_roster(home, monkeypatch, tmp_path):
    """Ana makes a second store whose profile says "supervisor" and adds it as a contact: under
    the agency's roster its decision is refused (it approved her own plan before)."""
    from .test_approvals import planned

    ana = Worker(home, "ana", monkeypatch)
    ana.init(approvals=True, agency="Casa Refugio")
    puppet = Worker(home, "puppet", monkeypatch)
    puppet.init(
        approvals=True, name="SupervisorSol", role="supervisor", agency="Casa Refugio", case_number_prefix="SV9"
    )
    key, roster = _agency(home, monkeypatch, ana, puppet)
    _certify(ana, ana, "case_worker", key, roster)
    out = ana.ok("roster", "import", roster).stdout
    assert "Roster 1 of Casa Refugio adopted" in out
    # the puppet's line claims this agency: refused, the roster does not list it
    refused = ana("contacts", "add", "sol", identity(puppet))
    assert_one_line_error(refused, code=3)
    assert "does not list them" in refused.stderr
    number = planned(ana)
    request = tmp_path / "request.bundle"
    result = ana("approval", "request", number, "--to", "sol", "--output", str(request))
    assert result.exit_code != 0  # no such contact, or not a supervisor: either way no request
    # Even a contact added before the roster, and its decision signed: refused at import.
    ana2 = Worker(home, "ana2", monkeypatch)
    ana2.init(approvals=True, agency="Casa Refugio", case_number_prefix="MX8")
    number2 = planned(ana2)
    ana2.ok("contacts", "add", "sol", identity(puppet))  # no roster here yet: the line's word
    puppet.ok("contacts", "add", "ana2", identity(ana2))
    ana2.ok("approval", "request", number2, "--to", "sol", "--output", str(request))
    puppet.ok("import", str(request), "--yes")
    decision = tmp_path / "decision.bundle"
    puppet.ok("approve", number2, "--comment", "fine", "--output", str(decision))
    ana2.ok("agency-key", "add", ana.ok("agency-key", "public", "--key", key).stdout.strip())
    ana2.ok("roster", "import", roster)
    refused = ana2("import", str(decision))
    assert_one_line_error(refused, code=5)
    assert "not on the roster of Casa Refugio" in refused.stderr
    assert ana2.json("show", number2)["plan"]["status"] == "draft"


def test_a_certified_supervisor_decides_and_the_roster_travels_in_bundles(home, monkeypatch, tmp_path):
    from .test_approvals import planned

    ana = Worker(home, "ana", monkeypatch)
    ana.init(approvals=True, agency="Casa Refugio")
    marta = Worker(home, "marta", monkeypatch)
    marta.init(approvals=True, name="Marta Gómez", role="supervisor", agency="Casa Refugio", case_number_prefix="SV1")
    key, roster = _agency(home, monkeypatch, ana, marta)
    _certify(ana, ana, "case_worker", key, roster)
    _certify(ana, marta, "supervisor", key, roster)
    ana.ok("roster", "import", roster)  # Marta gets it from Ana's request bundle
    shown = ana.ok("contacts", "add", "marta", identity(marta)).stdout
    assert "Certified by Casa Refugio as supervisor (roster 2)" in shown
    marta.ok("contacts", "add", "ana", identity(ana))
    assert "Roles not certified" in marta.ok("roster", "show").stdout
    number = planned(ana)
    request, decision = tmp_path / "r.bundle", tmp_path / "d.bundle"
    ana.ok("approval", "request", number, "--to", "marta", "--output", str(request))
    marta.ok("import", str(request), "--yes")
    assert marta.json("roster", "show")["number"] == 2  # it came with the bundle
    marta.ok("approve", number, "--comment", "agreed", "--output", str(decision))
    ana.ok("import", str(decision))
    case = ana.json("show", number, "--history")
    assert case["plan"]["status"] == "active" and case["roles_certified"] is True
    approval = [e for e in case["history"] if e["kind"] == "approval"][-1]
    assert approval["changes"]["roster"] == 2  # the history says which roster certified the supervisor


def test_a_role_or_an_agency_claimed_in_a_re_sent_line_is_refused(home, monkeypatch):
    """A colleague's line re-sent with role=supervisor (the fingerprint covers only the keys), and
    another agency's contact claiming this agency's name: both refused, with or without a roster."""
    from casecli.handover.identity import Identity

    ana = Worker(home, "ana", monkeypatch)
    ana.init(agency="Casa Refugio")
    luis = Worker(home, "luis", monkeypatch)
    luis.init(name="Luis Pérez", agency="Casa Refugio", case_number_prefix="GT2")
    other = Worker(home, "other", monkeypatch)
    other.init(name="Rosa Díaz", agency="Otra Agencia", case_number_prefix="HN3")
    ana.ok("contacts", "add", "luis", identity(luis))
    ana.ok("contacts", "add", "rosa", identity(other))
    line = Identity.parse(identity(luis))
    upgraded = Identity(line.name, line.agency, line.encryption_public, line.signing_public, "supervisor").line()
    refused = ana("contacts", "add", "luis", upgraded)
    assert_one_line_error(refused, code=3)
    assert "changes only with the agency's roster" in refused.stderr
    line = Identity.parse(identity(other))
    claimed = Identity(line.name, "Casa Refugio", line.encryption_public, line.signing_public).line()
    refused = ana("contacts", "add", "rosa", claimed)
    assert_one_line_error(refused, code=3)
    assert [c["agency"] for c in ana.json("contacts", "list") if c["name"] == "rosa"] == ["Otra Agencia"]


@pytest.mark.slow  # two waits of a second: moments are kept to the second
def test_a_revoked_members_later_bundles_are_refused_and_earlier_ones_flagged(home, monkeypatch, tmp_path):
    import time

    ana = Worker(home, "ana", monkeypatch)
    ana.init(agency="Casa Refugio")
    luis = Worker(home, "luis", monkeypatch)
    luis.init(name="Luis Pérez", agency="Casa Refugio", case_number_prefix="GT2")
    key, roster = _agency(home, monkeypatch, ana, luis)
    _certify(ana, ana, "case_worker", key, roster)
    _certify(ana, luis, "case_worker", key, roster)
    ana.ok("roster", "import", roster)
    ana.ok("contacts", "add", "luis", identity(luis))
    luis.ok("contacts", "add", "ana", identity(ana))
    earlier = tmp_path / "earlier.bundle"
    number = luis.register()
    luis.ok("export", number, "--to", "ana", "--output", str(earlier), "--answers", luis.write("n.json", NOTE))
    fingerprint = luis.json("identity")["fingerprint"]
    time.sleep(1.1)  # moments are kept to the second
    ana.ok("agency-key", "revoke", fingerprint, "--reason", "left the agency", "--key", key, "--roster", roster)
    ana.ok("roster", "import", roster)
    time.sleep(1.1)
    later = tmp_path / "later.bundle"
    luis.ok("export", number, "--to", "ana", "--output", str(later), "--answers", luis.write("n.json", NOTE))
    refused = ana("import", str(later), "--yes")
    assert_one_line_error(refused, code=5)
    assert "was revoked from Casa Refugio" in refused.stderr
    out = ana.ok("import", str(earlier), "--yes").stdout
    assert "The agency revoked Luis Pérez" in out and "left the agency" in out


def test_an_older_roster_never_replaces_a_newer_one_and_a_forged_one_is_refused(home, monkeypatch):
    import json
    from pathlib import Path

    ana = Worker(home, "ana", monkeypatch)
    ana.init(agency="Casa Refugio")
    luis = Worker(home, "luis", monkeypatch)
    luis.init(name="Luis Pérez", agency="Casa Refugio", case_number_prefix="GT2")
    key, roster = _agency(home, monkeypatch, ana)
    _certify(ana, ana, "case_worker", key, roster)
    first = json.loads(Path(roster).read_text())
    _certify(ana, luis, "supervisor", key, roster)
    ana.ok("roster", "import", roster)
    older = home / "older.json"
    older.write_text(json.dumps(first))
    assert "older than yours" in ana.ok("roster", "import", str(older)).stdout
    assert ana.json("roster", "show")["number"] == 2
    forged = json.loads(Path(roster).read_text())
    forged["members"][0]["role"] = "supervisor"
    forged["number"] = 9
    bad = home / "forged.json"
    bad.write_text(json.dumps(forged))
    refused = ana("roster", "import", str(bad))
    assert_one_line_error(refused, code=3)
    assert ana.json("roster", "show")["number"] == 2


def test_the_roster_the_coordinator_puts_in_the_mailbox_is_adopted_by_inbox_import(home, monkeypatch):
    import shutil

    ana = Worker(home, "ana", monkeypatch)
    ana.init(agency="Casa Refugio")
    key, roster = _agency(home, monkeypatch, ana)
    _certify(ana, ana, "case_worker", key, roster)
    box = home / "mailbox"
    ana.ok("mailbox", "set", str(box))
    ana.ok("inbox", "import", "--all", "--yes")  # no agency folder yet: nothing said, nothing wrong
    (box / "agency").mkdir()
    shutil.copy(roster, box / "agency" / "roster.json")
    out = ana.ok("inbox", "import", "--all", "--yes").stdout
    assert "Roster 1 of Casa Refugio adopted" in out
    assert "adopted" not in ana.ok("inbox", "import", "--all", "--yes").stdout  # once
    (box / "agency" / "roster.json").write_text("{}")
    out = ana.ok("inbox", "import", "--all", "--yes").stdout
    assert "not a roster of the agency" in out and ana.json("roster", "show")["number"] == 1


# --- Agency policy is the agency's ----------------------------------------------------------------


def test_a_weaker_local_setting_is_refused_under_the_agencys_signed_policy(home, monkeypatch):
    """`settings set approval.plan_activation 0` then `plan activate` activated a plan with no
    supervisor and nothing unusual anywhere: under a signed policy the setting is refused, and a
    stricter one is taken."""
    ana = Worker(home, "ana", monkeypatch)
    ana.init(approvals=True, agency="Casa Refugio")
    key, roster = _agency(home, monkeypatch, ana)
    _certify(ana, ana, "case_worker", key, roster)
    ana.ok(
        "agency-key", "policy", "--set", "approval.plan_activation=1", "--set", "bid.min_members=3",
        "--key", key, "--roster", roster,
    )  # fmt: skip
    ana.ok("roster", "import", roster)
    refused = ana("settings", "set", "approval.plan_activation", "0")
    assert_one_line_error(refused, code=3)
    assert "the agency's policy (roster 2) sets 1" in refused.stderr
    ana.ok("settings", "set", "bid.min_members", "5")  # stricter: fine
    assert ana.json("settings", "show")["bid.min_members"] == 5
    from .test_approvals import planned

    number = planned(ana)  # still waits for the supervisor
    assert ana.json("show", number)["plan"]["status"] == "draft"


def test_without_a_policy_a_weaker_setting_is_in_every_open_cases_history_and_the_report(home, monkeypatch):
    ana = Worker(home, "ana", monkeypatch)
    ana.init(approvals=True, agency="Casa Refugio")
    first, second = ana.register(), ana.register(name_first="Kevin")
    ana.ok("settings", "set", "approval.plan_activation", "0")
    for number in (first, second):
        [event] = [e for e in ana.json("show", number, "--history")["history"] if e["kind"] == "setting weakened"]
        assert event["changes"]["setting"] == "approval.plan_activation" and event["changes"]["value"] == 0
    assert "approval.plan_activation set to 0 on this laptop" in ana.ok("log", first).stdout
    report = ana.json("report")
    assert report["weakened"] == [
        {"case_worker": "Ana Ruiz", "setting": "approval.plan_activation", "value": 0, "default": 1, "cases": 2}
    ]
    assert "made approval.plan_activation weaker" in ana.ok("report").stdout
    ana.ok("settings", "set", "agenda.upcoming_days", "3")  # protects nobody: no event
    ana.ok("settings", "set", "approval.plan_activation", "1")  # back to the agency's: no event
    history = ana.json("show", first, "--history")["history"]
    assert [e["kind"] for e in history].count("setting weakened") == 1


def test_docs_rules_lists_every_setting_with_its_default_and_which_way_is_stricter():
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "rules.md").read_text(encoding="utf-8")
    data = json.loads((root / "casecli" / "templates" / "settings.json").read_text(encoding="utf-8"))
    lines = {line.split("|")[1].strip(): line for line in doc.splitlines() if line.startswith("| `")}
    for key, default in data["settings"].items():
        line = lines.get(f"`{key}`")
        assert line is not None, key
        cells = [c.strip() for c in line.split("|")[1:-1]]
        assert cells[1] == str(default) and cells[2] == data["policy"]["stricter"].get(key, "—"), line
    for key in data["policy"]["stricter"]:
        assert key in data["settings"], key


def test_a_passphrase_easy_to_guess_is_refused_whatever_its_length(cli, monkeypatch):
    """Any ten characters ("aaaaaaaaaa") were accepted; now zxcvbn's estimate decides, with the
    agency's minimum as a setting (and its policy may only raise it)."""
    from .conftest import PROFILE

    monkeypatch.setenv("CASECLI_PASSPHRASE", "aaaaaaaaaa")
    refused = cli("init", "--answers", cli.write("profile.json", PROFILE))
    assert_one_line_error(refused, code=3)
    assert "too easy to guess" in refused.stderr and not cli.store.exists()
    monkeypatch.setenv("CASECLI_PASSPHRASE", "correct horse battery staple")
    cli.init()
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", "Password123")
    assert "too easy to guess" in cli("passwd").stderr
    cli.ok("settings", "set", "passphrase.min_score", "4")
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", "Honduras2026")  # a 3 by zxcvbn: under this agency's 4
    assert "the agency asks 4" in cli("passwd").stderr
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", "tu cuerpo es tuyo, dijo la abuela")
    cli.ok("passwd")
    monkeypatch.setenv("CASECLI_PASSPHRASE", "tu cuerpo es tuyo, dijo la abuela")
    number = cli.register()
    weak = cli.home / "weak.txt"
    weak.write_text("qwertyuiop\n")
    result = cli(
        "export", number, "--passphrase-file", str(weak), "--override-reason", "x", "--output", str(cli.home / "b")
    )
    assert_one_line_error(result, code=3)
    assert "--passphrase-file: passphrase: too easy to guess" in result.stderr


# --- Backups for the worker and the agency only ---------------------------------------------------


def test_backups_in_the_mailbox_stop_opening_with_the_old_secrets_after_passwd_and_rekey(cli, monkeypatch):
    """A backup taken before `passwd` opened with the old passphrase for ever, and nothing said so."""
    from casecli.errors import CaseCliError
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    def opens(path, passphrase: str) -> bool:
        try:
            open_store(path, lambda: passphrase).close()
        except CaseCliError:
            return False
        return True

    cli.init()
    cli.register()
    box = cli.home / "mailbox"
    cli.ok("mailbox", "set", str(box))
    cli.ok("backup", "--to-mailbox")
    [before] = sorted((box / "backups").rglob("casecli-*.db"))
    assert opens(before, PASSPHRASE)
    new = "tu cuerpo es tuyo, dijo la abuela"
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", new)
    out = cli.ok("passwd").stdout
    assert "1 backup in the mailbox now opens only with the new secrets" in out
    assert not opens(before, PASSPHRASE) and opens(before, new)
    monkeypatch.setenv("CASECLI_PASSPHRASE", new)
    out = cli.ok("rekey", "--yes").stdout
    assert "under the old key removed from the mailbox; a new one written" in out
    [after] = sorted((box / "backups").rglob("casecli-*.db"))
    assert after != before and not before.exists() and opens(after, new)


# --- History witnessed outside the laptop ---------------------------------------------------------


def _rewrite_first_event(store, number: str) -> None:
    """Change the case's first event and re-hash the whole chain, as someone holding the key could
    (and remove the change tracking, so only a full check would look)."""
    import json

    from casecli.case.file.history import event_hash

    from .test_store import raw_connection

    conn = raw_connection(store)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    rows = conn.execute(
        "SELECT id, case_number, seq, at, actor, kind, summary, changes FROM events WHERE case_number = ? ORDER BY seq",
        (number,),
    ).fetchall()
    prev = "0" * 64
    for row_id, case_number, seq, at, actor, kind, summary, changes in rows:
        if seq == 1:
            summary, changes = "Case registered (rewritten)", json.dumps({"rewritten": True})
        event = {"case_number": case_number, "seq": seq, "at": at, "actor": actor, "kind": kind,
                 "summary": summary, "changes": changes, "prev_hash": prev}  # fmt: skip
        digest = event_hash(event)
        conn.execute(
            "UPDATE events SET summary = ?, changes = ?, prev_hash = ?, hash = ? WHERE id = ?",
            (summary, changes, prev, digest, row_id),
        )
        prev = digest
    conn.execute("DELETE FROM verified_heads")
    conn.commit()
    conn.close()


def test_a_history_rewritten_with_the_key_is_named_once_another_laptop_saw_it(home, monkeypatch):
    """With the passphrase, changing an event and re-hashing the chain passed `verify --full`. The
    head a colleague saw (in the copy they imported, and said back in their receipt) names it:
    in the worker's own store, and in the colleague's once the rewritten copy replaces theirs."""
    import json

    from .test_handover import two_workers

    ana, luis = two_workers(home, monkeypatch)
    box = home / "mailbox"
    ana.ok("mailbox", "set", str(box))
    luis.ok("mailbox", "set", str(box))
    number = ana.register()
    ana.ok("send", number, "--to", "luis", "--answers", ana.write("n.json", NOTE))
    luis.ok("inbox", "import", "--all", "--yes")  # Luis witnesses the head; his receipt says so
    ana.ok("inbox", "import", "--all", "--yes")  # the receipt: Ana keeps the head Luis saw
    assert ana.json("verify", "--full")["ok"] and luis.json("verify", "--full")["ok"]
    _rewrite_first_event(ana.store, number)
    result = ana("verify", "--full", "--json")
    assert result.exit_code == 1
    [broken] = json.loads(result.stdout)["broken"]
    assert broken["case_number"] == number and "as luis saw it" in broken["why"] and "rewritten" in broken["why"]
    # the rewritten copy, sent again and taken over Luis's: his `verify` names it too
    ana.ok("send", number, "--to", "luis", "--answers", ana.write("n.json", NOTE))
    luis.ok("inbox", "import", "--all", "--yes", "--on-conflict", "take-theirs")
    [theirs] = json.loads(luis("verify", "--json").stdout)["broken"]
    assert theirs["case_number"] == number and "as ana saw it" in theirs["why"]


def test_a_recovery_request_for_a_colleagues_store_is_refused_unless_recorded(home, monkeypatch):
    """A teammate copies a colleague's backup and asks the key holder to open it: the request named
    nobody and was answered blindly. Now the key holder sees whose store it opens (sealed for the
    agency key, bound to the store's key: a name put there by anyone else does not check), and
    answers someone else only with --for-another and a reason, which the store then keeps."""
    import json
    import shutil

    monkeypatch.setenv("CASECLI_AGENCY_PASSPHRASE", "agency key passphrase")
    ana = Worker(home, "ana", monkeypatch)
    ana.init(agency="Casa Refugio")
    key = home / "agency.key"
    ana.ok("agency-key", "add", ana.ok("agency-key", "new", "--output", str(key)).stdout.strip())
    ana.register()
    backup = home / "copied" / "ana.db"
    ana.ok("backup", "--output", str(backup))
    # Luis, with Ana's backup copied to his laptop, asks for it to be opened
    luis = Worker(home, "copied", monkeypatch)
    luis.store_path = backup
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", "luis wants her cases now")
    request, response = home / "request.json", home / "response.json"
    luis.ok("recover", "--agency-request", str(request))
    refused = luis(
        "agency-key", "answer", str(request), "--key", str(key), "--requester", "Luis Pérez", "--output", str(response)
    )
    assert_one_line_error(refused, code=3)
    assert "opens the store of Ana Ruiz" in refused.stdout and "not the store's owner (Ana Ruiz)" in refused.stderr
    assert not response.exists()
    # a name put in the request by someone without the store's key does not check
    forged = json.loads(request.read_text())
    other = Worker(home, "other", monkeypatch)
    other.init(name="Luis Pérez", case_number_prefix="GT2")
    other.ok("agency-key", "add", ana.ok("agency-key", "public", "--key", str(key)).stdout.strip())
    shutil.copy(other.store_path.with_name("casecli.db.keys"), home / "other.keys")
    forged["owner"] = json.loads((home / "other.keys").read_text())["owner"]
    request.write_text(json.dumps(forged))
    out = luis(
        "agency-key", "answer", str(request), "--key", str(key), "--requester", "Luis Pérez", "--output", str(response)
    )
    assert "was not recorded" in out.stdout and out.exit_code == 3 and not response.exists()
    # answered for another, with why: the store keeps it and says so when it opens
    luis.ok("recover", "--agency-request", str(request))
    luis.ok(
        "agency-key", "answer", str(request), "--key", str(key), "--requester", "Luis Pérez",
        "--for-another", "Ana left the agency; her supervisor asked for her cases", "--output", str(response),
    )  # fmt: skip
    out = luis.ok("recover", "--agency-response", str(response)).stdout
    assert "opened this store for Luis Pérez, who is not its owner" in out
    monkeypatch.setenv("CASECLI_PASSPHRASE", "luis wants her cases now")
    notes = luis.json("verify")["notes"]  # kept in the store: every verify says it
    assert any("Luis Pérez, who is not its owner" in n and "her supervisor asked" in n for n in notes)


def test_the_heads_kept_beside_a_mailbox_backup_name_a_history_rewritten_since(cli):
    """A backup in the mailbox carries the worker's signed heads; the head office's copy of them,
    given back to `verify --witnessed`, names a history rewritten after it (before anyone else saw
    the case); a heads file signed by nobody known is refused."""
    import json
    import shutil

    cli.init()
    number = cli.register()
    box = cli.home / "mailbox"
    cli.ok("mailbox", "set", str(box))
    cli.ok("backup", "--to-mailbox")
    [heads] = sorted((box / "backups").rglob("*.db.heads"))
    office = cli.home / "office.heads"
    shutil.copy(heads, office)
    assert json.loads(office.read_text())["heads"][number][0] >= 1
    _rewrite_first_event(cli.store, number)
    assert cli.json("verify")["ok"]  # nobody saw it: this laptop alone cannot tell
    result = cli("verify", "--witnessed", str(office), "--json")
    assert result.exit_code == 1 and "it was rewritten" in result.stderr
    forged = json.loads(office.read_text())
    forged["heads"][number][1] = "f" * 64
    office.write_text(json.dumps(forged))
    assert_one_line_error(cli("verify", "--witnessed", str(office)), code=3)


def test_a_signed_recovery_request_counts_as_its_certified_signer(home, monkeypatch):
    """A request signed with a certified identity (`--signed-by` another store): the owner's own
    identity on another laptop is answered as the owner; a colleague's only with --for-another,
    and the response names who signed."""
    import json

    monkeypatch.setenv("CASECLI_AGENCY_PASSPHRASE", "agency key passphrase")
    ana = Worker(home, "ana", monkeypatch)
    ana.init(agency="Casa Refugio")
    key, roster = _agency(home, monkeypatch, ana)
    laptop2 = Worker(home, "ana-laptop2", monkeypatch)
    laptop2.init(agency="Casa Refugio", case_number_prefix="MX9")  # Ana Ruiz, another identity
    luis = Worker(home, "luis", monkeypatch)
    luis.init(name="Luis Pérez", agency="Casa Refugio", case_number_prefix="GT2")
    _certify(ana, ana, "case_worker", key, roster)
    _certify(ana, laptop2, "case_worker", key, roster)
    _certify(ana, luis, "supervisor", key, roster)
    ana.register()
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", "una frase nueva para la tablet")
    request, response = home / "request.json", home / "response.json"
    ana.ok("recover", "--agency-request", str(request), "--signed-by", str(laptop2.store_path))
    assert json.loads(request.read_text())["signed"]
    out = ana.ok("agency-key", "answer", str(request), "--key", key, "--roster", roster, "--output", str(response))
    assert "signed by Ana Ruiz" in out.stdout and "certified" in out.stdout
    assert json.loads(response.read_text())["requester"] == "Ana Ruiz"
    ana.ok("recover", "--agency-request", str(request), "--signed-by", str(luis.store_path))
    refused = ana("agency-key", "answer", str(request), "--key", key, "--roster", roster, "--output", str(response))
    assert_one_line_error(refused, code=3)
    assert "Luis Pérez is not the store's owner" in refused.stderr
    ana.ok(
        "agency-key", "answer", str(request), "--key", key, "--roster", roster, "--output", str(response),
        "--for-another", "Ana is on leave; her supervisor takes her cases",
    )  # fmt: skip
    assert json.loads(response.read_text())["signed_by"]["name"] == "Luis Pérez"
    altered = json.loads(request.read_text())
    altered["reply_to"] = altered["reply_to"][::-1]
    request.write_text(json.dumps(altered))
    assert (
        "signature does not hold"
        in ana("agency-key", "answer", str(request), "--key", key, "--output", str(response)).stderr
    )


def test_a_receipt_naming_another_receiver_than_its_signer_settles_nothing(home, monkeypatch):
    """A receipt signed by one addressee but naming another as its receiver changes nothing."""
    from casecli.handover.pending import apply_receipt
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE
    from .test_handover import two_workers

    ana, luis = two_workers(home, monkeypatch)
    number = ana.register()
    bundle = home / "h.bundle"
    ana.ok(
        "export", number, "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", NOTE)
    )
    [row] = ana.json("handover", "list")
    luis_fp = luis.json("identity")["fingerprint"]
    receipt = {
        "bundle": row["bundle_id"],
        "cases": [number],
        "accepted": True,
        "reason": "",
        "at": "2026-12-06T10:00:00+00:00",
    }
    with open_store(ana.store, lambda: PASSPHRASE) as store, store.transaction():
        other = apply_receipt(
            store, {**receipt, "receiver": {"name": "X", "fingerprint": "AAAA BBBB"}}, luis_fp, "Luis"
        )
        assert other == {number: "not_a_recipient"}
        assert apply_receipt(
            store, {**receipt, "receiver": {"name": "Luis", "fingerprint": luis_fp}}, luis_fp, "Luis"
        ) == {number: "transferred"}
