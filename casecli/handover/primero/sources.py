"""A case's records as the mapping reads them: named values ("registration.sex", "case.risk" …),
lists of items for Primero's subforms (family, referrals, visits, plan items, placements), and
what has no home in Primero (the child's words across steps, plan versions, consent history,
handover notes, the history chain), each as a note that `--notes` may carry."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from casecli.forms import load_form
from casecli.store.db import Store

NO_HOME = ("voice", "plan_versions", "consents", "handover_notes", "history")
# Values this module makes from the records (not answers a worker gave).
DERIVED = {"closure.reason_words", "tracing.status"}
# Answers that reach Primero by another way than their own field: the registration's placement is
# the first of the placements (care_arrangements_section); its consent is the first of the
# consent history (no home: counted, carried as a note with --notes).
CARRIED_ELSEWHERE = {
    "registration.care_arrangement",
    "registration.consent",
    "registration.assent_with",
    "registration.consent_reason",
    "registration.share_with",
    "registration.withhold_notes",
    "registration.child_informed",
}


@dataclass
class CaseSources:
    number: str
    values: dict[str, Any]
    lists: dict[str, list[dict]]
    # answers the mapping does not take, by where they are: "registration.identified_how" …
    answers: dict[str, Any] = field(default_factory=dict)
    # what has no home in Primero: counted, and carried as notes with --notes
    no_home: dict[str, int] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)


def sources_of(store: Store, number: str, today: dt.date) -> CaseSources:
    from casecli.case.child.age import age_on, dispute_of, presumed
    from casecli.case.decisions.consent import consents_of, in_force_among
    from casecli.case.due.detention import placement_now
    from casecli.case.family.tracing import requests_of
    from casecli.case.reads.voice import child_voice

    row = store.conn.execute(
        "SELECT answers, risk, status, registered_on, created_at, date_of_birth, age_estimate, case_worker"
        " FROM cases WHERE case_number = ?",
        (number,),
    ).fetchone()
    registration = json.loads(row[0])
    born, estimate, counted_from, _settled = presumed(row[5], row[6], row[3], dispute_of(store, number))
    age, estimated = age_on(born, estimate, counted_from[:10], today)
    values: dict[str, Any] = {f"registration.{k}": v for k, v in registration.items()}
    values.update(
        {
            "case.case_number": number,
            "case.risk": row[1],
            "case.status": "closed" if row[2] == "closed" else "open",
            "case.registered_on": row[3],
            "case.created_at": row[4],
            "case.age": age,
            "case.age_estimated": estimated if age is not None else None,
            "case.placement": placement_now(store, number),
            "case.urgent_needs": "yes" if set(registration.get("urgent_needs") or []) - {"none"} else None,
            "profile.agency": store.profile().get("agency"),
        }
    )
    consents = consents_of(store, number)
    consent = in_force_among(consents)
    if consent and consent["status"] == "active":
        values.update({f"consent.{k}": v for k, v in consent["answers"].items()})
    assessment = store.conn.execute(
        "SELECT answers FROM assessments WHERE case_number = ? ORDER BY assessed_on DESC, created_at DESC LIMIT 1",
        (number,),
    ).fetchone()
    if assessment:
        values.update({f"assessment.{k}": v for k, v in json.loads(assessment[0]).items()})
    requests = requests_of(store, number)
    if requests:
        latest = requests[-1]
        values.update({f"tracing.{k}": v for k, v in latest["answers"].items()})
        values["tracing.status"] = latest["status"]
    plans = store.conn.execute(
        "SELECT version, status, data, activated_at FROM plans WHERE case_number = ? ORDER BY version", (number,)
    ).fetchall()
    active = next((p for p in reversed(plans) if p[1] == "active"), None)
    values["plan.exists"] = bool(active)
    if active and active[3]:
        values["plan.activated_on"] = active[3][:10]
    for kind, key in (("plan_activation", "approvals.plan"), ("closure", "approvals.closure")):
        found = store.conn.execute(
            "SELECT status FROM approvals WHERE case_number = ? AND kind = ? AND status != 'void'"
            " ORDER BY requested_at DESC LIMIT 1",
            (number, kind),
        ).fetchone()
        if found:
            values[key] = found[0]
    if row[2] == "closed":
        closure = store.conn.execute(
            "SELECT closed_on, reason, answers FROM closures WHERE case_number = ? AND reopened_on IS NULL"
            " ORDER BY closed_on DESC, created_at DESC LIMIT 1",
            (number,),
        ).fetchone()
        if closure:
            said = json.loads(closure[2])
            values.update({"closure.closed_on": closure[0], "closure.reason": closure[1]})
            reason_field = load_form("closure").field("reason")
            words = said.get("reason_other") if closure[1] == "other" else reason_field.choice_label(closure[1], "en")
            values["closure.reason_words"] = words
    lists = {
        "family": _family(store, number),
        "referrals": _referrals(store, number),
        "visits": _visits(store, number),
        "plan_items": _plan_items(store, number, json.loads(active[2]) if active else None),
        "placements": _placements(registration, row[3], store, number),
    }
    sources = CaseSources(number, {k: v for k, v in values.items() if v not in (None, "", [])}, lists)
    # Every answer of these records is accounted for: taken by a field, or listed as lost.
    sources.answers = {
        k: v
        for k, v in sources.values.items()
        if k.split(".")[0] in ("registration", "consent", "assessment", "closure", "tracing")
        and k not in DERIVED
        and k not in CARRIED_ELSEWHERE
    }
    voice = child_voice(store, number)
    received = store.conn.execute(
        "SELECT at, changes FROM events WHERE case_number = ? AND kind = 'received' ORDER BY seq", (number,)
    )
    handover_notes = [(at, note) for at, c in received if isinstance(note := json.loads(c).get("note"), dict)]
    history = store.conn.execute("SELECT count(*) FROM events WHERE case_number = ?", (number,)).fetchone()[0]
    sources.no_home = {
        "voice": len(voice),
        "plan_versions": max(len(plans) - (1 if active else 0), 0),
        "consents": len(consents),
        "handover_notes": len(handover_notes),
        "history": history,
    }
    sources.notes = _notes(voice, plans, active, consents, handover_notes)
    return sources


def _family(store: Store, number: str) -> list[dict]:
    return [
        {"uid": uid, **json.loads(answers)}
        for uid, answers in store.conn.execute(
            "SELECT uid, answers FROM family_members WHERE case_number = ? ORDER BY created_at", (number,)
        )
    ]


def _referrals(store: Store, number: str) -> list[dict]:
    out = []
    for uid, answers, status, note in store.conn.execute(
        "SELECT r.uid, r.answers,"
        " (SELECT u.status FROM referral_updates u WHERE u.referral_uid = r.uid ORDER BY u.on_date DESC, u.created_at DESC LIMIT 1),"
        " (SELECT u.note FROM referral_updates u WHERE u.referral_uid = r.uid ORDER BY u.on_date DESC, u.created_at DESC LIMIT 1)"
        " FROM referrals r WHERE r.case_number = ? ORDER BY r.referred_on, r.created_at",
        (number,),
    ):
        out.append({"uid": uid, **json.loads(answers), "status": status or "pending", "outcome": note or None})
    return out


def _visits(store: Store, number: str) -> list[dict]:
    reunified = store.conn.execute(
        "SELECT min(on_date) FROM tracing WHERE case_number = ? AND kind = 'reunification'", (number,)
    ).fetchone()[0]
    out = []
    for uid, on, next_visit, answers in store.conn.execute(
        "SELECT uid, visited_on, next_visit, answers FROM visits WHERE case_number = ? ORDER BY visited_on, created_at",
        (number,),
    ):
        said = json.loads(answers)
        after = bool(reunified) and on >= reunified
        out.append(
            {
                "uid": uid,
                **said,
                "visited_on": on,
                "next_visit": next_visit,
                "followup_type": "after_reunification" if after else "in_care",
            }
        )
    return out


def _plan_items(store: Store, number: str, plan: dict | None) -> list[dict]:
    if not plan:
        return []
    done = {
        item
        for (item,) in store.conn.execute(
            "SELECT item_id FROM item_progress p WHERE case_number = ? AND status = 'done' AND on_date = ("
            " SELECT max(on_date) FROM item_progress q WHERE q.case_number = p.case_number AND q.item_id = p.item_id)",
            (number,),
        )
    }
    out = []
    for key, title, who, how, due in (
        ("protection_needs", "need", "who", "how", "by"),
        ("services", "what", "provider", None, "by"),
        ("actions", "action", "owner", None, "due"),
    ):
        for item in plan.get(key, []):
            if not isinstance(item, dict) or not item.get("id"):
                continue
            used = {"id", title, who, due} | ({how} if how else set())
            out.append(
                {
                    "uid": f"{number}:{item['id']}",
                    "title": item.get(title),
                    "who": item.get(who),
                    "how": item.get(how) if how else None,
                    "due": item.get(due),
                    "done": True if item["id"] in done else None,
                    # the rest of the item's answers: listed as lost where Primero has no field
                    **{f"{key}.{k}": v for k, v in item.items() if k not in used},
                }
            )
    return out


def _placements(registration: dict, registered_on: str, store: Store, number: str) -> list[dict]:
    """Where the child has lived: the registration's placement, then each visit that recorded a
    change of it."""
    out = []
    if registration.get("care_arrangement"):
        out.append(
            {
                "uid": f"{number}:registration",
                "care_arrangement": registration["care_arrangement"],
                "caregiver": registration.get("caregiver"),
                "since": registration.get("identified_on") or registered_on[:10],
            }
        )
    for uid, on, where in store.conn.execute(
        "SELECT uid, visited_on, json_extract(answers, '$.care_arrangement') FROM visits"
        " WHERE case_number = ? AND json_extract(answers, '$.care_arrangement') IS NOT NULL ORDER BY visited_on, created_at",
        (number,),
    ):
        if not out or out[-1]["care_arrangement"] != where:
            out.append({"uid": uid, "care_arrangement": where, "since": on})
    return out


def _notes(
    voice: list[dict], plans: list, active: tuple | None, consents: list[dict], handover_notes: list
) -> list[dict[str, Any]]:
    """What has no home in Primero, as notes (subject, text, date)."""
    notes: list[dict[str, Any]] = []
    for entry in voice:
        text = entry["answer"] if isinstance(entry["answer"], str) else json.dumps(entry["answer"], ensure_ascii=False)
        notes.append(
            {"date": str(entry["on"])[:10], "subject": f"casecli: the child's words ({entry['step']})", "text": text}
        )
    for version, status, data, activated in plans:
        if active and version == active[0]:
            continue
        notes.append(
            {
                "date": (activated or "")[:10] or None,
                "subject": f"casecli: plan version {version} ({status})",
                "text": json.dumps(json.loads(data), ensure_ascii=False)[:20000],
            }
        )
    for consent in consents:
        notes.append(
            {
                "date": consent["given_on"],
                "subject": f"casecli: consent ({consent['status']})",
                "text": json.dumps(consent["answers"], ensure_ascii=False),
            }
        )
    for at, note in handover_notes:
        notes.append(
            {"date": at[:10], "subject": "casecli: handover note", "text": json.dumps(note, ensure_ascii=False)}
        )
    return notes
