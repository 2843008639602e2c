"""The plan's rules as plain functions over plan documents (what the editor and answers files share)."""

from __future__ import annotations

import pytest

from casecli.case.file import plan_rules

NEED = {"id": "a1:safety", "domain": "safety", "title": {"en": "Safety", "es": "Seguridad"}, "judgement": "urgent",
        "description": "Threatened at the border"}  # fmt: skip


def plan_with(**parts) -> dict:
    return {**plan_rules.empty_plan(), **parts}


def test_an_assessed_need_is_untaken_until_an_item_refers_to_it():
    assert plan_rules.untaken_needs(plan_with(), [NEED]) == [NEED]
    taken = plan_with(protection_needs=[{"id": "x", "need_ref": NEED["id"]}])
    assert plan_rules.untaken_needs(taken, [NEED]) == []
    by_domain = plan_with(actions=[{"id": "y", "need_ref": "safety"}])  # as answers files may say it
    assert plan_rules.untaken_needs(by_domain, [NEED]) == []


def test_an_item_started_from_a_need_carries_it_and_urgent_services_say_so():
    assert plan_rules.item_from_need("protection_needs", NEED) == {"need_ref": NEED["id"], "need": NEED["description"]}
    service = plan_rules.item_from_need("services", {**NEED, "description": ""})
    assert service == {"need_ref": NEED["id"], "what": "Safety", "urgent": True}
    assert plan_rules.item_from_need("actions", NEED)["action"] == NEED["description"]


def test_an_edited_item_keeps_its_id_and_need_and_moving_up_stops_at_the_top():
    item = {"id": "i1", "need_ref": "n1", "need": "old"}
    assert plan_rules.edited_item(item, {"need": "new", "id": "forged"}) == {
        "need": "new",
        "id": "i1",
        "need_ref": "n1",
    }
    items = [{"id": "a"}, {"id": "b"}, {"id": "c"}]
    assert [i["id"] for i in plan_rules.moved_up(items, "c")] == ["a", "c", "b"]
    assert [i["id"] for i in plan_rules.moved_up(items, "a")] == ["a", "b", "c"]
    assert [i["id"] for i in items] == ["a", "b", "c"]  # the editor's copy is not changed in place


def test_a_plan_whose_header_is_not_an_object_is_invalid_input_not_a_crash():
    import datetime as dt

    from casecli.case.file import plan_rules
    from casecli.errors import InvalidInput

    for plan in ({"header": 5}, {"header": ["x"]}, ["not", "a", "plan"]):
        with pytest.raises(InvalidInput):
            plan_rules.normalise(plan, dt.date(2026, 11, 23))


def test_a_service_from_an_assessed_need_starts_on_the_service_the_domain_calls_for():
    from casecli.case.file.assessments import form_for, needs_from
    from casecli.case.file.plan_rules import item_from_need

    from .test_assessment_plan import INITIAL

    needs = {n["domain"]: n for n in needs_from(form_for("initial"), INITIAL, "a1")}
    assert needs["health"]["service_type"] == "health_medical_service"
    start = item_from_need("services", needs["health"])
    assert start["service_type"] == "health_medical_service" and start["need_ref"] == "a1:health"
    family = {**needs["health"], "domain": "family", "service_type": "family_tracing_service"}
    assert item_from_need("services", family)["service_type"] == "family_tracing_service"
    assert "service_type" not in item_from_need("services", {**needs["health"], "service_type": None})
    assert "service_type" not in item_from_need("actions", needs["health"])
