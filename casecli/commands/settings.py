"""`casecli settings show|set`: the agency's deadlines and limits for this store."""

from __future__ import annotations

import typer

from casecli.commands.common import (
    JsonOption,
    command,
    console,
    emit,
    opened,
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
    from casecli.store import settings
    from casecli.ui.admin_views import settings_view

    with opened(ctx) as (_env, store):
        values = settings.all_settings(store)
    emit(values, as_json, settings_view)


# "-5" is a value to refuse with one line (0 to 3650), not an option click knows nothing of
@command(settings_app, "set", context_settings={"ignore_unknown_options": True})
def set_cmd(
    ctx: typer.Context,
    pairs: list[str] = typer.Argument(
        ..., metavar="KEY VALUE [KEY VALUE]...", help=_("e.g. deadlines.high.plan_days 5")
    ),
) -> None:
    """Change settings (whole numbers of days or years); several at once are one change.

    Example: casecli settings set deadlines.high.plan_days 5
    Example: casecli settings set approval.plan_activation 0 approval.closure 0
    """
    from casecli.case.file.setting_changes import change_settings
    from casecli.errors import InvalidInput

    if len(pairs) % 2:
        raise InvalidInput(_("settings set: expected pairs of KEY VALUE"))
    with opened(ctx) as (_env, store):
        saved = change_settings(store, list(zip(pairs[::2], pairs[1::2], strict=True)))
    for key, value in saved:
        console().print(f"{key} = {value}")


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(settings_app, name="settings")
