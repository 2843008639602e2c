"""Age assessments of a child whose age is disputed.

Until one is recorded the child is presumed the age they state (case/child/age.py reads the
latest assessment for every age rule); a case may not close as "reached adulthood" on a dispute
no assessment settled. The latest assessment counts; its lowest age, or the appeal's where the
appeal changed it (the benefit of the doubt goes to the child).
"""

from __future__ import annotations

import json

from casecli.case.file.lookup import resolve, resolve_open
from casecli.case.legal.asylum import insert
from casecli.errors import InvalidAnswers
from casecli.i18n import _
from casecli.store.db import Store


def problems(answers: dict) -> dict[str, str]:
    low, high = answers.get("outcome_age_min"), answers.get("outcome_age_max")
    if low is not None and high is not None and high < low:
        return {"outcome_age_max": _("at least the lowest age of the range")}
    return {}


def record(store: Store, text: str, answers: dict) -> dict:
    number = resolve_open(store, text)
    found = problems(answers)
    if found:
        raise InvalidAnswers("age-assessment", found)
    return insert(store, number, None, "age_assessment", answers, "Age assessment recorded")


def age_assessments_of(store: Store, text: str) -> list[dict]:
    number = resolve(store, text)
    return [
        {"number": n, "uid": uid, "assessed_on": on, "answers": json.loads(a), "by": by}
        for n, (uid, on, a, by) in enumerate(
            store.conn.execute(
                "SELECT uid, on_date, answers, created_by FROM legal WHERE case_number = ? AND kind = 'age_assessment'"
                " ORDER BY on_date, created_at, rowid",
                (number,),
            ),
            start=1,
        )
    ]
