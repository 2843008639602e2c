"""The quick check of stored answers (forms/stored.py) and the full check of a form never disagree:
what the quick check passes, `Form.check` finds nothing wrong with; what `Form.check` cleans, the
quick check passes (so an import of answers casecli wrote takes the quick way); and an import's
plan check says what `normalise` says."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casecli.case.file import plan_rules
from casecli.errors import CaseCliError
from casecli.forms import MISSING, Field, form_names, load_form
from casecli.forms.stored import NOT_STORED, all_fine, invalid

TODAY = dt.date(2026, 12, 6)


def candidates(field: Field) -> list:
    """Values near each of the field's rules, valid, invalid and in between (typed, not stored)."""
    common = [None, "", "   ", True, 0, 5, 2.5, ["x"], {"a": 1}]
    kind = field.type
    if kind in ("text", "longtext"):
        limit = field.spec.get("max_length") or 40
        return [*common, "abc", " abc ", "x" * limit, "x" * (limit + 1), " " + "x" * limit]
    if kind == "date":
        tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
        return [
            *common,
            "2024-02-29",
            "2023-02-29",
            TODAY.isoformat(),
            tomorrow,
            " 2024-01-01",
            "06/12/2026",
            "2024-1-1",
            "1899-01-01",
            "2024-01-01T00:00:00",
            "\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0661",  # Arabic-Indic digits
            20240101,
        ]
    if kind == "integer":
        low, high = field.spec.get("min", 0), field.spec.get("max", 30)
        return [*common, low, high, low - 1, high + 1, str(high), f" {low} ", False, float(low)]
    if kind == "boolean":
        return [*common, False, "yes", "sí", "no", "maybe", 1]
    values = list(field.choice_values)[:4]
    if kind == "choice":
        return [*common, *values, f" {values[0]}", "bogus", [values[0]]]
    exclusive = field.spec.get("exclusive")
    mixed = [values[0], values[-1]] + ([exclusive] if exclusive else [])
    return [
        *common,
        [values[0]],
        [values[0], values[0]],
        mixed,
        ",".join(values[:2]),
        [f" {values[0]}"],
        [],
        [1],
        "bogus",
        *([[exclusive], [exclusive, exclusive]] if exclusive else []),
    ]


@st.composite
def answers_to(draw, name: str) -> dict:
    fields = load_form(name).fields
    chosen = draw(st.lists(st.sampled_from(fields), max_size=8, unique_by=lambda f: f.id))
    answers = {field.id: draw(st.sampled_from(candidates(field))) for field in chosen}
    if draw(st.integers(0, 9)) == 0:
        answers["not_a_field"] = "x"
    return answers


FORMS = form_names()


def full_verdict(name: str, answers: dict, today: dt.date) -> dict[str, str]:
    _clean, problems = load_form(name).check(answers, today, use_defaults=False)
    return {field: why for field, why in problems.items() if why != MISSING}


@pytest.mark.parametrize("name", FORMS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_quick_check_passes_nothing_the_full_check_refuses(name, data):
    answers = data.draw(answers_to(name))
    form = load_form(name)
    full = full_verdict(name, answers, TODAY)
    if all_fine(form, answers, TODAY):
        assert full == {}
    found = invalid(form, answers, TODAY)
    # what the full check refuses, and besides only values it would take but casecli never stores
    assert {field: why for field, why in found.items() if why != NOT_STORED} == full
    for field, why in found.items():
        if why == NOT_STORED:
            assert answers.get(field) is not None and not all_fine(form, {field: answers[field]}, TODAY)


def condition_met(field: Field) -> dict:
    """An answer that makes `field` apply (its first condition), so that the full check looks at it."""
    when = field.spec.get("when")
    when = when[0] if isinstance(when, list) else when
    if not when:
        return {}
    if "equals" in when:
        return {when["field"]: when["equals"]}
    if "in" in when:
        return {when["field"]: when["in"][0]}
    return {when["field"]: [when["contains"]]}


@pytest.mark.parametrize("name", FORMS)
def test_every_fields_every_near_value_alone_gets_the_same_verdict_both_ways(name):
    form = load_form(name)
    for field in form.fields:
        for value in candidates(field):
            answers = {**condition_met(field), field.id: value}
            if all_fine(form, answers, TODAY):
                assert full_verdict(name, answers, TODAY) == {}, (field.id, value)


@pytest.mark.parametrize("name", FORMS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_answers_as_the_full_check_cleans_them_take_the_quick_way(name, data):
    form = load_form(name)
    clean, _problems = form.check(data.draw(answers_to(name)), TODAY, use_defaults=False)
    with_validator = {f.id for f in form.fields if f.text_rules[1]}
    stored = {k: v for k, v in clean.items() if k not in with_validator}
    assert all_fine(form, stored, TODAY), stored


def test_a_value_a_person_may_type_but_casecli_never_stores_is_refused_in_a_record():
    """The full check reads what a person types ("14", "no", " female", 01/02/2012 in Spanish); a
    record kept as it came would be read as something else later ("no" is true) or break reads."""
    from casecli import i18n

    form = load_form("registration")
    assert all_fine(form, {"name_first": "Ana", "sex": "female"}, TODAY)
    assert not all_fine(form, {"name_first": "Ana", "not_a_field": 1}, TODAY)
    for field, typed in (("sex", " female"), ("age_estimate", "14"), ("age_disputed", "no")):
        assert full_verdict("registration", {field: typed}, TODAY) == {}  # a person may type it so
        assert invalid(form, {field: typed}, TODAY) == {field: NOT_STORED}
    was = i18n.current
    i18n.set_language("es")
    try:
        assert full_verdict("registration", {"date_of_birth": "01/02/2012"}, TODAY) == {}
        assert invalid(form, {"date_of_birth": "01/02/2012"}, TODAY) == {"date_of_birth": NOT_STORED}
        # under an earlier form's id too (renamed on the way in)
        assert invalid(form, {"separation_date": "01/02/2012"}, TODAY) == {"date_of_separation": NOT_STORED}
    finally:
        i18n.set_language(was)
    assert "sex" in invalid(form, {"name_first": "Ana", "sex": "bogus"}, TODAY)


PART_FORMS = {"header": plan_rules.HEADER_FORM, **plan_rules.ITEM_FORMS}


@st.composite
def plans(draw) -> object:
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from([[], "plan", {"header": []}, {"header": {}, "services": {}}]))
    plan: dict = {}
    for part, name in PART_FORMS.items():
        if not draw(st.booleans()):
            continue
        if part == "header":
            plan[part] = draw(answers_to(name))
            continue
        items = draw(st.lists(answers_to(name), max_size=3))
        for item in items:
            if draw(st.booleans()):
                item["id"] = "a1b2c3"
            if draw(st.integers(0, 4)) == 0:
                item["need_ref"] = "a1:health"
        plan[part] = [*items, *draw(st.sampled_from([[], [], ["not an object"]]))]
    if draw(st.integers(0, 9)) == 0:
        plan["extras"] = {}
    return plan


@settings(max_examples=300, deadline=None)
@given(plan=plans())
def test_an_imports_plan_check_says_what_normalise_says(plan):
    try:
        clean = plan_rules.normalise(plan, TODAY)  # type: ignore[arg-type]
    except CaseCliError:
        assert not plan_rules.is_valid(plan, TODAY)
        return
    # a plan normalise takes is valid as it comes when its values are as stored, and once cleaned
    assert plan_rules.is_valid(clean, TODAY)
    parts = [plan.get("header", {}), *(item for key in plan_rules.ITEM_FORMS for item in plan.get(key, []))]
    as_stored = all(
        all_fine(load_form(PART_FORMS[key]), plan_rules._answers_of(part), TODAY)
        for key in PART_FORMS
        for part in ([plan.get(key, {})] if key == "header" else plan.get(key, []))
    )
    assert plan_rules.is_valid(plan, TODAY) == as_stored, parts
