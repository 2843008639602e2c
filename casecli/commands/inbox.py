"""`casecli inbox [import]`: what arrived in my mailbox inbox, and importing it as `import` does."""

from __future__ import annotations

from collections import Counter

import typer

from casecli.commands.common import JsonOption, NoInputOption, command, console, emit, env_of, open_store, opened
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _
from casecli.ui.render import shown

inbox_app = typer.Typer(cls=CaseCliGroup, no_args_is_help=False)


@inbox_app.callback(
    invoke_without_command=True,
    help=_(
        "What arrived in your mailbox inbox (sender, kind, cases, date), without importing it.\n\n"
        "Example: casecli inbox\n\nExample: casecli inbox import --all --yes"
    ),
)
def inbox_list(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from casecli.errors import BundleRejected
    from casecli.handover.identity import own
    from casecli.handover.mailbox import configured, describe, scan
    from casecli.ui.mailbox_views import inbox_table

    with opened(ctx) as (_env, store):
        mailbox = configured(store)
        rows = []
        for entry in scan(store, mailbox, own(store).fingerprint):
            row: dict = {
                "file": entry.name,
                "state": entry.state,
                "bundle_id": entry.bundle_id,
                "sender": entry.sender,
                "fingerprint": entry.fingerprint,
                "created": entry.created,
                "contact": None,
                "kind": "",
                "cases": [],
                "reason": entry.reason,
            }
            if entry.state == "ready":
                try:
                    row.update(describe(store, entry))
                except BundleRejected as exc:  # listed as it is; refused at import
                    row.update(state="unreadable", reason=exc.message)
                except MALFORMED as exc:
                    row.update(state="unreadable", reason=type(exc).__name__)
            rows.append(row)
    emit(rows, as_json, inbox_table)


@command(inbox_app, "import")
def import_cmd(
    ctx: typer.Context,
    files: list[str] | None = typer.Argument(
        None, help=_("Bundles to import, as `casecli inbox` names them (the first characters are enough).")
    ),
    everything: bool = typer.Option(False, "--all", help=_("Every bundle in the inbox.")),
    yes: bool = typer.Option(False, "--yes", help=_("Import without being asked to confirm each bundle.")),
    trust_sender: bool = typer.Option(
        False, "--trust-sender", help=_("Accept senders who are not in your contacts (compare fingerprints first).")
    ),
    on_conflict: str | None = typer.Option(
        None, "--on-conflict", help=_("For cases changed on both sides: keep-local, take-theirs or keep-both.")
    ),
    refuse: bool = typer.Option(
        False, "--refuse", help=_("Refuse the handovers named: nothing is imported; a refused receipt goes back.")
    ),
    reason: str = typer.Option("", "--reason", help=_("Why the handover is refused (with --refuse).")),
    no_input: bool = NoInputOption,
) -> None:
    """Import bundles from your inbox as `casecli import` does, each in its own transaction.

    Each sender gets a signed receipt in their inbox; an imported bundle leaves the inbox, a
    refused one goes to refused/ with its reason. Bundles still being synchronised, addressed to
    someone else, or imported already are skipped with a line.

    Example: casecli inbox import --all --yes
    Example: casecli inbox import 3f9a2c
    Example: casecli inbox import 3f9a2c --refuse --reason "the child is not in our area"
    """
    from casecli.errors import InvalidInput
    from casecli.handover.identity import own
    from casecli.handover.import_plan import conflict_action
    from casecli.handover.mailbox import configured, scan

    env = env_of(ctx, no_input)
    conflict_action(on_conflict)
    if refuse and (not files or everything or not reason.strip()):
        raise InvalidInput(_("--refuse: name the handovers to refuse, and say why with --reason"))
    if not files and not everything and not env.interactive:
        raise InvalidInput(_("inbox import: name the bundles, or --all (there is no terminal to ask at)"))
    if not yes and not refuse and not env.interactive:
        raise InvalidInput(_("inbox import: confirm with --yes (there is no terminal to ask at); nothing was changed"))
    out = console()
    counts: Counter[str] = Counter()
    with open_store(env) as store:
        mailbox = configured(store)
        me = own(store).fingerprint
        _newer_roster(out, store, mailbox)
        entries = scan(store, mailbox, me)
        chosen = entries if not files else [e for e in entries if any(e.name.startswith(f) for f in files)]
        if files and not chosen:
            raise InvalidInput(
                _("inbox import: no bundle in your inbox starts with {names}").format(names=", ".join(files))
            )
        if refuse:
            for entry in chosen:
                _refuse(out, env, store, mailbox, entry, reason.strip())
            return
        for entry in chosen:
            counts[_take(out, env, store, mailbox, entry, me, trust_sender, yes, on_conflict)] += 1
    out.print(
        _("{imported} imported, {refused} refused, {skipped} skipped.").format(
            imported=counts["imported"], refused=counts["refused"], skipped=counts["skipped"]
        )
    )


def _newer_roster(out, store, mailbox) -> None:
    """The agency's roster its coordinator put in the mailbox, adopted when newer (one line); a
    roster there that does not verify is said, and left alone."""
    from casecli.errors import CaseCliError
    from casecli.handover.inbox import newer_roster

    try:
        found = newer_roster(store, mailbox)
    except CaseCliError as exc:
        out.print("[yellow]" + shown(exc.message) + "[/yellow]")
        return
    if found is not None and found.number:
        out.print(
            _("Roster {number} of {agency} adopted: roles and agency now come from it.").format(
                number=found.number, agency=found.agency
            ),
            markup=False,
        )


def _take(out, env, store, mailbox, entry, me: str, trust_sender: bool, yes: bool, on_conflict) -> str:
    """One file of the inbox: imported, refused or skipped (with a line saying which and why)."""
    from casecli.errors import BundleRejected, Cancelled, InvalidInput
    from casecli.handover import inbox
    from casecli.handover.import_plan import plan_import
    from casecli.handover.settle import AlreadyImported
    from casecli.ui.import_questions import questions
    from casecli.ui.import_views import show_settled

    name = shown(entry.name[:16])
    skipped = {
        "partial": _("{file}: still being written or synchronised: skipped"),
        "other": _("{file}: not a casecli bundle: skipped"),
        "not_for_me": _("{file}: addressed to someone else: skipped"),
        "link": _("{file}: a link, not a file: left alone"),
        "too_large": _("{file}: larger than the agency allows (mailbox.max_bundle_mib): skipped, not read"),
    }
    if entry.state in skipped:
        out.print(skipped[entry.state].format(file=name))
        return "skipped"
    try:
        try:
            if entry.state == "unreadable":
                raise BundleRejected(entry.reason)
            # imported already: known by the id in its header (nothing else read), or by the import plan
            plan = None if entry.state == "seen" else plan_import(store, entry.path, env.today, None, on_conflict)
            ask = questions(out, env, trust_sender, yes, from_inbox=True)
            filed = inbox.settle_entry(store, mailbox, entry, plan, env.today, ask)
        except MALFORMED as exc:  # a shape no check foresaw: this file is refused, the others go on
            raise BundleRejected(
                _("{file}: could not be read ({kind})").format(file=entry.name, kind=type(exc).__name__)
            ) from None
    except BundleRejected as exc:
        try:
            inbox.refused(store, mailbox, entry, exc.message, me)
        except (InvalidInput, OSError) as why:  # refused/ is a link, the disk is full …: the file stays
            out.print(
                _("{file}: refused ({reason}), but left in the inbox: {why}").format(
                    file=name, reason=shown(exc.message), why=shown(getattr(why, "message", None) or why)
                )
            )
            return "refused"
        out.print(_("{file}: refused ({reason}); moved to refused/").format(file=name, reason=shown(exc.message)))
        return "refused"
    except (Cancelled, InvalidInput) as exc:
        out.print(_("{file}: {reason}: left in the inbox").format(file=name, reason=shown(exc.message)))
        return "skipped"
    settled = filed.settled
    if isinstance(settled, AlreadyImported) and not settled.just_now:
        out.print(_("{file}: imported already: removed from the inbox").format(file=name))
        return "skipped"
    show_settled(out, settled, entry.name)
    if filed.kept is not None:
        out.print(
            _("{file}: a tracing request, kept in {folder}").format(file=name, folder=shown(str(filed.kept.parent)))
        )
    if filed.receipt_later is not None:
        out.print(
            _(
                "{file}: imported and saved; its receipt could not be written now ({why}): "
                "the next `casecli inbox import` sends it"
            ).format(file=name, why=shown(filed.receipt_later))
        )
    return "skipped" if isinstance(settled, AlreadyImported) else "imported"


def _refuse(out, env, store, mailbox, entry, reason: str) -> None:
    """A handover the worker refuses: nothing imported, the refused receipt to its sender."""
    from casecli.errors import InvalidInput
    from casecli.handover import inbox
    from casecli.handover.import_plan import plan_import

    if entry.state != "ready":
        raise InvalidInput(_("--refuse: {file} is not a handover waiting in your inbox").format(file=entry.name[:16]))
    plan = plan_import(store, entry.path, env.today)
    if not plan.incoming.handover or plan.already_imported:
        raise InvalidInput(_("--refuse: {file} is not a handover waiting in your inbox").format(file=entry.name[:16]))
    inbox.decline(store, mailbox, entry, plan.incoming.reader, sorted(plan.incoming.cases), reason)
    out.print(
        _("{file}: handover refused; nothing was imported. The receipt went to {sender}'s inbox.").format(
            file=shown(entry.name[:16]), sender=shown(plan.incoming.reader.sender_name)
        )
    )


# What a hostile file can make a reader raise where no check foresaw its shape.
MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, UnicodeError, RecursionError, OverflowError)

app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py
app.add_typer(inbox_app, name="inbox")
