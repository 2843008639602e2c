"""A rushed first meeting (quick registration, then edit) and a child registered twice."""

from __future__ import annotations

import json

import pytest

from casecli.case.child.name_keys import name_tokens
from casecli.case.decisions.duplicates import name_score

from .conftest import registration_answers
from .test_store import assert_one_line_error

QUICK = {
    "name_first": "Girl in a red jacket, about 12",
    "sex": "female",
    "age_estimate": 12,
    "current_location": "Tapachula bus station",
    "urgent_needs": ["shelter"],
    "risk_level": "high",
}


def quick_register(cli, answers=QUICK) -> str:
    out = cli.ok("new-case", "--quick", "--answers", cli.write("quick.json", answers)).stdout
    return out.split("Registered case ")[1].split(" ")[0].rstrip(".")


def test_quick_registration_is_marked_incomplete_until_edit_completes_it(ready):
    number = quick_register(ready)
    [row] = ready.json("list", "--incomplete")
    assert row["case_number"] == number and row["incomplete"] is True
    assert row["risk"] == "high" and row["age"] == 12
    case = ready.json("show", number)
    assert "identified_how" in case["missing"] and "consent" in case["missing"]
    assert "(incomplete)" in ready.ok("list").stdout

    full = registration_answers()
    for key in QUICK:
        full.pop(key, None)
    full.pop("dob_known")
    # part of it: still incomplete
    part = {k: full[k] for k in ("identified_how", "identified_where", "identified_on")}
    out = ready.ok("edit", number, "--answers", ready.write("part.json", part)).stdout
    assert "Still to complete" in out
    assert ready.json("show", number)["incomplete"] is True
    # the rest, with the real name learnt later
    out = ready.ok("edit", number, "--answers", ready.write("rest.json", {**full, "name_first": "Dayana"})).stdout
    assert "now complete" in out
    case = ready.json("show", number)
    assert case["incomplete"] is False and "missing" not in case
    assert case["child_name"].startswith("Dayana")
    assert ready.json("list", "--incomplete") == []

    history = json.loads(ready.ok("show", number, "--history", "--json").stdout)["history"]
    renamed = history[-1]["changes"]["name_first"]
    assert renamed == {"old": "Girl in a red jacket, about 12", "new": "Dayana"}
    assert "registration now complete" in history[-1]["summary"]


def test_quick_registration_asks_only_the_minimum(ready):
    result = ready("new-case", "--quick")
    assert result.exit_code == 3
    missing = result.stderr.split("missing: ")[1].split(";")[0].strip().split(", ")
    assert sorted(missing) == sorted(QUICK)


def test_edit_one_field_keeps_the_old_value_in_the_history(ready):
    number = ready.register()
    out = ready.ok("edit", number, "--set", "risk_level=medium", "--set", "current_location=Casa Alianza").stdout
    assert "current_location, risk_level" in out
    case = json.loads(ready.ok("show", number, "--history", "--json").stdout)
    assert case["risk"] == "medium"
    last = case["history"][-1]
    assert last["kind"] == "edited"
    assert last["changes"]["risk_level"] == {"old": "high", "new": "medium"}
    assert ready.ok("edit", number, "--set", "risk_level=medium").stdout.strip() == "Nothing changed."


def test_edit_refuses_invalid_values_and_emptying_a_complete_case(ready):
    number = ready.register()
    for args, expected in (
        (["--set", "risk_level=extreme"], "risk_level (expected one of"),
        (["--set", "sex="], "missing: sex"),
        (["--set", "no_such_field=1"], "no_such_field (unknown field"),
        (["--set", "nonsense"], "--set: expected field=value"),
    ):
        result = ready("edit", number, *args)
        assert_one_line_error(result, code=3)
        assert expected in result.stderr
    assert ready.json("show", number)["registration"] == registration_answers()
    assert_one_line_error(ready("edit", number), code=3)  # nothing to change, and no terminal


def test_changing_an_answer_drops_answers_that_no_longer_apply(ready):
    number = ready.register()
    ready.ok("edit", number, "--set", "dob_known=yes", "--set", "date_of_birth=2011-02-03")
    reg = ready.json("show", number)["registration"]
    assert reg["dob_known"] is True and reg["date_of_birth"] == "2011-02-03" and "age_estimate" not in reg


NAME_VARIANTS = ["José Luis Hernández", "Jose Luis Hernandez", "Hernández, José", "Luis Hernandes", "Pepe Hernández"]


@pytest.mark.parametrize("variant", NAME_VARIANTS[1:])
def test_name_variants_match(variant):
    assert name_score(name_tokens(NAME_VARIANTS[0]), name_tokens(variant)) >= 0.84


@pytest.mark.parametrize("other", ["José Luis Fernández", "Luis García", "María Hernández", "Juan Luis Hernández"])
def test_different_names_do_not_match(other):
    assert name_score(name_tokens(NAME_VARIANTS[0]), name_tokens(other)) == 0


def split(name: str) -> dict:
    if "," in name:
        last, first = [p.strip() for p in name.split(",")]
    else:
        parts = name.split()
        first, last = " ".join(parts[:-1]), parts[-1]
    return {"name_first": first, "name_last": last}


def test_registration_refuses_a_likely_duplicate_until_the_worker_decides(ready):
    first = ready.register(**split("José Luis Hernández"), sex="male", age_estimate=14)
    for variant in NAME_VARIANTS[1:]:
        result = ready(
            "new-case",
            "--answers",
            ready.write("dup.json", registration_answers(**split(variant), sex="male", age_estimate=15)),
        )
        assert_one_line_error(result, code=3)
        assert f"possible duplicate of {first}" in result.stderr and "--new-child" in result.stderr
    assert len(ready.json("list")) == 1
    # the worker checked: another child with a similar name
    out = ready.ok(
        "new-case",
        "--new-child",
        "--answers",
        ready.write("d.json", registration_answers(**split("Jose Luis Hernandez"), sex="male", age_estimate=15)),
    ).stdout
    second = out.split("Registered case ")[1].split(".")[0]
    links = ready.json("show", second)["links"]
    assert links[0]["case_number"] == first and links[0]["kind"] == "not_same"
    assert ready.json("duplicates") == []  # decided pairs are not listed again


def test_distinct_children_with_common_names_are_not_flagged(ready):
    ready.register(name_first="María", name_last="García", sex="female", age_estimate=8, nationality="honduras")
    ready.register(name_first="María", name_last="García", sex="female", age_estimate=16, nationality="honduras")
    ready.register(name_first="María", name_last="García", sex="female", age_estimate=9, nationality="guatemala")
    ready.register(name_first="Mario", name_last="García", sex="male", age_estimate=8, nationality="honduras")
    ready.register(name_first="María", name_last="González", sex="female", age_estimate=8, nationality="honduras")
    assert len(ready.json("list")) == 5
    assert ready.json("duplicates") == []


def test_duplicates_lists_pairs_and_link_records_decisions(ready):
    a = ready.register(**split("José Luis Hernández"), sex="male")
    b = ready.register(**split("Carlos Pérez"), sex="male")
    out = ready.ok(
        "new-case",
        "--new-child",
        "--answers",
        ready.write("c.json", registration_answers(**split("Hernández, José"), sex="male")),
    ).stdout
    c = out.split("Registered case ")[1].split(".")[0]
    assert ready.json("duplicates") == []  # --new-child recorded "not the same" for what it showed
    ready.ok("link", c, a, "--same-child", "--note", "same boy, name order swapped")
    shown = ready.json("show", a)["links"]
    assert shown == [
        {
            "case_number": c,
            "kind": "same_child",
            "decided_by": "Ana Ruiz",
            "decided_at": shown[0]["decided_at"],
            "note": "same boy, name order swapped",
        }
    ]
    ready.ok("link", a, b, "--sibling")
    assert {link["kind"] for link in ready.json("show", a)["links"]} == {"same_child", "sibling"}
    assert "sibling of " + a in ready.ok("show", b).stdout
    assert_one_line_error(ready("link", a, b), code=3)
    assert_one_line_error(ready("link", a, a, "--sibling"), code=3)


def test_duplicates_finds_pairs_registered_without_a_check(ready):
    """Pairs that reached the store another way (a training store, an import) are listed."""
    import datetime as dt

    from casecli.case.steps.registration import insert_case
    from casecli.forms import load_form
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    form = load_form("registration")
    with open_store(ready.store, lambda: PASSPHRASE) as store, store.transaction():
        for name in ("José Luis Hernández", "Luis Hernandes", "Carlos Pérez"):
            answers = form.validate(registration_answers(**split(name), sex="male"), dt.date(2026, 11, 23))
            insert_case(store, answers, form, dt.date(2026, 11, 23), "Ana Ruiz", "MX7")
    [pair] = ready.json("duplicates")
    assert pair["score"] >= 0.84
    assert "possible duplicate pair" in ready.ok("duplicates").stdout


def test_files_saved_by_windows_notepad_are_read(ready, monkeypatch):
    """A byte-order mark and CRLF line ends (old Notepad's "UTF-8") in an answers or passphrase file."""
    from .conftest import PASSPHRASE

    answers = ready.home / "notepad.json"
    answers.write_bytes(
        b"\xef\xbb\xbf"
        + json.dumps(registration_answers(), ensure_ascii=False, indent=2).replace("\n", "\r\n").encode()
    )
    number = ready.ok("new-case", "--answers", str(answers)).stdout.split("Registered case ")[1].split(".")[0]
    secret = ready.home / "passphrase.txt"
    secret.write_bytes(b"\xef\xbb\xbf" + PASSPHRASE.encode() + b"\r\n")
    monkeypatch.delenv("CASECLI_PASSPHRASE")
    monkeypatch.setenv("CASECLI_PASSPHRASE_FILE", str(secret))
    assert [r["case_number"] for r in ready.json("list")] == [number]


def test_duplicates_lists_each_childs_best_pairs_with_memory_flat_in_the_pairs(ready):
    """Twelve spellings of one name: 66 candidate pairs. `--per-child 2` lists exactly the pairs
    among the two most alike of either child (ties as the listing orders them), most alike first."""
    import datetime as dt

    from casecli.case.decisions.duplicates import likely_pairs
    from casecli.case.steps.registration import insert_case
    from casecli.forms import load_form
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    spellings = [
        "María José García", "Maria Jose Garcia", "María García José", "Marìa José Garcìa", "María Josef García",
        "Mária José García", "María Jose García", "María José Garsía", "Maria José García", "María José Gracia",
        "María José Garcia", "Mariá José García",
    ]  # fmt: skip
    form = load_form("registration")
    today = dt.date(2026, 11, 23)
    with open_store(ready.store, lambda: PASSPHRASE) as store, store.transaction():
        for name in spellings:
            insert_case(
                store, form.validate(registration_answers(**split(name)), today), form, today, "Ana Ruiz", "MX7"
            )
    with open_store(ready.store, lambda: PASSPHRASE) as store:
        every = likely_pairs(store, today)
        two = likely_pairs(store, today, per_child=2)
    assert len(every) > 40
    ranked = sorted(every, key=lambda x: (-x[2], x[0], x[1]))
    top: dict[str, list] = {}
    for pair in ranked:
        for child in pair[:2]:
            top.setdefault(child, []).append(pair)
    expected = {p for pairs in top.values() for p in pairs[:2]}
    assert set(two) == expected and two == sorted(two, key=lambda x: (-x[2], x[0], x[1]))
    listed = ready.json("duplicates", "--per-child", "2")
    assert [(p["case_a"], p["case_b"], p["score"]) for p in listed] == two
    assert len(ready.json("duplicates", "--per-child", "1000")) == len(every)
