"""The duplicate check's index (issue 19): kept with the case at every write, equal to building it
again from scratch, and asked a number of questions that does not grow with the store."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from casecli.store.db import open_store

from .conftest import PASSPHRASE, registration_answers
from .test_handover import NOTE, two_workers
from .test_scale_queries import statements
from .test_store import assert_one_line_error


def index_of(path) -> tuple[list, list]:
    with open_store(path, lambda: PASSPHRASE) as store:
        people = store.conn.execute("SELECT * FROM people ORDER BY case_number").fetchall()
        keys = store.conn.execute("SELECT key, case_number FROM people_keys ORDER BY 1, 2").fetchall()
    return people, keys


def rebuilt(path) -> tuple[list, list]:
    from casecli.case.child import people_index

    with open_store(path, lambda: PASSPHRASE) as store, store.transaction():
        people_index.rebuild(store)
    return index_of(path)


def test_the_index_kept_at_write_time_equals_one_built_from_scratch(home, monkeypatch):
    ana, luis = two_workers(home, monkeypatch)
    first = ana.register()
    ana.register(name_first="Wilmer", name_last="Marker-Two", sex="male", age_estimate=12)
    ana.ok("edit", first, "--set", "name_last=Quetzal-Renamed", "--set", "nationality=guatemala")
    bundle = home / "copy.bundle"
    ana.ok("export", first, "--to", "luis", "--output", str(bundle), "--answers", ana.write("n.json", NOTE))
    luis.ok("import", str(bundle), "--yes")
    for worker in (ana, luis):
        kept = index_of(worker.store)
        assert kept[0] and kept[1]
        assert kept == rebuilt(worker.store)
    people, _keys = index_of(ana.store)
    assert [row[3] for row in people if "renamed" in row[1]] == ["guatemala"]  # the edit reached the index


def test_a_slip_after_the_third_letter_is_still_found_and_a_purged_child_is_not(ready):
    number = ready.register(name_first="Yulissa", name_last="Quetzalcoatl", sex="female", age_estimate=15)
    slip = registration_answers(name_first="Yulisa", name_last="Quetzlcoatl", sex="female", age_estimate=15)
    result = ready("new-case", "--answers", ready.write("slip.json", slip))
    assert_one_line_error(result, code=3)
    assert f"possible duplicate of {number}" in result.stderr
    ready.ok("settings", "set", "retention.years_after_closure", "50")
    ready.ok("purge", number, "--now", "--reason", "the child's request", "--yes")
    assert index_of(ready.store) == ([], [])  # the purged child leaves the index
    ready.ok("new-case", "--answers", ready.write("slip.json", slip))


def test_the_duplicate_check_asks_the_same_number_of_questions_for_8_or_60_cases(cli, monkeypatch):
    counts = []
    answers = cli.write("new.json", registration_answers(name_first="Zaira", name_last="Nuevo-Marker"))
    for cases in (8, 60):
        store = cli.home / "data" / f"demo{cases}.db"
        cli.home.joinpath("data").mkdir(exist_ok=True)
        cli.ok("--store", str(store), "demo", "--cases", str(cases), "--seed", "5", "--into-real-store")
        monkeypatch.setenv("CASECLI_STORE", str(store))
        cli.ok("list")  # the first open after creation may build what a migration asked for
        counts.append(statements(cli, monkeypatch, "new-case", "--answers", answers, "--no-input"))
        assert len(index_of(store)[0]) == cases + 1
    assert 0 < counts[0] == counts[1], counts


def test_an_older_store_gets_its_index_on_the_next_open(ready):
    ready.register()
    ready.register(name_first="Wilmer", name_last="Marker-Two", sex="male")
    expected = index_of(ready.store)
    with open_store(ready.store, lambda: PASSPHRASE) as store, store.transaction():
        store.conn.execute("DELETE FROM people_keys")
        store.conn.execute("DELETE FROM people")
        store.conn.execute("INSERT INTO meta (key, value) VALUES ('derived_stale', '1')")
    ready.ok("list")
    assert index_of(ready.store) == expected


def test_an_import_names_the_children_here_each_new_child_may_be(home, monkeypatch):
    """New children are compared with the children here many at a time (one read of the name
    index): each is still told apart, the bundle's own cases are never a match, and the answer is
    what the one-child check (new-case's) finds."""
    import datetime as dt
    import json

    from casecli.case.decisions import duplicates

    ana, luis = two_workers(home, monkeypatch)
    here = luis.register(name_first="Yulissa", name_last="Quetzalcoatl", sex="female", age_estimate=15)
    other = luis.register(name_first="Wilmer", name_last="Marker-Two", sex="male", age_estimate=12)
    alike = ana.register(name_first="Yulisa", name_last="Quetzlcoatl", sex="female", age_estimate=15)
    unlike = ana.register(name_first="Brayan", name_last="Zzyzx-Nadie", sex="male", age_estimate=9)
    twin = ana.register(name_first="Wilmer", name_last="Marker-Two", sex="male", age_estimate=12)
    bundle = home / "copy.bundle"
    ana.ok(
        "export", alike, unlike, twin, "--to", "luis", "--output", str(bundle), "--answers", ana.write("n.json", NOTE)
    )
    said = luis.ok("import", str(bundle), "--yes").stdout
    assert f"{alike} may be a child already registered here: {here}" in " ".join(said.split())
    assert f"{twin} may be a child already registered here: {other}" in " ".join(said.split())
    assert f"{unlike} may be" not in said
    with open_store(luis.store, lambda: PASSPHRASE) as store:
        today = dt.date.today()
        rows = store.conn.execute("SELECT case_number, answers FROM cases WHERE status = 'copy'")
        described = {number: json.loads(answers) for number, answers in rows}
        many = duplicates.ChildrenHere(store, today).matches(described)
        for number, answers in described.items():  # (each case is here itself now: left out)
            one = [n for n, _score in duplicates.matches_for(store, answers, today, exclude=number)]
            assert [n for n in many[number] if n != number] == one
    assert many[alike] == [alike, here] and many[unlike] == [unlike]


def test_many_children_at_once_find_what_one_child_at_a_time_finds_in_a_crowded_store(cli, monkeypatch):
    """An import's comparison (ChildrenHere: grouped by sex, nationality and age, each name scored
    once per new child) against new-case's (match_score on every child sharing a key), on a training
    store whose small vocabulary makes most names shared, with the three facts known, unknown or
    contradicting in turn."""
    import datetime as dt
    import json
    import random

    from casecli.case.decisions import duplicates

    store_path = cli.home / "data" / "crowded.db"
    cli.home.joinpath("data").mkdir(exist_ok=True)
    cli.ok("--store", str(store_path), "demo", "--cases", "150", "--seed", "7", "--into-real-store")
    chance = random.Random(7)
    with open_store(store_path, lambda: PASSPHRASE) as store:
        today = dt.date.today()
        described = {}
        for number, answers in store.conn.execute("SELECT case_number, answers FROM cases ORDER BY case_number"):
            found = json.loads(answers)
            found["sex"] = chance.choice([found.get("sex"), found.get("sex"), None, "unknown", "male", "female"])
            found["nationality"] = chance.choice([found.get("nationality"), None, "other", "honduras", "mexico"])
            if chance.random() < 0.7:  # the age the child states, near the one here or not
                found.pop("date_of_birth", None)
                found["age_estimate"] = chance.choice([None, *range(3, 18)])
            for part in ("name_first", "name_last"):
                name = str(found.get(part) or "")
                if len(name) > 3 and chance.random() < 0.6:  # a slip of the pen: a letter lost or doubled
                    at = chance.randrange(1, len(name))
                    lost, doubled = name[:at] + name[at + 1 :], name[:at] + name[at] + name[at:]
                    found[part] = lost if chance.random() < 0.5 else doubled
            described[f"NEW-{number}"] = found
        many = duplicates.ChildrenHere(store, today).matches(described)
        flagged = 0
        for number, answers in described.items():
            one = [n for n, _score in duplicates.matches_for(store, answers, today)]
            assert many[number] == one, number
            flagged += bool(one)
    assert flagged > 30  # the comparison was put to work: a crowded store flags many


NAMES = st.lists(st.sampled_from(["maria", "marco", "mar", "jose", "josefa", "luz", "lopez", "lo"]), max_size=4)


@settings(max_examples=400, deadline=None)
@given(new=NAMES, here=NAMES)
def test_the_keys_an_import_searches_find_every_child_who_shares_a_key(new, here):
    """search_keys leaves out the pairs of words found again under their beginnings: a child who
    shares any key with a new child is still under one of the keys searched."""
    from casecli.case.child.name_keys import index_keys, search_keys

    searched = search_keys(tuple(new))
    assert searched <= index_keys(tuple(new))
    if index_keys(tuple(new)) & index_keys(tuple(here)):
        assert searched & index_keys(tuple(here)), (new, here)
