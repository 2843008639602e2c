"""Working days: the legal deadlines count days that are neither a weekend nor a public holiday of
the agency's country (setting `agency.country`), from the maintained `holidays` calendar, never a
hand-typed list. The official closing days an authority announces on top of them (an agency's
December break) are the agency's to add; they are not in any calendar.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[dt.date]:
    import holidays  # imported where a deadline is counted: `--help` never pays for it

    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:  # a country the calendar does not know: weekends only
        return frozenset()


def is_working_day(day: dt.date, country: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def add_working_days(start: dt.date, days: int, country: str) -> dt.date:
    """The `days`-th working day after `start` (the day itself not counted)."""
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, country):
            counted += 1
    return day
