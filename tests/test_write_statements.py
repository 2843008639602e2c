"""Write commands read only what they need: the statements one command runs, counted with SQLite's
trace callback, against a floor that opens the same store and makes the same writes (the record,
its event in the case's chain, and the due rules that follow from it)."""

from __future__ import annotations

import json
import secrets

from casecli.store import db

from .test_assessment_plan import INITIAL
from .test_cycle import PLAN, VISIT


def traced(monkeypatch, run) -> list[str]:
    """The SQL statements `run()` sends to every store it opens."""
    seen: list[str] = []
    original = db.connect

    def tracing(*a, **k):
        conn = original(*a, **k)
        conn.set_trace_callback(seen.append)
        return conn

    with monkeypatch.context() as patch:
        patch.setattr(db, "connect", tracing)
        run()
    return seen


def visit_floor(cli, number: str, visit: dict) -> list[str]:
    """Open the store, insert the visit, append its event (the chain and the due rules: lifecycle's
    refresh runs inside append_event), commit: what any visit must cost."""
    from casecli.case.file.history import append_event
    from tests.conftest import PASSPHRASE

    def run() -> None:
        with db.open_store(cli.store, lambda: PASSPHRASE) as store, store.transaction():
            uid = secrets.token_hex(8)
            store.conn.execute(
                "INSERT INTO visits (uid, case_number, visited_on, child_seen, next_visit, answers, created_by,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (uid, number, visit["visited_on"], 1, visit["next_visit"], json.dumps(visit), "Ana", db.utc_now()),
            )
            append_event(store, number, "Ana", "visit", "Visit", {"visit": uid})

    return run


def test_visit_add_reads_only_what_it_needs(ready, monkeypatch):
    cli = ready
    number = cli.register()
    cli.ok("assess", number, "--answers", cli.write("a.json", INITIAL))
    cli.ok("plan", "edit", number, "--answers", cli.write("p.json", PLAN), "--activate")
    visit = {**VISIT, "visited_on": "2026-11-23", "next_visit": "2026-11-30"}
    path = cli.write("v.json", visit)
    command = traced(monkeypatch, lambda: cli.ok("visit", "add", number, "--answers", path))
    floor = traced(monkeypatch, visit_floor(cli, number, visit))
    assert len(command) <= 1.5 * len(floor), (len(command), len(floor), command)
    # the whole case (`show`'s record, 40-odd statements) is never built for a visit
    assert not any("FROM conferences" in s or "FROM family_members" in s for s in command), command
