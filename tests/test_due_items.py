"""The due items kept at write time (`due_items`) are the ones the case rules derive from scratch,
after every kind of write, for cases at every stage; the agenda read from them is the agenda."""

from __future__ import annotations

from casecli.case.due import lifecycle
from casecli.store.db import open_store

from .conftest import PASSPHRASE
from .test_best_interests import BIA
from .test_cycle import VISIT
from .test_tracing import AUNT, FOUND, REQUEST, REUNIFIED, TRACING, VERIFIED

# Reunified in the country the agency works in: no border crossed, so no BID asked.
HERE = {**REUNIFIED, "reunified_where": "Tapachula", "reunified_country": "mexico"}
CLOSURE = {  # not a durable solution (those need a BID panel first)
    "reason": "other",
    "reason_other": "Transferred to the DIF's own care",
    "final_visit": True,
    "child_informed": True,
}


def kept_and_derived(cli) -> tuple[list[tuple], list[tuple]]:
    """(kept, derived): every live case's items as stored, and as derived again now."""
    with open_store(cli.store, lambda: PASSPHRASE) as store:
        kept = store.conn.execute(
            "SELECT case_number, kind, due, args, command, case_worker, status, risk, rank FROM due_items"
        ).fetchall()
        rows = lifecycle.summaries(store)
        derived = [
            (d.case_number, d.kind, d.due, d.args, d.command, r["case_worker"], r["status"], r["risk"], r["rank"])
            for r in ({**row, "rank": lifecycle.rank(row["risk"])} for row in rows)
            if r["status"] in ("open", "copy")
            for d in lifecycle.worked_due(store, [r])[r["case_number"]][1]
        ]
        stages = dict(store.conn.execute("SELECT case_number, stage FROM cases").fetchall())
        assert stages == {r["case_number"]: lifecycle.stage(r) for r in rows}
    return sorted(kept), sorted(derived)


def assert_kept_as_derived(cli) -> set[str]:
    kept, derived = kept_and_derived(cli)
    assert kept == derived
    return {row[1] for row in kept}


def test_the_items_kept_at_each_write_are_the_ones_derived_from_scratch(ready):
    ready.ok("--store", str(ready.store), "demo", "--cases", "60", "--seed", "7", "--into-real-store")
    stages = {c["stage"] for c in ready.json("list")}
    assert {"registered", "assessed", "planned", "in implementation", "reopened", "closed"} <= stages
    assert_kept_as_derived(ready)

    number = ready.register(share_with=TRACING)  # this worker's own case, taken through the steps
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA), "--no-input")  # a BID is required
    ready.ok("family", "add", number, "--answers", ready.write("f.json", AUNT))
    ready.ok("tracing", "add", number, "--answers", ready.write("r.json", REQUEST))
    ready.ok("tracing", "action", number, "--answers", ready.write("a.json", FOUND))
    ready.ok("tracing", "verify", number, "--answers", ready.write("v.json", VERIFIED))
    ready.ok("tracing", "reunify", number, "--answers", ready.write("u.json", HERE))  # a follow-up is due
    kinds = assert_kept_as_derived(ready)
    assert {"bid", "follow-up", "assessment", "plan"} <= kinds

    ready.ok("consent", "withdraw", number, "--reason", "Ya no quiere que compartamos")
    ready.ok("edit", number, "--set", "risk_level=high", "--no-input")  # the deadlines and the agenda's order
    demo = [c["case_number"] for c in ready.json("list") if c["stage"] == "in implementation"]
    ready.ok("visit", "add", demo[0], "--answers", ready.write("vi.json", {**VISIT, "visited_on": "2026-11-23"}))
    ready.ok("settings", "set", "review.every_days", "45", "referral.stale_days", "3")  # every case again
    kinds = assert_kept_as_derived(ready)
    assert {"consent", "referral", "plan item", "visit", "review", "see child"} <= kinds

    ready.ok("close", demo[1], "--answers", ready.write("c.json", CLOSURE), "--acknowledge-open")
    with open_store(ready.store, lambda: PASSPHRASE) as store:
        assert store.conn.execute("SELECT count(*) FROM due_items WHERE case_number = ?", (demo[1],)).fetchone()[0] == 0
    ready.ok("reopen", demo[1], "--reason", "Volvió al albergue")
    assert_kept_as_derived(ready)

    # the agenda is the kept items of the worker's open cases, most urgent first
    agenda = ready.json("agenda", "--days", "365")
    with open_store(ready.store, lambda: PASSPHRASE) as store:
        me = store.profile()["name"]
        horizon = "2027-11-23"
        kept = store.conn.execute(
            "SELECT case_number, kind, due FROM due_items WHERE case_worker = ? AND status = 'open' AND due <= ?"
            " ORDER BY rank, due, case_number, kind",
            (me, horizon),
        ).fetchall()
    assert [(i["case_number"], i["kind"], i["due"]) for i in agenda if i["kind"] in kinds] == [tuple(k) for k in kept]
    [bid] = [i for i in agenda if i["kind"] == "bid"]
    assert bid["case_number"] == number and bid["risk"] == "high" and bid["command"] == f"casecli bid {number}"


def test_an_item_is_read_in_the_language_of_the_day(ready):
    number = ready.register()
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA), "--no-input")
    english = {i["kind"]: i["what"] for i in ready.json("agenda", "--days", "60") if i["case_number"] == number}
    spanish = {
        i["kind"]: i["what"] for i in ready.json("--lang", "es", "agenda", "--days", "60") if i["case_number"] == number
    }
    assert english["bid"] == "best interests determination (BID) required"
    assert spanish["bid"] != english["bid"] and set(spanish) == set(english)


def test_a_cases_worker_status_and_risk_follow_it_to_its_items(ready):
    """Kept beside each item for the agenda's index: an UPDATE of the case by any path (the trigger)
    carries them, so the index never files an item under a worker or a risk the case no longer has."""
    number = ready.register()
    with open_store(ready.store, lambda: PASSPHRASE) as store, store.transaction():
        store.conn.execute(
            "UPDATE cases SET risk = 'low', case_worker = 'Otra Persona', status = 'copy' WHERE case_number = ?",
            (number,),
        )
    with open_store(ready.store, lambda: PASSPHRASE) as store:
        rows = set(
            store.conn.execute(
                "SELECT case_worker, status, risk, rank FROM due_items WHERE case_number = ?", (number,)
            ).fetchall()
        )
    assert rows == {("Otra Persona", "copy", "low", 2)}
