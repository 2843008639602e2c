"""A handover that strands no child (issue 14): pending until a signed receipt comes back, refused or
revoked back to active, on the agenda when no receipt comes, and the plan naming the new worker."""

from __future__ import annotations

import datetime as dt

import pytest

from .test_assessment_plan import INITIAL
from .test_cycle import PLAN
from .test_handover import NOTE, two_workers
from .test_store import assert_one_line_error


@pytest.fixture
def pair(home, monkeypatch):
    return two_workers(home, monkeypatch)


def hand_over(ana, number: str, name: str = "case.bundle", **note) -> str:
    bundle = ana.home / name
    ana.ok(
        "export", number, "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", {**NOTE, **note})
    )  # fmt: skip
    return str(bundle)


def test_a_refused_handover_makes_the_case_active_again_with_its_reason(pair):
    ana, luis = pair
    number = ana.register()
    bundle = hand_over(ana, number)
    assert ana.json("show", number)["status"] == "handover_pending"
    shown = ana.ok("show", number).stdout
    assert "handed over to luis on" in shown and "waiting for the receipt" in shown
    receipt = luis.home / "refused.receipt"
    result = luis("import", bundle, "--refuse", "--reason", "Not our area", "--receipt", str(receipt))
    assert result.exit_code == 0, result.output
    assert luis.json("list") == []  # nothing imported
    assert b"Not our area" not in receipt.read_bytes()  # encrypted to Ana
    assert "imported (or refused) already" in luis.ok("import", bundle, "--yes").stdout

    out = ana.ok("import", str(receipt)).stdout
    assert f"{number}: handover refused: active again here" in out and "Not our area" in out
    case = ana.json("show", number, "--history")
    assert case["status"] == "open" and case["case_worker"] == "Ana Ruiz"
    assert case["history"][-1]["kind"] == "receipt" and "refused by Luis Pérez" in case["history"][-1]["summary"]
    assert case["handovers"][0]["outcome"] == "refused" and case["handovers"][0]["outcome_note"] == "Not our area"
    ana.ok("edit", number, "--set", "risk_level=low")  # hers to work on again
    # a refusal needs its reason
    other = ana.register(name_first="Kevin", sex="male")
    second = hand_over(ana, other, "second.bundle")
    assert_one_line_error(luis("import", second, "--refuse"), 3)


def test_a_lost_bundle_is_revoked_and_a_late_acceptance_is_flagged(pair):
    ana, luis = pair
    number = ana.register()
    bundle = hand_over(ana, number)
    refused = ana("visit", "add", number, "--no-input")
    assert_one_line_error(refused, 3)
    assert "awaits their receipt" in refused.stderr and "handover revoke" in refused.stderr
    assert_one_line_error(ana("handover", "revoke", number, "--reason", " "), 3)
    assert "revoked" in ana.ok("handover", "revoke", number, "--reason", "The stick was lost").stdout
    case = ana.json("show", number, "--history")
    assert case["status"] == "open" and case["history"][-1]["kind"] == "handover revoked"
    assert "Traspaso revocado" in ana.ok("--lang", "es", "show", number, "--history").stdout
    assert_one_line_error(ana("handover", "revoke", number, "--reason", "again"), 3)
    # the stick turns up after all: Luis imports it, and his receipt tells Ana to agree who keeps it
    luis.ok("import", bundle, "--yes")
    out = ana.ok("import", bundle + ".receipt").stdout
    assert "agree with them who keeps the case" in out
    assert ana.json("show", number)["status"] == "open"


def test_the_agenda_lists_a_handover_with_no_receipt_after_seven_days(pair, monkeypatch):
    ana, _luis = pair
    number = ana.register()
    hand_over(ana, number, transfer_reason="moving_location")
    assert [i for i in ana.json("agenda", "--days", "0") if i["kind"] == "handover"] == []
    (waiting,) = ana.json("handover", "list")
    assert number in ana.ok("handover", "list").stdout
    assert (waiting["case_number"], waiting["reason"], waiting["days_waiting"]) == (number, "moving_location", 0)
    # a week and a day after it was sent (sent_at is the laptop's clock, not the test's fixed day)
    sent = dt.date.fromisoformat(waiting["sent_at"][:10])
    monkeypatch.setenv("CASECLI_TODAY", (sent + dt.timedelta(days=8)).isoformat())
    (item,) = [i for i in ana.json("agenda", "--days", "0") if i["kind"] == "handover"]
    assert item["case_number"] == number and item["command"].startswith(f"casecli handover revoke {number}")
    assert "luis" in item["what"] and item["days_late"] == 1  # the contact's name, as Ana knows him


def test_a_handover_records_its_reason(pair):
    ana, _luis = pair
    number = ana.register()
    note = {k: v for k, v in NOTE.items() if k != "transfer_reason"}
    bundle = ana.home / "b.bundle"
    args = (
        "export",
        number,
        "--to",
        "luis",
        "--handover",
        "--output",
        str(bundle),
        "--answers",
        ana.write("n.json", note),
    )
    result = ana(*args)
    assert_one_line_error(result, 3)
    assert "transfer_reason" in result.stderr and not bundle.exists()
    assert ana.json("show", number)["status"] == "open"
    assert_one_line_error(ana(*args, "--reason", "because"), 3)
    ana.ok(*args, "--reason", "turned_18_needs_protection")
    assert ana.json("show", number)["handovers"][0]["reason"] == "turned_18_needs_protection"
    history = ana.json("show", number, "--history")["history"]
    assert history[-1]["changes"]["transfer"] == {"transfer_reason": "turned_18_needs_protection"}


def test_after_a_handover_the_plan_names_the_new_case_worker(pair):
    ana, luis = pair
    number = ana.register()
    ana.ok("assess", number, "--answers", ana.write("a.json", INITIAL))
    ana.ok("plan", "edit", number, "--answers", ana.write("p.json", PLAN), "--activate")
    luis.ok("import", hand_over(ana, number), "--yes")
    document = luis.ok("plan", "show", number, "--format", "markdown").stdout
    assert "Luis Pérez (responsible since the handover; the plan was written by Ana Ruiz)" in document
    mine = ana.ok("plan", "show", number, "--format", "markdown").stdout  # Ana's own copy, before the receipt
    assert "Ana Ruiz" in mine and "responsible since the handover" not in mine


def test_a_bundle_to_another_agency_needs_the_consent_or_a_recorded_reason(home, monkeypatch):
    from .test_handover import Worker, identity

    ana = Worker(home, "ana", monkeypatch)
    ana.init()
    rosa = Worker(home, "rosa", monkeypatch)
    rosa.init(name="Rosa Díaz", agency="Clínica Santa María", case_number_prefix="CS1")
    luis = Worker(home, "luis", monkeypatch)
    luis.init(name="Luis Pérez", case_number_prefix="GT2")  # the same agency as Ana
    ana.ok("contacts", "add", "rosa", identity(rosa))
    ana.ok("contacts", "add", "luis", identity(luis))
    number = ana.register(share_with=["agency_team", "service_providers"])
    copy = ana.home / "copy.bundle"
    args = ("export", number, "--to", "rosa", "--output", str(copy), "--answers", ana.write("n.json", NOTE))
    refused = ana(*args)
    assert_one_line_error(refused, 3)
    assert "other_organisations" in refused.stderr and "--override-reason" in refused.stderr
    assert not copy.exists()
    ana.ok(*args, "--override-reason", "The clinic needs the history for surgery")
    sharing = ana.json("show", number, "--sharing")["sharing"]
    (shared,) = sharing["shared"]
    assert shared["how"] == "copy" and shared["scope"] == ["other_organisations"]
    assert shared["override"] == "The clinic needs the history for surgery" and not shared["consent"]["within"]
    rosa.ok("contacts", "add", "ana", identity(ana))
    rosa.ok("import", str(copy), "--yes")  # the override travels in the case's history
    assert rosa.json("show", number, "--history")["history"][-1]["kind"] == "sharing override"
    # within the agency, even a withdrawn consent never stops a handover: the child keeps a worker
    ana.ok("consent", "withdraw", number, "--reason", "No quiere")
    ana.ok(*hand_over_args(ana, number, "luis"))
    assert ana.json("show", number)["status"] == "handover_pending"


def hand_over_args(ana, number: str, to: str) -> tuple:
    bundle = ana.home / f"to-{to}.bundle"
    return ("export", number, "--to", to, "--handover", "--output", str(bundle), "--answers", ana.write("n.json", NOTE))
