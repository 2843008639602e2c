"""Views of cases for the read commands: the list, and the whole case grouped by step (`show`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import TypedDict

from casecli import casenumber
from casecli.case.child.age import DISPUTE_SQL, age_on, presumed
from casecli.case.decisions.links import links_of
from casecli.case.due import lifecycle
from casecli.case.due.due_rules import DueItem, due_items, next_due, with_cases_named
from casecli.case.due.lifecycle import RISK_ORDER
from casecli.case.file import plans
from casecli.case.file.assessments import assessments_of
from casecli.case.file.lookup import resolve
from casecli.case.file.progress import progress_of
from casecli.case.file.referrals import referrals_of
from casecli.case.steps.closure import closures_of
from casecli.case.steps.monitoring import reviews_of, visits_of, visits_on_time
from casecli.case.steps.registration import fold, missing_for_registration
from casecli.store.db import Store

LIST_SQL = (
    "SELECT case_number, child_name, date_of_birth, age_estimate, registered_on, status, stage, next_due, risk,"
    " case_worker, incomplete, demo,"
    # the answers parsed only where the word is there at all: most children's age is not disputed
    f" {DISPUTE_SQL} AS age_dispute"
    " FROM cases c"
)


class CaseSummary(TypedDict):
    """A case as the list gives it (and as `show` starts it)."""

    case_number: str
    child_name: str
    age: int | None
    age_estimated: bool
    age_disputed: bool
    age_assessed: bool
    stage: str
    status: str
    risk: str
    case_worker: str
    registered_on: str
    next_due: str | None
    incomplete: bool
    demo: bool


class CaseRecord(CaseSummary, total=False):
    """The whole case as `show` gives it: the summary, then each step's records (the last three
    only when asked for)."""

    due: list[DueItem]
    form: dict
    registration: dict
    created_at: str
    updated_at: str
    missing: list[str]
    links: list[dict]
    handovers: list[dict]
    deadlines: dict[str, str | None]
    assessments: list[dict]
    plan: dict | None
    referrals: list[dict]
    visits: list[dict]
    visit_count: dict
    reviews: list[dict]
    closures: list[dict]
    handover_notes: list[dict]
    conferences: list[dict]
    approvals: list[dict]
    roles_certified: bool  # False: no agency roster here (handover/roster.py)
    best_interests: dict[str, list[dict]]
    bid_required: dict | None
    family: list[dict]
    tracing: list[dict]
    asylum: list[dict]
    age_assessments: list[dict]
    incidents: list[dict]
    authority: dict
    breaches: list[dict]
    conflicts: list[dict]
    history: list[dict]
    sharing: dict
    voice: list[dict]


def _summary(row: dict, today: dt.date) -> CaseSummary:
    # Under a dispute, the age the child states (or the assessment's): the presumption of minority.
    born, estimate, counted_from, settled = presumed(
        row["date_of_birth"], row["age_estimate"], row["registered_on"], row.get("age_dispute")
    )
    age, estimated = age_on(born, estimate, counted_from[:10], today)
    return {
        "case_number": row["case_number"],
        "child_name": row["child_name"],
        "age": age,
        "age_estimated": estimated,
        # disputed until an age assessment settles it; then assessed
        "age_disputed": row.get("age_dispute") is not None and not settled,
        "age_assessed": row.get("age_dispute") is not None and settled,
        "stage": row["stage"],
        "status": row["status"],
        "risk": row["risk"],
        "case_worker": row["case_worker"],
        "registered_on": row["registered_on"],
        "next_due": row["next_due"],
        "incomplete": bool(row["incomplete"]),
        "demo": bool(row["demo"]),
    }


def list_cases(
    store: Store,
    today: dt.date,
    status: str | None = None,
    risk: str | None = None,
    search: str | None = None,
    incomplete: bool = False,
) -> Iterator[CaseSummary]:
    """Cases matching every filter given, highest risk and newest first, one at a time as SQLite
    gives them (in that order already): a caller that prints them as they come holds one row."""
    where, params = _filters(status, risk, search, incomplete)
    ranked = " ".join(f"WHEN '{level}' THEN {rank}" for level, rank in RISK_ORDER.items())
    rows = store.rows(
        LIST_SQL
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY CASE c.risk {ranked} ELSE 9 END, c.registered_on DESC, c.case_number",
        params,
    )
    return (_summary(row, today) for row in rows)


def count_cases(
    store: Store,
    status: str | None = None,
    risk: str | None = None,
    search: str | None = None,
    incomplete: bool = False,
) -> int:
    """How many cases `list_cases` gives for the same filters (a count first, so that a list can
    be printed as it is read with its count on top)."""
    where, params = _filters(status, risk, search, incomplete)
    sql = "SELECT count(*) FROM cases c" + (" WHERE " + " AND ".join(where) if where else "")
    return int(store.conn.execute(sql, params).fetchone()[0])


def _filters(status: str | None, risk: str | None, search: str | None, incomplete: bool) -> tuple[list[str], list]:
    """The list's filters as SQL conditions on `cases c`, and their parameters."""
    where: list[str] = []
    params: list = []
    if incomplete:
        where.append("c.incomplete = 1")
    from casecli.forms.words import code_for, spellings_of_codes

    if risk:
        risk = code_for("--risk", risk, spellings_of_codes(RISK_ORDER))  # `--risk alto` as `--risk high`
        where.append("c.risk = ?")
        params.append(risk)
    if search:
        where.append("(c.search_text LIKE ? ESCAPE '\\' OR c.case_number LIKE ? ESCAPE '\\')")
        needle = fold(search).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params += [f"%{needle}%", f"%{casenumber.canonical(search).replace('_', '-')}%"]
    if status:
        status = code_for("--status", status, spellings_of_codes(lifecycle.LIST_STATUSES))
        where.append("(c.stage = ? OR c.status = ?)")
        params += [status, status]
    return where, params


def get_case(store: Store, text: str, today: dt.date) -> CaseRecord:
    number = resolve(store, text)
    summary = lifecycle.summary_of(store, number)
    due = with_cases_named(store, sorted(due_items(store, [summary]).get(number, []), key=lambda d: (d.due, d.kind)))
    case = CaseRecord(**_summary({**summary, "stage": lifecycle.stage(summary), "next_due": next_due(due)}, today))
    case["due"] = [d.as_dict(today) for d in due]
    row = store.row("SELECT * FROM cases WHERE case_number = ?", (number,))
    assert row is not None  # resolved above
    case["form"] = {"id": row["form_id"], "version": row["form_version"]}
    case["registration"] = json.loads(row["answers"])
    case["created_at"], case["updated_at"] = row["created_at"], row["updated_at"]
    if case["incomplete"]:
        case["missing"] = missing_for_registration(case["registration"], today)
    case["links"] = links_of(store, number)
    case["handovers"] = handovers_of(store, number)
    case["deadlines"] = {"initial_assessment": row["assessment_due"], "plan": row["plan_due"]}
    case["assessments"] = assessments_of(store, number)
    current = plans.load(store, number)
    in_force = plans.active(store, number)
    case["plan"] = (
        None
        if current is None
        else {
            "version": current["version"],
            "status": current["status"],
            "data": current["data"],
            "active_version": in_force["version"] if in_force else None,
            "progress": progress_of(store, number),
        }
    )
    case["referrals"] = referrals_of(store, number, today)
    case["visits"] = visits_of(store, number)
    case["visit_count"] = visits_on_time(store, number)
    case["reviews"] = reviews_of(store, number)
    case["closures"] = closures_of(store, number)
    case["handover_notes"] = handover_notes_of(store, number)
    from casecli.case.decisions.conference import conferences_of

    case["conferences"] = conferences_of(store, number)
    from casecli.case.decisions.approvals import approvals_of

    case["approvals"] = approvals_of(store, number)
    from casecli.store.trust import roles_certified

    case["roles_certified"] = roles_certified(store)
    from casecli.case.decisions.best_interests import records_of
    from casecli.case.due.bid_rules import required

    case["best_interests"] = {kind: records_of(store, number, kind) for kind in ("bia", "bid")}
    case["bid_required"] = next(iter(required(store, number)), None)
    from casecli.case.family.tracing import family_of, requests_of

    case["family"] = family_of(store, number)
    case["tracing"] = requests_of(store, number)
    from casecli.case.legal.asylum import claims_of

    case["asylum"] = claims_of(store, number)
    from casecli.case.legal.age_assessment import age_assessments_of

    case["age_assessments"] = age_assessments_of(store, number)
    from casecli.case.legal.incidents import incidents_of

    case["incidents"] = incidents_of(store, number)
    from casecli.case.legal.authority import authority_of

    case["authority"] = authority_of(store, number)
    from casecli.case.reads.breaches import breach_words, breaches

    # Records made before a rule existed that break it (the case is not changed; a supervisor looks).
    case["breaches"] = [{**b.as_dict(), "what": breach_words(b)} for b in breaches(store, number)]
    case["conflicts"] = [
        {"bundle_id": b, "sender": who, "received_at": at, "records": json.loads(records)}
        for b, who, at, records in store.conn.execute(
            "SELECT bundle_id, sender, received_at, records FROM conflicts WHERE case_number = ? AND resolved_at IS NULL",
            (number,),
        )
    ]
    return case


def case_record(
    store: Store, text: str, today: dt.date, history: bool = False, sharing: bool = False, voice: bool = False
) -> CaseRecord:
    """The whole case for `show`: every step, and on request its history, what was shared, and
    the child's voice across the steps."""
    from casecli.case.file.history import case_history
    from casecli.case.reads.sharing import sharing_of

    record = get_case(store, text, today)
    if history:
        record["history"] = case_history(store, record["case_number"])
    if sharing:
        record["sharing"] = sharing_of(store, record["case_number"])
    if voice:
        from casecli.case.reads.voice import child_voice

        record["voice"] = child_voice(store, record["case_number"])
    return record


def handover_notes_of(store: Store, number: str) -> list[dict]:
    """The handover notes that came with this case, from whom and when (kept in its history)."""
    notes = []
    for at, summary, changes in store.conn.execute(
        "SELECT at, summary, changes FROM events WHERE case_number = ? AND kind = 'received' ORDER BY seq", (number,)
    ):
        detail = json.loads(changes)
        note = detail.get("note")
        if isinstance(note, dict) and note:
            # older events name the sender only in their summary ("Received by handover from Ana")
            sender = detail.get("sender") or summary.rsplit(" from ", 1)[-1]
            notes.append({"at": at, "from": sender, "note": note})
    return notes


def handovers_of(store: Store, number: str) -> list[dict]:
    """The handovers of this case sent from here, and how each ended (kept on this laptop only)."""
    return list(
        store.rows(
            'SELECT bundle_id, recipient_names AS "to", reason, sent_at, outcome, outcome_at, outcome_by,'
            " outcome_note FROM handovers WHERE case_number = ? ORDER BY sent_at",
            (number,),
        )
    )
