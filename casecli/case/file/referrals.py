"""Referrals as stored: each with its dated status updates (pending, accepted, declined,
completed, no response), and whom a referral shares the case with. Written by implementation,
read by closure, the views and what was shared."""

from __future__ import annotations

import datetime as dt
import json

from casecli.store import settings
from casecli.store.db import Store


def referral_scope(answers: dict) -> list[str]:
    """Who a referral shares the case with, in the consent's words (its scope's ids)."""
    scope = ["service_providers"]
    if answers.get("service_type") == "family_tracing_service":
        scope.append("family")
    return scope


def referrals_of(store: Store, number: str | None, today: dt.date) -> list[dict]:
    stale_days = settings.get(store, "referral.stale_days")
    sql = "SELECT uid, ref, case_number, referred_on, service_type, urgency, plan_item, answers FROM referrals"
    rows = store.conn.execute(
        sql + (" WHERE case_number = ?" if number else "") + " ORDER BY referred_on, created_at",
        (number,) if number else (),
    )
    out = []
    for uid, ref, case_number, referred_on, service, urgency, item, answers in rows.fetchall():
        updates = store.conn.execute(
            "SELECT status, on_date, note, created_by FROM referral_updates WHERE referral_uid = ? ORDER BY on_date, created_at",
            (uid,),
        ).fetchall()
        status, since = updates[-1][0], updates[-1][1]
        waiting = (today - dt.date.fromisoformat(since)).days
        out.append(
            {
                "ref": ref,
                "case_number": case_number,
                "referred_on": referred_on,
                "service_type": service,
                "urgency": urgency,
                "plan_item": item,
                "status": status,
                "since": since,
                "stale": status in ("pending", "accepted") and waiting >= stale_days,
                "answers": json.loads(answers),
                "updates": [{"status": s, "on_date": d, "note": n, "by": b} for s, d, n, b in updates],
            }
        )
    return out
