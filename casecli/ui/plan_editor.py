"""The interactive plan editor: a menu to edit the header, add, edit, remove and reorder items,
review, and save (as a draft, or activated) or discard. Every answer goes through the same forms
as the answers file, so both paths produce the same plan."""

from __future__ import annotations

import copy
from collections.abc import Callable

from casecli.case.file import plan_rules
from casecli.context import Env
from casecli.errors import Cancelled
from casecli.forms import load_form
from casecli.forms.labels import display_value, label
from casecli.i18n import _, format_date
from casecli.plaintext import visible
from casecli.ui import prompts
from casecli.ui.render import shown
from casecli.ui.wizard import ask_all


def add_label(key: str) -> str:
    return {
        "protection_needs": _("Add a protection need"),
        "services": _("Add a service"),
        "actions": _("Add an action"),
    }[key]


def item_label(key: str, item: dict, lang: str) -> str:
    title = str(item.get(plan_rules.ITEM_TITLE_FIELD[key]) or _("(untitled)"))
    due = item.get(plan_rules.ITEM_DATE_FIELD[key])
    when = format_date(due) if due else _("no date")
    urgent = " [" + _("urgent") + "]" if item.get("urgent") else ""
    short = f" ({item['id'][:6]})" if item.get("id") else ""
    return visible(f"{_(plan_rules.ITEM_NAMES[key]).capitalize()}{short}: {title[:50]} — {when}{urgent}")


def edit_header(header: dict, env: Env, console) -> dict:
    """The header: the questions still unanswered (what registration already said is in the
    header: the worker, the placement, the visits' frequency), one question, or all of them in
    order; "back" leaves it as it was."""
    form = load_form(plan_rules.HEADER_FORM)
    lang = env.lang
    fields = form.applicable(header)
    unanswered = [f for f in fields if header.get(f.id) in (None, "", [])]
    choices = [(_("The questions still unanswered ({n})").format(n=len(unanswered)), "__unanswered__")] * bool(
        unanswered and len(unanswered) < len(fields)
    )
    choices += [(_("All of them, in order"), "__all__")] + [
        (f"{f.label(lang)}: {visible(display_value(f, header.get(f.id), lang))}", f.id) for f in fields
    ]
    chosen = prompts.select(_("Which part of the header?"), choices, back=True)
    if chosen == prompts.BACK:
        return header
    if chosen == "__all__":
        return ask_all(form, env, header, console)
    if chosen == "__unanswered__":
        return _ask_unanswered(form, env, header)
    answers = dict(header)
    value = prompts.ask_field(form.field(chosen), header.get(chosen), env.today, lang)
    if value is None:
        answers.pop(chosen, None)
    else:
        answers[chosen] = value
    for follow in form.fields:  # a changed answer may open questions (e.g. a caregiver's name)
        if follow.applies(answers) and follow.id not in answers and follow.required:
            answers[follow.id] = prompts.ask_field(follow, None, env.today, lang)
    clean, _problems = form.check({k: v for k, v in answers.items() if v is not None}, env.today, use_defaults=False)
    return clean


def _ask_unanswered(form, env: Env, header: dict) -> dict:
    """Ask, in order, each applicable question the header has no answer to (an answer may open
    another, asked in its turn); the answers already there stay as they are."""
    answers = dict(header)
    asked: set[str] = set()
    while True:
        field = next(
            (f for f in form.applicable(answers) if f.id not in asked and answers.get(f.id) in (None, "", [])), None
        )
        if field is None:
            break
        asked.add(field.id)
        value = prompts.ask_field(field, None, env.today, env.lang)
        if value is not None:
            answers[field.id] = value
    clean, _problems = form.check({k: v for k, v in answers.items() if v is not None}, env.today, use_defaults=False)
    return clean


def edit(
    plan: dict, env: Env, number: str, needs: list[dict], console, review, keep: Callable[[dict], None] | None = None
) -> tuple[dict, bool]:
    """Run the editor on a copy of `plan`; returns (the edited plan, activate?) or raises Cancelled.
    `keep` is given the plan after every change (the command keeps it as a draft)."""
    plan = copy.deepcopy(plan)
    kept = copy.deepcopy(plan)
    lang = env.lang
    last_action: str | None = None  # the menu stays where the worker was: on the item just edited
    last_item: tuple[str, str] | None = None
    while True:
        if keep is not None and plan != kept:
            keep(plan)
            kept = copy.deepcopy(plan)
        items = [(key, item) for key in plan_rules.ITEM_FORMS for item in plan[key]]
        choices = [(_("Edit the header (worker, placement, monitoring, the child's participation)"), "header")]
        choices += [(add_label(key), f"add:{key}") for key in plan_rules.ITEM_FORMS]
        if items:
            choices += [(_("Edit an item"), "edit"), (_("Remove an item"), "remove"), (_("Move an item up"), "up")]
        choices += [
            (_("Review the plan"), "review"),
            (_("Save as draft"), "save"),
            (_("Save and activate"), "activate"),
            (_("Discard changes"), "discard"),
        ]
        action = prompts.select(_("Plan for {number}: what now?").format(number=number), choices, default=last_action)
        last_action = action
        if action == "header":
            plan["header"] = edit_header(plan["header"], env, console)
        elif action.startswith("add:"):
            key = action.split(":", 1)[1]
            added = _new_item(key, plan, env, needs, console)
            if added is not None:
                plan[key].append(added)
                last_item = (key, added["id"])
        elif action in ("edit", "remove", "up"):
            labels = [(item_label(key, item, lang), (key, item["id"])) for key, item in items]
            picked = prompts.select(_("Which item?"), labels, default=last_item, back=True)
            if picked == prompts.BACK:
                continue
            key, item_id = picked
            last_item = (key, item_id)
            position = next(i for i, it in enumerate(plan[key]) if it["id"] == item_id)
            if action == "edit":
                item = plan[key][position]
                edited = ask_all(load_form(plan_rules.ITEM_FORMS[key]), env, item, console)
                plan[key][position] = plan_rules.edited_item(item, edited)
            elif action == "remove":
                if prompts.confirm(
                    _("Remove “{item}”?").format(item=item_label(key, plan[key][position], lang)), default=False
                ):
                    plan[key].pop(position)
            else:
                plan[key] = plan_rules.moved_up(plan[key], item_id)
        elif action == "review":
            review(plan)
        elif action in ("save", "activate"):
            lacking = plan_rules.missing(plan, number, needs, env.today)
            if action == "activate" and lacking:
                console.print("[yellow]" + _("The plan cannot be activated yet. Missing:") + "[/yellow]")
                for line in lacking:
                    console.print(f"  • {shown(line)}")
                continue
            return plan, action == "activate"
        elif action == "discard" and prompts.confirm(_("Discard every change made in this session?"), default=False):
            raise Cancelled(_("Discarded: the plan was not changed."))


def _new_item(key: str, plan: dict, env: Env, needs: list[dict], console) -> dict | None:
    """A new item (None when the worker goes back from the first menu)."""
    open_needs = plan_rules.untaken_needs(plan, needs)
    start: dict = {}
    if open_needs:
        options = [(_("A new item"), None)] + [
            (
                _("From the assessment: {need} ({judgement})").format(
                    need=n["title"].get(env.lang) or n["title"]["en"], judgement=label(n["judgement"])
                ),
                n,
            )
            for n in open_needs
        ]
        need = prompts.select(_("Start from an assessed need?"), options, back=True)
        if need == prompts.BACK:
            return None
        if need is not None:
            start = plan_rules.item_from_need(key, need)
    answers = ask_all(load_form(plan_rules.ITEM_FORMS[key]), env, start, console)
    item = {**answers, "id": plan_rules.new_item_id()}
    if start.get("need_ref"):
        item["need_ref"] = start["need_ref"]
    return item
