"""Deadlines that follow a case's risk level, counted from registration (agency settings)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from casecli.store import settings

if TYPE_CHECKING:
    from casecli.store.db import Store


def days(store: Store, risk: str, what: str) -> int:
    return settings.get(store, f"deadlines.{risk}.{what}")


def refresh_deadlines(store: Store, case_number: str) -> None:
    """Set the assessment and plan deadlines from the registration date and the current risk.

    Call inside the write transaction that registers the case or changes its risk.
    """
    registered_on, risk = store.conn.execute(
        "SELECT registered_on, risk FROM cases WHERE case_number = ?", (case_number,)
    ).fetchone()
    start = dt.date.fromisoformat(registered_on)
    store.conn.execute(
        "UPDATE cases SET assessment_due = ?, plan_due = ? WHERE case_number = ?",
        (
            (start + dt.timedelta(days=days(store, risk, "initial_assessment_days"))).isoformat(),
            (start + dt.timedelta(days=days(store, risk, "plan_days"))).isoformat(),
            case_number,
        ),
    )
