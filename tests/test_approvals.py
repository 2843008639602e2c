"""A supervisor's approval across three stores (worker, second worker, supervisor): plan
activations and closures wait, travel as requests, and come back as signed decisions that count
only when they should."""

from __future__ import annotations

import base64
import json
import re

import pytest

from casecli.handover.identity import Identity

from .test_assessment_plan import INITIAL
from .test_cycle import PLAN
from .test_handover import NOTE, Worker, identity

CLOSURE = {  # not a durable solution (those need a BID panel first, tests/test_safeguards.py)
    "reason": "other",
    "reason_other": "Moved to her aunt's in another state",
    "final_visit": True,
    "child_informed": True,
    "notes": "Living with her aunt",
}


@pytest.fixture
def team(home, monkeypatch):
    ana = Worker(home, "ana", monkeypatch)
    ana.init(approvals=True)
    marta = Worker(home, "marta", monkeypatch)
    marta.init(approvals=True, name="Marta Gómez", role="supervisor", case_number_prefix="SV1")
    luis = Worker(home, "luis", monkeypatch)
    luis.init(approvals=True, name="Luis Pérez", role="supervisor", case_number_prefix="GT2")
    ana.ok("contacts", "add", "marta", identity(marta))
    marta.ok("contacts", "add", "ana", identity(ana))
    # Ana knows Luis as a colleague: his line without the supervisor role his own profile claims.
    line = Identity.parse(identity(luis))
    ana.ok(
        "contacts", "add", "luis", Identity(line.name, line.agency, line.encryption_public, line.signing_public).line()
    )
    luis.ok("contacts", "add", "ana", identity(ana))
    return ana, marta, luis


def planned(ana) -> str:
    number = ana.register()
    ana.ok("assess", number, "--answers", ana.write("i.json", INITIAL))
    out = ana.ok("plan", "edit", number, "--answers", ana.write("p.json", PLAN), "--activate").stdout
    assert "awaits a supervisor's approval" in out
    assert f"casecli plan edit {number}" not in out  # the next step is the request, not the editor again
    return number


def round_trip(ana, marta, number, tmp, decision: str, *comment: str):
    request, answer = tmp / f"{number}.request", tmp / f"{number}.{decision}"
    ana.ok("approval", "request", number, "--to", "marta", "--output", str(request))
    marta.ok("import", str(request), "--yes")
    marta.ok(decision, number, *comment, "--output", str(answer))
    return answer


def test_a_plan_activation_approved_by_the_supervisor(team, tmp_path):
    ana, marta, _luis = team
    number = planned(ana)
    case = ana.json("show", number)
    assert case["plan"]["status"] == "draft" and [a["status"] for a in case["approvals"]] == ["waiting"]
    assert [a["case_number"] for a in ana.json("approvals")] == [number]
    request = tmp_path / f"{number}.request"
    ana.ok("approval", "request", number, "--to", "marta", "--output", str(request))
    marta.ok("import", str(request), "--yes")
    assert marta.json("report")["team"]["approvals_waiting"] == 1
    decision = tmp_path / f"{number}.approve"
    marta.ok("approve", number, "--comment", "agreed in supervision", "--output", str(decision))
    assert marta.json("report")["team"]["approvals_waiting"] == 0  # decided here: it waits for nobody
    assert [a["case_number"] for a in marta.json("approvals")] == [number]  # shown as decided there
    out = ana.ok("import", str(decision)).stdout
    assert "approved by Marta Gómez" in out
    case = ana.json("show", number, "--history")
    assert case["plan"]["status"] == "active" and case["approvals"][0]["status"] == "approved"
    event = next(e for e in reversed(case["history"]) if e["kind"] == "approval")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from casecli.case.decisions.approvals import decision_message

    signed = event["changes"]
    Ed25519PublicKey.from_public_bytes(base64.b64decode(signed["signer"])).verify(
        base64.b64decode(signed["signature"]), decision_message(signed["decision"])
    )  # the supervisor's signature holds, from the history alone
    assert signed["comment"] == "agreed in supervision"
    ana.ok("verify")
    assert "Marta Gómez" in ana.ok("show", number).stdout
    document = ana.ok("plan", "show", number, "--format", "markdown", "--lang", "es").stdout
    # the day of the decision (the real clock's: the supervisor decided it), in Spanish's order
    assert re.search(r"Aprobado por el supervisor/a Marta Gómez el \d\d/\d\d/\d{4}\.", document)
    assert ana("import", str(decision)).exit_code == 0  # twice: nothing changes
    assert ana.json("approvals") == []


def test_a_closure_rejected_with_a_comment_leaves_the_case_open(team, tmp_path):
    ana, marta, _luis = team
    number = ana.register()
    out = ana.ok("close", number, "--answers", ana.write("c.json", CLOSURE), "--acknowledge-open").stdout
    assert "requested" in out and ana.json("show", number)["status"] == "open"
    decision = round_trip(ana, marta, number, tmp_path, "reject", "--comment", "visit the aunt's home first")
    out = ana.ok("import", str(decision)).stdout
    assert "rejected" in out and "visit the aunt's home first" in out
    case = ana.json("show", number)
    assert case["status"] == "open" and case["approvals"][0]["status"] == "rejected"
    assert case["closures"] == []


def test_an_approved_closure_closes_the_case(team, tmp_path):
    ana, marta, _luis = team
    number = ana.register()
    ana.ok("close", number, "--answers", ana.write("c.json", CLOSURE), "--acknowledge-open")
    ana.ok("import", str(round_trip(ana, marta, number, tmp_path, "approve")))
    assert ana.json("show", number)["status"] == "closed"


def test_a_plan_revised_after_the_request_makes_the_approval_stale(team, tmp_path):
    ana, marta, _luis = team
    number = planned(ana)
    decision = round_trip(ana, marta, number, tmp_path, "approve")
    plan = ana.json("show", number)["plan"]["data"]
    plan["header"]["visit_every_days"] = 14
    ana.ok("plan", "edit", number, "--answers", ana.write("p2.json", plan))  # a new version, not asked about
    refused = ana("import", str(decision))
    assert refused.exit_code == 5 and "stale" in refused.stderr
    case = ana.json("show", number)
    assert case["plan"]["status"] == "draft" and case["approvals"][0]["status"] == "void"


def test_no_one_approves_their_own_request(team, tmp_path):
    ana, marta, _luis = team
    number = planned(ana)
    refused = ana("approve", number, "--output", str(tmp_path / "self.bundle"))
    assert refused.exit_code == 3 and "supervisor" in refused.stderr  # Ana's role is not supervisor
    own = marta.register()
    marta.ok("assess", own, "--answers", marta.write("i.json", INITIAL))
    marta.ok("plan", "edit", own, "--answers", marta.write("p.json", PLAN), "--activate")
    refused = marta("approve", own, "--output", str(tmp_path / "own.bundle"))
    assert refused.exit_code == 3 and "own request" in refused.stderr


def test_a_decision_signed_by_a_non_supervisor_is_refused(team, tmp_path):
    ana, marta, luis = team
    number = planned(ana)
    ana.ok("approval", "request", number, "--to", "marta", "--output", str(tmp_path / "r.bundle"))
    ana.ok(
        "export",
        number,
        "--to",
        "luis",
        "--output",
        str(tmp_path / "copy.bundle"),
        "--answers",
        ana.write("n.json", NOTE),
    )
    luis.ok("import", str(tmp_path / "copy.bundle"), "--yes")
    luis.ok("approve", number, "--output", str(tmp_path / "luis.bundle"))  # his profile says supervisor
    refused = ana("import", str(tmp_path / "luis.bundle"))
    assert refused.exit_code == 5 and "not a supervisor" in refused.stderr
    assert ana.json("show", number)["plan"]["status"] == "draft"
    del marta


def test_a_decision_altered_by_one_byte_is_refused(team, tmp_path):
    ana, marta, _luis = team
    number = planned(ana)
    decision = round_trip(ana, marta, number, tmp_path, "approve")
    data = bytearray(decision.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered = tmp_path / "altered.bundle"
    altered.write_bytes(bytes(data))
    refused = ana("import", str(altered))
    assert refused.exit_code == 5
    assert ana.json("show", number)["plan"]["status"] == "draft"
    assert json.loads(ana.ok("approvals", "--json").stdout)[0]["status"] == "waiting"


def test_the_agenda_shows_what_waits_on_both_sides(team, tmp_path):
    ana, marta, _luis = team
    number = planned(ana)
    [item] = [i for i in ana.json("agenda") if i["kind"] == "approval"]
    assert item["case_number"] == number and item["command"].startswith(f"casecli approval request {number}")
    ana.ok("approval", "request", number, "--to", "marta", "--output", str(tmp_path / "r.bundle"))
    marta.ok("import", str(tmp_path / "r.bundle"), "--yes")
    [item] = [i for i in marta.json("agenda") if i["kind"] == "approval"]
    assert item["command"] == f"casecli approve {number}"
    marta.ok("approve", number, "--output", str(tmp_path / "d.bundle"))
    assert not [i for i in marta.json("agenda") if i["kind"] == "approval"]
    ana.ok("import", str(tmp_path / "d.bundle"))
    assert not [i for i in ana.json("agenda") if i["kind"] == "approval"]


def test_approvals_travel_in_a_handover(team, tmp_path):
    ana, marta, luis = team
    number = planned(ana)
    ana.ok("import", str(round_trip(ana, marta, number, tmp_path, "approve", "--comment", "ok")))
    bundle = tmp_path / "h.bundle"
    ana.ok(
        "export", number, "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", NOTE)
    )
    luis.ok("import", str(bundle), "--yes")
    [approval] = luis.json("show", number)["approvals"]
    assert approval["status"] == "approved" and approval["decided_by"] == "Marta Gómez" and approval["comment"] == "ok"
    assert luis.json("show", number)["plan"]["status"] == "active"
