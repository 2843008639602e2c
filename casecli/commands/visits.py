"""Monitoring: `visit add|list` and `review`: visits to the child, and formal reviews of the plan."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    AnswersOption,
    CaseArgument,
    DiscardDraftOption,
    JsonOption,
    NoInputOption,
    answers_from,
    command,
    console,
    conversation,
    draft_for,
    emit,
    env_of,
    invoke_command,
    open_store,
    opened,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, format_date

visit_app = typer.Typer(cls=CaseCliGroup, help=_("Monitoring visits: add, list."), no_args_is_help=True)


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py
app.add_typer(visit_app, name="visit")


def _item_walk(env, store, number: str, given: dict):
    """The walk over the plan's open items: checked answers from a file, or a part of the wizard."""
    from casecli.case.file.progress import open_items
    from casecli.case.steps.monitoring import check_items

    if given or not env.interactive:
        return check_items(store, number, given, env.today), None
    from casecli.ui.item_walk import ItemWalk

    return None, ItemWalk(env, open_items(store, number))


@command(visit_app, "add")
def visit_add(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record a monitoring visit, walking the plan's open items; the next visit follows the plan's frequency.

    Answers file: the visit form's fields plus "items": {item id: {"status": "done|partly|not_done|not_yet", "note": "…"}}.

    Example: casecli visit add MX7-0042-R
    """
    from casecli.case.steps.monitoring import record_visit, visit_known, visit_start
    from casecli.forms import load_form
    from casecli.ui import wizard
    from casecli.ui.notes_views import earlier_words

    env = env_of(ctx, no_input)
    given = answers_from(answers)
    item_answers = given.pop("items", {})
    out = console()
    with open_store(env) as store:
        # before any question: a closed case loses no answers
        start = visit_start(store, case, given.get("visited_on") or env.today.isoformat())
        number = start.case_number
        # The risk starts on the case's (Enter keeps it). At a terminal where the child lives and
        # the next visit are what the records say, shown and kept with one choice; a script gets
        # the plan's next visit (its frequency) and gives the rest.
        defaults = {"risk_level": start.risk} | ({} if env.interactive else {"next_visit": start.next_visit})
        words, hints = earlier_words(store, number) if env.interactive else ({}, {})
        items, walk = _item_walk(env, store, number, item_answers)
        saved = wizard.collect(
            load_form("visit"),
            env,
            given,
            console=conversation(),
            defaults={**defaults, **words},
            extra=walk,
            hints=hints,
            # saved inside the wizard: its draft is cleared only once the visit is in the store
            save=lambda clean: record_visit(store, number, clean, walk.answers if walk else items, env.today),
            draft=draft_for(env, store, "visit add", number, discard_draft),
            known=visit_known(store, start) if env.interactive else None,
        )
    out.print(
        _("Visit recorded for {number}. Next visit: {date}.").format(
            number=number, date=format_date(saved["next_visit"])
        )
    )


@command(visit_app, "list")
def visit_list(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
    """List a case's visits, newest first, counted against the plan's frequency.

    Example: casecli visit list MX7-0042-R
    """
    from casecli.case.file.lookup import resolve
    from casecli.case.steps.monitoring import visits_of, visits_on_time
    from casecli.ui.views import visit_report

    with opened(ctx) as (_env, store):
        number = resolve(store, case)
        report = {"visits": visits_of(store, number), **visits_on_time(store, number)}
    emit(report, as_json, visit_report)


@command(app, "review")
def review_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
) -> None:
    """A formal review: who took part (the child, an interpreter …), progress on each plan item, the
    child's views (or how the child was involved when absent), the risk now, a decision and the
    date of the next review.

    Deciding "revise" opens the plan editor; "close" goes on to the closure.

    Example: casecli review MX7-0042-R
    """
    from casecli.case.steps.monitoring import record_review, review_problems, visit_start
    from casecli.forms import load_form
    from casecli.forms.labels import label
    from casecli.ui import wizard
    from casecli.ui.notes_views import earlier_words

    env = env_of(ctx, no_input)
    given = answers_from(answers)
    item_answers = given.pop("items", {})
    out = console()
    with open_store(env) as store:
        start = visit_start(store, case, env.today.isoformat())  # before any question
        number = start.case_number
        words, hints = earlier_words(store, number) if env.interactive else ({}, {})
        items, walk = _item_walk(env, store, number, item_answers)
        # At a terminal the risk starts on the case's (Enter keeps it); never filled in unasked.
        starts = {**words, "risk_level": start.risk} if env.interactive else {}
        saved = wizard.collect(
            load_form("review"),
            env,
            given,
            console=conversation(),
            defaults=starts,
            extra=walk,
            hints=hints,
            rules=review_problems,
            save=lambda clean: record_review(store, number, clean, walk.answers if walk else items),
        )
    out.print(_("Review recorded for {number}: {decision}.").format(number=number, decision=label(saved["decision"])))
    if saved["decision"] == "revise":
        if env.interactive:
            invoke_command(ctx, "plan", "edit", case=number, answers=None, no_input=False, activate=False)
        else:
            out.print(_("Next: revise the plan with `casecli plan edit {number}`.").format(number=number))
    elif saved["decision"] == "close":
        if env.interactive:
            invoke_command(ctx, "close", case=number, answers=None, no_input=False)
        else:
            out.print(_("Next: close the case with `casecli close {number}`.").format(number=number))
