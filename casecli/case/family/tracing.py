"""Family members and family tracing: requests, tracing actions, verification, reunification.

Each step is a record of its own in the `tracing` table, pointing at its request; a request's
status is derived from them (open, tracing in progress, located, verified, reunified, closed),
never typed in. Recording the family or a tracing request needs a consent that allows family
tracing: tracing discloses the child's identity to find the family. A reunification needs a
verified family first (the agency's checks, the child's wish, the information matching).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable

from casecli.case.decisions import approvals
from casecli.case.decisions.consent import sharing_problem
from casecli.case.file.history import append_event
from casecli.case.file.lookup import resolve, resolve_open
from casecli.errors import InvalidAnswers, InvalidInput
from casecli.i18n import _, format_date, n_
from casecli.store.db import Store, utc_now

SCOPE = "family_tracing"
# The form of each kind of tracing record, and the answer that dates it.
FORMS = {
    "request": "tracing-request",
    "action": "tracing-action",
    "verification": "tracing-verification",
    "reunification": "reunification",
    "closure": "tracing-closure",
}
DATES = {
    "action": "date_tracing",
    "verification": "verified_on",
    "reunification": "reunified_on",
    "closure": "closed_on",
}
STATUSES = ("open", "tracing_in_progress", "located", "verified", "reunified", "closed")


def check_consent(store: Store, number: str, what: str) -> None:
    why = sharing_problem(store, number, [SCOPE])
    if why:
        raise InvalidInput(
            _(
                "{what}: {number}: {why}; family tracing needs a consent that allows it (`casecli consent new {number}`)"
            ).format(what=what, number=number, why=why)
        )


def add_family_member(store: Store, text: str, answers: dict) -> dict:
    number = resolve_open(store, text)
    check_consent(store, number, "family")
    actor, uid = store.profile()["name"], secrets.token_hex(8)
    with store.transaction():
        store.conn.execute(
            "INSERT INTO family_members (uid, case_number, answers, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
            (uid, number, json.dumps(answers, ensure_ascii=False), actor, utc_now()),
        )
        append_event(
            store, number, actor, "family", f"Family member recorded ({answers['relation']})", {"family_member": uid}
        )
    return {"case_number": number, "uid": uid}


def family_of(store: Store, number: str) -> list[dict]:
    rows = store.conn.execute(
        "SELECT uid, answers, created_by FROM family_members WHERE case_number = ? ORDER BY created_at, rowid",
        (number,),
    )
    return [{"uid": uid, "answers": json.loads(a), "by": by} for uid, a, by in rows]


def status_of(records: list[dict]) -> str:
    """A request's status from what followed it (records in date order)."""
    kinds = [r["kind"] for r in records]
    if "closure" in kinds:
        return "closed"
    if "reunification" in kinds:
        return "reunified"
    verifications = [r for r in records if r["kind"] == "verification"]
    last = verifications[-1] if verifications else None
    if last and last["answers"].get("verified") and last.get("approval") in (None, "approved"):
        return "verified"
    actions = [r for r in records if r["kind"] == "action"]
    if any(a["answers"].get("tracing_outcome") == "successful" for a in actions):
        return "located"
    return "tracing_in_progress" if actions else "open"


def requests_of(store: Store, number: str) -> list[dict]:
    """A case's tracing requests, numbered from 1, each with what followed it and its status."""
    rows = store.conn.execute(
        "SELECT uid, request, kind, on_date, answers, created_by FROM tracing WHERE case_number = ?"
        " ORDER BY on_date, created_at, rowid",
        (number,),
    ).fetchall()
    if not rows:
        return []
    requests = [
        {"number": 0, "uid": uid, "on_date": on, "answers": json.loads(a), "by": by, "records": []}
        for uid, parent, kind, on, a, by in rows
        if kind == "request"
    ]
    by_uid = {r["uid"]: r for r in requests}
    decided = {
        a["subject"].get("verification"): a["status"]
        for a in approvals.approvals_of(store, number)
        if a["kind"] == "tracing_verification"
    }
    for uid, parent, kind, on, a, by in rows:
        if kind != "request" and parent in by_uid:
            step = {"uid": uid, "kind": kind, "on_date": on, "answers": json.loads(a), "by": by}
            if uid in decided:
                step["approval"] = decided[uid]  # a supervisor's approval asked for it
            by_uid[parent]["records"].append(step)
    for n, request in enumerate(requests, start=1):
        request["number"] = n
        request["status"] = status_of(request["records"])
    return requests


def request_known(store: Store, number: str) -> dict:
    """What the records already say of a new tracing request: the registration's separation date
    and cause; the family member recorded, when there is one. Shown to the worker, who keeps them
    or answers each: nothing is filled in unseen."""
    from casecli.forms import load_form

    form = load_form(FORMS["request"])
    registration = json.loads(
        store.conn.execute("SELECT answers FROM cases WHERE case_number = ?", (number,)).fetchone()[0]
    )
    starts: dict = {}
    if registration.get("date_of_separation"):
        starts["date_of_separation"] = registration["date_of_separation"]
    if registration.get("separation_cause") in form.field("separation_cause").choice_values:
        starts["separation_cause"] = registration["separation_cause"]
    members = family_of(store, number)
    if len(members) == 1:
        member = members[0]["answers"]
        if member.get("relation_name"):
            starts["sought_name"] = member["relation_name"]
        if member.get("relation") in form.field("sought_relation").choice_values:
            starts["sought_relation"] = member["relation"]
        if member.get("relation_address_current"):
            starts["last_known_place"] = member["relation_address_current"]
    return starts


def step_known(request: dict, kind: str) -> dict:
    """What the records already say of a reunification: with whom (the person the request sought)
    and where (the address the successful tracing found, else the last known place)."""
    if kind != "reunification":
        return {}
    said = request["answers"]
    found = [r["answers"] for r in request["records"] if r["kind"] == "action" and r["answers"].get("address_tracing")]
    return {
        "reunified_with": said.get("sought_name"),
        "reunified_where": found[-1]["address_tracing"] if found else said.get("last_known_place"),
    }


def request_problems(store: Store, number: str, answers: dict) -> dict[str, str]:
    """The child's "no" is heard: when the latest assessment recorded that the child does not want
    their family traced, a request says why it goes ahead (kept with it)."""
    from casecli.case.file.assessments import assessments_of

    said = next((a for a in assessments_of(store, number) if "wants_tracing" in a["answers"]), None)
    if said is None or said["answers"]["wants_tracing"] != "no":
        return {}
    if str(answers.get("child_no_reason") or "").strip():
        return {}
    return {
        "child_no_reason": _(
            "the child said on {date} that they do not want their family traced: say why tracing goes ahead"
        ).format(date=format_date(said["assessed_on"]))
    }


def add_request(store: Store, text: str, answers: dict, today_iso: str) -> dict:
    number = resolve_open(store, text)
    check_consent(store, number, "tracing")
    problems = request_problems(store, number, answers)
    if problems:
        raise InvalidAnswers("tracing-request", problems)
    saved = _insert(
        store, number, None, "request", today_iso, answers, f"Tracing request for a {answers['sought_relation']}"
    )
    count = store.conn.execute(
        "SELECT count(*) FROM tracing WHERE case_number = ? AND kind = 'request'", (number,)
    ).fetchone()[0]
    return {**saved, "number": count}


def the_request(store: Store, text: str, which: int | None) -> tuple[str, dict]:
    """The case and one of its requests: number `which`, else the only one not closed."""
    number = resolve(store, text)
    found = requests_of(store, number)
    if which is not None:
        if not 1 <= which <= len(found):
            raise InvalidInput(
                n_(
                    "--request: {number} has {count} tracing request; expected a number from 1 to {count}",
                    "--request: {number} has {count} tracing requests; expected a number from 1 to {count}",
                    len(found),
                ).format(number=number, count=len(found))
            )
        return number, found[which - 1]
    live = [r for r in found if r["status"] != "closed"]
    if len(live) != 1:
        raise InvalidInput(
            _("--request: {number} has {count} open tracing requests; say which with --request N").format(
                number=number, count=len(live)
            )
            if live
            else _("tracing: {number} has no open tracing request; add one with `casecli tracing add {number}`").format(
                number=number
            )
        )
    return number, live[0]


def step_problems(store: Store, number: str, kind: str, answers: dict) -> dict[str, str]:
    """A reunification in the country of origin while a claim protects the child, or across a border
    with no BID that approved it (case/decisions/solutions.py)."""
    from casecli.case.decisions.solutions import reunification_refused

    if kind == "reunification":
        refused = reunification_refused(store, number, answers.get("reunified_country"), "tracing reunify")
        if refused:
            return {"reunified_country": refused}
    if kind == "verification":
        return verification_problems(store, number, answers)
    return {}


def verification_problems(store: Store, number: str, answers: dict) -> dict[str, str]:
    """A family is verified with the child not wishing reunification, or the accounts not matching,
    only when a best interests assessment or determination weighed it: its number and how."""
    from casecli.case.decisions.best_interests import records_of

    doubts = answers.get("child_wishes_reunification") is False or answers.get("information_matches") is False
    if not answers.get("verified") or not doubts:
        return {}
    problems: dict[str, str] = {}
    named = str(answers.get("weighed_in") or "").strip()
    kind, _space, which = named.lower().partition(" ")
    kind = {"eis": "bia", "dis": "bid"}.get(kind, kind)  # the Spanish names (Evaluación / Determinación)
    found = records_of(store, number, kind) if kind in ("bia", "bid") else []
    if not (which.strip().isdigit() and 1 <= int(which) <= len(found)):
        problems["weighed_in"] = _(
            "the child does not wish reunification or the information does not match: name the BIA or BID that"
            " weighed it, as 'BIA 2' or 'BID 1' (`casecli bia list {number}`), or record it as not verified"
        ).format(number=number)
    if not str(answers.get("weighed_why") or "").strip():
        problems["weighed_why"] = _("say how it was weighed and why the family is verified all the same")
    return problems


def check_step(request: dict, kind: str) -> None:
    """Whether a step of `kind` may follow the request's status (asked before any question)."""
    status = request["status"]
    if status == "closed" or (status == "reunified" and kind != "closure"):
        raise InvalidInput(
            _("tracing: request {n} is {status}: nothing more is recorded on it").format(
                n=request["number"], status=status
            )
        )
    if kind == "verification" and status not in ("located", "verified"):
        raise InvalidInput(
            _("tracing verify: request {n} is {status}: verify a family once a tracing action found it").format(
                n=request["number"], status=status
            )
        )
    if kind == "reunification" and status != "verified":
        raise InvalidInput(
            _("tracing reunify: request {n} is {status}: a reunification needs a verified family first").format(
                n=request["number"], status=status
            )
        )


def add_step(store: Store, text: str, which: int | None, kind: str, answers: dict) -> dict:
    """Record what followed a request (an action, a verification, the reunification, a closure)."""
    number, request = the_request(store, text, which)
    resolve_open(store, number)
    check_step(request, kind)
    problems = step_problems(store, number, kind, answers)
    if problems:
        raise InvalidAnswers(FORMS[kind], problems)

    def approval(uid: str) -> object:
        """Where the agency wants it, a verified family waits for a supervisor before reunification."""
        if kind != "verification" or not answers.get("verified") or not approvals.needed(store, "tracing_verification"):
            return None
        subject = {"verification": uid, "request_number": request["number"]}
        return approvals.wait_for(
            store, number, "tracing_verification", subject, "Verification of the family awaits approval"
        )

    saved = _insert(
        store, number, request["uid"], kind, answers[DATES[kind]], answers, f"Tracing {kind} recorded", approval
    )
    step = {"kind": kind, "answers": answers, **({"approval": "waiting"} if saved["awaiting_approval"] else {})}
    return {**saved, "number": request["number"], "status": status_of([*request["records"], step])}


def _insert(
    store: Store,
    number: str,
    request: str | None,
    kind: str,
    on_date: str,
    answers: dict,
    summary: str,
    also: Callable[[str], object] | None = None,
) -> dict:
    """Write the record and its event; `also(uid)` runs in the same transaction."""
    actor, uid = store.profile()["name"], secrets.token_hex(8)
    with store.transaction():
        store.conn.execute(
            "INSERT INTO tracing (uid, case_number, request, kind, on_date, answers, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (uid, number, request, kind, on_date, json.dumps(answers, ensure_ascii=False), actor, utc_now()),
        )
        append_event(store, number, actor, "tracing", summary, {"tracing": uid, "kind": kind, "request": request})
        waiting = also(uid) if also is not None else None
    return {"case_number": number, "uid": uid, "awaiting_approval": waiting is not None}
