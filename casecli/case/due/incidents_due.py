"""An incident the agency lists as reportable (`incident.reportable_types`), not yet reported to the
authority and not excused by a supervisor's approval, is due the day it was recorded (the law asks
for the report at once). Read for every case, or one, from the `legal` and `approvals` tables
(case/legal/incidents.py says the same of one case)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from casecli.case.due.scope import Scope, scoped
from casecli.store import settings

if TYPE_CHECKING:
    from casecli.store.db import Store

UNREPORTED_SQL = """
SELECT i.case_number, substr(i.created_at, 1, 10), i.on_date FROM legal i
WHERE i.kind = 'incident' AND json_extract(i.answers, '$.reported_to') = 'not_yet'
AND json_extract(i.answers, '$.violence_type') IN (SELECT value FROM json_each(:types))
AND NOT EXISTS (SELECT 1 FROM legal r WHERE r.parent = i.uid AND r.kind = 'incident_report')
AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.case_number = i.case_number AND a.kind = 'incident_not_reported'
                AND a.status = 'approved' AND json_extract(a.subject, '$.incident') = i.uid)
"""


def incidents_due(store: Store, only: Scope = None) -> Iterator[tuple[str, str, str, str, dict]]:
    """(case number, kind, due date, command, arguments) of each incident the law asks to report."""
    import json

    types = [t for t in settings.text(store, "incident.reportable_types").split(",") if t]
    sql, params = scoped(UNREPORTED_SQL.replace(":types", "?"), "i.case_number", only)
    for number, recorded_on, occurred_on in store.conn.execute(sql, [json.dumps(types), *params]):
        yield number, "incident", recorded_on, f"casecli incident report {number}", {"date": occurred_on}
