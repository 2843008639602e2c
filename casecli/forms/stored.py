"""Answers as casecli stores them, checked quickly.

A bundle's import checks a hundred thousand sets of answers that a casecli wrote, each value in
its stored form: a date as YYYY-MM-DD, a choice's value, a whole number, yes or no as true or
false. `invalid` says "nothing wrong" for such a set by one look at each answer given (not a walk
through every field of the form, with its conditions), and for any other set asks `Form.check`,
which says what is wrong, and names the values it would take but casecli never stores. A quick
check accepts only values that `Field.coerce` accepts as they are, and every value `Form.check`
cleans (tests hold them together on generated answers).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from casecli.context import FIRST_YEAR, LAST_YEAR
from casecli.i18n import date_patterns

if TYPE_CHECKING:
    from casecli.forms import Field, Form

# A stored value and the day it is checked on -> whether it is surely valid.
QuickCheck = Callable[[Any, dt.date], bool]


def invalid(form: Form, answers: dict, today: dt.date) -> dict[str, str]:
    """The problems of a set of stored answers (a colleague's record), by field id, other than a
    missing answer (a draft may leave a question for later): none for a set in stored form.

    A value the full check would take from a person but that casecli never stores is one too: a
    date as DD/MM/AAAA (read so in Spanish), a number or yes/no as text, a choice with spaces
    around it. Kept as it came, it would be read as something else later (the text "no" is true)
    or not at all (a date that is not YYYY-MM-DD stops every read of the case)."""
    from casecli.forms import MISSING

    if all_fine(form, answers, today):
        return {}
    _clean, problems = form.check(answers, today, use_defaults=False)
    found = {field: why for field, why in problems.items() if why != MISSING}
    checks = form.quick_checks
    for key, value in form.upgraded(answers).items():
        quick = checks.get(key)  # None: not a field (said above), or one only the full check can judge
        if value is None or key in found or quick is None:
            continue
        if not all(fine(value, today) for fine in quick):
            found[key] = NOT_STORED
    return found


NOT_STORED = "not a value as casecli stores it"


def all_fine(form: Form, answers: dict, today: dt.date) -> bool:
    """Whether every answer given is a valid stored value of its field (False: ask `Form.check`)."""
    checks = form.quick_checks
    renamed = form.renamed
    if renamed and not renamed.keys().isdisjoint(answers):
        return False  # an earlier form's ids: the full check renames them
    for key, value in answers.items():
        if value is None:
            continue  # not answered (a missing answer is not a problem here)
        found = checks.get(key)
        if found is None:
            return False  # not a field of the form, or one without a quick check
        for fine in found:
            if not fine(value, today):
                return False
    return True


def quick_checks(fields: list[Field]) -> dict[str, tuple[QuickCheck, ...] | None]:
    """Each field id's quick checks (every field of that id must accept the value), or None for an
    id one of whose fields has none (a text with a validator: the full check runs it)."""
    found: dict[str, tuple[QuickCheck, ...] | None] = {}
    for field in fields:
        check = _quick_check(field)
        if field.id in found:
            before = found[field.id]
            found[field.id] = None if before is None or check is None else (*before, check)
        else:
            found[field.id] = None if check is None else (check,)
    return found


def _quick_check(field: Field) -> QuickCheck | None:
    kind = field.type
    if kind in ("text", "longtext"):
        limit, validator = field.text_rules
        if validator:
            return None
        if limit:
            return lambda value, _today: type(value) is str and len(value) <= limit
        return lambda value, _today: type(value) is str
    if kind == "date":
        not_future = field.not_future

        def fine_day(value: Any, today: dt.date) -> bool:
            if type(value) is not str:
                return False
            day = stored_day(value)
            return day is not None and not (not_future and day > today)

        return fine_day
    if kind == "integer":
        low, high = field.spec.get("min"), field.spec.get("max")
        return lambda value, _today: (
            type(value) is int and (low is None or value >= low) and (high is None or value <= high)
        )
    if kind == "boolean":
        return lambda value, _today: type(value) is bool
    if kind == "choice":
        values = frozenset(field.choice_values)
        return lambda value, _today: type(value) is str and value in values
    if kind == "multichoice":
        values = frozenset(field.choice_values)
        exclusive = field.spec.get("exclusive")
        return lambda value, _today: (
            type(value) is list
            and all(type(item) is str and item in values for item in value)
            and not (exclusive in value and len(value) > 1)
        )
    return None


@functools.lru_cache(maxsize=65536)
def stored_day(text: str) -> dt.date | None:
    """A date as stored (YYYY-MM-DD, nothing around it, within casecli's years), or None.
    (Remembered: a bundle's hundred thousand answers name a few thousand days.)"""
    iso, _day_first = date_patterns()
    if not iso.fullmatch(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None
