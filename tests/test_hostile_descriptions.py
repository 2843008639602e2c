"""Every malformed bundle gets one line: a header of any shape (from anyone who can write into the
folder: nothing signed), a signed description of any shape, a case number without its check
character, a handover event whose signature does not hold. Whatever is accepted leaves every
command working."""

from __future__ import annotations

import base64
import json
import os
import secrets

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casecli.handover.bundle import MAGIC

from .test_handover import NOTE
from .test_hostile_bundles import VALUES, rechain, signed_bundle, source  # noqa: F401  (a fixture)

SHAPES = st.recursive(
    st.one_of(VALUES, st.just([]), st.just({})),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6,
)


def valid_meta(number: str, me) -> dict:
    from casecli.store.migrations import RECORDS_VERSION

    return {"schema": RECORDS_VERSION, "handover": True, "note": NOTE, "cases": [number], "case_worker": me.name}


def one_line_or_harmless(luis, path, number, tmp_path) -> None:
    result = luis("import", str(path), "--yes", "--trust-sender", "--on-conflict", "take-theirs")
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output[-500:]
    if result.exit_code != 0:
        assert result.exit_code == 5, output[-500:]
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        return
    for args in (["list"], ["show", number], ["log", number], ["agenda", "--days", "365"], ["verify"]):
        read = luis(*args)
        assert read.exit_code == 0, (args, read.stdout[-300:], read.stderr[:300])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_signed_description_of_any_shape_gets_one_line(source, data, tmp_path_factory):  # noqa: F811
    _ana, luis, number, records, me, signing, them = source
    tmp_path = tmp_path_factory.mktemp("descriptions")
    meta = valid_meta(number, me)
    keys = ["schema", "handover", "note", "cases", "case_worker", "kind", "receipt", "decision", "tracing"]
    for key in data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True)):
        meta[key] = data.draw(SHAPES)
    path = tmp_path / f"d{secrets.token_hex(4)}.bundle"
    signed_bundle(path, meta, [(t, dict(r)) for t, r in records], me, signing, them, number)
    one_line_or_harmless(luis, path, number, tmp_path)


def valid_header() -> dict:
    return {
        "bundle": 1,
        "id": "ab" * 16,
        "created": "2026-11-23T10:00:00+00:00",
        "sender": {"name": "X", "agency": "Y", "encryption_public": "AAAA", "signing_public": "AAAA"},
        "recipients": [{"type": "x25519", "recipient": "0A1B"}],
        "payload": {"chunk": 65536},
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_header_of_any_shape_gets_one_line(ready, data, tmp_path_factory):
    header = valid_header()
    for path in data.draw(
        st.lists(
            st.sampled_from(
                [("bundle",), ("id",), ("created",), ("sender",), ("recipients",), ("payload",)]
                + [("sender", k) for k in ("name", "agency", "encryption_public", "signing_public")]
                + [("payload", "chunk"), ("recipients", 0)]
            ),
            min_size=1,
            max_size=3,
        )
    ):
        where = header
        for step in path[:-1]:
            where = where[step] if isinstance(where, dict) and step in where else None
            if where is None:
                break
        if isinstance(where, dict) or (isinstance(where, list) and isinstance(path[-1], int) and where):
            where[path[-1]] = data.draw(SHAPES)
    file = tmp_path_factory.mktemp("headers") / "h.bundle"
    file.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + os.urandom(200))
    result = ready("import", str(file), "--yes")
    assert result.exit_code == 5, (result.exit_code, result.output[-400:])
    assert "internal error" not in result.output and len(result.stderr.strip().splitlines()) == 1


def renumbered(records, old: str, new: str) -> list:
    out = []
    for table, row in records:
        row = {k: (new if v == old else v) for k, v in row.items()}
        out.append((table, row))
    rechain(out)
    return out


def test_a_case_number_without_its_check_character_is_refused(source, tmp_path):  # noqa: F811
    _ana, luis, number, records, me, signing, them = source
    prefix, digits, check = number.split("-")
    wrong = f"{prefix}-{digits}-{'A' if check != 'A' else 'B'}"
    path = tmp_path / "wrong.bundle"
    signed_bundle(
        path, {**valid_meta(number, me), "cases": [wrong]}, renumbered(records, number, wrong), me, signing, them, wrong
    )
    result = luis("import", str(path), "--yes", "--trust-sender")
    assert result.exit_code == 5 and "not a valid case number" in result.stderr, result.output
    assert luis.json("list") == []


def test_a_handover_event_with_a_bogus_signature_is_refused_at_import(source, tmp_path):  # noqa: F811
    _ana, luis, number, records, me, signing, them = source
    records = [(t, dict(r)) for t, r in records]
    last = max((r for t, r in records if t == "events"), key=lambda r: r["seq"])
    forged = {
        **last,
        "seq": last["seq"] + 1,
        "kind": "handover",
        "summary": "Handed over",
        "changes": json.dumps(
            {
                "bundle": "ab" * 16,
                "signer": base64.b64encode(me.signing_public).decode(),
                "signature": base64.b64encode(secrets.token_bytes(64)).decode(),
            }
        ),
    }
    records.append(("events", forged))
    rechain(records)
    path = tmp_path / "forged.bundle"
    signed_bundle(path, valid_meta(number, me), records, me, signing, them, number)
    result = luis("import", str(path), "--yes", "--trust-sender")
    assert result.exit_code == 5 and "not signed by who handed it over" in result.stderr, result.output
    assert luis.json("list") == [] and luis("verify").exit_code == 0
