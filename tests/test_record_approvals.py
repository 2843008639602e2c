"""A supervisor's approval of a Best Interests Assessment and of a family's verification: until it
comes back, no BID panel decides on the assessment and no reunification follows the verification."""

from __future__ import annotations

from .test_approvals import team  # noqa: F401  (the fixture: Ana, Marta her supervisor, Luis)
from .test_best_interests import BIA, BID
from .test_tracing import FOUND, REQUEST, TRACING, VERIFIED


def decided(ana, marta, number, tmp, name: str) -> None:
    request, answer = tmp / f"{name}.request", tmp / f"{name}.decision"
    ana.ok("approval", "request", number, "--to", "marta", "--output", str(request))
    marta.ok("import", str(request), "--yes")
    marta.ok("approve", number, "--output", str(answer))
    assert "approved by Marta Gómez" in ana.ok("import", str(answer)).stdout


def test_a_bia_waits_for_approval_before_a_bid_is_required_or_held(team, tmp_path):  # noqa: F811
    ana, marta, _luis = team
    number = ana.register()
    out = ana.ok("bia", number, "--answers", ana.write("bia.json", BIA)).stdout
    assert "awaits a supervisor's approval" in out and "A BID is required" not in out
    assert not [i for i in ana.json("agenda", "--days", "60") if i["kind"] == "bid"]
    assert [a["kind"] for a in ana.json("approvals")] == ["bia"]
    refused = ana("bid", number, "--answers", ana.write("bid.json", BID))
    assert refused.exit_code == 3 and "not approved (waiting)" in refused.stderr
    decided(ana, marta, number, tmp_path, "bia")
    [item] = [i for i in ana.json("agenda", "--days", "60") if i["kind"] == "bid"]
    assert item["case_number"] == number
    ana.ok("bid", number, "--answers", ana.write("bid.json", BID))
    assert ana.json("show", number)["best_interests"]["bia"][0]["approval"] == "approved"


def test_a_verified_family_waits_for_approval_before_reunification(team, tmp_path):  # noqa: F811
    ana, marta, _luis = team
    number = ana.register(share_with=TRACING)
    ana.ok("tracing", "add", number, "--answers", ana.write("r.json", REQUEST))
    ana.ok("tracing", "action", number, "--answers", ana.write("a.json", FOUND))
    out = ana.ok("tracing", "verify", number, "--answers", ana.write("v.json", VERIFIED)).stdout
    assert "awaits a supervisor's approval" in out
    [request] = ana.json("tracing", "list", number)
    assert request["status"] == "located"
    reunification = {
        "reunified_on": "2026-11-22",
        "reunified_with": "Rosa",
        "reunified_where": "Tapachula",
        "reunified_country": "mexico",  # where the agency works: no border crossed
        "follow_up_due": "2026-12-01",
    }
    refused = ana("tracing", "reunify", number, "--answers", ana.write("u.json", reunification))
    assert refused.exit_code == 3 and "verified family first" in refused.stderr
    decided(ana, marta, number, tmp_path, "verification")
    assert ana.json("tracing", "list", number)[0]["status"] == "verified"
    ana.ok("tracing", "reunify", number, "--answers", ana.write("u.json", reunification))
    assert ana.json("tracing", "list", number)[0]["status"] == "reunified"
