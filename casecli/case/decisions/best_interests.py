"""Best Interests Assessments (BIA) and Best Interests Determination (BID) panels.

A BIA gathers the child's views and wishes, the family situation, the risks and the options, and
recommends (Primero's values: local integration, the care arrangement, medical, repatriation,
resettlement, reunification). Where a BID is required (case.bid_rules) a multi-disciplinary panel
decides on the latest BIA: at least `bid.min_members` members, the BIA's author among them only if
`bid.author_may_sit`. The panel's follow-up actions join the next plan version, as a conference's do.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable

from casecli.case.decisions import approvals
from casecli.case.decisions.panels import check_parts, each_once, with_actions
from casecli.case.file.history import append_event
from casecli.case.file.lookup import resolve, resolve_open
from casecli.errors import InvalidAnswers, InvalidInput
from casecli.forms.words import fold
from casecli.i18n import _
from casecli.store import settings
from casecli.store.db import Store, utc_now

MEMBERS = ("members", "bid-member")
KINDS = ("bia", "bid")


def _insert(
    store: Store,
    number: str,
    kind: str,
    on_date: str,
    record: dict,
    summary: str,
    changes: dict,
    also: Callable[[str, int], object] | None = None,
) -> dict:
    """Write the record and its event; `also(uid, count)` runs in the same transaction."""
    actor = store.profile()["name"]
    uid = secrets.token_hex(8)
    with store.transaction():
        store.conn.execute(
            "INSERT INTO best_interests (uid, case_number, kind, on_date, answers, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (uid, number, kind, on_date, json.dumps(record, ensure_ascii=False), actor, utc_now()),
        )
        count = store.conn.execute(
            "SELECT count(*) FROM best_interests WHERE case_number = ? AND kind = ?", (number, kind)
        ).fetchone()[0]
        append_event(store, number, actor, kind, summary.format(count=count), {kind: uid, **changes})
        waiting = also(uid, count) if also is not None else None
    return {"case_number": number, "uid": uid, "number": count, "awaiting_approval": waiting is not None}


def bia_problems(store: Store, number: str, answers: dict) -> dict[str, str]:
    """A BIA may not recommend returning a child whom an asylum claim protects (non-refoulement)."""
    from casecli.case.legal.asylum import return_refused

    if answers.get("best_interest_recommendation") == "repatriation":
        refused = return_refused(store, number, "best_interest_recommendation")
        if refused:
            return {"best_interest_recommendation": refused}
    return {}


def bid_problems(store: Store, number: str, answers: dict) -> dict[str, str]:
    """A BID may not approve returning a child whom an asylum claim protects (non-refoulement); a
    deferral names the panel's new date (on or after the panel's)."""
    from casecli.case.legal.asylum import return_refused

    if answers.get("decision") == "approves" and answers.get("durable_solution") == "repatriation":
        refused = return_refused(store, number, "durable_solution")
        if refused:
            return {"durable_solution": refused}
    later, held = answers.get("deferred_to"), answers.get("held_on")
    if answers.get("decision") == "defers" and later and held and later <= held:
        return {"deferred_to": _("a date after the panel's")}
    return {}


def record_bia(store: Store, text: str, answers: dict) -> dict:
    """Record a BIA (its answers already checked against the BIA form)."""
    number = resolve_open(store, text)
    problems = bia_problems(store, number, answers)
    if problems:
        raise InvalidAnswers("bia", problems)
    recommendation = answers["best_interest_recommendation"]

    def approval(uid: str, count: int) -> object:
        """Where the agency wants it, the assessment waits for a supervisor (a BID panel waits too)."""
        if not approvals.needed(store, "bia"):
            return None
        subject = {"bia": uid, "number": count, "recommendation": recommendation}
        return approvals.wait_for(store, number, "bia", subject, f"Best interests assessment {count} awaits approval")

    return _insert(
        store,
        number,
        "bia",
        answers["assessed_on"],
        answers,
        f"Best interests assessment {{count}} recorded (recommends {recommendation})",
        {"assessed_on": answers["assessed_on"], "recommendation": recommendation},
        approval,
    )


def bia_to_decide(store: Store, number: str) -> dict:
    """The assessment a BID panel decides on (the case's latest, approved or needing no approval),
    or InvalidInput saying what is missing: checked before a panel's first question."""
    assessments = records_of(store, number, "bia")
    if not assessments:
        raise InvalidInput(
            _(
                "bid: {number} has no best interests assessment to decide on; record one with `casecli bia {number}`"
            ).format(number=number)
        )
    bia = assessments[-1]
    if bia["approval"] not in (None, "approved"):
        raise InvalidInput(
            _(
                "bid: best interests assessment {count} of {number} is not approved ({status});"
                " a panel decides on an approved assessment (`casecli approvals`)"
            ).format(count=bia["number"], number=number, status=bia["approval"])
        )
    return bia


def member_problem(store: Store, bia: dict) -> Callable[[dict], str | None]:
    """The check of one panel member, asked as the member is given (not only at the save)."""
    author_may_sit = settings.get(store, "bid.author_may_sit")

    def problem(member: dict) -> str | None:
        if not author_may_sit and fold(str(member.get("name", ""))) == fold(bia["by"]):
            return _("the assessment's author may not sit on the panel (agency setting bid.author_may_sit)")
        return None

    return problem


def record_bid(store: Store, text: str, answers: dict, members: object, actions: object, today: dt.date) -> dict:
    """Record a BID panel's decision on the case's latest BIA (answers checked against the BID form)."""
    number = resolve_open(store, text)
    bia = bia_to_decide(store, number)
    members, actions, problems = check_parts(members, actions, today, MEMBERS)
    problems = {**bid_problems(store, number, answers), **problems}
    least = settings.get(store, "bid.min_members")
    if not problems and len(members) < least:
        problems["members"] = _("at least {count} members (agency setting bid.min_members)").format(count=least)
    sitting = member_problem(store, bia)
    wrong = next((why for m in members if (why := sitting(m))), None) if not problems else None
    if wrong:
        problems["members"] = wrong
    if problems:
        raise InvalidAnswers("bid", problems)
    for action in actions:
        action["id"] = secrets.token_hex(3)
    record = {**answers, "bia": bia["uid"], "members": members, "actions": actions}
    saved = _insert(
        store,
        number,
        "bid",
        answers["held_on"],
        record,
        f"Best interests determination {{count}}: {answers['decision']} ({len(members)} members, {len(actions)} actions)",
        {"held_on": answers["held_on"], "decision": answers["decision"], "actions": [a["id"] for a in actions]},
    )
    return {**saved, "actions": len(actions)}


def known_members(store: Store, limit: int = 20) -> list[dict]:
    """The people who sat on this store's earlier BID panels (any case: an agency's panel is much
    the same people), the most recent first, each once: ticked at the next panel, not typed again."""
    people: list[dict] = []
    for (answers,) in store.conn.execute(
        "SELECT answers FROM best_interests WHERE kind = 'bid' ORDER BY on_date DESC, created_at DESC LIMIT 50"
    ):
        people += [m for m in json.loads(answers).get("members", []) if isinstance(m, dict) and m.get("name")]
    return each_once(people)[:limit]


def records_of(store: Store, number: str, kind: str) -> list[dict]:
    """A case's BIAs (or BIDs) in date order, numbered from 1; a BIA with its approval's status
    (None where none was asked)."""
    rows = store.conn.execute(
        "SELECT uid, on_date, answers, created_by FROM best_interests WHERE case_number = ? AND kind = ?"
        " ORDER BY on_date, created_at",
        (number, kind),
    ).fetchall()
    if not rows:
        return []
    decided = (
        {a["subject"].get("bia"): a["status"] for a in approvals.approvals_of(store, number) if a["kind"] == "bia"}
        if kind == "bia"
        else {}
    )
    return [
        {
            "number": n,
            "uid": uid,
            "on_date": on,
            "answers": json.loads(answers),
            "by": by,
            "case_number": number,
            **({"approval": decided.get(uid)} if kind == "bia" else {}),
        }
        for n, (uid, on, answers, by) in enumerate(rows, start=1)
    ]


def one(store: Store, text: str, kind: str, which: int | None = None) -> dict:
    """One BIA or BID of a case: number `which`, or the latest."""
    number = resolve(store, text)
    found = records_of(store, number, kind)
    if not found:
        raise InvalidInput(_("{kind}: {number} has none recorded").format(kind=kind, number=number))
    if which is None:
        return found[-1]
    if not 1 <= which <= len(found):
        raise InvalidInput(
            _("{kind}: {number} has {count}; expected a number from 1 to {count}").format(
                kind=kind, number=number, count=len(found)
            )
        )
    return found[which - 1]


def with_panel_actions(store: Store, number: str, plan: dict) -> tuple[dict, int]:
    """The plan with every BID panel's follow-up action it has not taken up yet (linked by `bid_ref`)."""
    sourced = [
        (f"{bid['uid']}:{action['id']}", action)
        for bid in records_of(store, number, "bid")
        for action in bid["answers"].get("actions", [])
    ]
    return with_actions(store, number, plan, "bid_ref", sourced)


def with_durable_solution(store: Store, number: str, plan: dict) -> dict:
    """The plan naming the durable solution the latest approving BID panel decided, unless the plan
    already names one decided on that day or later (a worker's later choice is theirs)."""
    decided = [
        bid
        for bid in records_of(store, number, "bid")
        if bid["answers"].get("decision") == "approves" and bid["answers"].get("durable_solution")
    ]
    if not decided:
        return plan
    latest = decided[-1]
    header = plan.get("header", {})
    named_on = header.get("durable_solution_decided_on") or ""
    if header.get("durable_solution") not in (None, "not_yet_identified") and named_on >= latest["on_date"]:
        return plan
    solution = {
        "durable_solution": latest["answers"]["durable_solution"],
        "durable_solution_decided_on": latest["on_date"],
    }
    return {**plan, "header": {**header, **solution}}
