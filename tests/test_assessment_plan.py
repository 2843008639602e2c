"""Assessment and the Care and Protection Plan, through the real CLI."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from .conftest import CHILD_NAMES
from .test_store import assert_one_line_error

INITIAL = {
    "safety_judgement": "monitor",
    "health_judgement": "urgent",
    "health_need": "Infected wound on the left foot",
    "basic_needs_judgement": "no_action",
    "family_judgement": "intervention",
    "family_need": "Wants contact with her aunt",
    "wants_tracing": "yes",
    "participants": ["child", "interpreter"],
    "child_heard": True,
    "child_views": "Quiero hablar con mi tía",
    "assessed_on": "2026-11-23",
    "risk_level": "high",
    "risk_reason": "Alone, injured, in transit",
}
COMPREHENSIVE = {
    "protection_concerns": ["trafficked_smuggled", "worst_forms_of_child_labor"],
    "protection_judgement": "urgent",
    "protection_need": "Safe placement away from the smuggler's contacts",
    "health_judgement": "intervention",
    "health_need": "Follow-up of the wound; sleep problems",
    "education_judgement": "intervention",
    "education_need": "Enrol in school",
    "family_judgement": "monitor",
    "wants_tracing": "yes",
    "care_judgement": "no_action",
    "care_suitable": "yes",
    "legal_judgement": "intervention",
    "legal_need": "Asylum claim",
    "basic_needs_judgement": "no_action",
    "participants": ["child"],
    "child_heard": True,
    "child_views": "Me siento segura aquí",
    "assessed_on": "2026-11-23",
    "risk_level": "medium",
    "risk_reason": "Safe placement found",
}


def complete_plan(need_refs=("protection", "health", "education", "legal")) -> dict:
    return {
        "header": {
            "case_worker": "Ana Ruiz",
            "care_arrangement": "small_group_home",
            "provider": "Casa Refugio",
            "location": "Tapachula",
            "start_date": "2026-11-23",
            "visit_every_days": 7,
            "child_took_part": True,
            "child_views": "Estoy de acuerdo si puedo ir a la escuela",
            "child_agrees": "yes",
        },
        "protection_needs": [
            {
                "need": "Safe placement",
                "how": "Stay at the small group home",
                "who": "Ana Ruiz",
                "by": "2026-11-25",
                "need_ref": need_refs[0],
            },
        ],
        "services": [
            {
                "service_type": "education_service",
                "what": "School enrolment",
                "provider": "Escuela 5",
                "where": "Tapachula",
                "by": "2026-12-15",
                "urgent": False,
                "need_ref": need_refs[2],
            },
            {
                "service_type": "health_medical_service",
                "what": "Wound care",
                "provider": "Clinic",
                "where": "Tapachula",
                "by": "2026-11-24",
                "urgent": True,
                "need_ref": need_refs[1],
            },
            {
                "service_type": "legal_assistance_service",
                "what": "Asylum claim",
                "provider": "Legal aid NGO",
                "where": "Tapachula",
                "by": "2026-12-01",
                "urgent": False,
                "need_ref": need_refs[3],
            },
        ],
        "actions": [{"action": "Call the aunt", "owner": "Ana Ruiz", "due": "2026-11-30"}],
    }


@pytest.fixture
def assessed(ready):
    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("initial.json", INITIAL))
    return ready, number


def test_assessments_are_dated_kept_and_listed_newest_first(assessed, monkeypatch):
    cli, number = assessed
    monkeypatch.setenv("CASECLI_TODAY", "2026-11-30")
    comp = {**COMPREHENSIVE, "assessed_on": "2026-11-30"}
    out = cli.ok("assess", number, "--comprehensive", "--answers", cli.write("c.json", comp)).stdout
    assert "Risk re-rated: high → medium" in out
    case = cli.json("show", number)
    assert [a["kind"] for a in case["assessments"]] == ["comprehensive", "initial"]
    latest = case["assessments"][0]
    assert [n["domain"] for n in latest["needs"]] == ["protection", "health", "education", "legal"]
    assert latest["needs"][0]["judgement"] == "urgent"
    assert case["risk"] == "medium" and case["stage"] == "assessed"
    [row] = cli.json("list")
    assert row["risk"] == "medium"
    history = json.loads(cli.ok("show", number, "--history", "--json").stdout)["history"]
    risk_events = [e for e in history if e["kind"] == "risk"]
    assert risk_events[-1]["changes"]["risk"] == {"old": "high", "new": "medium"}
    assert risk_events[-1]["changes"]["reason"] == "Safe placement found"


def test_assessment_answers_are_checked(assessed):
    cli, number = assessed
    bad = {**INITIAL, "health_judgement": "panic"}
    del bad["health_need"]
    del bad["child_views"]
    result = cli("assess", number, "--answers", cli.write("bad.json", bad))
    assert_one_line_error(result, code=3)
    assert "health_judgement (expected one of: no_action, monitor, intervention, urgent)" in result.stderr
    assert "child_views" in result.stderr
    # a need is required only when the judgement asks for action
    ok = {**INITIAL, "health_judgement": "monitor"}
    del ok["health_need"]
    cli.ok("assess", number, "--answers", cli.write("ok.json", ok))


def test_deadlines_follow_the_risk_level(ready):
    high = ready.register()
    low = ready.register(name_first="Wilmer", risk_level="low")
    case = ready.json("show", high)
    assert case["deadlines"] == {"initial_assessment": "2026-11-24", "plan": "2026-11-26"}
    assert ready.json("show", low)["deadlines"] == {"initial_assessment": "2026-11-30", "plan": "2026-12-23"}
    rows = {r["case_number"]: r for r in ready.json("list")}
    assert rows[high]["next_due"] == "2026-11-24"
    # settings are the agency's: a change applies to deadlines set from then on
    ready.ok("settings", "set", "deadlines.medium.plan_days", "10")
    ready.ok("edit", low, "--set", "risk_level=medium")
    assert ready.json("show", low)["deadlines"] == {"initial_assessment": "2026-11-26", "plan": "2026-12-03"}
    assert ready.json("settings", "show")["deadlines.medium.plan_days"] == 10
    assert_one_line_error(ready("settings", "set", "deadlines.medium.plan_days", "soon"), code=3)
    assert_one_line_error(ready("settings", "set", "no.such.setting", "1"), code=3)
    odd = ready("settings", "set", "deadlines.medium.plan_days", "10", "deadlines.low.plan_days")
    assert_one_line_error(odd, code=3)
    assert "pairs of KEY VALUE" in odd.stderr
    # several at once are one change: a bad one leaves the good one unwritten
    assert_one_line_error(ready("settings", "set", "deadlines.low.plan_days", "12", "no.such.setting", "1"), code=3)
    assert ready.json("settings", "show")["deadlines.low.plan_days"] != 12


def test_from_assessment_to_an_active_revised_plan(assessed):
    cli, number = assessed
    cli.ok("assess", number, "--comprehensive", "--answers", cli.write("c.json", COMPREHENSIVE))

    # a draft that misses elements cannot be activated
    draft = {
        "header": {"visit_every_days": 7},
        "services": [{"service_type": "health_medical_service", "what": "Wound care"}],
    }
    out = cli.ok("plan", "edit", number, "--answers", cli.write("draft.json", draft)).stdout
    assert "version 1" in out and "draft" in out
    result = cli("plan", "activate", number)
    assert_one_line_error(result, code=3)
    message = result.stderr
    assert "3. alternative care placement (provider, start_date)" in message
    assert "4. protection needs: how, by whom, by when (none yet)" in message
    assert "5. other services: what, who, where, by when: item 1 lacks provider, where, by, urgent" in message
    assert "the child's participation" in message
    assert "assessed need not taken up: protection (urgent)" in message
    report = cli.json("plan", "check", number)
    assert report["status"] == "draft" and any("placement" in m for m in report["missing"])

    # complete it, taking up every assessed need, and activate
    cli.ok("plan", "edit", number, "--answers", cli.write("plan.json", complete_plan()), "--activate")
    case = cli.json("show", number)
    assert case["stage"] == "planned"
    assert case["plan"]["version"] == 2 and case["plan"]["status"] == "active"
    assert cli.json("plan", "check", number)["missing"] == []

    # revise: change a date, drop the action, add a service
    plan = case["plan"]["data"]
    plan["services"][0]["by"] = "2026-12-20"
    removed = plan["actions"].pop()
    plan["services"].append(
        {
            "service_type": "psychosocial_service",
            "what": "Weekly talks",
            "provider": "Psychologist",
            "where": "Casa Refugio",
            "by": "2026-12-01",
            "urgent": False,
        }
    )
    cli.ok("plan", "edit", number, "--answers", cli.write("rev.json", plan))
    versions = cli.json("plan", "history", number)
    assert [(v["version"], v["status"]) for v in versions] == [(1, "draft"), (2, "active"), (3, "draft")]
    assert cli.json("show", number)["plan"]["active_version"] == 2
    changes = cli.json("plan", "diff", number, "2", "3")
    assert changes["actions"]["removed"][0]["id"] == removed["id"]
    assert changes["services"]["added"][0]["what"] == "Weekly talks"
    first_service = plan["services"][0]["id"]
    assert changes["services"]["changed"][first_service]["by"] == {"old": "2026-12-15", "new": "2026-12-20"}
    assert "Weekly talks" in cli.ok("plan", "diff", number, "2", "3").stdout
    cli.ok("plan", "activate", number)
    assert cli.json("plan", "history", number)[-1]["status"] == "active"
    assert cli.json("plan", "history", number)[1]["status"] == "draft"

    # earlier versions stay readable; the history records each save
    v1 = cli.ok("plan", "show", number, "--version", "1", "--format", "markdown").stdout
    assert "Draft, incomplete" in v1
    kinds = [
        e["summary"]
        for e in json.loads(cli.ok("show", number, "--history", "--json").stdout)["history"]
        if e["kind"] == "plan"
    ]
    assert kinds[:2] == ["Plan created: version 1 (draft)", "Plan revised: version 2 (active)"]
    assert "Plan version 3 activated" in kinds


def test_plan_items_past_their_date(assessed, monkeypatch):
    cli, number = assessed
    cli.ok(
        "plan",
        "edit",
        number,
        "--answers",
        cli.write("plan.json", complete_plan(("safety", "health", "family", "family"))),
    )
    monkeypatch.setenv("CASECLI_TODAY", "2026-12-02")
    overdue = {item["title"]: item["due"] for item in cli.json("plan", "check", number)["overdue"]}
    assert overdue == {
        "Safe placement": "2026-11-25",
        "Wound care": "2026-11-24",
        "Call the aunt": "2026-11-30",
        "Asylum claim": "2026-12-01",
    }
    assert "overdue" in cli.ok("plan", "check", number).stdout


def test_plan_answers_are_checked(assessed):
    cli, number = assessed
    bad = {"header": {"visit_every_days": 0}, "services": [{"service_type": "magic", "by": "soon"}], "extras": []}
    result = cli("plan", "edit", number, "--answers", cli.write("bad.json", bad))
    assert_one_line_error(result, code=3)
    for expected in ("header.visit_every_days", "services[1].service_type", "services[1].by", "extras"):
        assert expected in result.stderr
    assert cli.json("plan", "history", number) == []


class Balanced(HTMLParser):
    VOID = frozenset({"meta", "br", "hr", "img", "input", "link"})

    def __init__(self):
        super().__init__()
        self.stack, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_plan_document_html_holds_every_element_and_signatures(assessed):
    cli, number = assessed
    cli.ok(
        "plan",
        "edit",
        number,
        "--answers",
        cli.write("plan.json", complete_plan(("safety", "health", "family", "family"))),
        "--activate",
    )
    html = cli.ok("plan", "show", number, "--format", "html").stdout
    parser = Balanced()
    parser.feed(html)
    assert html.startswith("<!DOCTYPE html>") and parser.stack == []
    text = " ".join(parser.text)
    for expected in (
        "1. Responsible case worker",
        "Ana Ruiz",
        "2. Case number",
        number,
        "3. Alternative care placement",
        "Small group home",
        "4. Protection needs",
        "Safe placement",
        "5. Other services",
        "Wound care",
        "6. Other actions",
        "Call the aunt",
        "7. Monitoring visits",
        "Every 7 days",
        "participation",
        "Estoy de acuerdo",
        "Signatures",
        CHILD_NAMES[0],
    ):
        assert expected in text, expected
    assert text.index("Wound care") < text.index("School enrolment")  # urgent first
    assert "Draft, incomplete" not in text


def test_redacted_plan_has_no_child_names_even_in_free_text(assessed):
    cli, number = assessed
    plan = complete_plan(("safety", "health", "family", "family"))
    plan["header"]["child_views"] = f"{CHILD_NAMES[0]} dice: quiero ir a la escuela"
    cli.ok("plan", "edit", number, "--answers", cli.write("plan.json", plan))
    for fmt in ("markdown", "html"):
        out = cli.ok("plan", "show", number, "--format", fmt, "--redact").stdout
        for name in CHILD_NAMES + ("yulissa",):
            assert name.lower() not in out.lower()
        assert number in out and "quiero ir a la escuela" in out


def test_plan_document_to_a_file_warns_it_is_plaintext(assessed):
    cli, number = assessed
    cli.ok(
        "plan",
        "edit",
        number,
        "--answers",
        cli.write("plan.json", complete_plan(("safety", "health", "family", "family"))),
    )
    target = cli.home / "plan.md"
    result = cli.ok("plan", "show", number, "--format", "markdown", "--output", str(target))
    assert "NOT encrypted" in result.stderr
    assert "Care and Protection Plan" in target.read_text()
    assert "Care and Protection Plan" in cli.ok("plan", "show", number).stdout  # terminal view
    assert_one_line_error(cli("plan", "show", number, "--format", "pdf"), code=3)
