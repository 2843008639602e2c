"""Every bundle under the same rules (issue: the agency decides who is who): a bundle that opens
with a passphrase goes to nobody this laptop can name, so the consent's "other organisations" and
the supervisor's approvals apply as for another agency; and its receipt counts only when it proves
it knows the passphrase, whoever signed it."""

from __future__ import annotations

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


def test_a_receipt_naming_another_receiver_than_its_signer_is_refused(home, monkeypatch):
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
