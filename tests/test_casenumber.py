import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casecli import casenumber
from casecli.casenumber import ALPHABET
from casecli.errors import InvalidCaseNumber

prefixes = st.text(alphabet=ALPHABET, min_size=2, max_size=8)


@settings(max_examples=50)
@given(st.lists(prefixes, min_size=2, max_size=6, unique=True), st.integers(min_value=1, max_value=400))
def test_numbers_from_several_devices_never_collide(devices, per_device):
    numbers = [casenumber.format_number(prefix, seq) for prefix in devices for seq in range(1, per_device + 1)]
    assert len(set(numbers)) == len(numbers)
    assert all(casenumber.parse(n) == n for n in numbers)


@settings(max_examples=300)
@given(prefixes, st.integers(min_value=1, max_value=10**9))
def test_every_single_character_typo_is_caught(prefix, seq):
    number = casenumber.format_number(prefix, seq)
    for position, original in enumerate(number):
        for replacement in ALPHABET + "-":
            if replacement == original:
                continue
            typo = number[:position] + replacement + number[position + 1 :]
            with pytest.raises(InvalidCaseNumber):
                casenumber.parse(typo)


@settings(max_examples=200)
@given(prefixes, st.integers(min_value=1, max_value=10**6))
def test_swapped_neighbours_are_caught(prefix, seq):
    number = casenumber.format_number(prefix, seq)
    for i in range(len(number) - 1):
        a, b = number[i], number[i + 1]
        if a == b:
            continue
        swapped = number[:i] + b + a + number[i + 2 :]
        with pytest.raises(InvalidCaseNumber):
            casenumber.parse(swapped)


def test_input_is_read_case_insensitively_and_forgiving_of_look_alikes():
    number = casecli_number = casenumber.format_number("MX10", 42)
    assert casenumber.parse(casecli_number.lower()) == number
    assert casenumber.parse(number.replace("1", "l").replace("0", "o").lower()) == number
    assert casenumber.parse(number.replace("-", " ")) == number


def test_shape_is_short_and_sayable():
    number = casenumber.format_number("MX7", 42)
    assert number.startswith("MX7-0042-") and len(number) == 10


def test_prefix_rules():
    assert casenumber.normalize_prefix("mx-7") == "MX7"
    for bad in ("", "A", "ZAC", "TOO-LONG-PREFIX", "MX 7!"):
        with pytest.raises(InvalidCaseNumber):
            casenumber.normalize_prefix(bad)
