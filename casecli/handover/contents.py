"""What a bundle's records must meet beyond their column types: the rules a worker's own answers meet.

A bundle signed by a trusted colleague may still come from a buggy or altered casecli. Every record
is checked here before anything is written: dates are dates (in the years casecli accepts),
timestamps are timestamps, JSON fields are JSON objects, text has a bounded length, and every set
of answers passes its form as a worker's answers would (a draft plan its plan rules). Nothing a
bundle holds can then make a later command fail.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any

import orjson

from casecli import casenumber
from casecli.case.decisions.approvals import KINDS as APPROVAL_KINDS
from casecli.context import FIRST_YEAR, LAST_YEAR
from casecli.errors import BundleRejected, CaseCliError
from casecli.forms import load_form, stored
from casecli.i18n import _
from casecli.store.db import Store

DATE_COLUMNS = {
    "registered_on",
    "date_of_birth",
    "assessment_due",
    "plan_due",
    "next_due",
    "assessed_on",
    "referred_on",
    "on_date",
    "visited_on",
    "next_visit",
    "reviewed_on",
    "closed_on",
    "reopened_on",
    "activated_at",
    "given_on",
    "withdrawn_on",
    "held_on",
}
TIMESTAMP_COLUMNS = {"created_at", "updated_at", "at", "saved_at", "decided_at", "requested_at"}
JSON_COLUMNS = {"answers", "data", "changes", "subject", "signed_decision"}
MAX_TEXT = 64 * 1024  # one column of text
MAX_JSON = 4 * 1024 * 1024  # one JSON column
# The form each table's answers are checked against (cases: the registration form).
ANSWER_FORMS = {
    "cases": "registration",
    "referrals": "referral",
    "visits": "visit",
    "reviews": "review",
    "closures": "closure",
    "consents": "consent",
    "conferences": "conference",
    "family_members": "family-member",
}
# The values a column allows, as the store's CHECK rules say (refused here with the column's name).
CHOICES = {
    ("cases", "form_id"): {"registration", "registration-quick"},  # `show` reads the answers with it
    ("referral_updates", "status"): {"pending", "accepted", "declined", "completed", "no_response"},
    ("item_progress", "status"): {"done", "partly", "not_done"},
    ("plans", "status"): {"draft", "active"},
    ("assessments", "kind"): {"initial", "comprehensive"},
    ("links", "kind"): {"same_child", "sibling", "not_same"},
    ("consents", "status"): {"active", "withdrawn"},
    ("conferences", "kind"): {"initial", "review", "emergency", "transition_closure"},
    ("best_interests", "kind"): {"bia", "bid"},
    ("tracing", "kind"): {"request", "action", "verification", "reunification", "closure"},
    ("legal", "kind"): {
        "asylum_claim",
        "asylum_step",
        "age_assessment",
        "incident",
        "incident_report",
        "authority_notification",
        "restitution_plan",
        "restitution_elsewhere",
    },
    ("approvals", "kind"): set(APPROVAL_KINDS),
    ("approvals", "status"): {"waiting", "approved", "rejected", "void", "used"},
    ("external_ids", "system"): {"primero"},
}
# What an id another system knows a case by must look like (Primero's: a lower-case UUID).
_EXTERNAL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?")


CHOICES_OF = {table: [(c, allowed) for (t, c), allowed in CHOICES.items() if t == table] for table, _c in CHOICES}
# What each named column must be, when it is text: a date, a timestamp, or JSON (longer allowed).
KIND_OF = {
    **dict.fromkeys(DATE_COLUMNS, "date"),
    **dict.fromkeys(TIMESTAMP_COLUMNS, "timestamp"),
    **dict.fromkeys(JSON_COLUMNS, "json"),
}


MAX_CASES = 200_000  # in one bundle: a supervisor's copies of a whole team, with room to spare


def description_problem(meta: dict) -> str | None:
    """What is wrong with a bundle's description (its first record), or None: every field in the
    shape casecli writes, checked before any other part of the bundle is read."""
    schema = meta.get("schema")
    cases = meta.get("cases", [])
    note = meta.get("note", {})
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        return "schema"
    if not isinstance(cases, list) or len(cases) > MAX_CASES:
        return "cases"
    if not all(isinstance(n, str) and 0 < len(n) <= 24 for n in cases) or len(set(cases)) != len(cases):
        return "cases"
    if "handover" in meta and not isinstance(meta["handover"], bool):
        return "handover"
    if not isinstance(note, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, (str, bool, int, float, list))) for k, v in note.items()
    ):
        return "note"
    for key in ("case_worker", "kind"):
        if key in meta and not (isinstance(meta[key], str) and len(meta[key]) <= 200):
            return key
    if "roster" in meta and not isinstance(meta["roster"], dict):  # checked whole when adopted
        return "roster"
    return None


def record_check(store: Store, name: str, today: dt.date) -> Callable[[str, dict, str], None]:
    """The check of one record of a bundle (table, row, case number) against the store's schema,
    the row models and `problem`'s rules; raises BundleRejected. Made once for a bundle's records
    (a hundred thousand of them in a supervisor's bundle)."""
    from pydantic import BaseModel, ValidationError

    from casecli.store.records import CaseRow, EventRow, check_row, table_model

    models: dict[str, type] = {}
    also: dict[str, type[BaseModel]] = {"cases": CaseRow, "events": EventRow}

    def check(table: str, row: dict, number: str) -> None:
        if table == "cases":
            try:  # a number casecli itself would accept: with its check character, in its own spelling
                well_formed = casenumber.parse(number) == number
            except CaseCliError:
                well_formed = False
            if not well_formed:
                raise BundleRejected(
                    _("{file}: a case number in it is not a valid case number ({number})").format(
                        file=name, number=number[:30]
                    )
                )
        if table not in models:
            models[table] = table_model(store.conn, table, longest)
        try:
            check_row(models[table], row)
            if table in also:
                check_row(also[table], row)
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
            raise BundleRejected(
                _("{file}: a {table} record of {number} breaks the schema ({fields})").format(
                    file=name, table=table, number=number, fields=", ".join(fields)[:120]
                )
            ) from None
        owner = (
            row.get("case_number", number)
            if table != "links"
            else (number if number in (row["case_a"], row["case_b"]) else None)
        )
        if table != "referral_updates" and owner != number:
            raise BundleRejected(
                _("{file}: a {table} record is filed under the wrong case").format(file=name, table=table)
            )
        wrong = problem(table, row, today)
        if wrong:
            raise BundleRejected(
                _("{file}: a {table} record of {number} breaks the rules of its form ({fields})").format(
                    file=name, table=table, number=number, fields=wrong
                )
            )

    return check


def longest(column: str) -> int:
    """How many characters a column of text may hold in a record (the row model checks it)."""
    return MAX_JSON if column in JSON_COLUMNS else MAX_TEXT


def problem(table: str, row: dict, today: dt.date) -> str | None:
    """The first column of `row` that breaks a rule (with what is wrong), or None; `row` has met
    its table's row model (`record_check`: the columns' types, and the lengths `longest` allows)."""
    for column, allowed in CHOICES_OF.get(table, ()):
        if row.get(column) not in allowed:
            return f"{column} (not one of its values)"
    dates, times, documents = _kinds_of(tuple(row))
    for column in dates:
        value = row[column]
        if value is not None and not (isinstance(value, str) and _is_date(value)):
            return f"{column} (not a date)"
    for column in times:
        value = row[column]
        if value is not None and not (isinstance(value, str) and _is_timestamp(value)):
            return f"{column} (not a time)"
    parsed: dict[str, dict] = {}
    for column in documents:
        value = row[column]
        if value is None:
            continue
        found = _json_object(value) if isinstance(value, str) else None
        if found is None:
            return f"{column} (not a JSON object)"
        parsed[column] = found
    if table == "external_ids" and not _EXTERNAL_ID.fullmatch(str(row.get("external_id"))):
        return "external_id (not a lower-case UUID)"
    return _answers_problem(table, row, parsed, today)


@functools.lru_cache(maxsize=256)
def _kinds_of(columns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A record's date, timestamp and JSON columns, by its columns (a few dozen sets of columns in
    a bundle of a hundred thousand records: sorted out once each)."""
    dates, times, documents = (
        tuple(c for c in columns if KIND_OF.get(c) == kind) for kind in ("date", "timestamp", "json")
    )
    return dates, times, documents


@functools.lru_cache(maxsize=65536)
def _is_date(text: str) -> bool:
    """(Remembered: a bundle's hundred thousand records name a few thousand days.)"""
    if not _DATE.fullmatch(text):
        return False
    try:
        return FIRST_YEAR <= dt.date.fromisoformat(text).year <= LAST_YEAR
    except ValueError:
        return False


def _is_timestamp(text: str) -> bool:
    if not _TIMESTAMP.fullmatch(text):
        return False
    try:
        return FIRST_YEAR <= dt.datetime.fromisoformat(text.replace("Z", "+00:00")).year <= LAST_YEAR
    except ValueError:
        return False


def _json_object(text: str) -> dict | None:
    try:  # orjson, as bundle._record: the same verdicts as json.loads, or stricter
        value = orjson.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


# The tables whose records carry a form's answers (or a plan): the others have no form to meet.
WITH_FORMS = {*ANSWER_FORMS, "plans", "assessments", "best_interests", "tracing", "legal"}


def _answers_problem(table: str, row: dict, parsed: dict[str, dict], today: dt.date) -> str | None:
    """The rules of the record's form for its answers (`parsed`: its JSON columns, read once)."""
    if table not in WITH_FORMS:
        return None
    # A colleague's clock may be a day ahead: their "today" is still not the future here.
    tomorrow = today + dt.timedelta(days=1)
    if table == "plans":
        from casecli.case.file import plan_rules

        if "data" not in parsed:
            return "data (not a JSON object)"
        return None if plan_rules.is_valid(parsed["data"], tomorrow) else "data (a plan that breaks the plan's forms)"
    name = _form_name(table, str(row.get("kind")))
    if name is None or "answers" not in row:
        return None
    if "answers" not in parsed:
        return "answers (not a JSON object)"
    answers: dict[str, Any] = parsed["answers"]  # (parsed for this check alone: parts are taken out below)
    answers.pop("items", None)  # visits and reviews keep the plan items walked beside the form's answers
    answers.pop("open_at_closure", None)  # a closure keeps what was acknowledged as still open
    if table == "conferences":
        from casecli.case.decisions.panels import parts_problem

        found = parts_problem(answers.pop("participants", None), answers.pop("actions", None), tomorrow)
        if found:
            return f"answers ({found})"
    if table == "best_interests" and name == "bid":
        from casecli.case.decisions.best_interests import MEMBERS
        from casecli.case.decisions.panels import parts_problem as panel_problem

        if not isinstance(answers.pop("bia", None), str):
            return "answers (bia)"
        found = panel_problem(answers.pop("members", None), answers.pop("actions", None), tomorrow, MEMBERS)
        if found:
            return f"answers ({found})"
    wrong = sorted(stored.invalid(load_form(name), answers, tomorrow))
    return f"answers ({', '.join(wrong)[:120]})" if wrong else None


@functools.lru_cache(maxsize=64)
def _form_name(table: str, kind: str) -> str | None:
    """The form a record's answers are checked against, by its table and kind (None: no form)."""
    if table == "assessments":
        from casecli.case.file.assessments import KINDS

        return KINDS.get(kind)
    if table == "best_interests":
        return kind  # the form of a BIA or a BID (the kind was checked with the columns' choices)
    if table == "tracing":
        from casecli.case.family.tracing import FORMS as TRACING_FORMS

        return TRACING_FORMS[kind]
    if table == "legal":
        from casecli.case.legal import FORMS as LEGAL_FORMS

        return LEGAL_FORMS[kind]
    return ANSWER_FORMS.get(table)
