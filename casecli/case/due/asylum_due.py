"""What an asylum claim makes due, in working days of the agency's country (working_days.py):
the filing by entry + `asylum.filing_working_days`, the decision expected by filing +
`asylum.decision_working_days` (overdue after), the appeal by a negative decision +
`asylum.appeal_working_days`, and a document's renewal `asylum.document_warning_days` before it
expires. Read from the `legal` table for every case (or one), like the other outcomes: the claim's
status is derived here as case/legal/asylum.py derives it (the due room sits below it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from casecli.case.due.scope import Scope, scoped
from casecli.case.due.working_days import add_working_days, closed_days
from casecli.store import settings

if TYPE_CHECKING:
    from casecli.store.db import Store

CLAIMS_SQL = """
SELECT a.case_number, a.uid, a.on_date, json_extract(a.answers, '$.wants_asylum'),
       (SELECT json_group_array(json_array(s.on_date, s.answers)) FROM (
            SELECT on_date, answers FROM legal s WHERE s.parent = a.uid ORDER BY on_date, created_at, rowid) s)
FROM legal a WHERE a.kind = 'asylum_claim'
"""


def asylum_due(store: Store, only: Scope = None) -> Iterator[tuple[str, str, str, str, dict]]:
    """(case number, kind, due date, command, arguments) of each deadline a claim has now."""
    rows = store.conn.execute(*scoped(CLAIMS_SQL, "a.case_number", only)).fetchall()
    if not rows:
        return
    country = settings.text(store, "agency.country")
    closed = closed_days(settings.date_ranges(settings.text(store, "agency.closing_days")))
    days = {
        k: settings.get(store, f"asylum.{k}")
        for k in ("filing_working_days", "decision_working_days", "appeal_working_days", "document_warning_days")
    }
    for number, _uid, entered_on, wants, steps_json in rows:
        if not wants:
            continue
        steps = [(on, json.loads(a)) for on, a in json.loads(steps_json or "[]")]
        kinds = [a.get("step") for _on, a in steps]
        if "withdrawn" in kinds or "final" in kinds:
            continue
        command = f"casecli asylum step {number}"
        filed = next((on for on, a in steps if a.get("step") == "filed"), None)
        decisions = [(on, a) for on, a in steps if a.get("step") in ("decision", "appeal_decision")]
        last = decisions[-1] if decisions else None
        if filed is None:
            when = add_working_days(dt.date.fromisoformat(entered_on), days["filing_working_days"], country, closed)
            yield number, "asylum filing", when.isoformat(), command, {"days": days["filing_working_days"]}
        elif last is None:
            when = add_working_days(dt.date.fromisoformat(filed), days["decision_working_days"], country, closed)
            yield number, "asylum decision", when.isoformat(), command, {"days": days["decision_working_days"]}
        elif last[1].get("outcome") == "rejected" and last[1].get("step") == "decision" and "appeal_filed" not in kinds:
            when = add_working_days(dt.date.fromisoformat(last[0]), days["appeal_working_days"], country, closed)
            yield number, "asylum appeal", when.isoformat(), command, {"days": days["appeal_working_days"]}
        documents: dict[str, str] = {}
        for _on, a in steps:  # the latest of each kind of document counts
            if a.get("step") == "document" and a.get("document_expires"):
                documents[str(a.get("document_type"))] = a["document_expires"]
        for document, expires in sorted(documents.items()):
            when = dt.date.fromisoformat(expires) - dt.timedelta(days=days["document_warning_days"])
            yield number, "asylum document", when.isoformat(), command, {"document": document, "date": expires}
