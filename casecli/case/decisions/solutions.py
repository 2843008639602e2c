"""The checks before a durable solution: no return while a claim protects the child, and a BID
that approved the solution for a child without parents.

A return (a repatriation, a reunification in the country of origin) is refused while an asylum
claim is pending or has recognised the child (case/legal/asylum.py). A durable solution for an
unaccompanied or separated child (repatriation, resettlement, local integration, a reunification
across a border) needs the latest BID panel to have approved that solution (UNHCR Best Interests
Procedure, 2021; setting `bid.required_for_durable_solutions`). A case registered without its
protection status is treated as a child without parents: the protective reading.
"""

from __future__ import annotations

import json

from casecli.case.decisions.best_interests import records_of
from casecli.case.due.bid_rules import WITHOUT_PARENTS
from casecli.case.legal.asylum import return_refused
from casecli.i18n import _
from casecli.store import settings
from casecli.store.db import Store

# A closure reason that is a durable solution, and the BID's name for it.
CLOSURE_SOLUTIONS = {
    "repatriated": "repatriation",
    "resettled": "resettlement_to_3rd_country",
    "locally_integrated": "local_integration",
}
RETURNS = ("repatriated",)


def registration_of(store: Store, number: str) -> dict:
    return json.loads(store.conn.execute("SELECT answers FROM cases WHERE case_number = ?", (number,)).fetchone()[0])


def without_parents(store: Store, number: str) -> bool:
    status = registration_of(store, number).get("protection_status")
    return status is None or status in WITHOUT_PARENTS


def approving_bid(store: Store, number: str, solutions: tuple[str, ...]) -> dict | None:
    """The case's latest BID, when it approved one of `solutions` (a later deferral, refusal or
    reopening takes the earlier approval back)."""
    bids = records_of(store, number, "bid")
    if not bids:
        return None
    latest = bids[-1]
    answers = latest["answers"]
    return latest if answers.get("decision") == "approves" and answers.get("durable_solution") in solutions else None


def bid_refused(store: Store, number: str, what: str, solutions: tuple[str, ...]) -> str | None:
    """The line refusing durable solution `what` for want of an approving BID, or None."""
    if not settings.get(store, "bid.required_for_durable_solutions") or not without_parents(store, number):
        return None
    if approving_bid(store, number, solutions) is not None:
        return None
    return _(
        "{what}: a durable solution for an unaccompanied or separated child needs a BID panel that approved it"
        " ({solution}); record the panel with `casecli bid {number}` (setting bid.required_for_durable_solutions)"
    ).format(what=what, solution=solutions[0], number=number)


def closure_refused(store: Store, number: str, reason: str) -> str | None:
    """Closing as `reason`: refused while a claim protects the child (a return), or without the BID."""
    if reason in RETURNS:
        refused = return_refused(store, number, reason)
        if refused:
            return refused
    solution = CLOSURE_SOLUTIONS.get(reason)
    return bid_refused(store, number, reason, (solution,)) if solution else None


def reunification_refused(store: Store, number: str, country: str | None, what: str) -> str | None:
    """A reunification in `country`: in the child's country of origin it is a return (refused while a
    claim protects the child); across a border it needs an approving BID (reunification, or the
    repatriation it is, in the country of origin)."""
    if not country:
        return None
    origin = registration_of(store, number).get("nationality")
    if country == origin:
        refused = return_refused(store, number, what)
        if refused:
            return refused
    from casecli.forms.lists import iso_country

    if iso_country(country) == settings.text(store, "agency.country"):
        return None
    solutions = ("reunification", "repatriation") if country == origin else ("reunification",)
    return bid_refused(store, number, what, solutions)
