"""The duplicate check compares, under one name key, only children whose sex, nationality and age
agree: exactly the pairs a comparison of every pair would keep, each once."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from casecli.case.child.pairing import SMALL, compatible_pairs

known = st.tuples(
    st.sampled_from([None, "female", "male"]),
    st.sampled_from([None, "honduras", "guatemala", "el_salvador"]),
    st.one_of(st.none(), st.integers(min_value=0, max_value=17)),
)


def agree(a, b, tolerance: int) -> bool:
    sex = a[0] is None or b[0] is None or a[0] == b[0]
    nation = a[1] is None or b[1] is None or a[1] == b[1]
    age = a[2] is None or b[2] is None or abs(a[2] - b[2]) <= tolerance
    return sex and nation and age


@settings(max_examples=150, deadline=None)
@given(st.lists(known, min_size=SMALL + 1, max_size=80), st.integers(min_value=0, max_value=3))
def test_the_pairs_compared_are_every_pair_that_agrees_once(people, tolerance):
    numbers = {f"C-{i:03d}": who for i, who in enumerate(people)}
    found = list(compatible_pairs(numbers, tolerance))
    expected = {(a, b) for a, b in combinations(sorted(numbers), 2) if agree(numbers[a], numbers[b], tolerance)}
    assert len(found) == len(set(found))  # each once
    assert set(found) == expected


def test_a_few_children_are_all_compared():
    few = {"C-1": ("female", None, 3), "C-2": ("male", None, 15)}
    assert list(compatible_pairs(few, 2)) == [("C-1", "C-2")]  # match_score tells them apart
