"""Registration and finding cases, through the real CLI on a real encrypted store."""

from __future__ import annotations

import json

from casecli.forms import load_form

from .conftest import CHILD_NAMES, registration_answers
from .test_store import assert_one_line_error


def test_register_list_and_show(ready):
    number = ready.register()
    assert number.startswith("MX7-0001-")
    [row] = ready.json("list")
    assert row["case_number"] == number
    assert row["child_name"] == " ".join(CHILD_NAMES)
    assert (row["age"], row["age_estimated"]) == (15, True)
    assert (row["risk"], row["stage"], row["case_worker"]) == ("high", "registered", "Ana Ruiz")
    assert row["registered_on"] == "2026-11-23"

    case = ready.json("show", number.lower())
    assert case["case_number"] == number
    assert case["registration"]["urgent_needs"] == ["health", "shelter"]
    assert case["registration"]["dob_known"] is False
    assert case["form"] == {"id": "registration", "version": 4}

    text = ready.ok("show", number).stdout
    assert "Identity" in text and CHILD_NAMES[0] in text and "Unaccompanied" in text


def test_numbers_follow_each_other_on_one_device(ready):
    first, second = ready.register(), ready.register(name_first="Wilmer")
    assert first.split("-")[1] == "0001" and second.split("-")[1] == "0002"


def test_age_from_date_of_birth(ready):
    number = ready.register(dob_known=True, age_estimate=None, date_of_birth="2012-12-01")
    [row] = [r for r in ready.json("list") if r["case_number"] == number]
    assert (row["age"], row["age_estimated"]) == (13, False)


def test_filters(ready):
    high = ready.register()
    low = ready.register(name_first="José Luis", name_last="Hernández", risk_level="low")
    assert [r["case_number"] for r in ready.json("list", "--risk", "low")] == [low]
    assert [r["case_number"] for r in ready.json("list", "--search", "hernandez")] == [low]
    assert [r["case_number"] for r in ready.json("list", "--search", "JOSÉ")] == [low]
    assert [r["case_number"] for r in ready.json("list", "--search", high.lower())] == [high]
    assert ready.json("list", "--status", "closed") == []
    assert len(ready.json("list", "--status", "registered")) == 2
    assert_one_line_error(ready("list", "--risk", "extreme"), code=3)


def test_invalid_answers_name_the_field_and_save_nothing(ready):
    bad = registration_answers(age_estimate=45, risk_level="extreme", identified_on="2099-01-01")
    del bad["sex"]
    result = ready("new-case", "--answers", ready.write("bad.json", bad))
    assert_one_line_error(result, code=3)
    message = result.stderr
    assert "missing: sex" in message
    assert "age_estimate (expected a whole number from 0 to 30)" in message
    assert "risk_level (expected one of: high, medium, low)" in message
    assert "identified_on" in message and "future" in message
    assert "25" not in message  # answers are never echoed back
    assert ready.json("list") == []


def test_dependent_fields_are_required_only_when_they_apply(ready):
    result = ready("new-case", "--answers", ready.write("a.json", registration_answers(age_estimate=None)))
    assert "missing: age_estimate" in result.stderr
    result = ready("new-case", "--answers", ready.write("b.json", registration_answers(dob_known=True)))
    assert "missing: date_of_birth" in result.stderr
    result = ready("new-case", "--answers", ready.write("c.json", registration_answers(consent="best_interests")))
    assert "missing: consent_reason" in result.stderr
    assert ready.json("list") == []


def test_unknown_fields_and_bad_files_are_refused(ready):
    result = ready(
        "new-case", "--answers", ready.write("x.json", {**registration_answers(), "favourite_colour": "red"})
    )
    assert_one_line_error(result, code=3)
    assert "favourite_colour (unknown field" in result.stderr
    broken = ready.home / "broken.json"
    broken.write_text("{not json")
    result = ready("new-case", "--answers", str(broken))
    assert_one_line_error(result, code=3)
    assert "not valid JSON" in result.stderr
    assert_one_line_error(ready("new-case", "--answers", str(ready.home / "missing.json")), code=3)


def test_without_a_terminal_missing_answers_fail_instead_of_prompting(ready):
    result = ready("new-case")  # CI=true and no TTY: must not wait
    assert_one_line_error(result, code=3)
    assert "missing: identified_how" in result.stderr


def test_unknown_case_names_the_closest(ready):
    number = ready.register()
    prefix, digits, _ = number.split("-")
    from casecli.casenumber import format_number

    other = format_number(prefix, int(digits) + 1)
    result = ready("show", other)
    assert result.exit_code == 4
    assert f"no case {other}" in result.stderr and number in result.stderr
    typo = number[:-1] + ("A" if number[-1] != "A" else "B")
    result = ready("show", typo)
    assert "check character" in result.stderr and number in result.stderr
    assert_one_line_error(ready("show", "hello"), code=4)
    # a name typed where the case number goes is never repeated back (terminals get logged)
    result = ready("show", "Yulissa Quetzalcoatl")
    assert_one_line_error(result, code=4)
    assert "Yulissa" not in result.stderr and "not a name" in result.stderr
    assert "'MX7-0001'" in ready("show", "MX7-0001").stderr  # a mistyped number is said back, with the closest


def test_history_records_the_registration(ready):
    number = ready.register()
    case = json.loads(ready.ok("show", number, "--history", "--json").stdout)
    [event] = case["history"]
    assert event["kind"] == "registered" and event["actor"] == "Ana Ruiz" and event["seq"] == 1
    assert "name_first" in event["changes"]["fields"]
    assert len(event["hash"]) == 64
    assert "History" in ready.ok("show", number, "--history").stdout


def test_init_profile_answers_are_checked(cli):
    result = cli(
        "init",
        "--answers",
        cli.write("p.json", {"name": "Ana", "agency": "X", "role": "boss", "case_number_prefix": "ZZ"}),
    )
    assert_one_line_error(result, code=3)
    assert "role (expected one of" in result.stderr and "case_number_prefix" in result.stderr
    assert not cli.store.exists()


def test_init_needs_a_long_enough_passphrase(cli, monkeypatch):
    monkeypatch.setenv("CASECLI_PASSPHRASE", "short")
    result = cli(
        "init",
        "--answers",
        cli.write("p.json", {"name": "Ana", "agency": "X", "role": "lawyer", "case_number_prefix": "MX7"}),
    )
    assert_one_line_error(result, code=3)
    assert "at least 10 characters" in result.stderr
    assert not cli.store.exists()


def test_init_shows_a_recovery_code_that_opens_the_store(cli):
    from casecli.protection import recovery
    from casecli.store.keyslots import KeyFile, secret_bytes

    out = cli.init().stdout
    code = next(word for line in out.splitlines() for word in line.split() if word.count("-") == 6)
    assert recovery.normalize(code.lower()) == code
    keys = KeyFile.load(cli.store.with_name("casecli.db.keys"), cli.store)
    assert len(keys.unlock("recovery", secret_bytes(code))) == 32


def test_forms_list_and_show(cli):
    forms = {f["form"]: f for f in cli.json("forms", "list")}
    assert {"registration", "profile"} <= set(forms)
    described = cli.json("forms", "show", "registration")
    fields = {f["id"]: f for f in described["fields"]}
    assert fields["risk_level"]["required"] is True
    assert [c["value"] for c in fields["risk_level"]["choices"]] == ["high", "medium", "low"]
    assert fields["age_estimate"]["min"] == 0 and fields["age_estimate"]["max"] == 30
    assert fields["age_estimate"]["when"] == {"field": "dob_known", "equals": False}
    assert fields["sex"]["label"]["es"] == "Sexo"
    assert "risk_level" in cli.ok("forms", "show", "registration").stdout
    assert_one_line_error(cli("forms", "show", "nope"), code=3)


def test_every_form_is_labelled_in_english_and_spanish():
    from casecli.forms import FIELD_TYPES, form_names

    for name in form_names():
        form = load_form(name)
        assert set(form.doc["title"]) >= {"en", "es"}
        for section in form.sections:
            assert section["title"].get("en") and section["title"].get("es"), (name, section["id"])
        for field in form.fields:
            assert field.type in FIELD_TYPES, (name, field.id)  # an unknown type would fail only when answered
            assert field.spec["label"].get("en") and field.spec["label"].get("es"), (name, field.id)
            for choice in field.choices:
                assert choice["label"].get("en") and choice["label"].get("es"), (name, field.id, choice["value"])


def test_help_has_examples_for_every_command(cli):
    for command in ("init", "new-case", "list", "show", "demo", "forms list", "forms show"):
        text = cli.ok(*command.split(), "--help").stdout
        assert "Example" in text, command


def test_a_registered_case_row_is_checked_by_the_rules_of_the_model():
    """Registration checks its case row in plain Python (no SQLModel to import); a row from a
    bundle is checked by CaseRow. The two give the same verdict on every column's edge."""
    from casecli.case.steps.registration import well_formed_case
    from casecli.store.records import CaseRow

    good = {
        "case_number": "MX7-0001-G",
        "form_id": "registration",
        "form_version": 3,
        "answers": "{}",
        "child_name": "Ana",
        "search_text": "ana",
        "risk": "high",
        "case_worker": "Ana Ruiz",
        "registered_on": "2026-11-23",
        "created_at": "2026-11-23T10:00:00+00:00",
        "updated_at": "2026-11-23T10:00:00+00:00",
    }
    changes = [
        {},
        {"case_number": "MX7-01"},
        {"case_number": "M" * 25},
        {"case_number": "M" * 24},
        {"form_version": 0},
        {"form_version": None},
        {"child_name": ""},
        {"age_estimate": 31},
        {"age_estimate": 30},
        {"age_estimate": -1},
        {"age_estimate": 0},
        {"risk": "urgent"},
        {"risk": None},
        {"status": "copy"},
        {"status": "archived"},
        {"case_worker": ""},
        {"sex": None, "date_of_birth": "2010-01-01"},
        {"incomplete": True, "demo": True},
        {"registered_on": None},
    ]
    for change in changes:
        row = {**good, **change}
        try:
            CaseRow.model_validate(row)
            model_says = True
        except ValueError:
            model_says = False
        try:
            checked = well_formed_case(row)
            plain_says = True
        except ValueError:
            plain_says = False
        assert plain_says == model_says, change
        if plain_says:
            assert checked == CaseRow.model_validate(row).model_dump(), change
