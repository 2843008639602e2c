"""`casecli roster import|show`: the agency's signed word on who is a member, in which role."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import JsonOption, command, console, opened, print_json
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

roster_app = typer.Typer(
    cls=CaseCliGroup,
    help=_("The agency's roster (members and roles, signed by the agency): import, show."),
    no_args_is_help=True,
)


@command(roster_app, "import")
def roster_import(
    ctx: typer.Context,
    file: Path | None = typer.Argument(
        None, help=_("The roster file (default: the mailbox's agency/roster.json)."), dir_okay=False
    ),
) -> None:
    """Adopt the agency's roster, if the agency key you added signed it and it is newer than yours.

    Example: casecli roster import /media/usb/roster.json
    Example: casecli roster import
    """
    from casecli.handover import roster
    from casecli.handover.mailbox import configured

    with opened(ctx) as (_env, store):
        path = file if file is not None else configured(store).roster_file()
        outcome, known = roster.from_file(store, path)
    words = {
        "adopted": _("Roster {number} of {agency} adopted: roles and agency now come from it."),
        "known": _("Roster {number} of {agency} is the one you have."),
        "older": _("That roster is older than yours (number {number} of {agency}): nothing changed."),
    }
    console().print(words[outcome].format(number=known.number, agency=known.agency), markup=False)


@command(roster_app, "show")
def roster_show(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """The roster this store follows: its number, members, roles and revocations.

    Example: casecli roster show
    """
    from casecli.handover import roster
    from casecli.ui.admin_views import roster_view

    with opened(ctx) as (_env, store):
        known = roster.current(store)
        pinned = roster.pinned(store) is not None
    if as_json:
        print_json(known.doc if known is not None else None)
        return
    console().print(roster_view(known, pinned))


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py
app.add_typer(roster_app, name="roster")
