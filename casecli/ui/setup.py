"""Creating a store with a person at the terminal (or an answers file): the profile, a passphrase
asked twice, and the recovery code shown once. Shared by `init` and any command that finds no store."""

from __future__ import annotations

from casecli import messages
from casecli.context import Env
from casecli.i18n import _
from casecli.ui.render import console
from casecli.ui.terminal import conversation

RECOVERY_WARNING = messages.RECOVERY_WARNING


def create(env: Env, given: dict, agency_key: str | None = None):
    """Collect the profile and a passphrase, then create the store and show the recovery code; returns the open store."""
    from casecli.errors import StoreExists
    from casecli.forms import load_form
    from casecli.protection import recovery
    from casecli.store import sealing
    from casecli.store.db import create_store
    from casecli.ui import wizard
    from casecli.ui.passphrase import kdf_memory, new_passphrase

    if env.store_path.exists():
        raise StoreExists(_("a store already exists at {path}").format(path=env.store_path))
    agency_public, agency_signing = sealing.parse_agency_line(agency_key) if agency_key else (None, None)
    form = load_form("profile")
    out = console()
    if env.interactive:
        out.print(_("[bold]Creating a new case store[/bold] at {path}").format(path=env.store_path))
    # The interface's language is the first offered: a worker pressing Enter keeps what they read.
    profile = wizard.collect(form, env, given, console=conversation(), defaults={"language": env.lang})
    passphrase = new_passphrase(env)
    code = recovery.generate()
    store = create_store(
        env.store_path,
        passphrase,
        profile,
        form.version,
        recovery_code=code,
        kdf_memory_kib=kdf_memory(env),
        agency_public=agency_public,
    )
    if agency_public is not None:
        from casecli.handover.identity import own
        from casecli.protection.keys import record_owner

        me = own(store)  # whose store it is, sealed for the agency's key holder
        record_owner(
            env.store_path, store.data_key, {"name": me.name, "agency": me.agency, "fingerprint": me.fingerprint}
        )
    if agency_signing is not None:
        from casecli.handover import roster

        with store.transaction():
            roster.pin(store, agency_signing)
    env.lang = profile.get("language", env.lang)
    show_recovery_code(env, code)
    return store


def show_recovery_code(env: Env, code: str) -> None:
    from rich.panel import Panel

    out = console()
    out.print(Panel(f"[bold]{code}[/bold]\n\n{_(RECOVERY_WARNING)}", title=_("Recovery code"), expand=False))
    if env.interactive:
        from casecli.ui import prompts

        while not prompts.confirm(_("I have written the recovery code down"), default=False):
            out.print(_("Please write it down before going on: it will not be shown again."))
