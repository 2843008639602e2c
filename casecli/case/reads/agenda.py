"""The agenda: everything due or overdue across the worker's open cases, most urgent first.

Due items come from the case's derived columns (`lifecycle`); handovers with no receipt and
approvals that wait are added here, each with the command that resolves it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from casecli.case.decisions.approvals import SHARING_KINDS, what_waits
from casecli.case.due.due_rules import (
    Due,
    DueItem,
    _plus,
    command_of,
    item_dict,
    shared_referral_names,
    with_cases_named,
)
from casecli.case.due.due_text import sentence
from casecli.case.due.lifecycle import RISK_ORDER, UNRANKED, rank, summaries, worked_due
from casecli.i18n import _, format_date
from casecli.store import settings

if TYPE_CHECKING:
    from casecli.store.db import Store

# A decision this store sent on an approval request (a supervisor's), kept in meta (local).
DECIDED_KEY = "approval decided "

# A worker's open items of one risk level due by the horizon, in the agenda's order: a range of
# the index `due_items_agenda`, read as it comes (no sort, no list of the whole agenda).
STORED_SQL = (
    "SELECT case_number, risk, kind, args, due, command FROM due_items"
    " WHERE case_worker = ? AND status = 'open' AND rank = ? AND due <= ?"
    " ORDER BY due, case_number, kind"
)
RANKS = (*sorted(set(RISK_ORDER.values())), UNRANKED)


def agenda(store: Store, today: dt.date, days: int) -> Iterator[DueItem]:
    """Everything due by `today + days` or overdue, across the worker's open cases, most urgent
    first (risk, then the earliest due date), one item at a time: memory holds one item however
    many the agenda has."""
    return _agenda(store, today, days, counted=False)[1]


def counted_agenda(store: Store, today: dt.date, days: int) -> tuple[int, Iterator[DueItem]]:
    """The agenda's number of items (counted in the index, before any is read) and the agenda."""
    count, items = _agenda(store, today, days, counted=True)
    assert count is not None
    return count, items


def _agenda(store: Store, today: dt.date, days: int, counted: bool) -> tuple[int | None, Iterator[DueItem]]:
    me = store.profile()["name"]
    horizon = (today + dt.timedelta(days=days)).isoformat()
    live = handovers_waiting(store, me, horizon) + mailbox_waiting(store, horizon)
    live += [Due(**entry) for entry in approvals_waiting(store, me)]
    live += rules_broken(store, me)
    count, kept = _counted_kept(store, me, horizon, today, counted)
    if not live:
        return count, kept
    return None if count is None else count + len(live), heapq.merge(
        kept, sorted((d.as_dict(today) for d in live), key=order), key=order
    )


def order(item: DueItem) -> tuple:
    """Most urgent first: risk, then lateness (the earlier the due date, the later it is)."""
    return (rank(item["risk"]), item["due"], item["case_number"], item["kind"])


COUNT_SQL = (
    "SELECT count(*) FROM due_items WHERE case_worker = ? AND status = 'open' AND rank IN ({ranks}) AND due <= ?"
).format(ranks=", ".join(str(level) for level in RANKS))


def _counted_kept(
    store: Store, me: str, horizon: str, today: dt.date, counted: bool
) -> tuple[int | None, Iterator[DueItem]]:
    """The items kept at write time (`due_items`) and, if `counted`, their number; or derived now
    where they could not be kept."""
    from casecli.store.migrations import DERIVED_STALE

    if store.meta(DERIVED_STALE) is not None:  # a read-only store not refreshed since its upgrade
        rows = summaries(store, "c.status = 'open' AND c.case_worker = ?", (me,))
        found = [d for _stage, due in worked_due(store, rows).values() for d in due if d.due <= horizon]
        derived = sorted((d.as_dict(today) for d in with_cases_named(store, found)), key=order)
        return len(derived), iter(derived)
    count = int(store.conn.execute(COUNT_SQL, (me, horizon)).fetchone()[0]) if counted else None
    return count, _kept(store, me, horizon, today)


def _kept(store: Store, me: str, horizon: str, today: dt.date) -> Iterator[DueItem]:
    """The items kept at write time (`due_items`), a range of the index a risk level."""
    shared = shared_referral_names(store)
    late: dict[str, int] = {}  # days late, by due date: a few hundred dates for thousands of items
    for level in RANKS:
        for number, risk, kind, args, due, command in store.conn.execute(STORED_SQL, (me, level, horizon)):
            days = late.get(due)
            if days is None:
                days = late[due] = (today - dt.date.fromisoformat(due)).days
            shown = command_of(number, kind, args, command, shared)
            yield item_dict(number, risk, kind, sentence(kind, args), due, shown, days)


def rules_broken(store: Store, me: str) -> list[Due]:
    """My cases (closed ones too) whose records, made before a rule existed, break it: due from the
    day of that record, until a supervisor looks (`show` says the same)."""
    from casecli.case.reads.breaches import breach_words, breaches

    found = breaches(store)
    if not found:
        return []
    mine = dict(
        store.conn.execute(
            "SELECT case_number, risk FROM cases WHERE case_worker = ? AND case_number IN (SELECT value FROM json_each(?))",
            (me, json.dumps(sorted({b.case_number for b in found}))),
        )
    )
    return [
        Due(b.case_number, mine[b.case_number], "rule", breach_words(b), b.on, f"casecli show {b.case_number}")
        for b in found
        if b.case_number in mine
    ]


def handovers_waiting(store: Store, me: str, horizon: str) -> list[Due]:
    """Handovers of mine with no receipt after `handover.pending_days`: the child may have nobody."""
    days = settings.get(store, "handover.pending_days")
    rows = store.conn.execute(
        "SELECT h.case_number, c.risk, h.recipient_names, substr(h.sent_at, 1, 10) FROM handovers h"
        " JOIN cases c ON c.case_number = h.case_number"
        " WHERE h.outcome IS NULL AND c.status = 'handover_pending' AND c.case_worker = ?",
        (me,),
    )
    found = []
    for number, risk, to, sent in rows:
        due = _plus(sent, days)
        if due <= horizon:
            found.append(
                Due(
                    number,
                    risk,
                    "handover",
                    _("handover to {to} sent on {date}: no receipt yet").format(to=to, date=format_date(sent)),
                    due,
                    f"casecli handover revoke {number} --reason …",
                )
            )
    return found


def mailbox_waiting(store: Store, horizon: str) -> list[Due]:
    """Bundles sent through the mailbox with no receipt after `mailbox.unacknowledged_days` (a
    handover is listed above, as a handover); one item per bundle and colleague."""
    days = settings.get(store, "mailbox.unacknowledged_days")
    rows = store.conn.execute(
        "SELECT s.recipient_name, s.cases, substr(s.sent_at, 1, 10), c.risk FROM mailbox_sent s"
        " LEFT JOIN cases c ON c.case_number = json_extract(s.cases, '$[0]')"
        " WHERE s.acknowledged_at IS NULL AND s.kind != 'receipt' AND s.kind != 'handover' AND s.sent_at <= ?",
        # sent on or before that day: "~" sorts after any time of day written after the date
        (_plus(horizon, -days) + "~",),
    )
    return [
        Due(
            (json.loads(cases) or ["—"])[0],
            risk or "",
            "mailbox",
            _("bundle sent to {to} on {date}: no receipt yet").format(to=to, date=format_date(sent)),
            _plus(sent, days),
            "casecli mailbox status",
        )
        for to, cases, sent, risk in rows
    ]


def approvals_waiting(store: Store, me: str) -> list[dict]:
    """What waits on approvals: a request still to send or to hear back on (my cases), and a
    supervisor's requests to decide (the copies workers sent). Due from the day it was asked."""
    entries = []
    rows = store.conn.execute(
        "SELECT a.uid, a.case_number, c.risk, a.kind, a.subject, a.requested_at, a.requested_by_fingerprint,"
        " c.status, c.case_worker, a.status, a.decided_at FROM approvals a"
        " JOIN cases c ON c.case_number = a.case_number"
        " WHERE a.status = 'waiting' OR (a.status = 'approved' AND a.kind IN (?, ?))",
        SHARING_KINDS,
    ).fetchall()
    for uid, number, risk, kind, subject, asked, sent_by, status, worker, state, decided in rows:
        about = json.loads(subject)
        what = what_waits(kind, about)
        if state == "approved":  # a sharing approved, not yet done: the worker exports it, or refers
            if status != "open" or worker != me or about.get("urgent"):  # an urgent referral went already
                continue
            if "referral" in about:
                waits = _("{what} approved: make the referral").format(what=what)
                command = f"casecli referral add {number}"
            else:
                waits = _("{what} approved: write the bundle").format(what=what)
                command = f"casecli export {number} --to …"
            asked = decided or asked
        elif status == "open" and worker == me:
            waits = _("{what} awaits approval").format(what=what)
            command = f"casecli approval request {number} --to …" if not sent_by else "casecli import DECISION-FILE"
        elif status == "copy" and sent_by and store.meta(DECIDED_KEY + uid) is None:
            waits = _("{what} to approve or reject (asked by {worker})").format(what=what, worker=worker)
            command = f"casecli approve {number}"
        else:
            continue
        entries.append(
            {
                "case_number": number,
                "risk": risk,
                "kind": "approval",
                "what": waits,
                "due": asked[:10],
                "command": command,
            }
        )
    return entries
