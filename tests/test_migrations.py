"""Upgrading a store that holds cases: every record kept, every rule still enforced."""

from __future__ import annotations

import json
import re

import pytest

from casecli.store import migrations

from .test_handover import Worker, full_case
from .test_store import raw_connection


def test_an_older_store_with_every_record_upgrades_unchanged(home, monkeypatch):
    """A store of version 11 (before handover receipts and consent records) holding every kind of
    record: made by today's casecli, then taken back to 11 by dropping what the later migrations
    add (they only add tables, indexes, triggers and columns, checked here, so this is their exact
    inverse)."""
    base = 11
    ana = Worker(home, "ana", monkeypatch)
    ana.init()
    number = full_case(ana)
    added, columns, triggers, indexes = [], [], [], []
    for version, statements in migrations.MIGRATIONS:
        for statement in statements if version > base else []:
            if callable(statement):
                continue  # fills an added table
            assert statement.lstrip().startswith(("CREATE TABLE", "CREATE INDEX", "CREATE TRIGGER", "ALTER TABLE")), (
                version,
                statement[:60],
            )
            found = re.match(r"\s*CREATE TABLE (\w+)", statement)
            if found:
                added.append(found.group(1))
            trigger = re.match(r"\s*CREATE TRIGGER (\w+)", statement)
            if trigger:
                triggers.append(trigger.group(1))
            index = re.match(r"\s*CREATE INDEX (\w+)", statement)
            if index:
                indexes.append(index.group(1))
            column = re.match(r"\s*ALTER TABLE (\w+) ADD COLUMN (\w+)", statement)
            # a column dropped from a table a later migration added: undone with that table
            dropped = re.match(r"\s*ALTER TABLE (\w+) DROP COLUMN \w+", statement)
            altered = statement.lstrip().startswith("ALTER")
            assert column or not altered or (dropped and dropped.group(1) in added), statement[:60]
            if column:
                columns.append(column.groups())
    conn = raw_connection(ana.store)
    for trigger in triggers:
        conn.execute(f"DROP TRIGGER {trigger}")
    for index in indexes:  # one on an older table (an index of an added table goes with it)
        conn.execute(f"DROP INDEX IF EXISTS {index}")
    for table in reversed(added):
        conn.execute(f"DROP TABLE {table}")
    for table, column in reversed(columns):
        if table not in added:  # a column of an added table went with it
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    conn.execute(f"PRAGMA user_version = {base}")
    conn.commit()
    conn.close()
    older = [(version, statements) for version, statements in migrations.MIGRATIONS if version <= base]
    # The records as the older store holds them, read raw (today's commands read today's schema).
    before = _records(ana.store)
    conn = raw_connection(ana.store)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == older[-1][0]
    counts = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("links", "referral_updates", "item_progress")
    }
    conn.close()
    assert all(counts.values()), counts

    shown = {r["case_number"]: ana.json("show", r["case_number"]) for r in ana.json("list")}
    assert set(shown) == {row["case_number"] for row in before["cases"]}
    upgraded = _records(ana.store)
    assert {t: rows for t, rows in upgraded.items() if t in before} == before
    # the registration's consent became each case's first consent record, with the same answers
    for case in before["cases"]:
        registered = json.loads(case["answers"])
        (record,) = [c for c in upgraded["consents"] if c["case_number"] == case["case_number"]]
        kept = json.loads(record["answers"])
        assert record["status"] == "active" and record["given_on"] == registered["identified_on"]
        assert {k: kept[k] for k in kept if k not in ("given_on", "obtained_by")} == {
            k: registered[k]
            for k in ("child_informed", "consent", "consent_reason", "share_with", "withhold_notes")
            if k in registered
        }
    in_force = ana.json("consent", "show", number)["in_force"]
    assert in_force["answers"]["share_with"] == ["agency_team", "service_providers"] and in_force["child_age"] == 15
    ana.ok("verify")
    conn = raw_connection(ana.store)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST_VERSION
    assert {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts} == counts
    indexes = {n for (n,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
    assert {"item_progress_case", "referral_updates_referral"} <= indexes
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert not conn.execute("SELECT 1 FROM sqlite_schema WHERE name LIKE '%_rebuilt'").fetchone()
    import sqlcipher3

    with pytest.raises(sqlcipher3.IntegrityError, match="CHECK"):
        conn.execute("UPDATE item_progress SET status = 'maybe' WHERE case_number = ?", (number,))
    with pytest.raises(sqlcipher3.IntegrityError, match="CHECK"):
        conn.execute("UPDATE referral_updates SET status = 'lost'")
    with pytest.raises(sqlcipher3.IntegrityError, match="CHECK"):
        conn.execute("UPDATE links SET kind = 'cousin'")
    with pytest.raises(sqlcipher3.IntegrityError, match="FOREIGN KEY"):
        conn.execute("UPDATE item_progress SET case_number = 'XX0-0000-0'")
    conn.close()


def _records(store_path) -> dict[str, list]:
    from casecli.case.file.tables import CASE_TABLES

    conn = raw_connection(store_path)
    conn.row_factory = None
    records = {}
    present = {name for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    for table, _sql in CASE_TABLES:
        if table not in present:
            continue
        cursor = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
        names = [d[0] for d in cursor.description]
        records[table] = [dict(zip(names, row, strict=True)) for row in cursor]
    conn.close()
    return records


def test_no_check_rule_builds_a_temporary_table_per_row(ready):
    """`x IN (a, b, c)` in a CHECK costs SQLite a temporary b-tree on every row written (see migration 9)."""
    conn = raw_connection(ready.store)
    schema = "\n".join(sql for (sql,) in conn.execute("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL"))
    conn.close()
    for checked in re.findall(r"CHECK\s*\(([^\n]*)\)", schema):
        for values in re.findall(r"\bIN\s*\(([^)]*)\)", checked):
            assert values.count(",") < 2, checked


def _case_columns(version: int) -> dict:
    import sqlcipher3

    from casecli.case.file.tables import CASE_TABLES

    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    migrations.apply_migrations(conn, [m for m in migrations.MIGRATIONS if m[0] <= version])
    columns = {t: [tuple(r[1:]) for r in conn.execute(f"PRAGMA table_info({t})")] for t, _ in CASE_TABLES}
    conn.close()
    return columns


def test_bundles_declare_the_schema_of_their_columns():
    """A migration that changes a case table's columns must raise RECORDS_VERSION (and only then)."""
    assert migrations.RECORDS_VERSION <= migrations.LATEST_VERSION
    assert _case_columns(migrations.RECORDS_VERSION) == _case_columns(migrations.LATEST_VERSION)


def test_an_older_casecli_that_reads_bundles_imports_this_ones(home, monkeypatch):
    """Bundles declare the version of their records' columns (RECORDS_VERSION), not the store's:
    a casecli whose schema reaches that version imports them, one older says so, changing nothing.
    (Its store's schema is simulated by what the import compares: the code is this casecli's.)"""
    from casecli.handover import incoming as handover

    from .test_handover import NOTE, identity

    ana = Worker(home, "ana", monkeypatch)
    ana.init()
    luis = Worker(home, "luis", monkeypatch)
    luis.init(name="Luis Pérez", case_number_prefix="GT2")
    ana.ok("contacts", "add", "luis", identity(luis))
    number = full_case(ana)
    bundle = ana.home / "case.bundle"
    ana.ok(
        "export",
        number,
        "--to",
        "luis",
        "--handover",
        "--output",
        str(bundle),
        "--answers",
        ana.write("note.json", NOTE),
    )
    with monkeypatch.context() as patch:
        patch.setattr(handover, "LATEST_VERSION", migrations.RECORDS_VERSION - 1)  # one that does not read them
        again = luis("import", str(bundle), "--yes", "--trust-sender")
        assert again.exit_code != 0 and "newer casecli" in again.stderr
    assert luis.json("list") == []
    with monkeypatch.context() as patch:
        patch.setattr(handover, "LATEST_VERSION", migrations.RECORDS_VERSION)  # the oldest that does
        luis.ok("import", str(bundle), "--yes", "--trust-sender")
    assert luis.json("show", number)["case_worker"] == "Luis Pérez"


def test_a_migration_that_needs_the_case_rules_asks_for_them_and_the_next_command_applies_them(ready):
    """Migration 6 cannot call the case layer (the store does not import it): it marks every case's
    derived columns stale, and the first command that opens the store computes them again."""
    number = ready.register()
    expected = ready.json("list")[0]
    conn = raw_connection(ready.store)
    conn.execute("UPDATE cases SET stage = 'closed', next_due = NULL")
    migrations._mark_derived_stale(conn)
    conn.close()
    assert ready.json("list")[0] == expected
    conn = raw_connection(ready.store)
    assert conn.execute("SELECT value FROM meta WHERE key = ?", (migrations.DERIVED_STALE,)).fetchone() is None
    assert conn.execute("SELECT stage FROM cases WHERE case_number = ?", (number,)).fetchone()[0] == "registered"
    conn.close()


def test_a_new_store_has_nothing_to_refresh():
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    migrations.apply_migrations(conn)
    assert conn.execute("SELECT count(*) FROM meta").fetchone()[0] == 0
    conn.close()


def test_the_registrations_date_of_separation_has_one_name_after_the_upgrade(ready):
    """A store of version 29 kept the registration's date of separation as `separation_date`
    (tracing and Primero say `date_of_separation`): the upgrade renames it in place, and an answers
    file with the old name is still taken."""
    number = ready.register(date_of_separation="2026-06-01")
    conn = raw_connection(ready.store)
    conn.execute(
        "UPDATE cases SET answers = json_remove(json_set(answers, '$.separation_date', '2026-06-01'),"
        " '$.date_of_separation') WHERE case_number = ?",
        (number,),
    )
    conn.execute("DROP TABLE external_ids")
    conn.execute("PRAGMA user_version = 29")
    conn.commit()
    conn.close()
    registration = ready.json("show", number)["registration"]
    assert registration["date_of_separation"] == "2026-06-01" and "separation_date" not in registration
    old = ready.register(name_first="Kevin", sex="male", separation_date="2026-05-02")  # a script's old name
    assert ready.json("show", old)["registration"]["date_of_separation"] == "2026-05-02"


def test_a_bundle_from_before_the_rename_is_imported_under_the_new_name(home, monkeypatch):
    """A case row whose registration still says `separation_date` (an older casecli's bundle) is
    taken, and kept as `date_of_separation`."""
    from .test_handover import NOTE, two_workers

    ana, luis = two_workers(home, monkeypatch)
    number = ana.register(date_of_separation="2026-06-01")
    escaped = ana.register(date_of_separation="2026-06-02", name_first="Kevin")
    conn = raw_connection(ana.store)
    conn.execute(
        "UPDATE cases SET answers = json_remove(json_set(answers, '$.separation_date', date_of_separation),"
        " '$.date_of_separation') FROM (SELECT case_number AS n, json_extract(answers, '$.date_of_separation')"
        " AS date_of_separation FROM cases) WHERE case_number = n",
    )
    # JSON may spell a letter \\uXXXX (casecli does not; another writer may): still the old name
    conn.execute(
        "UPDATE cases SET answers = replace(answers, 'separation_date', 'separation\\u005fdate') WHERE case_number = ?",
        (escaped,),
    )
    conn.commit()
    conn.close()
    bundle = ana.home / "old.bundle"
    note = ana.write("note.json", NOTE)
    ana.ok("export", number, escaped, "--to", "luis", "--output", str(bundle), "--answers", note)
    luis.ok("import", str(bundle), "--yes", "--trust-sender")
    for case, day in ((number, "2026-06-01"), (escaped, "2026-06-02")):
        registration = luis.json("show", case)["registration"]
        assert registration["date_of_separation"] == day and "separation_date" not in registration


def test_a_plans_old_names_are_upgraded_in_the_store_and_from_an_older_bundle(home, monkeypatch):
    """Before schema 30 a plan said `care_type` (registration and visits: `care_arrangement`) and a
    service `type` (a referral: `service_type`): a store's plans are renamed in place, and an older
    casecli's bundle is stored under the new names."""
    from .test_assessment_plan import INITIAL
    from .test_cycle import PLAN
    from .test_handover import NOTE, two_workers

    ana, luis = two_workers(home, monkeypatch)
    number = ana.register()
    ana.ok("assess", number, "--answers", ana.write("i.json", INITIAL))
    ana.ok("plan", "edit", number, "--answers", ana.write("p.json", PLAN), "--activate")

    def make_old(worker) -> None:
        conn = raw_connection(worker.store)
        (text,) = conn.execute("SELECT data FROM plans WHERE case_number = ?", (number,)).fetchone()
        plan = json.loads(text)
        plan["header"]["care_type"] = plan["header"].pop("care_arrangement")
        for item in plan["services"]:
            item["type"] = item.pop("service_type")
        conn.execute("UPDATE plans SET data = ? WHERE case_number = ?", (json.dumps(plan), number))
        conn.commit()
        conn.close()

    make_old(ana)
    bundle = ana.home / "old-plan.bundle"
    ana.ok("export", number, "--to", "luis", "--output", str(bundle), "--answers", ana.write("note.json", NOTE))
    luis.ok("import", str(bundle), "--yes", "--trust-sender")
    plan = luis.json("show", number)["plan"]["data"]
    assert plan["header"]["care_arrangement"] == "small_group_home" and "care_type" not in plan["header"]
    assert plan["services"][0]["service_type"] == "health_medical_service" and "type" not in plan["services"][0]
    conn = raw_connection(ana.store)
    conn.execute("DROP TABLE external_ids")
    conn.execute("PRAGMA user_version = 29")
    conn.commit()
    conn.close()
    plan = ana.json("show", number)["plan"]["data"]
    assert plan["header"]["care_arrangement"] == "small_group_home"
    assert plan["services"][0]["service_type"] == "health_medical_service"
