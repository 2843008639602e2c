"""What a Care and Protection Plan is and what makes it complete, apart from where it is stored.

A plan is a header (responsible worker, placement, monitoring frequency, the child's
participation) and three lists of items (protection needs, other services, other actions), each
item validated by its own form. These functions take and return plain plan documents: the
editor, the answers file and the store all go through them, so every path applies the same rules.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from typing import Any

from casecli.errors import CaseCliError, ExitCode, InvalidAnswers, InvalidInput
from casecli.forms import MISSING, Form, load_form
from casecli.i18n import _

HEADER_FORM = "plan-header"
ITEM_FORMS = {"protection_needs": "plan-need", "services": "plan-service", "actions": "plan-action"}
ITEM_NAMES = {"protection_needs": "protection need", "services": "service", "actions": "action"}
ITEM_TITLE_FIELD = {"protection_needs": "need", "services": "what", "actions": "action"}
ITEM_DATE_FIELD = {"protection_needs": "by", "services": "by", "actions": "due"}
# Where an item came from, kept beside its answers: an assessed need, a case conference's action,
# a BID panel's action.
REF_KEYS = ("need_ref", "conference_ref", "bid_ref", "restitution_ref")
ELEMENTS = (
    "1. responsible case worker",
    "2. case number",
    "3. alternative care placement",
    "4. protection needs: how, by whom, by when",
    "5. other services: what, who, where, by when",
    "6. other actions: owner and due date",
    "7. frequency of monitoring visits",
)


class PlanIncomplete(CaseCliError):
    exit_code = ExitCode.INPUT

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            _("the plan is incomplete and stays a draft; missing: {missing}").format(missing="; ".join(missing))
        )


def empty_plan() -> dict:
    return {"header": {}, "protection_needs": [], "services": [], "actions": []}


def new_item_id() -> str:
    return secrets.token_hex(3)


def check_part(form: Form, answers: dict, today: dt.date) -> tuple[dict, dict[str, str]]:
    return form.check(_answers_of(answers), today, use_defaults=False)


def normalise(plan: dict, today: dt.date) -> dict:
    """Validate every value in a plan (missing answers allowed: a draft may be partial)."""
    invalid: dict[str, str] = {}
    if not isinstance(plan, dict) or not isinstance(plan.get("header", {}), dict):
        raise InvalidInput(_("plan answers: header must be an object of answers"))
    header, problems = check_part(load_form(HEADER_FORM), plan.get("header", {}), today)
    invalid.update({f"header.{k}": v for k, v in problems.items() if v != MISSING})
    out: dict[str, Any] = {"header": header}
    for key, form_name in ITEM_FORMS.items():
        items = plan.get(key, [])
        if not isinstance(items, list):
            raise InvalidInput(_("plan: {part} must be a list of items").format(part=key))
        form = load_form(form_name)
        cleaned = []
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise InvalidInput(
                    _("plan: {part} item {index} must be an object of answers").format(part=key, index=index)
                )
            clean, problems = check_part(form, item, today)
            invalid.update({f"{key}[{index}].{k}": v for k, v in problems.items() if v != MISSING})
            clean["id"] = str(item.get("id") or new_item_id())
            for ref in REF_KEYS:
                if item.get(ref):
                    clean[ref] = str(item[ref])
            cleaned.append(clean)
        out[key] = cleaned
    unknown = set(plan) - {"header", *ITEM_FORMS}
    for key in sorted(unknown):
        invalid[key] = _("unknown part of a plan (expected header, protection_needs, services, actions)")
    if invalid:
        raise InvalidAnswers("plan", invalid)
    return out


def is_valid(plan: object, today: dt.date) -> bool:
    """Whether `plan` is a plan as casecli stores it: one `normalise` accepts, each value as it
    keeps it (forms/stored.py), checked without making the cleaned copy (an import checks every
    version of every plan a bundle carries: most of them seen valid at a look)."""
    from casecli.forms.stored import invalid

    if not isinstance(plan, dict) or not isinstance(plan.get("header", {}), dict):
        return False
    if not set(plan) <= {"header", *ITEM_FORMS}:
        return False
    if invalid(load_form(HEADER_FORM), _answers_of(plan.get("header", {})), today):
        return False
    for key, form_name in ITEM_FORMS.items():
        items = plan.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            return False
        form = load_form(form_name)
        if any(invalid(form, _answers_of(item), today) for item in items):
            return False
    return True


def _answers_of(part: dict) -> dict:
    """A plan part's answers to its form (check_part's): without its id and references."""
    return {k: v for k, v in part.items() if k not in ("id", *REF_KEYS)}


# The child's part in the plan (the seventh element): with the child not agreeing, what the child
# objects to and how it was weighed are part of it.
PARTICIPATION = (
    "child_took_part",
    "child_views",
    "child_agrees",
    "child_objects_to",
    "objection_weighed",
    "not_part_reason",
)


def missing(plan: dict, number: str, needs: list[dict], today: dt.date) -> list[str]:
    """What the plan still lacks, element by element, and assessed needs not yet taken up."""
    out: list[str] = []
    header_form = load_form(HEADER_FORM)
    _clean, problems = header_form.check(plan["header"], today, use_defaults=False)
    gaps = [k for k, v in problems.items() if v == MISSING]
    if "case_worker" in gaps:
        out.append(_(ELEMENTS[0]))
    if not number:
        out.append(_(ELEMENTS[1]))
    placement = [g for g in gaps if g in ("care_arrangement", "provider", "location", "start_date")]
    if placement:
        out.append(f"{_(ELEMENTS[2])} ({', '.join(placement)})")
    for position, key in ((3, "protection_needs"), (4, "services"), (5, "actions")):
        form = load_form(ITEM_FORMS[key])
        items = plan[key]
        if not items and key != "actions":
            out.append(_("{element} (none yet)").format(element=_(ELEMENTS[position])))
        for index, item in enumerate(items, start=1):
            _clean, problems = check_part(form, item, today)
            lacking = [k for k, v in problems.items() if v == MISSING]
            if lacking:
                out.append(
                    _("{element}: item {index} lacks {fields}").format(
                        element=_(ELEMENTS[position]), index=index, fields=", ".join(lacking)
                    )
                )
    if "visit_every_days" in gaps:
        out.append(_(ELEMENTS[6]))
    participation = [g for g in gaps if g in PARTICIPATION]
    if participation:
        out.append(_("the child's participation ({fields})").format(fields=", ".join(participation)))
    taken = {item.get("need_ref") for key in ITEM_FORMS for item in plan[key]}
    for need in needs:
        if need["id"] not in taken and need["domain"] not in taken:
            out.append(
                _("assessed need not taken up: {domain} ({judgement})").format(
                    domain=need["domain"], judgement=need["judgement"]
                )
            )
    return out


def overdue(plan: dict, today: dt.date, done: set[str] | None = None) -> list[dict]:
    """Items whose date has passed (and that are not recorded as done)."""
    done = done or set()
    late = []
    for key, date_field in ITEM_DATE_FIELD.items():
        for item in plan[key]:
            when = item.get(date_field)
            if when and dt.date.fromisoformat(when) < today and item["id"] not in done:
                late.append(
                    {
                        "kind": ITEM_NAMES[key],
                        "id": item["id"],
                        "title": item.get(ITEM_TITLE_FIELD[key], ""),
                        "due": when,
                    }
                )
    return late


def ordered_services(services: list[dict]) -> list[dict]:
    """Urgent services first, then by date."""
    return sorted(services, key=lambda s: (not s.get("urgent"), s.get("by") or "9999"))


def diff(old: dict, new: dict) -> dict:
    """What changed between two plan versions: header fields, and items added, removed, changed."""
    out: dict = {}
    header = {
        k: {"old": old["header"].get(k), "new": new["header"].get(k)}
        for k in sorted(set(old["header"]) | set(new["header"]))
        if old["header"].get(k) != new["header"].get(k)
    }
    if header:
        out["header"] = header
    for key in ITEM_FORMS:
        before = {i["id"]: i for i in old[key]}
        after = {i["id"]: i for i in new[key]}
        part: dict[str, Any] = {}
        added = [after[i] for i in after if i not in before]
        removed = [before[i] for i in before if i not in after]
        changed = {
            i: {
                k: {"old": before[i].get(k), "new": after[i].get(k)}
                for k in sorted(set(before[i]) | set(after[i]))
                if before[i].get(k) != after[i].get(k)
            }
            for i in after
            if i in before and before[i] != after[i]
        }
        order_changed = [i for i in after if i in before] != [i for i in before if i in after]
        if added:
            part["added"] = added
        if removed:
            part["removed"] = removed
        if changed:
            part["changed"] = changed
        if order_changed:
            part["reordered"] = list(after)
        if part:
            out[key] = part
    return out


def untaken_needs(plan: dict, needs: list[dict]) -> list[dict]:
    """Assessed needs that no item of the plan takes up yet."""
    taken = {item.get("need_ref") for key in ITEM_FORMS for item in plan[key]}
    return [n for n in needs if n["id"] not in taken and n["domain"] not in taken]


def item_from_need(key: str, need: dict) -> dict:
    """The start of a new item of kind `key` that takes up an assessed need."""
    start: dict[str, Any] = {"need_ref": need["id"], ITEM_TITLE_FIELD[key]: need["description"] or need["title"]["en"]}
    if key == "services":
        start["urgent"] = need["judgement"] == "urgent"
        if need.get("service_type"):  # where the menu starts: the worker still presses Enter on it
            start["service_type"] = need["service_type"]
    return start


@functools.cache
def renamed_ids() -> frozenset[str]:
    """Every old field id of the plan's forms: a plan's text without any of them needs no upgrade."""
    return frozenset(old for name in (HEADER_FORM, *ITEM_FORMS.values()) for old in load_form(name).renamed)


def upgraded_plan(plan: Any) -> Any:
    """A plan's answers under this version's field ids (an older casecli's plan in a bundle: the
    header's care_type is care_arrangement, a service's type is service_type); the same dict when
    nothing is old (Form.upgraded returns what it was given then)."""
    if not isinstance(plan, dict):
        return plan
    changed = False
    out = dict(plan)
    header = plan.get("header")
    if isinstance(header, dict):
        out["header"] = load_form(HEADER_FORM).upgraded(header)
        changed = out["header"] is not header
    for key, form_name in ITEM_FORMS.items():
        items = plan.get(key)
        if isinstance(items, list):
            form = load_form(form_name)
            out[key] = [form.upgraded(item) if isinstance(item, dict) else item for item in items]
            changed = changed or any(new is not old for new, old in zip(out[key], items, strict=True))
    return out if changed else plan


def edited_item(item: dict, answers: dict) -> dict:
    """An item after the worker edited its answers: it keeps its id and the need it takes up."""
    return {**answers, "id": item["id"], **{ref: item[ref] for ref in REF_KEYS if item.get(ref)}}


def moved_up(items: list[dict], item_id: str) -> list[dict]:
    """The items with `item_id` one place earlier (the first stays first)."""
    out = list(items)
    position = next(i for i, item in enumerate(out) if item["id"] == item_id)
    if position > 0:
        out[position - 1], out[position] = out[position], out[position - 1]
    return out
