"""`casecli init`: create the encrypted store and the worker's profile."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    AnswersOption,
    NoInputOption,
    answers_from,
    command,
    console,
    env_of,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _
from casecli.ui.setup import create

app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


@command(app, "init")
def init_cmd(
    ctx: typer.Context,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    agency_key: str | None = typer.Option(
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
