"""`casecli approval request`, `approve`, `reject`, `approvals`: a supervisor's approval, offline."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import CaseArgument, JsonOption, command, console, emit, opened
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

approval_app = typer.Typer(
    cls=CaseCliGroup, help=_("Approval requests: send what waits to a supervisor."), no_args_is_help=True
)
OutputOption = typer.Option(None, "--output", "-o", help=_("The bundle file to write."), dir_okay=False)
ToMailboxOption = typer.Option(
    False, "--to-mailbox", help=_("Write the bundle into the recipient's inbox in the mailbox (`casecli mailbox set`).")
)


def _target(store, to_mailbox: bool, output: Path | None, default: str):
    """Where the bundle goes: the recipient's inbox in the mailbox, the file given, or a default name."""
    if to_mailbox:
        from casecli.handover.mailbox import configured

        return configured(store)
    return output or Path(default)


KindOption = typer.Option(
    None,
    "--kind",
    help=_(
        "Which request, when a case has several: plan_activation, closure, sharing_beyond_consent or"
        " handover_other_agency."
    ),
)


def _supervisor(store, name: str | None):
    from casecli.case.decisions.approvals import SUPERVISOR
    from casecli.errors import InvalidInput
    from casecli.handover.identity import contact, contacts

    if name:
        return contact(store, name)
    found = [c["name"] for c in contacts(store) if c["role"] == SUPERVISOR]
    if len(found) != 1:
        raise InvalidInput(
            _("--to: name the supervisor (your contacts whose identity says supervisor: {names})").format(
                names=", ".join(found) or _("none yet")
            )
        )
    return contact(store, found[0])


@command(approval_app, "request")
def request_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    to: str | None = typer.Option(None, "--to", help=_("The supervisor (a contact); the only one if not given.")),
    output: Path | None = OutputOption,
    kind: str | None = KindOption,
    to_mailbox: bool = ToMailboxOption,
) -> None:
    """Send a supervisor what waits for their approval, with a read-only copy of the case.

    Every request of the case that waits goes in the one copy (or only the one of --kind).

    Example: casecli approval request MX7-0042-R --to marta --output MX7-0042-R.request.bundle
    """
    from casecli.handover.approvals import request

    with opened(ctx) as (_env, store):
        supervisor = _supervisor(store, to)
        target = _target(store, to_mailbox, output, f"{case.upper()}.approval-request.bundle")
        sent = request(store, case, supervisor, target, _kind(kind))
    console().print(
        _("Approval requested from {to} for {number}: {path}. Import their decision when it comes.").format(
            to=sent["to"], number=sent["case_number"], path=sent["output"]
        )
    )


def _kind(kind: str | None) -> str | None:
    from casecli.case.decisions.approvals import KINDS
    from casecli.errors import InvalidInput

    code = None if kind is None else kind.strip().lower().replace("-", "_")
    if code is not None and code not in KINDS:
        raise InvalidInput(_("--kind: expected one of: {choices}").format(choices=", ".join(KINDS)))
    return code


def _decide(
    ctx, case: str, approved: bool, comment: str, output: Path | None, kind: str | None, to_mailbox: bool
) -> None:
    from casecli.handover.approvals import decide

    with opened(ctx) as (_env, store):
        target = _target(store, to_mailbox, output, f"{case.upper()}.decision.bundle")
        done = decide(store, case, approved, comment, target, _kind(kind))
    message = (
        _("Approved; the decision for {to} is in {path}.")
        if approved
        else _("Rejected; the decision for {to} is in {path}.")
    )
    console().print(message.format(to=done["to"], path=done["output"]))


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(approval_app, name="approval")


@command(app, "approve")
def approve_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    comment: str = typer.Option("", "--comment", help=_("A comment for the worker (recorded with the decision).")),
    output: Path | None = OutputOption,
    kind: str | None = KindOption,
    to_mailbox: bool = ToMailboxOption,
) -> None:
    """Approve what waits in a case a worker sent you; writes a signed decision for them.

    Example: casecli approve MX7-0042-R --comment "agreed in supervision"
    """
    _decide(ctx, case, True, comment, output, kind, to_mailbox)


@command(app, "reject")
def reject_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    comment: str = typer.Option(..., "--comment", help=_("Why (the worker reads it).")),
    output: Path | None = OutputOption,
    kind: str | None = KindOption,
    to_mailbox: bool = ToMailboxOption,
) -> None:
    """Reject what waits in a case a worker sent you, saying why; writes a signed decision for them.

    Example: casecli reject MX7-0042-R --comment "the placement needs a home visit first"
    """
    _decide(ctx, case, False, comment, output, kind, to_mailbox)


@command(app, "approvals")
def approvals_cmd(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """What waits for a supervisor's decision: your requests, and (a supervisor's) the requests sent to you.

    Example: casecli approvals
    """
    from casecli.case.decisions.approvals import waiting
    from casecli.handover.approvals import decided_here
    from casecli.store.trust import roles_certified
    from casecli.ui.notes_views import approvals_table, roles_not_certified

    with opened(ctx) as (_env, store):
        rows = [{**a, "decided_here": decided_here(store, a["uid"])} for a in waiting(store)]
        certified = roles_certified(store)
    emit(rows, as_json, approvals_table)
    if not as_json and not certified:
        console().print(roles_not_certified(), markup=False)
