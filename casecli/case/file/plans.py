"""The plan's versions as stored: every save is a new version, a draft until it is activated.
Written by the plan step; read by implementation, monitoring, the views and the documents."""

from __future__ import annotations

import json

from casecli.errors import InvalidInput
from casecli.i18n import _
from casecli.store.db import Store


def versions(store: Store, number: str) -> list[dict]:
    return list(
        store.rows(
            "SELECT version, status, saved_by, saved_at, activated_at FROM plans WHERE case_number = ? ORDER BY version",
            (number,),
        )
    )


def load(store: Store, number: str, version: int | None = None) -> dict | None:
    """A plan version (the latest by default) with its status, or None if the case has no plan."""
    sql = "SELECT version, status, data, saved_by, saved_at, activated_at FROM plans WHERE case_number = ?"
    params: list = [number]
    if version is None:
        sql += " ORDER BY version DESC LIMIT 1"
    else:
        sql += " AND version = ?"
        params.append(version)
    row = store.conn.execute(sql, params).fetchone()
    if row is None:
        if version is not None:
            raise InvalidInput(
                _("--version: {number} has no plan version {version}").format(number=number, version=version)
            )
        return None
    v, status, data, by, at, activated = row
    return {
        "version": v,
        "status": status,
        "data": json.loads(data),
        "saved_by": by,
        "saved_at": at,
        "activated_at": activated,
    }


def load_version(store: Store, number: str, version: int) -> dict:
    """One plan version, or InvalidInput naming the case and the version."""
    plan = load(store, number, version)
    assert plan is not None  # load() raises for a version that is not there
    return plan


def active(store: Store, number: str) -> dict | None:
    row = store.conn.execute(
        "SELECT version FROM plans WHERE case_number = ? AND status = 'active' ORDER BY version DESC LIMIT 1", (number,)
    ).fetchone()
    return load(store, number, row[0]) if row else None
