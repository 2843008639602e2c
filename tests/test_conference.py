"""Case conferences: recorded, shown, printed, their actions carried into the next plan version
and, with the case, to the next worker."""

from __future__ import annotations

from .test_assessment_plan import INITIAL
from .test_cycle import PLAN
from .test_handover import NOTE, two_workers

CONFERENCE = {
    "held_on": "2026-11-23",
    "kind": "emergency",
    "reason": "alternative_care_placement",
    "child_participation": "in_person",
    "caregiver_took_part": False,
    "child_views": "No quiero volver al albergue",
    "discussed": "Threats at the shelter",
    "decisions": "Move her to a foster family",
    "participants": [
        {"name": "Ana Ruiz", "role": "case_worker", "agency": "Casa Refugio"},
        {"name": "Dra. Méndez", "role": "psychologist", "agency": "Casa Refugio"},
        {"name": "Yulissa", "role": "child"},
    ],
    "actions": [{"action": "Find a foster family", "owner": "Ana Ruiz", "due": "2026-11-30"}],
}


def planned_case(cli) -> str:
    number = cli.register()
    cli.ok("assess", number, "--answers", cli.write("i.json", INITIAL))
    cli.ok("plan", "edit", number, "--answers", cli.write("p.json", PLAN), "--activate")
    return number


def test_a_conferences_actions_join_the_next_plan_version_linked_to_it(ready):
    number = planned_case(ready)
    out = ready.ok("conference", "add", number, "--answers", ready.write("c.json", CONFERENCE)).stdout
    assert "Case conference 1 recorded" in out and f"casecli plan edit {number}" in out
    [meeting] = ready.json("conference", "list", number)
    plan = ready.json("show", number)["plan"]["data"]
    plan["header"]["visit_every_days"] = 14  # the next version, for whatever reason
    ready.ok("plan", "edit", number, "--answers", ready.write("p2.json", plan), "--activate")
    actions = ready.json("show", number)["plan"]["data"]["actions"]
    [from_conference] = [a for a in actions if a.get("conference_ref")]
    assert from_conference["action"] == "Find a foster family" and from_conference["due"] == "2026-11-30"
    assert from_conference["conference_ref"] == f"{meeting['uid']}:{meeting['answers']['actions'][0]['id']}"
    # taken up once: a later version does not add it again, even if the worker removed it
    plan = ready.json("show", number)["plan"]["data"]
    plan["actions"] = [a for a in plan["actions"] if not a.get("conference_ref")]
    ready.ok("plan", "edit", number, "--answers", ready.write("p3.json", plan))
    assert not [a for a in ready.json("show", number)["plan"]["data"]["actions"] if a.get("conference_ref")]


def test_a_conference_before_any_plan_waits_for_the_first(ready):
    number = ready.register()
    ready.ok("conference", "add", number, "--answers", ready.write("c.json", CONFERENCE))
    ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL))
    ready.ok("plan", "edit", number, "--answers", ready.write("p.json", PLAN))
    actions = ready.json("show", number)["plan"]["data"]["actions"]
    assert [a["action"] for a in actions if a.get("conference_ref")] == ["Find a foster family"]


def test_a_conference_shows_in_show_history_voice_and_its_printable_record(ready, tmp_path):
    number = planned_case(ready)
    ready.ok("conference", "add", number, "--answers", ready.write("c.json", CONFERENCE))
    shown = ready.ok("show", number).stdout
    assert "Case conference 1" in shown and CONFERENCE["decisions"] in shown and CONFERENCE["discussed"] in shown
    assert ready.json("show", number, "--history")["history"][-1]["kind"] == "conference"
    voice = ready.json("show", number, "--voice")["voice"]
    assert ("conference", CONFERENCE["child_views"]) in [(e["step"], e["answer"]) for e in voice]
    page = tmp_path / "c.html"
    ready.ok("conference", "show", number, "1", "--format", "html", "--output", str(page), "--lang", "es")
    html = page.read_text(encoding="utf-8")
    assert "Conferencia de caso 1" in html and "Psicólogo/a" in html and "Dra. Méndez" in html
    assert html.count("<tr><td>Dra. Méndez</td><td>Psicólogo/a</td><td></td><td></td></tr>") == 1  # her signature line
    assert "@page" in html and "Página" in html


def test_bad_participants_are_named_in_one_line(ready):
    number = ready.register()
    bad = {**CONFERENCE, "participants": [{"name": "Ana", "role": "astronaut"}]}
    result = ready("conference", "add", number, "--answers", ready.write("c.json", bad), "--no-input")
    assert result.exit_code == 3 and "participants[1].role" in result.stderr and result.stderr[-1] == "\n"
    assert ready.json("conference", "list", number) == []
    none = {**CONFERENCE, "participants": []}
    result = ready("conference", "add", number, "--answers", ready.write("c.json", none), "--no-input")
    assert result.exit_code == 3 and "participants" in result.stderr


def test_a_conference_travels_in_a_handover(home, monkeypatch):
    ana, luis = two_workers(home, monkeypatch)
    number = planned_case(ana)
    ana.ok("conference", "add", number, "--answers", ana.write("c.json", CONFERENCE))
    bundle = home / "h.bundle"
    ana.ok(
        "export", number, "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", NOTE)
    )
    luis.ok("import", str(bundle), "--yes")
    [meeting] = luis.json("conference", "list", number)
    assert meeting["answers"]["decisions"] == CONFERENCE["decisions"] and len(meeting["answers"]["participants"]) == 3
    plan = luis.json("show", number)["plan"]["data"]
    luis.ok("plan", "edit", number, "--answers", luis.write("p.json", plan))  # Luis's next version takes it up
    assert [a["action"] for a in luis.json("show", number)["plan"]["data"]["actions"] if a.get("conference_ref")] == [
        "Find a foster family"
    ]


def test_the_conference_wizard_asks_the_participants_and_actions_before_the_summary(ready):
    import os

    import pytest

    pexpect = pytest.importorskip("pexpect")
    if os.name != "posix":  # pragma: no cover
        pytest.skip("pseudo-terminals need POSIX")
    from .pty_session import DOWN, ENTER, SPACE, UP, Wizard, ends, spawn

    number = ready.register()
    child = spawn(ready.home, "conference", "add", number)
    w = Wizard(child, "conference")
    w.answer("held_on", ENTER)
    w.answer("kind", DOWN * 2 + ENTER)  # emergency
    w.answer("reason", ENTER)
    w.answer("child_participation", ENTER)  # in person
    w.answer("caregiver_took_part", UP + ENTER)  # no (optional: it starts on "skip", below no)
    w.answer("child_views", "Quiero una familia" + ENTER)
    w.answer("discussed", "Threats" + ENTER)
    w.answer("decisions", "Foster family" + ENTER)
    # the worker and the child are known to the records: ticked, not typed (the worker only, here)
    child.expect_exact("Who of these took part?")
    child.expect_exact("Ana Ruiz — Case worker (Casa Refugio)")
    child.expect_exact("Yulissa — The child")
    child.send(SPACE + ENTER)
    person = Wizard(child, "conference-participant")
    child.expect_exact("Add a participant?")
    child.send(ENTER)  # done: after the first, the menu starts there …
    child.expect_exact("two different roles")  # … but a worker alone is not a conference: said at "Done"
    child.expect_exact("Add a participant?")
    child.send("\x1b[A" + ENTER)  # add one
    person.answer("name", "Yulissa" + ENTER)  # typed, as a person the records did not know would be
    person.answer("role", ENTER)  # the child
    person.answer("agency", ENTER)
    child.expect_exact("Add a participant?")
    child.send(ENTER)  # done
    child.expect_exact("Add a follow-up action?")
    child.send(DOWN + ENTER)  # none
    child.expect_exact("Ana Ruiz")  # in the summary
    child.expect_exact("What now?")
    child.send(ENTER)
    child.expect_exact("Case conference 1 recorded")
    ends(child, 0)
    [meeting] = ready.json("conference", "list", number)
    assert meeting["answers"]["participants"] == [
        {"name": "Ana Ruiz", "role": "case_worker", "agency": "Casa Refugio"},
        {"name": "Yulissa", "role": "child"},
    ]
    assert meeting["kind"] == "emergency" and meeting["answers"]["actions"] == []
    del pexpect


def test_a_conference_of_the_worker_alone_is_refused(ready):
    """A case conference whose only participant is the worker decided nothing as a team: refused
    (exit 3, the rule named), recorded once a second participant of another role took part."""
    from .test_store import assert_one_line_error

    number = ready.register()
    alone = {**CONFERENCE, "participants": [{"name": "Ana Ruiz", "role": "case_worker"}], "actions": []}
    refused = ready("conference", "add", number, "--answers", ready.write("k.json", alone), "--no-input")
    assert_one_line_error(refused, code=3)
    assert "participants" in refused.stderr and "two different roles" in refused.stderr
    two_workers = {**alone, "participants": alone["participants"] + [{"name": "Luis", "role": "case_worker"}]}
    assert ready("conference", "add", number, "--answers", ready.write("k.json", two_workers)).exit_code == 3
    together = {**alone, "participants": alone["participants"] + [{"name": "Yulissa", "role": "child"}]}
    ready.ok("conference", "add", number, "--answers", ready.write("k.json", together))
