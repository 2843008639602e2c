"""Best Interests Assessments and BID panels: when a BID is required, who may sit on the panel,
its actions carried into the plan, and the printable records."""

from __future__ import annotations

from .test_assessment_plan import INITIAL
from .test_cycle import PLAN
from .test_store import assert_one_line_error

BIA = {
    "assessed_on": "2026-11-22",
    "purpose": "durable_solution",
    "sources": "Interviews with the child and the shelter's staff; the aunt's call",
    "heard_in_own_language": True,
    "child_views": "Quiero ir con mi tía a Canadá",
    "wishes_first_choice": "Her aunt in Canada",
    "wishes_second_choice": "The shelter",
    "family_situation": "Mother dead; aunt in Toronto, in contact weekly",
    "safety_risks": "Recruitment by the gang at home",
    "options": "Return: unsafe. Local integration: no family. Resettlement: family, school",
    "best_interest_recommendation": "resettlement_to_3rd_country",
    "recommendation_reasons": "Family unity and safety",
    "best_interest_proposed_support_accepted": True,
}
MEMBERS = [
    {"name": "Marta Gómez", "agency": "Casa Refugio", "role": "Chair"},
    {"name": "Luis Pérez", "agency": "UNHCR", "role": "Protection officer"},
    {"name": "Rosa Díaz", "agency": "DIF", "role": "Psychologist"},
]
BID = {
    "held_on": "2026-11-23",
    "documents_reviewed": "The BIA, the aunt's papers",
    "child_views": "She wants to go to her aunt",
    "options": "Resettlement or local integration",
    "decision": "approves",
    "durable_solution": "resettlement_to_3rd_country",
    "reasons": "Safety and family unity",
    "explained_to_child_on": "2026-11-23",
    "members": MEMBERS,
    "actions": [{"action": "Send the file to the resettlement unit", "owner": "Ana Ruiz", "due": "2026-12-05"}],
}


def approve_solution(cli, number: str, solution: str, held_on: str = "2026-11-23") -> None:
    """A BIA recommending `solution` and a BID panel approving it (no approvals asked)."""
    cli.ok("bia", number, "--answers", cli.write("bia-s.json", {**BIA, "best_interest_recommendation": solution}))
    decided = {**BID, "durable_solution": solution, "held_on": held_on, "explained_to_child_on": held_on}
    cli.ok("bid", number, "--answers", cli.write("bid-s.json", decided))


def bid_items(cli) -> list[dict]:
    return [i for i in cli.json("agenda", "--days", "60") if i["kind"] == "bid"]


def test_a_bia_recommending_resettlement_for_an_unaccompanied_child_requires_a_bid(ready):
    number = ready.register()  # unaccompanied
    out = ready.ok("bia", number, "--answers", ready.write("bia.json", BIA), "--no-input").stdout
    assert "Best interests assessment 1 recorded" in out and "A BID is required" in out
    [item] = bid_items(ready)
    assert item["case_number"] == number and item["command"] == f"casecli bid {number}"
    assert item["due"] == "2026-12-22"  # bid.due_days after the assessment
    case = ready.json("show", number)
    assert case["bid_required"]["why"] == "durable_solution"
    assert "A BID is required" in ready.ok("show", number).stdout
    [listed] = ready.json("bia", "list", number)
    assert listed["answers"]["best_interest_recommendation"] == "resettlement_to_3rd_country"


def test_no_bid_for_a_care_decision_or_an_accompanied_child(ready):
    accompanied = ready.register(protection_status="accompanied_at_risk")
    ready.ok("bia", accompanied, "--answers", ready.write("a.json", BIA))
    care = ready.register(name_first="Kevin", sex="male")
    routine = {**BIA, "purpose": "care_arrangement", "exceptional_care": False}
    ready.ok("bia", care, "--answers", ready.write("c.json", {**routine, "best_interest_recommendation": "medical"}))
    assert bid_items(ready) == []
    exceptional = {**routine, "exceptional_care": True, "best_interest_recommendation": "medical"}
    ready.ok("bia", care, "--answers", ready.write("e.json", exceptional))
    assert [i["case_number"] for i in bid_items(ready)] == [care]


def test_the_panel_needs_its_members_and_not_the_assessments_author(ready):
    number = ready.register()
    refused = ready("bid", number, "--answers", ready.write("b0.json", BID))
    assert refused.exit_code == 3 and "casecli bia" in refused.stderr  # no assessment yet
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA))
    two = ready("bid", number, "--answers", ready.write("b2.json", {**BID, "members": MEMBERS[:2]}))
    assert two.exit_code == 3 and "members" in two.stderr and "bid.min_members" in two.stderr
    author = [*MEMBERS, {"name": "Ana Ruiz", "agency": "Casa Refugio", "role": "Case worker"}]
    sits = ready("bid", number, "--answers", ready.write("b3.json", {**BID, "members": author}))
    assert sits.exit_code == 3 and "bid.author_may_sit" in sits.stderr
    ready.ok("settings", "set", "bid.author_may_sit", "1")
    deferral = {**BID, "members": author, "decision": "defers"}
    undated = ready("bid", number, "--answers", ready.write("b4.json", deferral))
    assert_one_line_error(undated, code=3)
    assert "deferred_to" in undated.stderr
    early = ready("bid", number, "--answers", ready.write("b4.json", {**deferral, "deferred_to": "2026-11-23"}))
    assert early.exit_code == 3 and "deferred_to" in early.stderr  # not on or before the panel's day
    deferred = ready.ok("bid", number, "--answers", ready.write("b4.json", {**deferral, "deferred_to": "2027-01-15"}))
    assert "due on its new date" in deferred.stdout
    [item] = bid_items(ready)  # deferred: still required, on the panel's new date
    assert item["case_number"] == number and item["due"] == "2027-01-15"
    assert ready.json("bid", "list", number)[0]["answers"]["decision"] == "defers"


def test_a_complete_bid_settles_the_requirement_and_its_actions_join_the_plan(ready):
    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL))
    ready.ok("plan", "edit", number, "--answers", ready.write("p.json", PLAN), "--activate")
    shown = ready.ok("plan", "show", number, "--format", "markdown").stdout
    assert "**The durable solution pursued:** Not yet identified" in shown
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA))
    out = ready.ok("bid", number, "--answers", ready.write("bid.json", BID)).stdout
    assert "goes into the next plan version" in out
    assert bid_items(ready) == [] and ready.json("show", number)["bid_required"] is None
    plan = ready.json("show", number)["plan"]["data"]
    edited = ready.ok("plan", "edit", number, "--answers", ready.write("p2.json", plan), "--activate")
    assert "added to the plan" in edited.stderr
    data = ready.json("show", number)["plan"]["data"]
    actions = [a for a in data["actions"] if a.get("bid_ref")]
    assert [a["action"] for a in actions] == ["Send the file to the resettlement unit"]
    assert data["header"]["durable_solution"] == "resettlement_to_3rd_country"
    assert data["header"]["durable_solution_decided_on"] == BID["held_on"]
    document = ready.ok("plan", "show", number, "--format", "markdown", "--lang", "es").stdout
    assert "**La solución duradera que se busca:** Reasentamiento en un tercer país" in document
    history = ready.json("show", number, "--history")["history"]
    assert [e["kind"] for e in history if e["kind"] in ("bia", "bid")] == ["bia", "bid"]
    voice = [(e["step"], e["kind"], e["answer"]) for e in ready.json("show", number, "--voice")["voice"]]
    assert ("bia", "said", BIA["child_views"]) in voice and ("bid", "told", BID["child_views"]) in voice


def test_the_bia_and_bid_records_print_every_field(ready, tmp_path):
    number = ready.register()
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA))
    ready.ok("bid", number, "--answers", ready.write("bid.json", BID))
    bia = ready.ok("bia", "show", number, "--format", "markdown").stdout
    bid = ready.ok("bid", "show", number, "--format", "markdown").stdout
    from casecli.forms import load_form
    from casecli.forms.labels import display_value

    for kind, answers, document in (("bia", BIA, bia), ("bid", BID, bid)):
        for field in load_form(kind).applicable(answers):
            if field.id in answers:  # every answer, under its question, as a reader reads it
                assert f"**{field.label('en')}:** {display_value(field, answers[field.id], 'en')}" in document
    assert bia.count("Signature") == 2  # the heading and the worker's line
    assert bid.count("— Signature:") == len(MEMBERS)
    page = tmp_path / "bid.html"
    ready.ok("bid", "show", number, "1", "--format", "html", "--output", str(page), "--lang", "es")
    html = page.read_text(encoding="utf-8")
    assert "Determinación del Interés Superior" in html and "Aprueba la recomendación" in html
    for member in MEMBERS:
        assert member["name"] in html
    assert "Send the file to the resettlement unit" in html and "Reasentamiento en un tercer país" in html
    missing = ready("bid", "show", number, "2")
    assert missing.exit_code == 3 and "expected a number from 1 to 1" in missing.stderr
