"""The daily read commands ask the store a number of questions that does not grow with the number
of cases (statements counted with SQLite's trace callback), whatever the stages the cases are at."""

from __future__ import annotations

import pytest

from casecli.store import db


def statements(cli, monkeypatch, *args: str) -> int:
    """How many SQL statements one in-process command runs."""
    count = [0]
    original = db.connect

    def counting(*a, **k):
        conn = original(*a, **k)
        conn.set_trace_callback(lambda _sql: count.__setitem__(0, count[0] + 1))
        return conn

    with monkeypatch.context() as patch:
        patch.setattr(db, "connect", counting)
        cli.ok(*args)
    return count[0]


@pytest.mark.parametrize("command", [("agenda", "--json"), ("list", "--json"), ("report", "--json")])
def test_the_daily_commands_ask_the_same_number_of_questions_for_8_or_60_cases(cli, monkeypatch, command):
    counts = []
    for cases in (8, 60):
        cli.home.joinpath("data").mkdir(exist_ok=True)
        cli.ok("--store", str(cli.home / "data" / f"demo{cases}.db"), "demo", "--cases", str(cases), "--seed", "5")
        monkeypatch.setenv("CASECLI_STORE", str(cli.home / "data" / f"demo{cases}.db"))
        cli.ok(*command)  # the first run after creation may refresh what a migration asked for
        counts.append(statements(cli, monkeypatch, *command))
    assert 0 < counts[0] == counts[1], counts


def test_list_json_is_written_as_the_rows_come(cli, monkeypatch, capsys):
    """`list --json` never holds the whole list: the rows reach the output one at a time, in the
    order of the table (highest risk, newest first), and the array is well formed."""
    import json

    from casecli.ui import render

    cli.home.joinpath("data").mkdir(exist_ok=True)
    store = cli.home / "data" / "demo.db"
    cli.ok("--store", str(store), "demo", "--cases", "30", "--seed", "3")
    monkeypatch.setenv("CASECLI_STORE", str(store))
    written = []
    real = render.print_json

    def watching(value):
        written.append(type(value))
        real(value)

    monkeypatch.setattr(render, "print_json", watching)
    monkeypatch.setattr("casecli.commands.cases.print_json", watching)
    rows = json.loads(cli.ok("list", "--json").stdout)
    assert written and written[0] not in (list, tuple)  # handed an iterator, not a list
    order = {"high": 0, "medium": 1, "low": 2}
    keys = [(order[r["risk"]], [-int(p) for p in r["registered_on"].split("-")], r["case_number"]) for r in rows]
    assert len(rows) == 30 and keys == sorted(keys)
    assert cli.ok("list", "--json", "--search", "no-such-child-anywhere").stdout.strip() == "[]"
