"""`casecli agency-key …`: the agency's key, kept offline by its coordinator (or data protection
officer): recovery of a worker's store, and the roster and policy it signs."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from casecli.commands.common import command, console, env_of, write_json_file
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

agency_app = typer.Typer(
    cls=CaseCliGroup,
    help=_(
        "The agency's key, kept offline by its coordinator: recovery of a worker's store, and the roster"
        " and policy it signs."
    ),
    no_args_is_help=True,
)


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
    write_json_file(output, doc)
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
    from casecli.handover.identity import owner_record

    with open_store(env.store_path, lambda: passphrase) as store:
        owner = owner_record(store)  # sealed beside the slot: whose store it is, for the key holder's eyes
    keys.add_agency_slot(env.store_path, passphrase, public, owner)
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
    requester: str | None = typer.Option(
        None, "--requester", help=_("Who asked for this recovery (their name, as you checked it).")
    ),
    for_another: str | None = typer.Option(
        None,
        "--for-another",
        help=_("Answer although the person asking is not the store's owner, and why (recorded)."),
    ),
    roster_file: Path | None = typer.Option(
        None,
        "--roster",
        help=_(
            "The agency's roster: a signed request counts as its certified signer's (the owner under another identity)."
        ),
        dir_okay=False,
    ),
) -> None:
    """Answer a worker's recovery request with the agency private key (done offline by the key holder).

    Shows whose store the request opens (as that store recorded it) and who signed the request
    (`recover --agency-request FILE --signed-by STORE`; with --roster, as the agency certifies them);
    answers only when the person asking is its owner (certified signer, --requester, or asked), or
    with --for-another and a reason, recorded in the response and in the store. The response only
    opens on the laptop that made the request, with the new passphrase the worker chose there.

    Example: casecli agency-key answer request.json --key agency-recovery.key --requester "Ana Ruiz" --output response.json
    """
    from casecli.errors import InvalidInput
    from casecli.protection import keys
    from casecli.store import sealing
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
    signer = _request_signer(doc, roster_file, sealing.agency_signing_key(private)[1])
    if signer is not None and signer["certified"]:  # the roster's word on who asked, not a typed name
        if requester and requester.strip().casefold() != signer["name"].strip().casefold():
            raise InvalidInput(
                _("--requester: the request is signed by {name}, certified by the agency's roster").format(
                    name=signer["name"]
                )
            )
        requester = signer["name"]

    def decide(owner: dict | None) -> dict:
        return {**_who_asked(env, owner, requester, for_another), **({"signed_by": signer} if signer else {})}

    write_json_file(output, keys.answer_request(doc, private, public, decide))
    console().print(_("Response written to {path}: give it to the worker.").format(path=output))


def _request_signer(doc: dict, roster_file: Path | None, agency_signing: bytes) -> dict | None:
    """Who signed the request (checked), said, and as the agency's roster certifies them when it is
    given (read with the agency's own key): their certified name is the one compared with the
    owner's, so the owner's identity on another laptop counts as the owner."""
    from casecli.handover import roster
    from casecli.handover.identity import request_signer

    signer = request_signer(doc)
    if signer is None:
        return None
    found = {"name": signer.name, "fingerprint": signer.fingerprint, "certified": False}
    if roster_file is not None:
        try:
            doc_roster = json.loads(roster_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            doc_roster = None
        known = roster.read(doc_roster, agency_signing, str(roster_file))
        member = known.member(signer.fingerprint)
        if member is not None and known.revocation(signer.fingerprint) is None:
            found = {"name": member.name, "fingerprint": signer.fingerprint, "certified": True}
    console().print(
        (
            _("The request is signed by {name} ({fingerprint}), certified by the agency's roster.")
            if found["certified"]
            else _("The request is signed by {name} ({fingerprint}), not certified by a roster given here.")
        ).format(**found),
        markup=False,
    )
    return found


def _who_asked(env, owner: dict | None, requester: str | None, for_another: str | None) -> dict:
    """Whose store the request opens, said; the answer only for its owner, or for another with a
    reason (what the response records). InvalidInput otherwise: nothing is written."""
    from casecli.errors import InvalidInput

    out = console()
    if owner is None:
        out.print(
            _("Whose store this request opens was not recorded (a store set up before casecli kept it)."),
            markup=False,
        )
    else:
        out.print(
            _("This request opens the store of {name} ({agency}), identity {fingerprint}.").format(**owner),
            markup=False,
        )
    reason = (for_another or "").strip()
    if requester is None and not reason and env.interactive and owner is not None:
        from casecli.ui import prompts

        requester = prompts.text(_("Who asked for this recovery (their name, as you checked it)?") + " ")
    asked = (requester or "").strip()
    if reason:
        return {"owner": owner, "requester": asked, "for_another": reason}
    if owner is not None and asked and asked.casefold() == owner["name"].strip().casefold():
        return {"owner": owner, "requester": asked}
    raise InvalidInput(
        _(
            "agency-key answer: {who} is not the store's owner ({owner}); answer for another person only"
            " with --for-another REASON (recorded), nothing was written"
        ).format(who=asked or _("the person asking"), owner=owner["name"] if owner else _("not recorded"))
    )


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
    write_json_file(roster_file, signed)
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
    write_json_file(roster_file, signed)
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
    write_json_file(roster_file, signed)
    console().print(
        _("Roster {number} of {agency}: {fingerprint} revoked. Give it to every worker.").format(
            number=signed["number"], agency=signed["agency"], fingerprint=fingerprint
        ),
        markup=False,
    )


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py
app.add_typer(agency_app, name="agency-key")
