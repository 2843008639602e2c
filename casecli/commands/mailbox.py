"""`casecli mailbox set|setup|doctor|status` and `casecli send`: the agency mailbox, a folder that
Syncthing (or a USB stick, or a network share) moves between the team's laptops."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    JsonOption,
    command,
    console,
    emit,
    env_of,
    open_store,
    opened,
    print_json,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, n_
from casecli.ui.render import shown

mailbox_app = typer.Typer(
    cls=CaseCliGroup,
    help=_("The agency mailbox: a shared folder with an inbox for each colleague (set, setup, doctor, status)."),
    no_args_is_help=True,
)
# The local Syncthing: where it listens and its API key, when they are not in its usual config file.
AddressOption = typer.Option(
    None, "--syncthing-address", help=_("Syncthing's GUI address, e.g. http://127.0.0.1:8384.")
)
ApiKeyFileOption = typer.Option(
    None, "--api-key-file", help=_("A file holding Syncthing's API key (never on the command line)."), dir_okay=False
)
ConfigOption = typer.Option(
    None, "--syncthing-config", help=_("Syncthing's config.xml (or its folder), to read the address and API key.")
)
# What `mailbox setup` recorded, for `mailbox doctor` (kept in the encrypted store).
META = {
    "folder_id": "mailbox.syncthing_folder",
    "address": "mailbox.syncthing_address",
    "key": "mailbox.syncthing_key",
    "config": "mailbox.syncthing_config",
}


@command(mailbox_app, "set")
def set_cmd(
    ctx: typer.Context, folder: Path = typer.Argument(..., help=_("The shared folder."), file_okay=False)
) -> None:
    """Use FOLDER as the mailbox: your inbox in it is named by your identity's fingerprint.

    Example: casecli mailbox set ~/Sync/casecli-mailbox
    Example: casecli mailbox set E:\\casecli-mailbox
    """
    from casecli.handover.identity import own
    from casecli.handover.mailbox import inbox_name, set_folder

    with opened(ctx) as (_env, store):
        me = own(store)
        mailbox = set_folder(store, folder, me.fingerprint)
    console().print(
        _("Mailbox set: {path}; your inbox is {inbox}.").format(
            path=shown(str(mailbox.root)), inbox=inbox_name(me.fingerprint)
        )
    )


def _client(store, address: str | None, api_key_file: Path | None, config: Path | None):
    from casecli.handover.syncthing import connect
    from casecli.ui.passphrase import read_secret_file

    key = read_secret_file(api_key_file, "--api-key-file").strip() if api_key_file else None
    recorded = store.meta(META["config"])
    return connect(
        address or store.meta(META["address"]),
        key or store.meta(META["key"]),
        config or (Path(recorded) if recorded else None),
    )


@command(mailbox_app, "setup")
def setup_cmd(
    ctx: typer.Context,
    device: list[str] | None = typer.Option(
        None, "--device", help=_("A colleague's laptop: NAME=DEVICE-ID, optionally @tcp://ADDRESS:PORT (repeatable).")
    ),
    untrusted: list[str] | None = typer.Option(
        None,
        "--untrusted",
        help=_("A device that keeps only an encrypted copy (the head office): NAME=DEVICE-ID[@ADDRESS]."),
    ),
    password_file: Path | None = typer.Option(
        None,
        "--encryption-password-file",
        help=_("The folder password for --untrusted devices (the same on every laptop of the team)."),
        dir_okay=False,
    ),
    own_device: list[str] | None = typer.Option(
        None,
        "--own-device",
        help=_("Another laptop of yours, which also keeps your backups: NAME=DEVICE-ID[@ADDRESS] (repeatable)."),
    ),
    folder_id: str = typer.Option("casecli-mailbox", "--folder-id", help=_("Syncthing's ID for the mailbox folder.")),
    address: str | None = AddressOption,
    api_key_file: Path | None = ApiKeyFileOption,
    config: Path | None = ConfigOption,
    as_json: bool = JsonOption,
) -> None:
    """Share the mailbox folder through the local Syncthing, set up for casecli.

    Creates the folder in Syncthing (or joins it), shares it with the devices named, turns file
    versioning and conflict copies off and ignores casecli's files being written; prints this
    device's Syncthing ID for your colleagues. Run `casecli mailbox set FOLDER` first.

    Your backups (`backup --to-mailbox`) are a folder of their own, never shared with the team:
    only with the head office's devices (--untrusted, encrypted) and your other laptops
    (--own-device).

    Example: casecli mailbox setup --device luis=ABCDEFG-HIJKLMN-OPQRSTU-VWXYZ23-4567ABC-DEFGHIJ-KLMNOPQ-RSTUVWX
    Example: casecli mailbox setup --untrusted office=… --encryption-password-file office.pw
    """
    from casecli.errors import InvalidInput
    from casecli.handover.mailbox import IGNORE_PATTERNS, TEAM_IGNORES, backups_folder_id, configured
    from casecli.handover.syncthing import parse_device, setup, share_backups
    from casecli.ui.passphrase import read_secret_file

    peers = [parse_device(spec, "--device") for spec in device or []]
    mine = [parse_device(spec, "--own-device") for spec in own_device or []]
    keepers = [parse_device(spec, "--untrusted") for spec in untrusted or []]
    if keepers and password_file is None:
        raise InvalidInput(_("--untrusted: give the folder password with --encryption-password-file FILE"))
    password = read_secret_file(password_file, "--encryption-password-file").strip() if password_file else ""
    with opened(ctx) as (_env, store):
        mailbox = configured(store)
        client = _client(store, address, api_key_file, config)
        done = setup(
            client,
            mailbox.root,
            folder_id,
            peers,
            [(d, n, a, password) for d, n, a in keepers],
            TEAM_IGNORES,
        )
        backups = None
        if keepers or mine:  # someone to keep them: the head office, or another laptop of mine
            prefix = store.profile().get("case_number_prefix") or "casecli"
            backups = share_backups(
                client,
                mailbox.backups(prefix),
                backups_folder_id(prefix),
                mine,
                [(d, n, a, password) for d, n, a in keepers],
                IGNORE_PATTERNS,
            )
            done["backups"] = backups
        with store.transaction():
            store.conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [(META["folder_id"], done["folder_id"]), (META["address"], client.address)]
                + ([(META["key"], client.api_key)] if api_key_file else [])
                + ([(META["config"], str(config.resolve()))] if config else []),
            )
    if as_json:
        print_json(done)
        return
    console().print(
        n_(
            "The mailbox is shared through Syncthing (folder {folder}) with {count} device.",
            "The mailbox is shared through Syncthing (folder {folder}) with {count} devices.",
            len(done["devices"]) - 1,
        ).format(folder=shown(done["folder_id"]), count=len(done["devices"]) - 1)
    )
    if backups is not None:
        console().print(
            n_(
                "Your backups are a folder of their own (folder {folder}), kept by {count} device beside this one,"
                " never by the team.",
                "Your backups are a folder of their own (folder {folder}), kept by {count} devices beside this one,"
                " never by the team.",
                len(backups["devices"]) - 1,
            ).format(folder=shown(backups["folder_id"]), count=len(backups["devices"]) - 1)
        )
    console().print(
        _("This device's Syncthing ID (give it to your colleagues): [bold]{id}[/bold]").format(id=done["device_id"])
    )


@command(mailbox_app, "doctor")
def doctor_cmd(
    ctx: typer.Context,
    address: str | None = AddressOption,
    api_key_file: Path | None = ApiKeyFileOption,
    config: Path | None = ConfigOption,
    as_json: bool = JsonOption,
) -> None:
    """Say what is wrong with the mailbox: the folder, Syncthing, colleagues not seen for days.

    Exits with 1 when something stops bundles from moving.

    Example: casecli mailbox doctor
    """
    import datetime as dt

    from casecli.errors import CaseCliError, SyncthingUnreachable
    from casecli.handover.identity import own
    from casecli.handover.mailbox import configured, stale_partials
    from casecli.handover.syncthing import DEFAULT_FOLDER_ID, doctor
    from casecli.store import settings
    from casecli.ui.mailbox_views import doctor_view

    env = env_of(ctx)
    findings: list[dict] = []
    with open_store(env) as store:
        try:
            mailbox = configured(store)
        except CaseCliError as exc:
            findings.append({"level": "problem", "what": exc.message})
            mailbox = None
        if mailbox is not None:
            findings.append({"level": "ok", "what": _("the mailbox folder is {path}").format(path=str(mailbox.root))})
            stale = stale_partials(mailbox, own(store).fingerprint, dt.datetime.now().timestamp())
            if stale:
                findings.append(
                    {
                        "level": "warning",
                        "what": n_(
                            "{count} file in your inbox has been arriving for over a day",
                            "{count} files in your inbox have been arriving for over a day",
                            stale,
                        ).format(count=stale),
                    }
                )
            shared = store.meta(META["folder_id"])
            try:
                findings += doctor(
                    _client(store, address, api_key_file, config),
                    mailbox.root,
                    shared or DEFAULT_FOLDER_ID,
                    settings.get(store, "mailbox.peer_days"),
                    dt.datetime.now(dt.UTC).replace(tzinfo=None),
                )
            except SyncthingUnreachable as exc:
                # Without Syncthing the mailbox still works (a stick, a share): a problem only
                # when it was set up to move through Syncthing.
                findings.append({"level": "problem" if shared else "warning", "what": exc.message})
    emit(findings, as_json, doctor_view)
    if any(f["level"] == "problem" for f in findings):
        raise typer.Exit(1)


@command(mailbox_app, "status")
def status_cmd(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """Per colleague: what you sent, what was delivered and acknowledged, and when you last heard from them.

    Example: casecli mailbox status
    """
    from casecli.handover.identity import own
    from casecli.handover.mailbox import REFUSED, configured, refused_files
    from casecli.handover.mailbox_log import check_delivered, status
    from casecli.ui.mailbox_views import status_table

    with opened(ctx) as (env, store):
        mailbox = configured(store)
        check_delivered(store, mailbox)
        rows = status(store, env.today)
        held = len(refused_files(mailbox.inbox_path(own(store).fingerprint) / REFUSED))
    emit(rows, as_json, lambda value: status_table(value, held))


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(mailbox_app, name="mailbox")
