"""Which children of one name key to compare: only those whose sex, nationality and age do not
contradict each other, where `duplicates.match_score` would give 0 for any other pair.

A name key of a large store can hold thousands of children (a common surname's first three
letters); comparing all of them with all is quadratic in that. Grouped by what is known of
them (sex, nationality, age in years), a group meets only the groups it agrees with: the same
value or an unknown one, an age within the tolerance. The pairs are the same; far fewer are
looked at.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations, product

Known = tuple[str | None, str | None, int | None]
SMALL = 12  # children under one key, below which all their pairs are simply compared


def compatible_pairs(people: dict[str, Known], tolerance: int) -> Iterator[tuple[str, str]]:
    """Each pair of `people` (case number -> sex, nationality, age; None where unknown) that
    agree, once, the lower case number first (of a few people: every pair)."""
    if len(people) <= SMALL:  # most name keys: all pairs is cheaper than grouping
        yield from (_ordered(a, b) for a, b in combinations(people, 2))
        return
    groups: dict[Known, list[str]] = {}
    for number, known in people.items():
        groups.setdefault(known, []).append(number)
    ranks = {key: _rank(key) for key in groups}
    sexes = {sex for sex, _n, _a in groups} | {None}
    nations = {nation for _s, nation, _a in groups} | {None}
    ages = {age for _s, _n, age in groups} | {None}
    for key, members in groups.items():
        yield from (_ordered(a, b) for a, b in combinations(members, 2))
        for other in product(
            sexes if key[0] is None else (key[0], None),
            nations if key[1] is None else (key[1], None),
            ages if key[2] is None else (*range(key[2] - tolerance, key[2] + tolerance + 1), None),
        ):
            # each pair of groups once: from the smaller key (None sorts as the lowest value)
            if other in groups and other != key and ranks[key] < ranks[other]:
                yield from (_ordered(a, b) for a in members for b in groups[other])


def _rank(key: Known) -> tuple:
    return tuple((value is not None, value) for value in key)


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)
