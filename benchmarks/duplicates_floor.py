"""The floor of `casecli duplicates`: the same candidate pairs, scored, in a bare script.

    python benchmarks/duplicates_floor.py STORE   # (CASECLI_PASSPHRASE in the environment)

Reads the name index (`people`, `people_keys`: a query each), and under each name key two or
more children share, scores each pair whose sex, nationality and age agree (the pairs of
case/child/pairing.py, each pair once: under the first key the two share) by the name rule
(each part of the shorter name against the longer one's parts, rapidfuzz's ratio, 0.7 of it
where the first letters differ; every part at least 0.75, the mean at least 0.84), and keeps each
child's five best pairs in a heap. No decided pairs are read, no names looked up, nothing printed
but the count: the least `duplicates --json` must do.
"""

from __future__ import annotations

import datetime as dt
import heapq
import os
import sys
from pathlib import Path

from rapidfuzz.distance import Indel

from casecli.case.child.age import age_on
from casecli.case.child.pairing import compatible_pairs
from casecli.store.db import open_store

UNKNOWN = {None, "", "unknown", "other"}


def part(a: str, b: str) -> float:
    if a == b:
        return 1.0
    ratio = Indel.normalized_similarity(a, b)
    return ratio if a[0] == b[0] else ratio * 0.7


def names(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if not short or (len(short) == 1 and len(long) > 1):
        return 0.0
    best = [max(part(t, u) for u in long) for t in short]
    return 0.0 if min(best) < 0.75 else sum(best) / len(best)


def main(path: str) -> int:
    store = open_store(Path(path), lambda: os.environ["CASECLI_PASSPHRASE"])
    today = dt.date.today()
    people = {}
    for number, tokens, sex, nationality, born, estimate, registered in store.conn.execute(
        "SELECT case_number, tokens, sex, nationality, date_of_birth, age_estimate, registered_on FROM people"
    ):
        age, _estimated = age_on(born, estimate, registered, today)
        people[number] = (
            tuple(tokens.split()),
            (None if sex in UNKNOWN else sex, None if nationality in UNKNOWN else nationality, age),
        )
    keys: dict[str, list[str]] = {}
    for key, number in store.conn.execute("SELECT key, case_number FROM people_keys ORDER BY key"):
        keys.setdefault(key, []).append(number)
    first_key: dict[tuple[str, str], str] = {}
    best: dict[str, list[tuple[float, str]]] = {}
    found = 0
    for key, numbers in keys.items():
        if len(numbers) < 2:
            continue
        for a, b in compatible_pairs({n: people[n][1] for n in numbers}, 2):
            if first_key.setdefault((a, b), key) != key:
                continue  # scored under an earlier key the two share
            score = names(people[a][0], people[b][0])
            if score >= 0.84:
                found += 1
                for one, other in ((a, b), (b, a)):
                    kept = best.setdefault(one, [])
                    (heapq.heappush if len(kept) < 5 else heapq.heappushpop)(kept, (score, other))
    print(found)
    return found


if __name__ == "__main__":
    main(sys.argv[1])
