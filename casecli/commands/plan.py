"""`casecli plan edit|show|check|activate|history|diff`: the Care and Protection Plan."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    AnswersOption,
    CaseArgument,
    DiscardDraftOption,
    DocumentFormatOption,
    DocumentLangOption,
    DocumentOutputOption,
    JsonOption,
    NoInputOption,
    answers_from,
    check_document,
    command,
    console,
    conversation,
    deliver_document,
    draft_for,
    emit,
    env_of,
    next_step_line,
    open_store,
    opened,
    option_date,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, n_

plan_app = typer.Typer(
    cls=CaseCliGroup,
    help=_("The Care and Protection Plan: edit, check, activate, show, compare versions."),
    no_args_is_help=True,
)


@command(plan_app, "edit")
def edit_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    activate: bool = typer.Option(False, "--activate", help=_("Activate the saved version (refused if incomplete).")),
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Create the first plan or revise the current one (every save is a new version).

    Interactive: a menu to edit the header, add, edit, remove and reorder items, review, save.
    Answers file: {"header": {...}, "protection_needs": [...], "services": [...], "actions": [...]};
    a part given replaces that part of the current plan (keep an item's "id" to keep the item).

    Example: casecli plan edit MX7-0042-R
    Example: casecli plan edit MX7-0042-R --answers plan.json --activate --no-input
    """
    from casecli.case.due.lifecycle import next_step
    from casecli.case.file import plan_rules, plans
    from casecli.case.file.assessments import latest_needs
    from casecli.case.file.lookup import resolve_open
    from casecli.case.steps import plan as plan_step
    from casecli.case.steps.plan import decided_actions
    from casecli.errors import InvalidInput
    from casecli.forms.labels import label

    env = env_of(ctx, no_input)
    out = console()
    given = answers_from(answers)
    with open_store(env) as store:
        number = resolve_open(store, case)  # before the editor opens: a closed case loses no work
        current = plans.load(store, number)
        plan = current["data"] if current else plan_rules.empty_plan()
        if not current:
            plan["header"] = plan_step.header_defaults(store, number)
        # The follow-up actions of case conferences, BID panels and the restitution plan not yet in
        # any plan version join this one.
        plan, from_conferences = decided_actions(store, number, plan)
        if given:
            if not isinstance(given.get("header", {}), dict):
                raise InvalidInput(_("plan answers: header must be an object of answers"))
            plan = {
                **plan,
                **{k: v for k, v in given.items() if k != "header"},
                "header": {**plan["header"], **given.get("header", {})},
            }
            plan, _again = decided_actions(store, number, plan)  # answers that replaced the actions
        if from_conferences:
            conversation().print(
                n_(
                    "{count} follow-up action (of a case conference, a BID panel, the restitution plan) added to the plan.",
                    "{count} follow-up actions (of case conferences, BID panels, the restitution plan) added to the plan.",
                    from_conferences,
                ).format(count=from_conferences)
            )
        draft = None
        if not given and env.interactive:
            from casecli.errors import Cancelled, TerminalLost
            from casecli.ui import plan_editor, wizard

            needs = latest_needs(store, number)
            # The editor's plan is kept after every change (an encrypted draft in the store): a
            # lost terminal or an error costs no item typed; the next run offers it back.
            draft = draft_for(env, store, "plan edit", number, discard_draft)
            kept = wizard.resume(draft)
            if kept is not None and isinstance(kept.get("plan"), dict):
                plan, _again = decided_actions(store, number, kept["plan"])  # decisions taken since
                if current and kept.get("base") != current["version"]:
                    conversation().print(
                        "[yellow]"
                        + _(
                            "Plan version {version} was saved after these answers were kept: check them against it."
                        ).format(version=current["version"])
                        + "[/yellow]"
                    )
            base = current["version"] if current else 0

            def review(edited):
                return _review(store, number, edited, env, conversation())

            try:
                plan, activate = plan_editor.edit(
                    plan_rules.normalise(plan, env.today),
                    env,
                    number,
                    needs,
                    conversation(),
                    review,
                    keep=lambda edited: draft.keep({"plan": edited, "base": base}),
                )
            except Cancelled as exc:
                if not isinstance(exc, TerminalLost):
                    draft.clear()  # discarded on purpose
                raise
        elif not given and not current:
            raise InvalidInput(_("plan answers: give --answers FILE (there is no terminal to ask at)"))
        result = plan_step.save(store, number, plan, env.today, activate=activate)
        if draft is not None:
            draft.clear()
        step = next_step(store, number, env.today)
    if result["unchanged"]:
        out.print(
            _("Nothing changed: {number} stays at plan version {version} ({status}).").format(
                number=number, version=result["version"], status=label(result["status"])
            )
        )
        return
    out.print(
        _("Saved plan version {version} for {number} ({status}).").format(
            version=result["version"], number=number, status=label(result["status"])
        )
    )
    if result["status"] == "draft" and result["missing"]:
        out.print(_("Still missing before it can be activated: {missing}").format(missing="; ".join(result["missing"])))
    if result.get("awaiting_approval"):
        # the next step is the approval request the line names, not `plan edit` again
        out.print(awaiting_line(result["version"], number), markup=False)
    elif step is not None:
        out.print(next_step_line(step), markup=False)


def _review(store, number, edited, env, out) -> None:
    from casecli.case.file import plan_rules
    from casecli.case.file.assessments import latest_needs

    for line in _plan_lines(edited):
        out.print(line)
    lacking = plan_rules.missing(
        plan_rules.normalise(edited, env.today), number, latest_needs(store, number), env.today
    )
    out.print(
        "[green]" + _("Complete.") + "[/green]"
        if not lacking
        else "[yellow]" + _("Missing:") + "[/yellow] " + "; ".join(lacking)
    )


def _plan_lines(plan: dict) -> list[str]:
    """The plan being edited, in the worker's words: answers as labels, dates as they write them.
    Names and notes are the worker's own text: shown as text, never markup."""
    from casecli import i18n
    from casecli.case.file import plan_rules
    from casecli.forms import load_form
    from casecli.forms.labels import display_value
    from casecli.i18n import format_date
    from casecli.ui.render import shown

    header = plan["header"]
    form = load_form(plan_rules.HEADER_FORM)

    def answer(field_id: str) -> str:
        value = header.get(field_id)
        return shown(display_value(form.field(field_id), value, i18n.current)) if value not in (None, "") else "—"

    lines = [
        _(
            "Responsible: {worker} · placement: {care}, {provider}, {location} since {start} · visits every {days} days"
        ).format(
            worker=answer("case_worker"),
            care=answer("care_arrangement"),
            provider=answer("provider"),
            location=answer("location"),
            start=answer("start_date"),
            days=header.get("visit_every_days", "—"),
        )
    ]
    for key in plan_rules.ITEM_FORMS:
        for item in plan[key]:
            due = item.get(plan_rules.ITEM_DATE_FIELD[key])
            lines.append(
                f"  • {_(plan_rules.ITEM_NAMES[key]).capitalize()}: "
                + shown(str(item.get(plan_rules.ITEM_TITLE_FIELD[key], "")))
                + " "
                + _("(by {date})").format(date=format_date(due) if due else "—")
                + (" " + _("urgent") if item.get("urgent") else "")
            )
    return lines


@command(plan_app, "check")
def check_cmd(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
    """List what the plan lacks against its seven elements, and which items are past their date.

    Example: casecli plan check MX7-0042-R
    """
    from casecli.case.steps import plan as plan_step

    with opened(ctx) as (env, store):
        report = plan_step.check(store, case, env.today)
    from casecli.ui.plan_views import plan_check_view

    emit(report, as_json, plan_check_view)


@command(plan_app, "activate")
def activate_cmd(ctx: typer.Context, case: str = CaseArgument) -> None:
    """Activate the latest plan version; refused, with what is missing, if it is incomplete.

    Example: casecli plan activate MX7-0042-R
    """
    from casecli.case.steps import plan as plan_step

    with opened(ctx) as (env, store):
        result = plan_step.activate_latest(store, case, env.today)
    if result.get("awaiting_approval"):
        console().print(awaiting_line(result["version"], result["case_number"]), markup=False)
        return
    message = (
        _("Plan version {version} of {number} is already active.")
        if result["unchanged"]
        else _("Plan version {version} of {number} is now active.")
    )
    console().print(message.format(version=result["version"], number=result["case_number"]))


def awaiting_line(version: int, number: str) -> str:
    return _(
        "Plan version {version} of {number} awaits a supervisor's approval: `casecli approval request {number} --to SUPERVISOR`."
    ).format(version=version, number=number)


@command(plan_app, "history")
def history_cmd(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
    """List the plan's versions.

    Example: casecli plan history MX7-0042-R
    """
    from casecli.case.file import plans
    from casecli.case.file.lookup import resolve

    with opened(ctx) as (_env, store):
        number = resolve(store, case)
        rows = plans.versions(store, number)
    from casecli.ui.plan_views import plan_history_table

    emit(rows, as_json, lambda value: plan_history_table(number, value))


@command(plan_app, "diff")
def diff_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    old: int = typer.Argument(..., help=_("The older version.")),
    new: int = typer.Argument(..., help=_("The newer version.")),
    as_json: bool = JsonOption,
) -> None:
    """Show what changed between two plan versions.

    Example: casecli plan diff MX7-0042-R 1 2
    """
    from casecli.case.file import plan_rules, plans
    from casecli.case.file.lookup import resolve

    with opened(ctx) as (_env, store):
        number = resolve(store, case)
        changes = plan_rules.diff(
            plans.load_version(store, number, old)["data"], plans.load_version(store, number, new)["data"]
        )
    from casecli.ui.plan_views import plan_diff_view

    emit(changes, as_json, plan_diff_view)


@command(plan_app, "show")
def show_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    version: int | None = typer.Option(None, "--version", help=_("A given version (default: the latest).")),
    fmt: str | None = DocumentFormatOption,
    output: Path | None = DocumentOutputOption,
    redact: bool = typer.Option(
        False, "--redact", help=_("Leave out the child's name and identifying details (for another sector).")
    ),
    doc_lang: str | None = DocumentLangOption,
    for_child: bool = typer.Option(
        False,
        "--for-child",
        help=_("The child's own Life Plan: the plan in plain words addressed to the child, with space to draw."),
    ),
) -> None:
    """Render the plan as a document, with signature lines for the worker, the child, the caregiver, an interpreter and the supervisor.

    With --for-child, the child's Life Plan: what we agreed, who helps with what and when, where
    the child lives and who looks after them, visits, the child's words, whom to call (no case
    number, no other person's contact details).

    Example: casecli plan show MX7-0042-R
    Example: casecli plan show MX7-0042-R --format html --output plan.html
    Example: casecli plan show MX7-0042-R --format markdown --redact
    Example: casecli plan show MX7-0042-R --format html --lang es --output plan-es.html
    Example: casecli plan show MX7-0042-R --for-child --format html --lang es --output mi-plan.html
    """
    from casecli.case.reads.documents import plan_context, render

    check_document(fmt, doc_lang)
    env = env_of(ctx)
    if for_child:
        from casecli.case.reads.life_plan import life_plan_context

        with open_store(env) as store:
            child = life_plan_context(store, case, env.today, doc_lang or env.lang)
        deliver_document(render("life-plan", child, fmt or "markdown"), fmt, output)
        return
    with open_store(env) as store:
        context = plan_context(store, case, env.today, version, doc_lang or env.lang, redact, show_ids=fmt is None)
    deliver_document(render("plan", context, fmt or "markdown"), fmt, output)


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(plan_app, name="plan")


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

    with opened(ctx) as (env, store):
        spellings = spellings_of_choices("plan-item-check", "status")
        spellings.pop("not_yet", None)  # a visit's answer, not a mark
        status = code_for("--status", status, spellings)
        saved = mark_item(store, case, item, status, option_date(date, env.today, "--date"), note, env.today)
    console().print(
        _("Plan item {item} of {number}: {status}.").format(
            item=saved["item"], number=saved["case_number"], status=answer("plan-item-check", "status", saved["status"])
        )
    )


plan_app.add_typer(item_app, name="item")
