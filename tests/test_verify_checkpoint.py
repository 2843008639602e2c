"""`verify` from a checkpoint (issue 19): each case's chain re-hashed only from where it was last
verified, `--full` for everything; both catch an edited event, each in the way it can."""

from __future__ import annotations

import json

from casecli.case.file.history import event_hash

from .test_store import assert_one_line_error, raw_connection

COLUMNS = "case_number, seq, at, actor, kind, summary, changes, prev_hash, hash"


def registered(ready, count: int = 3) -> list[str]:
    people = [("Yulissa", "female"), ("Wilmer", "male"), ("Dayana", "female")][:count]
    numbers = [ready.register(name_first=name, name_last=f"Marker-{name}", sex=sex) for name, sex in people]
    for number in numbers:
        ready.ok("edit", number, "--set", "risk_level=low")
    return numbers


def drop_triggers(conn) -> list[tuple[str, str]]:
    """What someone with the store's key can do first: remove the triggers (their SQL returned)."""
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _sql in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    return triggers


def test_after_a_verify_only_what_follows_is_rehashed(ready):
    numbers = registered(ready)
    first = ready.json("verify")
    assert first["ok"] and first["events_checked"] == 6 and first["full"] is False
    again = ready.json("verify")
    assert again["ok"] and again["events_checked"] == 3  # each case's last verified event, no more
    ready.ok("edit", numbers[0], "--set", "risk_level=medium")
    assert ready.json("verify")["events_checked"] == 4  # and the new one
    full = ready.json("verify", "--full")
    assert full["ok"] and full["events_checked"] == 7 and full["pages_ok"] and full["integrity_ok"]


def test_an_event_edited_after_the_checkpoint_is_caught_either_way(ready):
    number, *_ = registered(ready)
    ready.ok("verify")
    ready.ok("edit", number, "--set", "risk_level=high")
    conn = raw_connection(ready.store)
    conn.execute("UPDATE events SET summary = 'nothing happened' WHERE case_number = ? AND seq = 3", (number,))
    conn.close()
    for args in (["verify"], ["verify", "--full"]):
        result = ready(*args)
        assert_one_line_error(result, code=1)
        assert f"{number} event 3 was altered" in result.stderr


def test_an_old_event_edited_through_sql_drops_its_case_from_the_checkpoint(ready):
    number, *_ = registered(ready)
    ready.ok("verify")
    conn = raw_connection(ready.store)
    conn.execute("UPDATE events SET summary = 'nothing happened' WHERE case_number = ? AND seq = 1", (number,))
    assert conn.execute("SELECT count(*) FROM verified_heads WHERE case_number = ?", (number,)).fetchone()[0] == 0
    conn.close()
    result = ready("verify")  # the case is checked whole again
    assert_one_line_error(result, code=1)
    assert f"{number} event 1 was altered" in result.stderr


def test_a_rewritten_old_history_no_longer_meets_its_checkpoint(ready):
    """Someone with the key drops the triggers, rewrites an old event and re-hashes the chain after it,
    then puts the triggers back: the last event is no longer the one verified."""
    number, *_ = registered(ready)
    ready.ok("verify")
    conn = raw_connection(ready.store)
    triggers = drop_triggers(conn)
    rows = conn.execute(f"SELECT {COLUMNS} FROM events WHERE case_number = ? ORDER BY seq", (number,)).fetchall()
    previous = None
    for row in rows:
        event = dict(zip(COLUMNS.split(", "), row, strict=True))
        if event["seq"] == 1:
            event["summary"] = "nothing happened"
        if previous is not None:
            event["prev_hash"] = previous
        event["hash"] = event_hash({k: v for k, v in event.items() if k != "hash"})
        conn.execute(
            "UPDATE events SET summary = ?, prev_hash = ?, hash = ? WHERE case_number = ? AND seq = ?",
            (event["summary"], event["prev_hash"], event["hash"], number, event["seq"]),
        )
        previous = event["hash"]
    for _name, sql in triggers:
        conn.execute(sql)
    conn.close()
    result = ready("verify")
    assert_one_line_error(result, code=1)
    assert f"{number} event 2 is not the event verified there before" in result.stderr
    assert ready("verify", "--full").exit_code == 0  # a consistent rewrite: only the checkpoint knew


def test_an_edit_hidden_from_the_triggers_is_caught_by_full(ready):
    number, *_ = registered(ready)
    ready.ok("verify")
    conn = raw_connection(ready.store)
    triggers = drop_triggers(conn)
    conn.execute("UPDATE events SET summary = 'nothing happened' WHERE case_number = ? AND seq = 1", (number,))
    conn.close()
    result = json.loads(ready("verify", "--json").stdout)  # no triggers: every case is checked whole
    assert not result["ok"] and "change tracking was removed" in result["notes"][0]
    conn = raw_connection(ready.store)
    for _name, sql in triggers:
        conn.execute(sql)
    conn.close()
    assert ready("verify").exit_code == 0  # triggers back: the checkpoint cannot see an old edit …
    result = ready("verify", "--full")  # … which is what --full is for
    assert_one_line_error(result, code=1)
    assert f"{number} event 1 was altered" in result.stderr


def test_a_forged_checkpoint_is_not_believed(ready):
    number, *_ = registered(ready)
    ready.ok("verify")
    conn = raw_connection(ready.store)
    conn.execute("UPDATE events SET summary = 'nothing happened' WHERE case_number = ? AND seq = 1", (number,))
    conn.execute(
        "INSERT INTO verified_heads (case_number, seq, hash, mac) SELECT case_number, seq, hash, 'f00d' FROM events"
        " WHERE case_number = ? AND seq = 2",
        (number,),
    )
    conn.close()
    result = json.loads(ready("verify", "--json").stdout)
    assert not result["ok"] and "did not verify" in result["notes"][0]
