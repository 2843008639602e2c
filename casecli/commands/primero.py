"""`casecli primero push`: cases to the agency's Primero server, when a network exists."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import NoInputOption, command, console, env_of, open_store
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, n_

app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py
primero_app = typer.Typer(
    cls=CaseCliGroup,
    help=_("The agency's Primero (CPIMS+): send cases to its API when a network exists (see docs/primero.md)."),
    no_args_is_help=True,
)
app.add_typer(primero_app, name="primero")


@command(primero_app, "push")
def push_cmd(
    ctx: typer.Context,
    cases: list[str] | None = typer.Argument(None, help=_("Case numbers to send.")),
    everything: bool = typer.Option(False, "--all", help=_("Every case of yours, open or closed.")),
    url: str = typer.Option(..., "--url", help=_("The Primero server, e.g. https://primero.example.org.")),
    token_file: Path | None = typer.Option(
        None,
        "--token-file",
        help=_("A file holding the API token (else $CASECLI_PRIMERO_TOKEN); never on the command line."),
        dir_okay=False,
    ),
    schema: Path | None = typer.Option(
        None, "--schema", help=_("The server's case schema (default: Primero's default configuration)."), dir_okay=False
    ),
    notes: bool = typer.Option(
        False, "--notes", help=_("Carry what has no field in Primero (the child's words, plan versions …) as notes.")
    ),
    override_reason: str | None = typer.Option(
        None, "--override-reason", help=_("Send beyond the consent in force, and why (recorded in the case).")
    ),
    yes: bool = typer.Option(False, "--yes", help=_("Send without being asked, after the summary.")),
    no_input: bool = NoInputOption,
) -> None:
    """Send cases to a Primero server: each created, or updated where Primero holds it already.

    The cases are made and checked as `export --primero` makes them (the same summary of what is
    left out, the same consent check); each is then sent over HTTPS, and Primero's answer is
    reported case by case (created, updated, or refused with Primero's own words). A case Primero
    took is recorded in its sharing history.

    Example: casecli primero push --all --url https://primero.example.org --token-file ~/primero.token
    """
    from casecli.errors import Cancelled, InvalidInput
    from casecli.handover.primero.outgoing import cases_to_export, check_sharing, prepare, record_export
    from casecli.handover.primero.push import send, server_url, token_from
    from casecli.handover.primero.target import Target
    from casecli.ui import prompts
    from casecli.ui.primero_views import primero_summary, sent_view
    from casecli.ui.terminal import progress_bar

    env = env_of(ctx, no_input)
    out = console()
    base = server_url(url)
    token = token_from(token_file)
    target = Target(schema)
    with open_store(env) as store:
        numbers = cases_to_export(store, cases or [], everything)
        spent = check_sharing(store, numbers, override_reason)
        export = prepare(store, numbers, target, env.today, notes)
        out.print(primero_summary(export.summary()))
        if not yes:
            if not env.interactive:
                raise InvalidInput(_("primero push: confirm with --yes after reading the summary (nothing was sent)"))
            if not prompts.confirm(
                n_("Send {count} case to {url}?", "Send {count} cases to {url}?", len(numbers)).format(
                    count=len(numbers), url=base
                ),
                default=True,
            ):
                raise Cancelled()
        results = []
        with progress_bar() as progress:
            task = progress.add_task(_("Sending to Primero"), total=len(numbers))
            for number, record in zip(export.numbers, export.records, strict=True):
                results.append(send(base, token, number, record["data"]))
                progress.advance(task)
        taken = [r.case_number for r in results if r.accepted]
        if taken:
            from dataclasses import replace

            accepted = replace(
                export,
                numbers=[n for n in export.numbers if n in taken],
                records=[r for n, r in zip(export.numbers, export.records, strict=True) if n in taken],
            )
            with store.transaction():
                record_export(store, accepted, {n: a for n, a in spent.items() if n in taken}, override_reason, base)
    out.print(sent_view(results))
    if len(taken) < len(results):
        raise typer.Exit(1)
