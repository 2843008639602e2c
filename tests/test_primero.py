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
