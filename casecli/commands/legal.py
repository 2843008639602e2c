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
    collect_form,
    command,
    console,
    emit,
    emit_case_rows,
    env_of,
    open_store,
    opened,
    record_on_case,
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
    from casecli.case.legal.asylum import add_claim

    number, saved = record_on_case(ctx, case, no_input, ("asylum", discard_draft), "asylum-claim", answers, add_claim)
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
        saved = collect_form(
            env,
            store,
            (f"asylum step {claim['number']}", number, discard_draft),
            "asylum-step",
            answers,
            lambda clean: add_step(store, number, which, clean, env.today),
            rules=lambda clean: step_problems(claim, clean, env.today),
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


incident_app = typer.Typer(
    cls=CaseCliGroup,
    help=_("Incidents, violations of the child's rights: add, report, not-reported, list, show."),
    no_args_is_help=True,
)
IncidentOption = typer.Option(
    None,
    "--incident",
    help=_(
        "Which incident (its number in `casecli incident list`); the only one (or the only unreported) if not given."
    ),
)


@command(incident_app, "add")
def incident_add(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record an incident: when and where, the type of violence, who the perpetrator is to the
    child, whether the child is still at risk, to whom it was reported (or not yet), the child's
    words. The case's risk rises to at least medium (high while the child is still at risk).

    Example: casecli incident add MX7-0042-R
    """
    from casecli.case.legal.incidents import add_incident

    number, saved = record_on_case(
        ctx, case, no_input, ("incident add", discard_draft), "incident", answers, add_incident
    )
    out = console()
    out.print(_("Incident {n} recorded for {number}.").format(n=saved["number"], number=number))
    if saved["risk_raised_to"]:
        from casecli.forms.labels import label

        out.print(_("The case's risk is now {risk}.").format(risk=label(saved["risk_raised_to"])))
    if saved["unreported"]:
        out.print(
            _(
                "The law asks for it to be reported at once: record the report with `casecli incident report {number}`"
                " (it is on the agenda today; the case does not close until then)."
            ).format(number=number)
        )


@command(incident_app, "report")
def incident_report(
    ctx: typer.Context,
    case: str = CaseArgument,
    which: int | None = IncidentOption,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record that an incident was reported to the authority: to whom, when, its reference.

    Example: casecli incident report MX7-0042-R --incident 2
    """
    from casecli.case.legal.incidents import add_report, the_incident

    with opened(ctx, no_input) as (env, store):
        number, incident = the_incident(store, case, which)  # before any question
        saved = collect_form(
            env,
            store,
            (f"incident report {incident['number']}", number, discard_draft),
            "incident-report",
            answers,
            lambda clean: add_report(store, number, incident["number"], clean),
        )
    console().print(_("Incident {n} of {number}: reported.").format(n=saved["number"], number=number))


@command(incident_app, "not-reported")
def incident_not_reported(
    ctx: typer.Context,
    case: str = CaseArgument,
    which: int | None = IncidentOption,
    reason: str = typer.Option(..., "--reason", help=_("Why it is not reported to the authority (recorded).")),
) -> None:
    """Record why an incident is not reported, and ask a supervisor to approve it (only an approved
    reason lets the case close with the incident unreported).

    Example: casecli incident not-reported MX7-0042-R --reason "Reported by the shelter; its reference pending"
    """
    from casecli.case.decisions.waivers import ask_not_reporting

    env = env_of(ctx)
    with open_store(env) as store:
        saved = ask_not_reporting(store, case, which, reason)
    console().print(
        _(
            "The reason for not reporting incident {n} awaits a supervisor's approval: `casecli approval request {number}`."
        ).format(n=saved["number"], number=saved["case_number"])
    )


@command(incident_app, "list")
def incident_list(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
    """A case's incidents: when, the type of violence, reported or not.

    Example: casecli incident list MX7-0042-R
    """
    from casecli.case.legal.incidents import incidents_of
    from casecli.ui.legal_views import incidents_table

    emit_case_rows(ctx, case, as_json, incidents_of, incidents_table)


@command(incident_app, "show")
def incident_show(
    ctx: typer.Context,
    case: str = CaseArgument,
    which: int | None = typer.Argument(
        None, metavar="[N]", help=_("Its number (see list); the only one if not given.")
    ),
    as_json: bool = JsonOption,
) -> None:
    """One incident in full, with its reports.

    Example: casecli incident show MX7-0042-R 1
    """
    from casecli.case.legal.incidents import the_incident
    from casecli.ui.legal_views import incident_view

    env = env_of(ctx)
    with open_store(env) as store:
        number, incident = the_incident(store, case, which)
    emit(incident, as_json, lambda value: incident_view(number, value))


authority_app = typer.Typer(
    cls=RecordGroup,
    help=_(
        "The child-protection authority: `casecli authority CASE` records its notification; plan (the"
        " restitution plan), measure, list."
    ),
    no_args_is_help=True,
)


@command(authority_app, "add")
def authority_add(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record the notification of the child-protection authority (the Procuraduría de Protección):
    which one, office, date, how, reference, who notified. The restitution plan is then due.

    Example: casecli authority MX7-0042-R
    """
    from casecli.case.legal.authority import add_notification

    number, _saved = record_on_case(
        ctx, case, no_input, ("authority", discard_draft), "authority-notification", answers, add_notification
    )
    console().print(
        _(
            "Notification recorded for {number}. Record the restitution plan with `casecli authority plan {number}`."
        ).format(number=number)
    )


@command(authority_app, "plan")
def authority_plan(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record the plan for the restitution of rights the authority issued: when, by whom, its
    reference and the measures it orders (one per line). Each measure joins the next plan version
    as an action, or is marked as carried by another (`authority measure`).

    Example: casecli authority plan MX7-0042-R --answers restitution.json
    """
    from casecli.case.legal.authority import add_restitution_plan

    number, saved = record_on_case(
        ctx, case, no_input, ("authority plan", discard_draft), "restitution-plan", answers, add_restitution_plan
    )
    console().print(
        _(
            "Restitution plan recorded for {number} ({count} measures): the next `casecli plan edit {number}` takes"
            " them up as actions."
        ).format(number=number, count=saved["measures"])
    )


@command(authority_app, "measure")
def authority_measure(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Mark a measure of the restitution plan as carried by another institution, with whom: the
    plan then need not take it up.

    Example: casecli authority measure MX7-0042-R
    """
    from casecli.case.legal.authority import mark_elsewhere

    number, saved = record_on_case(
        ctx, case, no_input, ("authority measure", discard_draft), "restitution-elsewhere", answers, mark_elsewhere
    )
    console().print(
        _("Measure {n} of the restitution plan of {number}: carried by another.").format(
            n=saved["measure"], number=number
        )
    )


@command(authority_app, "list")
def authority_list(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
    """The authority's step of a case: its notifications and the restitution plans with their measures.

    Example: casecli authority list MX7-0042-R --json
    """
    from casecli.case.file.lookup import resolve
    from casecli.case.legal.authority import authority_of
    from casecli.ui.legal_views import authority_view

    env = env_of(ctx)
    with open_store(env) as store:
        number = resolve(store, case)
        record = authority_of(store, number)
    emit(record, as_json, lambda value: authority_view(number, value))


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py
app.add_typer(asylum_app, name="asylum")
app.add_typer(incident_app, name="incident")
app.add_typer(authority_app, name="authority")


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
        collect_form(
            env,
            store,
            ("age-assessment", number, discard_draft),
            "age-assessment",
            answers,
            lambda clean: record(store, number, clean),
            rules=problems,
        )
    console().print(
        _("Age assessment recorded for {number}: the age rules now read its outcome.").format(number=number)
    )
