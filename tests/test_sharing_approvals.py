"""A supervisor's approval of what leaves the agency: a handover to another agency, and sharing
beyond the child's consent. The export is refused until the approval of that very sharing comes
back; the approval then allows one bundle, and no other."""

from __future__ import annotations

import pytest

from .test_assessment_plan import INITIAL
from .test_cycle import PLAN
from .test_handover import NOTE, Worker, identity

COPY_NOTE = {k: v for k, v in NOTE.items() if k != "transfer_reason"}


@pytest.fixture
def team(home, monkeypatch):
    """Ana and her supervisor Marta (Casa Refugio), and Sofía of another agency."""
    ana = Worker(home, "ana", monkeypatch)
    ana.init(approvals=True)
    marta = Worker(home, "marta", monkeypatch)
    marta.init(approvals=True, name="Marta Gómez", role="supervisor", case_number_prefix="SV1")
    sofia = Worker(home, "sofia", monkeypatch)
    sofia.init(name="Sofía Ruiz", agency="Cruz Roja", case_number_prefix="CR3")
    ana.ok("contacts", "add", "marta", identity(marta))
    ana.ok("contacts", "add", "sofia", identity(sofia))
    marta.ok("contacts", "add", "ana", identity(ana))
    sofia.ok("contacts", "add", "ana", identity(ana))
    return ana, marta, sofia


def export(ana, number, path, *more: str, handover: bool = False):
    note = NOTE if handover else COPY_NOTE
    args = ["export", number, "--to", "sofia", "--output", str(path), "--answers", ana.write("n.json", note)]
    return ana(*args, *(["--handover"] if handover else []), *more)


def decided(ana, marta, number, tmp, decision: str, *more: str) -> None:
    """Ana asks, Marta decides, Ana imports the decision."""
    request, answer = tmp / f"{number}-{decision}.request", tmp / f"{number}-{decision}.decision"
    ana.ok("approval", "request", number, "--output", str(request))  # Marta: her only supervisor
    marta.ok("import", str(request), "--yes")
    marta.ok(decision, number, *more, "--output", str(answer))
    out = ana.ok("import", str(answer)).stdout
    assert ("approved" if decision == "approve" else "rejected") in out


def test_a_handover_to_another_agency_waits_for_approval_then_goes_once(team, tmp_path):
    ana, marta, sofia = team
    number = ana.register(share_with=["agency_team", "service_providers", "other_organisations"])
    bundle = tmp_path / "h.bundle"
    refused = export(ana, number, bundle, handover=True)
    assert refused.exit_code == 1 and "waits for a supervisor's approval" in refused.stderr
    assert f"casecli approval request {number}" in refused.stderr and not bundle.exists()
    [waiting] = ana.json("approvals")
    assert waiting["kind"] == "handover_other_agency" and waiting["subject"]["to"][0]["agency"] == "Cruz Roja"
    assert export(ana, number, bundle, handover=True).exit_code == 1  # asked again: still the one request
    assert len(ana.json("show", number)["approvals"]) == 1
    assert ana.json("show", number)["status"] == "open"

    decided(ana, marta, number, tmp_path, "approve", "--comment", "Cruz Roja runs the reunification")
    [todo] = [i for i in ana.json("agenda") if i["kind"] == "approval"]
    assert "write the bundle" in todo["what"] and todo["command"].startswith(f"casecli export {number}")
    out = export(ana, number, bundle, handover=True)
    assert out.exit_code == 0, out.stderr
    case = ana.json("show", number, "--history")
    assert [a["status"] for a in case["approvals"]] == ["used"]
    assert any(e["kind"] == "approval" and e["changes"].get("status") == "used" for e in case["history"])
    assert not [i for i in ana.json("agenda") if i["kind"] == "approval"]
    sofia.ok("import", str(bundle), "--yes")
    assert sofia.json("show", number)["case_worker"] == "Sofía Ruiz"


def test_sharing_beyond_consent_needs_the_reason_and_then_the_approval(team, tmp_path):
    ana, marta, _sofia = team
    number = ana.register()  # consent: the agency's team and service providers, not other agencies
    copy = tmp_path / "copy.bundle"
    refused = export(ana, number, copy)
    assert refused.exit_code == 3 and "--override-reason" in refused.stderr
    reason = ["--override-reason", "a life-threatening risk: Cruz Roja must know where she sleeps"]
    refused = export(ana, number, copy, *reason)
    assert refused.exit_code == 1 and "sharing beyond consent" in refused.stderr and not copy.exists()

    decided(ana, marta, number, tmp_path, "reject", "--comment", "ask the child first")
    assert export(ana, number, copy, *reason).exit_code == 1  # rejected: a new request, not a bundle
    assert [a["status"] for a in ana.json("show", number)["approvals"]] == ["rejected", "waiting"]

    decided(ana, marta, number, tmp_path, "approve")
    other = ["--override-reason", "another reason than the one approved"]
    assert export(ana, number, copy, *other).exit_code == 1 and not copy.exists()  # not what was approved
    assert [a["status"] for a in ana.json("show", number)["approvals"]] == ["rejected", "approved", "waiting"]
    assert export(ana, number, copy, *reason).exit_code == 0
    assert export(ana, number, tmp_path / "again.bundle", *reason).exit_code == 1  # one approval, one bundle
    assert "approved and used by Marta Gómez" in ana.ok("show", number).stdout


def test_a_case_with_two_requests_sends_both_and_the_supervisor_names_one(team, tmp_path):
    ana, marta, _sofia = team
    number = ana.register(share_with=["agency_team", "other_organisations"])
    ana.ok("assess", number, "--answers", ana.write("i.json", INITIAL))
    ana.ok("plan", "edit", number, "--answers", ana.write("p.json", PLAN), "--activate")
    assert export(ana, number, tmp_path / "h.bundle", handover=True).exit_code == 1
    request = tmp_path / "both.request"
    ana.ok("approval", "request", number, "--output", str(request))
    marta.ok("import", str(request), "--yes")
    assert {a["kind"] for a in marta.json("approvals")} == {"plan_activation", "handover_other_agency"}
    unclear = marta("approve", number, "--output", str(tmp_path / "d.bundle"))
    assert unclear.exit_code == 3 and "--kind" in unclear.stderr
    wrong = marta("approve", number, "--kind", "holidays", "--output", str(tmp_path / "d.bundle"))
    assert wrong.exit_code == 3 and "--kind: expected one of" in wrong.stderr
    marta.ok("approve", number, "--kind", "plan-activation", "--output", str(tmp_path / "plan.bundle"))
    marta.ok("reject", number, "--comment", "not yet", "--output", str(tmp_path / "handover.bundle"))  # the other
    ana.ok("import", str(tmp_path / "plan.bundle"))
    ana.ok("import", str(tmp_path / "handover.bundle"))
    statuses = {a["kind"]: a["status"] for a in ana.json("show", number)["approvals"]}
    assert statuses == {"plan_activation": "approved", "handover_other_agency": "rejected"}
    assert ana.json("show", number)["plan"]["status"] == "active"


def test_with_the_settings_off_the_worker_decides(team, tmp_path):
    ana, _marta, sofia = team
    ana.ok("settings", "set", "approval.sharing_beyond_consent", "0")
    ana.ok("settings", "set", "approval.handover_other_agency", "0")
    number = ana.register()
    bundle = tmp_path / "h.bundle"
    assert export(ana, number, bundle, "--override-reason", "urgent medical care", handover=True).exit_code == 0
    assert ana.json("show", number)["approvals"] == []
    sofia.ok("import", str(bundle), "--yes")


def test_an_export_for_primero_beyond_consent_waits_for_the_supervisor_then_goes_once(team, tmp_path):
    """The agency's Primero is another organisation's system: beyond the consent, `export
    --primero` records why, waits for the supervisor's approval of that very sharing, then writes
    once; the approval is spent."""
    ana, marta, _sofia = team
    number = ana.register(share_with=["agency_team", "service_providers"])
    out = tmp_path / "for-primero.json"
    args = ("export", "--primero", number, "--output", str(out))
    refused = ana(*args, "--override-reason", "The CPIMS+ holds every case of the agency")
    assert refused.exit_code == 1 and "waits for a supervisor's approval" in refused.stderr and not out.exists()
    [waiting] = ana.json("approvals")
    assert waiting["kind"] == "sharing_beyond_consent" and waiting["subject"]["to"][0]["name"] == "Primero"
    decided(ana, marta, number, tmp_path, "approve")
    ana.ok(*args, "--override-reason", "The CPIMS+ holds every case of the agency")
    assert out.exists()
    again = ana(*args, "--override-reason", "The CPIMS+ holds every case of the agency")
    assert again.exit_code == 1 and "waits for a supervisor's approval" in again.stderr  # one approval, one sharing
