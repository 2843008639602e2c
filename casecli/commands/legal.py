"""`casecli asylum add|status|list`: the child's asylum or refugee claims and their status (a claim
that is pending, or that recognised the child, refuses every step that would return the child);
`casecli age-assessment CASE`: the assessment that settles a disputed age."""

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
    emit_case_rows,
    opened,
)
from casecli.commands.errors import CaseCliGroup, RecordGroup
from casecli.i18n import _

asylum_app = typer.Typer(
    cls=RecordGroup,
    help=_("Asylum: `casecli asylum CASE` records the child's claim; step, list."),
    no_args_is_help=True,
)
ClaimOption = typer.Option(
    None, "--claim", help=_("Which claim (its number in `casecli asylum list`); the only one if not given.")
)


def _collect(env, store, draft: tuple[str, str, bool], form_name: str, answers: Path | None, save, rules=None):
    from casecli.forms import load_form
    from casecli.ui import wizard

    return wizard.collect(
        load_form(form_name),
        env,
        answers_from(answers),
        console=conversation(),
        save=save,
        draft=draft_for(env, store, *draft),
        rules=rules,
    )


@command(asylum_app, "add")
def asylum_add(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record the child's asylum claim: the date of entry into the country, whether the child
    wishes to seek asylum and how they were heard, where it is filed, the legal representative.
    From the wish on, the child is not returned; the filing is due 30 working days after entry.

    Example: casecli asylum MX7-0042-R
    Example: casecli asylum MX7-0042-R --answers claim.json --no-input
    """
    from casecli.case.file.lookup import resolve_open
    from casecli.case.legal.asylum import add_claim

    with opened(ctx, no_input) as (env, store):
        number = resolve_open(store, case)
        saved = _collect(
            env,
            store,
            ("asylum", number, discard_draft),
            "asylum-claim",
            answers,
            lambda clean: add_claim(store, number, clean),
        )
    console().print(
        _("Asylum claim {n} recorded for {number}. Record each step with `casecli asylum step {number}`.").format(
            n=saved["number"], number=number
        )
    )


@command(asylum_app, "step")
def asylum_step(
    ctx: typer.Context,
    case: str = CaseArgument,
    which: int | None = ClaimOption,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record a step of the claim's procedure: filed, an interview (held or scheduled), the
    decision, an appeal and its decision, the negative decision become final, a withdrawal, a
    document issued (with its expiry date).

    Example: casecli asylum step MX7-0042-R
    Example: casecli asylum step MX7-0042-R --claim 2 --answers decision.json
    """
    from casecli.case.legal.asylum import add_step, step_problems, the_claim
    from casecli.ui.legal_views import status_words

    with opened(ctx, no_input) as (env, store):
        number, claim = the_claim(store, case, which)  # before any question
        saved = _collect(
            env,
            store,
            (f"asylum step {claim['number']}", number, discard_draft),
            "asylum-step",
            answers,
            lambda clean: add_step(store, number, which, clean, env.today),
            lambda clean: step_problems(claim, clean, env.today),
        )
    console().print(
        _("Asylum claim {n} of {number}: {status}.").format(
            n=saved["number"], number=number, status=status_words(saved["status"])
        )
    )


@command(asylum_app, "list")
def asylum_list(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
    """A case's asylum claims with their status.

    Example: casecli asylum list MX7-0042-R --json
    """
    from casecli.case.legal.asylum import claims_of
    from casecli.ui.legal_views import asylum_table

    emit_case_rows(ctx, case, as_json, claims_of, asylum_table)


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py
app.add_typer(asylum_app, name="asylum")


@command(app, "age-assessment")
def age_assessment(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record an age assessment of a child whose age is disputed: date, method, assessor and
    agency, the age or range found, whether the child was informed and heard, the appeal. Until
    one is recorded the child is presumed the age they state.

    Example: casecli age-assessment MX7-0042-R
    Example: casecli age-assessment MX7-0042-R --answers assessment.json --no-input
    """
    from casecli.case.file.lookup import resolve_open
    from casecli.case.legal.age_assessment import problems, record

    with opened(ctx, no_input) as (env, store):
        number = resolve_open(store, case)
        _collect(
            env,
            store,
            ("age-assessment", number, discard_draft),
            "age-assessment",
            answers,
            lambda clean: record(store, number, clean),
            problems,
        )
    console().print(
        _("Age assessment recorded for {number}: the age rules now read its outcome.").format(number=number)
    )
