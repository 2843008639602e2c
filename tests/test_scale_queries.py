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


# The statements each write command runs on a new case, at most (a store of 8 or 60 cases alike):
# a write reads only what it needs. Lower is welcome; a rise is a regression to explain.
WRITES_PINNED = {"new-case": 88, "visit add": 53, "referral add": 54, "plan edit": 91}


def test_the_write_commands_run_a_pinned_number_of_statements_whatever_the_store(cli, monkeypatch):
    from .conftest import registration_answers
    from .test_cycle import PLAN, REFERRAL, VISIT

    counts: dict[str, list[int]] = {name: [] for name in WRITES_PINNED}
    for cases in (8, 60):
        store = cli.home / "data" / f"write{cases}.db"
        cli.home.joinpath("data").mkdir(exist_ok=True)
        cli.ok("--store", str(store), "demo", "--cases", str(cases), "--seed", "5")
        monkeypatch.setenv("CASECLI_STORE", str(store))
        cli.ok("list", "--json")  # the first run after creation may refresh what a migration asked for
        child = cli.write("child.json", registration_answers(name_first="Zacarías", name_last="Quintanilla Ybarra"))
        counts["new-case"].append(statements(cli, monkeypatch, "new-case", "--answers", child))
        [number] = [r["case_number"] for r in cli.json("list", "--search", "quintanilla")]
        plan = cli.write("plan.json", PLAN)
        counts["plan edit"].append(statements(cli, monkeypatch, "plan", "edit", number, "--answers", plan))
        visit = cli.write("visit.json", {**VISIT, "visited_on": "2026-11-23"})
        counts["visit add"].append(statements(cli, monkeypatch, "visit", "add", number, "--answers", visit))
        referral = cli.write("referral.json", REFERRAL)
        counts["referral add"].append(statements(cli, monkeypatch, "referral", "add", number, "--answers", referral))
    for name, (small, large) in counts.items():
        assert small == large, (name, small, large)
        assert 0 < large <= WRITES_PINNED[name], (name, large, counts)


def test_list_and_agenda_to_a_pipe_give_the_rows_of_their_json(cli, monkeypatch):
    """What `list | grep` and `agenda | grep` read is the rows `--json` gives, in its order: one line
    each, tab-separated, after a title and the column headers; built from the values, not from a
    rich table."""
    import json

    store = cli.home / "data" / "pipe.db"
    cli.home.joinpath("data").mkdir(exist_ok=True)
    cli.ok("--store", str(store), "demo", "--cases", "40", "--seed", "9")
    monkeypatch.setenv("CASECLI_STORE", str(store))
    for command, key, fields in (
        ("list", "case_number", ("case_number",)),
        ("agenda", "case_number", ("case_number", "what", "command")),
    ):
        rows = json.loads(cli.ok(command, "--json").stdout)
        lines = cli.ok(command).stdout.splitlines()
        assert lines[0].startswith("# ") and "\t" in lines[1]
        assert f" {len(rows)} " in lines[0]  # the count, known before the rows are read (counted in SQL)
        body = [line.split("\t") for line in lines[2:]]
        assert len(body) == len(rows) > 0, command
        width = len(lines[1].split("\t"))
        assert all(len(cells) == width for cells in body)
        headers = lines[1].split("\t")
        for cells, row in zip(body, rows, strict=True):
            assert cells[0] == row[key]
            for field in fields[1:]:
                assert row[field] in cells, (command, field)
        assert headers[0] in ("Case", "Case number")
