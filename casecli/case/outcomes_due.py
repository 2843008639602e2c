"""What the case's decisions and outcomes make due, for the agenda: a BID a best interests
assessment requires, a follow-up visit after a reunification. Each read in one query for every
case (or one case, `only`)."""

from __future__ import annotations

from collections.abc import Iterator

from casecli.case.bid_rules import required
from casecli.case.tracing_rules import follow_ups_due
from casecli.i18n import _


def outcomes_due(store, only: str | None = None) -> Iterator[tuple[str, str, str, str, str]]:
    """(case number, kind, what, due date, command) of each."""
    for bid in required(store, only):
        number = bid["case_number"]
        yield number, "bid", _("best interests determination (BID) required"), bid["due"], f"casecli bid {number}"
    for reunion in follow_ups_due(store, only):
        number = reunion["case_number"]
        what = _("follow-up visit after the reunification")
        yield number, "follow-up", what, reunion["follow_up_due"], f"casecli visit add {number}"
