"""`casecli handover list|revoke`: handovers waiting for the receiver's receipt, and the receipts themselves."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import CaseArgument, JsonOption, command, console, emit, env_of, open_store
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

    env = env_of(ctx)
    with open_store(env) as store:
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

    env = env_of(ctx)
    with open_store(env) as store:
        revoked = revoke(store, case, reason)
    console().print(
        _("The handover of {number} to {to} is revoked; the case is active here again.").format(
            number=revoked["case_number"], to=shown(revoked["to"])
        )
    )


def write_receipt(out, store, plan, path: Path) -> Path | None:
    """The accepted receipt, beside the bundle or else in the current folder; the import stands either way."""
    from casecli.errors import CaseCliError
    from casecli.handover.import_plan import answer_handover

    for target in dict.fromkeys((path, Path.cwd() / path.name)):
        try:
            answer_handover(store, plan, True, "", target)
            return target
        except (OSError, CaseCliError):
            continue
    out.print(
        "[yellow]"
        + _("The cases were imported, but no receipt could be written: tell the sender you took them.")
        + "[/yellow]"
    )
    return None


def print_receipt(out, incoming, done: dict[str, str]) -> None:
    reader = incoming.reader
    words = {
        "transferred": _("handover accepted: transferred"),
        "active_again": _("handover refused: active again here"),
        "already_settled": _("already settled: nothing changed"),
        "accepted_after_revoke": _("accepted after you revoked it: agree with them who keeps the case"),
        "not_a_recipient": _("not sent to them: nothing changed"),
        "unknown": _("no such handover here: nothing changed"),
    }
    out.print(
        _("Receipt from [bold]{sender}[/bold] ({fingerprint})").format(
            sender=shown(reader.sender_name), fingerprint=reader.fingerprint
        )
    )
    reason = (incoming.receipt or {}).get("reason")
    if reason:
        out.print("  " + _("Reason: {reason}").format(reason=shown(reason)))
    out.print("\n".join(f"{shown(number)}: {words[what]}" for number, what in sorted(done.items())))


def register(app: typer.Typer) -> None:
    app.add_typer(handover_app, name="handover")
