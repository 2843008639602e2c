"""The interactive plan editor: a menu to edit the header, add, edit, remove and reorder items,
review, and save (as a draft, or activated) or discard. Every answer goes through the same forms
as the answers file, so both paths produce the same plan."""

from __future__ import annotations

import copy

from casecli import plans, prompts
from casecli.context import Env
from casecli.errors import Cancelled
from casecli.forms import load_form
from casecli.wizard import ask_all


def item_label(key: str, item: dict, lang: str) -> str:
    title = str(item.get(plans.ITEM_TITLE_FIELD[key], "(untitled)"))
    when = item.get(plans.ITEM_DATE_FIELD[key], "no date")
    urgent = " [urgent]" if item.get("urgent") else ""
    return f"{plans.ITEM_NAMES[key].capitalize()}: {title[:50]} — {when}{urgent}"


def edit(plan: dict, env: Env, number: str, needs: list[dict], console, review) -> tuple[dict, bool]:
    """Run the editor on a copy of `plan`; returns (the edited plan, activate?) or raises Cancelled."""
    plan = copy.deepcopy(plan)
    lang = env.lang
    while True:
        items = [(key, item) for key in plans.ITEM_FORMS for item in plan[key]]
        choices = [("Edit the header (worker, placement, monitoring, the child's participation)", "header")]
        choices += [(f"Add a {name}", f"add:{key}") for key, name in plans.ITEM_NAMES.items()]
        if items:
            choices += [("Edit an item", "edit"), ("Remove an item", "remove"), ("Move an item up", "up")]
        choices += [("Review the plan", "review"), ("Save as draft", "save"), ("Save and activate", "activate"),
                    ("Discard changes", "discard")]
        action = prompts.select(f"Plan for {number}: what now?", choices)
        if action == "header":
            plan["header"] = ask_all(load_form(plans.HEADER_FORM), env, plan["header"], console)
        elif action.startswith("add:"):
            key = action.split(":", 1)[1]
            plan[key].append(_new_item(key, plan, env, needs, console))
        elif action in ("edit", "remove", "up"):
            labels = [(item_label(key, item, lang), (key, item["id"])) for key, item in items]
            key, item_id = prompts.select("Which item?", labels)
            position = next(i for i, it in enumerate(plan[key]) if it["id"] == item_id)
            if action == "edit":
                item = plan[key][position]
                edited = ask_all(load_form(plans.ITEM_FORMS[key]), env, item, console)
                plan[key][position] = {**edited, "id": item["id"], **({"need_ref": item["need_ref"]} if item.get("need_ref") else {})}
            elif action == "remove":
                if prompts.confirm(f"Remove “{item_label(key, plan[key][position], lang)}”?", default=False):
                    plan[key].pop(position)
            elif position > 0:
                plan[key][position - 1], plan[key][position] = plan[key][position], plan[key][position - 1]
        elif action == "review":
            review(plan)
        elif action in ("save", "activate"):
            lacking = plans.missing(plan, number, needs, env.today)
            if action == "activate" and lacking:
                console.print("[yellow]The plan cannot be activated yet. Missing:[/yellow]")
                for line in lacking:
                    console.print(f"  • {line}")
                continue
            return plan, action == "activate"
        elif action == "discard":
            if prompts.confirm("Discard every change made in this session?", default=False):
                raise Cancelled("Discarded: the plan was not changed.")


def _new_item(key: str, plan: dict, env: Env, needs: list[dict], console) -> dict:
    taken = {item.get("need_ref") for k in plans.ITEM_FORMS for item in plan[k]}
    open_needs = [n for n in needs if n["id"] not in taken]
    start: dict = {}
    if open_needs:
        options = [("A new item", None)] + [
            (f"From the assessment: {n['title'].get(env.lang) or n['title']['en']} ({n['judgement']})", n) for n in open_needs
        ]
        need = prompts.select("Start from an assessed need?", options)
        if need is not None:
            start["need_ref"] = need["id"]
            text = need["description"] or need["title"]["en"]
            start["need" if key == "protection_needs" else "what" if key == "services" else "action"] = text
            if key == "services":
                start["urgent"] = need["judgement"] == "urgent"
    answers = ask_all(load_form(plans.ITEM_FORMS[key]), env, start, console)
    item = {**answers, "id": plans.new_item_id()}
    if start.get("need_ref"):
        item["need_ref"] = start["need_ref"]
    return item
