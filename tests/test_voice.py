"""Notes to read again: every visit's notes, each review, each referral's updates, the handover
notes received, and the child's voice across all steps (`show --voice`)."""

from __future__ import annotations

from .test_assessment_plan import INITIAL
from .test_cycle import PLAN, REFERRAL, VISIT
from .test_handover import NOTE, two_workers

REVIEW = {
    "participants": ["child"],
    "progress": "Health need met; family contact pending",
    "child_views": "Todavía quiero hablar con mi tía",
    "decision": "continue",
    "risk_level": "high",
    "next_review": "2027-06-01",
}


def a_case_with_every_step(cli, monkeypatch) -> tuple[str, str]:
    number = cli.register()
    monkeypatch.setenv("CASECLI_TODAY", "2026-11-24")
    cli.ok("assess", number, "--answers", cli.write("i.json", INITIAL))
    cli.ok("plan", "edit", number, "--answers", cli.write("p.json", PLAN), "--activate")
    out = cli.ok("referral", "add", number, "--answers", cli.write("r.json", REFERRAL)).stdout
    ref = out.split("Referral ")[1].split()[0]
    monkeypatch.setenv("CASECLI_TODAY", "2026-11-25")
    cli.ok("referral", "update", ref, "--status", "accepted", "--note", "appointment on Monday")
    cli.ok("visit", "add", number, "--answers", cli.write("v.json", {**VISIT, "new_concerns": "Cough at night"}))
    monkeypatch.setenv("CASECLI_TODAY", "2026-11-26")
    cli.ok("review", number, "--answers", cli.write("rv.json", REVIEW))
    return number, ref


def test_show_has_every_note_written(ready, monkeypatch):
    number, ref = a_case_with_every_step(ready, monkeypatch)
    shown = ready.ok("show", number).stdout
    for written in (
        VISIT["wellbeing"],
        "Cough at night",
        VISIT["child_views"],
        REVIEW["progress"],
        REVIEW["child_views"],
        "appointment on Monday",
        ref,
    ):
        assert written in shown, written


def test_the_childs_voice_from_every_step_in_date_order(ready, monkeypatch):
    number, _ref = a_case_with_every_step(ready, monkeypatch)
    voice = ready.json("show", number, "--voice")["voice"]
    said = [(e["on"], e["step"], e["answer"]) for e in voice if e["kind"] == "said"]
    # A plan version is dated by the laptop's clock when it was saved: checked apart.
    assert [s for s in said if s[1] != "plan"] == [
        (INITIAL.get("assessed_on", "2026-11-24"), "initial assessment", INITIAL["child_views"]),
        ("2026-11-25", "visit", VISIT["child_views"]),
        ("2026-11-26", "review", REVIEW["child_views"]),
    ]
    assert [s[2] for s in said if s[1] == "plan"] == [PLAN["header"]["child_views"]]
    told = [(e["step"], e["field"]) for e in voice if e["kind"] == "told"]
    assert told == [("registration", "child_informed")]  # the first consent repeats it: once
    assert [e["on"] for e in voice] == sorted(e["on"] for e in voice)
    table = ready.ok("--lang", "es", "show", number, "--voice").stdout
    assert "dijo" in table and "se le explicó" in table and INITIAL["child_views"] in table


def test_a_handover_note_received_is_in_show_and_in_the_voice(home, monkeypatch):
    ana, luis = two_workers(home, monkeypatch)
    number = ana.register()
    bundle = home / "h.bundle"
    ana.ok(
        "export", number, "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", NOTE)
    )
    luis.ok("import", str(bundle), "--yes")
    shown = luis.ok("show", number).stdout
    assert "Handover note from Ana Ruiz" in shown
    for written in (NOTE["key_concerns"], NOTE["upcoming_dates"], NOTE["child_told"]):
        assert written in shown
    voice = luis.json("show", number, "--voice")["voice"]
    assert ("handover", NOTE["child_told"]) in [(e["step"], e["answer"]) for e in voice if e["kind"] == "told"]


def test_each_save_says_the_next_step_and_its_deadline(ready):
    from .conftest import registration_answers

    registered = ready.ok("new-case", "--answers", ready.write("c.json", registration_answers())).stdout
    number = registered.split("Registered case ")[1].split(".")[0]
    assert f"Next step: initial assessment, by 2026-11-24 — `casecli assess {number}`" in registered
    assessed = ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL)).stdout
    assert (
        f"Next step: Care and Protection Plan (none active), by 2026-11-26 — `casecli plan edit {number}`" in assessed
    )
    planned = ready.ok("plan", "edit", number, "--answers", ready.write("p.json", PLAN), "--activate").stdout
    assert "Next step:" in planned and "plan edit" not in planned.split("Next step:")[1]


def test_one_days_records_are_in_the_order_they_were_written(home, monkeypatch):
    """A handover note received in the morning, then the new worker's visit that afternoon: the
    note first (by the order of the steps, every handover came after every visit of its day)."""
    import datetime as dt
    import time

    ana, luis = two_workers(home, monkeypatch)
    number = ana.register()
    bundle = home / "h.bundle"
    ana.ok(
        "export", number, "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", NOTE)
    )
    luis.ok("import", str(bundle), "--yes")
    time.sleep(1.1)  # moments are kept to the second: the visit is written in a later one
    today = dt.datetime.now().astimezone().date().isoformat()  # the day the note was received, here
    monkeypatch.setenv("CASECLI_TODAY", today)
    luis.ok("visit", "add", number, "--answers", luis.write("v.json", {**VISIT, "visited_on": today}))
    voice = luis.json("show", number, "--voice")["voice"]
    steps = [e["step"] for e in voice if e["on"] == today]
    assert "handover" in steps and "visit" in steps
    assert steps.index("handover") < steps.index("visit")
