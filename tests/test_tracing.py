"""Family tracing through the real CLI: the family and a request need the tracing consent; actions,
verification and reunification move the status; closing as reunified needs a follow-up visit."""

from __future__ import annotations

from .test_best_interests import approve_solution
from .test_cycle import VISIT
from .test_store import assert_one_line_error

TRACING = ["agency_team", "service_providers", "family_tracing"]
AUNT = {
    "relation": "aunt",
    "relation_name": "Rosa Mejía",
    "relation_is_alive": "alive",
    "relation_address_current": "San Pedro Sula",
    "relation_telephone": "+504 5555 0101",
    "relation_is_caregiver": False,
    "child_wants_contact": True,
}
REQUEST = {
    "sought_name": "Rosa Mejía",
    "sought_relation": "aunt",
    "last_known_place": "Colonia Rivera Hernández, San Pedro Sula",
    "last_known_date": "2026-06-01",
    "separation_cause": "migration",
    "separation_details": "Me fui con un grupo en junio",
}
FOUND = {
    "date_tracing": "2026-11-20",
    "tracing_type": "referral_to_icrc",
    "tracing_action_description": "Request sent to the family-links service",
    "tracing_outcome": "successful",
    "address_tracing": "Same colonia, new house",
}
VERIFIED = {
    "verified_on": "2026-11-21",
    "agency_checks": "Documents seen; a home visit by the partner agency",
    "information_matches": True,
    "child_wishes_reunification": True,
    "child_views": "Quiero vivir con mi tía",
    "worker_assessment": "Safe, caring, able to enrol her at school",
    "verified": True,
}
REUNIFIED = {
    "reunified_on": "2026-11-22",
    "reunified_with": "Rosa Mejía",
    "reunified_where": "San Pedro Sula",
    "reunified_country": "honduras",
    "follow_up_due": "2026-12-07",
}
CLOSURE = {
    "reason": "reunified",
    "final_visit": True,
    "child_informed": True,
    "outcome_with": "Her aunt",
    "outcome_where": "San Pedro Sula",
    "outcome_on": "2026-11-23",
}


def test_the_family_and_a_tracing_request_need_the_tracing_consent(ready):
    number = ready.register()  # consent: the agency's team and service providers only
    for args, answers in ((("family", "add"), AUNT), (("tracing", "add"), REQUEST)):
        refused = ready(*args, number, "--answers", ready.write("a.json", answers), "--no-input")
        assert_one_line_error(refused, code=3)
        assert "family_tracing" in refused.stderr and "casecli consent new" in refused.stderr
    assert ready.json("show", number)["family"] == [] and ready.json("tracing", "list", number) == []


def test_tracing_from_open_to_reunified_and_the_closure_it_allows(ready):
    number = ready.register(share_with=TRACING)
    ready.ok("family", "add", number, "--answers", ready.write("f.json", AUNT))
    [member] = ready.json("family", "list", number)
    assert member["answers"]["relation_name"] == "Rosa Mejía"
    ready.ok("tracing", "add", number, "--answers", ready.write("r.json", REQUEST))

    def status() -> str:
        [request] = ready.json("tracing", "list", number)
        return request["status"]

    assert status() == "open"
    early = ready("tracing", "reunify", number, "--answers", ready.write("u.json", REUNIFIED))
    assert early.exit_code == 3 and "verified family first" in early.stderr
    pending = {**FOUND, "tracing_outcome": "pending", "date_tracing": "2026-11-19"}
    del pending["address_tracing"]
    ready.ok("tracing", "action", number, "--answers", ready.write("a1.json", pending))
    assert status() == "tracing_in_progress"
    refused = ready("tracing", "verify", number, "--answers", ready.write("v.json", VERIFIED))
    assert refused.exit_code == 3 and "found it" in refused.stderr
    ready.ok("tracing", "action", number, "--answers", ready.write("a2.json", FOUND))
    assert status() == "located"
    out = ready.ok("tracing", "verify", number, "--answers", ready.write("v.json", VERIFIED)).stdout
    assert "verified" in out and status() == "verified"
    no_bid = ready("tracing", "reunify", number, "--answers", ready.write("u.json", REUNIFIED))
    assert_one_line_error(no_bid, code=3)
    assert "bid.required_for_durable_solutions" in no_bid.stderr and f"casecli bid {number}" in no_bid.stderr
    approve_solution(ready, number, "reunification")
    ready.ok("tracing", "reunify", number, "--answers", ready.write("u.json", REUNIFIED))
    assert status() == "reunified"
    [due] = [i for i in ready.json("agenda", "--days", "30") if i["kind"] == "follow-up"]
    assert due["due"] == "2026-12-07" and due["command"] == f"casecli visit add {number}"

    closing = ready("close", number, "--answers", ready.write("c.json", CLOSURE), "--acknowledge-open")
    assert_one_line_error(closing, code=3)
    assert "follow-up visit" in closing.stderr and ready.json("show", number)["status"] == "open"
    ready.ok("visit", "add", number, "--answers", ready.write("vi.json", {**VISIT, "visited_on": "2026-11-23"}))
    assert not [i for i in ready.json("agenda", "--days", "30") if i["kind"] == "follow-up"]
    short = ready("close", number, "--answers", ready.write("c.json", CLOSURE), "--acknowledge-open")
    assert_one_line_error(short, code=3)  # one visit a day later does not span the follow-up period
    assert "reunification.follow_up_days" in short.stderr and "on or after 2027-02-20" in short.stderr
    confirmed = {**CLOSURE, "follow_up_confirmation": "DIF San Pedro Sula visited on 2026-11-23: she is at school"}
    ready.ok("close", number, "--answers", ready.write("c.json", confirmed), "--acknowledge-open")
    assert ready.json("show", number)["status"] == "closed"
    shown = ready.ok("show", number).stdout
    assert "Tracing request 1" in shown and "reunified" in shown
    voice = [e["answer"] for e in ready.json("show", number, "--voice")["voice"] if e["step"] == "tracing"]
    assert REQUEST["separation_details"] in voice and VERIFIED["child_views"] in voice


def test_a_case_closed_as_reunified_needs_a_reunification(ready):
    number = ready.register()
    refused = ready("close", number, "--answers", ready.write("c.json", CLOSURE), "--acknowledge-open")
    assert_one_line_error(refused, code=3)
    assert "no reunification is recorded" in refused.stderr and "casecli tracing reunify" in refused.stderr


def test_two_open_requests_are_named_and_a_closed_one_takes_nothing_more(ready):
    number = ready.register(share_with=TRACING)
    ready.ok("tracing", "add", number, "--answers", ready.write("r1.json", REQUEST))
    ready.ok("tracing", "add", number, "--answers", ready.write("r2.json", {**REQUEST, "sought_relation": "mother"}))
    unclear = ready("tracing", "action", number, "--answers", ready.write("a.json", FOUND))
    assert unclear.exit_code == 3 and "--request N" in unclear.stderr
    ready.ok(
        "tracing", "close", number, "--request", "2", "--answers", ready.write("x.json", {"reason": "Mother died"})
    )
    ready.ok("tracing", "action", number, "--answers", ready.write("a.json", FOUND))  # the only open one now
    again = ready("tracing", "action", number, "--request", "2", "--answers", ready.write("a.json", FOUND))
    assert again.exit_code == 3 and "closed" in again.stderr
    assert [r["status"] for r in ready.json("tracing", "list", number)] == ["located", "closed"]


def test_a_tracing_request_goes_alone_to_a_tracing_partner(home, monkeypatch, tmp_path):
    from .test_handover import Worker, identity

    ana = Worker(home, "ana", monkeypatch)
    ana.init()
    partner = Worker(home, "cruz-roja", monkeypatch)
    partner.init(name="Sofía Ruiz", agency="Cruz Roja", case_number_prefix="CR3")
    ana.ok("contacts", "add", "cruz-roja", identity(partner))
    number = ana.register(share_with=TRACING, current_location="Casa Refugio, cuarto 3")
    ana.ok("tracing", "add", number, "--answers", ana.write("r.json", REQUEST))
    bundle = tmp_path / "tracing.bundle"
    out = ana.ok("tracing", "export", number, "--to", "cruz-roja", "--output", str(bundle)).stdout
    assert "no case number" in out
    assert ana.json("show", number, "--history")["history"][-1]["kind"] == "tracing"

    shown = partner.ok("import", str(bundle)).stdout
    assert "Rosa Mejía" in shown and "Colonia Rivera Hernández" in shown and "Yulissa" in shown
    assert "not in your contacts" in shown  # the partner has not added Ana: the fingerprint is shown
    for private in (number, "cuarto 3", REQUEST["separation_details"]):
        assert private not in shown
    assert partner.json("list") == []  # read only

    ana.ok("consent", "withdraw", number, "--reason", "Ya no quiere")
    refused = ana("tracing", "export", number, "--to", "cruz-roja", "--output", str(tmp_path / "again.bundle"))
    assert_one_line_error(refused, code=3)
    assert "withdrawn" in refused.stderr and not (tmp_path / "again.bundle").exists()


def test_a_malformed_tracing_request_is_refused(home, monkeypatch, tmp_path):
    from casecli.handover.bundle import BundleWriter, PayloadWriter
    from casecli.handover.identity import Identity, own, private_keys
    from casecli.store.db import open_store
    from casecli.store.migrations import RECORDS_VERSION

    from .conftest import PASSPHRASE
    from .test_handover import Worker, identity

    ana = Worker(home, "ana", monkeypatch)
    ana.init()
    partner = Worker(home, "cruz-roja", monkeypatch)
    partner.init(name="Sofía Ruiz", agency="Cruz Roja", case_number_prefix="CR3")
    them = Identity.parse(identity(partner))
    with open_store(ana.store, lambda: PASSPHRASE) as store:
        me, (_enc, signing) = own(store), private_keys(store)
    for tracing in ("not a request", {"reference": "r", "from": {}, "child": {"name_first": "x" * 5000}, "sought": {}}):
        path = tmp_path / f"t{len(str(tracing))}.bundle"
        writer = BundleWriter(path, me.header(), signing, [(them.encryption_public, them.fingerprint)])
        payload = PayloadWriter(writer)
        meta = {"schema": RECORDS_VERSION, "kind": "tracing-request", "cases": [], "tracing": tracing}
        payload.record({"t": "bundle", "r": meta})
        payload.close()
        refused = partner("import", str(path))
        assert_one_line_error(refused, code=5)
        assert "tracing request is malformed" in refused.stderr


def test_a_tracing_request_knows_what_the_records_already_say(ready):
    """The registration's separation date and cause and the one family member recorded are what
    the records already say (shown at a terminal, kept with one choice); without a terminal nothing
    is filled in unasked."""
    from casecli.case.family.tracing import request_known
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    number = ready.register(share_with=TRACING, date_of_separation="2026-10-01", separation_cause="migration")
    ready.ok("family", "add", number, "--answers", ready.write("f.json", AUNT))
    with open_store(ready.store, lambda: PASSPHRASE) as store:
        starts = request_known(store, number)
    assert starts == {
        "date_of_separation": "2026-10-01",
        "separation_cause": "migration",
        "sought_name": "Rosa Mejía",
        "sought_relation": "aunt",
        "last_known_place": "San Pedro Sula",
    }
    refused = ready("tracing", "add", number, "--answers", ready.write("r.json", {}), "--no-input")
    assert refused.exit_code == 3 and "sought_name" in refused.stderr  # not taken from the records unasked


def test_tracing_after_the_child_said_no_needs_the_reason_it_goes_ahead(ready):
    """The assessment recorded that the child does not want their family traced: a request is
    refused until it says why it goes ahead, and keeps that reason."""
    from .test_assessment_plan import INITIAL

    number = ready.register(share_with=TRACING)
    ready.ok("assess", number, "--answers", ready.write("i.json", {**INITIAL, "wants_tracing": "no"}))
    refused = ready("tracing", "add", number, "--answers", ready.write("r.json", REQUEST), "--no-input")
    assert_one_line_error(refused, code=3)
    assert "child_no_reason" in refused.stderr and "do not want their family traced" in refused.stderr
    why = "Her mother is looking for her through the Red Cross; we told her and she agreed to hear news"
    ready.ok("tracing", "add", number, "--answers", ready.write("r.json", {**REQUEST, "child_no_reason": why}))
    [request] = ready.json("tracing", "list", number)
    assert request["answers"]["child_no_reason"] == why
