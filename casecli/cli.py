"""The casecli command line: wiring only. Each command group lives in casecli/commands/, listed
in casecli/commands/table.py (scripts/command_table.py writes it) and imported when it runs.

Nothing heavy is imported here or at the top of a command module (no SQLModel, cryptography or
questionary), and `casecli --help` imports no command module at all, so it stays instant;
commands import what they need when they run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from casecli import i18n

i18n.setup(sys.argv, os.environ)  # before typer and the commands: their help texts are read at import

import typer

from casecli import __version__
from casecli.commands.errors import UsageError  # typer's private click: used through commands/errors.py only
from casecli.commands.lazy import LazyRoot
from casecli.errors import ExitCode
from casecli.i18n import _

# Click ends a command line it cannot parse with exit code 2, which casecli gives to store problems
# (wrong passphrase, not a store …): scripts tell the two apart by 64 for a usage error.
UsageError.exit_code = ExitCode.USAGE

app = typer.Typer(
    name="casecli",
    cls=LazyRoot,  # each command's module imported when it runs (commands/table.py lists them)
    help=_(
        "Offline, encrypted case management for unaccompanied and separated children.\n\n"
        "Start with `casecli init`, then register a child with `casecli new-case`.\n\n"
        "Example: casecli list --risk high --search hernandez"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from casecli.store.migrations import LATEST_VERSION  # plain data: no database library imported

        typer.echo(f"casecli {__version__} (store schema {LATEST_VERSION})")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    store: Path | None = typer.Option(
        None,
        "--store",
        help=_("The case store file (default: $CASECLI_STORE, else your user data folder)."),
        dir_okay=False,
        show_default=False,
    ),
    no_input: bool = typer.Option(False, "--no-input", help=_("Never prompt (also when CI=true or with no terminal).")),
    lang: str | None = typer.Option(None, "--lang", help=_("Language of prompts and documents: en or es.")),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help=_("Show the version and exit.")
    ),
) -> None:
    ctx.obj = {"store": store, "no_input": no_input, "lang": lang}


def main() -> None:
    from casecli.hardening import harden
    from casecli.package_data import missing

    lost = missing()
    if lost is not None:  # a broken install or frozen build: said once, never a fallback to English
        typer.echo(
            f"error: casecli's own file {lost} is missing: reinstall casecli (or rebuild it with its data)", err=True
        )
        raise SystemExit(ExitCode.ERROR)

    harden()  # before the passphrase is read: no core dump will ever hold it
    app(prog_name="casecli")
