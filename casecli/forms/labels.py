"""Words for the codes the store keeps (stage, risk, status …), in the worker's language.

The store and `--json` keep the stable codes; only what a person reads is translated.
"""

from __future__ import annotations

from typing import Any

from casecli import messages
from casecli.forms import MISSING, Field
from casecli.i18n import _

CODES = {
    # stages
    "registered": "registered",
    "assessed": "assessed",
    "planned": "planned",
    "in implementation": "in implementation",
    "closed": "closed",
    "reopened": "reopened",
    "transferred": "transferred",
    "handover_pending": "handover pending",
    "copy": "copy",
    "open": "open",
    # risk
    "high": "high",
    "medium": "medium",
    "low": "low",
    # referral statuses
    "pending": "pending",
    "accepted": "accepted",
    "declined": "declined",
    "completed": "completed",
    "no_response": "no response",
    # review decisions
    "continue": "continue",
    "revise": "revise",
    "close": "close",
    # judgements
    "no_action": "no action",
    "monitor": "monitor",
    "intervention": "intervention",
    "urgent": "urgent",
    # assessments and plan versions
    "initial": "initial",
    "comprehensive": "comprehensive",
    "draft": "draft",
    "active": "active",
    # approvals
    "approved": "approved",
    "rejected": "rejected",
    # tracing requests ("open" and "closed" above)
    "tracing_in_progress": "tracing in progress",
    "located": "located",
    "verified": "verified",
    "reunified": "reunified",
}


def label(code, lang: str | None = None) -> str:
    """The worker's word (or `lang`'s) for a stored code (unknown codes are shown as they are)."""
    text = CODES.get(code)
    if not text:
        return str(code)
    if lang is None:
        return _(text)
    from casecli.i18n import in_language

    return in_language(text, lang)


def answer(form_name: str, field_id: str, value) -> str:
    """A stored answer as the form's label for it, in the worker's language (e.g. a service type)."""
    from casecli import i18n
    from casecli.forms import load_form

    try:
        return load_form(form_name).field(field_id).choice_label(value, i18n.current)
    except (KeyError, ValueError):
        return str(value)


def need(need: dict) -> str:
    """An assessed need: its domain's title and the worker's judgement."""
    from casecli import i18n

    title = need.get("title") or {}
    return f"{title.get(i18n.current) or title.get('en') or need['domain']} ({label(need['judgement'])})"


def display_value(field: Field, value: Any, lang: str) -> str:
    """A stored answer as a worker reads it: a choice's label, yes or no, a dash for none."""
    if value is None:
        return "—"
    if value == MISSING:
        return "(missing)"
    if field.type == "boolean":
        return _(messages.YES) if value else _(messages.NO)
    if field.type == "choice":
        return field.choice_label(value, lang)
    if field.type == "multichoice":
        return ", ".join(field.choice_label(v, lang) for v in value)
    if field.type == "date":
        from casecli.i18n import format_date

        return format_date(value, lang)
    return str(value)
