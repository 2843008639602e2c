"""`casecli identity`, `contacts`, `export`, `import`: handing cases over, carefully."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import typer

from casecli.commands.common import (
    AnswersOption,
    JsonOption,
    NoInputOption,
    answers_from,
    command,
    console,
    emit,
    env_of,
    open_store,
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


def _bundle_passphrase(env, passphrase_file: Path | None, new: bool):
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
    def identity_cmd(ctx: typer.Context, as_json: bool = JsonOption) -> None:
        """Print your public identity (one line to send to colleagues) and its fingerprint.

        Example: casecli identity
        """
        from casecli.handover.identity import own

        env = env_of(ctx)
        with open_store(env) as store:
            me = own(store)
        if as_json:
            print_json({"name": me.name, "agency": me.agency, "identity": me.line(), "fingerprint": me.fingerprint})
            return
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
        everything: bool = typer.Option(False, "--all", help=_("Every open case of yours (e.g. when leaving).")),
        handover: bool = typer.Option(
            False,
            "--handover",
            help=_("Transfer responsibility: your copy becomes read-only, pending the receiver's receipt."),
        ),
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
        answers: Path | None = AnswersOption,
        no_input: bool = NoInputOption,
    ) -> None:
        """Put cases into an encrypted bundle signed by you, with a handover note.

        Only the recipients (your contacts named with --to, or whoever knows the bundle's
        passphrase) can open it, and they can check it came from you, unaltered and whole.

        With --handover your copy waits, read-only, for the receiver's receipt (`casecli import
        FILE.receipt`); if the bundle is lost, take it back with `casecli handover revoke`.

        Example: casecli export MX7-0042-R --to luis --handover --reason moving_location --output MX7-0042-R.bundle
        Example: casecli export --all --to luis --handover --reason organisational --output my-cases.bundle
        """
        from rich.progress import Progress

        from casecli.errors import InvalidInput
        from casecli.forms import load_form
        from casecli.handover.identity import contact
        from casecli.handover.outgoing import export
        from casecli.ui import wizard

        env = env_of(ctx, no_input)
        if not to and passphrase_file is None and not use_passphrase:
            raise InvalidInput(_("export: say who may open it: --to CONTACT, or --passphrase-file FILE"))
        out = console()
        with open_store(env) as store:
            recipients = [contact(store, name) for name in (to or [])]
            passphrase = (
                _bundle_passphrase(env, passphrase_file, new=True) if (passphrase_file or use_passphrase) else None
            )
            given = answers_from(answers)
            transfer_form = load_form("handover-transfer")
            # One answers file holds the note and, for a handover, the transfer's reason.
            transfer_given = {f.id: given.pop(f.id) for f in transfer_form.fields if f.id in given}
            if reason is not None:
                transfer_given["transfer_reason"] = reason
            if not handover and reason is not None:
                raise InvalidInput(_("--reason: a reason for the transfer goes with --handover"))
            transfer = wizard.collect(transfer_form, env, transfer_given, console=out) if handover else None
            note = wizard.collect(load_form("handover-note"), env, given, console=out)
            count = len(cases or []) if not everything else None
            with Progress(console=out, transient=True, disable=not out.is_terminal) as progress:
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
                )
        done = (
            _("{count} case(s) handed over to {to}: {path} (bundle {bundle}).")
            if handover
            else _("{count} case(s) copied for consultation to {to}: {path} (bundle {bundle}).")
        )
        out.print(
            done.format(count=len(result["cases"]), to=result["to"], path=output, bundle=result["bundle_id"][:12])
        )
        if handover:
            out.print(
                _(
                    "Your copy is read-only, pending their receipt: import it when it comes"
                    " (`casecli import FILE.receipt`); if the bundle is lost, `casecli handover revoke`."
                )
            )

    @command(app, "import")
    def import_cmd(
        ctx: typer.Context,
        file: Path = typer.Argument(..., help=_("The bundle file."), dir_okay=False),
        trust_sender: bool = typer.Option(
            False,
            "--trust-sender",
            help=_("Accept a sender who is not in your contacts (compare the fingerprint first)."),
        ),
        yes: bool = typer.Option(False, "--yes", help=_("Confirm the import without being asked.")),
        on_conflict: str | None = typer.Option(
            None, "--on-conflict", help=_("For cases changed on both sides: keep-local, take-theirs or keep-both.")
        ),
        passphrase_file: Path | None = typer.Option(
            None, "--passphrase-file", help=_("The bundle's passphrase, if it has one."), dir_okay=False
        ),
        receipt: Path | None = typer.Option(
            None,
            "--receipt",
            help=_("Where to write the receipt of a handover (default: beside the bundle, FILE.receipt)."),
            dir_okay=False,
        ),
        refuse: bool = typer.Option(
            False, "--refuse", help=_("Refuse a handover: nothing is imported; a refused receipt goes back.")
        ),
        reason: str = typer.Option("", "--reason", help=_("Why the handover is refused (with --refuse).")),
        no_input: bool = NoInputOption,
    ) -> None:
        """Check, show and import a bundle, in one transaction; a handover answers with a receipt.

        The signature is checked before anything is read; every record is validated; a case
        changed on both sides is never overwritten without your choice. Importing a handover
        writes a signed receipt for the sender; importing a receipt settles your pending handover.

        Example: casecli import MX7-0042-R.bundle
        Example: casecli import cases.bundle --trust-sender --yes --on-conflict keep-both
        Example: casecli import MX7-0042-R.bundle --refuse --reason "the child is not in our area"
        Example: casecli import MX7-0042-R.bundle.receipt
        """
        from casecli.commands.transfer import print_receipt, write_receipt
        from casecli.errors import BundleRejected, InvalidInput
        from casecli.handover.import_plan import (
            answer_handover,
            apply_plan,
            conflict_action,
            plan_import,
            settle_receipt,
        )
        from casecli.handover.receipts import receipt_path
        from casecli.ui import prompts

        env = env_of(ctx, no_input)
        conflict_action(on_conflict)  # a wrong word is refused before the passphrase is asked
        out = console()
        with open_store(env) as store:
            with _case_progress(out, _("Checking the bundle")) as advance:
                plan = plan_import(
                    store,
                    file,
                    env.today,
                    lambda: _bundle_passphrase(env, passphrase_file, new=False),
                    on_conflict,
                    advance,
                )
            if plan.already_imported:
                out.print(_("{file} was imported (or refused) already: nothing changed.").format(file=file.name))
                return
            if plan.incoming.receipt is not None:
                print_receipt(out, plan.incoming, settle_receipt(store, plan))
                return
            receipt_file = receipt or receipt_path(file)
            if refuse:
                answer_handover(store, plan, False, reason, receipt_file)
                out.print(
                    _("Handover refused; nothing was imported. Give the sender the receipt: {path}").format(
                        path=receipt_file
                    )
                )
                return
            _summary(out, plan.incoming)
            if not plan.sender_known and not trust_sender:
                if not env.interactive:
                    raise plan.unknown_sender()
                reader = plan.incoming.reader
                if not prompts.confirm(
                    _(
                        "{sender} is not in your contacts. Have you checked the fingerprint {fingerprint} with them?"
                    ).format(sender=shown(reader.sender_name), fingerprint=reader.fingerprint),
                    default=False,
                ):
                    raise BundleRejected(_("import cancelled: the sender was not confirmed; nothing was changed"))
            _ask_conflicts(out, env, plan)
            _ask_duplicates(out, env, plan)
            if not yes:
                if not env.interactive:
                    raise InvalidInput(
                        _("import: confirm with --yes (there is no terminal to ask at); nothing was changed")
                    )
                if not prompts.confirm(_("Import now?"), default=True):
                    raise BundleRejected(_("import cancelled; nothing was changed"))
            with _case_progress(out, _("Importing")) as advance:
                outcomes = apply_plan(store, plan, advance)
            written = write_receipt(out, store, plan, receipt_file) if plan.incoming.handover else None
        words = {
            "added": _("added"),
            "brought_forward": _("brought forward"),
            "replaced": _("replaced by theirs"),
            "kept_both": _("kept both (theirs for review)"),
            "unchanged": _("unchanged (you have the same or newer)"),
        }
        out.print("\n".join(f"{number}: {words[outcome]}" for number, outcome in outcomes.items()))
        if plan.incoming.handover and written:
            out.print(_("Give the sender the receipt (it tells them you took the case): {path}").format(path=written))


def _ask_conflicts(out, env, plan) -> None:
    """Show each diverged case; ask what to do where `--on-conflict` did not say."""
    from casecli.ui import prompts

    for case in plan.diverged:
        out.print(
            "[yellow]"
            + _("{number} was changed on both sides since you last shared it.").format(number=case.number)
            + "[/yellow]"
        )
        out.print(
            "\n".join(
                ["  " + _("here only:") + "   " + shown(line) for line in case.local_only]
                + ["  " + _("theirs only:") + " " + shown(line) for line in case.theirs_only]
            )
        )
    if not env.interactive:
        plan.require_decided()
    for number in plan.undecided:
        plan.choices[number] = prompts.select(
            _("What to do with {number}?").format(number=number),
            [
                (_("Keep my version (ignore theirs)"), "keep_local"),
                (_("Take their version (mine is replaced)"), "take_theirs"),
                (_("Keep both: mine stays, theirs is kept aside for review"), "keep_both"),
            ],
        )


def _ask_duplicates(out, env, plan) -> None:
    """Say which new cases may be children registered here already; ask whether they are the same."""
    from casecli.ui import prompts

    for number, matches in plan.possible_duplicates.items():
        numbers = ", ".join(matches)
        out.print(
            "[yellow]"
            + _("{number} may be a child already registered here: {numbers}").format(number=number, numbers=numbers)
            + "[/yellow]"
        )
        if (
            env.interactive
            and prompts.select(
                _("Is {number} the same child as {numbers}?").format(number=number, numbers=numbers),
                [(_("No, another child"), "new"), (_("Yes, the same child (record it; nothing is merged)"), "same")],
            )
            == "same"
        ):
            plan.same_child[number] = matches


@contextmanager
def _case_progress(out, description: str):
    """A progress bar over cases, on a terminal only; yields `advance(total)`."""
    from rich.progress import Progress

    with Progress(console=out, transient=True, disable=not out.is_terminal) as progress:
        task = progress.add_task(description, total=None)
        yield lambda total: progress.update(task, total=total, advance=1)


def _summary(out, incoming) -> None:
    reader = incoming.reader
    known = (
        _("your contact {name}").format(name=shown(incoming.known_sender))
        if incoming.known_sender
        else "[yellow]" + _("NOT in your contacts") + "[/yellow]"
    )
    kind = (
        _("HANDOVER (you become the case worker)") if incoming.handover else _("copy for consultation (read-only here)")
    )
    out.print(
        _("Bundle from [bold]{sender}[/bold], {agency} — fingerprint {fingerprint} — {known}").format(
            sender=shown(reader.sender_name),
            agency=shown(reader.sender_agency),
            fingerprint=shown(reader.fingerprint),
            known=known,
        )
    )
    out.print(
        _("{kind}; {count} case(s); made {date}").format(
            kind=kind, count=len(incoming.cases), date=shown(str(reader.header.get("created", "?"))[:16])
        )
    )
    note = incoming.meta.get("note") or {}
    for key, label in (
        ("key_concerns", _("Key concerns")),
        ("upcoming_dates", _("Upcoming dates")),
        ("child_told", _("What the child was told")),
    ):
        if note.get(key):
            out.print(f"  {label}: {shown(note[key])}")
    names = {
        "new": _("new here"),
        "same_or_older": _("you have this or newer"),
        "continues": _("newer than yours"),
        "diverged": _("changed on both sides"),
    }
    # one print for all the cases: rich parses each call's markup, which a large bundle feels
    out.print(
        "\n".join(
            f"  {shown(number)}  {shown(case.child_name)}  — {names[case.decision]}"
            for number, case in sorted(incoming.cases.items())
        )
    )
