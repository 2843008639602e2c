"""Export reads the records of a few hundred cases together, a query per table: exactly what the
one-case queries give, case by case."""

from __future__ import annotations

from .test_handover import Worker


def test_the_records_of_many_cases_read_together_are_each_cases_records(home, monkeypatch):
    """Export reads a few hundred cases' records with a query per table: they come out as the
    one-case queries give them, case by case, a link between two cases read in both."""
    from casecli.case.file.tables import CASE_TABLES, records_of_cases, rows_of
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    ana = Worker(home, "ana", monkeypatch)
    ana.init()
    ana.ok("--store", str(ana.store), "demo", "--cases", "25", "--seed", "4", "--into-real-store")
    numbers = [c["case_number"] for c in ana.json("list")]
    ana.ok("link", numbers[0], numbers[1], "--sibling", "--note", "hermanos")
    with open_store(ana.store, lambda: PASSPHRASE) as store:
        [(twice,)] = store.conn.execute(
            "SELECT case_number FROM item_progress GROUP BY case_number HAVING count(*) > 1 LIMIT 1"
        ).fetchall()
        with store.transaction():  # a case's rows dated in reverse of the order they were written
            store.conn.execute(
                "UPDATE item_progress SET created_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', '2025-06-01', -rowid || ' minutes')"
                " WHERE case_number = ?",
                (twice,),
            )
        asked = list(dict.fromkeys([numbers[1], *numbers[5:15], twice, numbers[0], "NO-SUCH-CASE"]))
        one_by_one = [
            (number, table, row)
            for number in asked
            for table, sql in CASE_TABLES
            for row in rows_of(store, sql, number)
        ]
        together = list(records_of_cases(store, asked))
    assert together == one_by_one
    tables = {table for _n, table, _r in together}
    assert {"cases", "events", "visits", "referral_updates", "links"} <= tables
    assert [n for n, table, _r in together if table == "links"] == [numbers[1], numbers[0]]
