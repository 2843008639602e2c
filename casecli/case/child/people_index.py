"""The index the duplicate check reads: each child's name keys, sex, age and nationality, kept in
their own tables in the same transaction as the case (registration, an edit of it, an import), so
that a new registration is compared only with the children who share a name key, not with every
case's answers parsed again. A migration marks it for building on the next open (lifecycle).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from casecli.case.child.name_keys import index_keys, name_tokens
from casecli.store.db import Store

if TYPE_CHECKING:
    from sqlcipher3.dbapi2 import Cursor

COLUMNS = "case_number, tokens, sex, nationality, date_of_birth, age_estimate, registered_on"
# An upsert (lifecycle's case_due says why not INSERT OR REPLACE).
UPSERT_PERSON = (
    f"INSERT INTO people ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_number) DO UPDATE SET "
    + ", ".join(f"{column} = excluded.{column}" for column in COLUMNS.split(", ")[1:])
)


def _entry(number: str, answers: dict, registered_on: str) -> tuple[tuple, set[str]]:
    tokens = name_tokens(answers.get("name_first"), answers.get("name_last"), answers.get("name_other"))
    age = answers.get("age_estimate")
    row = (
        number,
        " ".join(tokens),
        answers.get("sex"),
        answers.get("nationality"),
        answers.get("date_of_birth"),
        age if isinstance(age, int) else None,
        registered_on,
    )
    return row, index_keys(tokens)


def update(store: Store, numbers: list[str]) -> None:
    """Index these cases as their registrations now read (call in the transaction that wrote them)."""
    if not numbers:
        return
    listed = json.dumps(numbers)
    conn = store.conn
    conn.execute("DELETE FROM people_keys WHERE case_number IN (SELECT value FROM json_each(?))", (listed,))
    rows = conn.execute(
        "SELECT case_number, answers, registered_on FROM cases WHERE case_number IN (SELECT value FROM json_each(?))",
        (listed,),
    )
    _write(store, rows)


def rebuild(store: Store) -> None:
    """Index every case again (an upgraded store; call in a transaction)."""
    store.conn.execute("DELETE FROM people_keys")
    store.conn.execute("DELETE FROM people")
    _write(store, store.conn.execute("SELECT case_number, answers, registered_on FROM cases"))


def _write(store: Store, rows: Cursor) -> None:
    """The index entries of the cases `rows` yields, a thousand at a time: memory holds a thousand
    registrations, however many cases an import or an upgrade indexes."""
    while batch := rows.fetchmany(1000):
        people: list[tuple] = []
        keys: list[tuple[str, str]] = []
        for number, answers, registered_on in batch:
            row, found = _entry(number, json.loads(answers), registered_on)
            people.append(row)
            keys.extend((key, number) for key in found)
        store.conn.executemany(UPSERT_PERSON, people)
        store.conn.executemany("INSERT OR IGNORE INTO people_keys (key, case_number) VALUES (?, ?)", keys)


def sharing_a_key(store: Store, tokens: tuple[str, ...]) -> list[tuple]:
    """The indexed children who share a name key with `tokens` (one query, however large the store)."""
    keys = sorted(index_keys(tokens))
    if not keys:
        return []
    return store.conn.execute(
        f"SELECT {COLUMNS} FROM people WHERE case_number IN"
        " (SELECT case_number FROM people_keys WHERE key IN (SELECT value FROM json_each(?)))",
        (json.dumps(keys),),
    ).fetchall()


def sharing_keys(store: Store, keys: set[str]) -> dict[str, list[str]]:
    """For many children at once (an import's new children, a few hundred at a time): the indexed
    children under each of `keys`, in one query (a row a key, not a row a child under it)."""
    if not keys:
        return {}
    rows = store.conn.execute(
        "SELECT key, json_group_array(case_number) FROM people_keys WHERE key IN (SELECT value FROM json_each(?))"
        " GROUP BY key",
        (json.dumps(sorted(keys)),),
    )
    return {key: json.loads(numbers) for key, numbers in rows}


def rows_of(store: Store, numbers: set[str]) -> Cursor:
    """The index rows (COLUMNS) of these children."""
    return store.conn.execute(
        f"SELECT {COLUMNS} FROM people WHERE case_number IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(numbers)),),
    )


def buckets(store: Store) -> Iterator[tuple[str, list[str]]]:
    """Each name key shared by two or more children, with their case numbers: the only pairs the
    whole-store check compares. Streamed, a key at a time."""
    cursor = store.conn.execute(
        "SELECT key, json_group_array(case_number) FROM people_keys GROUP BY key HAVING count(*) > 1"
    )
    for key, numbers in cursor:
        yield key, json.loads(numbers)
