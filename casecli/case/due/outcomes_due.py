"""What the case's decisions and outcomes make due, for the agenda: a BID a best interests
assessment requires, a follow-up visit after a reunification. Each read in one query for every
case (or one case, `only`); their sentences are made by `due_text`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from casecli.case.due.bid_rules import reassessments, required
from casecli.case.due.reunification import follow_ups_due
from casecli.case.due.scope import Scope

if TYPE_CHECKING:
    from casecli.store.db import Store


def outcomes_due(store: Store, only: Scope = None) -> Iterator[tuple[str, str, str, str]]:
    """(case number, kind, due date, command) of each."""
    for bid in required(store, only):
        number = bid["case_number"]
        yield number, "bid", bid["due"], f"casecli bid {number}"
    for again in reassessments(store, only):
        number = again["case_number"]
        yield number, "bia", again["due"], f"casecli bia {number}"
    for reunion in follow_ups_due(store, only):
        number = reunion["case_number"]
        yield number, "follow-up", reunion["follow_up_due"], f"casecli visit add {number}"
