"""Fictional training cases. Every one is flagged `demo` and shown as a training case.

Names are drawn from common given names and surnames; no real child is described.
"""

from __future__ import annotations

import datetime as dt
import random

from casecli.forms import Form

FIRST = ["María", "José", "Ana", "Luis", "Sofía", "Carlos", "Valeria", "Juan", "Camila", "Jorge",
         "Daniela", "Miguel", "Fernanda", "Kevin", "Génesis", "Brayan", "Yulissa", "Wilmer", "Dayana", "Édgar"]
LAST = ["Hernández", "García", "López", "Martínez", "Pérez", "Rodríguez", "Gómez", "Ramírez", "Cruz", "Flores",
        "Morales", "Reyes", "Ortiz", "Castillo", "Méndez", "Chávez", "Vásquez", "Aguilar", "Juárez", "Pacheco"]
PLACES = ["Tapachula", "Ciudad Hidalgo", "Tenosique", "Oaxaca", "Ciudad de México", "Monterrey", "Tijuana", "Ciudad Juárez"]
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
        "urgent_needs": rng.sample(["health", "shelter", "protection", "food", "psychosocial", "legal"], k=rng.randint(1, 3)),
        "risk_level": rng.choices(["high", "medium", "low"], weights=[2, 5, 3])[0],
        "child_informed": True,
        "consent": pick("consent", skip=("best_interests",)),
        "share_with": ["agency_team", "service_providers"],
    }
    if dob_known:
        answers["date_of_birth"] = (today - dt.timedelta(days=rng.randint(365 * 6, 365 * 17))).isoformat()
    else:
        answers["age_estimate"] = rng.randint(6, 17)
    return answers


def fill(store, form: Form, count: int, today: dt.date, seed: int | None = None, progress=None) -> list[str]:
    """Register `count` fictional cases in one transaction; returns their case numbers."""
    from casecli.cases import insert_case

    rng = random.Random(seed)
    profile = store.profile()
    numbers = []
    with store.transaction():
        for _ in range(count):
            answers = form.validate(fictional_answers(rng, form, today), today)
            registered = today - dt.timedelta(days=rng.randint(0, 365))
            numbers.append(insert_case(store, answers, form, registered, profile["name"], profile["case_number_prefix"], demo=True))
            if progress is not None:
                progress()
    return numbers
