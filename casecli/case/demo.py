"""Fictional training cases. Every one is flagged `demo` and shown as a training case.

Names are drawn from common given names and surnames; no real child is described.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from casecli.forms import Form

if TYPE_CHECKING:
    from casecli.store.db import Store

FIRST = [
    "María",
    "José",
    "Ana",
    "Luis",
    "Sofía",
    "Carlos",
    "Valeria",
    "Juan",
    "Camila",
    "Jorge",
    "Daniela",
    "Miguel",
    "Fernanda",
    "Kevin",
    "Génesis",
    "Brayan",
    "Yulissa",
    "Wilmer",
    "Dayana",
    "Édgar",
]
LAST = [
    "Hernández",
    "García",
    "López",
    "Martínez",
    "Pérez",
    "Rodríguez",
    "Gómez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Morales",
    "Reyes",
    "Ortiz",
    "Castillo",
    "Méndez",
    "Chávez",
    "Vásquez",
    "Aguilar",
    "Juárez",
    "Pacheco",
]
PLACES = [
    "Tapachula",
    "Ciudad Hidalgo",
    "Tenosique",
    "Oaxaca",
    "Ciudad de México",
    "Monterrey",
    "Tijuana",
    "Ciudad Juárez",
]
TRAINING_PROFILE = {
    "name": "Training worker",
    "agency": "casecli training",
    "role": "social_worker",
    "case_number_prefix": "TRN",
    "language": "en",
}


def fictional_answers(rng: random.Random, form: Form, today: dt.date) -> dict:
    def pick(field_id: str, *, skip: tuple[str, ...] = ()) -> str:
        return rng.choice([v for v in form.field(field_id).choice_values if v not in skip])

    dob_known = rng.random() < 0.4
    answers = {
        "identified_on": (today - dt.timedelta(days=rng.randint(0, 400))).isoformat(),
        "identified_how": pick("identified_how"),
        "identified_where": rng.choice(PLACES),
        "name_first": rng.choice(FIRST),
        "name_last": f"{rng.choice(LAST)} {rng.choice(LAST)}",
        "sex": pick("sex"),
        "dob_known": dob_known,
        "nationality": pick("nationality", skip=("other",)),
        "languages": rng.choice(["Spanish", "Spanish, K'iche'", "Spanish, Mam", "Haitian Creole, French"]),
        "protection_status": pick("protection_status"),
        "current_location": rng.choice(PLACES),
        "care_arrangement": pick("care_arrangement"),
        "urgent_needs": rng.sample(
            ["health", "shelter", "protection", "food", "psychosocial", "legal"], k=rng.randint(1, 3)
        ),
        "risk_level": rng.choices(["high", "medium", "low"], weights=[2, 5, 3])[0],
        "child_informed": True,
        "share_with": ["agency_team", "service_providers"],
    }
    if dob_known:
        answers["date_of_birth"] = (today - dt.timedelta(days=rng.randint(365 * 6, 365 * 17))).isoformat()
    else:
        answers["age_estimate"] = rng.randint(6, 17)
    from casecli.case.child.age import age_at

    # consent as the age rules ask (agency defaults): informed consent from 15, assent below
    if (age_at(answers, dt.date.fromisoformat(str(answers["identified_on"]))) or 0) >= 15:
        answers["consent"] = "child_consent"
    else:
        answers.update(
            consent="child_assent", assent_with="best_interests", consent_reason="Training case: no guardian here"
        )
    return answers


STAGES = ("registered", "quick", "assessed", "planned", "in implementation", "closed", "reopened")
STAGE_WEIGHTS = (12, 4, 14, 14, 40, 12, 4)


def _day(start: dt.date, rng: random.Random, today: dt.date, most: int) -> dt.date:
    return min(today, start + dt.timedelta(days=rng.randint(0, most)))


def fill(
    store: Store,
    form: Form,
    count: int,
    today: dt.date,
    seed: int | None = None,
    progress: Callable[[], None] | None = None,
) -> list[str]:
    """Register `count` fictional cases in one transaction, each taken on to a random stage.

    Every step goes through the same domain functions the commands use.
    """
    from casecli.case.due.lifecycle import refresh_all
    from casecli.case.steps import plan as plan_step
    from casecli.case.steps.assessment import record_assessment
    from casecli.case.steps.closure import close_case, reopen_case
    from casecli.case.steps.implementation import add_referral, update_referral
    from casecli.case.steps.monitoring import record_visit
    from casecli.case.steps.registration import insert_case
    from casecli.forms import load_form

    rng = random.Random(seed)
    profile = store.profile()
    quick_form = load_form("registration-quick")
    numbers = []
    store.defer_refresh = True
    store.approvals_waived = True  # fictional cases: no supervisor approves them
    with store.transaction():
        for _case in range(count):
            stage = rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]
            answers = form.validate(fictional_answers(rng, form, today), today)
            registered = today - dt.timedelta(days=rng.randint(0, 365))
            if stage == "quick":
                answers = {k: v for k, v in answers.items() if k in {f.id for f in quick_form.fields}}
                answers["dob_known"] = False
                answers.setdefault("age_estimate", rng.randint(6, 17))
            number = insert_case(
                store,
                answers,
                form,
                registered,
                profile["name"],
                profile["case_number_prefix"],
                demo=True,
                incomplete=stage == "quick",
            )
            numbers.append(number)
            if stage not in ("registered", "quick"):
                _assess(store, number, rng, registered, today, record_assessment)
            if stage in ("planned", "in implementation", "closed", "reopened"):
                start = _day(registered, rng, today, 20)
                plan_step.save(store, number, _plan(rng, start, answers), start, activate=True)
            if stage in ("in implementation", "closed", "reopened"):
                on = _day(registered, rng, today, 30)
                ref = add_referral(
                    store, number, {**REFERRAL, "referred_on": on.isoformat(), "service_type": rng.choice(SERVICES)}
                )["ref"]
                if rng.random() < 0.8:  # most referrals get an answer
                    update_referral(
                        store, ref, rng.choice(("accepted", "completed")), _day(on, rng, today, 10), "", today
                    )
                _follow_up(store, number, rng, on, today, record_visit)
            if stage in ("closed", "reopened"):
                closed_on = _day(registered, rng, today, 200).isoformat()
                close_case(
                    store,
                    number,
                    {  # not a durable solution: those need a BID panel first (case/decisions/solutions.py)
                        "closed_on": closed_on,
                        "reason": "other",
                        "reason_other": "Training case closed",
                        "final_visit": True,
                        "child_informed": True,
                    },
                    acknowledged=True,  # a training case may close with items still open, as real ones do
                )
            if stage == "reopened":
                reopen_case(store, number, "The child came back (training case)", today)
            if progress is not None:
                progress()
        store.defer_refresh = False
        store.approvals_waived = False
        refresh_all(store)
    return numbers


SERVICES = ("health_medical_service", "psychosocial_service", "legal_assistance_service", "education_service")
REFERRAL = {
    "agency": "Fictional partner agency",
    "contact": "Training contact",
    "reason": "Training referral",
    "urgency": "within_3_days",
    "child_consent": "yes",
    "caregiver_consent": "not_applicable",
    "info_shared": "Case number and the service needed",
}
VISIT = {
    "kind": "home",
    "child_seen": True,
    "seen_alone": True,
    "wellbeing": "Fictional: settling in",
    "placement_suitable": "yes",
}


def _follow_up(
    store: Store, number: str, rng: random.Random, start: dt.date, today: dt.date, record_visit: Callable[..., dict]
) -> None:
    """Visits at roughly the plan's pace, most items done on the way: a caseload as it really looks."""
    from casecli.case.file import plan_rules, plans

    plan = plans.active(store, number)
    assert plan is not None, "a training case is followed up only after its plan is activated"
    every = int(plan["data"]["header"]["visit_every_days"])
    items = [
        (item["id"], item.get(plan_rules.ITEM_DATE_FIELD[key]))
        for key in plan_rules.ITEM_FORMS
        for item in plan["data"][key]
    ]
    keeping_up = rng.random() < 0.8
    # Items and visits older than three months are settled: record them in one go.
    settled = max(start, today - dt.timedelta(days=90))
    checks = {i: {"status": "done"} for i, due in items if due and due < settled.isoformat()}
    items = [(i, due) for i, due in items if i not in checks]
    visited = settled - dt.timedelta(days=every if keeping_up else every * 3)
    if checks or settled > start:
        record_visit(
            store,
            number,
            {
                **VISIT,
                "visited_on": visited.isoformat() if visited >= start else start.isoformat(),
                "risk_level": "medium",
                "next_visit": settled.isoformat(),
            },
            checks,
            today,
        )
    while True:
        visited = visited + dt.timedelta(days=every if keeping_up else every * 3)
        if visited > today:
            break
        checks = {
            i: {"status": "done"} for i, due in items if due and due <= visited.isoformat() and rng.random() < 0.9
        }
        items = [(i, due) for i, due in items if i not in checks]
        record_visit(
            store,
            number,
            {
                **VISIT,
                "visited_on": visited.isoformat(),
                "risk_level": rng.choice(("high", "medium", "low")),
                "next_visit": (visited + dt.timedelta(days=every)).isoformat(),
            },
            checks,
            today,
        )


def _assess(
    store: Store,
    number: str,
    rng: random.Random,
    registered: dt.date,
    today: dt.date,
    record_assessment: Callable[..., dict],
) -> None:
    def judgement() -> str:
        return rng.choice(("no_action", "monitor", "intervention", "urgent"))

    answers = {
        "assessed_on": _day(registered, rng, today, 5).isoformat(),
        "risk_level": rng.choice(("high", "medium", "low")),
        "risk_reason": "Training case",
        "participants": ["child"],
        "child_heard": True,
        "child_views": "Fictional views",
        "wants_tracing": rng.choice(("yes", "no", "unsure")),
    }
    for domain in ("safety", "health", "basic_needs", "family"):
        answers[f"{domain}_judgement"] = judgement()
        if answers[f"{domain}_judgement"] in ("intervention", "urgent"):
            answers[f"{domain}_need"] = f"Fictional {domain} need"
    record_assessment(store, number, "initial", answers, today)


def _plan(rng: random.Random, start: dt.date, reg: dict) -> dict:
    def day(n: int) -> str:
        return (start + dt.timedelta(days=n)).isoformat()

    needs = [
        {
            "need": "Fictional protection need",
            "how": "Safe placement",
            "who": "Training worker",
            "by": day(7),
            "need_ref": d,
        }
        for d in ("safety", "health", "basic_needs", "family")
    ]
    return {
        "header": {
            "case_worker": TRAINING_PROFILE["name"],
            "care_arrangement": "small_group_home",
            "provider": "Fictional home",
            "location": rng.choice(PLACES),
            "start_date": day(0),
            "visit_every_days": rng.choice((7, 14, 30)),
            "child_took_part": True,
            "child_views": "Fictional views on the plan",
            "child_agrees": "yes",
        },
        "protection_needs": needs,
        "services": [
            {
                "service_type": "health_medical_service",
                "what": "Check-up",
                "provider": "Fictional clinic",
                "where": "Town",
                "by": day(rng.randint(1, 30)),
                "urgent": rng.random() < 0.3,
            }
        ],
        "actions": [{"action": "Fictional follow-up call", "owner": "Training worker", "due": day(rng.randint(5, 60))}],
    }
