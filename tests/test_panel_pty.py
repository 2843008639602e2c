"""A BID panel recorded at the keyboard, through a pseudo-terminal: the decision, the members one
by one, a follow-up action, and the summary that saves them."""

from __future__ import annotations

import pytest

pexpect = pytest.importorskip("pexpect")

from .pty_session import DOWN, ENTER, UP, Wizard, ends, spawn  # noqa: E402
from .test_best_interests import BIA  # noqa: E402


def choose(child, question: str, keys: str) -> None:
    """Answer a menu once it is drawn whole (its last choice on the screen)."""
    child.expect_exact(question)
    child.expect_exact("Done")
    child.send(keys)


def panel_approves(w: Wizard, explained: bool = True) -> None:
    """A BID panel's questions, answered: it approves the BIA's recommendation."""
    w.answer("held_on", ENTER)
    w.answer("documents_reviewed", "The BIA" + ENTER)
    w.answer("child_views", "Quiere ir con su tía" + ENTER)
    w.answer("options", "Resettlement or local integration" + ENTER)
    w.answer("decision", ENTER)  # approves
    w.answer("durable_solution", ENTER)  # the BIA's recommendation
    w.answer("reasons", "Safety" + ENTER)
    if explained:
        w.answer("explained_to_child_on", ENTER)


def test_a_bid_panel_at_the_keyboard(ready):
    number = ready.register()
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA))
    child = spawn(ready.home, "bid", number)  # `bid CASE` is `bid add CASE`
    w = Wizard(child, "bid")
    w.answer("held_on", ENTER)
    w.answer("documents_reviewed", "The BIA" + ENTER)
    w.answer("child_views", "Quiere ir con su tía" + ENTER)
    w.answer("options", "Resettlement or local integration" + ENTER)
    w.answer("decision", ENTER)  # approves
    w.answer("durable_solution", ENTER)  # the menu starts on the BIA's recommendation: resettlement
    w.answer("reasons", "Safety and family unity" + ENTER)
    w.answer("explained_to_child_on", ENTER)  # not yet
    member = Wizard(child, "bid-member")
    for name, role in (("Marta Gómez", "Chair"), ("Luis Pérez", "Protection officer"), ("Rosa Díaz", "Psychologist")):
        choose(child, "Add a member?", ENTER if name == "Marta Gómez" else UP + ENTER)  # "add one"
        member.answer("name", name + ENTER)
        member.answer("agency", ENTER)
        member.answer("role", role + ENTER)
    choose(child, "Add a member?", ENTER)  # with members, the menu starts at "done"
    action = Wizard(child, "plan-action")
    choose(child, "Add a follow-up action?", ENTER)
    action.answer("action", "Send the file" + ENTER)
    action.answer("owner", "Ana Ruiz" + ENTER)
    action.answer("due", "2026-12-05" + ENTER)
    action.answer("category", ENTER)
    choose(child, "Add a follow-up action?", ENTER)  # done
    child.expect_exact("What now?")
    child.send(ENTER)  # save
    child.expect_exact("Best interests determination 1 recorded")
    ends(child, 0)
    [bid] = ready.json("bid", "list", number)
    assert [m["name"] for m in bid["answers"]["members"]] == ["Marta Gómez", "Luis Pérez", "Rosa Díaz"]
    assert bid["answers"]["durable_solution"] == "resettlement_to_3rd_country"
    assert [a["action"] for a in bid["answers"]["actions"]] == ["Send the file"]


def test_the_assessments_author_on_the_panel_is_refused_at_that_answer_and_fixed_there(ready):
    """The BIA's author (Ana Ruiz) given as a member: refused as soon as the member is given, asked
    again with those answers, and the panel saves without a single answer typed twice (the rule was
    checked only at the save, and all 27 answers were discarded)."""
    number = ready.register()
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA))
    child = spawn(ready.home, "bid", number)
    w = Wizard(child, "bid")
    panel_approves(w, explained=False)
    w.answer("explained_to_child_on", ENTER)
    member = Wizard(child, "bid-member")
    choose(child, "Add a member?", ENTER)
    member.answer("name", "Ana Ruiz" + ENTER)  # the assessment's author
    member.answer("agency", ENTER)
    member.answer("role", "Chair" + ENTER)
    child.expect_exact("may not sit on the panel")
    member.answer("name", "Marta Gómez" + ENTER)  # the same member's answers, the name corrected
    member.answer("agency", ENTER)
    member.answer("role", ENTER)  # kept: Chair
    for name in ("Luis Pérez", "Rosa Díaz"):
        choose(child, "Add a member?", UP + ENTER)
        member.answer("name", name + ENTER)
        member.answer("agency", ENTER)
        member.answer("role", "Member" + ENTER)
    choose(child, "Add a member?", ENTER)
    choose(child, "Add a follow-up action?", DOWN + ENTER)  # done, none
    child.expect_exact("What now?")
    child.send(ENTER)
    child.expect_exact("Best interests determination 1 recorded")
    ends(child, 0)
    [bid] = ready.json("bid", "list", number)
    assert [m["name"] for m in bid["answers"]["members"]] == ["Marta Gómez", "Luis Pérez", "Rosa Díaz"]
    assert bid["answers"]["members"][0]["role"] == "Chair"


@pytest.mark.slow
def test_a_panel_cut_off_after_two_members_is_resumed_with_its_answers_and_members(ready):
    """Killed while the third member is being given: the next `bid` offers back the decision's
    answers and the two members, asks for the rest, and saves them all; nothing is asked twice."""
    import os
    import signal

    number = ready.register()
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA))
    child = spawn(ready.home, "bid", number)
    w = Wizard(child, "bid")
    w.answer("held_on", ENTER)
    w.answer("documents_reviewed", "The BIA" + ENTER)
    w.answer("child_views", "Quiere ir con su tía" + ENTER)
    w.answer("options", "Resettlement or local integration" + ENTER)
    w.answer("decision", ENTER)
    w.answer("durable_solution", ENTER)
    w.answer("reasons", "Safety and family unity" + ENTER)
    w.answer("explained_to_child_on", ENTER)
    member = Wizard(child, "bid-member")
    for name in ("Marta Gómez", "Luis Pérez"):
        choose(child, "Add a member?", ENTER if name == "Marta Gómez" else UP + ENTER)
        member.answer("name", name + ENTER)
        member.answer("agency", ENTER)
        member.answer("role", "Member" + ENTER)
    choose(child, "Add a member?", UP + ENTER)
    child.expect_exact(member.form.field("name").label("en"))
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert ready.json("bid", "list", number) == []

    child = spawn(ready.home, "bid", number)
    child.expect_exact("Resume them?")
    child.send(ENTER)
    member = Wizard(child, "bid-member")
    choose(child, "Add a member?", UP + ENTER)  # the panel's questions are not asked again
    member.answer("name", "Rosa Díaz" + ENTER)
    member.answer("agency", ENTER)
    member.answer("role", "Member" + ENTER)
    choose(child, "Add a member?", ENTER)  # done
    choose(child, "Add a follow-up action?", DOWN + ENTER)  # done, none
    child.expect_exact("What now?")
    child.send(ENTER)
    child.expect_exact("Best interests determination 1 recorded")
    ends(child, 0)
    [bid] = ready.json("bid", "list", number)
    assert [m["name"] for m in bid["answers"]["members"]] == ["Marta Gómez", "Luis Pérez", "Rosa Díaz"]
    assert bid["answers"]["reasons"] == "Safety and family unity"


def test_the_next_panel_ticks_the_members_earlier_panels_had(ready):
    """A panel's members recorded once are ticked at the next panel (another case here), not typed
    again; a ticked member the rule refuses (the BIA's author) is said at once and not added."""
    from .test_best_interests import BID, MEMBERS

    first = ready.register()
    ready.ok("bia", first, "--answers", ready.write("bia.json", BIA))
    ready.ok("settings", "set", "bid.author_may_sit", "1")  # that panel allowed it; the next does not
    worker = {"name": "Ana Ruiz", "agency": "Casa Refugio", "role": "Observer"}
    ready.ok("bid", first, "--answers", ready.write("bid.json", {**BID, "members": [*MEMBERS, worker]}))
    ready.ok("settings", "set", "bid.author_may_sit", "0")
    number = ready.register(name_first="Kevin", sex="male")
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA))
    child = spawn(ready.home, "bid", number)
    panel_approves(Wizard(child, "bid"))
    child.expect_exact("Who of these sat on the panel?")
    child.expect_exact("Rosa Díaz — Psychologist (DIF)")
    child.send(("\x20" + DOWN) * 4 + ENTER)  # all four ticked, the BIA's author among them
    child.expect_exact("(not added)")  # Ana Ruiz wrote this case's BIA
    choose(child, "Add a member?", ENTER)  # done: three members, none typed
    choose(child, "Add a follow-up action?", DOWN + ENTER)  # none
    child.expect_exact("What now?")
    child.send(ENTER)
    child.expect_exact("Best interests determination 1 recorded")
    ends(child, 0)
    [bid] = ready.json("bid", "list", number)
    assert [m["name"] for m in bid["answers"]["members"]] == ["Marta Gómez", "Luis Pérez", "Rosa Díaz"]
