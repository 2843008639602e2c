"""Canonical JSON: sorted keys, no spaces, non-ASCII as it is. What a hash or a signature covers
(an event's chain, a signed document) and what equal values must share (a due item's arguments).

One encoder made once: `json.dumps` with these options makes a new one at every call, a third of
the time of hashing the events of a large import. The text is exactly `json.dumps(value,
sort_keys=True, ensure_ascii=False, separators=(",", ":"))`, which chains already signed rely on.
"""

from __future__ import annotations

import json

import orjson

_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_json(value: object) -> str:
    return _ENCODER.encode(value)


def canonical_bytes(value: object) -> bytes:
    """`canonical_json(value)` in UTF-8, for a value made only of text, whole numbers, true/false,
    null, and lists and text-keyed objects of them (an event's hashed fields, a due item's
    arguments): orjson writes exactly those bytes in less than half the time (tests/test_canonical.py
    holds the two together). Never a float: orjson writes 1e16 where json writes 1e+16. What
    orjson refuses (a number beyond 64 bits, a key not text) is written by `canonical_json`."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # (orjson.JSONEncodeError is one)
        return canonical_json(value).encode("utf-8")


def may_hold_sql(column: str, word: str) -> str:
    """SQL true where the JSON text in `column` may hold `word` (in a key or a string): a word
    search that spares parsing the rows that cannot. JSON may write any letter as \\uXXXX: casecli
    writes none (ensure_ascii off), a record from elsewhere may, so text with such an escape is
    parsed like the rest (a detention must never be missed for its spelling)."""
    assert "'" not in word  # a constant of casecli's, never a person's text
    return f"(instr({column}, '{word}') OR instr({column}, '\\u'))"


def may_hold(text: str, word: str) -> bool:
    """`may_hold_sql` in Python: whether JSON text may hold `word` (False: it surely does not)."""
    return word in text or "\\u" in text
