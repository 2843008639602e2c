"""The keys a child's name is compared and found by: folded, nicknames mapped to full names, and a
rough Spanish phonetic key (h silent, v/b, z/s/ce/ci, ll/y, qu/k …). Shared by the duplicate check
and the index it reads (people_index), which is kept at write time."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from itertools import combinations


def fold(text: str) -> str:
    """Lower case without accents, so 'Hernández' and 'hernandez' find each other."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=1)
def nicknames() -> dict[str, str]:
    path = resources.files("casecli") / "templates" / "lists" / "nicknames.json"
    return json.loads(path.read_text(encoding="utf-8"))["nicknames"]


_SILENT_H = re.compile(r"(?<!c)h")
_SOFT_C = re.compile(r"c([ei])")
_HARD_C = re.compile(r"c(?!h)")
_FINAL_Y = re.compile(r"y$")
_FIRST_J = re.compile(r"^j")
_DOUBLED = re.compile(r"(.)\1+")
_WORD = re.compile(r"[a-z]+")


# Remembered: a population's names repeat their words (an import indexes thousands of children).
@lru_cache(maxsize=65536)
def phonetic(token: str) -> str:
    t = _SILENT_H.sub("", token)
    t = t.replace("ll", "y").replace("qu", "k").replace("v", "b").replace("z", "s").replace("w", "gu")
    t = _SOFT_C.sub(r"s\1", t)
    t = _HARD_C.sub("k", t)
    t = t.replace("x", "j")
    t = _FINAL_Y.sub("i", t)
    t = _FIRST_J.sub("y", t)  # Julissa / Yulissa
    return _DOUBLED.sub(r"\1", t)


# Comparing names costs time with the square of a word's length: the words of a name are bounded
# (a name from a bundle or an answers file could be any length), far above any real name's.
MAX_NAME_WORDS = 8
MAX_WORD_LENGTH = 30


def name_tokens(*parts: str | None) -> tuple[str, ...]:
    text = fold(" ".join(p for p in parts if p))
    words = [w[:MAX_WORD_LENGTH] for w in _WORD.findall(text)]
    kept = [w for w in words if len(w) > 1 and w not in ("de", "del", "la", "los", "las", "y")]
    return tuple(phonetic(nicknames().get(w, w)) for w in kept[:MAX_NAME_WORDS])


def index_keys(tokens: tuple[str, ...]) -> set[str]:
    """The keys a name is found by: each pair of its words (a one-word name: the word), exactly and
    by their first three letters, so that a slip of the pen after the third letter of a word still
    finds the child. Two names that share no key are never compared."""
    words = sorted(set(tokens))
    exact = [" ".join(p) for p in combinations(words, 2)] if len(words) > 1 else words
    return {"t:" + k for k in exact} | _rough_keys(words)


def search_keys(tokens: tuple[str, ...]) -> set[str]:
    """The fewest of a name's keys under which every child who shares any key with it is found (what
    an import compares a new child with, each child found about once, not under every pair it shares):
    a pair of words is found again under the pair of their first three letters (a child with both
    words has both beginnings), unless the two words begin alike; one word under its beginning."""
    words = sorted(set(tokens))
    alike = [f"{a} {b}" for a, b in combinations(words, 2) if a[:3] == b[:3]]
    return {"t:" + k for k in alike} | _rough_keys(words)


def _rough_keys(words: list[str]) -> set[str]:
    """Each pair of the words' first three letters (all alike: that beginning)."""
    prefixes = sorted({w[:3] for w in words})
    rough = [" ".join(p) for p in combinations(prefixes, 2)] if len(prefixes) > 1 else prefixes
    return {"p:" + k for k in rough}
