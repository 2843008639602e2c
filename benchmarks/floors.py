"""The floors of benchmarks/bench.py: the same SQL a casecli command runs, run by a bare script.

    python benchmarks/floors.py capture ARGS…   # run `casecli ARGS…`; print the statements it ran
    python benchmarks/floors.py replay STORE    # the statements (stdin), replayed on a raw connection
    python benchmarks/floors.py replay-text STORE   # the same, each row written as a tab-separated line
    python benchmarks/floors.py replay-table STORE  # the same, each row written as aligned columns

`capture` runs the command in this process with SQLite's trace callback on its connection and
prints, as JSON, every statement it ran that reads (SELECT, WITH, and the connection's PRAGMAs
but its key), with the values bound in. `replay` unlocks the store as casecli does (Argon2id from
the passphrase key slot, AES-GCM unwrapping of the data key, SQLCipher with memory security),
runs those statements in order and writes every row they return as JSON: the least any program
reading the same rows from the same encrypted file and printing them could do. Only for the
benchmark's training stores (fictional cases): the statements carry the values they were run with.
"""

from __future__ import annotations

import json
import os
import sys


def capture(args: list[str]) -> None:
    from casecli.store import db

    statements: list[str] = []
    original = db.connect

    def tracing(*a, **k):
        conn = original(*a, **k)
        conn.set_trace_callback(statements.append)
        return conn

    db.connect = tracing
    from casecli.cli import app

    real = sys.stdout
    with open(os.devnull, "w") as sink:
        sys.stdout = sink
        try:
            app(args, prog_name="casecli", standalone_mode=False)
        finally:
            sys.stdout = real
    reads = [s for s in statements if reads_only(s)]
    json.dump(reads, real)


def reads_only(statement: str) -> bool:
    head = statement.lstrip().upper()
    if head.startswith("PRAGMA"):
        return "KEY" not in head.split("=")[0] and "=" not in head  # a setting read, not the key
    return head.startswith(("SELECT", "WITH"))


def unlock(store: str, passphrase: str):
    """A raw SQLCipher connection to a casecli store, unlocked as casecli unlocks it."""
    import base64

    import sqlcipher3
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    with open(store + ".keys", encoding="utf-8") as keys:
        doc = json.load(keys)
    slot = next(s for s in doc["slots"] if s["kind"] == "passphrase")
    k = slot["kdf"]
    kek = Argon2id(
        salt=base64.b64decode(k["salt"]),
        length=32,
        iterations=k["iterations"],
        lanes=k["lanes"],
        memory_cost=k["memory_kib"],
    ).derive(passphrase.encode())
    described = json.dumps({"kind": slot["kind"], "kdf": slot["kdf"]}, sort_keys=True, separators=(",", ":"))
    aad = f"casecli-keyslots/1\n{doc['store_id']}\n{described}".encode()
    key = AESGCM(kek).decrypt(base64.b64decode(slot["nonce"]), base64.b64decode(slot["wrapped"]), aad)
    conn = sqlcipher3.connect(store, isolation_level=None)
    conn.execute("PRAGMA cipher_memory_security = ON")  # as casecli reads a store
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    for pragma in ("temp_store = MEMORY", "secure_delete = ON", "foreign_keys = ON"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def replay(store: str, passphrase: str, as_text: bool = False, aligned: bool = False) -> None:
    statements = json.load(sys.stdin)
    conn = unlock(store, passphrase)
    out = sys.stdout
    for statement in statements:
        cursor = conn.execute(statement)
        widths: list[int] = []
        while rows := cursor.fetchmany(1000):
            if aligned:  # what a terminal gets: columns as wide as the first rows' widest value
                cells = [[str(v) for v in row] for row in rows]
                widths = widths or [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
                out.write(
                    "".join("  ".join(c.ljust(w)[:w] for c, w in zip(row, widths, strict=True)) + "\n" for row in cells)
                )
                out.flush()
            elif as_text:  # what a pipe gets: a line a row, its values tab-separated
                out.write("".join("\t".join(map(str, row)) + "\n" for row in rows))
            else:
                out.write(json.dumps(rows, ensure_ascii=False, default=str))
    out.write("\n")


if __name__ == "__main__":
    if sys.argv[1] == "capture":
        capture(sys.argv[2:])
    else:
        replay(
            sys.argv[2],
            os.environ["CASECLI_PASSPHRASE"],
            as_text=sys.argv[1] == "replay-text",
            aligned=sys.argv[1] == "replay-table",
        )
