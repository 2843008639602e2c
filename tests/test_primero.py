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
