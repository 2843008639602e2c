"""The bundles this store has sent or received (receipts and refusals too): none is imported twice."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from casecli.store.db import Store, utc_now

if TYPE_CHECKING:
    from casecli.handover.bundle import BundleReader


def record_seen(store: Store, bundle_id: str, direction: str, peer: str, handover: bool, cases: list[str]) -> None:
    """Remember a bundle sent or received (a receipt, a refusal), so that it is never imported twice."""
    store.conn.execute(
        "INSERT INTO bundles_seen (bundle_id, direction, peer, handover, cases, at) VALUES (?, ?, ?, ?, ?, ?)",
        (bundle_id, direction, peer, int(handover), json.dumps(cases), utc_now()),
    )


def already_imported(store: Store, bundle_id: str) -> bool:
    return store.conn.execute("SELECT 1 FROM bundles_seen WHERE bundle_id = ?", (bundle_id,)).fetchone() is not None


def record_refused(store: Store, reader: BundleReader) -> None:
    """Remember a bundle refused (by casecli, or by the worker), so that it is not imported later by
    mistake; `reader` is the bundle's checked BundleReader."""
    record_seen(store, reader.bundle_id, "received", f"{reader.sender_name} ({reader.fingerprint}) refused", False, [])
