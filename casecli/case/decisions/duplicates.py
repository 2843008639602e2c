"""Possible duplicates: is this child perhaps registered already, under another spelling?

Names are compared after folding accents and case, mapping common nicknames to full names,
and a rough Spanish phonetic key (h silent, v/b, z/s/ce/ci, ll/y, qu/k …); token order does not
matter, and a name that is part of the other (one surname of two) still matches. A close name
alone is not enough: sex, age and nationality must not contradict it, so that two different
children called María García are not flagged. Nothing is merged automatically: the worker decides.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from typing import TYPE_CHECKING

from rapidfuzz.distance import Indel

from casecli.case.child import people_index
from casecli.case.child.age import age_on
from casecli.case.child.name_keys import index_keys, name_tokens, search_keys
from casecli.case.child.pairing import Known, compatible_pairs

if TYPE_CHECKING:
    from casecli.store.db import Store

NAME_THRESHOLD = 0.84
TOKEN_MATCH = 0.75
AGE_TOLERANCE = 2
UNKNOWN = {None, "", "unknown", "other"}


@lru_cache(maxsize=1 << 16)  # names come from a small vocabulary: an import compares the same pairs again and again
def _token_score(a: str, b: str) -> float:
    if a == b:
        return 1.0
    # 2 x the longest common subsequence / both lengths: what difflib's SequenceMatcher.ratio
    # estimates, computed exactly by rapidfuzz (compiled, maintained): 39x faster on 200,000 pairs
    # of name parts; where difflib's estimate fell short (carslos/carls 0.67, exactly 0.83) a
    # typo is now found, in 9 pairs of those 200,000.
    ratio = Indel.normalized_similarity(a, b)
    # A different first sound is usually a different name (Hernández, Fernández), not a typo.
    return ratio if a[0] == b[0] else ratio * 0.7


def name_score(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """How alike two names are, 0 to 1, whatever the order and if one is part of the other."""
    if not a or not b:
        return 0.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1 and len(long) > 1:
        return 0.0  # one given name alone says too little against a full name
    total = 0.0
    for t in short:  # the parts in order, added as sum() adds them: the same score to the last digit
        best = max(map(_token_score, repeat(t), long))
        if best < TOKEN_MATCH:
            return 0.0  # every part of the shorter name must be found in the longer one (said at the first not)
        total += best
    return total / len(short)


@dataclass(frozen=True)
class Person:
    case_number: str
    tokens: tuple[str, ...]
    sex: str | None
    age: int | None
    nationality: str | None

    @classmethod
    def from_index(cls, row: tuple, today: dt.date) -> Person:
        """A child as the index holds them (people_index.COLUMNS)."""
        number, tokens, sex, nationality, date_of_birth, age_estimate, registered_on = row
        age, _estimated = age_on(date_of_birth, age_estimate, registered_on, today)
        return cls(number, tuple(tokens.split()), sex, age, nationality)

    @classmethod
    def from_answers(cls, case_number: str, answers: dict, registered_on: str, today: dt.date) -> Person:
        age, _estimated = age_on(answers.get("date_of_birth"), answers.get("age_estimate"), registered_on, today)
        return cls(
            case_number,
            name_tokens(answers.get("name_first"), answers.get("name_last"), answers.get("name_other")),
            answers.get("sex"),
            age,
            answers.get("nationality"),
        )


def match_score(a: Person, b: Person) -> float:
    """0 when anything known contradicts; else the name score."""
    if a.sex not in UNKNOWN and b.sex not in UNKNOWN and a.sex != b.sex:
        return 0.0
    if a.age is not None and b.age is not None and abs(a.age - b.age) > AGE_TOLERANCE:
        return 0.0
    if a.nationality not in UNKNOWN and b.nationality not in UNKNOWN and a.nationality != b.nationality:
        return 0.0
    return name_match(a.tokens, b.tokens)


def name_match(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """The name score where it reaches NAME_THRESHOLD, else 0."""
    score = name_score(a, b)
    return score if score >= NAME_THRESHOLD else 0.0


def decided_pairs(store: Store) -> set[tuple[str, str]]:
    rows = store.conn.execute("SELECT case_a, case_b FROM links WHERE kind IN ('same_child', 'not_same')")
    return {(a, b) for a, b in rows}


def matches_for(store: Store, answers: dict, today: dt.date, exclude: str | None = None) -> list[tuple[str, float]]:
    """Existing cases that may be the child described by `answers`, most alike first: only the
    children who share a name key (people_index) are compared, in one query."""
    new = Person.from_answers("", answers, today.isoformat(), today)
    found = [
        (row[0], match_score(new, Person.from_index(row, today)))
        for row in people_index.sharing_a_key(store, new.tokens)
        if row[0] != exclude
    ]
    return sorted([(n, round(s, 2)) for n, s in found if s > 0], key=lambda x: (-x[1], x[0]))


def _known(value: str | None) -> str | None:
    return None if value in UNKNOWN else value


# A child here as an import's comparison keeps them: (case number, name tokens).
Named = tuple[str, tuple[str, ...]]
# Children under one name key: sex -> nationality -> age (None where unknown) -> the children.
Grouped = dict[str | None, dict[str | None, dict[int | None, list[Named]]]]


class ChildrenHere:
    """The children here, as an import's new children are compared with them, a few hundred at a
    time: each name key's children read once for the whole import (an import of ten thousand
    children asked ten thousand questions, then read the same keys once per batch), kept by sex,
    nationality and age, so that a child is scored only against those none of the three rules out
    (what `match_score` would rule out first). Memory holds the children here who share a key with
    the bundle's, one small record each."""

    def __init__(self, store: Store, today: dt.date) -> None:
        self.store, self.today = store, today
        self.under: dict[str, Grouped] = {}
        # case number -> (sex, nationality, age as match_score reads them; the child)
        self.people: dict[str, tuple[str | None, str | None, int | None, Named]] = {}

    def matches(self, described: dict[str, dict]) -> dict[str, list[str]]:
        """Each child's (by case number: their answers) possible duplicates here, most alike first."""
        today = self.today
        new = {n: Person.from_answers("", answers, today.isoformat(), today) for n, answers in described.items()}
        keyed = {number: search_keys(person.tokens) for number, person in new.items()}
        self._read(set().union(*keyed.values()) - self.under.keys() if keyed else set())
        found: dict[str, list[str]] = {}
        for number, person in new.items():
            tokens, sex, nationality, age = person.tokens, _known(person.sex), _known(person.nationality), person.age
            ages = None if age is None else (*range(age - AGE_TOLERANCE, age + AGE_TOLERANCE + 1), None)
            scored: dict[str, float] = {}
            # Sex, nationality and age agree (the groups allowed): what is left of match_score is the
            # name's, the same for every child here of the same name (a common name is shared by many).
            # Loops written out: an import of 10,000 children into 50,000 visits a million children.
            by_name: dict[tuple[str, ...], float] = {}
            for key in keyed[number]:
                for by_nationality in _allowed(self.under[key], sex):
                    for by_age in _allowed(by_nationality, nationality):
                        for children in by_age.values() if ages is None else map(by_age.get, ages):
                            if children is None:
                                continue  # no child of that age under the key
                            for other, their_tokens in children:  # (found again under another key: scored again)
                                score = by_name.get(their_tokens)
                                if score is None:
                                    score = by_name[their_tokens] = name_match(tokens, their_tokens)
                                if score:
                                    scored[other] = score
            alike = sorted(((n, round(score, 2)) for n, score in scored.items()), key=lambda x: (-x[1], x[0]))
            found[number] = [other for other, _score in alike]
        return found

    def _read(self, keys: set[str]) -> None:
        if not keys:
            return
        under = people_index.sharing_keys(self.store, keys)
        people = self.people
        unknown = {number for numbers in under.values() for number in numbers} - people.keys()
        if unknown:
            # (what Person.from_index reads, without a Person for each of 50,000 children)
            for other, tokens, sex, nationality, born, estimate, registered_on in people_index.rows_of(
                self.store, unknown
            ):
                age, _estimated = age_on(born, estimate, registered_on, self.today)
                people[other] = (_known(sex), _known(nationality), age, (other, tuple(tokens.split())))
        for key in keys:
            kept: Grouped = {}
            for number in under.get(key, ()):
                sex, nationality, age, known = people[number]
                kept.setdefault(sex, {}).setdefault(nationality, {}).setdefault(age, []).append(known)
            self.under[key] = kept


def _allowed(grouped: dict, known: str | None) -> list:
    """The groups a known value agrees with (its own, and the unknown one); every group for an unknown value."""
    if known is None:
        return list(grouped.values())
    return [grouped[value] for value in (known, None) if value in grouped]


# Each child's most alike candidates that `duplicates` lists: a worker compares a child with a few
# likely matches; a store where one name is common (a training store's small vocabulary) would
# otherwise list hundreds of thousands of pairs and hold them all to sort them.
PER_CHILD = 5


def duplicate_pairs(store: Store, today: dt.date, per_child: int = PER_CHILD) -> list[dict]:
    """Undecided pairs that may be the same child, most alike first, with both children's names."""
    pairs = likely_pairs(store, today, per_child)
    wanted = {n for a, b, _score in pairs for n in (a, b)}
    names = {n: name for n, name in store.conn.execute("SELECT case_number, child_name FROM cases") if n in wanted}
    return [
        {"case_a": a, "child_a": names[a], "case_b": b, "child_b": names[b], "score": score} for a, b, score in pairs
    ]


def likely_pairs(store: Store, today: dt.date, per_child: int | None = None) -> list[tuple[str, str, float]]:
    """Likely duplicate pairs in the whole store, not yet decided by a worker (with `per_child`,
    only the pairs among the `per_child` most alike of either child).

    Only children who share a name key are compared (people_index.buckets), and of those only the
    ones whose sex, nationality and age agree (case.pairing), each pair once: in the bucket of the
    first key the two share. Memory grows with the store (each child's index row, and with
    `per_child` each child's few best pairs), never with the number of pairs compared or found.
    """
    everyone = {
        row[0]: Person.from_index(row, today)
        for row in store.conn.execute(f"SELECT {people_index.COLUMNS} FROM people")
    }
    keys: dict[str, set[str]] = {}

    def keys_of(number: str) -> set[str]:
        if number not in keys:
            keys[number] = index_keys(everyone[number].tokens)
        return keys[number]

    def known(p: Person) -> Known:  # what match_score compares, unknown as None
        return (None if p.sex in UNKNOWN else p.sex, None if p.nationality in UNKNOWN else p.nationality, p.age)

    decided = decided_pairs(store)
    found: list[tuple[str, str, float]] = []
    best: dict[str, list[tuple[float, str, str]]] = {}  # each child's best pairs, a min-heap
    for key, numbers in people_index.buckets(store):
        for first, second in compatible_pairs({n: known(everyone[n]) for n in numbers}, AGE_TOLERANCE):
            if (first, second) in decided or min(keys_of(first) & keys_of(second)) != key:
                continue
            score = match_score(everyone[first], everyone[second])
            if score <= 0:
                continue
            pair = (first, second, round(score, 2))
            if per_child is None:
                found.append(pair)
                continue
            # ties go to the pair that sorts first, as the listing would show them
            entry = (pair[2], _reversed(first), _reversed(second))
            for child in (first, second):
                heap = best.setdefault(child, [])
                if len(heap) < per_child:
                    heapq.heappush(heap, entry)
                elif entry > heap[0]:
                    heapq.heapreplace(heap, entry)
    if per_child is not None:
        kept = {(_reversed(a), _reversed(b), score) for heap in best.values() for score, a, b in heap}
        found = [(a, b, score) for a, b, score in kept]
    return sorted(found, key=lambda x: (-x[2], x[0], x[1]))


def _reversed(number: str) -> str:
    """A case number whose order is the reverse of the case number's (for a min-heap of the best,
    where a tie keeps the pair a listing shows first): its characters' codes inverted, and back."""
    return "".join(chr(0x10FFFF - ord(c)) for c in number)
