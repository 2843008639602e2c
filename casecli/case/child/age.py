"""The child's age against the age of majority: who may be registered as a child, and when a child
turns 18 (the plan then needs a transition action). Thresholds are agency settings."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from casecli.i18n import _
from casecli.store import settings

if TYPE_CHECKING:
    from casecli.store.db import Store


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
