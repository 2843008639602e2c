"""Tampered, truncated, misaddressed and malformed bundles: every one refused, the store unchanged."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casecli.errors import BundleRejected
from casecli.handover.bundle import CHUNK, MAGIC, TAG, TRAILER_LEN, BundleReader

from .test_handover import training_bundle, two_workers
from .test_store import assert_one_line_error, fingerprint


@pytest.fixture(scope="module")
def sent(tmp_path_factory):
    """Ana sends Luis a bundle big enough for several chunks (made once: refusals change nothing)."""
    from .conftest import set_home

    home = tmp_path_factory.mktemp("tamper")
    with pytest.MonkeyPatch.context() as monkeypatch:
        set_home(home, monkeypatch)
        yield _send(home, monkeypatch)


def _send(home, monkeypatch):
    ana, luis = two_workers(home, monkeypatch)
    bundle = home / "all.bundle"
    training_bundle(ana, bundle, 150, seed=4)
    return ana, luis, bundle


def refused(luis, path, code=5) -> str:
    before = fingerprint(luis.store.parent)
    result = luis("import", str(path), "--yes")
    assert_one_line_error(result, code=code)
    assert fingerprint(luis.store.parent) == before
    return result.stderr


def test_the_bundle_has_several_chunks(sent):
    _, _, bundle = sent
    reader = BundleReader(bundle)
    assert reader.payload_end - reader.payload_start > 2 * (CHUNK + TAG)


def regions(bundle):
    data = bundle.read_bytes()
    reader = BundleReader(bundle)
    return data, {
        "magic": 3,
        "header": len(MAGIC) + 40,
        "payload nonce": reader.payload_start + 5,
        "first chunk": reader.payload_start + 16 + 100,
        "second chunk": reader.payload_start + 16 + CHUNK + TAG + 7,
        "last chunk": reader.payload_end - 3,
        "signature": len(data) - 20,
    }


@pytest.mark.parametrize(
    "region", ["magic", "header", "payload nonce", "first chunk", "second chunk", "last chunk", "signature"]
)
def test_a_flipped_byte_anywhere_is_refused(sent, region):
    _, luis, bundle = sent
    data, where = regions(bundle)
    mutated = bytearray(data)
    mutated[where[region]] ^= 0x01
    path = bundle.with_name("flipped.bundle")
    path.write_bytes(bytes(mutated))
    refused(luis, path)


@pytest.mark.parametrize(
    "cut",
    [
        "inside the header",
        "after the header",
        "at a chunk boundary",
        "inside a chunk",
        "before the signature",
        "one byte short",
    ],
)
def test_a_truncated_bundle_is_refused(sent, cut):
    _, luis, bundle = sent
    data = bundle.read_bytes()
    reader = BundleReader(bundle)
    at = {
        "inside the header": len(MAGIC) + 10,
        "after the header": reader.payload_start,
        "at a chunk boundary": reader.payload_start + 16 + CHUNK + TAG,
        "inside a chunk": reader.payload_start + 16 + CHUNK + 50,
        "before the signature": reader.payload_end,
        "one byte short": len(data) - 1,
    }[cut]
    path = bundle.with_name("cut.bundle")
    path.write_bytes(data[:at])
    refused(luis, path)


def test_a_truncated_payload_with_a_fresh_signature_is_still_refused(sent, home):
    """Even the sender cannot cut chunks off a bundle: the last-chunk flag is missing."""
    import base64
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from casecli.handover.bundle import SIGNATURE_CONTEXT, TRAILER_PREFIX
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    ana, luis, bundle = sent
    data = bundle.read_bytes()
    reader = BundleReader(bundle)
    body = data[: reader.payload_start + 16 + CHUNK + TAG]  # the first chunk only
    # the sender can also write the new size into the header: the size check is not what holds here
    new_size = len(body) + len(TRAILER_PREFIX) + 88 + 1
    body = body.replace(f'"size":"{len(data):016d}"'.encode(), f'"size":"{new_size:016d}"'.encode())
    with open_store(ana.store, lambda: PASSPHRASE) as store:
        signing = bytes(store.conn.execute("SELECT signing_key FROM identity").fetchone()[0])
    signature = Ed25519PrivateKey.from_private_bytes(signing).sign(SIGNATURE_CONTEXT + hashlib.sha256(body).digest())
    path = bundle.with_name("resigned.bundle")
    path.write_bytes(body + TRAILER_PREFIX + base64.b64encode(signature) + b"\n")
    assert "damaged or cut off" in refused(luis, path)


def test_a_stripped_or_replaced_signature_is_refused(sent):
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from casecli.handover.bundle import TRAILER_PREFIX

    _, luis, bundle = sent
    data = bundle.read_bytes()
    stripped = bundle.with_name("stripped.bundle")
    stripped.write_bytes(data[:-TRAILER_LEN])
    refused(luis, stripped)
    other = Ed25519PrivateKey.generate().sign(b"anything at all")
    replaced = bundle.with_name("replaced.bundle")
    replaced.write_bytes(data[:-TRAILER_LEN] + TRAILER_PREFIX + base64.b64encode(other) + b"\n")
    assert "signature does not match" in refused(luis, replaced)


def test_a_header_re_signed_by_another_key_shows_a_stranger(sent, home, monkeypatch):
    """An attacker who swaps in their own signing key becomes an unknown sender, never 'ana'."""
    import base64
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from casecli.handover.bundle import SIGNATURE_CONTEXT, TRAILER_PREFIX

    _, luis, bundle = sent
    data = bundle.read_bytes()
    reader = BundleReader(bundle)
    attacker = Ed25519PrivateKey.generate()
    header = dict(reader.header)
    header["sender"] = {
        **header["sender"],
        "signing_public": base64.b64encode(attacker.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode(),
    }
    line = json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    body = MAGIC + line + data[reader.payload_start : reader.payload_end]
    signature = attacker.sign(SIGNATURE_CONTEXT + hashlib.sha256(body).digest())
    path = bundle.with_name("attacker.bundle")
    path.write_bytes(body + TRAILER_PREFIX + base64.b64encode(signature) + b"\n")
    assert "not in your contacts" in refused(luis, path)


def test_other_refusals(sent, home):
    _, luis, bundle = sent
    not_bundle = home / "photo.jpg"
    not_bundle.write_bytes(b"\xff\xd8\xff\xe0 not a bundle at all")
    assert "not a casecli bundle" in refused(luis, not_bundle)
    future = home / "future.bundle"
    future.write_bytes(b"casecli-bundle/9\n" + bundle.read_bytes()[len(MAGIC) :])
    assert "not supported" in refused(luis, future)
    assert_one_line_error(luis("import", str(home / "missing.bundle"), "--yes"), code=5)


def test_a_payload_that_decrypts_but_breaks_the_schema_is_refused(home, monkeypatch):
    """A sender with a real key who writes a malformed record: validated, refused, nothing written."""
    from casecli.handover.bundle import BundleWriter, PayloadWriter
    from casecli.handover.identity import own, private_keys
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    ana, luis = two_workers(home, monkeypatch)
    number = ana.register()
    with open_store(ana.store, lambda: PASSPHRASE) as store:
        me, (_, signing) = own(store), private_keys(store)
        row = dict(
            zip(
                [d[0] for d in store.conn.execute("SELECT * FROM cases").description],
                store.conn.execute("SELECT * FROM cases").fetchone(),
                strict=False,
            )
        )
        from casecli.store.migrations import LATEST_VERSION
    with open_store(luis.store, lambda: PASSPHRASE) as store:
        them = own(store)
    variants = [
        ([{**row, "risk": "catastrophic"}], "breaks the schema"),
        ([{**row, "age_estimate": "fifteen"}], "breaks the schema"),
        ([{**row, "surprise": 1}], "breaks the schema"),
        ([row, row], f"holds {number} twice"),
        ([{**row, "answers": " " * (33 * 1024 * 1024)}], "too large"),
    ]  # expands from a few kB
    for rows, reason in variants:
        path = home / "broken.bundle"
        path.unlink(missing_ok=True)
        writer = BundleWriter(
            path,
            {
                "name": me.name,
                "agency": me.agency,
                "encryption_public": __import__("base64").b64encode(me.encryption_public).decode(),
                "signing_public": __import__("base64").b64encode(me.signing_public).decode(),
            },
            signing,
            [(them.encryption_public, them.fingerprint)],
        )
        payload = PayloadWriter(writer)
        payload.record(
            {"t": "bundle", "r": {"schema": LATEST_VERSION, "handover": True, "note": {}, "cases": [number]}}
        )
        for broken in rows:
            payload.record({"t": "cases", "c": number, "r": broken})
        payload.close()
        assert reason in refused(luis, path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_bundles_are_refused_cleanly(sent, data):
    """Any mutation the parser is fed ends in BundleRejected, never another exception or plaintext."""
    from casecli.handover.incoming import open_bundle
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    _, luis, bundle = sent
    original = bundle.read_bytes()
    mutated = bytearray(original)
    kind = data.draw(st.sampled_from(["flip", "cut", "insert", "swap"]))
    position = data.draw(st.integers(min_value=0, max_value=len(original) - 1))
    if kind == "flip":
        mutated[position] ^= data.draw(st.integers(min_value=1, max_value=255))
    elif kind == "cut":
        del mutated[position:]
    elif kind == "insert":
        mutated[position:position] = data.draw(st.binary(min_size=1, max_size=8))
    else:
        other = data.draw(st.integers(min_value=0, max_value=len(original) - 1))
        mutated[position], mutated[other] = mutated[other], mutated[position]
    if bytes(mutated) == original:
        return
    path = bundle.with_name("mutated.bundle")
    path.write_bytes(bytes(mutated))
    with open_store(luis.store, lambda: PASSPHRASE) as store, pytest.raises(BundleRejected):
        open_bundle(store, path)
