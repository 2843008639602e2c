"""De-identified figures for the child-protection coordination group: counts, never a child.

Counts by sex, age band, nationality, separation status, risk, stage, protection concern, service
type and closure reason, and registrations per month. No name, no case number, no free text: only
the form's codes. A count below the agency's threshold (`report.suppress_under`, 5) is written as
suppressed, so that a small group cannot point to one child.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from casecli.case.child.age import DISPUTE_SQL, age_at, presumed_answers
from casecli.case.due import lifecycle
from casecli.store.db import Store

SUPPRESSED = "<{threshold}"
AGE_BANDS = ((0, 5, "0-5"), (6, 11, "6-11"), (12, 14, "12-14"), (15, 17, "15-17"), (18, 200, "18+"))


def _band(age: int | None) -> str:
    if age is None:
        return "unknown"
    return next(name for low, high, name in AGE_BANDS if low <= age <= high)


def deidentified_rows(store: Store, threshold: int) -> list[dict]:
    """(dimension, category, count) rows; counts under `threshold` suppressed."""
    import datetime as dt

    counts: dict[str, Counter] = {
        name: Counter()
        for name in (
            "sex", "age_band", "nationality", "protection_status", "risk", "stage", "protection_concern",
            "service_type", "closure_reason", "registered_month", "migration_detention", "asylum_status",
            "incident_type", "incident_reported",
        )
    }  # fmt: skip
    # One read, not one a case; each with what the presumption of minority needs (child/age.py).
    registrations = {
        number: (answers, dispute)
        for number, answers, dispute in store.conn.execute(f"SELECT case_number, answers, {DISPUTE_SQL} FROM cases c")
    }
    for row in lifecycle.summaries(store):
        text, dispute = registrations[row["case_number"]]
        answers = json.loads(text)
        registered = dt.date.fromisoformat(row["registered_on"])
        counts["sex"][str(answers.get("sex", "unknown"))] += 1
        counts["age_band"][_band(age_at(presumed_answers(answers, dispute), registered))] += 1
        counts["nationality"][str(answers.get("nationality", "unknown"))] += 1
        counts["protection_status"][str(answers.get("protection_status", "unknown"))] += 1
        counts["risk"][str(row["risk"])] += 1
        counts["stage"][lifecycle.stage({**row, "status": "open"} if row["status"] == "copy" else row)] += 1
        counts["registered_month"][row["registered_on"][:7]] += 1
    for (answers,) in store.conn.execute("SELECT answers FROM assessments WHERE kind = 'comprehensive'"):
        for concern in json.loads(answers).get("protection_concerns", []) or []:
            counts["protection_concern"][str(concern)] += 1
    for (service,) in store.conn.execute("SELECT service_type FROM referrals"):
        counts["service_type"][str(service)] += 1
    for (reason,) in store.conn.execute("SELECT reason FROM closures WHERE reopened_on IS NULL"):
        counts["closure_reason"][str(reason)] += 1
    _legal_figures(store, counts)
    rows = []
    for dimension, counter in counts.items():
        for category, count in sorted(counter.items()):
            shown = count if count >= threshold else SUPPRESSED.format(threshold=threshold)
            rows.append({"dimension": dimension, "category": category, "count": shown})
    return rows


def _legal_figures(store: Store, counts: dict[str, Counter]) -> None:
    """The legal pathway, counted: children held in migration detention now, asylum claims by status,
    incidents by type and whether they were reported (counts only, suppressed like the others)."""
    from casecli.case.due.detention import detained
    from casecli.case.legal.asylum import claims_of
    from casecli.case.legal.incidents import incidents_of

    counts["migration_detention"]["held now"] += sum(1 for held in detained(store).values() if held["status"] == "open")
    numbers = [
        n
        for (n,) in store.conn.execute(
            "SELECT DISTINCT case_number FROM legal WHERE kind IN ('asylum_claim', 'incident')"
        )
    ]
    for number in numbers:
        for claim in claims_of(store, number):
            counts["asylum_status"][claim["status"]] += 1
        for incident in incidents_of(store, number):
            counts["incident_type"][str(incident["answers"].get("violence_type"))] += 1
            counts["incident_reported"]["reported" if incident["reported"] else "not reported"] += 1
    if not counts["migration_detention"]["held now"]:
        del counts["migration_detention"]["held now"]


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["dimension", "category", "count"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_xlsx(rows: list[dict]) -> bytes:
    """The same figures as a workbook: one sheet, a header row, numbers as numbers."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    sheet = book.create_sheet("figures")
    sheet.append(["dimension", "category", "count"])
    for row in rows:
        sheet.append([row["dimension"], row["category"], row["count"]])
    buffer = io.BytesIO()
    book.save(buffer)  # in memory, then written privately and atomically by the command
    return buffer.getvalue()
