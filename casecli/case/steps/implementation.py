"""Implementation: referrals to other agencies, and progress on plan items.

A referral may be made before any plan exists when a need is urgent. Its status changes are
kept as updates (pending, accepted, declined, completed, no response), each dated.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from casecli import casenumber
from casecli.case.file.history import append_event
from casecli.case.file.lookup import require_open, resolve, resolve_open
from casecli.case.file.progress import plan_item_ids, record_progress
from casecli.case.file.referrals import referral_scope
from casecli.errors import CaseNotFound, InvalidAnswers, InvalidInput
from casecli.i18n import _
from casecli.store.db import Store, utc_now

REFERRAL_STATUSES = ("pending", "accepted", "declined", "completed", "no_response")
ITEM_STATUSES = ("done", "partly", "not_done")


def _new_ref(store: Store) -> str:
    """R-PREFIX-XXXXX: the laptop's own prefix keeps two laptops from ever drawing the same one."""
    prefix = store.profile().get("case_number_prefix") or "R"
    while True:
        ref = f"R-{prefix}-" + "".join(secrets.choice(casenumber.ALPHABET[10:]) for _ in range(5))
        if not store.conn.execute("SELECT 1 FROM referrals WHERE ref = ?", (ref,)).fetchone():
            return ref


def referral_problems(store: Store, number: str, answers: dict) -> dict[str, str]:
    """A referral beyond the consent in force is refused unless the worker records why (an override)."""
    from casecli.case.decisions.consent import sharing_problem

    why = sharing_problem(store, number, referral_scope(answers))
    if why is None or (answers.get("consent_override") or "").strip():
        return {}
    return {
        "consent_override": why + _("; to share anyway in the child's best interests, record why (consent_override)")
    }


URGENT = ("within_1_hour", "within_3_hours", "within_1_day")  # may go before the supervisor's approval


def referral_subject(answers: dict, urgent: bool) -> dict:
    """What a supervisor approves when a referral shares beyond the consent: to whom, which
    service, what is shared, why (and whether it went ahead first, being urgent)."""
    return {
        "to": [{"name": "", "agency": str(answers.get("agency", "")).strip(), "fingerprint": ""}],
        "handover": False,
        "reason": str(answers.get("consent_override", "")).strip(),
        "referral": {"service_type": answers.get("service_type"), "scope": referral_scope(answers)},
        **({"urgent": True} if urgent else {}),
    }


def _sharing_approval(store: Store, number: str, answers: dict, urgent: bool) -> tuple[dict | None, dict | None]:
    """For a referral beyond the consent where the agency wants a supervisor: (the approval of this
    very sharing, to spend; or the request an urgent referral leaves behind it). Without either,
    the request is recorded and ApprovalNeeded says so: nothing else is written."""
    from casecli.case.decisions import approvals
    from casecli.case.decisions.consent import sharing_problem
    from casecli.errors import ApprovalNeeded

    if sharing_problem(store, number, referral_scope(answers)) is None:
        return None, None
    if not approvals.needed(store, "sharing_beyond_consent"):
        return None, None
    subject = referral_subject(answers, urgent=False)
    allowed = approvals.sharing_allowed(store, number, "sharing_beyond_consent", subject)
    if allowed is not None:
        return allowed, None
    if urgent:
        if answers.get("urgency") not in URGENT:
            raise InvalidInput(
                _("--urgent: only a referral needed within a day (urgency) may go before the supervisor's approval")
            )
        return None, referral_subject(answers, urgent=True)
    with store.transaction():
        approvals.sharing_waits(store, number, "sharing_beyond_consent", subject)
    raise ApprovalNeeded(
        _(
            "referral: sharing beyond consent waits for a supervisor's approval (setting"
            " approval.sharing_beyond_consent); send the request with `casecli approval request {number}` and add"
            " the referral again once their decision is imported, or with --urgent if it cannot wait"
            " (nothing was written)"
        ).format(number=number)
    )


def add_referral(store: Store, text: str, answers: dict, urgent: bool = False) -> dict:
    """Record a referral. Beyond the consent in force it needs a recorded reason and, where the
    agency wants it, a supervisor's approval of that very sharing; an urgent one (`urgent`, needed
    within a day) goes first, and the request it leaves is on the agenda the same day."""
    number = resolve_open(store, text)
    item = answers.get("plan_item")
    if item and item not in plan_item_ids(store, number):
        raise InvalidInput(
            # the answer is not repeated: errors name fields, never what was typed in them
            _("plan_item: expected the id of an item of {number}'s plan (see `casecli plan show {number}`)").format(
                number=number
            )
        )
    problems = referral_problems(store, number, answers)
    if problems:
        raise InvalidAnswers("referral", problems)
    approved, ahead = _sharing_approval(store, number, answers, urgent)
    uid, ref, now, actor = secrets.token_hex(8), _new_ref(store), utc_now(), store.profile()["name"]
    with store.transaction():
        store.conn.execute(
            "INSERT INTO referrals (uid, ref, case_number, referred_on, service_type, urgency, plan_item, answers, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                ref,
                number,
                answers["referred_on"],
                answers["service_type"],
                answers["urgency"],
                item,
                json.dumps(answers, ensure_ascii=False, sort_keys=True),
                actor,
                now,
            ),
        )
        store.conn.execute(
            "INSERT INTO referral_updates (uid, referral_uid, status, on_date, note, created_by, created_at) VALUES (?, ?, 'pending', ?, '', ?, ?)",
            (secrets.token_hex(8), uid, answers["referred_on"], actor, now),
        )
        append_event(
            store,
            number,
            actor,
            "referral",
            f"Referral {ref}: {answers['service_type']} to {answers['agency']}",
            {
                "referral": ref,
                "agency": answers["agency"],
                "shared": answers["info_shared"],
                "child_consent": answers["child_consent"],
                "caregiver_consent": answers["caregiver_consent"],
                **({"urgent_before_approval": True} if ahead is not None else {}),
            },
        )
        from casecli.case.decisions import approvals

        if approved is not None:
            approvals.spend(store, approved, f"Referral {ref} made under the supervisor's approval", {"referral": ref})
        waiting = approvals.sharing_waits(store, number, "sharing_beyond_consent", ahead) if ahead else None
    return {"ref": ref, "case_number": number, "awaiting_approval": waiting is not None, **answers}


def find_referral(store: Store, ref: str, case: str | None = None) -> tuple[str, str, str]:
    """(uid, case number, referred on) of the referral `ref` (of `case`, when two share the name)."""
    ref = ref.strip().upper()
    sql, params = "SELECT uid, case_number, referred_on FROM referrals WHERE ref = ?", [ref]
    if case is not None:
        sql += " AND case_number = ?"
        params.append(resolve(store, case))
    rows = store.conn.execute(sql, params).fetchall()
    if not rows:
        raise CaseNotFound(_("no referral {ref} in this store (see `casecli referral list`)").format(ref=ref))
    if len(rows) > 1:
        raise InvalidInput(
            _("referral {ref}: cases {numbers} each have a referral of that name; add --case CASE").format(
                ref=ref, numbers=", ".join(sorted(r[1] for r in rows))
            )
        )
    return rows[0]


def update_referral(
    store: Store, ref: str, status: str, on_date: dt.date, note: str, today: dt.date, case: str | None = None
) -> dict:
    ref = ref.strip().upper()
    uid, number, referred_on = find_referral(store, ref, case)
    require_open(store, number)
    if status not in REFERRAL_STATUSES:
        raise InvalidInput(_("--status: expected one of: {choices}").format(choices=", ".join(REFERRAL_STATUSES)))
    if on_date > today or on_date.isoformat() < referred_on:
        raise InvalidInput(_("--date: expected a date from the referral ({date}) to today").format(date=referred_on))
    actor = store.profile()["name"]
    with store.transaction():
        store.conn.execute(
            "INSERT INTO referral_updates (uid, referral_uid, status, on_date, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (secrets.token_hex(8), uid, status, on_date.isoformat(), note, actor, utc_now()),
        )
        append_event(
            store,
            number,
            actor,
            "referral",
            f"Referral {ref} {status}",
            {"referral": ref, "status": status, "on": on_date.isoformat(), "note": note},
        )
    return {"ref": ref, "case_number": number, "status": status, "on_date": on_date.isoformat()}


def plan_services(store: Store, number: str) -> list[dict]:
    """The services of the plan in force (else the latest), urgent first: where a referral may start."""
    from casecli.case.file import plan_rules, plans

    plan = plans.active(store, number) or plans.load(store, number)
    return plan_rules.ordered_services(plan["data"]["services"]) if plan else []


def referral_from_service(store: Store, number: str, item_id: str) -> dict:
    """A referral's answers taken from a service of the case's plan (`--from-service ID`)."""
    start = referral_from_service_of(plan_services(store, number), item_id)
    if not start:
        raise InvalidInput(
            _("--from-service: {item} is not a service of the plan of {number}").format(item=item_id, number=number)
        )
    return start


def referral_from_service_of(services: list[dict], item_id: str) -> dict:
    """The organisation, the service and the need of the plan service `item_id` (or of the one
    its first letters name), as a referral's answers; empty when there is none."""
    wanted = item_id.strip().lower()
    found = [s for s in services if wanted and s["id"].lower().startswith(wanted)]
    if len(found) != 1:
        return {}
    service = found[0]
    start = {
        "service_type": service.get("service_type"),
        "agency": service.get("provider"),
        "reason": service.get("what"),
        "plan_item": service["id"],
        "urgency": "within_1_day" if service.get("urgent") else None,
    }
    return {k: v for k, v in start.items() if v not in (None, "")}


def mark_item(store: Store, text: str, item_id: str, status: str, on_date: dt.date, note: str, today: dt.date) -> dict:
    number = resolve_open(store, text)
    items = plan_item_ids(store, number)
    if item_id not in items:
        raise InvalidInput(
            _("item {item}: not an item of {number}'s plan (items: {items})").format(
                item=item_id, number=number, items=", ".join(items) or "—"
            )
        )
    if status not in ITEM_STATUSES:
        raise InvalidInput(_("--status: expected one of: {choices}").format(choices=", ".join(ITEM_STATUSES)))
    if on_date > today:
        raise InvalidInput(_("--date: expected a date not in the future"))
    actor = store.profile()["name"]
    with store.transaction():
        record_progress(store, number, item_id, status, on_date.isoformat(), note, "marked", actor)
        append_event(
            store,
            number,
            actor,
            "progress",
            f"Plan item {item_id} {status}: {items[item_id]}",
            {"item": item_id, "status": status, "on": on_date.isoformat(), "note": note},
        )
    return {"case_number": number, "item": item_id, "status": status}
