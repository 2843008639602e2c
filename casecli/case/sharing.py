"""Consent and information sharing: what the child (and caregiver) agreed to, and every time
information about the case left this laptop (a referral, a bundle), with whom and on whose consent."""

from __future__ import annotations

import json

from casecli.store.db import Store


def sharing_of(store: Store, number: str) -> dict:
    answers = json.loads(store.conn.execute("SELECT answers FROM cases WHERE case_number = ?", (number,)).fetchone()[0])
    consent = {
        k: answers[k]
        for k in ("child_informed", "consent", "consent_reason", "share_with", "withhold_notes")
        if k in answers
    }
    shared = []
    for ref, on, agency, data in store.conn.execute(
        "SELECT ref, referred_on, json_extract(answers, '$.agency'), answers FROM referrals WHERE case_number = ? ORDER BY referred_on",
        (number,),
    ):
        detail = json.loads(data)
        shared.append(
            {
                "when": on,
                "with": agency,
                "how": f"referral {ref}",
                "what": detail.get("info_shared", ""),
                "consent": {
                    "child": detail.get("child_consent"),
                    "caregiver": detail.get("caregiver_consent"),
                    "without_consent_because": detail.get("no_consent_reason"),
                },
            }
        )
    for at, changes in store.conn.execute(
        "SELECT at, changes FROM events WHERE case_number = ? AND kind = 'handover' ORDER BY seq", (number,)
    ):
        detail = json.loads(changes)
        shared.append(
            {
                "when": at[:10],
                "with": ", ".join(detail.get("to", [])) or "a passphrase holder",
                "how": f"handover bundle {detail.get('bundle', '')[:12]}",
                "what": "the whole case",
                "consent": {"registration": consent.get("share_with")},
            }
        )
    for bundle_id, peer, at, cases in store.conn.execute(
        "SELECT bundle_id, peer, at, cases FROM bundles_seen WHERE direction = 'sent' AND handover = 0"
    ):
        if number in json.loads(cases):
            shared.append(
                {
                    "when": at[:10],
                    "with": peer,
                    "how": f"copy for consultation {bundle_id[:12]}",
                    "what": "the whole case",
                    "consent": {"registration": consent.get("share_with")},
                }
            )
    shared.sort(key=lambda s: s["when"])
    return {"consent": consent, "shared": shared}
