"""The case: registration, lookup and listing. Plain functions over an open store."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import unicodedata

from casecli import casenumber
from casecli.case import lifecycle
from casecli.case.deadlines import refresh_deadlines
from casecli.errors import CaseNotFound, InvalidCaseNumber, InvalidInput
from casecli.forms import MISSING, Form
from casecli.case.history import GENESIS, build_event, insert_events
from casecli.i18n import _
from casecli.store.db import Store, utc_now

RISK_ORDER = {"high": 0, "medium": 1, "low": 2}


def fold(text: str) -> str:
    """Lower case without accents, so 'Hernández' and 'hernandez' find each other."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def child_name(answers: dict) -> str:
    return " ".join(p for p in (answers.get("name_first"), answers.get("name_last")) if p)


def age_on(date_of_birth: str | None, age_estimate: int | None, registered_on: str, today: dt.date) -> tuple[int | None, bool]:
    """The child's age today and whether it is an estimate (grown by the years since registration)."""
    if date_of_birth:
        born = dt.date.fromisoformat(date_of_birth)
        years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return max(years, 0), False
    if age_estimate is None:
        return None, True
    registered = dt.date.fromisoformat(registered_on)
    elapsed = today.year - registered.year - ((today.month, today.day) < (registered.month, registered.day))
    return age_estimate + max(elapsed, 0), True


def derived_columns(answers: dict) -> dict:
    name = child_name(answers)
    searchable = " ".join(answers.get(k) or "" for k in ("name_first", "name_last", "name_other"))
    return {
        "child_name": name,
        "search_text": fold(searchable),
        "sex": answers.get("sex"),
        "date_of_birth": answers.get("date_of_birth"),
        "age_estimate": answers.get("age_estimate"),
        "risk": answers["risk_level"],
    }


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
    store: Store, answers: dict, form: Form, today: dt.date, actor: str, prefix: str,
    demo: bool = False, incomplete: bool = False,
) -> str:
    """Insert one registered case and its first event; call inside a write transaction."""
    from casecli.store.records import CaseRow

    number = next_case_number(store, prefix)
    now = utc_now()
    row = CaseRow.model_validate(
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
    ).model_dump()
    store.conn.execute(
        f"INSERT INTO cases ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row
    )
    refresh_deadlines(store, number)
    summary = "Case registered (quick: to be completed)" if incomplete else "Case registered"
    insert_events(
        store,
        [build_event(number, 1, GENESIS, actor, "registered", summary,
                     {"form": form.id, "version": form.version, "fields": sorted(answers)}, at=now)],
    )
    lifecycle.refresh(store, number)
    return number


def missing_for_registration(answers: dict, today: dt.date) -> list[str]:
    """Required registration answers still missing (a quick registration leaves some)."""
    from casecli.forms import load_form

    _clean, problems = load_form("registration").check(answers, today, use_defaults=False)
    return [field for field, why in problems.items() if why == MISSING]


def register_case(
    store: Store, answers: dict, form: Form, today: dt.date, not_same_as: tuple[str, ...] = ()
) -> str:
    """Register a child from answers valid for `form`; returns the new case number.

    A quick registration (form `registration-quick`) is stored against the full registration
    form and marked incomplete until `edit` supplies every required answer. `not_same_as`
    records the worker's decision that possible duplicates shown to them are other children.
    """
    from casecli.case import links
    from casecli.forms import load_form

    profile = store.profile()
    full = load_form(form.doc.get("completes", form.id))
    if full.id != form.id:
        answers = {"dob_known": False, **answers}
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
    from casecli.case.closure import resolve_open
    from casecli.errors import InvalidAnswers
    from casecli.forms import load_form
    from casecli.case.history import append_event

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
    if invalid or (missing and not was_incomplete):
        raise InvalidAnswers(form.id, problems if not was_incomplete else invalid)
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
        if "risk_level" in diff:
            refresh_deadlines(store, number)
        summary = "Registration edited: " + ", ".join(diff)
        if now_complete:
            summary += " (registration now complete)"
        append_event(store, number, profile["name"], "edited", summary, diff)
    return diff


LIST_SQL = (
    "SELECT case_number, child_name, date_of_birth, age_estimate, registered_on, status, stage, next_due, risk,"
    " case_worker, incomplete, demo FROM cases c"
)


def _summary(row: dict, today: dt.date) -> dict:
    age, estimated = age_on(row["date_of_birth"], row["age_estimate"], row["registered_on"], today)
    return {
        "case_number": row["case_number"],
        "child_name": row["child_name"],
        "age": age,
        "age_estimated": estimated,
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
    store: Store, today: dt.date, status: str | None = None, risk: str | None = None,
    search: str | None = None, incomplete: bool = False,
) -> list[dict]:
    """Cases matching every filter given, highest risk and newest first."""
    where, params = [], []
    if incomplete:
        where.append("c.incomplete = 1")
    if risk:
        if risk not in RISK_ORDER:
            raise InvalidInput(_("--risk: expected one of: {choices}").format(choices=", ".join(RISK_ORDER)))
        where.append("c.risk = ?")
        params.append(risk)
    if search:
        where.append("(c.search_text LIKE ? ESCAPE '\\' OR c.case_number LIKE ? ESCAPE '\\')")
        needle = fold(search).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params += [f"%{needle}%", f"%{casenumber.canonical(search).replace('_', '-')}%"]
    if status:
        where.append("(c.stage = ? OR c.status = ?)")
        params += [status, status]
    cursor = store.conn.execute(LIST_SQL + (" WHERE " + " AND ".join(where) if where else ""), params)
    names = [d[0] for d in cursor.description]
    rows = [_summary(dict(zip(names, values)), today) for values in cursor]
    rows.sort(key=lambda r: (RISK_ORDER.get(r["risk"], 9), _negated(r["registered_on"]), r["case_number"]))
    return rows


def _negated(iso_date: str) -> int:
    return -dt.date.fromisoformat(iso_date).toordinal()


def resolve(store: Store, text: str) -> str:
    """The stored case number for what the worker typed, or CaseNotFound naming the closest."""
    try:
        number = casenumber.parse(text)
    except InvalidCaseNumber as exc:
        raise CaseNotFound(exc.message + _closest_hint(store, casenumber.canonical(text))) from None
    if store.conn.execute("SELECT 1 FROM cases WHERE case_number = ?", (number,)).fetchone():
        return number
    gone = store.conn.execute("SELECT purged_on FROM tombstones WHERE case_number = ?", (number,)).fetchone()
    if gone:
        raise CaseNotFound(_("{number} was purged on {date} (its retention period ended or it was removed early)").format(number=number, date=gone[0]))
    raise CaseNotFound(_("no case {number} in this store").format(number=number) + _closest_hint(store, number))


def _closest_hint(store: Store, number: str) -> str:
    numbers = [r[0] for r in store.conn.execute("SELECT case_number FROM cases")]
    close = difflib.get_close_matches(number, numbers, n=3, cutoff=0.6)
    return _("; closest: {numbers}").format(numbers=", ".join(close)) if close else ""


def get_case(store: Store, text: str, today: dt.date) -> dict:
    number = resolve(store, text)
    summary = lifecycle.summary_of(store, number)
    due = sorted(lifecycle.due_items(store, [summary]).get(number, []), key=lambda d: (d.due, d.kind))
    case = _summary({**summary, "stage": lifecycle.stage(summary), "next_due": lifecycle.next_due(due)}, today)
    case["due"] = [d.as_dict(today) for d in due]
    cursor = store.conn.execute("SELECT * FROM cases WHERE case_number = ?", (number,))
    names = [d[0] for d in cursor.description]
    row = dict(zip(names, cursor.fetchone()))
    case["form"] = {"id": row["form_id"], "version": row["form_version"]}
    case["registration"] = json.loads(row["answers"])
    case["created_at"], case["updated_at"] = row["created_at"], row["updated_at"]
    if case["incomplete"]:
        case["missing"] = missing_for_registration(case["registration"], today)
    from casecli.case import plan as plans
    from casecli.case.assessment import assessments_of
    from casecli.case.closure import closures_of
    from casecli.case.implementation import progress_of, referrals_of
    from casecli.case.links import links_of
    from casecli.case.monitoring import reviews_of, visits_of, visits_on_time

    case["links"] = links_of(store, number)
    case["deadlines"] = {"initial_assessment": row["assessment_due"], "plan": row["plan_due"]}
    case["assessments"] = assessments_of(store, number)
    current = plans.load(store, number)
    in_force = plans.active(store, number)
    case["plan"] = None if current is None else {
        "version": current["version"], "status": current["status"], "data": current["data"],
        "active_version": in_force["version"] if in_force else None,
        "progress": progress_of(store, number),
    }
    case["referrals"] = referrals_of(store, number, today)
    case["visits"] = visits_of(store, number)
    case["visit_count"] = visits_on_time(store, number)
    case["reviews"] = reviews_of(store, number)
    case["closures"] = closures_of(store, number)
    case["conflicts"] = [
        {"bundle_id": b, "sender": who, "received_at": at, "records": json.loads(records)}
        for b, who, at, records in store.conn.execute(
            "SELECT bundle_id, sender, received_at, records FROM conflicts WHERE case_number = ? AND resolved_at IS NULL", (number,))
    ]
    return case

