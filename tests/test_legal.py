"""The child's legal pathway through the real CLI (#32): the asylum procedure with its deadlines in
working days of the agency's country (its holidays from the maintained calendar)."""

from __future__ import annotations

import pytest

from .test_safeguards import CLAIM
from .test_sharing_approvals import team  # noqa: F401  (the fixture: a worker, her supervisor, another agency)
from .test_store import assert_one_line_error


@pytest.fixture
def worker(ready, monkeypatch):
    ready.today = lambda day: monkeypatch.setenv("CASECLI_TODAY", day)
    return ready


def asylum_items(cli, number: str) -> dict[str, str]:
    return {i["kind"]: i["due"] for i in cli.json("show", number)["due"] if i["kind"].startswith("asylum")}


def test_the_filing_deadline_skips_weekends_and_the_december_holidays(worker):
    ready = worker
    ready.today("2026-12-15")
    number = ready.register()
    ready.ok("asylum", number, "--answers", ready.write("c.json", {**CLAIM, "entered_on": "2026-12-10"}))
    # 30 working days after Thursday 10 December 2026: weekends, 25 December and 1 January skipped
    assert asylum_items(ready, number) == {"asylum filing": "2027-01-25"}
    agenda = [i for i in ready.json("agenda", "--days", "60") if i["kind"] == "asylum filing"]
    assert agenda[0]["command"] == f"casecli asylum step {number}" and "30 working days" in agenda[0]["what"]
    spanish = ready.ok("--lang", "es", "agenda", "--days", "60").stdout
    assert "30 días hábiles" in spanish and "25/01/2027" in spanish
    # the days an authority announced closed (COMAR's December break) count as non-working too
    ready.ok("settings", "set", "agency.closing_days", "2026-12-28..2027-01-08")
    assert asylum_items(ready, number) == {"asylum filing": "2027-02-08"}  # 1 February 2027 is a holiday too
    wrong = ready("settings", "set", "agency.closing_days", "28/12/2026")
    assert_one_line_error(wrong, code=3)
    assert "YYYY-MM-DD" in wrong.stderr
    # another country's calendar: an ISO code, however typed
    ready.ok("settings", "set", "agency.country", "gt")
    assert ready.json("settings", "show")["agency.country"] == "GT" and asylum_items(ready, number)["asylum filing"]


def test_each_step_makes_the_next_deadline_due(worker):
    ready = worker
    ready.today("2027-03-01")
    number = ready.register()
    ready.ok("asylum", number, "--answers", ready.write("c.json", CLAIM))
    ready.ok("asylum", "step", number, "--answers", ready.write("f.json", {"step": "filed", "step_on": "2026-11-10"}))
    # 45 working days after 10 November 2026 (16 November, 25 December and 1 January are holidays)
    assert asylum_items(ready, number) == {"asylum decision": "2027-01-15"}
    assert [i for i in ready.json("agenda", "--days", "0") if i["kind"] == "asylum decision"]  # overdue
    interview = {"step": "interview", "step_on": "2027-03-10", "notes": "Scheduled at COMAR Tapachula"}
    ready.ok("asylum", "step", number, "--answers", ready.write("i.json", interview))  # scheduled: may be ahead
    late = {"step": "decision", "step_on": "2027-03-10", "outcome": "rejected"}
    ahead = ready("asylum", "step", number, "--answers", ready.write("d.json", late))
    assert_one_line_error(ahead, code=3)
    assert "step_on" in ahead.stderr  # a decision is not in the future
    rejected = {"step": "decision", "step_on": "2027-02-19", "outcome": "rejected", "reference": "R-123"}
    ready.ok("asylum", "step", number, "--answers", ready.write("d.json", rejected))
    assert asylum_items(ready, number) == {"asylum appeal": "2027-03-12"}  # 15 working days
    ready.ok(
        "asylum", "step", number, "--answers", ready.write("a.json", {"step": "appeal_filed", "step_on": "2027-03-01"})
    )
    assert asylum_items(ready, number) == {}
    [claim] = ready.json("asylum", "list", number)
    assert claim["status"] == "in_appeal"
    document = {
        "step": "document",
        "step_on": "2027-02-20",
        "document_type": "humanitarian_visa",
        "document_expires": "2027-08-20",
    }
    ready.ok("asylum", "step", number, "--answers", ready.write("v.json", document))
    assert asylum_items(ready, number) == {"asylum document": "2027-07-21"}  # 30 days before it expires
    shown = ready.ok("show", number).stdout
    assert "Asylum claim 1" in shown and "in appeal" in shown and "(expires 2027-08-20)" in shown


def test_a_child_who_does_not_seek_asylum_has_nothing_due_and_is_not_held_by_it(ready):
    number = ready.register()
    heard = {"entered_on": "2026-11-02", "wants_asylum": False, "wish_heard_how": "In Spanish, twice"}
    ready.ok("asylum", number, "--answers", ready.write("c.json", heard))
    assert asylum_items(ready, number) == {}
    assert ready.json("asylum", "list", number)[0]["status"] == "not_sought"


def test_a_child_registered_in_detention_is_high_risk_until_placed_out(worker):
    from .test_cycle import VISIT

    ready = worker
    number = ready.register(care_arrangement="migration_detention", risk_level="low", caregiver="")
    case = ready.json("show", number)
    assert case["risk"] == "high"
    [held] = [i for i in case["due"] if i["kind"] == "detention"]
    assert held["due"] == "2026-11-20" and "transfer out of detention" in held["what"]  # due the day it was found
    assert [i for i in ready.json("agenda", "--days", "0") if i["kind"] == "detention"]
    report = ready.json("report")
    assert report["team"]["legal"]["in_detention"] == 1 and report["team"]["legal"]["days_held"] == 3
    assert "in migration detention" in ready.ok("report").stdout
    ready.ok("settings", "set", "report.suppress_under", "1")
    figures = ready.home / "figures.csv"
    ready.ok("report", "--deidentified", "--format", "csv", "--output", str(figures))
    assert "migration_detention,held now,1" in figures.read_text("utf-8")  # counts only
    ready.ok("visit", "add", number, "--answers", ready.write("v.json", {**VISIT, "visited_on": "2026-11-22"}))
    assert [i["kind"] for i in ready.json("show", number)["due"]].count("detention") == 1  # nothing changed
    out = {**VISIT, "visited_on": "2026-11-23", "care_arrangement": "residential_care", "risk_level": "medium"}
    ready.ok("visit", "add", number, "--answers", ready.write("v2.json", out))
    case = ready.json("show", number)
    assert "detention" not in [i["kind"] for i in case["due"]] and case["risk"] == "medium"
    assert ready.json("report")["team"]["legal"].get("in_detention", 0) == 0
    # a visit that finds the child back in detention makes it high risk again
    back = {**VISIT, "visited_on": "2026-11-23", "care_arrangement": "migration_detention", "risk_level": "low"}
    ready.ok("visit", "add", number, "--answers", ready.write("v3.json", back))
    case = ready.json("show", number)
    assert case["risk"] == "high" and "detention" in [i["kind"] for i in case["due"]]


def test_a_detention_or_a_dispute_spelled_with_json_escapes_is_still_found(worker):
    """JSON may write any letter as \\uXXXX (casecli does not; a record from elsewhere may): the word
    search that spares parsing most records must not miss a child in detention, or a disputed age,
    for its spelling."""
    from casecli.case.due import lifecycle
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    held = worker.register(care_arrangement="migration_detention", risk_level="low", caregiver="")
    adult = {"dob_known": True, "date_of_birth": "1990-01-01", "age_estimate": None, "name_first": "Kevin"}
    disputed = worker.register(**adult, age_disputed=True, age_dispute_reason="No papers", age_child_says="Tengo 16")
    with open_store(worker.store, lambda: PASSPHRASE) as store, store.transaction():
        for word, escaped in (
            ("migration_detention", "migration\\u005fdetention"),
            ("age_disputed", "age\\u005fdisputed"),
        ):
            store.conn.execute("UPDATE cases SET answers = replace(answers, ?, ?)", (word, escaped))
        assert "migration_detention" not in store.conn.execute("SELECT group_concat(answers) FROM cases").fetchone()[0]
        lifecycle.refresh_all(store)
    assert "detention" in [i["kind"] for i in worker.json("show", held)["due"]]
    assert worker.json("show", disputed)["age"] == 16  # presumed a child, as the child says


INCIDENT = {
    "occurred_on": "2026-11-15",
    "place": "On the train near Arriaga",
    "violence_type": "kidnapping_extortion",
    "perpetrator_relationship": "smuggler",
    "still_at_risk": False,
    "reported_to": "not_yet",
    "child_views": "Nos pidieron dinero y nos encerraron",
}


def test_an_unreported_incident_is_due_today_and_blocks_closure_until_reported(ready):
    number = ready.register(risk_level="low")
    out = ready.ok("incident", "add", number, "--answers", ready.write("i.json", INCIDENT)).stdout
    assert "reported at once" in out
    case = ready.json("show", number)
    assert case["risk"] == "medium"  # an incident raises the risk to at least medium
    [due] = [i for i in case["due"] if i["kind"] == "incident"]
    assert due["command"] == f"casecli incident report {number}" and due["what"].startswith("report the incident")
    closing = {"reason": "other", "reason_other": "Moved on", "final_visit": False, "child_informed": True}
    refused = ready("close", number, "--answers", ready.write("c.json", closing), "--acknowledge-open")
    assert_one_line_error(refused, code=3)
    assert "incident.reportable_types" in refused.stderr and f"casecli incident report {number}" in refused.stderr
    assert INCIDENT["occurred_on"] not in refused.stderr  # an error line names the record, not what it holds
    assert ready.json("report")["team"]["legal"]["incidents_unreported"] == 1
    early = {"reported_to": "fiscalia", "reported_on": "2026-11-10"}
    assert ready("incident", "report", number, "--answers", ready.write("r.json", early)).exit_code == 3
    report = {"reported_to": "fiscalia", "reported_on": "2026-11-23", "report_reference": "CI-FED/CHIS/0231/2026"}
    ready.ok("incident", "report", number, "--answers", ready.write("r.json", report))
    assert "incident" not in [i["kind"] for i in ready.json("show", number)["due"]]
    [listed] = ready.json("incident", "list", number)
    assert listed["reported"] and not listed["unreported"]
    assert "reported to" in ready.ok("show", number).stdout
    voice = [e["answer"] for e in ready.json("show", number, "--voice")["voice"] if e["step"] == "incident"]
    assert voice == [INCIDENT["child_views"]]
    ready.ok("close", number, "--answers", ready.write("c.json", closing), "--acknowledge-open")


def test_a_child_still_at_risk_is_high_risk_and_a_not_reported_incident_waits_for_a_supervisor(team, tmp_path):  # noqa: F811
    from .test_sharing_approvals import decided

    ana, marta, _sofia = team
    number = ana.register(risk_level="low")
    ana.ok("incident", "add", number, "--answers", ana.write("i.json", {**INCIDENT, "still_at_risk": True}))
    assert ana.json("show", number)["risk"] == "high"
    again = ana.ok("incident", "add", number, "--answers", ana.write("i2.json", INCIDENT)).stdout
    assert "risk is now" not in again and ana.json("show", number)["risk"] == "high"  # never lowered
    out = ana.ok(
        "incident", "not-reported", number, "--incident", "1", "--reason", "The Procuraduría opened it already"
    )
    assert f"casecli approval request {number}" in out.stdout
    assert "incident" in [i["kind"] for i in ana.json("show", number)["due"]]  # waiting is not approved
    decided(ana, marta, number, tmp_path, "approve")
    assert ana.json("incident", "list", number)[0]["waiver"] == "approved"
    ana.ok(
        "incident",
        "report",
        number,
        "--incident",
        "2",
        "--answers",
        ana.write("r.json", {"reported_to": "police", "reported_on": "2026-11-23"}),
    )
    assert "incident" not in [i["kind"] for i in ana.json("show", number)["due"]]


NOTIFIED = {
    "authority": "procuraduria_estatal",
    "office": "Procuraduría de Protección de Chiapas, Tapachula",
    "notified_on": "2026-11-22",
    "how": "in_writing",
    "reference": "OF-PPNNA/0912/2026",
    "notified_by": "Ana Ruiz",
}
RESTITUTION = {
    "received_on": "2026-11-23",
    "issued_by": "Procuraduría de Protección de Chiapas",
    "reference": "PR-0231",
    "measures": "Enrol her at school\nMedical check-up and vaccines\nRegister her birth with the consulate",
}


def test_the_authority_is_notified_late_and_its_restitution_plan_blocks_activation_until_taken_up(ready):
    from .test_assessment_plan import INITIAL
    from .test_cycle import PLAN

    number = ready.register(authority_notified=False, authority_notified_on=None, authority_name=None)
    [due] = [i for i in ready.json("show", number)["due"] if i["kind"] == "authority notification"]
    assert due["due"] == "2026-11-21" and due["days_late"] == 2  # a day after she was found
    ready.ok("authority", number, "--answers", ready.write("n.json", NOTIFIED))
    kinds = {i["kind"]: i["due"] for i in ready.json("show", number)["due"]}
    assert "authority notification" not in kinds and kinds["restitution plan"] == "2026-12-22"
    ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL))
    ready.ok("settings", "set", "approval.plan_activation", "0")
    ready.ok("authority", "plan", number, "--answers", ready.write("r.json", RESTITUTION))
    assert "restitution plan" not in [i["kind"] for i in ready.json("show", number)["due"]]
    ready.ok(
        "authority",
        "measure",
        number,
        "--answers",
        ready.write("m.json", {"measure": 3, "carried_by": "Consulado de Honduras"}),
    )
    # the editor takes the two measures the agency carries up as actions (linked by restitution_ref):
    # the plan stays a draft until each has its owner and date
    refused = ready("plan", "edit", number, "--answers", ready.write("p.json", PLAN), "--activate")
    assert refused.exit_code == 3 and "2 follow-up actions" in refused.stdout + refused.stderr
    assert "lacks owner, due" in refused.stderr
    from casecli.case.steps.plan import decided_actions
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    with open_store(ready.store, lambda: PASSPHRASE) as store:
        started, added = decided_actions(store, number, PLAN)
    assert added == 2 and [a["action"] for a in started["actions"][-2:]] == RESTITUTION["measures"].split("\n")[:2]
    for action in started["actions"][-2:]:
        action.update(owner="Ana Ruiz", due="2026-12-15", category="other")
    # a measure a version took up and a later one dropped is refused at activation, naming it
    ready.ok("plan", "edit", number, "--answers", ready.write("p.json", started))  # a draft holds both
    dropped = {**started, "actions": started["actions"][:-1]}
    refused = ready("plan", "edit", number, "--answers", ready.write("p.json", dropped), "--activate")
    assert_one_line_error(refused, code=3)
    assert "measures 2 " in refused.stderr and f"casecli authority measure {number}" in refused.stderr
    ready.ok("plan", "edit", number, "--answers", ready.write("p.json", started), "--activate")
    assert ready.json("show", number)["plan"]["status"] == "active"
    shown = ready.ok("show", number).stdout
    assert "Restitution plan of 2026-11-23" in shown and "carried by Consulado de Honduras" in shown
    assert "Legal and protection" in shown
    document = ready.ok("plan", "show", number, "--format", "markdown").stdout
    assert "notified on 2026-11-22" in document and "orders 3 measures; 1 carried by others" in document
