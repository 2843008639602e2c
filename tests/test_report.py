"""A supervisor's view of the caseload, and de-identified figures for coordination."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from .test_handover import NOTE, Worker, identity

MARKER = "Freetext-Marker-Zq"


def supervised(home, monkeypatch, cases: int = 12):
    """A worker's training cases sent, as copies, to a supervisor's store."""
    ana = Worker(home, "ana", monkeypatch)
    ana.init()
    marta = Worker(home, "marta", monkeypatch)
    marta.init(name="Marta Gómez", role="supervisor", case_number_prefix="SV1")
    ana.ok("contacts", "add", "marta", identity(marta))
    marta.ok("contacts", "add", "ana", identity(ana))
    ana.ok("--store", str(ana.store), "demo", "--cases", str(cases), "--seed", "3", "--into-real-store")
    ana.register(name_first=MARKER, current_location=MARKER)
    bundle = home / "weekly.bundle"
    ana.ok("export", "--all", "--to", "marta", "--output", str(bundle), "--answers", ana.write("n.json", NOTE))
    marta.ok("import", str(bundle), "--yes")
    return ana, marta


def test_the_caseload_per_worker_and_team(home, monkeypatch):
    ana, marta = supervised(home, monkeypatch)
    report = marta.json("report")
    open_cases = [c for c in ana.json("list") if c["status"] == "open"]
    assert report["team"]["open"] == len(open_cases)
    assert sum(w["open"] for w in report["workers"]) == report["team"]["open"]
    assert sum(report["team"]["by_risk"].values()) == report["team"]["open"]
    assert sum(report["team"]["by_stage"].values()) == report["team"]["open"]
    overdue = [i for i in ana.json("agenda", "--days", "0") if i["days_late"] > 0]
    assert report["team"]["overdue_total"] >= len([i for i in overdue if i["kind"] not in ("approval", "handover")])
    shown = marta.ok("report").stdout
    assert "Training worker" in shown or "Ana Ruiz" in shown
    unvisited = [u["case"] for w in report["workers"] for u in w["unvisited"]]
    assert all(re.fullmatch(r"[A-Z0-9]+-\d{4}-\w", case) for case in unvisited)  # numbers, not names
    assert unvisited and MARKER not in str(report)
    named = [u["case"] for w in marta.json("report", "--names")["workers"] for u in w["unvisited"]]
    children = {c["child_name"] for c in ana.json("list")}
    assert len(named) == len(unvisited) and set(named) <= children


def test_copies_count_as_their_workers_cases_and_the_stored_derivation_matches_the_rules(home, monkeypatch):
    """The supervisor's report over copies says what the worker's own report says of the same cases;
    and read from the stored derivation (case_due, due_items) it says what deriving every case again says."""
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    ana, marta = supervised(home, monkeypatch)
    mine, theirs = ana.json("report")["team"], marta.json("report")["team"]
    for key in ("open", "by_stage", "by_risk", "overdue", "visits_made", "visits_planned", "unvisited"):
        assert mine[key] == theirs[key], key
    assert theirs["overdue"] and set(theirs["by_stage"]) - {"copy"} == set(theirs["by_stage"])
    from casecli.store.migrations import DERIVED_STALE

    with open_store(marta.store, lambda: PASSPHRASE) as store, store.transaction():
        kept = store.conn.execute("SELECT count(*) FROM due_items").fetchone()[0]
        store.conn.execute("DELETE FROM case_due")
        store.conn.execute("DELETE FROM due_items")
        store.conn.execute("INSERT INTO meta (key, value) VALUES (?, '1')", (DERIVED_STALE,))
    assert kept and marta.json("report")["team"] == theirs  # derived again from every record
    with open_store(marta.store, lambda: PASSPHRASE) as store:
        assert store.conn.execute("SELECT count(*) FROM due_items").fetchone()[0] == kept


def test_the_html_report_is_one_offline_page_with_charts(home, monkeypatch, tmp_path):
    _ana, marta = supervised(home, monkeypatch)
    page = tmp_path / "caseload.html"
    marta.ok("--lang", "es", "report", "--format", "html", "--output", str(page))
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 4 and "<rect" in html and "Informe de carga de casos" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert "<script" not in html and "default-src 'none'" in html
    assert MARKER not in html


def test_deidentified_figures_hold_no_child_and_suppress_small_cells(home, monkeypatch, tmp_path):
    ana, marta = supervised(home, monkeypatch, cases=30)
    numbers = [c["case_number"] for c in ana.json("list")]
    figures = tmp_path / "figures.csv"
    marta.ok("report", "--deidentified", "--format", "csv", "--output", str(figures))
    text = figures.read_text(encoding="utf-8")
    assert MARKER not in text and not any(n in text for n in numbers)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["dimension"] for r in rows} >= {"sex", "age_band", "nationality", "risk", "stage", "registered_month"}
    counts = [r["count"] for r in rows]
    assert "<5" in counts and all(c == "<5" or int(c) >= 5 for c in counts)
    total = sum(int(r["count"]) for r in rows if r["dimension"] == "risk" and r["count"] != "<5")
    assert total <= len(numbers)
    book = tmp_path / "figures.xlsx"
    marta.ok("report", "--deidentified", "--format", "xlsx", "--output", str(book))
    with zipfile.ZipFile(book) as archive:
        content = " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert "sex" in content and MARKER not in content and not any(n in content for n in numbers)
    refused = marta("report", "--deidentified", "--names", "--format", "csv", "--output", str(figures))
    assert refused.exit_code == 3
