"""Cases out in Primero's shape: checked with `jsonschema` against Primero's case schema, every
value that does not fit listed, the sharing checked against the consent and recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "casecli" / "templates" / "primero" / "case-schema.json"
REFERENCE = ROOT.parent / "shared" / "reference" / "primero" / "case-schema.json"


def validator():
    jsonschema = pytest.importorskip("jsonschema")
    return jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_the_packaged_schema_is_primeros_default_configuration():
    if not REFERENCE.exists():
        pytest.skip(f"the shared reference is not beside this checkout ({REFERENCE})")
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == json.loads(REFERENCE.read_text(encoding="utf-8"))


def exported(cli, *args, store: Path | None = None) -> tuple[list[dict], dict]:
    out = cli.home / "primero.json"
    where = ["--store", str(store)] if store else []
    result = cli.ok(*where, "export", "--primero", *args, "--output", str(out), "--json")
    return json.loads(out.read_text(encoding="utf-8")), json.loads(result.stdout)


def test_the_whole_demo_store_validates_against_primeros_schema(ready):
    ready.ok("demo", "--cases", "40", "--seed", "3")
    training = ready.home / "xdg" / "casecli" / "training.db"
    ready.ok("--store", str(training), "settings", "set", "approval.sharing_beyond_consent", "0")
    records, summary = exported(ready, "--all", "--override-reason", "Training store", store=training)
    assert summary["cases"] == len(records) == len(ready.json("--store", str(training), "list")) == 40
    check = validator()
    errors = [f"{r['data'].get('other_agency_id')}: {e.message}" for r in records for e in check.iter_errors(r["data"])]
    assert errors == []
    ids = [r["data"]["id"] for r in records]
    assert len(set(ids)) == len(ids)
    again, _summary = exported(ready, "--all", "--override-reason", "Training store", store=training)
    assert [r["data"]["id"] for r in again] == ids  # the same ids: sending again updates
    assert all(r["data"]["module_id"] == "primeromodule-cp" for r in records)


def test_a_case_with_every_record_kind_goes_out_whole_or_listed(home, monkeypatch):
    """Every kind of record: the data validates, every answer that does not reach Primero as it is
    is in the summary by case and field, the sharing is checked against the consent and recorded."""
    from .test_handover import Worker, full_case
    from .test_store import assert_one_line_error

    ana = Worker(home, "ana", monkeypatch)
    ana.init()
    number = full_case(ana)
    out = ana.home / "primero.json"
    refused = ana("export", "--primero", number, "--output", str(out))
    assert_one_line_error(refused, code=3)  # its consent does not cover other organisations
    assert "other_organisations" in refused.stderr and "--override-reason" in refused.stderr and not out.exists()

    records, summary = exported(ana, number, "--override-reason", "The agency's CPIMS+ holds every case", "--notes")
    [record] = records
    data = record["data"]
    assert list(validator().iter_errors(data)) == []
    assert data["other_agency_id"] == number and data["name_first"] == "Yulissa"
    assert data["registration_date"] == "2026-11-23" and data["status"] == "open"
    for subform in ("family_details_section", "services_section", "followup_subform_section", "notes_section"):
        assert data[subform] and all(item["unique_id"] for item in data[subform]), subform
    assert data["family_details_section"][0]["relation"] == "aunt"
    assert data["cp_case_plan_subform_case_plan_interventions"]
    lost = {(loss["field"], loss["what"]) for loss in summary["losses"]}
    assert ("registration.identified_how", "no field") in lost
    assert ("family.child_wants_contact", "no field") in lost
    assert all(loss["case"] == number for loss in summary["losses"])
    assert summary["no_home"]["voice"] > 0 and summary["no_home"]["history"] > 0
    assert summary["notes_carried"] == len(data["notes_section"])
    sharing = ana.json("show", number, "--sharing")["sharing"]["shared"]
    sent = [s for s in sharing if s["how"] == "information system"]
    assert sent and sent[-1]["with"] == "Primero" and sent[-1]["override"] == "The agency's CPIMS+ holds every case"
    assert out.stat().st_mode & 0o077 == 0  # readable only by its owner


def test_another_instances_schema_decides_what_goes(ready, tmp_path):
    """A national configuration without the sex field and with fewer relations: the export writes
    only what that schema allows, and says what was left out."""
    from .test_tracing import AUNT, TRACING

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    del schema["properties"]["sex"]
    relation = schema["properties"]["family_details_section"]["items"]["properties"]["relation"]
    for option in relation["anyOf"]:
        if "enum" in option:
            option["enum"] = [v for v in option["enum"] if v != "aunt"]
    narrow = tmp_path / "national.json"
    narrow.write_text(json.dumps(schema), encoding="utf-8")
    number = ready.register(share_with=[*TRACING, "other_organisations"], date_of_separation="2026-06-01")
    ready.ok("family", "add", number, "--answers", ready.write("f.json", AUNT))
    records, summary = exported(ready, number, "--schema", str(narrow))
    data = records[0]["data"]
    jsonschema = pytest.importorskip("jsonschema")
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    assert "sex" not in data and "relation" not in data["family_details_section"][0]
    assert data["date_of_separation"] == "2026-06-01"
    lost = {(loss["field"], loss["to"], loss["what"]) for loss in summary["losses"]}
    assert ("registration.sex", "sex", "lost") in lost and ("family.relation", "relation", "lost") in lost
    assert summary["schema"] == "national.json"


def test_a_schema_that_is_not_one_is_one_line(ready, tmp_path):
    from .test_store import assert_one_line_error

    number = ready.register(share_with=["agency_team", "other_organisations"])
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2", encoding="utf-8")
    result = ready("export", "--primero", number, "--schema", str(bad), "--output", str(tmp_path / "o.json"))
    assert_one_line_error(result, code=3)
    assert "--schema" in result.stderr and not (tmp_path / "o.json").exists()


def test_docs_primero_prints_the_mapping_as_it_is():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "primero_doc.py"), "--check"], check=False)
    assert done.returncode == 0, "docs/primero.md differs from the mapping: run scripts/primero_doc.py"


def test_a_case_round_trips_through_primero_with_no_unexplained_loss(home, monkeypatch):
    """Out of one laptop in Primero's shape, into another from Primero's export: every registration
    answer is back, or listed in the export's summary; the case keeps Primero's id, so the second
    laptop's export updates the same Primero record; importing it twice does not copy it."""
    from casecli.handover.primero.sources import CARRIED_ELSEWHERE

    from .test_handover import full_case, two_workers

    ana, luis = two_workers(home, monkeypatch)
    number = full_case(ana)
    records, summary = exported(ana, number, "--override-reason", "to the agency's CPIMS+")
    bulk = [{"id": r["data"]["id"], "data": r["data"]} for r in records]  # Primero's bulk export shape
    path = luis.write("from-primero.json", bulk)
    refused = luis("import", "--primero", path)
    assert refused.exit_code == 3 and "--yes" in refused.stderr and luis.json("list") == []
    came = luis.ok("import", "--primero", path, "--yes", "--json").stdout
    [planned] = json.loads(came.splitlines()[0])
    [row] = luis.json("list")
    assert planned["number"] == row["case_number"] and row["case_number"].startswith("GT2-")
    # every record kind that did not come back as a registration answer is named as staying in Primero
    stays = {n["field"] for n in planned["not_mapped"]}
    for subform in ("family_details_section", "services_section", "followup_subform_section"):
        assert subform in records[0]["data"] and subform in stays, subform
    original = ana.json("show", number)["registration"]
    back = luis.json("show", row["case_number"])["registration"]
    for key in ("name_first", "name_last", "sex", "nationality", "protection_status", "current_location"):
        assert back[key] == original[key], key
    listed = {loss["field"] for loss in summary["losses"]}
    unexplained = [
        key
        for key, value in original.items()
        if back.get(key) != value
        and f"registration.{key}" not in listed | CARRIED_ELSEWHERE
        and key not in ("age_estimate", "dob_known")  # sent as Primero's age (today's), read back as the estimate
    ]
    assert unexplained == []
    again, _summary = exported(luis, row["case_number"], "--override-reason", "back to the CPIMS+")
    assert again[0]["data"]["id"] == records[0]["data"]["id"]  # the same Primero record
    assert again[0]["data"]["other_agency_id"] == number  # Primero's own other_agency_id, kept
    twice = luis.ok("import", "--primero", path, "--yes").stdout
    assert "already here" in twice and len(luis.json("list")) == 1


def test_a_primero_export_that_is_not_one_is_one_line(ready, tmp_path):
    from .test_store import assert_one_line_error

    for text in ("{not json", '{"a": 1}', "[1, 2]"):
        bad = tmp_path / "bad.json"
        bad.write_text(text, encoding="utf-8")
        result = ready("import", "--primero", str(bad), "--yes")
        assert_one_line_error(result, code=3)
        assert "import --primero" in result.stderr
    hostile = [{"id": "../../etc", "data": {"name_first": "\x1b]0;pwned\x07Ana", "risk_level": "high"}}]
    path = ready.write("hostile.json", hostile)
    shown = ready.ok("import", "--primero", path, "--yes")
    assert "\x1b" not in shown.stdout and "not a UUID" in shown.stdout and ready.json("list") == []


def test_a_primero_case_without_a_risk_level_is_not_guessed(ready):
    record = {"id": "0b8f6c4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f", "data": {"name_first": "Kevin", "sex": "male", "age": 14}}
    path = ready.write("p.json", [record])
    out = ready.ok("import", "--primero", path, "--yes").stdout
    assert "risk" in out and ready.json("list") == []
    record["data"]["risk_level"] = "medium"
    ready.write("p.json", [record])
    ready.ok("import", "--primero", path, "--yes")
    [row] = ready.json("list")
    assert row["risk"] == "medium" and row["age"] == 14 and row["incomplete"]


def test_push_creates_then_updates_on_a_server_that_validates_as_primero_does(ready, monkeypatch):
    """`primero push` to a loopback stand-in that validates with the same schema: created, then
    updated (409 on create, so PATCH), each recorded as shared; a case the server refuses is
    reported with Primero's words, not recorded, and the run ends with 1."""
    from .primero_standin import StandIn
    from .test_store import assert_one_line_error

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    number = ready.register(share_with=["agency_team", "other_organisations"])
    other = ready.register(name_first="Kevin", sex="male", share_with=["agency_team", "other_organisations"])
    monkeypatch.setenv("CASECLI_PRIMERO_TOKEN", "s3cret-token")
    with StandIn(schema, "s3cret-token") as server:
        first = ready.ok("primero", "push", number, "--url", server.url, "--yes").stdout
        assert "created (200)" in first and len(server.cases) == 1
        again = ready.ok("primero", "push", number, "--url", server.url, "--yes").stdout
        assert "updated (200)" in again and ("PATCH", f"/api/v2/cases/{next(iter(server.cases))}") in server.requests
        shared = [s for s in ready.json("show", number, "--sharing")["sharing"]["shared"] if s["with"] == "Primero"]
        assert len(shared) == 2
        # a national server whose schema refuses a first name longer than 3 letters
        schema["properties"]["name_first"] = {"type": "string", "maxLength": 3}
        with StandIn(schema, "s3cret-token") as strict:
            refused = ready("primero", "push", other, "--url", strict.url, "--yes")
            assert refused.exit_code == 1 and "refused (422)" in refused.stdout and "name_first" in refused.stdout
            assert strict.cases == {}
        assert not [s for s in ready.json("show", other, "--sharing")["sharing"]["shared"] if s["with"] == "Primero"]
        monkeypatch.setenv("CASECLI_PRIMERO_TOKEN", "wrong")
        unauthorised = ready("primero", "push", number, "--url", server.url, "--yes")
        assert unauthorised.exit_code == 1 and "refused (401)" in unauthorised.stdout
    plain = ready("primero", "push", number, "--url", "http://primero.example.org", "--yes")
    assert_one_line_error(plain, code=3)
    assert "HTTPS" in plain.stderr
    monkeypatch.delenv("CASECLI_PRIMERO_TOKEN")
    no_token = ready("primero", "push", number, "--url", "https://primero.example.org", "--yes")
    assert_one_line_error(no_token, code=3)
    assert "--token-file" in no_token.stderr


def test_a_value_with_no_primero_option_is_listed_not_changed(ready):
    """Primero's sex lookup has no "unknown": the field is left out and listed, never changed to
    another option; a closure reason Primero lacks goes as "other" only because the mapping says so
    (approximated, listed), with casecli's words in closure_reason_other."""
    number = ready.register(sex="unknown", share_with=["agency_team", "other_organisations"])
    closure = {"reason": "lost_contact", "last_contact": "2026-11-20", "search_efforts": "Calls, the shelter"}
    ready.ok("close", number, "--answers", ready.write("c.json", closure), "--acknowledge-open")
    records, summary = exported(ready, number)
    data = records[0]["data"]
    assert "sex" not in data
    losses = {(loss["field"], loss["to"]): loss for loss in summary["losses"]}
    assert (
        losses[("registration.sex", "sex")]["what"] == "lost"
        and losses[("registration.sex", "sex")]["value"] == "unknown"
    )
    assert data["closure_reason"] == "other" and data["closure_reason_other"] == "The child moved on; contact lost"
    approximated = losses[("closure.reason", "closure_reason")]
    assert approximated["what"] == "approximated" and approximated["sent"] == "other"
