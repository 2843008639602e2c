"""Progress on plan items: each item of the plan in force (or of the latest version) with the
latest progress recorded on it, whether marked by hand or at a visit. Written by implementation
and monitoring, read by closure and the views."""

from __future__ import annotations

import secrets

from casecli.case.file import plan_rules, plans
from casecli.store.db import Store, utc_now


def plan_item_ids(store: Store, number: str) -> dict[str, str]:
    """Item id -> title, for the items of the case's latest plan."""
    plan = plans.load(store, number)
    if plan is None:
        return {}
    return {
        item["id"]: item.get(plan_rules.ITEM_TITLE_FIELD[key], "")
        for key in plan_rules.ITEM_FORMS
        for item in plan["data"][key]
    }


def record_progress(
    store: Store, number: str, item_id: str, status: str, on_date: str, note: str, source: str, actor: str
) -> None:
    """Record progress on a plan item; call inside a write transaction."""
    store.conn.execute(
        "INSERT INTO item_progress (uid, case_number, item_id, status, on_date, note, source, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (secrets.token_hex(8), number, item_id, status, on_date, note, source, actor, utc_now()),
    )


def progress_of(store: Store, number: str) -> dict[str, dict]:
    """The latest progress recorded on each plan item of a case."""
    rows = store.conn.execute(
        "SELECT item_id, status, on_date, note, source FROM item_progress WHERE case_number = ? ORDER BY on_date, created_at",
        (number,),
    )
    return {item: {"status": s, "on_date": d, "note": n, "source": src} for item, s, d, n, src in rows}


def open_items(store: Store, number: str) -> list[dict]:
    """Items of the plan in force (else the latest) not yet recorded as done."""
    plan = plans.active(store, number) or plans.load(store, number)
    if plan is None:
        return []
    progress = progress_of(store, number)
    return [
        {
            "id": item["id"],
            "kind": plan_rules.ITEM_NAMES[key],
            "title": item.get(plan_rules.ITEM_TITLE_FIELD[key], ""),
            "due": item.get(plan_rules.ITEM_DATE_FIELD[key]),
            "last": progress.get(item["id"], {}).get("status"),
            "last_note": progress.get(item["id"], {}).get("note"),
        }
        for key in plan_rules.ITEM_FORMS
        for item in plan["data"][key]
        if progress.get(item["id"], {}).get("status") != "done"
    ]
