"""What is due on a case, derived from its records by the field's rules (never typed in).

`due_items` reads a handful of queries for all the cases asked about at once (no query per case).
It runs when a case changes (`lifecycle.refresh` keeps the result in `due_items`, the table the
agenda and the report read) and for `show`, which derives one case afresh. Each item carries the
arguments of its sentence (`due_text`), so the stored item is read in the worker's language.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypedDict

from casecli.case.child.age import majority_date, presumed
from casecli.case.due.due_text import args_text, sentence
from casecli.store import settings

if TYPE_CHECKING:
    from casecli.store.db import Store

OPEN_REFERRAL = ("pending", "accepted")

ITEMS_SQL = """
SELECT t.case_number, t.item_id, t.kind, t.title, t.due
FROM plan_items t JOIN plans p ON p.case_number = t.case_number AND p.version = t.version
WHERE p.status = 'active'
"""

PROGRESS_SQL = """
SELECT case_number, item_id, status FROM item_progress i
WHERE NOT EXISTS (SELECT 1 FROM item_progress n WHERE n.case_number = i.case_number AND n.item_id = i.item_id
                  AND (n.on_date > i.on_date OR (n.on_date = i.on_date AND n.created_at > i.created_at)))
"""

REFERRALS_SQL = """
SELECT r.case_number, r.ref, r.service_type, u.status, u.on_date
FROM referrals r JOIN referral_updates u ON u.referral_uid = r.uid
WHERE NOT EXISTS (SELECT 1 FROM referral_updates n WHERE n.referral_uid = u.referral_uid
                  AND (n.on_date > u.on_date OR (n.on_date = u.on_date AND n.created_at > u.created_at)))
"""


class DueItem(TypedDict):
    """A due item as `show`, the agenda, the report and `--json` give it."""

    case_number: str
    risk: str
    kind: str
    what: str
    due: str
    command: str
    days_late: int
    overdue: bool


@dataclass(frozen=True, slots=True)
class Due:
    case_number: str
    risk: str
    kind: str
    what: str
    due: str
    command: str
    args: str = field(default="", compare=False)  # the sentence's arguments, as stored (due_text)

    def as_dict(self, today: dt.date) -> DueItem:
        late = (today - dt.date.fromisoformat(self.due)).days
        return item_dict(self.case_number, self.risk, self.kind, self.what, self.due, self.command, late)


def item_dict(number: str, risk: str, kind: str, what: str, due: str, command: str, late: int) -> DueItem:
    """A due item as `show`, the agenda and `--json` give it; `late`: days since it fell due."""
    return {
        "case_number": number,
        "risk": risk,
        "kind": kind,
        "what": what,
        "due": due,
        "command": command,
        "days_late": max(late, 0),
        "overdue": late > 0,
    }


def item(number: str, risk: str, kind: str, due: str, command: str, **args: object) -> Due:
    """A due item whose sentence `due_text` makes from `kind` and `args`."""
    stored = args_text(args)
    return Due(number, risk, kind, sentence(kind, stored), due, command, stored)


def _plus(date: str, days: int) -> str:
    return (dt.date.fromisoformat(date[:10]) + dt.timedelta(days=days)).isoformat()


def due_items(store: Store, rows: list[dict]) -> dict[str, list[Due]]:
    """Everything due on each open case in `rows`, by case number (in no particular order)."""
    open_rows = {r["case_number"]: r for r in rows if r["status"] == "open"}
    found: dict[str, list[Due]] = {n: [] for n in open_rows}
    days = {key: settings.get(store, key) for key in CASE_SETTINGS}  # read once, not once per case
    for number, row in open_rows.items():
        found[number].extend(_from_the_case(number, row, days))
    if open_rows:
        _from_the_records(store, open_rows, found)
    return found


# The agency's settings the case's own columns are read with.
CASE_SETTINGS = ("review.every_days", "age.majority_years", "age.turns_18_warning_days", "agenda.high_risk_unseen_days")


def _from_the_case(number: str, row: dict, days: dict[str, int]) -> list[Due]:
    """What the case's own columns make due: registration, assessment, plan, visits, reviews …"""
    found: list[Due] = []
    risk = row["risk"]
    review_days = days["review.every_days"]
    majority = days["age.majority_years"]
    if row["incomplete"]:
        found.append(item(number, risk, "registration", row["registered_on"], f"casecli edit {number}"))
    if not row["assessed"] and row["assessment_due"]:
        found.append(item(number, risk, "assessment", row["assessment_due"], f"casecli assess {number}"))
    if not row["active_version"] and row["plan_due"]:
        found.append(item(number, risk, "plan", row["plan_due"], f"casecli plan edit {number}"))
    activated = (row["plan_activated_on"] or "")[:10]
    if row["active_version"] and row["visit_every_days"]:
        since = max(row["last_visit"] or "", activated) or row["registered_on"]
        # The next visit the worker chose at the last visit is the one due (not the frequency's).
        chosen = row["next_visit"] if row["last_visit"] and row["last_visit"] >= activated else None
        when = chosen or _plus(since, row["visit_every_days"])
        found.append(item(number, risk, "visit", when, f"casecli visit add {number}", days=row["visit_every_days"]))
    withdrawn = row["consent_withdrawn_on"]
    # until the plan is reviewed (or revised) after the withdrawal, or a new consent is recorded
    if withdrawn and max(activated, row["last_review"] or "") <= withdrawn:
        command = f"casecli review {number}" if row["active_version"] else f"casecli consent show {number}"
        found.append(item(number, risk, "consent", withdrawn, command))
    # Under a dispute, the age the child states until an assessment settles it (child/age.py).
    born, estimate, counted_from, _settled = presumed(
        row["date_of_birth"], row["age_estimate"], row["registered_on"], row.get("age_dispute")
    )
    adult_on = majority_date(born, estimate, counted_from[:10], majority)
    if adult_on and not row["transition_planned"]:
        when = _plus(adult_on, -days["age.turns_18_warning_days"])
        found.append(item(number, risk, "turns 18", when, f"casecli plan edit {number}", age=majority, date=adult_on))
    if adult_on:
        # Of age with the case open: an after-care plan, or the closure ("reached adulthood").
        found.append(item(number, risk, "adult", adult_on, f"casecli close {number}", age=majority, date=adult_on))
    # The next review the last one set, or sooner where the agency's interval says so.
    chosen = row.get("next_review") if row["last_review"] and row["last_review"] >= activated else None
    if row["active_version"] and (review_days or chosen):
        since = max(row["last_review"] or "", activated)
        when = min(d for d in (chosen, _plus(since, review_days) if review_days else None) if d)
        found.append(item(number, risk, "review", when, f"casecli review {number}", days=review_days))
    elif risk == "high":
        since = row["last_seen"] or row["registered_on"]
        when = _plus(since, days["agenda.high_risk_unseen_days"])
        found.append(item(number, risk, "see child", when, f"casecli visit add {number}"))
    return found


def _from_the_records(store: Store, open_rows: dict[str, dict], found: dict[str, list[Due]]) -> None:
    """What the plan's items, the decisions and the referrals make due, a query each for all cases."""
    # Only these cases' records: one case (show, a write) or a thousand (a refresh of many).
    only: str | list[str] = next(iter(open_rows)) if len(open_rows) == 1 else list(open_rows)
    scope, scope_params = " AND {}.case_number IN (SELECT value FROM json_each(?))", (json.dumps(list(open_rows)),)
    done = {(n, i) for n, i, s in store.conn.execute(PROGRESS_SQL + scope.format("i"), scope_params) if s == "done"}
    for number, item_id, name, title, when in store.conn.execute(ITEMS_SQL + scope.format("t"), scope_params):
        if number in open_rows and when and (number, item_id) not in done:
            command = f"casecli plan item done {number} {item_id}"
            found[number].append(
                item(number, open_rows[number]["risk"], "plan item", when, command, name=name, title=title)
            )
    from casecli.case.due.outcomes_due import outcomes_due

    for number, kind, when, command in outcomes_due(store, only):
        if number in open_rows:
            found[number].append(item(number, open_rows[number]["risk"], kind, when, command))
    from casecli.case.due.detention import detained

    for number, held in detained(store, only).items():
        if number in open_rows:
            command = f"casecli visit add {number}"
            found[number].append(item(number, "high", "detention", held["since"], command, date=held["since"]))
    from casecli.case.due.asylum_due import asylum_due
    from casecli.case.due.authority_due import authority_due
    from casecli.case.due.incidents_due import incidents_due

    legal = [*authority_due(store, only), *asylum_due(store, only), *incidents_due(store, only)]
    for number, kind, when, command, args in legal:
        if number in open_rows:
            found[number].append(item(number, open_rows[number]["risk"], kind, when, command, **args))
    waiting = [
        row
        for row in store.conn.execute(REFERRALS_SQL + scope.format("r"), scope_params)
        if row[0] in open_rows and row[3] in OPEN_REFERRAL
    ]
    stale_days = settings.get(store, "referral.stale_days")
    for number, ref, service, status, on_date in waiting:
        found[number].append(
            item(
                number,
                open_rows[number]["risk"],
                "referral",
                _plus(on_date, stale_days),
                f"casecli referral update {ref}",
                ref=ref,
                service=service,
                status=status,
                date=on_date,
            )
        )


def shared_referral_names(store: Store, refs: list[str] | None = None) -> set[str]:
    """The referral names two cases hold (made on two laptops before names carried the laptop's
    prefix), among `refs` or in the whole store: for those a command must name the case too.
    Asked when an item is read, not kept with it: an import may bring the second case later."""
    if refs is not None and not refs:
        return set()
    sql, params = "SELECT ref FROM referrals", []
    if refs is not None:
        sql, params = sql + " WHERE ref IN (SELECT value FROM json_each(?))", [json.dumps(sorted(refs))]
    return {ref for (ref,) in store.conn.execute(sql + " GROUP BY ref HAVING count(*) > 1", params)}


def command_of(number: str, kind: str, args: str, command: str, shared: set[str]) -> str:
    """An item's command as it is shown: a referral whose name another case holds too (`shared`)
    names its case."""
    if kind != "referral" or not shared or json.loads(args)["ref"] not in shared:
        return command
    return f"{command} --case {number}"


def with_cases_named(store: Store, items: list[Due]) -> list[Due]:
    """`items` of a few cases (show, the next step), their referral commands made unambiguous."""
    refs = [json.loads(d.args)["ref"] for d in items if d.kind == "referral"]
    shared = shared_referral_names(store, refs)
    return [replace(d, command=command_of(d.case_number, d.kind, d.args, d.command, shared)) for d in items]


def next_due(items: list[Due]) -> str | None:
    return min(d.due for d in items) if items else None
