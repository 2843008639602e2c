"""A supervisor's approval of not doing what the law asks, with the reason recorded: an incident
left unreported to the authority (case/legal/incidents.py). The request waits like any other
(`casecli approval request`); only an approved one excuses the incident at closure."""

from __future__ import annotations

from casecli.case.decisions import approvals
from casecli.case.file.lookup import resolve_open
from casecli.case.legal.incidents import KIND, the_incident
from casecli.errors import InvalidInput
from casecli.i18n import _
from casecli.store.db import Store


def ask_not_reporting(store: Store, text: str, which: int | None, reason: str) -> dict:
    """Record why an incident is not reported and ask a supervisor to approve it."""
    number, incident = the_incident(store, text, which)
    resolve_open(store, number)
    if incident["reported"]:
        raise InvalidInput(
            _("incident {n} of {number} is reported already").format(n=incident["number"], number=number)
        )
    if not reason.strip():
        raise InvalidInput(_("--reason: say why the incident is not reported to the authority"))
    subject = {"incident": incident["uid"], "occurred_on": incident["occurred_on"], "reason": reason.strip()}
    with store.transaction():
        waiting = approvals.wait_for(store, number, KIND, subject, "Not reporting an incident awaits approval")
    return {"case_number": number, "number": incident["number"], "approval": waiting["uid"]}
