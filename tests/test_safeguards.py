"""The safeguards on the decisions that shape a child's life (#31), through the real CLI: no
return while an asylum claim protects the child, a BID before a durable solution, and the other
checks the field requires; each refused with one line naming the rule and what would satisfy it,
then accepted once that record exists."""

from __future__ import annotations

from .test_best_interests import BIA, BID, approve_solution
from .test_sharing_approvals import team  # noqa: F401  (the fixture: a worker, her supervisor, another agency)
from .test_store import assert_one_line_error
from .test_tracing import FOUND, REQUEST, REUNIFIED, TRACING, VERIFIED

CLAIM = {
    "entered_on": "2026-11-02",
    "wants_asylum": True,
    "wish_heard_how": "In Spanish, with the shelter's lawyer, who explained the procedure",
    "authority": "comar",
    "legal_representative": "Lic. Pedro Soto",
}
FILED = {"step": "filed", "step_on": "2026-11-10", "reference": "COMAR/TAP/2026/0173"}
REJECTED = {"step": "decision", "step_on": "2026-11-18", "outcome": "rejected"}
FINAL = {"step": "final", "step_on": "2026-11-20", "notes": "No appeal: the child chose to return to her grandmother"}
REPATRIATED = {
    "reason": "repatriated",
    "final_visit": True,
    "child_informed": True,
    "outcome_with": "Her grandmother",
    "outcome_where": "San Pedro Sula",
    "outcome_on": "2026-11-23",
}


def test_no_return_while_an_asylum_claim_is_pending(ready):
    number = ready.register()  # unaccompanied, from Honduras
    out = ready.ok("asylum", "add", number, "--answers", ready.write("claim.json", CLAIM)).stdout
    assert "Asylum claim 1 recorded" in out
    [claim] = ready.json("asylum", "list", number)
    assert (claim["status"], claim["answers"]["legal_representative"]) == ("intended", CLAIM["legal_representative"])

    returning = {**BIA, "best_interest_recommendation": "repatriation"}
    refused = ready("bia", number, "--answers", ready.write("bia.json", returning))
    assert_one_line_error(refused, code=3)
    assert "non-refoulement" in refused.stderr and f"casecli asylum step {number}" in refused.stderr
    assert ready.json("bia", "list", number) == []
    closing = ready("close", number, "--answers", ready.write("c.json", REPATRIATED), "--acknowledge-open")
    assert_one_line_error(closing, code=3)
    assert "non-refoulement" in closing.stderr and ready.json("show", number)["status"] == "open"

    # A BIA recommending something else is recorded; a BID may not approve a return either.
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA))
    to_return = {**BID, "durable_solution": "repatriation"}
    refused = ready("bid", number, "--answers", ready.write("bid.json", to_return))
    assert_one_line_error(refused, code=3)
    assert "non-refoulement" in refused.stderr and ready.json("bid", "list", number) == []

    early = ready("asylum", "step", number, "--answers", ready.write("s.json", {**FILED, "step_on": "2026-10-01"}))
    assert_one_line_error(early, code=3)
    assert "step_on" in early.stderr  # before the child entered the country
    out_of_order = ready("asylum", "step", number, "--answers", ready.write("s.json", FINAL))
    assert out_of_order.exit_code == 3 and "step" in out_of_order.stderr  # nothing to make final yet
    for i, step in enumerate((FILED, REJECTED)):
        ready.ok("asylum", "step", number, "--answers", ready.write(f"s{i}.json", step))
    assert ready.json("asylum", "list", number)[0]["status"] == "rejected"  # an appeal is still possible
    refused = ready("close", number, "--answers", ready.write("c.json", REPATRIATED), "--acknowledge-open")
    assert refused.exit_code == 3 and "non-refoulement" in refused.stderr
    ready.ok("asylum", "step", number, "--answers", ready.write("s.json", FINAL))
    assert ready.json("asylum", "list", number)[0]["status"] == "rejected_final"
    approve_solution(ready, number, "repatriation")
    ready.ok("close", number, "--answers", ready.write("c.json", REPATRIATED), "--acknowledge-open")
    assert ready.json("show", number)["status"] == "closed"


def test_a_recognised_child_is_not_returned(ready):
    number = ready.register()
    ready.ok("asylum", number, "--answers", ready.write("claim.json", CLAIM))
    ready.ok("asylum", "step", number, "--answers", ready.write("f.json", FILED))
    recognised = {"step": "decision", "step_on": "2026-11-22", "outcome": "recognised"}
    ready.ok("asylum", "step", number, "--answers", ready.write("s.json", recognised))
    refused = ready(
        "bia", number, "--answers", ready.write("bia.json", {**BIA, "best_interest_recommendation": "repatriation"})
    )
    assert_one_line_error(refused, code=3)
    assert "recognised" in refused.stderr


def test_a_durable_solution_needs_an_approving_bid(ready):
    never_assessed = ready.register(age_estimate=2, dob_known=False)
    refused = ready("close", never_assessed, "--answers", ready.write("c.json", REPATRIATED), "--acknowledge-open")
    assert_one_line_error(refused, code=3)
    assert "bid.required_for_durable_solutions" in refused.stderr and f"casecli bid {never_assessed}" in refused.stderr
    # A BID approving another solution does not stand for this one.
    approve_solution(ready, never_assessed, "resettlement_to_3rd_country")
    other = ready("close", never_assessed, "--answers", ready.write("c.json", REPATRIATED), "--acknowledge-open")
    assert other.exit_code == 3 and "(repatriation)" in other.stderr
    approve_solution(ready, never_assessed, "repatriation")
    ready.ok("close", never_assessed, "--answers", ready.write("c.json", REPATRIATED), "--acknowledge-open")

    accompanied = ready.register(protection_status="accompanied_at_risk", name_first="Kevin", sex="male")
    ready.ok("close", accompanied, "--answers", ready.write("c.json", REPATRIATED), "--acknowledge-open")


def test_a_reunification_in_the_country_of_origin_is_a_return(ready):
    number = ready.register(share_with=TRACING)
    ready.ok("tracing", "add", number, "--answers", ready.write("r.json", REQUEST))
    ready.ok("tracing", "action", number, "--answers", ready.write("a.json", FOUND))
    ready.ok("tracing", "verify", number, "--answers", ready.write("v.json", VERIFIED))
    ready.ok("asylum", "add", number, "--answers", ready.write("claim.json", CLAIM))
    refused = ready("tracing", "reunify", number, "--answers", ready.write("u.json", REUNIFIED))
    assert_one_line_error(refused, code=3)
    assert "non-refoulement" in refused.stderr
    withdrawn = {"step": "withdrawn", "step_on": "2026-11-21", "notes": "The child withdrew it"}
    ready.ok("asylum", "step", number, "--answers", ready.write("s.json", withdrawn))
    across = ready("tracing", "reunify", number, "--answers", ready.write("u.json", REUNIFIED))
    assert across.exit_code == 3 and "bid.required_for_durable_solutions" in across.stderr
    # Within the country the agency works in, no border is crossed: no BID is asked.
    here = {**REUNIFIED, "reunified_where": "Tapachula", "reunified_country": "mexico"}
    ready.ok("tracing", "reunify", number, "--answers", ready.write("u.json", here))
    assert ready.json("tracing", "list", number)[0]["status"] == "reunified"


def test_text_settings_take_a_line_or_one_of_their_choices(ready):
    ready.ok("settings", "set", "agency.country", "GT")
    wrong = ready("settings", "set", "agency.country", "atlantis")
    assert_one_line_error(wrong, code=3)
    assert "agency.country" in wrong.stderr and "GT" in wrong.stderr
    ready.ok("settings", "set", "agency.hotline", "Línea de la Procuraduría 800 000 0000")
    values = ready.json("settings", "show")
    assert values["agency.country"] == "GT" and values["agency.hotline"].startswith("Línea")
    control = ready("settings", "set", "agency.hotline", "800\x1b[2J")
    assert_one_line_error(control, code=3)


def test_a_family_is_verified_against_the_childs_wish_only_when_a_bia_or_bid_weighed_it(ready):
    number = ready.register(share_with=TRACING)
    ready.ok("tracing", "add", number, "--answers", ready.write("r.json", REQUEST))
    ready.ok("tracing", "action", number, "--answers", ready.write("a.json", FOUND))
    doubtful = {**VERIFIED, "child_wishes_reunification": False, "information_matches": False}
    refused = ready("tracing", "verify", number, "--answers", ready.write("v.json", doubtful))
    assert_one_line_error(refused, code=3)
    assert "weighed_in" in refused.stderr and "weighed_why" in refused.stderr
    unknown = {**doubtful, "weighed_in": "BIA 1", "weighed_why": "The panel heard her"}
    assert ready("tracing", "verify", number, "--answers", ready.write("v.json", unknown)).exit_code == 3  # no BIA 1
    assert ready.json("tracing", "list", number)[0]["status"] == "located"
    # Recorded as not verified, it needs nothing more; verified, it names the assessment that weighed it.
    ready.ok("tracing", "verify", number, "--answers", ready.write("v.json", {**doubtful, "verified": False}))
    ready.ok("bia", number, "--answers", ready.write("bia.json", {**BIA, "purpose": "family_reunification"}))
    ready.ok("tracing", "verify", number, "--answers", ready.write("v.json", unknown))
    assert ready.json("tracing", "list", number)[0]["status"] == "verified"


def test_a_reunification_is_followed_up_for_the_agencys_period_before_closing(ready):
    from .test_cycle import VISIT
    from .test_tracing import CLOSURE

    number = ready.register(share_with=TRACING)
    ready.ok("tracing", "add", number, "--answers", ready.write("r.json", REQUEST))
    ready.ok("tracing", "action", number, "--answers", ready.write("a.json", FOUND))
    ready.ok("tracing", "verify", number, "--answers", ready.write("v.json", VERIFIED))
    here = {**REUNIFIED, "reunified_on": "2026-08-01", "reunified_where": "Tapachula", "reunified_country": "mexico"}
    ready.ok("tracing", "reunify", number, "--answers", ready.write("u.json", here))
    ready.ok("visit", "add", number, "--answers", ready.write("v1.json", {**VISIT, "visited_on": "2026-08-16"}))
    short = ready("close", number, "--answers", ready.write("c.json", CLOSURE), "--acknowledge-open")
    assert_one_line_error(short, code=3)
    assert "follow_up_confirmation" in short.stderr and "on or after 2026-10-30" in short.stderr
    ready.ok("visit", "add", number, "--answers", ready.write("v2.json", {**VISIT, "visited_on": "2026-11-02"}))
    ready.ok("close", number, "--answers", ready.write("c.json", CLOSURE), "--acknowledge-open")


def test_a_panel_that_does_not_approve_says_what_it_recommends_and_a_new_bia_is_due(ready):
    number = ready.register()
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA))
    refusing = {**BID, "decision": "does_not_approve"}
    refusing.pop("durable_solution")
    silent = ready("bid", number, "--answers", ready.write("bid.json", refusing))
    assert_one_line_error(silent, code=3)
    assert "panel_recommendation" in silent.stderr
    said = {**refusing, "panel_recommendation": "Assess local integration with the shelter's school first"}
    out = ready.ok("bid", number, "--answers", ready.write("bid.json", said)).stdout
    assert f"casecli bia {number}" in out
    agenda = ready.json("agenda", "--days", "60")
    [again] = [i for i in agenda if i["kind"] == "bia"]
    assert again["due"] == "2026-12-23" and again["command"] == f"casecli bia {number}"  # bid.reassess_days
    assert not [i for i in agenda if i["kind"] == "bid"]
    again = {**BIA, "assessed_on": "2026-11-23", "best_interest_recommendation": "local_integration"}
    ready.ok("bia", number, "--answers", ready.write("bia2.json", again))
    kinds = [i["kind"] for i in ready.json("agenda", "--days", "60")]
    assert "bia" not in kinds and "bid" in kinds  # the new assessment asks its own panel


ADULT_PAPERS = {
    "dob_known": True,
    "date_of_birth": "1990-01-01",
    "age_estimate": None,
    "age_disputed": True,
    "age_dispute_reason": "A passport that may not be his",
    "age_child_says": "Tengo 16",
}
ASSESSED = {
    "assessed_on": "2026-11-20",
    "method": "holistic",
    "assessor": "Dra. Lucía Méndez, psicóloga",
    "assessor_agency": "Procuraduría de Protección, Chiapas",
    "outcome_age_min": 17,
    "outcome_age_max": 19,
    "child_informed": True,
    "child_heard": True,
    "appeal": "none",
}


def test_a_disputed_age_is_the_age_the_child_states_until_an_assessment(ready):
    import csv
    import io

    number = ready.register(**ADULT_PAPERS)
    (row,) = ready.json("list")
    assert (row["age"], row["age_disputed"]) == (16, True)
    assert "~16 (disputed)" in ready.ok("list").stdout
    closing = {"reason": "reached_adulthood", "final_visit": True, "child_informed": True, "aftercare_plan": "None"}
    refused = ready("close", number, "--answers", ready.write("c.json", closing), "--acknowledge-open")
    assert_one_line_error(refused, code=3)
    assert f"casecli age-assessment {number}" in refused.stderr
    [adult] = [i for i in ready.json("show", number)["due"] if i["kind"] == "adult"]
    assert adult["due"] == "2028-11-20"  # presumed 16 on identification: of age in two years, not 1990's
    ready.ok("settings", "set", "report.suppress_under", "1")
    figures = ready.home / "figures.csv"
    ready.ok("report", "--deidentified", "--format", "csv", "--output", str(figures))
    bands = {
        r["category"]: r["count"]
        for r in csv.DictReader(io.StringIO(figures.read_text("utf-8")))
        if r["dimension"] == "age_band"
    }
    assert bands == {"15-17": "1"}  # counted as a child, not in 18+

    wrong = ready("age-assessment", number, "--answers", ready.write("a.json", {**ASSESSED, "outcome_age_max": 15}))
    assert_one_line_error(wrong, code=3)
    assert "outcome_age_max" in wrong.stderr
    pending = {**ASSESSED, "appeal": "pending", "appeal_notes": "Before the Procuraduría"}
    ready.ok("age-assessment", number, "--answers", ready.write("a.json", pending))
    assert ready.json("list")[0]["age"] == 16  # an appeal pending keeps the child's word
    ready.ok("age-assessment", number, "--answers", ready.write("a.json", {**ASSESSED, "assessed_on": "2026-11-21"}))
    (row,) = ready.json("list")
    assert (row["age"], row["age_disputed"], row["age_assessed"]) == (17, False, True)
    assert "~17 (assessed)" in ready.ok("show", number).stdout
    assert "Age assessment 2" in ready.ok("show", number).stdout
    changed = {**ASSESSED, "assessed_on": "2026-11-22", "appeal": "changed", "appeal_age_min": 18}
    ready.ok("age-assessment", number, "--answers", ready.write("a.json", changed))
    [adult] = [i for i in ready.json("show", number)["due"] if i["kind"] == "adult"]
    assert adult["due"] == "2026-11-22"  # of age since the appeal's outcome: after-care or closure
    ready.ok("close", number, "--answers", ready.write("c.json", closing), "--acknowledge-open")


def test_a_review_records_the_childs_part_re_rates_the_risk_and_sets_the_next_review(ready):
    from .test_assessment_plan import INITIAL
    from .test_cycle import PLAN

    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL))
    ready.ok("settings", "set", "approval.plan_activation", "0")
    ready.ok("plan", "edit", number, "--answers", ready.write("p.json", PLAN), "--activate")
    absent = {
        "participants": ["caregiver", "interpreter"],
        "progress": "Settled at the shelter",
        "decision": "continue",
        "risk_level": "medium",
        "risk_reason": "Safe placement, school started",
        "next_review": "2027-01-15",
    }
    unsaid = ready("review", number, "--answers", ready.write("r.json", absent))
    assert_one_line_error(unsaid, code=3)
    assert "child_involvement" in unsaid.stderr and "child_views" not in unsaid.stderr
    present = {**absent, "participants": ["child", "interpreter"]}
    wordless = ready("review", number, "--answers", ready.write("r.json", present))
    assert wordless.exit_code == 3 and "child_views" in wordless.stderr
    involved = {**absent, "child_involvement": "Asked the day before with the interpreter; told the outcome after"}
    ready.ok("review", number, "--answers", ready.write("r.json", involved))
    case = ready.json("show", number)
    assert case["risk"] == "medium"
    assert [i["due"] for i in case["due"] if i["kind"] == "review"] == ["2027-01-15"]
    assert "Risk re-rated from high to medium" in [
        e["summary"] for e in ready.json("show", number, "--history")["history"]
    ]


def test_a_plan_against_the_childs_wish_says_what_the_child_objects_to_and_how_it_was_weighed(ready):
    from .test_assessment_plan import INITIAL
    from .test_cycle import PLAN

    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL))
    ready.ok("settings", "set", "approval.plan_activation", "0")
    against = {**PLAN, "header": {**PLAN["header"], "child_agrees": "no"}}
    refused = ready("plan", "edit", number, "--answers", ready.write("p.json", against), "--activate")
    assert refused.exit_code != 0
    assert "child_objects_to" in refused.stderr and "objection_weighed" in refused.stderr
    weighed = {
        **against["header"],
        "child_objects_to": "No quiero ir a otro albergue",
        "objection_weighed": "Heard with her; the shelter closes: she chose the new one among two",
    }
    ready.ok("plan", "edit", number, "--answers", ready.write("p.json", {**PLAN, "header": weighed}), "--activate")
    voice = ready.json("show", number, "--voice")["voice"]
    assert ("said", weighed["child_objects_to"]) in [(e["kind"], e["answer"]) for e in voice]
    assert ("weighed", weighed["objection_weighed"]) in [(e["kind"], e["answer"]) for e in voice]
    assert "weighed against it" in ready.ok("show", number, "--voice").stdout


def test_the_reason_tracing_goes_ahead_against_the_childs_no_is_in_the_childs_voice(ready):
    from .test_assessment_plan import INITIAL

    number = ready.register(share_with=TRACING)
    ready.ok("assess", number, "--answers", ready.write("i.json", {**INITIAL, "wants_tracing": "no"}))
    why = "Her mother asked the Red Cross for her; she may decide on contact once found"
    ready.ok("tracing", "add", number, "--answers", ready.write("r.json", {**REQUEST, "child_no_reason": why}))
    voice = ready.json("show", number, "--voice")["voice"]
    assert ("tracing", "weighed", why) in [(e["step"], e["kind"], e["answer"]) for e in voice]


def test_a_referral_beyond_the_consent_waits_for_the_supervisor_unless_urgent(team, tmp_path):  # noqa: F811
    from .test_cycle import REFERRAL
    from .test_sharing_approvals import decided

    ana, marta, _sofia = team
    number = ana.register(share_with=["agency_team"])  # not service providers: a clinic is beyond it
    why = ["--override-reason", "The wound is infected and the clinic needs her name"]
    waits = ana("referral", "add", number, "--answers", ana.write("r.json", REFERRAL), *why)
    assert_one_line_error(waits, code=1)
    assert "approval.sharing_beyond_consent" in waits.stderr and f"casecli approval request {number}" in waits.stderr
    assert ana.json("referral", "list") == []
    [asked] = ana.json("approvals")
    assert asked["kind"] == "sharing_beyond_consent" and asked["subject"]["to"][0]["agency"] == REFERRAL["agency"]
    decided(ana, marta, number, tmp_path, "approve")
    [todo] = [i for i in ana.json("agenda") if i["kind"] == "approval"]
    assert todo["command"] == f"casecli referral add {number}"
    ana.ok("referral", "add", number, "--answers", ana.write("r.json", REFERRAL), *why)
    assert [a["status"] for a in ana.json("show", number)["approvals"]] == ["used"]
    assert len(ana.json("referral", "list")) == 1

    other = ana.register(share_with=["agency_team"], name_first="Kevin", sex="male")
    later = {**REFERRAL, "urgency": "within_3_days"}
    refused = ana("referral", "add", other, "--answers", ana.write("r2.json", later), *why, "--urgent")
    assert_one_line_error(refused, code=3)
    assert "--urgent" in refused.stderr
    now = {**REFERRAL, "urgency": "within_1_hour"}
    out = ana.ok("referral", "add", other, "--answers", ana.write("r2.json", now), *why, "--urgent").stdout
    assert "went ahead as urgent" in out
    [todo] = [i for i in ana.json("agenda") if i["kind"] == "approval" and i["case_number"] == other]
    # due from the moment it was asked (the laptop's clock, not the test's date)
    assert "awaits approval" in todo["what"] and todo["command"].startswith(f"casecli approval request {other}")
    history = ana.json("show", other, "--history")["history"]
    assert any(e["kind"] == "referral" and e["changes"].get("urgent_before_approval") for e in history)


def test_a_case_that_broke_a_new_rule_before_it_existed_says_so(ready):
    """A store from before these rules upgrades in place: its records are not changed, but `show`
    and the agenda name the rule a case breaks (here: made as an older casecli would have)."""
    import json

    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    number = ready.register(age_estimate=2, dob_known=False)
    with open_store(ready.store, lambda: PASSPHRASE) as store, store.transaction():
        store.conn.execute(
            "INSERT INTO closures (uid, case_number, closed_on, reason, answers, created_by, created_at)"
            " VALUES ('old1', ?, '2026-11-21', 'repatriated', ?, 'Ana Ruiz', '2026-11-21T10:00:00+00:00')",
            (number, json.dumps(REPATRIATED)),
        )
        store.conn.execute("UPDATE cases SET status = 'closed' WHERE case_number = ?", (number,))
    case = ready.json("show", number)
    assert [b["rule"] for b in case["breaches"]] == ["durable_solution_without_bid"]
    assert "voluntary repatriation) without a BID that approved it" in ready.ok("show", number).stdout
    [item] = [i for i in ready.json("agenda", "--days", "0") if i["kind"] == "rule"]
    assert item["case_number"] == number and item["command"] == f"casecli show {number}"
    assert ready.json("show", number)["status"] == "closed"  # what happened is not changed
