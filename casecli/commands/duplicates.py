"""`casecli duplicates` and `casecli link`: children who may be registered twice, and siblings."""

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

app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


@command(app, "duplicates")
def duplicates_cmd(
    ctx: typer.Context,
    as_json: bool = JsonOption,
    per_child: int = typer.Option(
        5, "--per-child", min=1, max=1000, help=_("List each child's most alike candidates only, this many.")
    ),
) -> None:
    """List pairs of cases that may be the same child, not yet decided, most alike first.

    Each child's five most alike candidates are listed (--per-child to change it). Decide each
    pair with `casecli link A B --same-child` or `--not-same`.

    Example: casecli duplicates
    Example: casecli duplicates --per-child 20 --json
    """
    from casecli.case.decisions.duplicates import duplicate_pairs
    from casecli.ui.views import duplicate_pairs_table

    with opened(ctx) as (env, store):
        rows = duplicate_pairs(store, env.today, per_child)
    emit(rows, as_json, duplicate_pairs_table)


@command(app, "link")
def link_cmd(
    ctx: typer.Context,
    case: str = typer.Argument(..., help=_("One case number.")),
    other: str = typer.Argument(..., help=_("The other case number.")),
    same_child: bool = typer.Option(
        False, "--same-child", help=_("Both cases are the same child (a duplicate registration).")
    ),
    sibling: bool = typer.Option(False, "--sibling", help=_("The two children are siblings.")),
    not_same: bool = typer.Option(
        False, "--not-same", help=_("Checked: two different children (stops listing them as duplicates).")
    ),
    note: str = typer.Option("", "--note", help=_("Why you decided so (kept in both histories).")),
) -> None:
    """Record a decision about two cases; it is shown on both.

    Example: casecli link MX7-0042-R MX7-0051-C --same-child --note "same child, name misspelt"
    Example: casecli link MX7-0042-R MX7-0043-J --sibling
    """
    from casecli.case.decisions.links import link
    from casecli.errors import InvalidInput

    chosen = [kind for kind, on in (("same_child", same_child), ("sibling", sibling), ("not_same", not_same)) if on]
    if len(chosen) != 1:
        raise InvalidInput(_("link: give exactly one of --same-child, --sibling, --not-same"))
    with opened(ctx) as (_env, store):
        a, b = link(store, case, other, chosen[0], note)
    console().print(_("Recorded: {a} and {b} ({kind}).").format(a=a, b=b, kind=chosen[0].replace("_", " ")))
