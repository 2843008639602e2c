"""Implementation and monitoring: one case through plan, referral, visits, review and closure,
with the agenda checked at every step against exactly what is expected (a settable clock)."""

from __future__ import annotations

import pytest

from .test_assessment_plan import INITIAL
from .test_store import assert_one_line_error

PLAN = {
    "header": {
        "case_worker": "Ana Ruiz",
        "care_arrangement": "small_group_home",
        "provider": "Casa Refugio",
        "location": "Tapachula",
        "start_date": "2026-11-24",
        "visit_every_days": 7,
        "child_took_part": True,
        "child_views": "Quiero ver a mi tía",
        "child_agrees": "yes",
    },
    "protection_needs": [
        {"need": "Safe placement", "how": "Group home", "who": "Ana Ruiz", "by": "2026-11-25", "need_ref": "family"}
    ],
    "services": [
        {
            "service_type": "health_medical_service",
            "what": "Wound care",
            "provider": "Clinic",
            "where": "Tapachula",
            "by": "2026-11-24",
            "urgent": True,
            "need_ref": "health",
        }
    ],
    "actions": [{"action": "Call the aunt", "owner": "Ana Ruiz", "due": "2026-11-30"}],
}
REFERRAL = {
    "service_type": "health_medical_service",
    "agency": "Clínica Santa María",
    "contact": "Dra. López 962 000 000",
    "reason": "Infected wound",
    "urgency": "within_1_day",
    "child_consent": "yes",
    "caregiver_consent": "not_applicable",
    "info_shared": "Name, age, the wound",
}
VISIT = {
    "kind": "home",
    "child_seen": True,
    "seen_alone": True,
    "wellbeing": "Better, sleeping well",
    "child_views": "Me gusta la escuela",
    "placement_suitable": "yes",
    "risk_level": "high",
}


def agenda(cli, today, days=7):
    cli.today(today)
    return sorted((i["kind"], i["due"]) for i in cli.json("agenda", "--days", str(days)))


@pytest.fixture
def worker(ready, monkeypatch):
    ready.today = lambda day: monkeypatch.setenv("CASECLI_TODAY", day)
    return ready


def test_a_case_from_registration_to_closure(worker):
    cli = worker
    cli.today("2026-11-23")
    number = cli.register()
    assert agenda(cli, "2026-11-23") == [
        ("assessment", "2026-11-24"),
        ("plan", "2026-11-26"),
        ("see child", "2026-11-30"),
    ]
    assert agenda(cli, "2026-11-23", days=0) == []

    cli.ok("assess", number, "--answers", cli.write("a.json", INITIAL))
    assert cli.json("show", number)["stage"] == "assessed"
    # an urgent referral before any plan exists
    out = cli.ok("referral", "add", number, "--answers", cli.write("r.json", REFERRAL)).stdout
    ref = out.split("Referral ")[1].split(" ")[0]
    assert agenda(cli, "2026-11-23") == [("plan", "2026-11-26"), ("see child", "2026-11-30")]

    cli.today("2026-11-24")
    cli.ok("plan", "edit", number, "--answers", cli.write("p.json", PLAN), "--activate")
    cli.ok("referral", "update", ref, "--status", "accepted")
    case = cli.json("show", number)
    assert case["stage"] == "in implementation"
    items = {i["kind"]: i for i in case["due"]}
    plan_items = {i["what"]: i["command"] for i in case["due"] if i["kind"] == "plan item"}
    assert agenda(cli, "2026-11-24") == [
        ("plan item", "2026-11-24"),
        ("plan item", "2026-11-25"),
        ("plan item", "2026-11-30"),
        ("visit", "2026-12-01"),
    ]
    assert items["visit"]["command"] == f"casecli visit add {number}"
    service_id = plan_items["service: Wound care"].split()[-1]
    need_id = plan_items["protection need: Safe placement"].split()[-1]
    action_id = plan_items["action: Call the aunt"].split()[-1]

    cli.today("2026-11-25")
    cli.ok("referral", "update", ref, "--status", "completed", "--note", "wound treated")
    cli.ok("plan", "item", "done", number, service_id)
    visit = {**VISIT, "items": {need_id: {"status": "done"}, action_id: {"status": "not_yet"}}}
    out = cli.ok("visit", "add", number, "--answers", cli.write("v1.json", visit)).stdout
    assert "Next visit: 2026-12-02" in out  # proposed from the plan's frequency
    assert agenda(cli, "2026-11-25") == [("plan item", "2026-11-30"), ("visit", "2026-12-02")]
    [referral] = cli.json("referral", "list", number)
    assert referral["status"] == "completed" and [u["status"] for u in referral["updates"]] == [
        "pending",
        "accepted",
        "completed",
    ]
    shown = cli.ok("--lang", "es", "referral", "list", number).stdout  # stored codes as words, in the worker's language
    assert "1 canalización\n" in shown and "25/11/2026" in shown
    assert "health_medical_service" not in shown and "completed" not in shown

    # the visit due on 2 December is missed
    cli.today("2026-12-09")
    overdue = cli.json("agenda", "--days", "0")
    assert [(i["kind"], i["days_late"]) for i in overdue] == [("plan item", 9), ("visit", 7)]  # the later first
    assert overdue[1]["command"] == f"casecli visit add {number}"
    visit = {**VISIT, "items": {action_id: {"status": "not_done", "note": "no phone signal"}}}
    cli.ok("visit", "add", number, "--answers", cli.write("v2.json", visit))
    assert agenda(cli, "2026-12-09", days=0) == [("plan item", "2026-11-30")]
    counted = cli.json("visit", "list", number)
    assert (len(counted["visits"]), counted["every_days"], counted["late_gaps"]) == (2, 7, 1)

    # the review revises the plan: the call moves to a later date
    review = {
        "participants": ["child"],
        "progress": "Health need met; family contact pending",
        "child_views": "Todavía quiero hablar con mi tía",
        "decision": "revise",
        "risk_level": "high",
        "next_review": "2027-06-01",
        "items": {action_id: {"status": "not_done"}},
    }
    out = cli.ok("review", number, "--answers", cli.write("rv.json", review)).stdout
    assert f"casecli plan edit {number}" in out
    plan = cli.json("show", number)["plan"]["data"]
    plan["actions"][0]["due"] = "2026-12-20"
    cli.ok("plan", "edit", number, "--answers", cli.write("p2.json", plan), "--activate")
    assert agenda(cli, "2026-12-09", days=0) == []
    assert agenda(cli, "2026-12-09") == [("visit", "2026-12-16")]

    cli.today("2026-12-10")
    # Local integration is a durable solution: a BID panel approves it before the case closes so.
    from .test_best_interests import approve_solution

    approve_solution(cli, number, "local_integration", held_on="2026-12-10")
    closure = {
        "reason": "locally_integrated",
        "final_visit": True,
        "child_informed": True,
        "notes": "Living with her aunt",
    }
    result = cli("close", number, "--answers", cli.write("c.json", closure), "--acknowledge-open")
    assert_one_line_error(result, code=3)  # a reunification records with whom, where and when
    assert "outcome_with, outcome_where, outcome_on" in result.stderr
    closure.update(outcome_with="Her aunt", outcome_where="San Pedro Sula, Honduras", outcome_on="2026-12-09")
    result = cli("close", number, "--answers", cli.write("c.json", closure))
    assert_one_line_error(result, code=3)  # the call to the aunt is still open: acknowledge it or resolve it
    assert f"still open: action {action_id}" in result.stderr and "--acknowledge-open" in result.stderr
    assert cli.json("show", number)["status"] == "open"
    cli.ok("close", number, "--answers", cli.write("c.json", closure), "--acknowledge-open")
    case = cli.json("show", number)
    (closed,) = case["closures"]
    assert [(i["kind"], i["id"]) for i in closed["answers"]["open_at_closure"]] == [("action", action_id)]
    assert (case["stage"], case["status"], case["next_due"]) == ("closed", "closed", None)
    assert agenda(cli, "2026-12-10", days=30) == []
    history = [e["kind"] for e in cli.json("show", number, "--history")["history"]]
    assert history.count("visit") == 2 and "review" in history and history[-1] == "closed"


def test_a_closed_case_is_read_only_until_reopened(worker):
    cli = worker
    cli.today("2026-11-23")
    number = cli.register()
    assert_one_line_error(cli("close", number, "--answers", cli.write("bad.json", {"reason": "other"})), code=3)
    cli.ok(
        "close",
        number,
        "--answers",
        cli.write(
            "c.json", {"reason": "lost_contact", "last_contact": "2026-11-20", "search_efforts": "Called shelters"}
        ),
    )
    for args in (
        ["edit", number, "--set", "risk_level=low"],
        ["assess", number, "--answers", cli.write("a.json", INITIAL)],
        ["referral", "add", number, "--answers", cli.write("r.json", REFERRAL)],
        ["visit", "add", number, "--answers", cli.write("v.json", VISIT)],
        ["plan", "edit", number, "--answers", cli.write("p.json", PLAN)],
        ["close", number, "--answers", cli.write("c2.json", {"reason": "death"})],
    ):
        result = cli(*args)
        assert_one_line_error(result, code=3)
        assert "closed and read-only" in result.stderr and "casecli reopen" in result.stderr
    assert_one_line_error(cli("reopen", number, "--reason", " "), code=3)
    cli.ok("reopen", number, "--reason", "She came back to the shelter")
    case = cli.json("show", number)
    assert (case["status"], case["stage"]) == ("open", "reopened")
    assert case["closures"][0]["reopen_reason"] == "She came back to the shelter"
    cli.ok("edit", number, "--set", "risk_level=low")
    kinds = [e["kind"] for e in cli.json("show", number, "--history")["history"]]
    assert kinds[-3:] == ["closed", "reopened", "edited"]
    assert_one_line_error(cli("reopen", number, "--reason", "again"), code=3)


def test_referral_waiting_too_long_is_flagged(worker):
    cli = worker
    cli.today("2026-11-23")
    number = cli.register(risk_level="low")
    ref = (
        cli.ok("referral", "add", number, "--answers", cli.write("r.json", REFERRAL))
        .stdout.split("Referral ")[1]
        .split(" ")[0]
    )
    cli.today("2026-12-06")
    assert not cli.json("referral", "list")[0]["stale"]
    cli.today("2026-12-07")
    assert cli.json("referral", "list")[0]["stale"]
    stale = [i for i in cli.json("agenda", "--days", "0") if i["kind"] == "referral"]
    assert stale[0]["command"] == f"casecli referral update {ref}"
    assert_one_line_error(cli("referral", "update", ref, "--status", "maybe"), code=3)
    assert_one_line_error(cli("referral", "update", "R-NOPE1", "--status", "accepted"), code=4)
    assert_one_line_error(cli("referral", "update", ref, "--status", "accepted", "--date", "2026-11-01"), code=3)


def test_agenda_is_most_urgent_first_and_names_commands(worker):
    cli = worker
    cli.today("2026-11-01")
    low = cli.register(risk_level="low", name_first="Wilmer", identified_on="2026-11-01")
    high = cli.register(risk_level="high", name_first="Dayana", identified_on="2026-11-01")
    cli.today("2026-11-23")
    items = cli.json("agenda", "--days", "0")
    assert [i["case_number"] for i in items][:3] == [high, high, high]
    assert items[0]["risk"] == "high" and items[-1]["risk"] == "low"
    assert all(i["command"].startswith("casecli ") and i["case_number"] in i["command"] for i in items)
    text = cli.ok("agenda").stdout
    assert f"casecli assess {high}" in text
    rows = {r["case_number"]: r for r in cli.json("list")}
    assert rows[high]["next_due"] == "2026-11-02" and rows[low]["next_due"] == "2026-11-08"


def test_quick_registration_appears_on_the_agenda(worker):
    cli = worker
    cli.today("2026-11-23")
    from .test_field_realities import QUICK, quick_register

    number = quick_register(cli, QUICK)
    kinds = {i["kind"]: i for i in cli.json("agenda", "--days", "0")}
    assert kinds["registration"]["command"] == f"casecli edit {number}"
