"""`casecli passwd`, `recover`, `rekey` and `agency-key …`: keys without an administrator."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from casecli.commands.common import command, console, env_of
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, n_

agency_app = typer.Typer(
    cls=CaseCliGroup,
    help=_("The agency recovery key: made and kept offline by the data protection officer."),
    no_args_is_help=True,
)


def _write_json(path: Path, doc: dict) -> None:
    from casecli.fsutil import write_private_atomic

    path.parent.mkdir(parents=True, exist_ok=True)  # a new folder on a stick, as backup and export allow
    write_private_atomic(path, (json.dumps(doc, indent=2) + "\n").encode())


@command(agency_app, "new")
def agency_new(
    ctx: typer.Context,
    output: Path = typer.Option(
        ..., "--output", "-o", help=_("Where to write the private key file (keep it offline)."), dir_okay=False
    ),
) -> None:
    """Make an agency recovery key pair (for the agency's data protection officer).

    The private key file is protected by its own passphrase (CASECLI_AGENCY_PASSPHRASE_FILE for
    scripts). The printed public key is what each worker adds to their store.

    Example: casecli agency-key new --output agency-recovery.key
    """
    from casecli.errors import InvalidInput
    from casecli.protection import keys
    from casecli.store import sealing
    from casecli.ui.passphrase import (
        AGENCY_PASSPHRASE_ENV,
        AGENCY_PASSPHRASE_FILE_ENV,
        kdf_memory,
        new_passphrase,
    )

    env = env_of(ctx)
    if output.exists():
        raise InvalidInput(_("--output: {path} already exists; choose another file").format(path=output))
    passphrase = new_passphrase(
        env, AGENCY_PASSPHRASE_FILE_ENV, AGENCY_PASSPHRASE_ENV, "Choose a passphrase for the agency key"
    )
    doc, public = keys.new_agency_key(passphrase, kdf_memory(env))
    _write_json(output, doc)
    print(public)
    fpr = sealing.fingerprint(sealing.parse_public(public))
    console(stderr=True).print(
        _("Private key written to {path}. Fingerprint: {fingerprint}").format(path=output, fingerprint=fpr)
    )


@command(agency_app, "add")
def agency_add(
    ctx: typer.Context, public_key: str = typer.Argument(..., help=_("The agency's public key (casecli-agency1:…)."))
) -> None:
    """Let the agency's key holder recover this store if every other secret is lost; with the
    agency's `casecli-agency2:` line, also trust the rosters that key signs (who is a member of
    the agency, in which role).

    Example: casecli agency-key add casecli-agency2:3q2+7w…
    """
    from casecli.handover import roster
    from casecli.protection import keys
    from casecli.store import sealing
    from casecli.store.db import open_store
    from casecli.ui.passphrase import read_passphrase

    env = env_of(ctx)
    public, signing = sealing.parse_agency_line(public_key)
    passphrase = read_passphrase(env)
    keys.add_agency_slot(env.store_path, passphrase, public)
    console().print(
        _("Agency recovery key added (fingerprint {fingerprint}): compare it with your agency's.").format(
            fingerprint=sealing.fingerprint(public)
        )
    )
    if signing is not None:
        with open_store(env.store_path, lambda: passphrase) as store, store.transaction():
            roster.pin(store, signing)
        console().print(_("Rosters signed with this agency key are trusted from now on: `casecli roster import FILE`."))


@command(agency_app, "answer")
def agency_answer(
    ctx: typer.Context,
    request: Path = typer.Argument(..., help=_("The recovery request file a worker sent."), dir_okay=False),
    key: Path = typer.Option(..., "--key", help=_("The agency private key file."), dir_okay=False),
    output: Path = typer.Option(
        ..., "--output", "-o", help=_("Where to write the response for the worker."), dir_okay=False
    ),
) -> None:
    """Answer a worker's recovery request with the agency private key (done offline by the key holder).

    The response only opens on the laptop that made the request, with the new passphrase the
    worker chose there.

    Example: casecli agency-key answer request.json --key agency-recovery.key --output response.json
    """
    from casecli.protection import keys
    from casecli.ui.passphrase import (
        AGENCY_PASSPHRASE_ENV,
        AGENCY_PASSPHRASE_FILE_ENV,
        read_passphrase,
    )

    env = env_of(ctx)
    doc = keys.read_request(request)
    private, public = keys.open_agency_key(
        key, read_passphrase(env, "Agency key passphrase", AGENCY_PASSPHRASE_FILE_ENV, AGENCY_PASSPHRASE_ENV)
    )
    _write_json(output, keys.answer_request(doc, private, public))
    console().print(_("Response written to {path}: give it to the worker.").format(path=output))


def _min_score(env, found, data_key: bytes) -> int:
    """The agency's minimum strength for a new passphrase, as this store's settings (and policy) say."""
    from casecli.store import settings
    from casecli.store.db import open_store_with_key

    store = open_store_with_key(env.store_path, found, data_key)
    try:
        return settings.get(store, "passphrase.min_score")
    finally:
        store.close()


def _agency_private(env, key: Path) -> bytes:
    from casecli.protection import keys
    from casecli.ui.passphrase import AGENCY_PASSPHRASE_ENV, AGENCY_PASSPHRASE_FILE_ENV, read_passphrase

    private, _public = keys.open_agency_key(
        key, read_passphrase(env, "Agency key passphrase", AGENCY_PASSPHRASE_FILE_ENV, AGENCY_PASSPHRASE_ENV)
    )
    return private


@command(agency_app, "public")
def agency_public(
    ctx: typer.Context,
    key: Path = typer.Option(..., "--key", help=_("The agency private key file."), dir_okay=False),
) -> None:
    """Print the agency's public line (its recovery key and the key its rosters are signed with),
    for each worker's `casecli agency-key add`.

    Example: casecli agency-key public --key agency-recovery.key
    """
    from casecli.protection import keys

    print(keys.agency_line(_agency_private(env_of(ctx), key)))


RosterFileOption = typer.Option(
    ...,
    "--roster",
    help=_("The agency's roster file: read, then written again, signed, one number higher."),
    dir_okay=False,
)


def _roster_doc(roster_file: Path, agency: str | None, signing_public: bytes) -> dict:
    """The roster the coordinator keeps (a new one, for `--agency`, when the file does not exist)."""
    from casecli.errors import InvalidInput
    from casecli.handover import roster

    if not roster_file.exists():
        if not agency:
            raise InvalidInput(
                _("--agency: name the agency to start its roster ({path} does not exist)").format(path=roster_file)
            )
        return roster.empty(agency, signing_public)
    try:
        doc = json.loads(roster_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        doc = None
    return roster.read(doc, signing_public, str(roster_file)).doc


@command(agency_app, "certify")
def agency_certify(
    ctx: typer.Context,
    identity_line: str = typer.Argument(
        ..., metavar="IDENTITY", help=_("The member's `casecli identity` line, or the file `identity --output` wrote.")
    ),
    role: str = typer.Option(..., "--role", help=_("case_worker, supervisor or coordinator.")),
    key: Path = typer.Option(..., "--key", help=_("The agency private key file."), dir_okay=False),
    roster_file: Path = RosterFileOption,
    agency: str | None = typer.Option(None, "--agency", help=_("The agency's name (to start a new roster).")),
    name: str | None = typer.Option(None, "--name", help=_("The member's name (default: their identity's).")),
    valid_until: str | None = typer.Option(
        None, "--valid-until", help=_("The last day of the membership (YYYY-MM-DD).")
    ),
) -> None:
    """Certify a member of the agency in a role: the roster, signed with the agency key, says so.

    Give the new roster to every worker (`casecli roster import`, or through the mailbox).

    Example: casecli agency-key certify /media/usb/marta.id --role supervisor --key agency.key --roster roster.json
    """
    from casecli.commands.common import option_date
    from casecli.handover import roster
    from casecli.handover.identity import Identity, line_from
    from casecli.store import sealing

    env = env_of(ctx)
    member = Identity.parse(line_from(identity_line))
    seed, signing_public = sealing.agency_signing_key(_agency_private(env, key))
    doc = _roster_doc(roster_file, agency, signing_public)
    until = option_date(valid_until, env.today, "--valid-until").isoformat() if valid_until else ""
    signed = roster.certify(doc, seed, member.fingerprint, name or member.name, role, env.today.isoformat(), until)
    _write_json(roster_file, signed)
    console().print(
        _("Roster {number} of {agency}: {name} certified as {role} ({fingerprint}). Give it to every worker.").format(
            number=signed["number"],
            agency=signed["agency"],
            name=name or member.name,
            role=role,
            fingerprint=member.fingerprint,
        ),
        markup=False,
    )


@command(agency_app, "policy")
def agency_policy(
    ctx: typer.Context,
    values: list[str] = typer.Option(
        ..., "--set", help=_("KEY=VALUE: a setting the policy fixes (repeatable), e.g. approval.plan_activation=1.")
    ),
    key: Path = typer.Option(..., "--key", help=_("The agency private key file."), dir_okay=False),
    roster_file: Path = RosterFileOption,
) -> None:
    """Fix the settings that protect children for every worker: the roster carries the agency's
    policy, signed; a worker may make a setting stricter on their laptop, never weaker.

    Example: casecli agency-key policy --set approval.plan_activation=1 --set bid.min_members=3 --key agency.key --roster roster.json
    """
    from casecli.errors import InvalidInput
    from casecli.handover import roster
    from casecli.store import sealing

    env = env_of(ctx)
    pairs: dict[str, int] = {}
    for value in values:
        name, _sep, raw = value.partition("=")
        try:
            pairs[name.strip()] = int(raw)
        except ValueError:
            raise InvalidInput(_("--set: expected KEY=VALUE with a whole number, e.g. approval.closure=1")) from None
        if not 0 <= pairs[name.strip()] <= 3650:
            raise InvalidInput(_("--set {key}: expected a whole number from 0 to 3650").format(key=name.strip()))
    seed, signing_public = sealing.agency_signing_key(_agency_private(env, key))
    doc = _roster_doc(roster_file, None, signing_public)
    signed = roster.with_policy(doc, seed, pairs)
    _write_json(roster_file, signed)
    console().print(
        _("Roster {number} of {agency} carries the agency's policy: {values}. Give it to every worker.").format(
            number=signed["number"],
            agency=signed["agency"],
            values=", ".join(f"{k} = {v}" for k, v in sorted(signed["policy"].items())),
        ),
        markup=False,
    )


@command(agency_app, "revoke")
def agency_revoke(
    ctx: typer.Context,
    fingerprint: str = typer.Argument(..., help=_("The member's fingerprint (as the roster lists it).")),
    reason: str = typer.Option(..., "--reason", help=_("Why the membership ends.")),
    key: Path = typer.Option(..., "--key", help=_("The agency private key file."), dir_okay=False),
    roster_file: Path = RosterFileOption,
) -> None:
    """Revoke a member: their bundles and decisions from today on are refused wherever the new roster is.

    Example: casecli agency-key revoke "4C65 544C 7CE8 4188 0587" --reason "left the agency" --key agency.key --roster roster.json
    """
    from casecli.handover import roster
    from casecli.store import sealing

    env = env_of(ctx)
    seed, signing_public = sealing.agency_signing_key(_agency_private(env, key))
    doc = _roster_doc(roster_file, None, signing_public)
    signed = roster.revoke(doc, seed, " ".join(fingerprint.split()).upper(), reason, env.today.isoformat())
    _write_json(roster_file, signed)
    console().print(
        _("Roster {number} of {agency}: {fingerprint} revoked. Give it to every worker.").format(
            number=signed["number"], agency=signed["agency"], fingerprint=fingerprint
        ),
        markup=False,
    )


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(agency_app, name="agency-key")


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
        console().print(_("Choose the new passphrase now: you will need it to finish the recovery."))
        _write_json(agency_request, keys.make_request(env.store_path, replacement_passphrase(env), memory))
        console().print(
            _("Request written to {path}: send it to your agency's key holder.").format(path=agency_request)
        )
        return
    if agency_response:
        doc = keys.read_response(agency_response)
        new = _ask_new(env, "The new passphrase you chose for this recovery")
        keys.complete_request(env.store_path, doc, new, memory)
        console().print(_("Recovered: the store now opens with the new passphrase."))
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
    keys.rekey(env.store_path, passphrase, show, kdf_memory(env))
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
