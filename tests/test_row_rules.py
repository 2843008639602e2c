"""A stored row's rules are declared once (store/row_rules.py): the plain check registration and
every event use, the SQLModel models bundles are checked by, and the SQL schema agree."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casecli.store.row_rules import CASE, EVENT, REQUIRED, problems

# The values casecli's own code can hand a row: text of every length around the bounds, whole
# numbers around them, booleans and None.
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-2, max_value=40),
    st.text(alphabet="ab", max_size=70),
    st.sampled_from(["high", "medium", "low", "urgent", "open", "copy", "archived", "registered"]),
)


def good_row(rules) -> dict:
    sample = {str: "x" * 64, int: 5, bool: False}
    row = {}
    for name, column in rules.items():
        if column.choices:
            row[name] = column.choices[0]
        elif column.kind is str:
            row[name] = "x" * max(column.shortest, min(column.longest or 64, 64))
        else:
            row[name] = sample[column.kind]
    return row


@pytest.mark.parametrize(("rules", "model_name"), [(CASE, "CaseRow"), (EVENT, "EventRow")])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_plain_check_and_the_model_give_the_same_verdict(rules, model_name, data):
    from casecli.store import records

    model = getattr(records, model_name)
    row = good_row(rules)
    for name in data.draw(st.lists(st.sampled_from(sorted(rules)), max_size=4, unique=True)):
        if data.draw(st.booleans()) and rules[name].default is not REQUIRED:
            del row[name]  # left to its default
        else:
            row[name] = data.draw(VALUES)
    # Python's bool is an int, and pydantic takes 0 and 1 for a bool: casecli never builds those
    # mixes, and rows from a bundle are checked by the model alone.
    for name, value in row.items():
        kind = rules[name].kind
        if (kind is bool and not isinstance(value, bool) and value is not None) or (
            kind is int and isinstance(value, bool)
        ):
            row[name] = None if rules[name].optional else rules[name].default
            if row[name] is REQUIRED:
                row[name] = good_row(rules)[name]
        if kind is int and isinstance(value, str) and value.isdigit():
            row[name] = good_row(rules)[name]  # pydantic's lax mode reads "5" as 5
    plain = not problems(rules, row)
    try:
        model.model_validate(row)
        modelled = True
    except ValueError:
        modelled = False
    assert plain == modelled, row


def test_the_schema_requires_what_the_declaration_requires(ready):
    """The store's NOT NULL columns of cases and events are the declared ones that may not be None."""
    from casecli.store.db import open_store
    from tests.conftest import PASSPHRASE

    with open_store(ready.store, lambda: PASSPHRASE) as store:
        for table, rules in (("cases", CASE), ("events", EVENT)):
            columns = {  # a primary key (the case number) is required whatever SQLite says of its NULLs
                name: bool(notnull or pk)
                for _i, name, _t, notnull, _d, pk in store.conn.execute(f"PRAGMA table_info({table})")
            }
            declared = {name: not column.optional for name, column in rules.items()}
            assert {name: columns[name] for name in declared} == declared, table
            # the store's own columns beyond the declaration are the derived ones
            assert set(columns) - set(declared) <= {"id"}, (table, set(columns) - set(declared))
