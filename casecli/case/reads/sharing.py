"""Information sharing: every time information about the case left this laptop (a referral, a
handover, a copy for consultation), with whom, and the consent in force that day."""

from __future__ import annotations

import json
import re

from casecli.case.decisions.consent import consents_of, in_force_among
from casecli.i18n import _
from casecli.store.db import Store

# What each kind of sharing shares with, in the consent's scope ids.
WHOLE_CASE = ["agency_team"]


def _contacts(store: Store) -> dict[str, tuple[str, str]]:
    """Contacts (name, agency) by fingerprint: bundles name their recipients by fingerprint."""
    return {
        f: (name, agency) for name, agency, f in store.conn.execute("SELECT name, agency, fingerprint FROM contacts")
    }


def _scope(mine: str, fingerprints: list[str], contacts: dict[str, tuple[str, str]], passphrase: bool) -> list[str]:
    """A bundle to a contact of another agency (`mine` is ours, folded), or to whoever holds its
    passphrase (nobody named), shares with other organisations; else with the team."""
    agencies = {contacts[f][1].strip().casefold() for f in fingerprints if f in contacts}
    return ["other_organisations"] if passphrase or not fingerprints or agencies - {mine} else WHOLE_CASE


def sharing_of(store: Store, number: str) -> dict:
    from casecli.case.file.referrals import referral_scope

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
    contacts = _contacts(store)
    mine = store.profile()["agency"].strip().casefold()
    overrides = {
        json.loads(changes).get("bundle"): json.loads(changes)
        for (changes,) in store.conn.execute(
            "SELECT changes FROM events WHERE case_number = ? AND kind = 'sharing override'", (number,)
        )
    }
    for at, changes in store.conn.execute(
        "SELECT at, changes FROM events WHERE case_number = ? AND kind = 'handover' ORDER BY seq", (number,)
    ):
        detail = json.loads(changes)
        to = [contacts.get(f, (f, ""))[0] for f in detail.get("to", [])]
        by_passphrase = bool(detail.get("passphrase")) or not detail.get("to")
        if by_passphrase:
            to.append(_("a passphrase holder"))
        shared.append(
            {
                "when": at[:10],
                "with": ", ".join(to),
                "how": "handover",
                "ref": detail.get("bundle", "")[:12],
                "what": "whole case",
                "scope": _scope(mine, detail.get("to", []), contacts, by_passphrase),
                "override": overrides.get(detail.get("bundle"), {}).get("reason"),
            }
        )
    for at, changes in store.conn.execute(
        "SELECT at, changes FROM events WHERE case_number = ? AND kind = 'primero export' ORDER BY seq", (number,)
    ):
        detail = json.loads(changes)
        shared.append(
            {
                "when": at[:10],
                "with": "Primero",
                "how": "information system",
                "ref": str(detail.get("how", ""))[:40],
                "what": "whole case",
                "scope": ["other_organisations"],
                "override": detail.get("override"),
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
                    "scope": _scope(mine, re.findall(r"\(([0-9A-F ]{24})\)", peer), contacts, False),
                    "override": overrides.get(bundle_id, {}).get("reason"),
                }
            )
    shared.sort(key=lambda s: s["when"])
    for item in shared:
        record = in_force_among(records, item["when"])
        allowed = set(record["answers"].get("share_with", [])) if record and record["status"] == "active" else set()
        item["consent"] = {
            "uid": record["uid"] if record else None,
            "status": record["status"] if record else None,
            "given_on": record["given_on"] if record else None,
            "within": all(s in allowed for s in item["scope"]),
        }
    return {"consent": in_force_among(records), "consents": records, "shared": shared}
