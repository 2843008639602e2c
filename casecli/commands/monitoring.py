"""Monitoring: `plan item done`, `visit`, `review`, `close`, `reopen`, `agenda`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from casecli.commands.common import (
    AnswersOption,
    CaseArgument,
    JsonOption,
    NoInputOption,
    answers_from,
    command,
    console,
    conversation,
    emit,
    env_of,
    open_store,
    option_date,
    print_json,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, format_date

visit_app = typer.Typer(cls=CaseCliGroup, help=_("Monitoring visits: add, list."), no_args_is_help=True)
item_app = typer.Typer(cls=CaseCliGroup, help=_("Progress on plan items."), no_args_is_help=True)


@command(item_app, "done")
def item_done(
    ctx: typer.Context,
    case: str = CaseArgument,
    item: str = typer.Argument(..., help=_("The item id (see `casecli plan show` or `casecli show --json`).")),
    status: str = typer.Option("done", "--status", help=_("done, partly or not_done.")),
    date: str | None = typer.Option(None, "--date", help=_("YYYY-MM-DD (default today).")),
    note: str = typer.Option("", "--note"),
) -> None:
    """Mark a plan item done, partly done or not done.

    Example: casecli plan item done MX7-0042-R 3fa2c1 --note "vaccinated"
    """
    from casecli.case.steps.implementation import mark_item
    from casecli.forms.labels import answer
    from casecli.forms.words import code_for, spellings_of_choices

    env = env_of(ctx)
    with open_store(env) as store:
        spellings = spellings_of_choices("plan-item-check", "status")
        spellings.pop("not_yet", None)  # a visit's answer, not a mark
        status = code_for("--status", status, spellings)
        saved = mark_item(store, case, item, status, option_date(date, env.today, "--date"), note, env.today)
    console().print(
        _("Plan item {item} of {number}: {status}.").format(
            item=saved["item"], number=saved["case_number"], status=answer("plan-item-check", "status", saved["status"])
        )
    )


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
    ctx: typer.Context, case: str = CaseArgument, answers: Path | None = AnswersOption, no_input: bool = NoInputOption
) -> None:
    """Record a monitoring visit, walking the plan's open items; the next visit follows the plan's frequency.

    Answers file: the visit form's fields plus "items": {item id: {"status": "done|partly|not_done|not_yet", "note": "…"}}.

    Example: casecli visit add MX7-0042-R
    """
    from casecli.case.file.lookup import require_open
    from casecli.case.reads.view import get_case
    from casecli.case.steps.monitoring import record_visit, visit_frequency
    from casecli.forms import load_form
    from casecli.ui import wizard
    from casecli.ui.notes_views import earlier_words

    env = env_of(ctx, no_input)
    given = answers_from(answers)
    item_answers = given.pop("items", {})
    out = console()
    with open_store(env) as store:
        case_record = get_case(store, case, env.today)
        number = case_record["case_number"]
        require_open(store, number)  # before any question: a closed case loses no answers
        every = visit_frequency(store, number)
        visited_on = given.get("visited_on") or env.today.isoformat()
        try:
            proposed = (dt.date.fromisoformat(visited_on) + dt.timedelta(days=every)).isoformat()
        except ValueError:
            proposed = None
        defaults = {"risk_level": case_record["risk"], "next_visit": proposed}
        words, hints = earlier_words(store, number) if env.interactive else ({}, {})
        items, walk = _item_walk(env, store, number, item_answers)
        clean = wizard.collect(
            load_form("visit"),
            env,
            given,
            console=conversation(),
            defaults={**defaults, **words},
            extra=walk,
            hints=hints,
        )
        saved = record_visit(store, number, clean, walk.answers if walk else items, env.today)
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

    env = env_of(ctx)
    with open_store(env) as store:
        number = resolve(store, case)
        report = {"visits": visits_of(store, number), **visits_on_time(store, number)}
    emit(report, as_json, visit_report)


def _acknowledge_each(out, still_open: list[dict]) -> bool:
    """Ask about each open item before the closure's questions: acknowledge it, or stop to resolve it."""
    from casecli.errors import Cancelled
    from casecli.ui import prompts
    from casecli.ui.render import shown

    out.print("[bold]" + _("Still open on this case") + "[/bold]")
    for item in still_open:
        # a plan item kind is translated as data (plan_rules.ITEM_NAMES)
        name = item["kind"]
        kind = (_("referral") if name == "referral" else _(name)).capitalize()
        choice = prompts.select(
            f"{kind} {shown(item['id'])}: {shown(item['title'])}",
            [
                (_("Acknowledge: it stays open, recorded with the closure"), "acknowledge"),
                (_("Stop: I will resolve it first (nothing is saved)"), "stop"),
            ],
        )
        if choice == "stop":
            raise Cancelled()
    return True


def register(app: typer.Typer) -> None:
    from casecli.commands.plan import plan_app

    app.add_typer(visit_app, name="visit")
    plan_app.add_typer(item_app, name="item")

    @command(app, "review")
    def review_cmd(
        ctx: typer.Context,
        case: str = CaseArgument,
        answers: Path | None = AnswersOption,
        no_input: bool = NoInputOption,
    ) -> None:
        """A formal review: progress on each plan item, the child's views, and a decision.

        Deciding "revise" opens the plan editor; "close" goes on to the closure.

        Example: casecli review MX7-0042-R
        """
        from casecli.case.file.lookup import resolve_open
        from casecli.case.steps.monitoring import record_review
        from casecli.forms import load_form
        from casecli.forms.labels import label
        from casecli.ui import wizard
        from casecli.ui.notes_views import earlier_words

        env = env_of(ctx, no_input)
        given = answers_from(answers)
        item_answers = given.pop("items", {})
        out = console()
        with open_store(env) as store:
            number = resolve_open(store, case)  # before any question
            words, hints = earlier_words(store, number) if env.interactive else ({}, {})
            items, walk = _item_walk(env, store, number, item_answers)
            clean = wizard.collect(
                load_form("review"), env, given, console=conversation(), defaults=words, extra=walk, hints=hints
            )
            saved = record_review(store, number, clean, walk.answers if walk else items)
        out.print(
            _("Review recorded for {number}: {decision}.").format(number=number, decision=label(saved["decision"]))
        )
        if saved["decision"] == "revise":
            if env.interactive:
                from casecli.commands.plan import edit_cmd

                ctx.invoke(edit_cmd, ctx=ctx, case=number, answers=None, no_input=False, activate=False)
            else:
                out.print(_("Next: revise the plan with `casecli plan edit {number}`.").format(number=number))
        elif saved["decision"] == "close":
            if env.interactive:
                ctx.invoke(close_cmd, ctx=ctx, case=number, answers=None, no_input=False)
            else:
                out.print(_("Next: close the case with `casecli close {number}`.").format(number=number))

    @command(app, "close")
    def close_cmd(
        ctx: typer.Context,
        case: str = CaseArgument,
        answers: Path | None = AnswersOption,
        acknowledge_open: bool = typer.Option(
            False,
            "--acknowledge-open",
            help=_("Close although plan items or referrals are still open (each is recorded with the closure)."),
        ),
        no_input: bool = NoInputOption,
    ) -> None:
        """Close a case with a standard reason and the checks that reason needs; it becomes read-only.

        What is still open (plan items not done, referrals with no outcome) is listed first: resolve
        each, or acknowledge it. "reached_adulthood" needs the child to be 18 (or nearly); a durable
        solution or a reunification records with whom, where and when.

        Example: casecli close MX7-0042-R
        Example: casecli close MX7-0042-R --answers closure.json --acknowledge-open --no-input
        """
        from casecli.case.file.lookup import require_open, resolve
        from casecli.case.steps.closure import close_case, closure_problems, open_at_closure
        from casecli.forms import load_form
        from casecli.ui import wizard

        env = env_of(ctx, no_input)
        out = console()
        with open_store(env) as store:
            number = resolve(store, case)
            require_open(store, number)
            still_open = open_at_closure(store, number)
            if still_open and env.interactive and not acknowledge_open:
                acknowledge_open = _acknowledge_each(out, still_open)
            clean = wizard.collect(
                load_form("closure"),
                env,
                answers_from(answers),
                console=conversation(),
                rules=lambda a: closure_problems(store, number, a),
            )
            closed = close_case(store, number, clean, acknowledged=acknowledge_open)
        from casecli.forms.labels import answer

        if closed.get("awaiting_approval"):
            out.print(
                _(
                    "Closure of {number} requested: it waits for a supervisor's approval"
                    " (`casecli approval request {number} --to SUPERVISOR`)."
                ).format(number=number),
                markup=False,
            )
            return
        out.print(
            _("{number} is closed ({reason}). Reopen it with `casecli reopen {number} --reason …`.").format(
                number=number, reason=answer("closure", "reason", clean["reason"])
            )
        )

    @command(app, "reopen")
    def reopen_cmd(
        ctx: typer.Context,
        case: str = CaseArgument,
        reason: str = typer.Option(..., "--reason", help=_("Why the case is reopened.")),
    ) -> None:
        """Reopen a closed case.

        Example: casecli reopen MX7-0042-R --reason "the child came back to the shelter"
        """
        from casecli.case.steps.closure import reopen_case

        env = env_of(ctx)
        with open_store(env) as store:
            number = reopen_case(store, case, reason, env.today)
        console().print(_("{number} is open again.").format(number=number))

    @command(app, "agenda")
    def agenda_cmd(
        ctx: typer.Context,
        days: int | None = typer.Option(
            None,
            "--days",
            min=0,
            max=365,
            help=_("Also what falls due within this many days (default: the agency setting, 7)."),
        ),
        as_json: bool = JsonOption,
    ) -> None:
        """Everything due or overdue across your open cases, most urgent first, with the command that resolves it.

        Example: casecli agenda --days 14
        """
        from casecli.case.reads.agenda import agenda
        from casecli.store import settings
        from casecli.ui.views import agenda_table

        env = env_of(ctx)
        with open_store(env) as store:
            window = days if days is not None else settings.get(store, "agenda.upcoming_days")
            items = agenda(store, env.today, window)
            if as_json:  # as they come: memory does not grow with the agenda
                print_json(items)
                return
            found = list(items)
        emit(found, False, lambda rows: agenda_table(rows, env.today + dt.timedelta(days=window)), page=True)
