"""Finding a case from what a worker typed, and refusing changes to a case that cannot change here.

Every step resolves case numbers through here, so no step needs to import another to find a case.
"""

from __future__ import annotations

import difflib

from casecli import casenumber
from casecli.errors import CaseNotFound, InvalidCaseNumber, InvalidInput
from casecli.i18n import _
from casecli.store.db import Store


def resolve(store: Store, text: str) -> str:
    """The stored case number for what the worker typed, or CaseNotFound naming the closest."""
    try:
        number = casenumber.parse(text)
    except InvalidCaseNumber as exc:
        raise CaseNotFound(exc.message + _closest_hint(store, casenumber.canonical(text))) from None
    if store.conn.execute("SELECT 1 FROM cases WHERE case_number = ?", (number,)).fetchone():
        return number
    gone = store.conn.execute("SELECT purged_on FROM tombstones WHERE case_number = ?", (number,)).fetchone()
    if gone:
        raise CaseNotFound(
            _("{number} was purged on {date} (its retention period ended or it was removed early)").format(
                number=number, date=gone[0]
            )
        )
    raise CaseNotFound(_("no case {number} in this store").format(number=number) + _closest_hint(store, number))


def case_numbers(store: Store) -> list[str]:
    """Every case number in the store, in order (for completion: no child data)."""
    return [r[0] for r in store.conn.execute("SELECT case_number FROM cases ORDER BY case_number")]


def _closest_hint(store: Store, number: str) -> str:
    numbers = [r[0] for r in store.conn.execute("SELECT case_number FROM cases")]
    close = difflib.get_close_matches(number, numbers, n=3, cutoff=0.6)
    return _("; closest: {numbers}").format(numbers=", ".join(close)) if close else ""


class CaseClosed(InvalidInput):
    """A change refused because the case cannot change here: an invalid request (exit 3)."""


def pending_handover(store: Store, number: str) -> dict | None:
    """The handover of `number` sent from here and still waiting for its receipt, if any."""
    return store.row(
        'SELECT bundle_id, recipient_names AS "to", reason, sent_at FROM handovers'
        " WHERE case_number = ? AND outcome IS NULL ORDER BY sent_at DESC LIMIT 1",
        (number,),
    )


def require_open(store: Store, number: str) -> None:
    """Refuse a change to a closed (or transferred) case: it is read-only until reopened."""
    row = store.conn.execute("SELECT status FROM cases WHERE case_number = ?", (number,)).fetchone()
    if row and row[0] == "closed":
        raise CaseClosed(
            _("{number} is closed and read-only: reopen it first with `casecli reopen {number} --reason …`").format(
                number=number
            )
        )
    if row and row[0] == "handover_pending":
        pending = pending_handover(store, number) or {"to": "?", "sent_at": "?"}
        raise CaseClosed(
            _(
                "{number} was handed over to {to} on {date} and awaits their receipt: read-only here"
                " (if the bundle was lost or refused: `casecli handover revoke {number} --reason …`)"
            ).format(number=number, to=pending["to"], date=pending["sent_at"][:10])
        )
    if row and row[0] == "transferred":
        raise CaseClosed(_("{number} was handed over and is read-only here").format(number=number))
    if row and row[0] == "copy":
        raise CaseClosed(
            _("{number} is a copy for consultation from another worker: it is read-only here").format(number=number)
        )


def resolve_open(store: Store, text: str) -> str:
    """The case number for what was typed, refusing a case that cannot be changed here."""
    number = resolve(store, text)
    require_open(store, number)
    return number
