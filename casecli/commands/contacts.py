"""`casecli identity` and `contacts`: who you are, and the colleagues you exchange bundles with."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    JsonOption,
    command,
    console,
    emit,
    opened,
    print_json,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _
from casecli.ui.render import shown

contacts_app = typer.Typer(
    cls=CaseCliGroup, help=_("Colleagues you exchange bundles with: add, list, remove."), no_args_is_help=True
)


@command(contacts_app, "add")
def contacts_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("A short name for the colleague.")),
    identity_line: str = typer.Argument(
        ...,
        metavar="IDENTITY",
        help=_("Their `casecli identity` line, or the file `casecli identity --output` wrote (a USB stick)."),
    ),
) -> None:
    """Add a colleague's identity; compare the fingerprint with them (aloud, by phone) before trusting it.

    Example: casecli contacts add luis casecli1.eyJuIjoi…
    Example: casecli contacts add luis /media/usb/luis.id
    """
    from casecli.handover.identity import add_contact, line_from

    identity_line = line_from(identity_line)

    from casecli.ui.admin_views import standing_line

    with opened(ctx) as (_env, store):
        added, standing = add_contact(store, name, identity_line)
    console().print(
        _(
            "Added {name} ({person}, {agency}). Fingerprint: [bold]{fingerprint}[/bold] — compare it with theirs "
            "before sending them a case."
        ).format(name=shown(name), person=shown(added.name), agency=shown(added.agency), fingerprint=added.fingerprint)
    )
    console().print(standing_line(standing), markup=False)


@command(contacts_app, "list")
def contacts_list(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """List your contacts and their fingerprints.

    Example: casecli contacts list
    """
    from casecli.handover.identity import contacts
    from casecli.ui.admin_views import contacts_view

    with opened(ctx) as (_env, store):
        rows = contacts(store)
    emit(rows, as_json, contacts_view)


@command(contacts_app, "remove")
def contacts_remove(ctx: typer.Context, name: str = typer.Argument(...)) -> None:
    """Remove a contact.

    Example: casecli contacts remove luis
    """
    from casecli.handover.identity import remove_contact

    with opened(ctx) as (_env, store):
        remove_contact(store, name)
    console().print(_("Removed {name}.").format(name=name))


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py
app.add_typer(contacts_app, name="contacts")


@command(app, "identity")
def identity_cmd(
    ctx: typer.Context,
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help=_("Write the identity line to this file (e.g. on a USB stick)."),
        dir_okay=False,
    ),
    as_json: bool = JsonOption,
) -> None:
    """Print your public identity (one line to send to colleagues) and its fingerprint.

    Example: casecli identity
    Example: casecli identity --output /media/usb/ana.id
    """
    from casecli.fsutil import write_private_atomic
    from casecli.handover.identity import own

    with opened(ctx) as (_env, store):
        me = own(store)
    if as_json:
        print_json({"name": me.name, "agency": me.agency, "identity": me.line(), "fingerprint": me.fingerprint})
        return
    if output is not None:
        # Public by design (a name, an agency, public keys): no child data, so not sealed.
        output.parent.mkdir(parents=True, exist_ok=True)
        write_private_atomic(output, (me.line() + "\n").encode())
        console(stderr=True).print(_("Identity written to {path}.").format(path=shown(str(output))))
    else:
        print(me.line())
    console(stderr=True).print(
        _("{name}, {agency} — fingerprint [bold]{fingerprint}[/bold]").format(
            name=shown(me.name), agency=shown(me.agency), fingerprint=me.fingerprint
        )
    )
