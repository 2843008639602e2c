"""The interactive wizards, driven end to end through a pseudo-terminal (pexpect)."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pexpect = pytest.importorskip("pexpect")
if os.name != "posix":  # pragma: no cover
    pytest.skip("pseudo-terminals need POSIX", allow_module_level=True)

from casecli.forms import load_form

from .conftest import PASSPHRASE
from .pty_session import CTRL_C, DOWN, ENTER, SPACE, UP, Wizard, ends, fill_registration, spawn


def test_registration_wizard_with_a_correction_at_the_summary(ready):
    child = spawn(ready.home, "new-case")
    w = Wizard(child, "registration")
    fill_registration(w)
    child.expect_exact("What now?")
    child.send(DOWN + ENTER)  # correct an answer
    child.expect_exact("Which answer?")
    answers = {
        "dob_known": False,
        "nationality": "honduras",
        "protection_status": "unaccompanied",
        "migration_situation": "in_transit",
        "consent": "child_consent",
    }
    position = [f.id for f in w.form.applicable(answers)].index("risk_level")
    child.send(DOWN * position + ENTER)
    # The menu of answers lists the label too: wait for the question itself (questionary's "?" mark
    # before it), or the keys would reach the menu as it closes (the test's own race, seen in CI).
    child.expect_exact("?\x1b[0;1m " + w.form.field("risk_level").label("en"))
    child.send(DOWN + ENTER)  # high -> medium
    child.expect_exact("What now?")
    child.send(ENTER)  # save
    child.expect(r"Registered case \S*?(MX7-\d{4}-\w)")
    number = child.match.group(1)
    ends(child, 0)
    case = ready.json("show", number)
    reg = case["registration"]
    assert reg["risk_level"] == "medium" and case["risk"] == "medium"
    assert reg["name_first"] == "Yulissa" and reg["age_estimate"] == 15
    assert reg["nationality"] == "honduras" and reg["urgent_needs"] == ["health"]
    assert reg["identified_on"] == "2026-11-23" and reg["share_with"] == ["agency_team"]
    assert "id_documents" not in reg and "identified_by" not in reg


@pytest.mark.parametrize(
    "delay", [0.0, pytest.param(0.002, marks=pytest.mark.slow), pytest.param(0.005, marks=pytest.mark.slow)]
)
def test_a_wizard_killed_while_saving_leaves_all_or_nothing(ready, delay):
    """kill -9 inside the save's transaction (its journal has appeared; the delays move the moment):
    the store verifies, the case is whole or absent, and no plaintext is left in any file."""
    import signal
    import time

    journal = ready.store.with_name("casecli.db-journal")
    child = spawn(ready.home, "new-case")
    fill_registration(Wizard(child, "registration"))
    child.expect_exact("What now?")
    child.send(ENTER)  # save
    deadline = time.monotonic() + 20
    while not journal.exists() and child.isalive() and time.monotonic() < deadline:
        time.sleep(0.0005)
    time.sleep(delay)
    child.kill(signal.SIGKILL)
    child.close(force=True)
    for path in ready.store.parent.iterdir():
        assert b"Pty-Marker" not in path.read_bytes(), path.name
    assert ready.json("verify")["ok"]
    cases = ready.json("list")
    assert len(cases) <= 1
    if cases:
        case = ready.json("show", cases[0]["case_number"], "--history")
        assert case["registration"]["name_last"] == "Pty-Marker" and case["history"][0]["kind"] == "registered"
    ready.register(name_first="Kevin", sex="male")  # and the store takes the next write
    assert len(ready.json("list")) == len(cases) + 1
    assert not ready.store.with_name("casecli.db-journal").exists()


def test_ctrl_c_saves_nothing_and_says_so(ready):
    child = spawn(ready.home, "new-case")
    w = Wizard(child, "registration")
    w.answer("identified_on", ENTER)
    w.answer("identified_how", ENTER)
    w.answer("identified_where", "Tapachula" + ENTER)
    w.answer("identified_by", ENTER)
    w.answer("name_first", "Yulissa" + CTRL_C)
    child.expect_exact("Cancelled: nothing was saved")
    assert "error" not in (child.before or "").splitlines()[-1]  # a notice: the worker chose it
    ends(child, 130)
    assert ready.json("list") == []


def test_cancel_at_the_summary_saves_nothing(ready):
    child = spawn(ready.home, "new-case")
    fill_registration(Wizard(child, "registration"))
    child.expect_exact("What now?")
    child.send(DOWN + DOWN + ENTER)
    child.expect_exact("nothing was saved")
    ends(child, 130)
    assert ready.json("list") == []


def test_interactive_init_asks_the_passphrase_twice_and_shows_the_recovery_code(cli):
    child = spawn(cli.home, "init", passphrase=False)
    w = Wizard(child, "profile")
    w.answer("name", "Ana Ruiz" + ENTER)
    w.answer("agency", "Casa Refugio" + ENTER)
    w.answer("role", DOWN + ENTER)  # psychologist
    w.answer("case_number_prefix", "zz" + ENTER)  # refused: Z is not in the alphabet
    child.expect_exact("expected 2 to 8 letters")
    child.send("\x7f\x7f" + "mx7" + ENTER)
    w.answer("language", ENTER)
    child.expect_exact("What now?")
    child.send(ENTER)
    child.expect_exact("Choose a passphrase")
    child.sendline("short")
    child.expect_exact("at least 10 characters")
    child.expect_exact("Choose a passphrase")
    child.sendline(PASSPHRASE)
    child.expect_exact("Type it again")
    child.sendline(PASSPHRASE + "x")
    child.expect_exact("differ")
    child.expect_exact("Choose a passphrase")
    child.sendline(PASSPHRASE)
    child.expect_exact("Type it again")
    child.sendline(PASSPHRASE)
    child.expect_exact("Recovery code")
    child.expect_exact("I have written the recovery code down")
    child.send("y" + ENTER)
    child.expect_exact("Store created")
    ends(child, 0)
    assert cli.store.exists()
    # the passphrase typed at the prompt opens it
    profile_check = cli.json("list")
    assert profile_check == []


def test_interactive_passphrase_prompt_unlocks(ready):
    number = ready.register()
    child = spawn(ready.home, "show", number, "--json", passphrase=False)
    child.expect_exact("Store passphrase")
    child.sendline(PASSPHRASE)
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    assert child.exitstatus == 0
    assert json.loads(output[output.index("{") :])["case_number"] == number


def test_a_mistyped_passphrase_is_asked_again_not_the_end_of_the_command(ready):
    number = ready.register()
    child = spawn(ready.home, "show", number, "--json", passphrase=False)
    child.expect_exact("Store passphrase")
    child.sendline("not the passphrase at all")
    child.expect_exact("wrong passphrase")
    child.expect_exact("Store passphrase")
    child.sendline(PASSPHRASE)
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    assert child.exitstatus == 0
    assert json.loads(output[output.index("{") :])["case_number"] == number


def test_a_command_that_finds_no_store_offers_to_create_it(cli):
    child = spawn(cli.home, "list")
    child.expect_exact("(Y/n)")  # "…Create it now?" (the long path may wrap the line)
    child.send("n" + ENTER)
    child.expect_exact("casecli init")
    ends(child, 2)
    assert not cli.store.exists()


def test_quick_registration_warns_of_a_likely_duplicate_before_saving(ready):
    first = ready.register(name_first="José Luis", name_last="Hernández", sex="male", age_estimate=14)
    child = spawn(ready.home, "new-case", "--quick")
    w = Wizard(child, "registration-quick")
    w.answer("name_first", "Luis Hernandes" + ENTER)
    w.answer("sex", DOWN + ENTER)  # male
    w.answer("age_estimate", "14" + ENTER)
    w.answer("current_location", "Casa" + ENTER)
    w.answer("urgent_needs", DOWN + SPACE + ENTER)
    w.answer("risk_level", ENTER)
    child.expect_exact("What now?")
    child.send(ENTER)
    child.expect_exact("may already be registered")
    child.expect_exact(first)
    child.expect_exact("Is this one of these children?")
    child.send(DOWN + ENTER)  # yes, the same child
    child.expect_exact("Not registered")
    ends(child, 0)
    assert [r["case_number"] for r in ready.json("list")] == [first]


def test_plan_editor_add_edit_remove_save(ready):
    from .test_assessment_plan import INITIAL

    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("initial.json", INITIAL))
    draft = {
        "services": [
            {
                "service_type": "education_service",
                "what": "School enrolment",
                "provider": "Escuela 5",
                "where": "Tapachula",
                "by": "2026-12-15",
                "urgent": False,
            }
        ],
        "actions": [{"action": "Call the aunt", "owner": "Ana Ruiz", "due": "2026-11-30"}],
    }
    ready.ok("plan", "edit", number, "--answers", ready.write("draft.json", draft))
    child = spawn(ready.home, "plan", "edit", number)
    service = Wizard(child, "plan-service")

    child.expect_exact("what now?")
    child.send(DOWN * 2 + ENTER)  # add a service
    child.expect_exact("Start from an assessed need?")
    child.send(DOWN + ENTER)  # health (urgent)
    service.answer("service_type", ENTER)
    service.answer("what", ENTER)  # pre-filled from the assessed need
    service.answer("provider", "Clinic" + ENTER)
    service.answer("where", "Tapachula" + ENTER)
    service.answer("by", "2026-11-24" + ENTER)
    service.answer("urgent", ENTER)  # yes, pre-set from the urgent need

    child.expect_exact("what now?")  # the menu stays on "Add a service", where the worker was
    child.send(DOWN * 2 + ENTER)  # edit an item
    child.expect_exact("Which item?")
    child.send(ENTER)  # the new service, the item just added, is where the menu starts
    service.answer("service_type", ENTER)
    service.answer("what", ENTER)
    service.answer("provider", "\x15" + "Hospital General" + ENTER)
    service.answer("where", ENTER)
    service.answer("by", ENTER)
    service.answer("urgent", ENTER)

    child.expect_exact("what now?")
    child.send(DOWN + ENTER)  # remove an item (one below "Edit an item", where the menu stays)
    child.expect_exact("Which item?")
    child.send(DOWN + ENTER)  # the action (one below the service just edited)
    child.expect_exact("Remove")
    child.send("y" + ENTER)

    child.expect_exact("what now?")
    child.send(DOWN * 3 + ENTER)  # save as draft
    child.expect_exact("Saved plan version 2")
    ends(child, 0)

    plan = ready.json("show", number)["plan"]
    assert plan["version"] == 2 and plan["status"] == "draft"
    services = plan["data"]["services"]
    assert [s["what"] for s in services] == ["School enrolment", "Infected wound on the left foot"]
    assert services[1]["provider"] == "Hospital General" and services[1]["urgent"] is True
    assert services[1]["need_ref"].endswith(":health")
    assert plan["data"]["actions"] == []
    changes = ready.json("plan", "diff", number, "1", "2")
    assert len(changes["services"]["added"]) == 1 and len(changes["actions"]["removed"]) == 1


def test_visit_wizard_walks_the_open_plan_items(ready):
    """The walk comes before the summary, starts from each item's last status, and an item's
    answer is corrected at the summary like any other."""
    from .test_assessment_plan import INITIAL
    from .test_cycle import PLAN

    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("initial.json", INITIAL))
    ready.ok("plan", "edit", number, "--answers", ready.write("plan.json", PLAN), "--activate")
    plan = ready.json("show", number)["plan"]["data"]
    service_id, action_id = plan["services"][0]["id"], plan["actions"][0]["id"]
    ready.ok("plan", "item", "done", number, service_id)  # done items are not asked again
    ready.ok("plan", "item", "done", number, action_id, "--status", "partly", "--note", "the aunt called back once")

    child = spawn(ready.home, "visit", "add", number)
    w = Wizard(child, "visit")
    w.answer("visited_on", ENTER)
    w.answer("kind", ENTER)  # home
    w.answer("child_seen", ENTER)  # yes
    w.answer("seen_alone", ENTER)  # yes
    w.answer("wellbeing", "Better" + ENTER)
    w.answer("child_views", "Estoy bien" + ENTER)
    # where the child lives (the plan's group home) and the next visit (today + the plan's 7 days)
    # are what the records say: shown, and kept with one Enter
    child.expect_exact("What the records already say")
    child.expect_exact("2026-11-30")
    child.expect_exact("Keep these answers?")
    child.expect_exact("Answer each one")  # the menu drawn whole
    child.send(ENTER)
    w.answer("placement_suitable", ENTER)
    w.answer("new_concerns", ENTER)
    w.answer("risk_level", DOWN + ENTER)  # high -> medium (the current risk is pre-selected)
    w.answer("risk_reason", "Settled" + ENTER)
    child.expect_exact("open items")  # before the summary: the next visit was not asked
    child.expect_exact("Safe placement")
    child.expect_exact("Was it received")
    child.send(UP * 3 + ENTER)  # nothing recorded: it starts at "not yet due"; three up is "done"
    child.expect_exact("Note")
    child.send("at the group home" + ENTER)
    child.expect_exact("Call the aunt")
    child.expect_exact("the aunt called back once")  # what was recorded last
    child.expect_exact("Was it received")
    child.send(ENTER)  # it starts at "partly", as last recorded: kept, and no note asked (nothing changed)
    child.expect_exact("What now?")  # the summary, with the items' answers in it
    child.send(DOWN + ENTER)  # correct an answer
    child.expect_exact("Which answer?")
    child.send("Call")  # typed letters search the list
    child.send(ENTER)
    child.expect_exact("Was it received")
    child.send(DOWN + ENTER)  # from "partly" to "not received / not done"
    child.expect_exact("Note")
    child.send("no phone signal" + ENTER)
    child.expect_exact("What now?")
    child.send(ENTER)
    child.expect_exact("Visit recorded")
    ends(child, 0)
    [visit] = ready.json("show", number)["visits"]
    assert visit["answers"]["next_visit"] == "2026-11-30" and visit["answers"]["care_arrangement"] == "small_group_home"
    case = ready.json("show", number)
    [visit] = case["visits"]
    assert visit["next_visit"] == "2026-11-30" and visit["answers"]["seen_alone"] is True
    assert case["risk"] == "medium"
    progress = case["plan"]["progress"]
    need_id = plan["protection_needs"][0]["id"]
    assert progress[need_id]["status"] == "done" and progress[need_id]["note"] == "at the group home"
    assert progress[action_id]["status"] == "not_done" and progress[action_id]["note"] == "no phone signal"


def test_interactive_recovery_with_a_mistyped_code_then_the_right_one(cli):
    out = cli.init().stdout
    code = next(word for line in out.splitlines() for word in line.split() if word.count("-") == 6)
    child = spawn(cli.home, "recover", passphrase=False)
    child.expect_exact("Recovery code")
    groups = code.split("-")
    typo = groups[0][:-1] + ("A" if groups[0][-1] != "A" else "B")
    child.send("-".join([typo] + groups[1:]) + ENTER)
    child.expect_exact("group 1")
    child.send("\x15" + code.lower().replace("-", " ") + ENTER)
    child.expect_exact("Choose a new passphrase")
    child.sendline("a brand new passphrase")
    child.expect_exact("Type it again")
    child.sendline("a brand new passphrase")
    child.expect_exact("Recovered")
    ends(child, 0)


def test_interactive_import_asks_about_an_unknown_sender(home, monkeypatch):
    from .test_handover import NOTE, two_workers

    ana, luis = two_workers(home, monkeypatch, contacts=False)
    ana.ok("contacts", "add", "luis", luis.ok("identity").stdout.strip())
    number = ana.register()
    bundle = home / "b.bundle"
    ana.ok(
        "export", number, "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", NOTE)
    )
    fingerprint = ana.json("identity")["fingerprint"]
    child = spawn(home, "--store", str(luis.store), "import", str(bundle))
    child.expect_exact("Checking the bundle")  # the progress bar, on a terminal only
    child.expect_exact("NOT in your contacts")
    child.expect_exact("Afraid of the smuggler")
    child.expect_exact(fingerprint)
    child.expect_exact("(y/N)")
    child.send("y" + ENTER)
    child.expect_exact("Import now?")
    child.send("y" + ENTER)
    child.expect_exact("Importing")
    child.expect_exact("added")
    ends(child, 0)
    assert luis.json("show", number)["case_worker"] == "Luis Pérez"


def test_a_bundle_passphrase_asked_at_the_prompt_on_both_sides(home, monkeypatch):
    """--with-passphrase: typed twice by the sender, once by a recipient who has no identity yet."""
    from .test_handover import NOTE, two_workers

    ana, luis = two_workers(home, monkeypatch, contacts=False)
    number = ana.register()
    bundle, secret = home / "p.bundle", "a long bundle passphrase"
    child = spawn(
        home,
        "--store",
        str(ana.store),
        "export",
        number,
        "--with-passphrase",
        "--override-reason",  # a passphrase holder is nobody the consent names: shared as with another agency
        "Luis has no identity yet",
        "--output",
        str(bundle),
        "--answers",
        ana.write("n.json", NOTE),
    )
    child.expect_exact("Choose a passphrase for this bundle")
    child.sendline(secret)
    child.expect_exact("Type it again")
    child.sendline(secret)
    child.expect_exact("What now?")  # the handover note, from the answers file, shown for a last check
    child.send(ENTER)
    child.expect_exact("copied for consultation")
    ends(child, 0)
    assert secret.encode() not in bundle.read_bytes()

    child = spawn(home, "--store", str(luis.store), "import", str(bundle))
    child.expect_exact("Bundle passphrase")
    child.sendline(secret)
    child.expect_exact("NOT in your contacts")
    child.expect_exact("(y/N)")
    child.send("y" + ENTER)
    child.expect_exact("Import now?")
    child.send("y" + ENTER)
    child.expect_exact("added")
    ends(child, 0)
    assert luis.json("show", number)["status"] == "copy"


def test_registration_wizard_entirely_in_spanish_then_shown_in_english(cli):
    cli.init(language="es")
    child = spawn(cli.home, "new-case")
    w = Wizard(child, "registration", lang="es")
    fill_registration(w)
    child.expect_exact("¿Y ahora?")
    child.expect_exact("Guardar")
    child.send(ENTER)
    child.expect(r"Caso registrado: \S*?(MX7-\d{4}-\w)")
    number = child.match.group(1)
    ends(child, 0)
    reg = cli.json("show", number)["registration"]
    assert (
        reg["nationality"] == "honduras" and reg["protection_status"] == "unaccompanied" and reg["dob_known"] is False
    )
    english = cli.ok("--lang", "en", "show", number).stdout
    assert "Unaccompanied" in english and "Separation and family" in english and "No acompañado" not in english
    spanish = cli.ok("show", number).stdout
    assert "No acompañado" in spanish and "Separación y familia" in spanish


def test_a_visit_to_a_closed_case_is_refused_before_the_first_question(ready):
    number = ready.register()
    closure = {"reason": "lost_contact", "last_contact": "2026-11-22", "search_efforts": "Called the shelters"}
    ready.ok("close", number, "--answers", ready.write("closure.json", closure))
    child = spawn(ready.home, "visit", "add", number)
    child.expect_exact("is closed and read-only")
    before = child.before
    ends(child, 3)
    visit_form = load_form("visit")
    assert visit_form.field("visited_on").label("en") not in before + (child.before or "")


def test_an_adult_age_asks_whether_it_is_disputed_then_saves(ready):
    child = spawn(ready.home, "new-case")
    w = Wizard(child, "registration")
    fill_registration(w, age="19")
    child.expect_exact("age.majority_years")  # the rule, shown before the question it needs
    w.answer("age_disputed", UP + UP + ENTER)  # yes (asked when needed, it starts on "skip")
    w.answer("age_dispute_reason", "No documents; looks younger" + ENTER)
    w.answer("age_child_says", "Tengo 16" + ENTER)
    child.expect_exact("What now?")
    child.send(ENTER)  # save
    child.expect(r"Registered case \S*?(MX7-\d{4}-\w)")
    number = child.match.group(1)
    ends(child, 0)
    reg = ready.json("show", number)["registration"]
    assert (reg["age_estimate"], reg["age_disputed"], reg["age_child_says"]) == (19, True, "Tengo 16")


def test_menus_search_every_letter_typed_whatever_the_accents_and_an_unmatched_search_records_nothing(cli):
    """In Spanish: "niño" finds "El niño/a llegó por su cuenta" (questionary dropped the ñ), "haiti"
    finds "Haití", "protección" marks "Autoridades de protección de la niñez"; "zzz" then Enter
    records nothing (questionary recorded the top item)."""
    cli.init(language="es")
    child = spawn(cli.home, "new-case")
    w = Wizard(child, "registration", lang="es")
    backspace = "\x7f"
    steps = {
        "identified_how": "zzz" + ENTER + backspace * 3 + "niño" + ENTER,
        "nationality": "haiti" + ENTER,
        "share_with": "protección" + SPACE + ENTER,
    }
    original = w.answer

    def answer(field_id: str, keys: str) -> None:
        original(field_id, steps.get(field_id, keys))

    w.answer = answer  # type: ignore[method-assign]
    fill_registration(w)
    child.expect_exact("¿Y ahora?")
    child.send(ENTER)
    child.expect(r"Caso registrado: \S*?(MX7-\d{4}-\w)")
    number = child.match.group(1)
    ends(child, 0)
    reg = cli.json("show", number)["registration"]
    assert reg["identified_how"] == "self_referral", reg["identified_how"]
    assert reg["nationality"] == "haiti", reg["nationality"]
    assert "authorities" in reg["share_with"], reg["share_with"]


def test_plan_editor_adds_a_new_action_while_an_assessed_need_is_unused(ready):
    """ "Add an action" → "A new item" with a need still unused crashed the editor (the menu's None
    became its label), and the whole unsaved plan was lost."""
    from .test_assessment_plan import INITIAL

    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("initial.json", INITIAL))
    child = spawn(ready.home, "plan", "edit", number)
    action = Wizard(child, "plan-action")
    child.expect_exact("what now?")
    child.send(DOWN * 3 + ENTER)  # add an action
    child.expect_exact("Start from an assessed need?")
    child.send(ENTER)  # a new item
    action.answer("action", "Call the aunt" + ENTER)
    action.answer("owner", "Ana Ruiz" + ENTER)
    action.answer("due", "2026-11-30" + ENTER)
    action.answer("category", ENTER)
    child.expect_exact("what now?")
    child.send(DOWN * 5 + ENTER)  # save as draft (the menu stays on "Add an action")
    child.expect_exact("Saved plan version 1")
    ends(child, 0)
    [saved] = ready.json("show", number)["plan"]["data"]["actions"]
    assert saved["action"] == "Call the aunt" and "need_ref" not in saved


PLAN_EDITOR_STEPS = (
    "add action",
    "add service back",
    "edit back",
    "remove no",
    "remove yes",
    "up",
    "review",
    "header back",
    "discard no",
)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(PLAN_EDITOR_STEPS), min_size=1, max_size=7))
def test_every_walk_through_the_plan_editor_ends_in_a_saved_plan(ready, steps):
    """Generated walks through the plan editor's menus (items added, edited, removed, moved, the
    review, back, a discard not confirmed), chosen by typing at each menu: never an internal error,
    and Save keeps what the walk left."""
    import secrets
    import string

    from .test_assessment_plan import INITIAL

    def a_name() -> str:  # each example a child of its own (the store is the test's, kept between examples)
        return "".join(secrets.choice(string.ascii_lowercase) for _ in range(9)).capitalize()

    number = ready.register(name_first=a_name(), name_last=a_name())
    ready.ok("assess", number, "--answers", ready.write("initial.json", INITIAL))
    draft = {"actions": [{"action": "Call the aunt", "owner": "Ana Ruiz", "due": "2026-11-30"}]}
    ready.ok("plan", "edit", number, "--answers", ready.write("draft.json", draft))
    child = spawn(ready.home, "plan", "edit", number)
    action = Wizard(child, "plan-action")
    expected = 1
    for step in steps:
        if step in ("edit back", "remove no", "remove yes", "up") and expected == 0:
            continue  # no item: the menu does not offer them (and is not drawn again for this step)
        child.expect_exact("what now?")
        child.expect_exact("Discard changes")  # the whole menu drawn: what is typed now is its search
        if step == "add action":
            child.send("Add an action" + ENTER)
            child.expect_exact("Start from an assessed need?")
            child.send("A new item" + ENTER)
            action.answer("action", f"Step {expected}" + ENTER)
            action.answer("owner", "Ana Ruiz" + ENTER)
            action.answer("due", "2026-12-01" + ENTER)
            action.answer("category", ENTER)
            expected += 1
        elif step == "add service back":
            child.send("Add a service" + ENTER)
            child.expect_exact("Start from an assessed need?")
            child.send("Back" + ENTER)
        elif step == "edit back":
            child.send("Edit an item" + ENTER)
            child.expect_exact("Which item?")
            child.send("Back" + ENTER)
        elif step.startswith("remove"):
            child.send("Remove an item" + ENTER)
            child.expect_exact("Which item?")
            child.send(ENTER)
            child.expect_exact("Remove")
            child.send(("y" if step == "remove yes" else "n") + ENTER)
            expected -= step == "remove yes"
        elif step == "up":
            child.send("Move an item up" + ENTER)
            child.expect_exact("Which item?")
            child.send(ENTER)
        elif step == "review":
            child.send("Review the plan" + ENTER)
        elif step == "header back":
            child.send("Edit the header" + ENTER)
            child.expect_exact("Which part of the header?")
            child.send("Back" + ENTER)
        elif step == "discard no":
            child.send("Discard changes" + ENTER)
            child.expect_exact("Discard every change")
            child.send("n" + ENTER)
    child.expect_exact("what now?")
    child.expect_exact("Discard changes")
    child.send("Save as draft" + ENTER)
    child.expect(r"Saved plan version|[Nn]othing (has )?changed|unchanged")
    child.expect(pexpect.EOF)
    child.close()
    assert "internal error" not in (child.before or "")
    assert len(ready.json("show", number)["plan"]["data"]["actions"]) == expected


def test_a_closure_reason_that_cannot_succeed_is_refused_at_the_reason(ready):
    """Closing as reunified with no reunification recorded is said at the reason, which is asked
    again, not after every other question (it was said after ten)."""
    number = ready.register()
    child = spawn(ready.home, "close", number)
    w = Wizard(child, "closure")
    w.answer("closed_on", ENTER)
    w.answer("reason", "Reunified" + ENTER)
    child.expect_exact("no reunification is recorded")
    w.answer("reason", "moved on" + ENTER)  # the same question again: another reason
    w.answer("last_contact", ENTER)  # the wizard goes on with that reason's questions
    child.sendcontrol("c")
    child.expect(pexpect.EOF)


def test_a_visit_wizard_killed_mid_way_offers_its_answers_back(ready):
    """Killed (the terminal lost, a crash: SIGKILL here, which nothing can catch) after five
    answers: the next `visit add` for the case offers them back, asks only what is left, and saves;
    the draft is gone after the save. `--discard-draft` starts again."""
    import signal

    number = ready.register()
    child = spawn(ready.home, "visit", "add", number)
    w = Wizard(child, "visit")
    w.answer("visited_on", ENTER)
    w.answer("kind", ENTER)  # home
    w.answer("child_seen", ENTER)  # yes
    w.answer("seen_alone", ENTER)  # yes
    w.answer("wellbeing", "Sleeping better, eating well" + ENTER)
    child.expect_exact(w.form.field("child_views").label("en"))
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert ready.json("show", number)["visits"] == []

    child = spawn(ready.home, "visit", "add", number)
    child.expect_exact("Resume them?")
    child.send(ENTER)  # resume
    w = Wizard(child, "visit")
    w.answer("child_views", "Estoy bien" + ENTER)  # the first question not answered before the kill
    # where the child lives and the next visit are what the records say: kept with one choice
    child.expect_exact("Keep these answers?")
    child.expect_exact("Answer each one")  # the menu drawn whole
    child.send(ENTER)
    w.answer("placement_suitable", ENTER)
    w.answer("new_concerns", ENTER)
    w.answer("risk_level", ENTER)
    w.answer("risk_reason", ENTER)
    child.expect_exact("What now?")
    child.send(ENTER)  # save
    child.expect_exact("Visit recorded")
    ends(child, 0)
    [visit] = ready.json("show", number)["visits"]
    assert visit["answers"]["wellbeing"] == "Sleeping better, eating well"
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    with open_store(ready.store, lambda: PASSPHRASE) as store:
        assert store.conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0

    child = spawn(ready.home, "visit", "add", number)  # cut off again …
    w = Wizard(child, "visit")
    w.answer("visited_on", ENTER)
    child.expect_exact(w.form.field("kind").label("en"))
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    child = spawn(ready.home, "visit", "add", number, "--discard-draft")  # … and started again
    child.expect_exact(w.form.field("visited_on").label("en"))
    assert "Resume them?" not in child.before
    child.sendcontrol("c")
    child.expect(pexpect.EOF)


def test_a_registration_cut_off_is_offered_back_and_a_deliberate_cancel_drops_it(ready):
    import signal

    child = spawn(ready.home, "new-case")
    w = Wizard(child, "registration")
    w.answer("identified_on", ENTER)
    w.answer("identified_how", ENTER)
    w.answer("identified_where", "Tapachula bus station" + ENTER)
    child.expect_exact(w.form.field("identified_by").label("en"))
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    child = spawn(ready.home, "new-case")
    child.expect_exact("Resume them?")
    child.send(ENTER)
    child.expect_exact(w.form.field("identified_by").label("en"))  # the first question not answered
    child.sendcontrol("c")  # cancelled on purpose: nothing kept
    child.expect(pexpect.EOF)
    child.close()
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    with open_store(ready.store, lambda: PASSPHRASE) as store:
        assert store.conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0


def test_the_plan_editor_cut_off_offers_its_plan_back(ready):
    """The plan being edited is kept after every change: killed after an action is added, the next
    `plan edit` offers it back and saves it; a deliberate discard then drops the draft."""
    import signal

    from casecli.store.db import open_store

    from .conftest import PASSPHRASE
    from .test_assessment_plan import INITIAL

    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("initial.json", INITIAL))
    child = spawn(ready.home, "plan", "edit", number)
    action = Wizard(child, "plan-action")
    child.expect_exact("what now?")
    child.expect_exact("Discard changes")
    child.send("Add an action" + ENTER)
    child.expect_exact("Start from an assessed need?")
    child.send("A new item" + ENTER)
    action.answer("action", "Call the aunt" + ENTER)
    action.answer("owner", "Ana Ruiz" + ENTER)
    action.answer("due", "2026-11-30" + ENTER)
    action.answer("category", ENTER)
    child.expect_exact("what now?")
    child.expect_exact("Discard changes")
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert ready.json("show", number)["plan"] is None

    child = spawn(ready.home, "plan", "edit", number)
    child.expect_exact("Resume them?")
    child.send(ENTER)
    child.expect_exact("what now?")
    child.expect_exact("Discard changes")
    child.send("Save as draft" + ENTER)
    child.expect_exact("Saved plan version 1")
    ends(child, 0)
    [saved] = ready.json("show", number)["plan"]["data"]["actions"]
    assert saved["action"] == "Call the aunt"
    with open_store(ready.store, lambda: PASSPHRASE) as store:
        assert store.conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0


def test_what_the_records_already_say_is_kept_with_one_choice(ready):
    """A tracing request at a terminal: the registration's separation date and cause and the family
    member recorded are shown together and kept with one Enter, not asked one by one; the rest is
    asked, and the summary can still correct them."""
    from .test_tracing import AUNT, TRACING

    number = ready.register(share_with=TRACING, date_of_separation="2026-10-01", separation_cause="migration")
    ready.ok("family", "add", number, "--answers", ready.write("f.json", AUNT))
    child = spawn(ready.home, "tracing", "add", number)
    child.expect_exact("What the records already say")
    child.expect_exact("Rosa Mejía")
    child.expect_exact("Keep these answers?")
    child.expect_exact("Answer each one")  # the menu drawn whole
    child.send(ENTER)  # keep them
    w = Wizard(child, "tracing-request")
    w.answer("last_known_date", ENTER)  # the first question asked: skipped
    for field_id in ("sought_name", "sought_relation", "last_known_place", "date_of_separation"):
        assert w.form.field(field_id).label("en") not in child.before  # shown above, not asked
    w.answer("location_separation", "Tecún Umán" + ENTER)
    w.answer("separation_details", ENTER)
    child.expect_exact("What now?")
    child.send(ENTER)  # save
    child.expect_exact("Tracing request 1 opened")
    ends(child, 0)
    request = ready.json("tracing", "list", number)[0]["answers"]
    assert request["sought_name"] == "Rosa Mejía" and request["sought_relation"] == "aunt"
    assert request["date_of_separation"] == "2026-10-01" and request["separation_cause"] == "migration"
    assert request["last_known_place"] == "San Pedro Sula" and request["location_separation"] == "Tecún Umán"


def test_the_records_answers_can_be_answered_one_by_one(ready):
    """ "Answer each one": every question is asked, starting from the records' answer."""
    from .test_tracing import AUNT, TRACING

    number = ready.register(share_with=TRACING, date_of_separation="2026-10-01", separation_cause="migration")
    ready.ok("family", "add", number, "--answers", ready.write("f.json", AUNT))
    child = spawn(ready.home, "tracing", "add", number)
    child.expect_exact("Keep these answers?")
    child.expect_exact("Answer each one")  # the menu drawn whole
    child.send(DOWN + ENTER)  # answer each one
    w = Wizard(child, "tracing-request")
    w.answer("sought_name", "Rosa María Mejía" + ENTER)  # typed over the records' answer
    w.answer("sought_relation", ENTER)
    w.answer("last_known_place", ENTER)
    w.answer("last_known_date", ENTER)
    w.answer("date_of_separation", ENTER)
    w.answer("separation_cause", ENTER)
    w.answer("location_separation", ENTER)
    w.answer("separation_details", ENTER)
    child.expect_exact("What now?")
    child.send(ENTER)
    ends(child, 0)
    request = ready.json("tracing", "list", number)[0]["answers"]
    assert request["sought_name"] == "Rosa María Mejía" and request["date_of_separation"] == "2026-10-01"


def test_a_closure_as_reunified_keeps_the_reunifications_facts_with_one_choice(ready):
    """With whom, where and when come from the reunification recorded: shown once the reason is
    "reunified", kept with one Enter, saved with the closure."""
    from .test_best_interests import approve_solution
    from .test_cycle import VISIT
    from .test_tracing import AUNT, FOUND, REQUEST, REUNIFIED, TRACING, VERIFIED

    number = ready.register(share_with=TRACING)
    ready.ok("family", "add", number, "--answers", ready.write("f.json", AUNT))
    ready.ok("tracing", "add", number, "--answers", ready.write("r.json", REQUEST))
    ready.ok("tracing", "action", number, "--answers", ready.write("a.json", FOUND))
    ready.ok("tracing", "verify", number, "--answers", ready.write("v.json", VERIFIED))
    approve_solution(ready, number, "reunification")
    ready.ok("tracing", "reunify", number, "--answers", ready.write("u.json", REUNIFIED))
    ready.ok("visit", "add", number, "--answers", ready.write("vi.json", {**VISIT, "visited_on": "2026-11-23"}))
    child = spawn(ready.home, "close", number)
    w = Wizard(child, "closure")
    w.answer("closed_on", ENTER)
    w.answer("reason", "Reunified" + ENTER)
    child.expect_exact("What the records already say")
    child.expect_exact("San Pedro Sula")
    child.expect_exact("Keep these answers?")
    child.expect_exact("Answer each one")  # the menu drawn whole
    child.send(ENTER)
    w.answer("final_visit", ENTER)
    for field_id in ("outcome_with", "outcome_where", "outcome_on"):
        assert w.form.field(field_id).label("en") not in child.before  # shown above, not asked
    w.answer("child_informed", ENTER)
    w.answer("notes", ENTER)
    # one visit does not span the follow-up period: the confirmation the rule needs is asked now
    w.answer("follow_up_confirmation", "DIF San Pedro Sula visited her: she is at school" + ENTER)
    child.expect_exact("What now?")
    child.send(ENTER)
    child.expect_exact("is closed")
    ends(child, 0)
    (closure,) = ready.json("show", number)["closures"]
    answers = closure["answers"]
    assert answers["outcome_with"] == "Rosa Mejía" and answers["outcome_where"] == "San Pedro Sula"
    assert answers["outcome_on"] == REUNIFIED["reunified_on"]
