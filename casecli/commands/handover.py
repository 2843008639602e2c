"""`casecli identity`, `contacts`, `export`, `import`: handing cases over, carefully."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    AnswersOption,
    JsonOption,
    NoInputOption,
    answers_from,
    command,
    console,
    conversation,
    emit,
    env_of,
    open_store,
    print_json,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _
from casecli.ui.render import shown

# The options `export` and `send` share.
EverythingOption = typer.Option(False, "--all", help=_("Every open case of yours (e.g. when leaving)."))
HandoverOption = typer.Option(
    False, "--handover", help=_("Transfer responsibility: your copy becomes read-only, pending the receiver's receipt.")
)
OverrideReasonOption = typer.Option(
    None,
    "--override-reason",
    help=_("Share with another agency beyond the consent in force, and why (recorded in the case)."),
)

contacts_app = typer.Typer(
    cls=CaseCliGroup, help=_("Colleagues you exchange bundles with: add, list, remove."), no_args_is_help=True
)


@command(contacts_app, "add")
def contacts_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("A short name for the colleague.")),
    identity_line: str = typer.Argument(..., metavar="IDENTITY", help=_("Their `casecli identity` line.")),
) -> None:
    """Add a colleague's identity; compare the fingerprint with them (aloud, by phone) before trusting it.

    Example: casecli contacts add luis casecli1.eyJuIjoi…
    """
    from casecli.handover.identity import add_contact

    env = env_of(ctx)
    with open_store(env) as store:
        added = add_contact(store, name, identity_line)
    console().print(
        _(
            "Added {name} ({person}, {agency}). Fingerprint: [bold]{fingerprint}[/bold] — compare it with theirs "
            "before sending them a case."
        ).format(name=shown(name), person=shown(added.name), agency=shown(added.agency), fingerprint=added.fingerprint)
    )


@command(contacts_app, "list")
def contacts_list(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """List your contacts and their fingerprints.

    Example: casecli contacts list
    """
    from casecli.handover.identity import contacts
    from casecli.ui.admin_views import contacts_view

    env = env_of(ctx)
    with open_store(env) as store:
        rows = contacts(store)
    emit(rows, as_json, contacts_view)


@command(contacts_app, "remove")
def contacts_remove(ctx: typer.Context, name: str = typer.Argument(...)) -> None:
    """Remove a contact.

    Example: casecli contacts remove luis
    """
    from casecli.handover.identity import remove_contact

    env = env_of(ctx)
    with open_store(env) as store:
        remove_contact(store, name)
    console().print(_("Removed {name}.").format(name=name))


def bundle_passphrase(env, passphrase_file: Path | None, new: bool):
    from casecli.ui import prompts
    from casecli.ui.passphrase import MIN_LENGTH, check_new, read_secret_file

    if passphrase_file is not None:
        text = read_secret_file(passphrase_file, "--passphrase-file")
        if new and check_new(text):
            from casecli.errors import InvalidInput

            raise InvalidInput(_("bundle passphrase: expected at least {count} characters").format(count=MIN_LENGTH))
        return text
    from casecli.errors import InvalidInput

    if not env.interactive:
        raise InvalidInput(_("bundle passphrase: give --passphrase-file FILE (there is no terminal to ask at)"))
    if new:
        from casecli.ui.passphrase import new_passphrase

        # Never the store's passphrase variables: a bundle's passphrase is its own, asked twice.
        return new_passphrase(env, message=_("Choose a passphrase for this bundle"), from_environment=False)
    return prompts.password(_("Bundle passphrase:"))


def register(app: typer.Typer) -> None:
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

        env = env_of(ctx)
        with open_store(env) as store:
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

    @command(app, "export")
    def export_cmd(
        ctx: typer.Context,
        cases: list[str] | None = typer.Argument(None, help=_("Case numbers to export.")),
        to: list[str] | None = typer.Option(None, "--to", help=_("A contact who may open it (repeatable).")),
        output: Path = typer.Option(..., "--output", "-o", help=_("The bundle file to write."), dir_okay=False),
        everything: bool = EverythingOption,
        handover: bool = HandoverOption,
        reason: str | None = typer.Option(
            None,
            "--reason",
            help=_(
                "Why the case is transferred (with --handover): specialised_services, moving_location, "
                "organisational, relocation_protection, turned_18_needs_protection or other."
            ),
        ),
        passphrase_file: Path | None = typer.Option(
            None,
            "--passphrase-file",
            help=_("For a recipient with no identity yet: protect the bundle with the passphrase in this file."),
            dir_okay=False,
        ),
        use_passphrase: bool = typer.Option(
            False, "--with-passphrase", help=_("Protect the bundle with a passphrase typed at the prompt.")
        ),
        override_reason: str | None = OverrideReasonOption,
        answers: Path | None = AnswersOption,
        no_input: bool = NoInputOption,
    ) -> None:
        """Put cases into an encrypted bundle signed by you, with a handover note.

        Only the recipients (your contacts named with --to, or whoever knows the bundle's
        passphrase) can open it, and they can check it came from you, unaltered and whole.

        With --handover your copy waits, read-only, for the receiver's receipt (`casecli import
        FILE.receipt`); if the bundle is lost, take it back with `casecli handover revoke`.
        A contact of another agency gets only cases whose consent allows other organisations,
        unless you record why with --override-reason.

        Example: casecli export MX7-0042-R --to luis --handover --reason moving_location --output MX7-0042-R.bundle
        Example: casecli export --all --to luis --handover --reason organisational --output my-cases.bundle
        """
        run_export(
            ctx,
            cases,
            to,
            lambda _store: output,
            everything,
            handover,
            reason,
            passphrase_file,
            use_passphrase,
            override_reason,
            answers,
            no_input,
        )


def run_export(
    ctx: typer.Context,
    cases: list[str] | None,
    to: list[str] | None,
    output_for,
    everything: bool,
    handover: bool,
    reason: str | None,
    passphrase_file: Path | None,
    use_passphrase: bool,
    override_reason: str | None,
    answers: Path | None,
    no_input: bool,
) -> dict:
    """`export`'s wizard and bundle, for `export` (a file) and `send` (the mailbox):
    `output_for(store)` says where the bundle goes."""
    from casecli.errors import InvalidInput
    from casecli.forms import load_form
    from casecli.handover.identity import contact
    from casecli.handover.outgoing import check_sharing, export
    from casecli.ui import wizard
    from casecli.ui.terminal import progress_bar

    env = env_of(ctx, no_input)
    if not to and passphrase_file is None and not use_passphrase:
        raise InvalidInput(_("export: say who may open it: --to CONTACT, or --passphrase-file FILE"))
    out = console()
    with open_store(env) as store:
        output = output_for(store)
        recipients = [contact(store, name) for name in (to or [])]
        check_sharing(store, cases or [], recipients, override_reason, everything, handover)  # before any question
        passphrase = bundle_passphrase(env, passphrase_file, new=True) if (passphrase_file or use_passphrase) else None
        given = answers_from(answers)
        transfer_form = load_form("handover-transfer")
        # One answers file holds the note and, for a handover, the transfer's reason.
        transfer_given = {f.id: given.pop(f.id) for f in transfer_form.fields if f.id in given}
        if reason is not None:
            from casecli.forms.words import code_for, spellings_of_choices

            transfer_given["transfer_reason"] = code_for(
                "--reason", reason, spellings_of_choices("handover-transfer", "transfer_reason")
            )
        if not handover and reason is not None:
            raise InvalidInput(_("--reason: a reason for the transfer goes with --handover"))
        transfer = wizard.collect(transfer_form, env, transfer_given, console=conversation()) if handover else None
        note = wizard.collect(load_form("handover-note"), env, given, console=out)
        count = len(cases or []) if not everything else None
        with progress_bar() as progress:
            task = progress.add_task(_("Writing the bundle"), total=count)
            result = export(
                store,
                output,
                cases or [],
                everything,
                recipients,
                passphrase,
                handover,
                note,
                lambda: progress.advance(task),
                transfer=transfer,
                override=override_reason,
            )
    done = (
        _("{count} case(s) handed over to {to}: {path} (bundle {bundle}).")
        if handover
        else _("{count} case(s) copied for consultation to {to}: {path} (bundle {bundle}).")
    )
    out.print(
        done.format(count=len(result["cases"]), to=result["to"], path=result["output"], bundle=result["bundle_id"][:12])
    )
    if handover and isinstance(output, Path):
        out.print(
            _(
                "Your copy is read-only, pending their receipt: import it when it comes"
                " (`casecli import FILE.receipt`); if the bundle is lost, `casecli handover revoke`."
            )
        )
    elif handover:
        out.print(
            _(
                "Your copy is read-only, pending their receipt: it comes back to your inbox"
                " (`casecli inbox import`); if the bundle is lost, `casecli handover revoke`."
            )
        )
    return result
