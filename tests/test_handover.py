"""Handover between two workers: identities, bundles, history-based merging, and refusals."""

from __future__ import annotations

import json

import pytest

from casecli.case.file.tables import CASE_TABLES, DERIVED_TABLES, LOCAL_TABLES

from .conftest import Cli
from .test_assessment_plan import COMPREHENSIVE, INITIAL
from .test_cycle import PLAN, REFERRAL, VISIT
from .test_store import assert_one_line_error, fingerprint, raw_connection

NOTE = {
    "key_concerns": "Afraid of the smuggler's contacts",
    "upcoming_dates": "Asylum hearing 2026-12-15",
    "child_told": "Told on Friday, she agreed",
    "transfer_reason": "organisational",  # asked with --handover only; a copy's export leaves it
}


class Worker(Cli):
    def __init__(self, home, store_name, monkeypatch):
        super().__init__(home)
        self.store_path = home / store_name / "casecli.db"
        self.monkeypatch = monkeypatch

    @property
    def store(self):
        return self.store_path

    def __call__(self, *args, input=None):
        self.monkeypatch.setenv("CASECLI_STORE", str(self.store_path))
        return super().__call__(*args, input=input)


@pytest.fixture
def ana(home, monkeypatch):
    worker = Worker(home, "ana", monkeypatch)
    worker.init()
    return worker


@pytest.fixture
def luis(home, monkeypatch):
    worker = Worker(home, "luis", monkeypatch)
    worker.init(name="Luis Pérez", case_number_prefix="GT2")
    return worker


def identity(worker) -> str:
    return worker.ok("identity").stdout.strip()


def two_workers(home, monkeypatch, contacts: bool = True) -> tuple[Worker, Worker]:
    """Ana (MX7) and Luis (GT2), each with an initialised store, and each other as contacts."""
    ana, luis = Worker(home, "ana", monkeypatch), Worker(home, "luis", monkeypatch)
    ana.init()
    luis.init(name="Luis Pérez", case_number_prefix="GT2")
    if contacts:
        ana.ok("contacts", "add", "luis", identity(luis))
        luis.ok("contacts", "add", "ana", identity(ana))
    return ana, luis


def training_bundle(ana: Worker, path, cases: int, seed: int) -> list[str]:
    """Fill Ana's store with training cases and send every open one to Luis; returns their numbers."""
    ana.ok("--store", str(ana.store), "demo", "--cases", str(cases), "--seed", str(seed), "--into-real-store")
    numbers = [r["case_number"] for r in ana.json("list", "--status", "open")]
    ana.ok("export", *numbers, "--to", "luis", "--output", str(path), "--answers", ana.write("n.json", NOTE))
    return numbers


@pytest.fixture
def pair(ana, luis):
    ana.ok("contacts", "add", "luis", identity(luis))
    luis.ok("contacts", "add", "ana", identity(ana))
    return ana, luis


def full_case(worker) -> str:
    """A case with every kind of record the store holds."""
    number = worker.register()
    sibling = worker.register(name_first="Kevin", sex="male")
    worker.ok("assess", number, "--answers", worker.write("i.json", INITIAL))
    worker.ok(
        "assess",
        number,
        "--comprehensive",
        "--answers",
        worker.write("c.json", {**COMPREHENSIVE, "risk_level": "high"}),
    )
    plan = {
        **PLAN,
        "protection_needs": PLAN["protection_needs"]
        + [{"need": "Safety", "how": "Placement", "who": "Ana", "by": "2026-11-30", "need_ref": "protection"}],
        "services": PLAN["services"]
        + [
            {
                "service_type": "education_service",
                "what": "School",
                "provider": "Escuela",
                "where": "Tapachula",
                "by": "2026-12-10",
                "urgent": False,
                "need_ref": "education",
            },
            {
                "service_type": "legal_assistance_service",
                "what": "Asylum",
                "provider": "NGO",
                "where": "Tapachula",
                "by": "2026-12-10",
                "urgent": False,
                "need_ref": "legal",
            },
        ],
    }
    worker.ok("plan", "edit", number, "--answers", worker.write("p.json", plan), "--activate")
    ref = (
        worker.ok("referral", "add", number, "--answers", worker.write("r.json", REFERRAL))
        .stdout.split("Referral ")[1]
        .split(" ")[0]
    )
    worker.ok("referral", "update", ref, "--status", "accepted")
    item = worker.json("show", number)["plan"]["data"]["services"][0]["id"]
    worker.ok("plan", "item", "done", number, item)
    worker.ok("visit", "add", number, "--answers", worker.write("v.json", {**VISIT, "visited_on": "2026-11-23"}))
    worker.ok(
        "review",
        number,
        "--answers",
        worker.write(
            "rv.json",
            {
                "participants": ["child"],
                "progress": "ok",
                "child_views": "bien",
                "decision": "continue",
                "risk_level": "high",
                "next_review": "2027-06-01",
            },
        ),
    )
    conference = {
        "held_on": "2026-11-23",
        "kind": "review",
        "reason": "best_interests_decision",
        "child_participation": "in_person",
        "child_views": "Quiero quedarme",
        "discussed": "The placement",
        "decisions": "She stays",
        "participants": [{"name": "Ana Ruiz", "role": "case_worker"}, {"name": "Yulissa", "role": "child"}],
        "actions": [{"action": "Call the school", "owner": "Ana Ruiz", "due": "2026-12-01"}],
    }
    worker.ok("conference", "add", number, "--answers", worker.write("cf.json", conference))
    from .test_best_interests import BIA, BID

    worker.ok("bia", number, "--answers", worker.write("bia.json", BIA))
    worker.ok("bid", number, "--answers", worker.write("bid.json", BID))
    from .test_tracing import AUNT, FOUND, REQUEST, TRACING

    TRACING_CONSENT = {"consent": "child_consent", "share_with": TRACING, "child_informed": True}
    worker.ok("consent", "new", number, "--answers", worker.write("k.json", TRACING_CONSENT))
    worker.ok("family", "add", number, "--answers", worker.write("fa.json", AUNT))
    worker.ok("tracing", "add", number, "--answers", worker.write("tr.json", REQUEST))
    worker.ok("tracing", "action", number, "--answers", worker.write("ta.json", FOUND))
    # an approval request, left waiting (the agency's approvals on for one activation)
    worker.ok("settings", "set", "approval.plan_activation", "1")
    revised = worker.json("show", number)["plan"]["data"]
    revised["header"]["visit_every_days"] = 14
    worker.ok("plan", "edit", number, "--answers", worker.write("p2.json", revised), "--activate")
    worker.ok("settings", "set", "approval.plan_activation", "0")
    worker.ok("link", number, sibling, "--sibling")
    # the legal pathway: the authority and its restitution plan, an asylum claim filed, an incident reported
    from .test_legal import INCIDENT, NOTIFIED, RESTITUTION
    from .test_safeguards import CLAIM, FILED

    worker.ok("authority", number, "--answers", worker.write("au.json", NOTIFIED))
    worker.ok("authority", "plan", number, "--answers", worker.write("rp.json", RESTITUTION))
    worker.ok(
        "authority", "measure", number, "--answers", worker.write("am.json", {"measure": 3, "carried_by": "Consulado"})
    )
    worker.ok("asylum", number, "--answers", worker.write("as.json", CLAIM))
    worker.ok("asylum", "step", number, "--answers", worker.write("af.json", FILED))
    reported = {**INCIDENT, "reported_to": "fiscalia", "reported_on": "2026-11-22", "report_reference": "CI-0231"}
    worker.ok("incident", "add", number, "--answers", worker.write("in.json", reported))
    worker.ok(
        "close",
        number,
        "--answers",
        worker.write(
            "cl.json", {"reason": "other", "reason_other": "test", "final_visit": True, "child_informed": True}
        ),
        "--acknowledge-open",
    )
    worker.ok("reopen", number, "--reason", "came back")
    return number


def comparable(case: dict) -> dict:
    drop = {
        "history",
        "case_worker",
        "status",
        "stage",
        "due",
        "next_due",
        "updated_at",
        "links",
        "handovers",
        "handover_notes",
    }  # the last two: this laptop's own
    return {k: v for k, v in case.items() if k not in drop}


def test_every_case_table_travels_in_a_bundle(ana):
    conn = raw_connection(ana.store)
    tables = {t for (t,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    with_case = {
        t
        for t in tables
        if any(col[1] in ("case_number", "case_a", "referral_uid") for col in conn.execute(f"PRAGMA table_info({t})"))
    }
    conn.close()
    assert with_case - DERIVED_TABLES - LOCAL_TABLES == {t for t, _ in CASE_TABLES}


def test_identity_and_contacts(ana, luis):
    line = identity(luis)
    assert line.startswith("casecli1.") and len(line) < 300
    shown = ana.ok("contacts", "add", "luis", line).stdout
    fpr = luis.json("identity")["fingerprint"]
    assert fpr in shown
    assert ana.json("contacts", "list") == [
        {
            "name": "luis",
            "agency": "Casa Refugio",
            "fingerprint": fpr,
            "added_at": ana.json("contacts", "list")[0]["added_at"],
            "role": "social_worker",
        }
    ]
    assert_one_line_error(ana("contacts", "add", "me", identity(ana)), code=3)
    assert_one_line_error(ana("contacts", "add", "x", line[:-5]), code=3)
    ana.ok("contacts", "remove", "luis")
    assert ana.json("contacts", "list") == []


def test_handover_round_trip_with_every_record(pair):
    ana, luis = pair
    number = full_case(ana)
    sibling = next(r["case_number"] for r in ana.json("list") if r["case_number"] != number)
    bundle = ana.home / "stick" / "handover" / "case.bundle"  # a folder not made yet
    out = ana.ok(
        "export",
        number,
        sibling,
        "--to",
        "luis",
        "--handover",
        "--output",
        str(bundle),
        "--answers",
        ana.write("note.json", NOTE),
    ).stdout
    assert "read-only" in out
    raw = bundle.read_bytes()
    for secret in ("Yulissa", "Quetzalcoatl", "Afraid of the smuggler", "Infected wound"):
        assert secret.encode() not in raw
    sent = ana.json("show", number, "--history")
    assert sent["status"] == "handover_pending" and sent["history"][-1]["kind"] == "handover"
    assert_one_line_error(ana("edit", number, "--set", "risk_level=low"), code=3)

    result = luis.ok("import", str(bundle), "--yes")
    receipt = bundle.with_name("case.bundle.receipt")
    assert str(receipt) in result.stdout.replace("\n", "")
    assert f"{number}: handover accepted: transferred" in ana.ok("import", str(receipt)).stdout
    assert ana.json("show", number)["status"] == "transferred"
    assert ana.ok("import", str(receipt)).stdout.strip().endswith("nothing changed.")
    assert "Afraid of the smuggler" in result.stdout and "your contact ana" in result.stdout
    got = luis.json("show", number, "--history")
    assert got["case_worker"] == "Luis Pérez" and got["status"] == "open"
    assert [c["status"] for c in got["asylum"]] == ["filed"] and got["incidents"][0]["reported"]
    assert got["authority"]["restitution_plans"][0]["elsewhere"]["3"]["carried_by"] == "Consulado"
    spanish = luis.ok("--lang", "es", "show", number).stdout
    assert "Situación jurídica y protección" in spanish and "presentada, en espera de resolución" in spanish
    assert comparable(got) == comparable(sent)
    assert [e["hash"] for e in got["history"][: len(sent["history"])]] == [e["hash"] for e in sent["history"]]
    assert got["history"][-1]["kind"] == "received" and "Ana Ruiz" in got["history"][-1]["summary"]
    assert got["links"][0]["case_number"] == sibling
    assert luis.ok("import", str(bundle), "--yes").stdout.strip().endswith("nothing changed.")

    # Luis sends a copy, works on the case and hands it back; Ana's case is brought forward
    early = luis.home / "early.bundle"
    luis.ok("export", number, "--to", "ana", "--output", str(early), "--answers", luis.write("n1.json", NOTE))
    luis.ok("edit", number, "--set", "current_location=Casa Alianza")
    back = luis.home / "back.bundle"
    luis.ok(
        "export", number, "--to", "ana", "--handover", "--output", str(back), "--answers", luis.write("n2.json", NOTE)
    )
    out = ana.ok("import", str(back), "--yes").stdout
    assert "brought forward" in out
    home_again = ana.json("show", number, "--history")
    assert home_again["registration"]["current_location"] == "Casa Alianza"
    assert home_again["status"] == "open" and home_again["case_worker"] == "Ana Ruiz"
    # an older bundle arriving late changes nothing, and says so
    assert f"{number}: unchanged (you have the same or newer)" in ana.ok("import", str(early), "--yes").stdout
    assert ana.json("show", number)["registration"]["current_location"] == "Casa Alianza"
    # her own bundle is not for her
    assert_one_line_error(ana("import", str(bundle), "--yes"), code=5)


def test_a_consultation_copy_is_read_only_and_continues(pair):
    ana, luis = pair
    number = ana.register()
    first = ana.home / "copy1.bundle"
    ana.ok("export", number, "--to", "luis", "--output", str(first), "--answers", ana.write("n.json", NOTE))
    assert ana.json("show", number)["status"] == "open"
    luis.ok("import", str(first), "--yes")
    assert luis.json("show", number)["status"] == "copy"
    assert_one_line_error(luis("edit", number, "--set", "risk_level=low"), code=3)
    ana.ok("edit", number, "--set", "risk_level=low")
    second = ana.home / "copy2.bundle"
    ana.ok("export", number, "--to", "luis", "--output", str(second), "--answers", ana.write("n.json", NOTE))
    assert "brought forward" in luis.ok("import", str(second), "--yes").stdout
    assert luis.json("show", number)["risk"] == "low"


def test_diverged_histories_are_never_overwritten_silently(pair, monkeypatch):
    ana, luis = pair
    number = ana.register()
    # both hold the case (a copy), then both change it
    shared = ana.home / "shared.bundle"
    ana.ok("export", number, "--to", "luis", "--output", str(shared), "--answers", ana.write("n.json", NOTE))
    luis.ok("import", str(shared), "--yes")
    ana.ok("edit", number, "--set", "risk_level=medium")
    # Luis's copy is read-only in the tool; give him his own change through a handover to him
    to_luis = ana.home / "to-luis.bundle"
    ana.ok(
        "export", number, "--to", "luis", "--handover", "--output", str(to_luis), "--answers", ana.write("n.json", NOTE)
    )
    luis.ok("import", str(to_luis), "--yes")
    luis.ok("edit", number, "--set", "current_location=Casa Alianza")
    ana_other = luis.home / "from-luis.bundle"
    luis.ok("export", number, "--to", "ana", "--output", str(ana_other), "--answers", luis.write("n.json", NOTE))
    # meanwhile Ana's copy gets a change Luis never saw (her copy is read-only in the tool, so directly)
    from casecli.case.file.history import append_event
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    with open_store(ana.store, lambda: PASSPHRASE) as store, store.transaction():
        append_event(store, number, "Ana Ruiz", "note", "A note written after the handover", {})
    before = fingerprint(ana.store.parent)
    result = ana("import", str(ana_other), "--yes")
    assert_one_line_error(result, code=3)
    assert "diverged" in result.stderr and "--on-conflict" in result.stderr
    assert "A note written after the handover" in result.stdout and "Registration edited" in result.stdout
    assert fingerprint(ana.store.parent) == before

    ana.ok("import", str(ana_other), "--yes", "--on-conflict", "keep-local")
    assert ana.json("show", number)["registration"]["current_location"] == "Casa Refugio"
    with open_store(ana.store, lambda: PASSPHRASE) as store:
        assert store.conn.execute("SELECT count(*) FROM bundles_seen WHERE direction = 'received'").fetchone()[0] == 1


@pytest.mark.parametrize(
    "choice,location,conflicts", [("take-theirs", "Casa Alianza", 0), ("keep-both", "Casa Refugio", 1)]
)
def test_diverged_resolutions(pair, choice, location, conflicts):
    from casecli.case.file.history import append_event
    from casecli.store.db import open_store

    from .conftest import PASSPHRASE

    ana, luis = pair
    number = ana.register()
    to_luis = ana.home / "to-luis.bundle"
    ana.ok(
        "export", number, "--to", "luis", "--handover", "--output", str(to_luis), "--answers", ana.write("n.json", NOTE)
    )
    luis.ok("import", str(to_luis), "--yes")
    luis.ok("edit", number, "--set", "current_location=Casa Alianza")
    back = luis.home / "back.bundle"
    luis.ok(
        "export", number, "--to", "ana", "--handover", "--output", str(back), "--answers", luis.write("n.json", NOTE)
    )
    with open_store(ana.store, lambda: PASSPHRASE) as store, store.transaction():
        append_event(store, number, "Ana Ruiz", "note", "Ana's own note", {})
    ana.ok("import", str(back), "--yes", "--on-conflict", choice)
    case = ana.json("show", number)
    assert case["registration"]["current_location"] == location
    with open_store(ana.store, lambda: PASSPHRASE) as store:
        assert store.conn.execute("SELECT count(*) FROM conflicts").fetchone()[0] == conflicts
    kept = case["conflicts"]
    assert len(kept) == conflicts
    if conflicts:
        theirs = next(r["r"] for r in kept[0]["records"] if r["t"] == "cases")
        assert json.loads(theirs["answers"])["current_location"] == "Casa Alianza"
        assert "kept for review" in ana.ok("show", number).stdout


def test_passphrase_bundle_for_a_recipient_without_identity(ana, luis):
    number = ana.register()
    secret = ana.home / "bundle-pass.txt"
    secret.write_text("a long bundle passphrase\n")
    bundle = ana.home / "p.bundle"
    export = ("export", number, "--passphrase-file", str(secret), "--output", str(bundle))
    # whoever holds the passphrase is nobody this laptop can name: shared as with another agency
    refused = ana(*export, "--answers", ana.write("n.json", NOTE))
    assert_one_line_error(refused, code=3)
    assert "other_organisations" in refused.stderr and "--override-reason" in refused.stderr
    ana.ok(*export, "--override-reason", "Luis has no identity yet", "--answers", ana.write("n.json", NOTE))
    wrong = luis.home / "wrong.txt"
    wrong.write_text("not the passphrase at all\n")
    before = fingerprint(luis.store.parent)
    result = luis("import", str(bundle), "--passphrase-file", str(wrong), "--trust-sender", "--yes")
    assert_one_line_error(result, code=5)
    assert "wrong bundle passphrase" in result.stderr
    assert fingerprint(luis.store.parent) == before
    result = luis("import", str(bundle), "--passphrase-file", str(secret), "--yes")
    assert_one_line_error(result, code=5)
    assert "not in your contacts" in result.stderr and ana.json("identity")["fingerprint"] in result.stderr
    luis.ok("import", str(bundle), "--passphrase-file", str(secret), "--trust-sender", "--yes")
    assert luis.json("show", number)["case_number"] == number


def test_a_bundle_for_someone_else_says_for_whom(pair, home, monkeypatch):
    ana, luis = pair
    maria = Worker(home, "maria", monkeypatch)
    maria.init(name="María", case_number_prefix="HN3")
    number = ana.register()
    bundle = ana.home / "l.bundle"
    ana.ok("export", number, "--to", "luis", "--output", str(bundle), "--answers", ana.write("n.json", NOTE))
    before = fingerprint(maria.store.parent)
    result = maria("import", str(bundle), "--trust-sender", "--yes")
    assert_one_line_error(result, code=5)
    assert "not for you" in result.stderr and luis.json("identity")["fingerprint"] in result.stderr
    assert fingerprint(maria.store.parent) == before


def test_export_refusals(pair):
    ana, _ = pair
    number = ana.register()
    assert_one_line_error(
        ana("export", number, "--output", str(ana.home / "x.bundle"), "--answers", ana.write("n.json", NOTE)), code=3
    )
    assert_one_line_error(
        ana(
            "export",
            number,
            "--to",
            "nobody",
            "--output",
            str(ana.home / "x.bundle"),
            "--answers",
            ana.write("n.json", NOTE),
        ),
        code=4,
    )
    assert_one_line_error(
        ana(
            "export",
            number,
            "--to",
            "luis",
            "--handover",
            "--reason",
            "moving_location",
            "--output",
            str(ana.home / "x.bundle"),
        ),
        code=3,
    )  # a handover with no note (a copy needs none)
    assert not (ana.home / "x.bundle").exists()
    assert ana.json("show", number)["status"] == "open"


def test_export_all_hands_over_every_open_case_of_mine(pair):
    """--all, when a worker leaves: every open case of theirs, not the closed ones, not copies."""
    ana, luis = pair
    first, second, closed = (
        ana.register(),
        ana.register(name_first="Kevin", sex="male"),
        ana.register(name_first="Brayan", sex="male"),
    )
    ana.ok(
        "close",
        closed,
        "--answers",
        ana.write("cl.json", {"reason": "other", "reason_other": "test", "final_visit": True, "child_informed": True}),
    )
    theirs = luis.register(name_first="Génesis")
    copy = luis.home / "copy.bundle"
    luis.ok("export", theirs, "--to", "ana", "--output", str(copy), "--answers", luis.write("n.json", NOTE))
    ana.ok("import", str(copy), "--yes")  # a copy for consultation: not Ana's to hand over
    bundle = ana.home / "leaving.bundle"
    out = ana.ok(
        "export", "--all", "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", NOTE)
    ).stdout
    assert "2 cases handed over" in out
    luis.ok("import", str(bundle), "--yes")
    received = {r["case_number"]: r for r in luis.json("list")}
    assert {first, second} <= set(received) and closed not in received
    assert {received[n]["case_worker"] for n in (first, second)} == {"Luis Pérez"}
    assert {r["case_number"]: r["status"] for r in ana.json("list")} == {
        first: "handover_pending",
        second: "handover_pending",
        closed: "closed",
        theirs: "copy",
    }
    ana.ok("import", str(bundle) + ".receipt")
    assert {r["case_number"]: r["status"] for r in ana.json("list")} == {
        first: "transferred",
        second: "transferred",
        closed: "closed",
        theirs: "copy",
    }


def test_a_contact_is_added_from_the_file_identity_writes_for_a_usb_stick(ana, luis, tmp_path):
    stick = tmp_path / "usb" / "luis.id"
    luis.ok("identity", "--output", str(stick))
    shown = ana.ok("contacts", "add", "luis", str(stick)).stdout
    assert luis.json("identity")["fingerprint"] in shown
    assert [c["name"] for c in ana.json("contacts", "list")] == ["luis"]
    (tmp_path / "empty.id").write_text("")
    assert_one_line_error(ana("contacts", "add", "x", str(tmp_path / "empty.id")), code=3)


def test_a_copy_asks_no_handover_note(pair, tmp_path):
    """At a terminal a copy for consultation asks none of the handover note's questions; without
    one, and without a terminal, it needs no note either (the case stays with its worker)."""
    ana, luis = pair
    number = ana.register()
    out = ana.ok("export", number, "--to", "luis", "--output", str(tmp_path / "copy.bundle")).stdout
    assert "copied for consultation" in out
    imported = luis.ok("import", str(tmp_path / "copy.bundle"), "--yes").stdout
    assert "Key concerns" not in imported


def test_a_bundle_from_a_laptop_whose_clock_is_ahead_names_the_clock(pair, tmp_path, monkeypatch):
    ana, luis = pair
    import datetime as dt

    ahead = (dt.date.today() + dt.timedelta(days=20)).isoformat()  # Ana's laptop believes it is then
    monkeypatch.setenv("CASECLI_TODAY", ahead)
    number = ana.register(identified_on=ahead)
    ana.ok("export", number, "--to", "luis", "--output", str(tmp_path / "ahead.bundle"))
    luis_today = (dt.date.today() - dt.timedelta(days=2)).isoformat()  # and Luis's, a little behind
    monkeypatch.setenv("CASECLI_TODAY", luis_today)
    refused = luis("import", str(tmp_path / "ahead.bundle"), "--yes")
    assert refused.exit_code == 5 and "clock" in refused.stderr and luis_today in refused.stderr, refused.stderr
