"""After a reunification: the follow-up visit the agenda asks for, and what closing a case as
"reunified" needs (a verified reunification, and a visit after it). Read in one query for every
case (the agenda and the derived due dates call this); no history here, so lifecycle may import it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from casecli.case.due.scope import Scope, scoped

if TYPE_CHECKING:
    from casecli.store.db import Store

REUNIFICATIONS_SQL = """
SELECT t.case_number, t.on_date, t.answers,
       (SELECT max(v.visited_on) FROM visits v WHERE v.case_number = t.case_number AND v.visited_on > t.on_date)
FROM tracing t WHERE t.kind = 'reunification'
"""


def reunifications(store: Store, number: Scope = None) -> list[dict]:
    """Each reunification: the case, when, the first follow-up's due date, whether a visit followed
    and the latest visit after it."""
    sql, params = scoped(REUNIFICATIONS_SQL, "t.case_number", number)
    return [
        {
            "case_number": n,
            "reunified_on": on,
            "follow_up_due": json.loads(a).get("follow_up_due") or on,
            "visited": v is not None,
            "last_visit": v,
        }
        for n, on, a, v in store.conn.execute(sql + " ORDER BY t.on_date", params)
    ]


def follow_ups_due(store: Store, number: Scope = None) -> list[dict]:
    """Reunifications with no visit after them yet: the follow-up visit is due."""
    return [r for r in reunifications(store, number) if not r["visited"]]
