"""What the child-protection authority's step makes due (case/legal/authority.py): its notification
`authority.notify_days` after the identification, unless the registration answered that it was
notified (with the date) or a notification is recorded; then the restitution plan
`authority.restitution_days` after the first notification, until one is recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from casecli.case.due.scope import Scope, scoped
from casecli.store import settings

if TYPE_CHECKING:
    from casecli.store.db import Store

AUTHORITY_SQL = """
SELECT c.case_number, coalesce(json_extract(c.answers, '$.identified_on'), c.registered_on),
       min(coalesce((SELECT min(n.on_date) FROM legal n WHERE n.case_number = c.case_number AND n.kind = 'authority_notification'), '9999'),
           CASE WHEN json_extract(c.answers, '$.authority_notified') THEN coalesce(json_extract(c.answers, '$.authority_notified_on'), '9999') ELSE '9999' END),
       EXISTS (SELECT 1 FROM legal p WHERE p.case_number = c.case_number AND p.kind = 'restitution_plan')
FROM cases c WHERE 1
"""


def _plus(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day[:10]) + dt.timedelta(days=days)).isoformat()


def authority_due(store: Store, only: Scope = None) -> Iterator[tuple[str, str, str, str, dict]]:
    """(case number, kind, due date, command, arguments) of the authority's step."""
    notify, restitution = (
        settings.get(store, "authority.notify_days"),
        settings.get(store, "authority.restitution_days"),
    )
    sql, params = scoped(AUTHORITY_SQL, "c.case_number", only)
    for number, identified, notified, planned in store.conn.execute(sql, params):
        if notified == "9999":
            yield number, "authority notification", _plus(identified, notify), f"casecli authority {number}", {}
        elif not planned:
            when = _plus(notified, restitution)
            yield number, "restitution plan", when, f"casecli authority plan {number}", {"date": notified}
