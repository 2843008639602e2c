"""The child's age against the age of majority: who may be registered as a child, and when a child
turns 18 (the plan then needs a transition action). Thresholds are agency settings.

The presumption of minority (CRC General Comment 6, UNHCR): where the age is disputed, every age
rule reads the age the child states, counted from the identification, until an age assessment
settles it (its lowest age, counted from its date; an appeal pending keeps the child's word). The
stored date of birth or estimate is what the worker recorded, and is never the one the rules read
under a dispute.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING

from casecli.canonical import may_hold_sql
from casecli.i18n import _
from casecli.store import settings

if TYPE_CHECKING:
    from casecli.store.db import Store


# What the presumption needs of a case `c` in one column (NULL where the age is not disputed, as
# for most children: the answers are parsed only where the word is there): what the child says,
# the day it counts from, and the latest age assessment's answers.
DISPUTE_SQL = (
    "CASE WHEN "
    + may_hold_sql("c.answers", '"age_disputed"')
    + " AND json_extract(c.answers, '$.age_disputed') THEN json_array("
    "json_extract(c.answers, '$.age_child_says'), coalesce(json_extract(c.answers, '$.identified_on'), c.registered_on),"
    " (SELECT l.answers FROM legal l WHERE l.case_number = c.case_number AND l.kind = 'age_assessment'"
    " ORDER BY l.on_date DESC, l.created_at DESC LIMIT 1)) END"
)
_NUMBER = re.compile(r"\d{1,2}")


def stated_age(says: object) -> int | None:
    """The age in what the child says ("16", "dice que tiene 16 años"), or None."""
    found = _NUMBER.search(str(says or ""))
    return int(found.group()) if found and int(found.group()) <= 30 else None


def presumed(
    date_of_birth: str | None, age_estimate: int | None, counted_from: str, dispute: str | None
) -> tuple[str | None, int | None, str, bool]:
    """(date of birth, estimate, the day the estimate counts from, settled?) the age rules read:
    the recorded ones where the age is not disputed (`dispute`: DISPUTE_SQL's column, or None),
    else the child's stated age or the latest assessment's."""
    if not dispute:
        return date_of_birth, age_estimate, counted_from, True
    says, identified, assessment = json.loads(dispute)
    if assessment:
        found = json.loads(assessment)
        if found.get("appeal") != "pending":
            changed = found.get("appeal") == "changed" and found.get("appeal_age_min") is not None
            age = found["appeal_age_min"] if changed else found.get("outcome_age_min")
            return None, age, found.get("assessed_on") or identified, True
    return None, stated_age(says), identified, False


def dispute_of(store: Store, number: str) -> str | None:
    """DISPUTE_SQL's column for one case."""
    row = store.conn.execute(f"SELECT {DISPUTE_SQL} FROM cases c WHERE c.case_number = ?", (number,)).fetchone()
    return row[0] if row else None


def dispute_of_answers(answers: dict) -> str | None:
    """DISPUTE_SQL's column for a registration not stored yet (no assessment can exist)."""
    if not answers.get("age_disputed"):
        return None
    return json.dumps([answers.get("age_child_says"), answers.get("identified_on"), None])


def presumed_answers(answers: dict, dispute: str | None) -> dict:
    """The registration's answers as the age rules read them (`age_at` on these)."""
    if not dispute:
        return answers
    born, estimate, counted_from, _settled = presumed(None, None, "", dispute)
    return {**answers, "date_of_birth": born, "age_estimate": estimate, "identified_on": counted_from}


def years_between(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none: the birthday is on 1 March
        return day.replace(year=day.year + years, month=3, day=1)


def age_at(answers: dict, on: dt.date) -> int | None:
    """The age a registration's answers give on a day (an estimate counts as given on identification)."""
    if answers.get("date_of_birth"):
        return years_between(dt.date.fromisoformat(answers["date_of_birth"]), on)
    estimate = answers.get("age_estimate")
    if estimate is None:
        return None
    identified = answers.get("identified_on")
    grown = years_between(dt.date.fromisoformat(identified), on) if identified else 0
    return int(estimate) + max(grown, 0)


def majority_date(date_of_birth: str | None, age_estimate: int | None, counted_from: str, majority: int) -> str | None:
    """The day the child reaches `majority`: from the date of birth, or from an estimate made on `counted_from`."""
    if date_of_birth:
        return add_years(dt.date.fromisoformat(date_of_birth), majority).isoformat()
    if age_estimate is None:
        return None
    return add_years(dt.date.fromisoformat(counted_from[:10]), max(majority - int(age_estimate), 0)).isoformat()


def registration_problems(store: Store, answers: dict) -> dict[str, str]:
    """An adult registered as a child is refused, unless the worker marks the age as disputed."""
    majority = settings.get(store, "age.majority_years")
    identified = answers.get("identified_on")
    if not identified or answers.get("age_disputed"):
        return {}
    age = age_at(answers, dt.date.fromisoformat(identified))
    if age is None or age < majority:
        return {}
    field = "date_of_birth" if answers.get("date_of_birth") else "age_estimate"
    return {
        field: _(
            "{majority} or older on the identification date (setting age.majority_years):"
            " an adult is not registered as a child; if the age is disputed, answer age_disputed"
        ).format(majority=majority)
    }


def age_on(
    date_of_birth: str | None, age_estimate: int | None, registered_on: str, today: dt.date
) -> tuple[int | None, bool]:
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
