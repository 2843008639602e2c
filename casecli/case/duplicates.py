"""Possible duplicates: is this child perhaps registered already, under another spelling?

Names are compared after folding accents and case, mapping common nicknames to full names,
and a rough Spanish phonetic key (h silent, v/b, z/s/ce/ci, ll/y, qu/k …); token order does not
matter, and a name that is part of the other (one surname of two) still matches. A close name
alone is not enough: sex, age and nationality must not contradict it, so that two different
children called María García are not flagged. Nothing is merged automatically: the worker decides.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from itertools import combinations

from casecli.case.registration import age_on, fold

NAME_THRESHOLD = 0.84
TOKEN_MATCH = 0.75
AGE_TOLERANCE = 2
UNKNOWN = {None, "", "unknown", "other"}


@lru_cache(maxsize=1)
def nicknames() -> dict[str, str]:
    path = resources.files("casecli") / "templates" / "lists" / "nicknames.json"
    return json.loads(path.read_text(encoding="utf-8"))["nicknames"]


def phonetic(token: str) -> str:
    t = token
    t = re.sub(r"(?<!c)h", "", t)
    t = t.replace("ll", "y").replace("qu", "k").replace("v", "b").replace("z", "s").replace("w", "gu")
    t = re.sub(r"c([ei])", r"s\1", t)
    t = re.sub(r"c(?!h)", "k", t)
    t = t.replace("x", "j")
    t = re.sub(r"y$", "i", t)
    t = re.sub(r"^j", "y", t)  # Julissa / Yulissa
    return re.sub(r"(.)\1+", r"\1", t)


# Comparing names costs time with the square of a word's length: the words of a name are bounded
# (a name from a bundle or an answers file could be any length), far above any real name's.
MAX_NAME_WORDS = 8
MAX_WORD_LENGTH = 30


def name_tokens(*parts: str | None) -> tuple[str, ...]:
    text = fold(" ".join(p for p in parts if p))
    words = [w[:MAX_WORD_LENGTH] for w in re.findall(r"[a-z]+", text)]
    kept = [w for w in words if len(w) > 1 and w not in ("de", "del", "la", "los", "las", "y")]
    return tuple(phonetic(nicknames().get(w, w)) for w in kept[:MAX_NAME_WORDS])


@lru_cache(maxsize=1 << 16)  # names come from a small vocabulary: an import compares the same pairs again and again
def _token_score(a: str, b: str) -> float:
    if a == b:
        return 1.0
    ratio = SequenceMatcher(None, a, b).ratio()
    # A different first sound is usually a different name (Hernández, Fernández), not a typo.
    return ratio if a[0] == b[0] else ratio * 0.7


def name_score(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """How alike two names are, 0 to 1, whatever the order and if one is part of the other."""
    if not a or not b:
        return 0.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1 and len(long) > 1:
        return 0.0  # one given name alone says too little against a full name
    best = [max(_token_score(t, u) for u in long) for t in short]
    if min(best) < TOKEN_MATCH:
        return 0.0  # every part of the shorter name must be found in the longer one
    return sum(best) / len(best)


@dataclass(frozen=True)
class Person:
    case_number: str
    tokens: tuple[str, ...]
    sex: str | None
    age: int | None
    nationality: str | None

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
    score = name_score(a.tokens, b.tokens)
    return score if score >= NAME_THRESHOLD else 0.0


def people(store, today: dt.date) -> list[Person]:
    rows = store.conn.execute("SELECT case_number, answers, registered_on FROM cases WHERE status != 'purged'")
    return [Person.from_answers(n, json.loads(a), r, today) for n, a, r in rows]


def decided_pairs(store) -> set[tuple[str, str]]:
    rows = store.conn.execute("SELECT case_a, case_b FROM links WHERE kind IN ('same_child', 'not_same')")
    return {(a, b) for a, b in rows}


def matches_for(
    store, answers: dict, today: dt.date, exclude: str | None = None, among: list[Person] | None = None
) -> list[tuple[str, float]]:
    """Existing cases that may be the child described by `answers`, most alike first.

    `among`: the store's people read once by a caller that checks many children (an import).
    """
    new = Person.from_answers("", answers, today.isoformat(), today)
    found = [
        (p.case_number, match_score(new, p))
        for p in (people(store, today) if among is None else among)
        if p.case_number != exclude
    ]
    return sorted([(n, round(s, 2)) for n, s in found if s > 0], key=lambda x: (-x[1], x[0]))


def duplicate_pairs(store, today: dt.date) -> list[dict]:
    """Undecided pairs that may be the same child, most alike first, with both children's names."""
    names = dict(store.conn.execute("SELECT case_number, child_name FROM cases"))
    return [
        {"case_a": a, "child_a": names[a], "case_b": b, "child_b": names[b], "score": score}
        for a, b, score in likely_pairs(store, today)
    ]


def likely_pairs(store, today: dt.date) -> list[tuple[str, str, float]]:
    """Likely duplicate pairs in the whole store, not yet decided by a worker.

    Cases are first grouped by pairs of their name keys (cheap), so only cases that share two
    name parts, or a one-part name, are compared in full.
    """
    everyone = people(store, today)
    buckets: dict[tuple[str, ...], list[Person]] = {}
    for person in everyone:
        parts = sorted(set(person.tokens))
        keys = list(combinations(parts, 2)) if len(parts) > 1 else [tuple(parts)]
        for key in keys:
            buckets.setdefault(key, []).append(person)
    decided = decided_pairs(store)
    seen: dict[tuple[str, str], float] = {}
    for group in buckets.values():
        for a, b in combinations(group, 2):
            first, second = sorted((a.case_number, b.case_number))
            pair = (first, second)
            if pair in seen or pair in decided:
                continue
            seen[pair] = match_score(a, b)
    return sorted([(a, b, round(s, 2)) for (a, b), s in seen.items() if s > 0], key=lambda x: (-x[2], x[0], x[1]))
