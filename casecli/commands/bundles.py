"""`casecli export`, `send` and `import`: cases out in an encrypted, signed bundle (to a file or
into a colleague's mailbox inbox), and bundles in."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    AnswersOption,
    NoInputOption,
    answers_from,
    command,
    console,
    conversation,
    env_of,
    open_store,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, n_

# The options `export` and `send` share.
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


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


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
    primero: bool = typer.Option(
        False,
        "--primero",
        help=_(
            "Write the cases for the agency's Primero instead (its API's JSON, checked against its schema;"
            " plaintext, owner-only): a summary of every value left out comes first. With --all, closed"
            " cases of yours go too."
        ),
    ),
    schema: Path | None = typer.Option(
        None,
        "--schema",
        help=_("With --primero: the target instance's case schema (default: Primero's default configuration)."),
        dir_okay=False,
    ),
    notes: bool = typer.Option(
        False,
        "--notes",
        help=_("With --primero: carry what has no field in Primero (the child's words, plan versions …) as notes."),
    ),
    as_json: bool = typer.Option(False, "--json", help=_("With --primero: print the summary as JSON.")),
) -> None:
    """Put cases into an encrypted bundle signed by you, with a handover note.

    Only the recipients (your contacts named with --to, or whoever knows the bundle's
    passphrase) can open it, and they can check it came from you, unaltered and whole.

    With --handover your copy waits, read-only, for the receiver's receipt (`casecli import
    FILE.receipt`); if the bundle is lost, take it back with `casecli handover revoke`.
    A contact of another agency gets only cases whose consent allows other organisations,
    unless you record why with --override-reason.

    With --primero the cases go out in the shape of Primero v2's API (`POST /api/v2/cases`), for the
    agency's CPIMS+: see docs/primero.md for what goes where.

    Example: casecli export MX7-0042-R --to luis --handover --reason moving_location --output MX7-0042-R.bundle
    Example: casecli export --all --to luis --handover --reason organisational --output my-cases.bundle
    Example: casecli export --primero --all --output cases-primero.json
    """
    if primero:
        if to or handover or passphrase_file or use_passphrase or reason:
            from casecli.errors import InvalidInput

            raise InvalidInput(
                _(
                    "--primero: writes for Primero, to no contact: leave out --to, --handover, --reason and the passphrase"
                )
            )
        _export_primero(ctx, cases, output, everything, schema, notes, override_reason, as_json, no_input)
        return
    if schema is not None or notes or as_json:
        from casecli.errors import InvalidInput

        raise InvalidInput(_("--schema, --notes and --json go with --primero"))
    _export(
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


@command(app, "send")
def send_cmd(
    ctx: typer.Context,
    cases: list[str] | None = typer.Argument(None, help=_("Case numbers to send.")),
    to: list[str] = typer.Option(..., "--to", help=_("The contact whose inbox takes it (repeatable).")),
    everything: bool = EverythingOption,
    handover: bool = HandoverOption,
    reason: str | None = typer.Option(
        None, "--reason", help=_("Why the case is transferred (with --handover), as for `casecli export`.")
    ),
    override_reason: str | None = OverrideReasonOption,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
) -> None:
    """`casecli export` into the mailbox: the same wizard and bundle, written into each recipient's inbox.

    Their signed receipt comes back to your inbox (`casecli inbox import`); `casecli mailbox
    status` shows what was delivered and acknowledged.

    Example: casecli send MX7-0042-R --to luis --handover --reason moving_location
    Example: casecli send MX7-0042-R MX7-0043-K --to marta
    """
    from casecli.handover.mailbox import configured

    _export(ctx, cases, to, configured, everything, handover, reason, None, False, override_reason, answers, no_input)


def _import_primero(ctx: typer.Context, file: Path, yes: bool, new_child: bool, as_json: bool, no_input: bool) -> None:
    """`import --primero`: read Primero's export, show what comes in and what stays in Primero,
    then register the cases in one transaction."""
    import json
    from dataclasses import asdict

    from casecli.errors import InvalidInput
    from casecli.handover.primero.incoming import apply, plan, read_export
    from casecli.ui import prompts
    from casecli.ui.primero_views import primero_import_view

    env = env_of(ctx, no_input)
    out = console()
    records = read_export(file)  # before the passphrase: a file that is not one says so at once
    with open_store(env) as store:
        cases = plan(store, records, env.today)
        if not as_json:  # with --json, the cases are printed once imported (with their numbers)
            out.print(primero_import_view(cases, new_child))
        coming = [c for c in cases if c.refused is None and c.already is None and (new_child or not c.duplicates)]
        if not coming:
            if as_json:
                print(json.dumps([asdict(c) for c in cases], ensure_ascii=False))
            (console(stderr=True) if as_json else out).print(_("Nothing to import from Primero."))
            return
        if not yes:
            if not env.interactive:
                raise InvalidInput(_("import --primero: confirm with --yes (nothing was imported)"))
            if not prompts.confirm(
                n_("Import {count} case from Primero?", "Import {count} cases from Primero?", len(coming)).format(
                    count=len(coming)
                ),
                default=True,
            ):
                from casecli.errors import Cancelled

                raise Cancelled()
        taken = apply(store, cases, env.today, new_child)
    if as_json:
        print(json.dumps([asdict(c) for c in cases], ensure_ascii=False))
    (console(stderr=True) if as_json else out).print(
        n_(
            "{count} case imported from Primero: {numbers}.",
            "{count} cases imported from Primero: {numbers}.",
            len(taken),
        ).format(count=len(taken), numbers=", ".join(c.number or "" for c in taken)),
        markup=False,
    )


def _export_primero(
    ctx: typer.Context,
    cases: list[str] | None,
    output: Path,
    everything: bool,
    schema: Path | None,
    notes: bool,
    override_reason: str | None,
    as_json: bool,
    no_input: bool,
) -> None:
    """`export --primero`: check the consent, make every case's data and the summary, show it, then
    write the file and record the sharing in one transaction."""
    import json

    from casecli.fsutil import write_private_atomic
    from casecli.handover.primero.outgoing import cases_to_export, check_sharing, prepare, record_export
    from casecli.handover.primero.target import Target
    from casecli.plaintext import file_name
    from casecli.ui import prompts
    from casecli.ui.primero_views import primero_summary
    from casecli.ui.terminal import progress_bar

    env = env_of(ctx, no_input)
    out = console()
    target = Target(schema)
    with open_store(env) as store:
        numbers = cases_to_export(store, cases or [], everything)
        spent = check_sharing(store, numbers, override_reason)  # before anything is made
        with progress_bar() as progress:
            task = progress.add_task(_("Preparing the cases for Primero"), total=len(numbers))
            export = prepare(store, numbers, target, env.today, notes, lambda: progress.advance(task))
        summary = export.summary()
        if as_json:
            print(json.dumps(summary, ensure_ascii=False, default=str))
        else:
            out.print(primero_summary(summary))
        if env.interactive and not prompts.confirm(
            n_(
                "Write {count} case to {file} (plaintext, for Primero)?",
                "Write {count} cases to {file} (plaintext, for Primero)?",
                len(numbers),
            ).format(count=len(numbers), file=file_name(output.name)),
            default=True,
        ):
            from casecli.errors import Cancelled

            raise Cancelled()
        payload = (json.dumps(export.records, ensure_ascii=False, indent=1) + "\n").encode()
        with store.transaction():
            record_export(store, export, spent, override_reason, file_name(output.name))
            write_private_atomic(output, payload)  # inside: a file that cannot be written records nothing
    (console(stderr=True) if as_json else out).print(
        n_(
            "{count} case written for Primero: {path} (plaintext, readable only by you: send it and delete it).",
            "{count} cases written for Primero: {path} (plaintext, readable only by you: send it and delete it).",
            len(numbers),
        ).format(count=len(numbers), path=file_name(output)),
        markup=False,
    )


def _export(
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
    from casecli.ui.passphrase import bundle_passphrase
    from casecli.ui.terminal import progress_bar

    env = env_of(ctx, no_input)
    if not to and passphrase_file is None and not use_passphrase:
        raise InvalidInput(_("export: say who may open it: --to CONTACT, or --passphrase-file FILE"))
    out = console()
    with open_store(env) as store:
        output = output_for(store)
        recipients = [contact(store, name) for name in (to or [])]
        by_passphrase = bool(passphrase_file or use_passphrase)
        check_sharing(  # before any question
            store, cases or [], recipients, override_reason, everything, handover, by_passphrase
        )
        from casecli.store import settings

        passphrase = (
            bundle_passphrase(env, passphrase_file, True, settings.get(store, "passphrase.min_score"))
            if by_passphrase
            else None
        )
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
        note_form = load_form("handover-note")
        # A handover note goes with a handover; a copy carries one only if the answers file gives it
        # (at a terminal a copy asks none: the colleague consults, the case stays with the worker).
        wants_note = handover or any(f.id in given for f in note_form.fields)
        note = wizard.collect(note_form, env, given, console=out) if wants_note else {}
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
    count = len(result["cases"])
    done = (
        n_(
            "{count} case handed over to {to}: {path} (bundle {bundle}).",
            "{count} cases handed over to {to}: {path} (bundle {bundle}).",
            count,
        )
        if handover
        else n_(
            "{count} case copied for consultation to {to}: {path} (bundle {bundle}).",
            "{count} cases copied for consultation to {to}: {path} (bundle {bundle}).",
            count,
        )
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
    primero: bool = typer.Option(
        False,
        "--primero",
        help=_("FILE is Primero's JSON export: each case comes in as a new case of yours (its Primero id kept)."),
    ),
    new_child: bool = typer.Option(
        False,
        "--new-child",
        help=_("With --primero: take a case even where casecli finds a possible duplicate (you checked)."),
    ),
    as_json: bool = typer.Option(False, "--json", help=_("With --primero: print what comes in as JSON.")),
) -> None:
    """Check, show and import a bundle, in one transaction; a handover answers with a receipt.

    The signature is checked before anything is read; every record is validated; a case
    changed on both sides is never overwritten without your choice. Importing a handover
    writes a signed receipt for the sender; importing a receipt settles your pending handover.

    Example: casecli import MX7-0042-R.bundle
    Example: casecli import cases.bundle --trust-sender --yes --on-conflict keep-both
    Example: casecli import MX7-0042-R.bundle --refuse --reason "the child is not in our area"
    Example: casecli import MX7-0042-R.bundle.receipt
    Example: casecli import --primero primero-export.json
    """
    if primero:
        _import_primero(ctx, file, yes, new_child, as_json, no_input)
        return
    from casecli.handover.import_plan import answer_handover, conflict_action, plan_import
    from casecli.handover.receipts import receipt_path
    from casecli.handover.settle import CasesImported, receipt_beside, settle
    from casecli.ui.import_questions import questions
    from casecli.ui.import_views import case_progress, show_settled
    from casecli.ui.passphrase import bundle_passphrase

    env = env_of(ctx, no_input)
    conflict_action(on_conflict)  # a wrong word is refused before the passphrase is asked
    out = console()
    receipt_file = receipt or receipt_path(file)
    with open_store(env) as store:
        with case_progress(_("Checking the bundle")) as advance:
            plan = plan_import(
                store, file, env.today, lambda: bundle_passphrase(env, passphrase_file, new=False), on_conflict, advance
            )
        if refuse and plan.brings_cases and not plan.already_imported:  # answer_handover: handovers only
            answer_handover(store, plan, False, reason, receipt_file)
            out.print(
                _("Handover refused; nothing was imported. Give the sender the receipt: {path}").format(
                    path=receipt_file
                )
            )
            return
        with case_progress(_("Importing")) as advance:
            settled = settle(store, plan, env.today, questions(out, env, trust_sender, yes), advance)
        written = None
        if isinstance(settled, CasesImported) and settled.handover:
            written = receipt_beside(store, plan, receipt_file)
    show_settled(out, settled, file.name)
    if isinstance(settled, CasesImported) and settled.handover:
        if written is None:
            out.print(
                "[yellow]"
                + _("The cases were imported, but no receipt could be written: tell the sender you took them.")
                + "[/yellow]"
            )
        else:
            out.print(_("Give the sender the receipt (it tells them you took the case): {path}").format(path=written))
