"""Implementation: `referral add|update|list`, referrals to other agencies and their progress."""

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
    opened,
    option_date,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, format_date

referral_app = typer.Typer(
    cls=CaseCliGroup, help=_("Referrals to other agencies: add, update, list."), no_args_is_help=True
)


@command(referral_app, "add")
def referral_add(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    override_reason: str | None = typer.Option(
        None,
        "--override-reason",
        help=_("Share beyond the consent in force (or after its withdrawal), and why: recorded with the referral."),
    ),
    from_service: str | None = typer.Option(
        None,
        "--from-service",
        help=_("Start from this service of the plan (its id in `casecli plan show`): organisation, service and need."),
    ),
    urgent: bool = typer.Option(
        False,
        "--urgent",
        help=_(
            "Beyond the consent, a referral needed within a day goes before the supervisor's approval"
            " (recorded; the request is on the agenda today)."
        ),
    ),
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Refer the child to another agency, recording consent and what was shared.

    A referral can be made before the plan exists when a need is urgent. It is checked against the
    consent in force: sharing beyond its scope needs a recorded reason (--override-reason) and,
    where the agency wants it, a supervisor's approval of that sharing; one needed within a day
    may go first with --urgent. At a terminal, a plan's services are offered as a start.

    Example: casecli referral add MX7-0042-R
    Example: casecli referral add MX7-0042-R --from-service 3fa2c1
    Example: casecli referral add MX7-0042-R --override-reason "Medical emergency" --urgent
    """
    from casecli.case.file.lookup import resolve_open
    from casecli.case.steps.implementation import add_referral, plan_services, referral_from_service, referral_problems
    from casecli.forms import load_form
    from casecli.ui import wizard

    with opened(ctx, no_input) as (env, store):
        number = resolve_open(store, case)  # before any question: a closed case loses no answers
        given = answers_from(answers)
        if override_reason is not None:
            given["consent_override"] = override_reason
        start: dict = {}
        if from_service is not None:
            start = referral_from_service(store, number, from_service)
        elif env.interactive and not given:
            start = _choose_service(env, plan_services(store, number))
        saved = wizard.collect(
            load_form("referral"),
            env,
            given,
            console=conversation(),
            rules=lambda a: referral_problems(store, number, a),
            # the service chosen says what the referral is: shown at a terminal and kept with one
            # choice; `--from-service` in a script gives those answers outright
            defaults=start if not env.interactive else {},
            known=(lambda _answers: start) if env.interactive else None,
            save=lambda clean: add_referral(store, number, clean, urgent),
            draft=draft_for(env, store, "referral add", number, discard_draft),
        )
    console().print(
        _(
            "Referral [bold]{ref}[/bold] recorded for {number} (pending). Update it with `casecli referral update {ref}`."
        ).format(ref=saved["ref"], number=number)
    )
    if saved["awaiting_approval"]:
        console().print(
            _(
                "It went ahead as urgent, beyond the consent: the supervisor's approval is asked for; send the"
                " request today with `casecli approval request {number}`."
            ).format(number=number)
        )


def _choose_service(env, services: list[dict]) -> dict:
    """At a terminal: start from one of the plan's services, or from nothing."""
    if not services:
        return {}
    from casecli.forms.labels import answer
    from casecli.plaintext import visible
    from casecli.ui import prompts

    choices = [(_("A new referral (not from the plan)"), None)] + [
        (
            visible(
                f"{answer('plan-service', 'service_type', s.get('service_type'))}: {s.get('what', '')} — {s.get('provider', '')}"
            )
            + f" ({s['id']})",
            s["id"],
        )
        for s in services
    ]
    chosen = prompts.select(_("Start from a service of the plan?"), choices)
    if chosen is None:
        return {}
    from casecli.case.steps.implementation import referral_from_service_of

    return referral_from_service_of(services, chosen)


@command(referral_app, "update")
def referral_update(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help=_("The referral id, e.g. R-MX7-KQX4T.")),
    status: str = typer.Option(..., "--status", help=_("pending, accepted, declined, completed or no_response.")),
    date: str | None = typer.Option(None, "--date", help=_("When it changed (YYYY-MM-DD; default today).")),
    note: str = typer.Option("", "--note", help=_("A short note.")),
    case: str | None = typer.Option(
        None, "--case", help=_("The case the referral belongs to (needed only when two cases have one of that name).")
    ),
) -> None:
    """Record a referral's new status.

    Example: casecli referral update R-MX7-KQX4T --status accepted --note "appointment on Monday"
    """
    from casecli.case.steps.implementation import REFERRAL_STATUSES, update_referral
    from casecli.forms.labels import label
    from casecli.forms.words import code_for, spellings_of_codes

    with opened(ctx) as (env, store):
        status = code_for("--status", status, spellings_of_codes(REFERRAL_STATUSES))
        saved = update_referral(store, ref, status, option_date(date, env.today, "--date"), note, env.today, case)
    console().print(
        _("Referral {ref} of {number}: {status} on {date}.").format(
            ref=saved["ref"],
            number=saved["case_number"],
            status=label(saved["status"]),
            date=format_date(saved["on_date"]),
        )
    )


@command(referral_app, "list")
def referral_list(
    ctx: typer.Context, case: str | None = typer.Argument(None, help=_("Only this case.")), as_json: bool = JsonOption
) -> None:
    """List referrals and their status; those waiting too long are flagged.

    Example: casecli referral list MX7-0042-R
    """
    from casecli.case.file.lookup import resolve
    from casecli.case.file.referrals import referrals_of
    from casecli.ui.views import referral_table

    with opened(ctx) as (env, store):
        rows = referrals_of(store, resolve(store, case) if case else None, env.today)
    emit(rows, as_json, referral_table)


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(referral_app, name="referral")
