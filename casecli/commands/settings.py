"""`casecli settings show|set`: the agency's deadlines and limits for this store."""

from __future__ import annotations

import typer

from casecli.commands.common import (
    JsonOption,
    command,
    console,
    emit,
    env_of,
    open_store,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

settings_app = typer.Typer(
    cls=CaseCliGroup,
    help=_("Agency settings: deadlines by risk level, referral and agenda limits."),
    no_args_is_help=True,
)


@command(settings_app, "show")
def show_cmd(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """Show every setting and its value.

    Example: casecli settings show
    """
    from casecli import settings
    from casecli.ui.admin_views import settings_view

    env = env_of(ctx)
    with open_store(env) as store:
        values = settings.all_settings(store)
    emit(values, as_json, settings_view)


@command(settings_app, "set")
def set_cmd(
    ctx: typer.Context,
    key: str = typer.Argument(..., help=_("e.g. deadlines.high.plan_days")),
    value: str = typer.Argument(...),
) -> None:
    """Change one setting (whole numbers of days or years).

    Example: casecli settings set deadlines.high.plan_days 5
    """
    from casecli.case.lifecycle import change_setting

    env = env_of(ctx)
    with open_store(env) as store:
        saved = change_setting(store, key, value)
    console().print(f"{key} = {saved}")


def register(app: typer.Typer) -> None:
    app.add_typer(settings_app, name="settings")
