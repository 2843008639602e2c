"""The floors a bundle is measured against: the least work an export and an import that check as
much as casecli's must do, written apart from casecli's own bundle code.

    python benchmarks/bundle_floors.py export STORE PASSPHRASE OUT_FILE
    python benchmarks/bundle_floors.py import STORE PASSPHRASE BUNDLE_FILE
    python benchmarks/bundle_floors.py inbox STORE PASSPHRASE FOLDER json|text|table

export: read the open cases' records (a query per table for 200 cases at a time), write them as
    JSON lines, compress (zlib 6), encrypt (ChaCha20-Poly1305 in 64 KiB chunks), hash the file and
    sign the hash (Ed25519).
import: verify a casecli bundle's signature and unwrap its file key (casecli's reader: a fixed
    cost), then decrypt, inflate and parse every record, validate each row with a strict model of
    its table read from the store's own schema, re-hash every case's chain of events, and insert
    every row into the store (the same schema and indexes) in one transaction.
inbox: unlock the store with a bare connection (benchmarks/floors.py), then for each bundle in the
    inbox folder: read its header, look it up among the bundles seen, verify its signature, unwrap
    its file key, decrypt its first record (the description: kind and cases), look its sender up
    among the contacts (casecli's reader for the bundle's cryptography: the same fixed cost), and
    write one row per bundle as JSON, tab-separated text or aligned columns.

Neither remembers anything between cases, decides anything, or derives anything: what casecli
does beyond this (form rules, the merge by history, possible duplicates, the agenda's derived
rows, trust and witnesses) is what the ratio measures.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sys
import zlib
from pathlib import Path

CHUNK = 64 * 1024
BATCH = 2000


def export_floor(store_path: str, passphrase: str, out: str) -> int:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    from casecli.case.file.tables import records_of_cases
    from casecli.store.db import open_store

    store = open_store(Path(store_path), lambda: passphrase)
    numbers = [n for (n,) in store.conn.execute("SELECT case_number FROM cases WHERE status = 'open'")]
    aead = ChaCha20Poly1305(secrets.token_bytes(32))
    deflate, buffer, counter, count = zlib.compressobj(6), bytearray(), 0, 0
    digest = hashlib.sha256()
    with open(out, "wb") as handle:

        def seal(data: bytes, last: bool) -> None:
            nonlocal counter
            sealed = aead.encrypt(counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00"), data, None)
            digest.update(sealed)
            handle.write(sealed)
            counter += 1

        for start in range(0, len(numbers), 200):
            for number, table, row in records_of_cases(store, numbers[start : start + 200]):
                line = {"t": table, "c": number, "r": row}
                buffer += deflate.compress(json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
                count += 1
                while len(buffer) > CHUNK:
                    seal(bytes(buffer[:CHUNK]), False)
                    del buffer[:CHUNK]
        buffer += deflate.flush()
        seal(bytes(buffer), True)
        handle.write(Ed25519PrivateKey.generate().sign(digest.digest()))
    return count


def import_floor(store_path: str, passphrase: str, bundle: str) -> int:
    from pydantic import BaseModel, ConfigDict, StrictFloat, StrictInt, StrictStr, create_model

    from casecli.handover import identity
    from casecli.handover.bundle import BundleReader
    from casecli.store.db import open_store

    store = open_store(Path(store_path), lambda: passphrase)
    reader = BundleReader(Path(bundle))
    reader.verify()
    me = identity.own(store)
    file_key = reader.file_key(identity.private_keys(store)[0], me.fingerprint, None)

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)

    models: dict[str, type[BaseModel]] = {}

    def model(table: str) -> type[BaseModel]:
        if table not in models:
            fields = {}
            for _cid, name, declared, notnull, default, _pk in store.conn.execute(f"PRAGMA table_info({table})"):
                kind = {"INTEGER": StrictInt, "TEXT": StrictStr, "REAL": StrictFloat}.get(declared.upper(), StrictStr)
                optional = not notnull or default is not None
                fields[name] = (kind | None if optional else kind, None if optional else ...)
            models[table] = create_model(f"{table}_floor", __base__=Strict, **fields)
        return models[table]

    hashed = ("case_number", "seq", "at", "actor", "kind", "summary", "changes", "prev_hash")
    batches: dict[tuple[str, tuple[str, ...]], list[tuple]] = {}
    order: dict[str, int] = {}  # tables in the order first met: a case before its records
    count, previous = 0, ""

    def flush() -> None:
        for (table, columns), rows in sorted(batches.items(), key=lambda item: order[item[0][0]]):
            store.conn.executemany(
                f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
            )
        batches.clear()

    with store.transaction():
        pending = b""
        for block in reader.plaintext(file_key):
            pending += block
            *lines, pending = pending.split(b"\n")
            for line in lines:
                record = json.loads(line)
                table, row = record["t"], record["r"]
                if table == "bundle":
                    continue
                model(table).__pydantic_validator__.validate_python(row)
                if table == "events":
                    canonical = json.dumps(
                        {k: row[k] for k in hashed}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
                    )
                    if hashlib.sha256(canonical.encode()).hexdigest() != row["hash"]:
                        raise SystemExit("an event does not verify")
                    if row["prev_hash"] != previous and row["seq"] != 1:
                        raise SystemExit("a chain is broken")
                    previous = row["hash"]
                    row = {k: v for k, v in row.items() if k != "id"}
                order.setdefault(table, len(order))
                rows = batches.setdefault((table, tuple(row)), [])
                rows.append(tuple(row.values()))
                if len(rows) >= BATCH:
                    flush()
                count += 1
        flush()
    return count


def inbox_floor(store_path: str, passphrase: str, folder: str, form: str) -> None:
    import os

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from floors import unlock

    from casecli.handover.bundle import BundleReader
    from casecli.handover.identity import fingerprint

    conn = unlock(store_path, passphrase)
    encryption, signing = conn.execute("SELECT encryption_key, signing_key FROM identity WHERE id = 1").fetchone()
    me = fingerprint(
        X25519PrivateKey.from_private_bytes(encryption).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        Ed25519PrivateKey.from_private_bytes(signing).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
    )
    rows = []
    for name in sorted(os.listdir(folder)):
        reader = BundleReader(Path(folder) / name)
        seen = conn.execute("SELECT 1 FROM bundles_seen WHERE bundle_id = ?", (reader.bundle_id,)).fetchone()
        reader.verify()
        first = next(iter(reader.lines(reader.file_key(encryption, me))))["r"]
        (contact,) = conn.execute(
            "SELECT name FROM contacts WHERE signing_public = ?", (reader.sender_signing,)
        ).fetchone()
        rows.append(
            {
                "file": name,
                "state": "seen" if seen else "ready",
                "bundle_id": reader.bundle_id,
                "sender": reader.sender_name,
                "fingerprint": reader.fingerprint,
                "created": reader.header["created"],
                "contact": contact,
                "kind": first.get("kind") or ("handover" if first.get("handover") else "copy"),
                "cases": first["cases"],
            }
        )
    if form == "json":
        print(json.dumps(rows, ensure_ascii=False))
        return
    cells = [[str(v) if not isinstance(v, list) else ", ".join(v) for v in row.values()] for row in rows]
    if form == "text":
        print("".join("\t".join(row) + "\n" for row in cells), end="")
        return
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))] if cells else []
    print("".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + "\n" for row in cells), end="")


if __name__ == "__main__":
    action, store_path, passphrase, file = sys.argv[1:5]
    if action == "inbox":
        inbox_floor(store_path, passphrase, file, sys.argv[5])
    else:
        print((export_floor if action == "export" else import_floor)(store_path, passphrase, file))
