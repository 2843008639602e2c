"""Data protection: `log`, `verify`, `backup`, `restore`, `purge`."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    CaseArgument,
    JsonOption,
    command,
    console,
    emit,
    env_of,
    opened,
    print_json,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, format_date, n_
from casecli.ui.kept_aside import settle_kept_aside

app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


@command(app, "log")
def log_cmd(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
    """The case's history, readably: who changed what, when (old → new values).

    Example: casecli log MX7-0042-R
    """
    from casecli.case.file.history import case_history
    from casecli.case.file.lookup import resolve
    from casecli.ui.admin_views import log_view

    with opened(ctx) as (_env, store):
        number = resolve(store, case)
        events = case_history(store, number)
    emit(events, as_json, log_view, page=True)


@command(app, "verify")
def verify_cmd(
    ctx: typer.Context,
    full: bool = typer.Option(
        False, "--full", help=_("Check everything: every page, and every event from each case's first.")
    ),
    witnessed: list[Path] | None = typer.Option(
        None,
        "--witnessed",
        help=_("A signed heads file kept elsewhere (the head office's copy of a backup's .heads): check against it."),
        dir_okay=False,
    ),
    as_json: bool = JsonOption,
) -> None:
    """Check each case's chain of events from where it was last verified (a signed checkpoint).

    With --full: SQLCipher page integrity, SQLite integrity, and every event of every case. Every
    head a colleague saw (or a heads file given with --witnessed) must still be in its history.

    Example: casecli verify
    Example: casecli verify --full --witnessed office/casecli-20261206-101500.db.heads
    """
    from casecli.errors import CaseCliError
    from casecli.protection.integrity import verify
    from casecli.ui.admin_views import verify_view

    with opened(ctx) as (_env, store):
        if witnessed:
            from casecli.handover.heads import witness_file

            for path in witnessed:
                witness_file(store, path)
        report = verify(store, full=full)
    emit(report, as_json, verify_view)
    if not report["ok"]:
        first = report["broken"][0] if report["broken"] else None
        where = (
            _("{number} event {seq} {why}").format(number=first["case_number"], seq=first["seq"], why=first["why"])
            if first
            else _("the store's pages are damaged")
        )
        raise CaseCliError(_("verify failed: {where}").format(where=where))


@command(app, "backup")
def backup_cmd(
    ctx: typer.Context,
    output: Path | None = typer.Option(
        None, "--output", "-o", help=_("The backup file (its key file is written beside it)."), dir_okay=False
    ),
    to_mailbox: bool = typer.Option(
        False,
        "--to-mailbox",
        help=_("Into the mailbox's backups/PREFIX/ folder, keeping the last few (setting mailbox.backups_kept)."),
    ),
) -> None:
    """Write a consistent encrypted copy of the store, even while it is in use, and check it.

    The copy opens with the same passphrase and recovery code as the store. Keep it on another
    device, or send it with --to-mailbox to the mailbox, where Syncthing takes it off this laptop.

    Example: casecli backup --output /media/usb/casecli-2026-11-23.db
    Example: casecli backup --to-mailbox
    """
    from casecli.errors import InvalidInput
    from casecli.protection.backup import backup, backup_into

    if (output is None) == (not to_mailbox):
        raise InvalidInput(_("backup: give --output FILE or --to-mailbox (one of them)"))
    with opened(ctx) as (env, store):
        if to_mailbox:
            from casecli.handover.heads import write_beside
            from casecli.handover.mailbox import configured
            from casecli.store import settings

            folder = configured(store).backups(store.profile().get("case_number_prefix") or "casecli")
            report = backup_into(store, env.store_path, folder, settings.get(store, "mailbox.backups_kept"))
            written = Path(report["output"])
            write_beside(store, written)  # the head office keeps the heads with it
        else:
            assert output is not None
            report, written = backup(store, env.store_path, output), output
    console().print(
        _("Backup written and checked: {path} (+ {keys}), {count} cases.").format(
            path=written, keys=f"{written.name}.keys", count=report["cases"]
        )
    )
    if to_mailbox and report["removed"]:
        console().print(_("Older backups removed from the mailbox: {names}").format(names=", ".join(report["removed"])))


@command(app, "restore")
def restore_cmd(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help=_("A backup made with `casecli backup`."), dir_okay=False),
    yes: bool = typer.Option(False, "--yes", help=_("Replace the store without being asked.")),
) -> None:
    """Replace the store with a backup, after checking the backup; the replaced store is kept aside.

    Example: casecli restore /media/usb/casecli-2026-11-23.db
    """
    from casecli.errors import InvalidInput
    from casecli.protection.backup import restore
    from casecli.ui.passphrase import read_passphrase

    env = env_of(ctx)
    if not yes:
        if not env.interactive:
            raise InvalidInput(_("restore: confirm with --yes (there is no terminal to ask at)"))
        from casecli.ui import prompts

        if not prompts.confirm(
            _("Replace the store at {path} with {file}?").format(path=env.store_path, file=file), default=False
        ):
            raise InvalidInput(_("restore: not confirmed; nothing was changed"))
    report = restore(file, env.store_path, lambda: read_passphrase(env, _("The backup's passphrase")))
    out = console()
    out.print(_("Restored {count} cases from {file}.").format(count=report["cases"], file=file))
    if report["kept_aside"]:
        out.print(
            _("The replaced store is kept at {path} (delete it when you no longer need it).").format(
                path=report["kept_aside"]
            )
        )


@command(app, "purge")
def purge_cmd(
    ctx: typer.Context,
    case: str | None = typer.Argument(None, help=_("One case to remove early (with --now and --reason).")),
    now: bool = typer.Option(False, "--now", help=_("Remove this case now, before its retention date.")),
    reason: str = typer.Option("", "--reason", help=_("Why (recorded in the tombstone).")),
    yes: bool = typer.Option(False, "--yes", help=_("Delete without being asked.")),
    as_json: bool = JsonOption,
) -> None:
    """Delete cases past their retention date for good, leaving only a tombstone: closed cases,
    cases handed over (counted from the receipt) and copies for consultation.

    Example: casecli purge
    Example: casecli purge MX7-0042-R --now --reason "data subject request"
    """
    from casecli.errors import InvalidInput
    from casecli.protection.retention import due_for_purge, purge

    with opened(ctx) as (env, store):
        if case:
            if not now or not reason.strip():
                raise InvalidInput(_("purge CASE: give --now and --reason to remove one case before its time"))
            from casecli.case.file.lookup import resolve

            targets: list[dict] = [{"case_number": resolve(store, case), "retention_until": None}]
            why = reason.strip()
        else:
            targets = due_for_purge(store, env.today)
            why = reason.strip() or _("retention period over")
        if as_json and not yes:
            print_json(targets)
            return
        out = console()
        if not targets:
            out.print(_("No case is past its retention date."))
            settle_kept_aside(env, yes, _("it may still hold cases purged here"))
            return
        words = {
            "closed": _("closed"),
            "transferred": _("handed over"),
            "copy": _("copy for consultation"),
        }
        for t in targets:
            out.print(
                f"{t['case_number']}"
                + (
                    "  "
                    + _("({basis}; retention ended {date})").format(
                        basis=words.get(t.get("basis", ""), ""), date=format_date(t["retention_until"])
                    )
                    if t["retention_until"]
                    else ""
                ),
                markup=False,
            )
        if not yes:
            if not env.interactive:
                raise InvalidInput(_("purge: confirm with --yes (there is no terminal to ask at); nothing was deleted"))
            from casecli.ui import prompts

            if not prompts.confirm(
                n_("Delete this case for good?", "Delete these {count} cases for good?", len(targets)).format(
                    count=len(targets)
                ),
                default=False,
            ):
                raise InvalidInput(_("purge: not confirmed; nothing was deleted"))
        purge(
            store,
            [t["case_number"] for t in targets],
            why,
            env.today,
            {t["case_number"]: t["basis"] for t in targets if t.get("basis")},
        )
    out.print(
        n_(
            "Purged {count} case; its tombstone remains.", "Purged {count} cases; tombstones remain.", len(targets)
        ).format(count=len(targets))
    )
    settle_kept_aside(env, yes, _("it still holds the cases just purged here"))
