"""`casecli passwd`, `recover` and `rekey`: keys without an administrator (the agency key: agency.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from casecli.commands.common import command, console, env_of, write_json_file
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, n_


def _recovered_for_another(env, passphrase: str, response: dict) -> None:
    """A store opened by the agency for someone who is not its owner: kept in the store (every
    `casecli verify` says it from then on) and said now."""
    from casecli.protection.keys import record_for_another
    from casecli.store.db import open_store

    reason = str(response.get("for_another") or "").strip()
    if not reason:
        return
    asked = str(response.get("requester") or "")
    with open_store(env.store_path, lambda: passphrase) as store:
        record_for_another(store, asked, reason)
    console().print(
        _("The agency opened this store for {who}, who is not its owner: {reason} (kept in the store).").format(
            who=asked or _("someone"), reason=reason
        ),
        markup=False,
    )


def _min_score(env, found, data_key: bytes) -> int:
    """The agency's minimum strength for a new passphrase, as this store's settings (and policy) say."""
    from casecli.store import settings
    from casecli.store.db import open_store_with_key

    store = open_store_with_key(env.store_path, found, data_key)
    try:
        return settings.get(store, "passphrase.min_score")
    finally:
        store.close()


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


@command(app, "passwd")
def passwd_cmd(ctx: typer.Context) -> None:
    """Change the store passphrase (instant, whatever the number of cases).

    Scripts: the old passphrase from CASECLI_PASSPHRASE_FILE, the new from CASECLI_NEW_PASSPHRASE_FILE.

    Example: casecli passwd
    """
    from casecli.protection import keys
    from casecli.ui.passphrase import (
        kdf_memory,
        read_passphrase,
        replacement_passphrase,
    )

    env = env_of(ctx)
    current = read_passphrase(env, "Current passphrase")
    found, data_key = keys.unlock(env.store_path, "passphrase", current)  # a wrong one is said first
    new = replacement_passphrase(env, _min_score(env, found, data_key))
    keys.change_passphrase(env.store_path, "passphrase", current, new, kdf_memory(env))
    console().print(_("Passphrase changed."))
    _reprotect_backups(env, new)


@command(app, "recover")
def recover_cmd(
    ctx: typer.Context,
    code_file: Path | None = typer.Option(
        None, "--code-file", help=_("Read the recovery code from this file instead of asking."), dir_okay=False
    ),
    agency_request: Path | None = typer.Option(
        None,
        "--agency-request",
        help=_("Start a recovery through the agency key: write a request file."),
        dir_okay=False,
    ),
    agency_response: Path | None = typer.Option(
        None,
        "--agency-response",
        help=_("Finish it with the response file from the agency's key holder."),
        dir_okay=False,
    ),
    signed_by: Path | None = typer.Option(
        None,
        "--signed-by",
        help=_(
            "Sign the request with the identity of another store you can open (its passphrase as usual):"
            " yours on another laptop, or a supervisor's for a departed worker's store."
        ),
        dir_okay=False,
    ),
) -> None:
    """Open the store without the passphrase, and set a new one.

    With the recovery code shown at `casecli init`; or, if that is lost too, through the
    agency key: make a request, send it to the key holder, finish with their response.

    Example: casecli recover
    Example: casecli recover --agency-request request.json   (then)   casecli recover --agency-response response.json
    """
    from casecli.errors import InvalidInput
    from casecli.protection import keys, recovery
    from casecli.ui import prompts
    from casecli.ui.passphrase import (
        kdf_memory,
        read_secret_file,
        replacement_passphrase,
    )

    env = env_of(ctx)
    keys.load_keys(env.store_path)
    memory = kdf_memory(env)
    if agency_request and agency_response:
        raise InvalidInput(_("--agency-request and --agency-response are two separate steps: give one"))
    if agency_request:
        request = None
        if signed_by is not None:  # the signer's store opens first: a wrong passphrase costs no choice
            from casecli.handover.identity import sign_request
            from casecli.store.db import open_store
            from casecli.ui.passphrase import read_passphrase

            signer_passphrase = read_passphrase(env, "Passphrase of the signing store")
            with open_store(signed_by, lambda: signer_passphrase) as signer:
                console().print(_("Choose the new passphrase now: you will need it to finish the recovery."))
                request = sign_request(signer, keys.make_request(env.store_path, replacement_passphrase(env), memory))
        else:
            console().print(_("Choose the new passphrase now: you will need it to finish the recovery."))
            request = keys.make_request(env.store_path, replacement_passphrase(env), memory)
        write_json_file(agency_request, request)
        console().print(
            _("Request written to {path}: send it to your agency's key holder.").format(path=agency_request)
        )
        return
    if agency_response:
        doc = keys.read_response(agency_response)
        new = _ask_new(env, "The new passphrase you chose for this recovery")
        keys.complete_request(env.store_path, doc, new, memory)
        console().print(_("Recovered: the store now opens with the new passphrase."))
        _recovered_for_another(env, new, doc)
        _reprotect_backups(env, new)
        return
    if code_file:
        code = read_secret_file(code_file, "--code-file")
    elif env.interactive:
        code = prompts.text(_("Recovery code") + ":", validate=_code_checker(recovery))
    else:
        raise InvalidInput(_("recovery code: give --code-file FILE (there is no terminal to ask at)"))
    code = recovery.normalize(code)
    keys.unlock(env.store_path, "recovery", code)  # a wrong code is said before the new passphrase is asked
    new = replacement_passphrase(env)
    keys.change_passphrase(env.store_path, "recovery", code, new, memory)
    console().print(_("Recovered: the store now opens with the new passphrase. Your recovery code still works."))
    _reprotect_backups(env, new)


@command(app, "rekey")
def rekey_cmd(
    ctx: typer.Context,
    yes: bool = typer.Option(
        False,
        "--yes",
        help=_("Also delete stores kept aside by `restore` (still under the old key) without asking."),
    ),
) -> None:
    """Re-encrypt the whole store under a new key (if the key itself may have leaked).

    Issues a new recovery code; the old one stops working. For a forgotten or shared
    passphrase, `casecli passwd` is enough.

    Example: casecli rekey
    """
    from casecli.protection import keys
    from casecli.ui.kept_aside import settle_kept_aside
    from casecli.ui.passphrase import kdf_memory, read_passphrase
    from casecli.ui.setup import show_recovery_code

    env = env_of(ctx)
    keys.load_keys(env.store_path)

    def show(code: str) -> None:
        # Shown, and confirmed at a terminal, before the old code stops working.
        console().print(_("Your new recovery code (it replaces the old one once the store is re-encrypted):"))
        show_recovery_code(env, code)
        sys.stdout.flush()

    passphrase = read_passphrase(env)
    from casecli.handover.identity import owner_record
    from casecli.store.db import open_store

    with open_store(env.store_path, lambda: passphrase) as store:
        owner = owner_record(store)
    keys.rekey(env.store_path, passphrase, show, kdf_memory(env), owner)
    console().print(_("The store is re-encrypted under a new key; the recovery code above is now the only one."))
    settle_kept_aside(env, yes, _("it is still under the old key"))
    _reprotect_backups(env, passphrase)


def _reprotect_backups(env, passphrase: str) -> None:
    """The backups this laptop keeps in the mailbox, made to open only with the store's secrets of
    now (protection/backup.py `reprotect`), and what was done said. No mailbox set, or none
    reachable: nothing to do."""
    from casecli.errors import InvalidInput
    from casecli.handover.mailbox import BACKUPS, configured
    from casecli.protection.backup import reprotect
    from casecli.store.db import open_store

    with open_store(env.store_path, lambda: passphrase) as store:
        prefix = store.profile().get("case_number_prefix") or "casecli"
        try:
            mailbox = configured(store)
        except InvalidInput:
            return
        if not (mailbox.root / BACKUPS / prefix).is_dir():
            return  # no backup of this laptop's there
        done = reprotect(store, env.store_path, mailbox.backups(prefix))
    if done["rewrapped"]:
        console().print(
            n_(
                "{count} backup in the mailbox now opens only with the new secrets.",
                "{count} backups in the mailbox now open only with the new secrets.",
                len(done["rewrapped"]),
            ).format(count=len(done["rewrapped"]))
        )
    if done["removed"]:
        console().print(
            n_(
                "{count} backup under the old key removed from the mailbox; a new one written: {path}",
                "{count} backups under the old key removed from the mailbox; a new one written: {path}",
                len(done["removed"]),
            ).format(count=len(done["removed"]), path=done["written"]),
            markup=False,
        )


def _ask_new(env, message: str) -> str:
    from casecli.ui.passphrase import (
        NEW_PASSPHRASE_ENV,
        NEW_PASSPHRASE_FILE_ENV,
        read_passphrase,
    )

    return read_passphrase(env, message, NEW_PASSPHRASE_FILE_ENV, NEW_PASSPHRASE_ENV)


def _code_checker(recovery):
    def check(text: str) -> bool | str:
        try:
            recovery.normalize(text)
        except Exception as exc:  # InvalidInput: say which group is wrong
            return getattr(exc, "message", str(exc))
        return True

    return check
