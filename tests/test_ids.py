"""Ids that travel in bundles never collide across laptops, and an import never fails on an id that
is merely equal to an unrelated local one (stores made before keep their ids)."""

from __future__ import annotations

import os

import pytest

from casecli.store.migrations import DERIVED_STALE

from . import test_handover
from .test_cycle import REFERRAL
from .test_handover import NOTE
from .test_store import raw_connection

# the two workers' fixtures, shared with the handover tests
ana, luis, pair = test_handover.ana, test_handover.luis, test_handover.pair


def referral_of(worker, number: str) -> str:
    out = worker.ok("referral", "add", number, "--answers", worker.write("r.json", REFERRAL)).stdout
    return out.split("Referral ")[1].split(" ")[0]


def test_a_new_referral_names_its_laptop(ana):
    number = ana.register()
    assert referral_of(ana, number).startswith("R-MX7-")


def test_two_laptops_with_the_same_old_referral_name_exchange_cases(pair):
    ana, luis = pair
    mine, theirs = ana.register(), luis.register(name_first="Dayana")
    # as two stores made before names carried the laptop's prefix could: the same name twice
    for worker, number in ((ana, mine), (luis, theirs)):
        referral_of(worker, number)
        conn = raw_connection(worker.store)
        conn.execute("UPDATE referrals SET ref = 'R-QWXYZ'")
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (DERIVED_STALE,))  # kept items again
        conn.commit()
        conn.close()
    bundle = ana.home / "case.bundle"
    ana.ok(
        "export", mine, "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", NOTE)
    )
    luis.ok("import", str(bundle), "--yes")

    refs = [(r["ref"], r["case_number"]) for r in luis.json("referral", "list")]
    assert sorted(refs) == sorted([("R-QWXYZ", mine), ("R-QWXYZ", theirs)])
    ambiguous = luis("referral", "update", "R-QWXYZ", "--status", "accepted")
    assert ambiguous.exit_code == 3 and "--case" in ambiguous.stderr
    luis.ok("referral", "update", "R-QWXYZ", "--status", "accepted", "--case", mine)
    statuses = {r["case_number"]: r["status"] for r in luis.json("referral", "list")}
    assert statuses == {mine: "accepted", theirs: "pending"}
    agenda = {item["command"] for item in luis.json("agenda", "--days", "365") if item["kind"] == "referral"}
    assert f"casecli referral update R-QWXYZ --case {theirs}" in agenda


@pytest.mark.slow
def test_two_training_stores_of_many_cases_import_each_others_cases(home, monkeypatch):
    """The training stores share their prefix (TRN): every case number is on both sides, with
    another history, and many referral names too (R-XXXXX drawn per store, before this change)."""
    from .test_handover import two_workers

    cases = int(os.environ.get("CASECLI_TRAINING_CASES", "10000"))
    ana, luis = two_workers(home, monkeypatch)
    for worker, seed in ((ana, "1"), (luis, "2")):
        worker.ok("--store", str(worker.store), "demo", "--cases", str(cases), "--seed", seed, "--into-real-store")
    for worker in (ana, luis):  # names drawn per store, as before, from so few that many are on both sides
        conn = raw_connection(worker.store)
        conn.execute("UPDATE referrals SET ref = 'R-' || substr(ref, -2)")
        conn.close()
    for sender, receiver in ((ana, luis), (luis, ana)):
        bundle = sender.home / f"{sender.store.parent.name}.bundle"
        sender.ok("export", "--all", "--to", receiver.store.parent.name, "--output", str(bundle),
                  "--answers", sender.write("n.json", NOTE))  # fmt: skip
        receiver.ok("import", str(bundle), "--yes", "--trust-sender", "--on-conflict", "take-theirs")
    assert ana.json("verify")["ok"] and luis.json("verify")["ok"]
