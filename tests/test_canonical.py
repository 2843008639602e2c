"""Canonical JSON: what a hash covers must never change its bytes (chains already signed rely on them)."""

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from casecli.canonical import canonical_bytes, canonical_json
from casecli.case.file.history import GENESIS, build_event, event_hash

TEXT = st.text(st.characters(exclude_categories=("Cs",)))  # (no lone surrogate: not text UTF-8 can hold)
WHOLE = st.integers(min_value=-(2**70), max_value=2**70)  # (beyond 64 bits: orjson refuses, json writes)
SCALARS = st.none() | st.booleans() | WHOLE | TEXT
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4))


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_canonical_bytes_are_canonical_json_in_utf8(value):
    assert canonical_bytes(value) == canonical_json(value).encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(TEXT, st.integers(min_value=1, max_value=10**6), TEXT, TEXT, TEXT)
def test_an_events_hash_is_the_documented_one(number, seq, actor, summary, change):
    # docs/bundle-format.md, step 5: SHA-256 of the sorted, compact JSON of the fields
    event = build_event(number, seq, GENESIS, actor, "edit", summary, {"note": change}, at="2026-01-02T03:04:05Z")
    fields = {k: event[k] for k in ("case_number", "seq", "at", "actor", "kind", "summary", "changes", "prev_hash")}
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert event["hash"] == event_hash(event) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_known_event_keeps_its_hash():
    event = build_event(
        "MX-0001", 1, GENESIS, "Ana Pérez", "register", "Registro \u2028 «niña»", {}, "2026-01-02T03:04:05Z"
    )
    assert event["hash"] == "ccd02c49d69da6ca7c125d3cd96fea7685b2be78d2f6120ac7887cdb28194fd5"
