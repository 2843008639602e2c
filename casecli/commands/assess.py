"""`casecli assess`: the initial and the comprehensive assessment."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    AnswersOption,
    CaseArgument,
    DiscardDraftOption,
    NoInputOption,
    answers_from,
    command,
    console,
    conversation,
    draft_for,
    env_of,
    next_step_line,
    open_store,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


@command(app, "assess")
def assess_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    comprehensive: bool = typer.Option(
        False, "--comprehensive", help=_("The comprehensive assessment (default: the initial one).")
    ),
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Assess the child's needs, circumstances and wishes; each domain ends with your judgement.

    Domains judged "intervention needed" or "urgent" become needs the plan can take up. The
    risk level is re-rated, with a reason.

    Example: casecli assess MX7-0042-R
    Example: casecli assess MX7-0042-R --comprehensive --answers assessment.json --no-input
    """
    from casecli.case.due.lifecycle import next_step
    from casecli.case.file.lookup import require_open
    from casecli.case.reads.view import get_case
    from casecli.case.steps.assessment import form_for, record_assessment, starting_answers
    from casecli.ui import wizard
    from casecli.ui.notes_views import earlier_words

    env = env_of(ctx, no_input)
    kind = "comprehensive" if comprehensive else "initial"
    out = console()
    with open_store(env) as store:
        record = get_case(store, case, env.today)
        require_open(store, record["case_number"])  # before any question
        given = answers_from(answers)
        # The risk is asked, starting from the case's (never filled in silently); a comprehensive
        # assessment starts from the initial one's answers, and the child's words are offered.
        defaults: dict = {"risk_level": record["risk"]}
        hints: dict = {}
        if env.interactive:
            if kind == "comprehensive":
                defaults = {**starting_answers(store, record["case_number"]), **defaults}
            words, hints = earlier_words(store, record["case_number"])
            defaults = {**defaults, **words}
        form = form_for(kind)
        if env.interactive:
            out.print(
                _("[bold]{form}[/bold] for {number}").format(form=form.title(env.lang), number=record["case_number"])
            )
        number = record["case_number"]
        saved = wizard.collect(
            form,
            env,
            given,
            console=conversation(),
            defaults=defaults,
            hints=hints,
            save=lambda clean: record_assessment(store, number, kind, clean, env.today),
            draft=draft_for(env, store, f"assess {kind}", number, discard_draft),
        )
        step = next_step(store, record["case_number"], env.today)
    out.print(
        (
            _("Initial assessment saved for {number}.")
            if kind == "initial"
            else _("Comprehensive assessment saved for {number}.")
        ).format(number=saved["case_number"])
    )
    if saved["risk_before"] != saved["risk_after"]:
        from casecli.forms.labels import label

        out.print(
            _("Risk re-rated: {old} → {new}.").format(old=label(saved["risk_before"]), new=label(saved["risk_after"]))
        )
    if saved["needs"]:
        from casecli.forms.labels import need

        listed = ", ".join(need(n) for n in saved["needs"])
        out.print(
            _("Needs for the plan: {needs}. Next: `casecli plan edit {number}`.").format(
                needs=listed, number=saved["case_number"]
            )
        )
    if step is not None:
        out.print(next_step_line(step), markup=False)
