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
