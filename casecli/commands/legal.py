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
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

asylum_app = typer.Typer(
    cls=CaseCliGroup,
    help=_("Asylum or refugee claims: add a claim, record its status, list them."),
    no_args_is_help=True,
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
    """Record an asylum or refugee claim: when and where it was filed, its reference, the child's
    legal representative, what the child said. While it is pending the child is not returned.

    Example: casecli asylum add MX7-0042-R
    """
    from casecli.case.file.lookup import resolve_open
    from casecli.case.legal.asylum import add_claim

    with opened(ctx, no_input) as (env, store):
        number = resolve_open(store, case)
        saved = _collect(
            env,
            store,
            ("asylum add", number, discard_draft),
            "asylum-claim",
            answers,
            lambda clean: add_claim(store, number, clean),
        )
    console().print(
        _(
            "Asylum claim {n} recorded for {number} (pending). Record each decision with `casecli asylum status {number}`."
        ).format(n=saved["number"], number=number)
    )


@command(asylum_app, "status")
def asylum_status(
    ctx: typer.Context,
    case: str = CaseArgument,
    which: int | None = typer.Option(
        None, "--claim", help=_("Which claim (its number in `casecli asylum list`); the only one if not given.")
    ),
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record a claim's new status: pending (also while an appeal is open), recognised,
    complementary protection, rejected for good, or withdrawn; with its date and reference.

    Example: casecli asylum status MX7-0042-R
    Example: casecli asylum status MX7-0042-R --claim 2 --answers decision.json
    """
    from casecli.case.legal.asylum import add_status, status_problems, the_claim

    with opened(ctx, no_input) as (env, store):
        number, claim = the_claim(store, case, which)  # before any question
        saved = _collect(
            env,
            store,
            (f"asylum status {claim['number']}", number, discard_draft),
            "asylum-status",
            answers,
            lambda clean: add_status(store, number, which, clean),
            lambda clean: status_problems(claim, clean),
        )
    console().print(_("Asylum claim {n} of {number} recorded.").format(n=saved["number"], number=number))


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
