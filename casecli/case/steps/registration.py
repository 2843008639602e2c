"""Registration: a child's first record, keyed by a new case number, and later edits to it."""

from __future__ import annotations

import datetime as dt
import json

from casecli import casenumber
from casecli.case.child import people_index
from casecli.case.child.age import age_at
from casecli.case.child.name_keys import fold
from casecli.case.decisions import consent
from casecli.case.due import lifecycle
from casecli.case.due.deadlines import refresh_deadlines
from casecli.case.file.history import GENESIS, build_event, insert_events
from casecli.forms import MISSING, Form
from casecli.store.db import Store, utc_now
from casecli.store.row_rules import CASE, well_formed


def child_name(answers: dict) -> str:
    return " ".join(p for p in (answers.get("name_first"), answers.get("name_last")) if p)


def derived_columns(answers: dict) -> dict:
    name = child_name(answers)
    searchable = " ".join(answers.get(k) or "" for k in ("name_first", "name_last", "name_other"))
    return {
        "child_name": name,
        "search_text": fold(searchable),
        "sex": answers.get("sex"),
        "date_of_birth": answers.get("date_of_birth"),
        "age_estimate": answers.get("age_estimate"),
        # A child held in migration detention is high risk, whatever else was rated (case/due/detention.py).
        "risk": "high" if answers.get("care_arrangement") == "migration_detention" else answers["risk_level"],
    }


def well_formed_case(row: dict) -> dict:
    """The case row with its defaults, by the one declaration of a case row's rules
    (store/row_rules.py), checked in plain Python: a case that comes from outside (a bundle) is
    validated by the model made from the same declaration."""
    return well_formed(CASE, row, "a case")


def next_case_number(store: Store, prefix: str) -> str:
    """Take the next number for this device's prefix; call inside a write transaction."""
    conn = store.conn
    conn.execute("INSERT OR IGNORE INTO counters (prefix, next_seq) VALUES (?, 1)", (prefix,))
    (seq,) = conn.execute("SELECT next_seq FROM counters WHERE prefix = ?", (prefix,)).fetchone()
    while True:
        number = casenumber.format_number(prefix, seq)
        seq += 1
        if not conn.execute("SELECT 1 FROM cases WHERE case_number = ?", (number,)).fetchone():
            break
    conn.execute("UPDATE counters SET next_seq = ? WHERE prefix = ?", (seq, prefix))
    return number


def insert_case(
    store: Store,
    answers: dict,
    form: Form,
    today: dt.date,
    actor: str,
    prefix: str,
    demo: bool = False,
    incomplete: bool = False,
) -> str:
    """Insert one registered case and its first event; call inside a write transaction."""
    number = next_case_number(store, prefix)
    now = utc_now()
    row = well_formed_case(
        {
            "case_number": number,
            "form_id": form.id,
            "form_version": form.version,
            "answers": json.dumps(answers, ensure_ascii=False, sort_keys=True),
            "case_worker": actor,
            "registered_on": today.isoformat(),
            "created_at": now,
            "updated_at": now,
            "demo": demo,
            "incomplete": incomplete,
            **derived_columns(answers),
        }
    )
    store.conn.execute(f"INSERT INTO cases ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row)
    people_index.update(store, [number])
    refresh_deadlines(store, number)
    first_consent = consent.from_registration(answers, today.isoformat(), actor)
    if first_consent is not None:
        identified = answers.get("identified_on")
        age = age_at(answers, dt.date.fromisoformat(identified)) if identified else None
        consent.insert_consent(store, number, first_consent, actor, age)
    summary = "Case registered (quick: to be completed)" if incomplete else "Case registered"
    insert_events(
        store,
        [
            build_event(
                number,
                1,
                GENESIS,
                actor,
                "registered",
                summary,
                {"form": form.id, "version": form.version, "fields": sorted(answers)},
                at=now,
            )
        ],
    )
    lifecycle.refresh(store, number)
    return number


def missing_for_registration(answers: dict, today: dt.date) -> list[str]:
    """Required registration answers still missing (a quick registration leaves some)."""
    from casecli.forms import load_form

    _clean, problems = load_form("registration").check(answers, today, use_defaults=False)
    return [field for field, why in problems.items() if why == MISSING]


def rules(store: Store, answers: dict) -> dict[str, str]:
    """The field's rules across a registration's answers: the age of majority, and consent by age."""
    from casecli.case.child.age import registration_problems

    return {**consent.registration_problems(store, answers), **registration_problems(store, answers)}


def register_case(store: Store, answers: dict, form: Form, today: dt.date, not_same_as: tuple[str, ...] = ()) -> str:
    """Register a child from answers valid for `form`; returns the new case number.

    A quick registration (form `registration-quick`) is stored against the full registration
    form and marked incomplete until `edit` supplies every required answer. `not_same_as`
    records the worker's decision that possible duplicates shown to them are other children.
    """
    from casecli.case.decisions import links
    from casecli.errors import InvalidAnswers
    from casecli.forms import load_form

    profile = store.profile()
    full = load_form(form.doc.get("completes", form.id))
    if full.id != form.id:
        answers = {"dob_known": False, **answers}
    problems = rules(store, answers)
    if problems:
        raise InvalidAnswers(form.id, problems)
    incomplete = bool(missing_for_registration(answers, today))
    with store.transaction():
        number = insert_case(
            store, answers, full, today, profile["name"], profile["case_number_prefix"], incomplete=incomplete
        )
        for other in not_same_as:
            links.record(store, number, other, "not_same", profile["name"], "checked at registration")
        return number


def edit_registration(store: Store, text: str, changes: dict, today: dt.date, replace: bool = False) -> dict:
    """Change registration answers; returns {field: {"old", "new"}} for what changed.

    With `replace`, `changes` is the whole new set of answers (a wizard's result); otherwise it
    is merged over the stored answers, and None removes an answer. Every answer must be valid. A complete case must stay complete; an incomplete one
    becomes complete once nothing required is missing. Old values stay in the history.
    """
    from casecli.case.file.history import append_event
    from casecli.case.file.lookup import resolve_open
    from casecli.errors import InvalidAnswers
    from casecli.forms import load_form

    number = resolve_open(store, text)
    answers_json, was_incomplete = store.conn.execute(
        "SELECT answers, incomplete FROM cases WHERE case_number = ?", (number,)
    ).fetchone()
    existing = json.loads(answers_json)
    base = {} if replace else existing
    merged = {k: v for k, v in {**base, **changes}.items() if v is not None}
    form = load_form("registration")
    clean, problems = form.check(merged, today, use_defaults=False)
    invalid = {k: v for k, v in problems.items() if v != MISSING}
    missing = {k: v for k, v in problems.items() if v == MISSING}
    if not invalid:
        from casecli.case.child.age import registration_problems

        invalid = registration_problems(store, clean)
    if invalid or (missing and not was_incomplete):
        raise InvalidAnswers(form.id, {**problems, **invalid} if not was_incomplete else invalid)
    diff = {
        key: {"old": existing.get(key), "new": clean.get(key)}
        for key in sorted(set(existing) | set(clean))
        if existing.get(key) != clean.get(key)
    }
    if not diff:
        return {}
    now_complete = bool(was_incomplete) and not missing
    profile = store.profile()
    with store.transaction():
        store.conn.execute(
            "UPDATE cases SET answers = :answers, child_name = :child_name, search_text = :search_text,"
            " sex = :sex, date_of_birth = :date_of_birth, age_estimate = :age_estimate, risk = :risk,"
            " incomplete = :incomplete, updated_at = :now WHERE case_number = :number",
            {
                **derived_columns(clean),
                "answers": json.dumps(clean, ensure_ascii=False, sort_keys=True),
                "incomplete": int(bool(missing)),
                "now": utc_now(),
                "number": number,
            },
        )
        people_index.update(store, [number])
        if "risk_level" in diff or "care_arrangement" in diff:
            refresh_deadlines(store, number)
        summary = "Registration edited: " + ", ".join(diff)
        if now_complete:
            summary += " (registration now complete)"
        append_event(store, number, profile["name"], "edited", summary, diff)
    return diff
