"""Information sharing: every time information about the case left this laptop (a referral, a
handover, a copy for consultation), with whom, and the consent in force that day."""

from __future__ import annotations

import json

from casecli.case.consent import consents_of, in_force
from casecli.store.db import Store

# What each kind of sharing shares with, in the consent's scope ids.
WHOLE_CASE = ["agency_team"]


def _contact_names(store: Store) -> dict[str, str]:
    """Contacts by fingerprint (handover events name their recipients by fingerprint)."""
    import hashlib

    names = {}
    for name, encryption, signing in store.conn.execute("SELECT name, encryption_public, signing_public FROM contacts"):
        digest = hashlib.sha256(b"casecli identity\n" + bytes(encryption) + bytes(signing)).hexdigest()[:20].upper()
        names[" ".join(digest[i : i + 4] for i in range(0, 20, 4))] = name
    return names


def sharing_of(store: Store, number: str) -> dict:
    from casecli.case.implementation import referral_scope

    records = consents_of(store, number)
    shared = []
    for ref, on, agency, data in store.conn.execute(
        "SELECT ref, referred_on, json_extract(answers, '$.agency'), answers FROM referrals WHERE case_number = ?"
        " ORDER BY referred_on",
        (number,),
    ):
        detail = json.loads(data)
        shared.append(
            {
                "when": on,
                "with": agency,
                "how": "referral",
                "ref": ref,
                "what": detail.get("info_shared", ""),
                "scope": referral_scope(detail),
                "override": detail.get("consent_override"),
                "referral_consent": {
                    "child": detail.get("child_consent"),
                    "caregiver": detail.get("caregiver_consent"),
                    "without_consent_because": detail.get("no_consent_reason"),
                },
            }
        )
    names = _contact_names(store)
    for at, changes in store.conn.execute(
        "SELECT at, changes FROM events WHERE case_number = ? AND kind = 'handover' ORDER BY seq", (number,)
    ):
        detail = json.loads(changes)
        to = [names.get(f, f) for f in detail.get("to", [])]
        shared.append(
            {
                "when": at[:10],
                "with": ", ".join(to),
                "how": "handover",
                "ref": detail.get("bundle", "")[:12],
                "what": "whole case",
                "scope": WHOLE_CASE,
                "override": None,
            }
        )
    for bundle_id, peer, at, cases in store.conn.execute(
        "SELECT bundle_id, peer, at, cases FROM bundles_seen WHERE direction = 'sent' AND handover = 0"
    ):
        if number in json.loads(cases):
            shared.append(
                {
                    "when": at[:10],
                    "with": peer.split(" (")[0],
                    "how": "copy",
                    "ref": bundle_id[:12],
                    "what": "whole case",
                    "scope": WHOLE_CASE,
                    "override": None,
                }
            )
    shared.sort(key=lambda s: s["when"])
    for item in shared:
        record = in_force(store, number, item["when"])
        allowed = set(record["answers"].get("share_with", [])) if record and record["status"] == "active" else set()
        item["consent"] = {
            "uid": record["uid"] if record else None,
            "status": record["status"] if record else None,
            "given_on": record["given_on"] if record else None,
            "within": all(s in allowed for s in item["scope"]),
        }
    return {"consent": in_force(store, number), "consents": records, "shared": shared}
