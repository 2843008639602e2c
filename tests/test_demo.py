"""Training data: fictional cases in their own store, never silently in the worker's."""

from __future__ import annotations

from .test_store import assert_one_line_error


def test_demo_fills_its_own_training_store(ready, monkeypatch):
    number = ready.register()
    ready.ok("demo", "--cases", "25", "--seed", "7")
    # the worker's store is untouched
    assert [r["case_number"] for r in ready.json("list")] == [number]
    training = ready.home / "xdg" / "casecli" / "training.db"
    assert training.exists()
    rows = ready.json("--store", str(training), "list")
    assert len(rows) == 25
    assert all(r["demo"] for r in rows)
    assert {r["risk"] for r in rows} == {"high", "medium", "low"}
    assert all(r["case_number"].startswith("TRN-") for r in rows)
    shown = ready.ok("--store", str(training), "show", rows[0]["case_number"]).stdout
    assert "training case (fictional)" in shown
    ready.ok("demo", "--cases", "5")
    assert len(ready.json("--store", str(training), "list")) == 30


def test_demo_refuses_a_store_with_real_cases_unless_asked(ready):
    ready.register()
    result = ready("--store", str(ready.store), "demo", "--cases", "3")
    assert_one_line_error(result, code=3)
    assert "real case" in result.stderr
    assert len(ready.json("list")) == 1
    ready.ok("--store", str(ready.store), "demo", "--cases", "3", "--into-real-store")
    assert len(ready.json("list")) == 4


def test_demo_cases_are_repeatable_with_a_seed(cli, home):
    a, b = home / "a.db", home / "b.db"
    cli.ok("--store", str(a), "demo", "--cases", "5", "--seed", "3")
    cli.ok("--store", str(b), "demo", "--cases", "5", "--seed", "3")

    def strip(rows):
        return [(r["child_name"], r["risk"], r["registered_on"]) for r in rows]

    assert strip(cli.json("--store", str(a), "list")) == strip(cli.json("--store", str(b), "list"))
