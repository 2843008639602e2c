"""The field's rules (issue 14): refusals come before questions, reviews and chosen visit dates
reach the agenda, and the plan offers every care arrangement registration offers."""

from __future__ import annotations

import pytest

from .conftest import registration_answers
from .test_assessment_plan import INITIAL
from .test_cycle import PLAN, VISIT
from .test_store import assert_one_line_error


@pytest.fixture
def worker(ready, monkeypatch):
    ready.today = lambda day: monkeypatch.setenv("CASECLI_TODAY", day)
    return ready


def planned(cli) -> str:
    cli.today("2026-11-24")
    number = cli.register()
    cli.ok("assess", number, "--answers", cli.write("a.json", INITIAL))
    cli.ok("plan", "edit", number, "--answers", cli.write("p.json", PLAN), "--activate")
    return number


def due(cli, number: str, kind: str) -> list[str]:
    return [i["due"] for i in cli.json("show", number)["due"] if i["kind"] == kind]


def test_the_next_visit_chosen_at_a_visit_is_the_one_due(worker):
    number = planned(worker)
    assert due(worker, number, "visit") == ["2026-12-01"]  # the plan's frequency: every 7 days
    visit = {**VISIT, "visited_on": "2026-11-24", "next_visit": "2026-12-12", "items": {}}
    worker.ok("visit", "add", number, "--answers", worker.write("v.json", visit))
    assert due(worker, number, "visit") == ["2026-12-12"]  # not 2026-12-01
    worker.today("2026-12-12")
    agenda = worker.json("agenda", "--days", "0")
    assert [(i["kind"], i["due"]) for i in agenda if i["kind"] == "visit"] == [("visit", "2026-12-12")]


def test_a_review_is_due_every_90_days_after_the_plan_is_active(worker):
    number = planned(worker)
    assert due(worker, number, "review") == ["2027-02-22"]  # 2026-11-24 + 90 days
    review = {
        "reviewed_on": "2027-01-10",
        "participants": ["child"],
        "progress": "Settled",
        "child_views": "Estoy bien",
        "decision": "continue",
        "risk_level": "high",
        "next_review": "2027-04-10",  # the agency's 90 days
        "items": {},
    }
    worker.today("2027-01-10")
    worker.ok("review", number, "--answers", worker.write("r.json", review))
    assert due(worker, number, "review") == ["2027-04-10"]
    worker.ok("settings", "set", "review.every_days", "30")
    assert due(worker, number, "review") == ["2027-02-09"]
    worker.today("2027-02-09")
    assert "review" in [i["kind"] for i in worker.json("agenda", "--days", "0")]


@pytest.mark.parametrize(
    "command",
    [
        ("visit", "add"),
        ("review",),
        ("referral", "add"),
        ("plan", "edit"),
        ("assess",),
        ("edit",),
    ],
)
def test_a_write_to_a_closed_case_is_refused_before_any_question(worker, command):
    worker.today("2026-11-23")
    number = worker.register()
    closure = {"reason": "lost_contact", "last_contact": "2026-11-22", "search_efforts": "Called the shelters"}
    worker.ok("close", number, "--answers", worker.write("c.json", closure))
    # No answers at all: were the wizard asked first, it would fail on a missing answer instead.
    result = worker(*command, number, "--no-input")
    assert_one_line_error(result, 3)
    assert "is closed and read-only" in result.stderr


@pytest.mark.parametrize("care", ["unrelated_adult", "child_headed_household", "no_care_arrangement"])
def test_the_plan_offers_every_care_arrangement_of_registration(worker, care):
    worker.today("2026-11-24")
    number = worker.register(care_arrangement=care)
    worker.ok("assess", number, "--answers", worker.write("a.json", INITIAL))
    plan = {**PLAN, "header": {k: v for k, v in PLAN["header"].items() if k != "care_arrangement"}}
    worker.ok("plan", "edit", number, "--answers", worker.write("p.json", plan), "--activate")
    from casecli.forms import load_form

    label = load_form("registration").field("care_arrangement").choice_label(care)
    assert label in worker.ok("plan", "show", number, "--format", "markdown").stdout


def test_an_adult_date_of_birth_is_refused_unless_the_age_is_disputed(worker):
    worker.today("2026-11-23")
    adult = {"dob_known": True, "date_of_birth": "1990-01-01", "age_estimate": None}
    result = worker("new-case", "--answers", worker.write("c.json", registration_answers(**adult)))
    assert_one_line_error(result, 3)
    assert "date_of_birth" in result.stderr and "age.majority_years" in result.stderr
    assert "36" not in result.stderr and "1990" not in result.stderr  # an error line carries no child data
    estimated = worker("new-case", "--answers", worker.write("c.json", registration_answers(age_estimate=19)))
    assert_one_line_error(estimated, 3)
    assert "age_estimate" in estimated.stderr
    assert worker.json("list") == []

    disputed = {**adult, "age_disputed": True, "age_dispute_reason": "No papers", "age_child_says": "Tengo 16"}
    number = worker.register(**disputed)
    (row,) = worker.json("list")
    # presumed a child: the age the child states, until an age assessment settles it
    assert (row["age"], row["age_estimated"], row["age_disputed"]) == (16, True, True)
    assert "~16 (disputed)" in worker.ok("list").stdout
    assert "~16 (disputed)" in worker.ok("show", number).stdout
    # and an edit cannot take the dispute away while the age says adult
    result = worker("edit", number, "--set", "age_disputed=no")
    assert_one_line_error(result, 3)
    estimated = worker.register(
        age_estimate=19, age_disputed=True, age_dispute_reason="Looks 15", age_child_says="15", name_first="Kevin"
    )
    assert worker.json("show", estimated)["age"] == 15


def test_the_agenda_warns_before_the_child_turns_18_until_the_plan_holds_a_transition_action(worker):
    worker.today("2026-11-24")
    number = worker.register(dob_known=True, date_of_birth="2009-01-15", age_estimate=None)
    warning = [i for i in worker.json("show", number)["due"] if i["kind"] == "turns 18"]
    assert [i["due"] for i in warning] == ["2026-10-17"]  # 90 days before 2027-01-15
    assert "2027-01-15" in warning[0]["what"] or "15/01/2027" in warning[0]["what"]
    assert "turns 18" in [i["kind"] for i in worker.json("agenda")]
    worker.ok("assess", number, "--answers", worker.write("a.json", INITIAL))
    plan = {**PLAN, "actions": [{**PLAN["actions"][0], "category": "other"}]}
    worker.ok("plan", "edit", number, "--answers", worker.write("p.json", plan), "--activate")
    assert "turns 18" in [i["kind"] for i in worker.json("agenda")]
    action = {
        "action": "Prepare leaving care",
        "owner": "Ana Ruiz",
        "due": "2026-12-20",
        "category": "transition_to_adulthood",
    }
    plan = {**PLAN, "actions": [*PLAN["actions"], action]}
    worker.ok("plan", "edit", number, "--answers", worker.write("p.json", plan), "--activate")
    assert "turns 18" not in [i["kind"] for i in worker.json("agenda")]
    # a younger child is not warned yet
    other = worker.register(dob_known=True, date_of_birth="2012-01-15", age_estimate=None)
    assert "turns 18" not in [i["kind"] for i in worker.json("show", other)["due"] if i["due"] <= "2026-12-01"]


def test_consent_follows_the_age_rules(worker):
    worker.today("2026-11-23")
    toddler = {"age_estimate": 2, "consent": "child_consent", "share_with": ["agency_team"]}
    result = worker("new-case", "--answers", worker.write("c.json", registration_answers(**toddler)))
    assert_one_line_error(result, 3)
    assert "consent" in result.stderr and "under 6" in result.stderr  # the rule; its setting in docs/rules.md
    number = worker.register(age_estimate=2, consent="caregiver_consent", caregiver="Tía Rosa")
    (record,) = worker.json("consent", "show", number)["consents"]
    assert (record["answers"]["consent"], record["child_age"], record["status"]) == ("caregiver_consent", 2, "active")

    ten = worker.register(age_estimate=10, name_first="Kevin", sex="male")
    for bad, rule in (("child_consent", "informed consent from 15"), ("caregiver_consent", "assent")):
        answers = {"consent": bad, "share_with": ["agency_team"], "child_informed": True}
        refused = worker("consent", "new", ten, "--answers", worker.write("k.json", answers))
        assert_one_line_error(refused, 3)
        assert rule in refused.stderr
    assent = {
        "consent": "child_assent",
        "assent_with": "guardian_consent",
        "share_with": ["agency_team"],
        "child_informed": True,
    }
    worker.ok("consent", "new", ten, "--answers", worker.write("k.json", assent))
    assert worker.json("consent", "show", ten)["in_force"]["answers"]["assent_with"] == "guardian_consent"
    shown = worker.ok("consent", "show", ten).stdout
    assert "Consent in force" in shown and "Earlier consents" in shown and "(age 10)" in shown
    older = registration_answers(age_estimate=16, name_first="Brayan", sex="male", consent="caregiver_consent")
    refused = worker("new-case", "--answers", worker.write("c.json", older))
    assert_one_line_error(refused, 3)
    assert "informed consent" in refused.stderr


def test_a_referral_is_checked_against_the_consent_in_force(worker):
    from .test_cycle import REFERRAL

    worker.today("2026-11-23")
    number = worker.register(share_with=["agency_team"])
    referral = worker.write("r.json", REFERRAL)
    refused = worker("referral", "add", number, "--answers", referral)
    assert_one_line_error(refused, 3)
    assert "service_providers" in refused.stderr and "consent_override" in refused.stderr
    assert worker.json("referral", "list") == []
    worker.ok("referral", "add", number, "--answers", referral, "--override-reason", "Infected wound: risk to life")
    sharing = worker.json("show", number, "--sharing")["sharing"]
    (shared,) = sharing["shared"]
    assert shared["override"] == "Infected wound: risk to life" and not shared["consent"]["within"]
    out = worker.ok("show", number, "--sharing").stdout
    assert "beyond the consent of" in out and "override: Infected wound" in out

    # a wider consent, then its withdrawal: sharing stops, and the agenda asks for a review
    wider = {"consent": "child_consent", "share_with": ["agency_team", "service_providers"], "child_informed": True}
    worker.ok("consent", "new", number, "--answers", worker.write("k.json", wider))
    worker.ok("referral", "add", number, "--answers", referral)
    worker.today("2026-11-25")
    worker.ok("consent", "withdraw", number, "--reason", "Ya no quiere que se comparta")
    refused = worker("referral", "add", number, "--answers", referral)
    assert_one_line_error(refused, 3)
    assert "withdrawn on 2026-11-25" in refused.stderr
    (item,) = [i for i in worker.json("agenda") if i["kind"] == "consent"]
    assert item["case_number"] == number and item["due"] == "2026-11-25"
    history = worker.json("show", number, "--history")["history"]
    assert [e["kind"] for e in history][-2:] == ["referral", "consent withdrawn"]
    assert_one_line_error(worker("consent", "withdraw", number, "--reason", "again"), 3)
    worker.ok("consent", "new", number, "--answers", worker.write("k.json", wider))
    assert [i for i in worker.json("agenda") if i["kind"] == "consent"] == []


def test_reached_adulthood_fits_only_a_child_of_18_or_nearly(worker):
    worker.today("2026-11-23")
    twelve = worker.register(age_estimate=12)
    closure = {"reason": "reached_adulthood", "final_visit": True, "child_informed": True, "aftercare_plan": "Shelter"}
    refused = worker("close", twelve, "--answers", worker.write("c.json", closure))
    assert_one_line_error(refused, 3)
    assert "reached_adulthood" in refused.stderr and "closure.adulthood_margin_days" in refused.stderr
    assert "12" not in refused.stderr  # the rule, not the child's age
    assert worker.json("show", twelve)["status"] == "open"
    nearly = worker.register(dob_known=True, date_of_birth="2008-12-10", age_estimate=None, name_first="Kevin")
    worker.ok("close", nearly, "--answers", worker.write("c.json", closure))  # 18 in 17 days: within 30
    assert worker.json("show", nearly)["status"] == "closed"


def test_every_care_arrangement_of_registration_is_offered_by_the_plan():
    from casecli.forms import load_form

    registration = load_form("registration").field("care_arrangement").choice_values
    assert load_form("plan-header").field("care_arrangement").choice_values == registration


def test_lists_for_mexico_and_central_america_keep_old_answers(worker):
    from casecli.forms import load_form

    concerns = load_form("assessment-comprehensive").field("protection_concerns")
    assert {"trafficked", "smuggled", "child_mother", "statelessness", "child_marriage", "neglect"} <= set(
        concerns.choice_values
    )
    # the merged value is no longer offered, but answers that hold it keep their meaning
    assert "trafficked_smuggled" not in concerns.offered_values()
    assert "trafficked_smuggled" in concerns.offered_values(["trafficked_smuggled"])
    assert concerns.coerce(["trafficked_smuggled"], None) == ["trafficked_smuggled"]
    worker.today("2026-11-23")
    number = worker.register(
        migration_situation="returned_deported",
        care_arrangement="migration_detention",
        separation_cause="entrusted",
        authority_notified=True,
        authority_notified_on="2026-11-22",
    )
    registration = worker.json("show", number)["registration"]
    assert registration["authority_name"].startswith("Procuraduría de Protección")
    shown = worker.ok("--lang", "es", "show", number).stdout
    assert "Retenido/a en una estación migratoria" in shown  # the Spanish label, not the English one


def test_every_setting_is_documented_in_both_languages_and_in_the_readme(worker):
    from pathlib import Path

    from casecli.store import settings

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for key, value in settings.defaults().items():
        assert settings.about(key, "en") and settings.about(key, "es") != settings.about(key, "en"), key
        assert f"| `{key}` | {value} |" in readme, key
    shown = worker.ok("--lang", "es", "settings", "show").stdout
    assert settings.about("consent.informed_from_age", "es") in shown
