"""`casecli new-case`, `casecli list`, `casecli show`: registering and finding cases."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from casecli.commands.common import AnswersOption, JsonOption, NoInputOption, answers_from, console, env_of, open_store, print_json


def register(app: typer.Typer) -> None:
    @app.command("new-case")
    def new_case(
        ctx: typer.Context,
        answers: Optional[Path] = AnswersOption,
        no_input: bool = NoInputOption,
    ) -> None:
        """Register a child: a wizard in the order you meet the child, then a summary to check.

        Example: casecli new-case
        Example: casecli new-case --answers child.json --no-input
        """
        from casecli import wizard
        from casecli.cases import register_case
        from casecli.forms import load_form

        env = env_of(ctx, no_input)
        given = answers_from(answers)
        with open_store(env) as store:
            form = load_form("registration")
            clean = wizard.collect(form, env, given, console=console())
            number = register_case(store, clean, form, env.today)
        console().print(f"Registered case [bold]{number}[/bold].")

    @app.command("list")
    def list_cmd(
        ctx: typer.Context,
        status: Optional[str] = typer.Option(None, "--status", help="Only cases at this stage or status (e.g. registered, open, closed)."),
        risk: Optional[str] = typer.Option(None, "--risk", help="Only cases at this risk level: high, medium or low."),
        search: Optional[str] = typer.Option(None, "--search", help="Text to find in names (accents ignored) or case numbers."),
        as_json: bool = JsonOption,
    ) -> None:
        """List cases, highest risk first.

        Example: casecli list --risk high --search hernandez
        """
        from casecli.cases import list_cases
        from casecli.render import case_table

        env = env_of(ctx)
        with open_store(env) as store:
            rows = list_cases(store, env.today, status=status, risk=risk, search=search)
        if as_json:
            print_json(rows)
        else:
            console().print(case_table(rows))

    @app.command("show")
    def show_cmd(
        ctx: typer.Context,
        case: str = typer.Argument(..., help="Case number (any letter case), e.g. MX7-0042-R."),
        history: bool = typer.Option(False, "--history", help="Also list every recorded change."),
        as_json: bool = JsonOption,
    ) -> None:
        """Show everything known about a case, grouped by step.

        Example: casecli show MX7-0042-R --history
        """
        from casecli.cases import get_case
        from casecli.history import case_history
        from casecli.render import case_view

        env = env_of(ctx)
        with open_store(env) as store:
            record = get_case(store, case, env.today)
            if history:
                record["history"] = case_history(store, record["case_number"])
        if as_json:
            print_json(record)
        else:
            case_view(record, console(), env.lang)
