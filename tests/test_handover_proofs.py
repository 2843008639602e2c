"""A handover's signature proves something only if its key is one this store trusts: its own, a
contact's, or a key recorded when a verified bundle brought the case here."""

from __future__ import annotations

import base64
import json

from casecli.case.file.history import event_hash

from .test_handover import NOTE, two_workers
from .test_store import raw_connection


def rewrite_handover(store, number: str, signed) -> None:
    """Replace the handover event's signer and signature (`signed(message) -> (key, signature)`) and
    re-hash the chain after it, as someone holding the store's key could."""
    from casecli.case.file.signatures import handover_message

    conn = raw_connection(store)
    rows = conn.execute(
        "SELECT id, case_number, seq, at, actor, kind, summary, changes, prev_hash FROM events"
        " WHERE case_number = ? ORDER BY seq",
        (number,),
    ).fetchall()
    prev = None
    for row_id, case_number, seq, at, actor, kind, summary, changes, prev_hash in rows:
        prev_hash = prev or prev_hash
        if kind == "handover":
            data = json.loads(changes)
            key, signature = signed(handover_message(case_number, seq, prev_hash, data["bundle"]))
            data["signer"], data["signature"] = base64.b64encode(key).decode(), base64.b64encode(signature).decode()
            changes = json.dumps(data, sort_keys=True, ensure_ascii=False)
        event = {"case_number": case_number, "seq": seq, "at": at, "actor": actor, "kind": kind,
                 "summary": summary, "changes": changes, "prev_hash": prev_hash}  # fmt: skip
        prev = event_hash(event)
        conn.execute(
            "UPDATE events SET changes = ?, prev_hash = ?, hash = ? WHERE id = ?", (changes, prev_hash, prev, row_id)
        )
    conn.close()


def handed_over(home, monkeypatch):
    ana, luis = two_workers(home, monkeypatch)
    number = ana.register()
    bundle = home / "b.bundle"
    ana.ok(
        "export", number, "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", NOTE)
    )
    return ana, luis, number, bundle


def test_verify_says_who_signed_each_handover(home, monkeypatch):
    ana, luis, number, bundle = handed_over(home, monkeypatch)
    mine = ana.json("verify")
    assert mine["ok"] and [(h["case_number"], h["known_as"]) for h in mine["handovers"]] == [(number, "own")]
    luis.ok("import", str(bundle), "--yes")
    theirs = luis.json("verify")
    assert theirs["ok"] and theirs["handovers"][0]["known_as"] in ("contact", "recorded")
    luis.ok("contacts", "remove", "ana")  # the key recorded by the import still vouches for it
    again = luis.json("verify")
    assert again["ok"] and again["handovers"][0]["known_as"] == "recorded"
    assert "handover signed by" in luis.ok("verify", "--full").stdout  # an old handover: --full shows it
    assert "handover signed by" not in luis.ok("verify").stdout  # only what follows the checkpoint


def test_a_handover_signed_by_an_unknown_key_is_refused(home, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    ana, _luis, number, _bundle = handed_over(home, monkeypatch)
    stranger = Ed25519PrivateKey.generate()
    public = stranger.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    rewrite_handover(ana.store, number, lambda message: (public, stranger.sign(message)))
    result = ana("verify")
    assert result.exit_code != 0
    assert "does not know" in result.stderr and number in result.stderr


def test_an_all_zero_key_and_signature_fail(home, monkeypatch):
    ana, _luis, number, _bundle = handed_over(home, monkeypatch)
    rewrite_handover(ana.store, number, lambda message: (bytes(32), bytes(64)))
    result = ana("verify")
    assert result.exit_code != 0 and number in result.stderr
    report = ana.runner.invoke(__import__("casecli.cli", fromlist=["app"]).app, ["verify", "--json"])
    handover = json.loads(report.stdout)["handovers"][0]
    assert handover["known_as"] is None
