"""Primero's bulk JSON export in: each case assigned to the worker becomes a casecli case (a new
case number; Primero's id and its other_agency_id kept, so a later export updates the same
record), by the same mapping read backwards, with duplicate detection and in one transaction.
What casecli has no place for is listed, case by case, never dropped silently."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casecli.errors import InvalidInput
from casecli.handover.primero import SYSTEM
from casecli.handover.primero.target import mapping
from casecli.i18n import _
from casecli.plaintext import file_name
from casecli.store.db import Store, utc_now

MAX_BYTES = 64 * 1024 * 1024
MAX_CASES = 20_000
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Primero's own record-keeping: not the child's information, not listed as left behind.
SYSTEM_FIELDS = {
    "id", "module_id", "record_state", "workflow", "created_at", "created_by", "created_by_agency",
    "owned_by", "owned_by_agency_id", "owned_by_text", "owned_by_location", "previously_owned_by",
    "previous_agency", "assigned_user_names", "database_operator_user_name", "case_id", "short_id",
    "case_id_display", "marked_for_mobile", "last_updated_at", "last_updated_by", "posted_at",
    "unique_identifier", "record_in_scope", "flag_count", "alert_count", "sync_status",
}  # fmt: skip


@dataclass
class PrimeroCase:
    """One case of the export, as casecli would register it."""

    primero_id: str
    label: str  # how the worker knows it in Primero (its display id)
    answers: dict
    agency_id: str | None = None
    missing: list[str] = field(default_factory=list)  # registration answers still to complete
    not_mapped: list[dict] = field(default_factory=list)  # {"field", "why"}: left in Primero
    refused: str | None = None  # why it cannot come in
    already: str | None = None  # the case it already is here
    duplicates: list[tuple[str, float]] = field(default_factory=list)
    number: str | None = None  # once imported


def read_export(path: Path) -> list[dict]:
    """The records of a Primero bulk export: a list of objects with `id` and `data`."""
    name = file_name(path.name)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InvalidInput(_("import --primero: {file} is larger than 64 MiB").format(file=name))
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidInput(
            _("import --primero: {file} is not Primero's JSON export ({why})").format(file=name, why=str(exc)[:120])
        ) from None
    if isinstance(records, dict) and isinstance(records.get("data"), list):
        records = records["data"]  # the API's list answer: {"data": [...], "metadata": {...}}
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InvalidInput(
            _('import --primero: {file}: expected a list of cases, each with "id" and "data"').format(file=name)
        )
    if len(records) > MAX_CASES:
        raise InvalidInput(
            _("import --primero: {file} holds more than {count} cases").format(file=name, count=MAX_CASES)
        )
    return records


def plan(store: Store, records: list[dict], today: dt.date) -> list[PrimeroCase]:
    """Each record as it would come in (nothing written)."""
    from casecli.case.decisions import duplicates

    cases = []
    seen: set[str] = set()
    for index, record in enumerate(records, start=1):
        case = _case_of(record, index, today)
        if case.refused is None and case.primero_id in seen:
            case.refused = _("the export holds this case twice")
        seen.add(case.primero_id)
        if case.refused is None:
            found = store.conn.execute(
                "SELECT case_number FROM external_ids WHERE system = ? AND external_id = ?", (SYSTEM, case.primero_id)
            ).fetchone()
            case.already = found[0] if found else None
        if case.refused is None and case.already is None:
            case.duplicates = duplicates.matches_for(store, case.answers, today)
        cases.append(case)
    return cases


def _case_of(record: dict, index: int, today: dt.date) -> PrimeroCase:
    from casecli.case.steps.registration import missing_for_registration
    from casecli.forms import MISSING, load_form

    data: dict = record["data"] if isinstance(record.get("data"), dict) else record
    raw_id = str(record.get("id") or data.get("id") or "").strip().lower()
    label = str(data.get("case_id_display") or data.get("short_id") or raw_id or f"#{index}")[:40]
    if not _UUID.fullmatch(raw_id):
        return PrimeroCase(raw_id, label, {}, refused=_("its id is not a UUID"))
    form = load_form("registration")
    answers: dict[str, Any] = {}
    not_mapped: list[dict] = []
    used: set[str] = set(SYSTEM_FIELDS)
    for rule in mapping()["fields"]:
        source, to = rule.get("from", ""), rule["to"]
        target = _registration_field(source)
        if target is None or to not in data or data[to] in (None, "", []):
            continue
        used.add(to)
        value = _back(rule, data[to])
        if target in answers:
            continue  # two Primero fields for one answer (nationality, country of origin): the first
        try:
            coerced = form.field(target).coerce(value, today)
        except (ValueError, KeyError) as exc:
            not_mapped.append(
                {"field": to, "why": _("casecli's {field} does not take it ({why})").format(field=target, why=exc)}
            )
            continue
        if coerced is not None:
            answers[target] = coerced
    if "age" in data and "date_of_birth" not in answers and isinstance(data["age"], int) and 0 <= data["age"] < 30:
        answers["age_estimate"] = data["age"]
        used.add("age")
    answers["dob_known"] = "date_of_birth" in answers
    agency_id = data.get("other_agency_id")
    used.add("other_agency_id")
    for key, value in data.items():
        if key not in used and value not in (None, "", [], {}, False):
            not_mapped.append({"field": str(key)[:80], "why": _("casecli has no place for it: it stays in Primero")})
    case = PrimeroCase(raw_id, label, answers, str(agency_id)[:80] if agency_id else None, not_mapped=not_mapped)
    _clean, problems = form.check(answers, today, use_defaults=False)
    invalid = {k: v for k, v in problems.items() if v != MISSING}
    if not answers.get("name_first"):
        case.refused = _("no first name (Primero's name_first)")
    elif not answers.get("risk_level"):
        case.refused = _("no risk level (Primero's risk_level): casecli never guesses one")
    elif invalid:
        case.refused = "; ".join(f"{k}: {v}" for k, v in invalid.items())[:200]
    case.missing = missing_for_registration(answers, today)
    return case


def _registration_field(source: str) -> str | None:
    """The registration answer a mapping source names (the case's risk and age are its risk_level
    and age_estimate when a case comes in)."""
    if source.startswith("registration."):
        return source.removeprefix("registration.")
    return {"case.risk": "risk_level"}.get(source)


def _back(rule: dict, value: Any) -> Any:
    """Primero's value as casecli's: a renamed option back to casecli's id, a one-item list to its item."""
    if rule.get("shape") == "list" and isinstance(value, list):
        value = value[0] if len(value) == 1 else value
    for ours, theirs in rule.get("same", {}).items():
        if theirs == value:
            return ours
    return value


def apply(store: Store, cases: list[PrimeroCase], today: dt.date, new_child: bool) -> list[PrimeroCase]:
    """Register every case that can come in, in one transaction; returns those imported."""
    from casecli.case.decisions import links
    from casecli.case.file.history import append_event
    from casecli.case.steps.registration import insert_case
    from casecli.forms import load_form

    profile = store.profile()
    form = load_form("registration")
    taken = [c for c in cases if c.refused is None and c.already is None and (new_child or not c.duplicates)]
    with store.transaction():
        for case in taken:
            number = insert_case(
                store,
                case.answers,
                form,
                today,
                profile["name"],
                profile["case_number_prefix"],
                incomplete=bool(case.missing),
            )
            store.conn.execute(
                "INSERT INTO external_ids (case_number, system, external_id, agency_id, created_at) VALUES (?, ?, ?, ?, ?)",
                (number, SYSTEM, case.primero_id, case.agency_id, utc_now()),
            )
            for other, _score in case.duplicates:
                links.record(store, number, other, "not_same", profile["name"], "checked at the Primero import")
            append_event(
                store,
                number,
                profile["name"],
                "primero import",
                f"Came from the agency's Primero ({case.label})",
                {"from": SYSTEM, "id": case.primero_id, "left_in_primero": [n["field"] for n in case.not_mapped]},
            )
            case.number = number
    return taken
