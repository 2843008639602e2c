"""`casecli init`: create the encrypted store and the worker's profile."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from casecli import messages
from casecli.commands.common import (
    AnswersOption,
    NoInputOption,
    answers_from,
    command,
    console,
    env_of,
)
from casecli.context import Env
from casecli.i18n import _

RECOVERY_WARNING = messages.RECOVERY_WARNING


def create(env: Env, given: dict, agency_key: str | None = None):
    """Collect the profile and a passphrase, then create the store; returns (store, recovery code)."""
    from casecli.protection import recovery
    from casecli.ui import wizard
    from casecli.errors import StoreExists
    from casecli.forms import load_form
    from casecli.ui.passphrase import kdf_memory, new_passphrase
    from casecli.store import sealing
    from casecli.store.db import create_store

    if env.store_path.exists():
        raise StoreExists(_("a store already exists at {path}").format(path=env.store_path))
    agency_public = sealing.parse_public(agency_key) if agency_key else None
    form = load_form("profile")
    out = console()
    if env.interactive:
        out.print(_("[bold]Creating a new case store[/bold] at {path}").format(path=env.store_path))
    profile = wizard.collect(form, env, given, console=out)
    passphrase = new_passphrase(env)
    code = recovery.generate()
    store = create_store(
        env.store_path, passphrase, profile, form.version, recovery_code=code,
        kdf_memory_kib=kdf_memory(env), agency_public=agency_public,
    )
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


def create_interactively(env: Env):
    return create(env, {})


def register(app: typer.Typer) -> None:
    @command(app, "init")
    def init_cmd(
        ctx: typer.Context,
        answers: Optional[Path] = AnswersOption,
        no_input: bool = NoInputOption,
        agency_key: Optional[str] = typer.Option(
            None, "--agency-key", help=_("Your agency's recovery public key (casecli-agency1:…), if it has one.")
        ),
    ) -> None:
        """Create the encrypted case store and your case worker profile.

        The passphrase is asked twice (or read from CASECLI_PASSPHRASE_FILE / CASECLI_PASSPHRASE).
        A recovery code is shown once: write it down.

        Example: casecli init --answers profile.json --no-input
        """
        env = env_of(ctx, no_input)
        store = create(env, answers_from(answers), agency_key)
        store.close()
        console().print(_("Store created at {path}. Register a child with `casecli new-case`.").format(path=env.store_path))
