"""`casecli family add|list` and `casecli tracing add|list|action|verify|reunify|close`: the child's
family, and tracing it through to reunification."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    AnswersOption,
    CaseArgument,
    DiscardDraftOption,
    JsonOption,
    NoInputOption,
    collect_form,
    command,
    console,
    emit_case_rows,
    env_of,
    open_store,
    opened,
    record_on_case,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

family_app = typer.Typer(cls=CaseCliGroup, help=_("The child's family members: add, list."), no_args_is_help=True)
tracing_app = typer.Typer(
    cls=CaseCliGroup,
    help=_("Family tracing: requests, tracing actions, verification, reunification."),
    no_args_is_help=True,
)
RequestOption = typer.Option(
    None,
    "--request",
    help=_("Which tracing request (its number in `casecli tracing list`); the only open one if not given."),
)


@command(family_app, "add")
def family_add(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record a family member: relation, name, alive or not, last known location and contact,
    whether they were the caregiver, whether the child wants contact. Needs a consent that allows
    family tracing.

    Example: casecli family add MX7-0042-R
    """
    from casecli.case.family.tracing import add_family_member, check_consent

    number, _saved = record_on_case(
        ctx,
        case,
        no_input,
        ("family add", discard_draft),
        "family-member",
        answers,
        add_family_member,
        check=lambda store, number: check_consent(store, number, "family"),
    )
    console().print(_("Family member recorded for {number}.").format(number=number))


@command(family_app, "list")
def family_list(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
    """A case's family members.

    Example: casecli family list MX7-0042-R
    """
    from casecli.case.family.tracing import family_of
    from casecli.ui.tracing_views import family_table

    emit_case_rows(ctx, case, as_json, family_of, family_table)


@command(tracing_app, "add")
def tracing_add(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Open a tracing request: whom to find, the last known place and date, how the child was
    separated. Needs a consent that allows family tracing.

    Example: casecli tracing add MX7-0042-R
    """
    from casecli.case.family.tracing import add_request, check_consent, request_known, request_problems
    from casecli.case.file.lookup import resolve_open

    with opened(ctx, no_input) as (env, store):
        number = resolve_open(store, case)
        check_consent(store, number, "tracing")  # before any question
        saved = collect_form(
            env,
            store,
            ("tracing add", number, discard_draft),
            "tracing-request",
            answers,
            lambda clean: add_request(store, number, clean, env.today.isoformat()),
            rules=lambda clean: request_problems(store, number, clean),
            known=request_known(store, number),
        )
    console().print(
        _(
            "Tracing request {n} opened for {number}. Record what is done with `casecli tracing action {number}`."
        ).format(n=saved["number"], number=number)
    )


@command(tracing_app, "list")
def tracing_list(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
    """A case's tracing requests with their status (open, in progress, located, verified, reunified, closed).

    Example: casecli tracing list MX7-0042-R
    """
    from casecli.case.family.tracing import requests_of
    from casecli.ui.tracing_views import tracing_table

    emit_case_rows(ctx, case, as_json, requests_of, tracing_table)


def _step(ctx, case: str, which: int | None, kind: str, answers: Path | None, no_input: bool, discard: bool) -> None:
    from casecli.case.family.tracing import FORMS, add_step, check_step, step_known, step_problems, the_request
    from casecli.forms.labels import label

    with opened(ctx, no_input) as (env, store):
        number, request = the_request(store, case, which)  # before any question
        check_step(request, kind)
        saved = collect_form(
            env,
            store,
            (f"tracing {kind} {request['number']}", number, discard),
            FORMS[kind],
            answers,
            lambda clean: add_step(store, case, which, kind, clean),
            rules=lambda clean: step_problems(store, number, kind, clean),
            known=step_known(request, kind),
        )
    console().print(
        _("Recorded on tracing request {n} of {number}: now {status}.").format(
            n=saved["number"], number=saved["case_number"], status=label(saved["status"])
        )
    )
    if saved["awaiting_approval"]:
        console().print(
            _(
                "The verification awaits a supervisor's approval before a reunification: `casecli approval request {number}`."
            ).format(number=saved["case_number"])
        )


def _step_command(name: str, kind: str, doc: str) -> None:
    """`casecli tracing NAME CASE`: record a step of kind `kind` on a request (its help: `doc`)."""

    def step(
        ctx: typer.Context,
        case: str = CaseArgument,
        which: int | None = RequestOption,
        answers: Path | None = AnswersOption,
        no_input: bool = NoInputOption,
        discard_draft: bool = DiscardDraftOption,
    ) -> None:
        _step(ctx, case, which, kind, answers, no_input, discard_draft)

    step.__doc__ = doc
    command(tracing_app, name)(step)


_step_command(
    "action",
    "action",
    """Record a tracing action (including a referral to the Red Cross / Red Crescent family-links
    service) and its outcome.

    Example: casecli tracing action MX7-0042-R
    """,
)
_step_command(
    "verify",
    "verification",
    """Verify a located family: the agency's checks, whether the child wishes reunification, whether
    the information matches, the worker's assessment.

    Example: casecli tracing verify MX7-0042-R
    """,
)
_step_command(
    "reunify",
    "reunification",
    """Record the reunification with a verified family: when, with whom, where, and when the first
    follow-up visit is due (the agenda asks for it).

    Example: casecli tracing reunify MX7-0042-R
    """,
)
_step_command(
    "close",
    "closure",
    """Close a tracing request, saying why.

    Example: casecli tracing close MX7-0042-R --request 2
    """,
)


@command(tracing_app, "export")
def tracing_export(
    ctx: typer.Context,
    case: str = CaseArgument,
    which: int | None = RequestOption,
    to: str = typer.Option(..., "--to", help=_("The tracing partner (a contact).")),
    output: Path | None = typer.Option(None, "--output", "-o", help=_("The bundle file to write."), dir_okay=False),
    to_mailbox: bool = typer.Option(
        False, "--to-mailbox", help=_("Write the bundle into the partner's inbox in the mailbox.")
    ),
) -> None:
    """Send a tracing request alone to a tracing partner (e.g. the Red Cross / Red Crescent
    family-links service): only what tracing needs, no case number, encrypted to them and signed.

    Example: casecli tracing export MX7-0042-R --to cruz-roja --output tracing.bundle
    Example: casecli tracing export MX7-0042-R --to cruz-roja --to-mailbox
    """
    from casecli.errors import InvalidInput
    from casecli.handover.identity import contact
    from casecli.handover.mailbox import configured
    from casecli.handover.tracing_partner import export_request

    env = env_of(ctx)
    if (output is None) == (not to_mailbox):
        raise InvalidInput(_("tracing export: give --output FILE or --to-mailbox (one of them)"))
    with open_store(env) as store:
        target = configured(store) if to_mailbox or output is None else output
        sent = export_request(store, case, which, contact(store, to), target, env.today)
    console().print(
        _("Tracing request of {number} written for {to}: {path} (only what tracing needs; no case number).").format(
            number=sent["case_number"], to=sent["to"], path=sent["output"]
        )
    )


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(family_app, name="family")
app.add_typer(tracing_app, name="tracing")
