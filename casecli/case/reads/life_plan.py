"""The child's own Life Plan: the Care and Protection Plan told to the child, in plain words.

It takes from the plan only what the child needs (where I live and who looks after me, what we
agreed, who helps me with what and when, when my case worker comes, what I said I want, what
happens next, whom to call) and leaves out the rest: no case number, no codes, no assessment, and
no other person's contact details (telephone numbers and e-mail addresses in any text are blanked).
It is honest: "we made it together" only when the child took part; the agency's number a child
can call (`agency.hotline`) is printed on purpose, never blanked.
"""

from __future__ import annotations

import datetime as dt
import re

from casecli.case.file import plans
from casecli.case.file.lookup import resolve
from casecli.case.reads.today import case_today
from casecli.errors import InvalidInput
from casecli.forms import load_form
from casecli.forms.labels import display_value
from casecli.i18n import _, format_date
from casecli.store import settings
from casecli.store.db import Store

# An e-mail address, or a run of at least 7 digits written with spaces, dots, dashes, brackets or a +.
CONTACT = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+|\+?\(?\d[\d\s().-]{5,}\d")
BLANK = "…"


def without_contacts(text: object) -> str:
    """Free text with any telephone number or e-mail address blanked."""
    return CONTACT.sub(BLANK, "" if text is None else str(text))


def life_plan_context(store: Store, text: str, today: dt.date, lang: str = "en") -> dict:
    number = resolve(store, text)
    # What was agreed (the plan in force), else the latest draft.
    active = store.conn.execute(
        "SELECT max(version) FROM plans WHERE case_number = ? AND status = 'active'", (number,)
    ).fetchone()[0]
    plan = plans.load(store, number, active)
    if plan is None:
        raise InvalidInput(
            _("plan show --for-child: {number} has no plan yet (`casecli plan edit {number}`)").format(number=number)
        )
    from casecli.case.decisions.best_interests import with_durable_solution

    data = with_durable_solution(store, number, plan["data"])  # a BID panel's decision, where later
    header = data.get("header", {})
    header_form = load_form("plan-header")
    child_name = store.conn.execute("SELECT child_name FROM cases WHERE case_number = ?", (number,)).fetchone()[0]

    def when(value: str | None) -> str:
        return format_date(value, lang) if value else ""

    helpers = [
        {"what": without_contacts(s.get("what")), "who": without_contacts(s.get("provider")), "when": when(s.get("by"))}
        for s in sorted(data.get("services", []), key=lambda s: (not s.get("urgent"), s.get("by") or ""))
    ] + [
        {"what": without_contacts(a.get("action")), "who": without_contacts(a.get("owner")), "when": when(a.get("due"))}
        for a in data.get("actions", [])
    ]
    agreed = [
        {"what": without_contacts(n.get("how")), "who": without_contacts(n.get("who")), "when": when(n.get("by"))}
        for n in data.get("protection_needs", [])
    ]
    care = header.get("care_arrangement")
    now = case_today(store, number)  # who visits and where the child lives are today's, not the plan's
    return {
        "first_name": (child_name or "").split(" ")[0],
        "worker": without_contacts(now.case_worker or header.get("case_worker") or store.profile()["name"]),
        "reunified_with": without_contacts(now.reunified_with) if now.reunified_on else "",
        "reunified_where": without_contacts(now.reunified_where) if now.reunified_on else "",
        "agency": without_contacts(store.profile().get("agency", "")),
        "home": without_contacts(header.get("location")),
        "home_kind": display_value(header_form.field("care_arrangement"), care, lang) if care else "",
        "carer": "" if now.reunified_on else without_contacts(header.get("provider")),
        "agreed": agreed,
        "helpers": helpers,
        "visit_every_days": header.get("visit_every_days"),
        "my_words": without_contacts(header.get("child_views")) if header.get("child_took_part") else "",
        "took_part": bool(header.get("child_took_part")),
        "next": header.get("durable_solution") or "not_yet_identified",
        "hotline": settings.text(store, "agency.hotline"),  # kept on purpose: the number is for the child
        "made_on": when((plan.get("activated_at") or plan.get("saved_at") or today.isoformat())[:10]),
        "generated_on": format_date(today, lang),
        "lang": lang,
    }
