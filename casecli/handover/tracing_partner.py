"""A tracing request for a tracing partner (the Red Cross / Red Crescent family-links service, another
agency's tracing team), as a bundle of its own.

It carries only what tracing needs: whom to find and where they were last known, how and where the
child was separated, and enough of the child for the family to be recognised (name, sex, age,
nationality, languages). No case number (a reference stands in), no location of the child, no
other record, no free text in the child's own words. The consent in force must allow family
tracing. The partner reads it with `casecli import FILE`; nothing is written to their store.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from casecli.case.child.age import age_at, dispute_of, presumed_answers
from casecli.case.family.tracing import check_consent, the_request
from casecli.case.file.history import append_event
from casecli.errors import BundleRejected
from casecli.handover import identity as identities
from casecli.handover.bundle import BundleWriter, PayloadWriter, refuse_existing
from casecli.handover.mailbox import Mailbox, destination
from casecli.handover.mailbox_log import deliver
from casecli.i18n import _
from casecli.store.db import Store, utc_now
from casecli.store.migrations import RECORDS_VERSION

if TYPE_CHECKING:
    from casecli.handover.identity import Identity

KIND = "tracing-request"
CHILD_FIELDS = ("name_first", "name_last", "sex", "nationality", "languages")
SOUGHT_FIELDS = (
    "sought_name",
    "sought_relation",
    "last_known_place",
    "last_known_date",
    "date_of_separation",
    "separation_cause",
    "location_separation",
)
MAX_TEXT = 1000


def request_for_partner(store: Store, text: str, which: int | None, today: dt.date) -> dict:
    """What a tracing partner receives of a request (checked against the consent in force)."""
    import json

    number, request = the_request(store, text, which)
    check_consent(store, number, "tracing export")
    registration = json.loads(
        store.conn.execute("SELECT answers FROM cases WHERE case_number = ?", (number,)).fetchone()[0]
    )
    child = {k: registration[k] for k in CHILD_FIELDS if registration.get(k) not in (None, "", [])}
    age = age_at(presumed_answers(registration, dispute_of(store, number)), today)
    if age is not None:
        child["age"] = age
    sought = {k: request["answers"][k] for k in SOUGHT_FIELDS if request["answers"].get(k) not in (None, "")}
    me = identities.own(store)
    return {
        "reference": request["uid"],
        "from": {"name": me.name, "agency": me.agency},
        "child": child,
        "sought": sought,
        "status": request["status"],
        "case_number": number,  # for this store's history only: removed before the bundle is written
    }


def export_request(
    store: Store, text: str, which: int | None, partner: Identity, output: Path | Mailbox, today: dt.date
) -> dict:
    """Write the request for `partner` alone, signed, and record in the case's history that it went."""
    found = request_for_partner(store, text, which, today)
    number = found.pop("case_number")
    target = destination(output, partner.fingerprint)
    refuse_existing(target)
    _encryption, signing = identities.private_keys(store)
    me = identities.own(store)
    writer = BundleWriter(
        target, me.header(), signing, [(partner.encryption_public, partner.fingerprint)], created=utc_now()
    )
    written = False
    try:
        with store.transaction():
            payload = PayloadWriter(writer)
            payload.record(
                {"t": "bundle", "r": {"schema": RECORDS_VERSION, "kind": KIND, "cases": [], "tracing": found}}
            )
            append_event(
                store,
                number,
                me.name,
                "tracing",
                f"Tracing request sent to a tracing partner ({partner.agency})",
                {"bundle": writer.bundle_id, "to": partner.fingerprint, "reference": found["reference"]},
            )
            payload.close()
            written = True
            deliver(store, output, writer.path, writer.bundle_id, [(partner.fingerprint, partner.name)], KIND, [])
    except BaseException:
        if written:
            writer.path.unlink(missing_ok=True)
        else:
            writer.abort()
        raise
    return {"case_number": number, "to": partner.name, "output": str(writer.path), "reference": found["reference"]}


def tracing_of(meta: dict, name: str) -> dict | None:
    """The tracing request a bundle's description holds, checked; None for other bundles."""
    if meta.get("kind") != KIND:
        return None
    found = meta.get("tracing")

    def texts(part: object) -> bool:
        return (
            isinstance(part, dict)
            and len(part) <= 20
            and all(
                isinstance(k, str) and isinstance(v, (str, int, list)) and len(str(v)) <= MAX_TEXT
                for k, v in part.items()
            )
        )

    if (
        not isinstance(found, dict)
        or not isinstance(found.get("reference"), str)
        or len(found["reference"]) > 64
        or not all(texts(found.get(part)) for part in ("from", "child", "sought"))
    ):
        raise BundleRejected(_("{file}: the tracing request is malformed").format(file=name))
    return found
