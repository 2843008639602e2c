"""Purging a case leaves nothing of it in the store's pages (issue 19: without rewriting the whole
store). Every page of the file is decrypted here with the store's key, SQLCipher 4's page layout
(AES-256-CBC, a 16-byte IV and a 64-byte HMAC at the end of each 4,096-byte page, the first page
starting after its 16-byte salt), and searched: secure delete zeroes what was deleted."""

from __future__ import annotations

from pathlib import Path

from casecli.store.keyslots import KeyFile, secret_bytes

from .conftest import PASSPHRASE

PAGE, RESERVED, SALT = 4096, 80, 16


def plaintext_pages(store: Path) -> bytes:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = KeyFile.load(store.with_name(store.name + ".keys"), store).unlock("passphrase", secret_bytes(PASSPHRASE))
    data = store.read_bytes()
    out = bytearray()
    for start in range(0, len(data), PAGE):
        page = data[start : start + PAGE]
        body, iv = page[SALT if start == 0 else 0 : PAGE - RESERVED], page[PAGE - RESERVED : PAGE - RESERVED + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out += decryptor.update(body) + decryptor.finalize()
    return bytes(out)


def test_a_purged_case_leaves_no_trace_in_any_page(ready):
    gone = ready.register(name_first="Zzyzxgone", name_last="Marker-Gone", current_location="Calle Zzyzx 12")
    kept = ready.register(name_first="Wilmer", name_last="Marker-Kept", sex="male")
    ready.ok("edit", gone, "--set", "risk_level=low")
    before = plaintext_pages(ready.store)
    assert b"Zzyzxgone" in before and b"Marker-Kept" in before  # the pages decrypt: the search means something
    ready.ok("settings", "set", "retention.years_after_closure", "50")
    ready.ok("purge", gone, "--now", "--reason", "the child's request", "--yes")
    after = plaintext_pages(ready.store)
    assert b"Marker-Kept" in after and b"CREATE TABLE" in after
    for trace in (b"Zzyzxgone", b"Marker-Gone", b"Calle Zzyzx"):  # the case number stays, in its tombstone
        assert trace not in after, trace
    assert [c["case_number"] for c in ready.json("list")] == [kept]
