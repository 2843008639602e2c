"""Chain heads witnessed by other laptops: a history rewritten with the key, hash chain and all,
passes every check of the laptop that rewrote it; it cannot pass the check of a laptop that saw
the history before.

A head is a case's last event (its place in the chain and its hash). Every signed bundle a store
imports brings the heads of its cases, witnessed here with the sender's key as their signature;
every receipt says which heads its receiver now holds, witnessed here in the receiver's name. A
store keeps them apart from the cases (an import that replaces a case keeps them: that is the
evidence), and `verify` names every case whose history no longer holds one (protection/integrity).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casecli.store.db import Store


def witness(store: Store, heads: dict[str, tuple[int, str]], by: str, bundle: str, at: str) -> None:
    """Keep the heads `by` (a fingerprint) vouched for in `bundle`; call in a transaction."""
    store.conn.executemany(
        "INSERT OR IGNORE INTO witnessed_heads (case_number, seq, hash, witness, bundle, at) VALUES (?, ?, ?, ?, ?, ?)",
        [(number, seq, digest, by, bundle, at) for number, (seq, digest) in heads.items()],
    )


def brought_by(store: Store, bundle: str) -> dict[str, tuple[int, str]]:
    """The heads a bundle brought and this store took into its histories (what its receipt tells
    the sender this laptop saw of the sender's history)."""
    rows = store.conn.execute("SELECT case_number, seq, hash FROM witnessed_heads WHERE bundle = ?", (bundle,))
    return {number: (seq, digest) for number, seq, digest in rows}


def missing(store: Store) -> list[dict]:
    """Every witnessed head the case's history here no longer holds (the event at its place
    changed or gone), with who saw it and when; cases not here (handed over, purged) are not
    asked about."""
    rows = store.conn.execute(
        "SELECT w.case_number, w.seq, w.hash, w.witness, w.at FROM witnessed_heads w"
        " JOIN cases c ON c.case_number = w.case_number"
        " WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.case_number = w.case_number"
        " AND e.seq = w.seq AND e.hash = w.hash)"
        " ORDER BY w.case_number, w.seq"
    )
    return [{"case_number": n, "seq": seq, "hash": h, "witness": who, "at": at} for n, seq, h, who, at in rows]
