"""`casecli consent new|withdraw|show`: consent and assent as records, checked against the child's age."""

from __future__ import annotations

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
    opened,
    option_date,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, format_date

consent_app = typer.Typer(
    cls=CaseCliGroup,
    help=_("Consent and assent: record a new one, withdraw the one in force, show them."),
    no_args_is_help=True,
)


@command(consent_app, "new")
def new_cmd(
    ctx: typer.Context, case: str = CaseArgument, answers: Path | None = AnswersOption, no_input: bool = NoInputOption
) -> None:
    """Record a consent or assent (it becomes the one in force); the child's age decides who may give it.

    Example: casecli consent new MX7-0042-R
    Example: casecli consent new MX7-0042-R --answers consent.json --no-input
    """
    from casecli.case.decisions.consent import record_consent, record_problems
    from casecli.case.file.lookup import resolve_open
    from casecli.forms import load_form
    from casecli.ui import wizard

    with opened(ctx, no_input) as (env, store):
        number = resolve_open(store, case)  # before any question
        defaults = {"obtained_by": store.profile()["name"]}
        clean = wizard.collect(
            load_form("consent"),
            env,
            answers_from(answers),
            console=conversation(),
            defaults=defaults,
            rules=lambda a: record_problems(store, number, a),
        )
        record_consent(store, number, clean)
    console().print(_("Consent recorded for {number}; it is the one in force.").format(number=number))


@command(consent_app, "withdraw")
def withdraw_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    reason: str = typer.Option(..., "--reason", help=_("Why, as the child (or the adult) said it.")),
    date: str | None = typer.Option(None, "--date", help=_("When it was withdrawn (YYYY-MM-DD; default today).")),
) -> None:
    """Withdraw the consent in force: nothing new is shared, and the agenda asks for a plan review.

    Example: casecli consent withdraw MX7-0042-R --reason "she no longer wants her family traced"
    """
    from casecli.case.decisions.consent import withdraw

    with opened(ctx) as (env, store):
        done = withdraw(store, case, reason, option_date(date, env.today, "--date"))
    console().print(
        _("Consent of {number} withdrawn on {date}: nothing new is shared until a new consent is recorded.").format(
            number=done["case_number"], date=format_date(done["withdrawn_on"])
        )
    )


@command(consent_app, "show")
def show_cmd(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
    """Every consent of a case, the one in force first.

    Example: casecli consent show MX7-0042-R
    """
    from casecli.case.decisions.consent import show
    from casecli.ui.consent_views import consent_view

    with opened(ctx) as (_env, store):
        report = show(store, case)
    emit(report, as_json, consent_view)


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(consent_app, name="consent")
