"""The child's voice: everything the child said, and was told, across every step of the case.

The forms mark the questions that hold it (`"voice": "said"` for the child's own words, `"told"`
for what the child was told, `"weighed"` for why a step went ahead against the child's word); this gathers their answers from every record of a case, in date
order, so a worker (or the next one, after a handover) reads the child's voice in one place.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from casecli.forms import load_form
from casecli.store.db import Store

# The order of steps on one day: as the case goes.
STEPS = (
    "registration",
    "consent",
    "initial assessment",
    "comprehensive assessment",
    "plan",
    "visit",
    "review",
    "conference",
    "bia",
    "bid",
    "tracing",
    "asylum",
    "age assessment",
    "incident",
    "closure",
    "handover",
)


def _voiced(form_name: str, answers: dict) -> Iterator[tuple[str, str, object]]:
    form = load_form(form_name)
    for field in form.fields:
        if field.voice and answers.get(field.id) not in (None, "", []):
            yield field.id, field.voice, answers[field.id]


# The tables of records that may hold the child's voice, each row written at `created_at` (UTC).
WRITTEN_IN = (
    "consents",
    "assessments",
    "visits",
    "reviews",
    "conferences",
    "best_interests",
    "tracing",
    "legal",
    "closures",
)


def _written(store: Store, number: str) -> dict[str, str]:
    """When each of the case's records was written (uid → UTC moment): the order of one day's records."""
    union = " UNION ALL ".join(f"SELECT uid, created_at FROM {table} WHERE case_number = ?" for table in WRITTEN_IN)
    return dict(store.conn.execute(union, (number,) * len(WRITTEN_IN)).fetchall())


def _records(store: Store, number: str) -> Iterator[tuple[str, str, str, str, dict]]:
    """(day, written, step, form, answers) of every record of the case that may hold the child's
    voice; `written` is the UTC moment the record was written, which orders the records of one day."""
    from casecli.case.decisions.consent import consents_of
    from casecli.case.file.assessments import assessments_of
    from casecli.case.steps.closure import closures_of
    from casecli.case.steps.monitoring import reviews_of, visits_of

    written = _written(store, number)
    row = store.conn.execute(
        "SELECT answers, registered_on, created_at FROM cases WHERE case_number = ?", (number,)
    ).fetchone()
    registration = json.loads(row[0])
    yield registration.get("identified_on") or row[1], row[2], "registration", "registration", registration
    for consent in consents_of(store, number):
        yield consent["given_on"], written.get(consent["uid"], ""), "consent", "consent", consent["answers"]
    for assessment in assessments_of(store, number):
        kind = assessment["kind"]
        yield (
            assessment["assessed_on"],
            written.get(assessment["uid"], ""),
            f"{kind} assessment",
            f"assessment-{kind}",
            assessment["answers"],
        )
    earlier = None
    for _version, saved_at, data in store.conn.execute(
        "SELECT version, saved_at, data FROM plans WHERE case_number = ? ORDER BY version", (number,)
    ):
        header = json.loads(data).get("header", {})
        if header.get("child_views") != earlier:  # a new version repeats the words: once is enough
            earlier = header.get("child_views")
            yield _local_day(saved_at), saved_at, "plan", "plan-header", header
    for visit in visits_of(store, number):
        yield visit["visited_on"], written.get(visit["uid"], ""), "visit", "visit", visit["answers"]
    for review in reviews_of(store, number):
        yield review["reviewed_on"], written.get(review["uid"], ""), "review", "review", review["answers"]
    from casecli.case.decisions.conference import conferences_of

    for meeting in conferences_of(store, number):
        yield meeting["held_on"], written.get(meeting["uid"], ""), "conference", "conference", meeting["answers"]
    from casecli.case.decisions.best_interests import records_of

    for kind in ("bia", "bid"):
        for record in records_of(store, number, kind):
            yield record["on_date"], written.get(record["uid"], ""), kind, kind, record["answers"]
    from casecli.case.family.tracing import FORMS, requests_of

    for request in requests_of(store, number):
        yield request["on_date"], written.get(request["uid"], ""), "tracing", FORMS["request"], request["answers"]
        for step in request["records"]:
            yield step["on_date"], written.get(step["uid"], ""), "tracing", FORMS[step["kind"]], step["answers"]
    from casecli.case.legal import FORMS as LEGAL_FORMS

    for uid, kind, on_date, answers in store.conn.execute(
        "SELECT uid, kind, on_date, answers FROM legal WHERE case_number = ?"
        " AND kind IN ('asylum_claim', 'age_assessment', 'incident')",
        (number,),
    ):
        step = {"asylum_claim": "asylum", "age_assessment": "age assessment"}.get(kind, kind)
        yield on_date, written.get(uid, ""), step, LEGAL_FORMS[kind], json.loads(answers)
    for closure in closures_of(store, number):
        yield closure["closed_on"], written.get(closure["uid"], ""), "closure", "closure", closure["answers"]
    for at, changes in store.conn.execute(
        "SELECT at, changes FROM events WHERE case_number = ? AND kind = 'received' ORDER BY seq", (number,)
    ):
        note = json.loads(changes).get("note") or {}
        if isinstance(note, dict):
            yield _local_day(at), at, "handover", "handover-note", note


def _moment(stored: str) -> str:
    """A stored moment in one comparable form (UTC, ISO), '' when none is known."""
    from casecli.i18n import moment

    found = moment(stored) if stored else None
    return found.astimezone(dt.UTC).isoformat() if found is not None else ""


def _local_day(stored: str) -> str:
    """The day a stored moment (UTC) fell on where the worker is."""
    from casecli.i18n import moment

    found = moment(stored)
    return found.astimezone().date().isoformat() if found is not None else stored[:10]


def child_voice(store: Store, number: str) -> list[dict]:
    """Every answer in the child's voice, oldest first: day, step, question, said or told, answer."""
    entries: list[dict] = []
    order: list[tuple] = []
    seen = set()
    for day, written, step, form_name, answers in _records(store, number):
        for field_id, kind, answer in _voiced(form_name, answers):
            # The first consent repeats the registration's answer (the same day, the same words).
            key = (day, field_id, kind, json.dumps(answer, sort_keys=True))
            if key in seen:
                continue
            seen.add(key)
            entries.append(
                {"on": day, "step": step, "form": form_name, "field": field_id, "kind": kind, "answer": answer}
            )
            order.append((str(day), _moment(written), STEPS.index(step), len(order)))
    # By day; within a day, in the order the records were written (a handover note before the new
    # worker's visit that afternoon); the step's place in a case only where no moment is known.
    ranked = sorted(range(len(entries)), key=lambda i: order[i])
    return [entries[i] for i in ranked]


def latest_words(store: Store, number: str) -> dict | None:
    """The child's own words recorded last (to offer when a later step asks for the child's views)."""
    said = [e for e in child_voice(store, number) if e["kind"] == "said" and isinstance(e["answer"], str)]
    return said[-1] if said else None
