"""Every table that holds a case's records, listed once: what a bundle carries, what a purge removes.

A test checks that every table of the schema holding case data is listed here, or said to be
derived from listed ones or local to one laptop.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from casecli.store.db import Store

# (table, SQL selecting one case's rows, order) — parents before children.
CASE_TABLES: list[tuple[str, str]] = [
    ("cases", "SELECT * FROM cases WHERE case_number = ?"),
    # events.id is a local row number: the chain (case_number, seq, hash) identifies an event.
    (
        "events",
        "SELECT case_number, seq, at, actor, kind, summary, changes, prev_hash, hash FROM events WHERE case_number = ? ORDER BY seq",
    ),
    ("assessments", "SELECT * FROM assessments WHERE case_number = ? ORDER BY assessed_on, created_at"),
    ("plans", "SELECT * FROM plans WHERE case_number = ? ORDER BY version"),
    ("referrals", "SELECT * FROM referrals WHERE case_number = ? ORDER BY created_at"),
    (
        "referral_updates",
        "SELECT u.* FROM referral_updates u JOIN referrals r ON r.uid = u.referral_uid WHERE r.case_number = ? ORDER BY u.created_at",
    ),
    ("item_progress", "SELECT * FROM item_progress WHERE case_number = ? ORDER BY created_at"),
    ("visits", "SELECT * FROM visits WHERE case_number = ? ORDER BY visited_on, created_at"),
    ("reviews", "SELECT * FROM reviews WHERE case_number = ? ORDER BY reviewed_on, created_at"),
    ("closures", "SELECT * FROM closures WHERE case_number = ? ORDER BY closed_on, created_at"),
    ("consents", "SELECT * FROM consents WHERE case_number = ? ORDER BY given_on, created_at"),
    ("conferences", "SELECT * FROM conferences WHERE case_number = ? ORDER BY held_on, created_at"),
    ("approvals", "SELECT * FROM approvals WHERE case_number = ? ORDER BY requested_at"),
    ("best_interests", "SELECT * FROM best_interests WHERE case_number = ? ORDER BY on_date, created_at"),
    ("family_members", "SELECT * FROM family_members WHERE case_number = ? ORDER BY created_at"),
    # A request before what follows it (a record may only point at a request already there).
    ("tracing", "SELECT * FROM tracing WHERE case_number = ? ORDER BY request IS NOT NULL, on_date, created_at"),
    # A claim before the changes of its status (each points at its claim).
    ("legal", "SELECT * FROM legal WHERE case_number = ? ORDER BY parent IS NOT NULL, on_date, created_at"),
    ("external_ids", "SELECT * FROM external_ids WHERE case_number = ? ORDER BY system"),
    ("links", "SELECT * FROM links WHERE case_a = ? OR case_b = ? ORDER BY decided_at, case_a, case_b"),
]
# The column naming a row's case in each query above (links name two: see records_of_cases).
OWNER = {"referral_updates": "r.case_number"}
# Rebuilt on import from the records they index (plans -> plan_items; every record -> case_due and
# due_items, by the case rules), or local to one laptop.
DERIVED_TABLES = {"plan_items", "case_due", "due_items", "people", "people_keys"}
LOCAL_TABLES = {
    "conflicts",
    "tombstones",
    "signers",
    "handovers",
    "verified_heads",
    "drafts",
    "witnessed_heads",
}  # this laptop's own
DELETE_ORDER = [
    "links",
    "external_ids",
    "legal",
    "best_interests",
    "family_members",
    "tracing",
    "approvals",
    "conferences",
    "consents",
    "closures",
    "reviews",
    "visits",
    "item_progress",
    "referral_updates",
    "referrals",
    "plan_items",
    "plans",
    "assessments",
    "conflicts",
    "signers",
    "handovers",
    "events",
    "case_due",
    "due_items",
    "drafts",
    "cases",
]


def rows_of(store: Store, sql: str, number: str) -> Iterator[dict]:
    """One case's rows of one table, as column -> value."""
    params = (number, number) if sql.count("?") == 2 else (number,)
    yield from store.rows(sql, params)


def records_of_cases(store: Store, numbers: list[str]) -> Iterator[tuple[str, str, dict]]:
    """(case number, table, row) of every record of `numbers`: each case's records together, its
    tables in CASE_TABLES' order, each table's rows in its query's order, exactly as `rows_of`
    gives them case by case, but in one query per table for all of `numbers` (a bundle of 10,000
    cases asked 170,000 questions one case at a time). Memory holds the records of `numbers`:
    callers give a few hundred cases at a time."""
    found: dict[str, list[tuple[str, dict]]] = {number: [] for number in numbers}
    wanted = json.dumps(numbers)
    for table, sql in CASE_TABLES:
        for row in store.rows(_for_many(table, sql), (wanted,)):
            owner = row.pop("owner_", None)
            owners = (row["case_a"], row["case_b"]) if table == "links" else (owner,)
            for number in dict.fromkeys(owners):  # a link between two cases asked for: in both
                if number in found:
                    found[number].append((table, row))
    for number in numbers:
        for table, row in found.pop(number):
            yield number, table, row


def _for_many(table: str, sql: str) -> str:
    """A one-case query of CASE_TABLES for every case of a JSON array (its first parameter), each
    row with its case in `owner_` (taken out again), in the one-case query's order within a case."""
    many = "IN (SELECT value FROM json_each(?1))"
    if table == "links":
        return sql.replace("case_a = ? OR case_b = ?", f"case_a {many} OR case_b {many}")
    owner = OWNER.get(table, "case_number")
    head, where, rest = sql.partition(f"WHERE {owner} = ?")
    if not where or not head.startswith("SELECT "):
        raise ValueError(f"{table}: its query does not name its case as {owner} = ?")
    return f"SELECT {owner} AS owner_, {head[len('SELECT ') :]}WHERE {owner} {many}{rest}"


def delete_case(store: Store, number: str) -> None:
    """Every record of a case, children first; call inside a write transaction."""
    conn = store.conn
    for table in DELETE_ORDER:
        if table == "links":
            conn.execute("DELETE FROM links WHERE case_a = ? OR case_b = ?", (number, number))
        elif table == "referral_updates":
            conn.execute(
                "DELETE FROM referral_updates WHERE referral_uid IN (SELECT uid FROM referrals WHERE case_number = ?)",
                (number,),
            )
        else:
            conn.execute(f"DELETE FROM {table} WHERE case_number = ?", (number,))
