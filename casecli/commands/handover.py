"""`casecli handover list|revoke`: handovers you sent that wait for the receiver's receipt."""

from __future__ import annotations

import typer

from casecli.commands.common import (
    CaseArgument,
    JsonOption,
    command,
    console,
    emit,
    opened,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _
from casecli.ui.render import shown

handover_app = typer.Typer(
    cls=CaseCliGroup,
    help=_("Handovers you sent: which wait for a receipt, and taking one back (revoke)."),
    no_args_is_help=True,
)


@command(handover_app, "list")
def list_cmd(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """Handovers you sent that wait for the receiver's receipt, oldest first.

    Example: casecli handover list
    """
    from casecli.handover.pending import waiting
    from casecli.ui.admin_views import handovers_table

    with opened(ctx) as (env, store):
        rows = waiting(store, env.today)
    emit(rows, as_json, handovers_table)


@command(handover_app, "revoke")
def revoke_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    reason: str = typer.Option(..., "--reason", help=_("Why: e.g. the bundle was lost, or never arrived.")),
) -> None:
    """Take back a handover still waiting for its receipt: the case is yours and active again.

    Example: casecli handover revoke MX7-0042-R --reason "the USB stick was lost"
    """
    from casecli.handover.pending import revoke

    with opened(ctx) as (_env, store):
        revoked = revoke(store, case, reason)
    console().print(
        _("The handover of {number} to {to} is revoked; the case is active here again.").format(
            number=revoked["case_number"], to=shown(revoked["to"])
        )
    )


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py
app.add_typer(handover_app, name="handover")
