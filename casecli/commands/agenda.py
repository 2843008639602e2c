"""`casecli agenda`: everything due or overdue across the worker's open cases."""

from __future__ import annotations

import datetime as dt
import sys

import typer

from casecli.commands.common import (
    JsonOption,
    command,
    emit,
    opened,
    print_json,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


@command(app, "agenda")
def agenda_cmd(
    ctx: typer.Context,
    days: int | None = typer.Option(
        None,
        "--days",
        min=0,
        max=365,
        help=_("Also what falls due within this many days (default: the agency setting, 7)."),
    ),
    as_json: bool = JsonOption,
) -> None:
    """Everything due or overdue across your open cases, most urgent first, with the command that resolves it.

    Example: casecli agenda --days 14
    """
    from casecli.case.reads.agenda import agenda, counted_agenda
    from casecli.store import settings
    from casecli.ui import long_table
    from casecli.ui.views import agenda_table

    with opened(ctx) as (env, store):
        window = days if days is not None else settings.get(store, "agenda.upcoming_days")
        until = env.today + dt.timedelta(days=window)
        if not as_json and not sys.stdout.isatty():  # a pipe or a file: the text from the values, as they come
            from casecli.ui.views import agenda_lines

            count, items = counted_agenda(store, env.today, window)  # (the count first: the title line)
            sys.stdout.writelines(agenda_lines(items, until, count))
            return
        items = agenda(store, env.today, window)
        if as_json:  # as they come: memory does not grow with the agenda
            print_json(items)
            return
        found, longer = long_table.first(items)
        if longer:  # printed as the items come, the store open meanwhile: memory stays flat
            from casecli.ui.render import console
            from casecli.ui.views import print_long_agenda

            print_long_agenda(console(), longer, until)
            return
    emit(found, False, lambda rows: agenda_table(rows, until), page=True)
