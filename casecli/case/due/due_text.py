"""What a due item says, in the worker's language at the time it is read.

A due item is stored (`due_items`) with its kind and the arguments of its sentence as JSON, not
the sentence: the same store is read in English one day and in Spanish the next. The sentence is
made here, once for each distinct (kind, arguments) a process meets: most items share theirs
("initial assessment", "plan review (every 90 days)").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache

from casecli import i18n
from casecli.canonical import canonical_bytes
from casecli.forms.labels import answer, label
from casecli.i18n import _, format_date


def _referral(a: dict) -> str:
    return _("referral {ref} ({service}) {status} since {date}").format(
        ref=a["ref"],
        service=answer("referral", "service_type", a["service"]),
        status=label(a["status"]),
        date=format_date(a["date"]),
    )


def _plan_item(name: str, title: str) -> str:
    return f"{_(name)}: {title}"


def _document_words(document: str) -> str:
    return answer("asylum-step", "document_type", document)


SENTENCES: dict[str, Callable[[dict], str]] = {
    "registration": lambda a: _("complete the quick registration"),
    "assessment": lambda a: _("initial assessment"),
    "plan": lambda a: _("Care and Protection Plan (none active)"),
    "visit": lambda a: _("monitoring visit (every {days} days)").format(days=a["days"]),
    "consent": lambda a: _("consent withdrawn: review the plan (nothing new is shared)"),
    "turns 18": lambda a: _("turns {age} on {date}: add a transition action to the plan").format(
        age=a["age"], date=format_date(a["date"])
    ),
    "adult": lambda a: _(
        "of age ({age}) since {date}: an after-care plan, or close the case (reached adulthood)"
    ).format(age=a["age"], date=format_date(a["date"])),
    "review": lambda a: _("plan review (every {days} days)").format(days=a["days"]),
    "see child": lambda a: _("high-risk child not seen recently"),
    "plan item": lambda a: _plan_item(**a),
    "bid": lambda a: _("best interests determination (BID) required"),
    "bia": lambda a: _("new best interests assessment (the BID panel did not approve)"),
    "follow-up": lambda a: _("follow-up visit after the reunification"),
    "authority notification": lambda a: _("notify the child-protection authority (Procuraduría de Protección)"),
    "restitution plan": lambda a: _("the authority's restitution plan (notified on {date})").format(
        date=format_date(a["date"])
    ),
    "incident": lambda a: _("report the incident of {date} to the authority (the law asks it at once)").format(
        date=format_date(a["date"])
    ),
    "detention": lambda a: _(
        "held in migration detention since {date}: request the child's transfer out of detention; notify the authority"
    ).format(date=format_date(a["date"])),
    "asylum filing": lambda a: _("file the asylum claim ({days} working days after entry)").format(days=a["days"]),
    "asylum decision": lambda a: _("the asylum decision is expected ({days} working days after filing)").format(
        days=a["days"]
    ),
    "asylum appeal": lambda a: _(
        "appeal the negative asylum decision, or record it final ({days} working days)"
    ).format(days=a["days"]),
    "asylum document": lambda a: _("renew the document ({document}) before it expires on {date}").format(
        document=_document_words(a["document"]), date=format_date(a["date"])
    ),
    "referral": _referral,
}


def args_text(args: dict) -> str:
    """The arguments as stored: compact JSON, keys sorted (equal arguments, equal text)."""
    return canonical_bytes(args).decode("utf-8") if args else ""  # (text and whole numbers only)


def sentence(kind: str, stored: str) -> str:
    """The sentence of a due item of `kind` with its stored arguments (`args_text`)."""
    if i18n.recorded is not None:  # a check of the catalogs watches every message asked for
        return _made(kind, stored)
    return _remembered(kind, stored, i18n.current)


def _made(kind: str, stored: str) -> str:
    return SENTENCES[kind](json.loads(stored) if stored else {})


@lru_cache(maxsize=8192)
def _remembered(kind: str, stored: str, lang: str) -> str:
    return _made(kind, stored)
