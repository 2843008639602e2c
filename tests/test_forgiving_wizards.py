"""Wizards that forgive, in a pseudo-terminal: typing replaces a prefilled answer, letters at a
menu search it (never silently choose), every menu goes back, the plan editor changes one header
field, a referral starts from a plan service, and the assessment asks the risk."""

from __future__ import annotations

import os

import pytest

pexpect = pytest.importorskip("pexpect")
if os.name != "posix":  # pragma: no cover
    pytest.skip("pseudo-terminals need POSIX", allow_module_level=True)

from .pty_session import DOWN, ENTER, UP, Wizard, ends, spawn  # noqa: E402
from .test_assessment_plan import INITIAL  # noqa: E402
from .test_cycle import PLAN  # noqa: E402


def enter_until(child, text: str) -> None:
    """Keep the default of every optional question (Enter) until `text` is asked."""
    while child.expect_exact([text, "[optional]"]) == 1:
        child.send(ENTER)
        child.expect_exact("[optional]")  # the question again, answered: not a new one


def edit_one_header_field(ready, search: str, label: str, keys: str) -> dict:
    """In the plan editor, change one header field alone (the header menu, searched for `search`),
    typing `keys` at its question; returns the saved header."""
    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL))
    ready.ok("plan", "edit", number, "--answers", ready.write("p.json", PLAN))
    child = spawn(ready.home, "plan", "edit", number)
    child.expect_exact("what now?")
    child.send(ENTER)  # edit the header
    child.expect_exact("Which part of the header?")
    child.send(search)
    child.send(ENTER)
    child.expect_exact(label)
    child.expect_exact("typing replaces it")
    child.send(keys + ENTER)
    child.expect_exact("what now?")  # straight back: no other header question
    child.send(DOWN * 8 + ENTER)  # save as draft (the menu stayed on "Edit the header")
    child.expect_exact("Saved plan version 2")
    ends(child, 0)
    return ready.json("show", number)["plan"]["data"]["header"]


def edit_provider(ready, keys: str) -> str:
    return edit_one_header_field(ready, "provider", "Care provider", keys)["provider"]


def test_typing_into_a_prefilled_answer_replaces_it(ready):
    assert edit_provider(ready, "Calle 5a Norte") == "Calle 5a Norte"


def test_moving_into_a_prefilled_answer_edits_it(ready):
    left, right = "\x1b[D", "\x1b[C"
    assert edit_provider(ready, left * 2 + right * 2 + " Tapachula") == PLAN["header"]["provider"] + " Tapachula"


def test_a_sentence_typed_at_a_menu_chooses_nothing_by_itself(ready):
    """Letters at a yes/no menu filter it; a sentence that matches nothing leaves the choice where
    it was, and the worker still picks with the arrows."""
    number = ready.register()
    child = spawn(ready.home, "assess", number)
    w = Wizard(child, "assessment-initial")
    w.answer("safety_concerns", "Threatened" + ENTER)
    w.answer("safety_judgement", "she does not want to talk about it")  # typed at a menu by mistake
    child.expect_exact("she does not want")  # the search is shown, visibly
    child.send("\x7f" * 40)  # backspace clears it
    child.send(DOWN * 3 + ENTER)  # urgent
    w.answer("safety_need", "Safe place" + ENTER)
    child.sendcontrol("c")
    ends(child, 130)


def test_back_returns_to_the_previous_question(ready):
    number = ready.register()
    child = spawn(ready.home, "assess", number)
    w = Wizard(child, "assessment-initial")
    w.answer("safety_concerns", "Threatened" + ENTER)
    w.answer("safety_judgement", DOWN * 3 + ENTER)  # urgent
    w.answer("safety_need", "Safe place" + ENTER)
    w.answer("health_notes", ENTER)
    w.answer("health_judgement", UP + ENTER)  # the last choice of the menu: back
    child.expect_exact(w.form.field("health_notes").label("en"))  # asked again
    child.send("Cough" + ENTER)
    w.answer("health_judgement", ENTER)
    child.sendcontrol("c")
    ends(child, 130)


def test_the_assessment_asks_the_risk_starting_from_the_cases(ready):
    number = ready.register()  # high risk
    answers = {k: v for k, v in INITIAL.items() if k not in ("risk_level", "risk_reason")}
    child = spawn(ready.home, "assess", number, "--answers", ready.write("i.json", answers))
    w = Wizard(child, "assessment-initial")
    enter_until(child, w.form.field("risk_level").label("en"))
    child.send(DOWN + ENTER)  # asked, at "high": one down is medium
    w.answer("risk_reason", "Safe shelter found" + ENTER)
    child.expect_exact("What now?")
    child.send(UP + ENTER)  # the last choice of the summary's menu: back, to the last question
    w.answer("risk_reason", "Safe shelter found, with her aunt nearby" + ENTER)
    child.expect_exact("What now?")
    child.send(ENTER)
    ends(child, 0)
    assert ready.json("show", number)["risk"] == "medium"
    [assessment] = ready.json("show", number)["assessments"]
    assert assessment["answers"]["risk_reason"] == "Safe shelter found, with her aunt nearby"


def test_the_plan_editor_changes_one_header_field(ready):
    header = edit_one_header_field(ready, "how many days", "Monitoring visits every", "14")  # replaces the 7
    assert header["visit_every_days"] == 14 and header["provider"] == PLAN["header"]["provider"]


def test_a_referral_starts_from_a_plan_service(ready):
    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL))
    ready.ok("plan", "edit", number, "--answers", ready.write("p.json", PLAN), "--activate")
    service = ready.json("show", number)["plan"]["data"]["services"][0]
    child = spawn(ready.home, "referral", "add", number)
    child.expect_exact("Start from a service of the plan?")
    child.expect_exact(service["id"])
    child.send(DOWN + ENTER)
    child.expect_exact("What the records already say")  # the service's type, provider, need, urgency
    child.expect_exact(service["provider"])
    child.expect_exact("Keep these answers?")
    child.expect_exact("Answer each one")  # the menu drawn whole
    child.send(ENTER)
    w = Wizard(child, "referral")
    w.answer("contact", "Dra. López" + ENTER)  # the first question asked
    assert w.form.field("agency").label("en") not in child.before
    child.sendcontrol("c")
    ends(child, 130)
    rest = {"contact": "x", "child_consent": "yes", "caregiver_consent": "not_applicable", "info_shared": "name"}
    ready.ok("referral", "add", number, "--from-service", service["id"][:4], "--answers", ready.write("r.json", rest))
    [referral] = ready.json("referral", "list", number)
    assert referral["service_type"] == service["service_type"] and referral["answers"]["agency"] == service["provider"]
    assert referral["plan_item"] == service["id"] and referral["answers"]["reason"] == service["what"]


def test_a_first_plans_header_asks_only_what_registration_did_not_say(ready):
    """The worker, the placement and the visits' frequency come from registration and the agency's
    settings: "the questions still unanswered" asks the rest, and keeps those."""
    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL))
    child = spawn(ready.home, "plan", "edit", number)
    child.expect_exact("what now?")
    child.send(ENTER)  # edit the header
    child.expect_exact("Which part of the header?")
    child.expect_exact("The questions still unanswered (5)")
    child.send(ENTER)
    w = Wizard(child, "plan-header")

    def answer(field_id: str, keys: str) -> None:  # the question itself, not the menu line naming it
        child.expect_exact("?\x1b[0;1m " + w.form.field(field_id).label("en"))
        child.send(keys)

    answer("durable_solution", ENTER)
    answer("provider", "Casa Refugio" + ENTER)  # registration named no caregiver
    answer("start_date", "2026-11-24" + ENTER)
    answer("child_took_part", ENTER)  # yes
    answer("child_views", "Quiero ver a mi tía" + ENTER)
    answer("child_agrees", ENTER)  # yes
    child.expect_exact("what now?")
    for field_id in ("case_worker", "care_arrangement", "location", "visit_every_days"):
        assert w.form.field(field_id).label("en") + "?" not in child.before  # kept, not asked
    child.send("Save as draft" + ENTER)
    child.expect_exact("Saved plan version 1")
    ends(child, 0)
    header = ready.json("show", number)["plan"]["data"]["header"]
    assert (
        header["provider"] and header["location"] == "Casa Refugio" and header["care_arrangement"] == "small_group_home"
    )
    assert header["start_date"] == "2026-11-24" and header["child_views"] == "Quiero ver a mi tía"
