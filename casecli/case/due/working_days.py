"""Working days: the legal deadlines count days that are neither a weekend nor a public holiday of
the agency's country (setting `agency.country`), from the maintained `holidays` calendar, never a
hand-typed list. The closing days an authority announces on top of them (COMAR's December break)
are in no calendar: the agency lists them (setting `agency.closing_days`).
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


def closed_days(ranges: list[tuple[str, str]] | None) -> frozenset[dt.date]:
    """The days of the agency's `agency.closing_days` ranges (store/settings.date_ranges)."""
    days: set[dt.date] = set()
    for first, last in ranges or []:
        day = dt.date.fromisoformat(first)
        while day <= dt.date.fromisoformat(last):
            days.add(day)
            day += dt.timedelta(days=1)
    return frozenset(days)


def is_working_day(day: dt.date, country: str, closed: frozenset[dt.date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year) and day not in closed


def add_working_days(start: dt.date, days: int, country: str, closed: frozenset[dt.date] = frozenset()) -> dt.date:
    """The `days`-th working day after `start` (the day itself not counted); `closed`: the days an
    authority announced as non-working besides (setting `agency.closing_days`)."""
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, country, closed):
            counted += 1
    return day
