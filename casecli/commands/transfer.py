"""`casecli import` (bundles and receipts) and `casecli handover list|revoke`: cases coming in, and
handovers sent that wait for the receiver's receipt."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import typer

from casecli.commands.common import (
    CaseArgument,
    JsonOption,
    NoInputOption,
    command,
    console,
    emit,
    env_of,
    open_store,
)
from casecli.commands.errors import CaseCliGroup
from casecli.commands.handover import bundle_passphrase
from casecli.i18n import _, format_time
from casecli.plaintext import visible
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


def print_decision(out, done: dict) -> None:
    from casecli.case.decisions.approvals import SHARING_KINDS, kind_words

    kind = kind_words(done["kind"])
    line = (
        _("{kind} of {number} approved by {by}.")
        if done["approved"]
        else _("{kind} of {number} rejected by {by}; the case stays as it was.")
    )
    out.print(line.format(kind=kind.capitalize(), number=done["case_number"], by=shown(done["by"])))
    if done["comment"]:
        out.print(_("Comment: {comment}").format(comment=shown(done["comment"])))
    if done["approved"] and done["kind"] in SHARING_KINDS:
        out.print(_("Write the bundle now: run the same `casecli export` again (the approval allows it once)."))


def print_receipt(out, incoming, done: dict[str, str]) -> None:
    reader = incoming.reader
    words = {
        "transferred": _("handover accepted: transferred"),
        "active_again": _("handover refused: active again here"),
        "already_settled": _("already settled: nothing changed"),
        "accepted_after_revoke": _("accepted after you revoked it: agree with them who keeps the case"),
        "not_a_recipient": _("not sent to them: nothing changed"),
        "unknown": _("no such handover here: nothing changed"),
        "acknowledged": _("received by them"),
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
        from casecli.handover.import_plan import (
            answer_handover,
            conflict_action,
            plan_import,
            settle_receipt,
        )
        from casecli.handover.receipts import receipt_path

        env = env_of(ctx, no_input)
        conflict_action(on_conflict)  # a wrong word is refused before the passphrase is asked
        out = console()
        with open_store(env) as store:
            with case_progress(out, _("Checking the bundle")) as advance:
                plan = plan_import(
                    store,
                    file,
                    env.today,
                    lambda: bundle_passphrase(env, passphrase_file, new=False),
                    on_conflict,
                    advance,
                )
            if plan.already_imported:
                out.print(_("{file} was imported (or refused) already: nothing changed.").format(file=file.name))
                return
            if plan.incoming.receipt is not None:
                print_receipt(out, plan.incoming, settle_receipt(store, plan))
                return
            if plan.incoming.tracing is not None:  # read only: nothing is written to this store
                from casecli.ui.tracing_views import tracing_request_view

                out.print(tracing_request_view(plan.incoming.reader, plan.incoming.tracing, plan.sender_known))
                return
            if plan.incoming.decision is not None:
                from casecli.handover.approvals import settle_decision

                decision, signature = plan.incoming.decision
                print_decision(out, settle_decision(store, plan.incoming.reader, decision, signature, env.today))
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
            outcomes = take_cases(out, env, store, plan, trust_sender, yes)
            written = write_receipt(out, store, plan, receipt_file) if plan.incoming.handover else None
        print_outcomes(out, outcomes)
        if plan.incoming.handover and written:
            out.print(_("Give the sender the receipt (it tells them you took the case): {path}").format(path=written))


def print_outcomes(out, outcomes: dict[str, str]) -> None:
    words = {
        "added": _("added"),
        "brought_forward": _("brought forward"),
        "replaced": _("replaced by theirs"),
        "kept_both": _("kept both (theirs for review)"),
        "unchanged": _("unchanged (you have the same or newer)"),
    }
    # Plain text, not markup (a case number comes from the bundle), one soft-wrapped block: rich
    # took 3 s to mark up and wrap the 8,829 lines of a large import, this 0.1 s.
    text = "\n".join(f"{visible(number)}: {words[outcome]}" for number, outcome in outcomes.items())
    out.print(text, markup=False, highlight=False, soft_wrap=True)


def take_cases(out, env, store, plan, trust_sender: bool, yes: bool) -> dict[str, str]:
    """What `import` asks of a bundle of cases (sender, conflicts, possible duplicates, confirm),
    then the import in one transaction; returns each case's outcome."""
    from casecli.errors import Cancelled, InvalidInput
    from casecli.handover.import_plan import apply_plan
    from casecli.ui import prompts

    bundle_summary(out, plan.incoming)
    if not plan.sender_known and not trust_sender:
        if not env.interactive:
            raise plan.unknown_sender()
        reader = plan.incoming.reader
        if not prompts.confirm(
            _("{sender} is not in your contacts. Have you checked the fingerprint {fingerprint} with them?").format(
                sender=shown(reader.sender_name), fingerprint=reader.fingerprint
            ),
            default=False,
        ):
            raise Cancelled(_("import cancelled: the sender was not confirmed; nothing was changed"))
    ask_conflicts(out, env, plan)
    ask_duplicates(out, env, plan)
    if not yes:
        if not env.interactive:
            raise InvalidInput(_("import: confirm with --yes (there is no terminal to ask at); nothing was changed"))
        if not prompts.confirm(_("Import now?"), default=True):
            raise Cancelled(_("import cancelled; nothing was changed"))
    with case_progress(out, _("Importing")) as advance:
        outcomes = apply_plan(store, plan, advance)
    return outcomes


def ask_conflicts(out, env, plan) -> None:
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


def ask_duplicates(out, env, plan) -> None:
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
def case_progress(out, description: str):
    """A progress bar over cases, on a terminal only; yields `advance(total)`."""
    from casecli.ui.terminal import progress_bar

    with progress_bar() as progress:
        task = progress.add_task(description, total=None)
        yield lambda total: progress.update(task, total=total, advance=1)


def bundle_summary(out, incoming) -> None:
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
            kind=kind, count=len(incoming.cases), date=shown(format_time(reader.header.get("created")))
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
