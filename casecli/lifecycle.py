"""A case's stage and its next due date, derived from its records (never typed in).

One module that `list`, `show` and the agenda share, so they cannot disagree.
"""

from __future__ import annotations

# Columns every summary needs, computed in SQL so `list` stays one query.
SUMMARY_SQL = """
SELECT c.case_number, c.child_name, c.date_of_birth, c.age_estimate, c.registered_on, c.status, c.risk,
       c.case_worker, c.incomplete, c.demo, c.assessment_due, c.plan_due,
       EXISTS (SELECT 1 FROM assessments a WHERE a.case_number = c.case_number AND a.kind = 'initial') AS assessed,
       EXISTS (SELECT 1 FROM assessments a WHERE a.case_number = c.case_number) AS any_assessment,
       EXISTS (SELECT 1 FROM plans p WHERE p.case_number = c.case_number AND p.status = 'active') AS planned
FROM cases c
"""


def stage(row: dict) -> str:
    if row["status"] != "open":
        return row["status"]
    if row["planned"]:
        return "planned"
    if row["any_assessment"]:
        return "assessed"
    return "registered"


def due_items(row: dict) -> list[tuple[str, str]]:
    """(date, what) pairs still open for the case, earliest first."""
    if row["status"] != "open":
        return []
    items = []
    if not row["assessed"] and row.get("assessment_due"):
        items.append((row["assessment_due"], "initial assessment"))
    if not row["planned"] and row.get("plan_due"):
        items.append((row["plan_due"], "plan"))
    return sorted(items)


def next_due(row: dict) -> str | None:
    items = due_items(row)
    return items[0][0] if items else None
