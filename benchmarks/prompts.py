"""How many questions one whole case life asks at a terminal, registration to closure through every
step (approvals and a handover included), for a typical case: the issue's goal is at most 250.

    python benchmarks/prompts.py [--json]

What is counted is what the wizards ask, from the forms as data: every question of a form that
applies to the case's answers (ui/wizard.py asks each one, pre-filled or not: a pre-filled answer
still costs an Enter), one "What now?" at each summary, one "Add one / Done" menu per list item and
one to finish each list (a panel's members, a conference's participants, follow-up actions; the
people the records know, the worker and the child at a conference, are ticked in one list), one
menu choice per plan-editor action; what the records already say (ui/wizard.py `known`: a tracing
request's separation and family member, a reunification's family, a closure's reunification, a
referral's plan service, a visit's placement and next visit) is shown and kept with one choice when it answers two questions or more,
and a first plan's header asks only what registration did not say, one question per open plan item at a visit or review (its
status; its note only when the status changes, which the count takes as half the items). The
answers are the test suite's typical case (tests/), a 15-year-old unaccompanied girl, a plan with
two needs, two services and an action, one referral, three visits, a review, a conference, a
BIA and a BID, family tracing to reunification, and a closure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from casecli.forms import load_form  # noqa: E402

GOAL = 250


def asked(form_name: str, answers: dict) -> int:
    """The questions a wizard asks for this form, given the answers the worker gives."""
    form = load_form(form_name)
    return sum(1 for field in form.fields if field.applies(answers) and not field.when_needed)


def with_known(form_name: str, answers: dict, known: dict) -> int:
    """The questions asked when the records already answer `known`: those are shown together and
    kept with one choice (two or more of them), the rest asked."""
    form = load_form(form_name)
    applicable = [f for f in form.fields if f.applies({**answers, **known}) and not f.when_needed]
    said = [f for f in applicable if known.get(f.id) not in (None, "", [])]
    if len(said) < 2:
        return len(applicable)
    return len(applicable) - len(said) + 1


def list_of(form_name: str, items: list[dict]) -> int:
    """A list asked item by item: "Add one" before each, "Done" to finish, and each item's questions."""
    return sum(1 + asked(form_name, item) for item in items) + 1


def case_life() -> list[tuple[str, int]]:
    sys.path.insert(0, str(ROOT))
    from casecli.case.steps.implementation import referral_from_service_of
    from tests.conftest import registration_answers
    from tests.test_assessment_plan import COMPREHENSIVE, INITIAL
    from tests.test_best_interests import BIA, BID, MEMBERS
    from tests.test_conference import CONFERENCE
    from tests.test_cycle import PLAN, REFERRAL, VISIT
    from tests.test_handover import NOTE
    from tests.test_tracing import AUNT, CLOSURE, FOUND, REQUEST, REUNIFIED, TRACING, VERIFIED
    from tests.test_voice import REVIEW

    summary = 1  # "What now?" at each wizard's summary
    # the registration's separation date and cause are asked (and answered, as a worker would)
    registration = registration_answers(
        share_with=TRACING, date_of_separation="2026-06-01", separation_cause="migration", caregiver="Casa Refugio"
    )
    steps: list[tuple[str, int]] = [
        ("registration", asked("registration", registration) + summary),
        ("initial assessment", asked("assessment-initial", INITIAL) + summary),
        ("comprehensive assessment", asked("assessment-comprehensive", COMPREHENSIVE) + summary),
    ]
    items = [
        ("plan-need", PLAN["protection_needs"]),
        ("plan-service", PLAN["services"]),
        ("plan-action", PLAN["actions"]),
    ]
    # the editor: "The questions still unanswered" for the header (what registration and the
    # agency's settings say is in it: case/steps/plan.header_defaults), then "Add …" and "from
    # the assessment?" per item, then "Save and activate"
    header_known = {"case_worker", "visit_every_days", "care_arrangement", "location"}
    if registration.get("caregiver"):
        header_known.add("provider")
    editor = 1 + asked("plan-header", PLAN["header"]) - len(header_known)
    editor += sum(2 + asked(form, item) for form, group in items for item in group) + 1
    steps.append(("plan", editor))
    steps.append(("approval request + supervisor's decision", 2))
    service = {**PLAN["services"][0], "id": "S1"}
    from_service = referral_from_service_of([service], "S1")  # "start from a service?": the first
    steps.append(("referral", 1 + with_known("referral", REFERRAL, from_service) + summary))
    open_items = sum(len(group) for _form, group in items)
    walk = open_items + (open_items + 1) // 2  # each item's status; a note for those that changed
    # where the child lives and the next visit are what the records say (case/steps/monitoring.visit_known)
    visit_known = {"care_arrangement": registration["care_arrangement"], "next_visit": "2026-12-01"}
    steps.append(("three visits", 3 * (with_known("visit", VISIT, visit_known) + walk + summary)))
    steps.append(("review", asked("review", REVIEW) + walk + summary))
    conference = {k: v for k, v in CONFERENCE.items() if k not in ("participants", "actions")}
    # the worker and the child are known to the records (case/decisions/conference.known_participants):
    # ticked in one list; the others added one by one
    known_roles = {"case_worker", "child"}
    typed = [p for p in CONFERENCE["participants"] if p["role"] not in known_roles]
    steps.append(
        (
            "case conference",
            asked("conference", conference)
            + 1
            + list_of("conference-participant", typed)
            + list_of("plan-action", CONFERENCE["actions"])
            + summary,
        )
    )
    steps.append(("BIA", asked("bia", BIA) + summary))
    bid = {k: v for k, v in BID.items() if k not in ("members", "actions")}
    steps.append(
        (
            "BID",
            asked("bid", bid) + list_of("bid-member", MEMBERS) + list_of("plan-action", BID["actions"]) + summary,
        )
    )
    # what the records already say (case/family/tracing.request_known and step_known,
    # case/steps/closure.closure_known)
    request_known = {
        "date_of_separation": registration["date_of_separation"],
        "separation_cause": registration["separation_cause"],
        "sought_name": AUNT["relation_name"],
        "sought_relation": AUNT["relation"],
        "last_known_place": AUNT["relation_address_current"],
    }
    reunification_known = {"reunified_with": REQUEST["sought_name"], "reunified_where": FOUND["address_tracing"]}
    closure_known = {
        "outcome_with": REUNIFIED["reunified_with"],
        "outcome_where": REUNIFIED["reunified_where"],
        "outcome_on": REUNIFIED["reunified_on"],
    }
    for name, form, answers, known in (
        ("family member", "family-member", AUNT, {}),
        ("tracing request", "tracing-request", REQUEST, request_known),
        ("tracing action", "tracing-action", FOUND, {}),
        ("verification", "tracing-verification", VERIFIED, {}),
        ("reunification", "reunification", REUNIFIED, reunification_known),
        ("closure", "closure", CLOSURE, closure_known),
    ):
        steps.append((name, with_known(form, answers, known) + summary))
    note = {k: v for k, v in NOTE.items() if k != "transfer_reason"}
    steps.append(
        (
            "handover",
            asked("handover-transfer", {"transfer_reason": NOTE["transfer_reason"]})
            + asked("handover-note", note)
            + 2 * summary,
        )
    )
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    steps = case_life()
    total = sum(n for _step, n in steps)
    if args.json:
        print(json.dumps({"steps": dict(steps), "total": total, "goal": GOAL}))
        return
    width = max(len(step) for step, _n in steps)
    for step, n in steps:
        print(f"{step:<{width}}  {n:>4}")
    print(f"{'total':<{width}}  {total:>4}   (goal: at most {GOAL})")


if __name__ == "__main__":
    main()
