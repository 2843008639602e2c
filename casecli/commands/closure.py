"""`casecli close` and `reopen`: closing a case with its reason and checks, and reopening it."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    AnswersOption,
    CaseArgument,
    DiscardDraftOption,
    NoInputOption,
    answers_from,
    command,
    console,
    conversation,
    draft_for,
    env_of,
    open_store,
    opened,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _
from casecli.ui.render import shown

app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


@command(app, "close")
def close_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    acknowledge_open: bool = typer.Option(
        False,
        "--acknowledge-open",
        help=_("Close although plan items or referrals are still open (each is recorded with the closure)."),
    ),
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Close a case with a standard reason and the checks that reason needs; it becomes read-only.

    What is still open (plan items not done, referrals with no outcome) is listed first: resolve
    each, or acknowledge it. "reached_adulthood" needs the child to be 18 (or nearly); a durable
    solution or a reunification records with whom, where and when.

    Example: casecli close MX7-0042-R
    Example: casecli close MX7-0042-R --answers closure.json --acknowledge-open --no-input
    """
    from casecli.case.file.lookup import require_open, resolve
    from casecli.case.reads.today import closure_known
    from casecli.case.steps.closure import close_case, closure_problems, open_at_closure
    from casecli.forms import load_form
    from casecli.ui import wizard

    env = env_of(ctx, no_input)
    out = console()
    with open_store(env) as store:
        number = resolve(store, case)
        require_open(store, number)
        still_open = open_at_closure(store, number)
        if still_open and env.interactive and not acknowledge_open:
            acknowledge_open = _acknowledge_each(out, still_open)
        given = answers_from(answers)

        reunified = closure_known(store, number) if env.interactive else {}

        def save(clean: dict) -> dict:
            return {**close_case(store, number, clean, acknowledged=acknowledge_open), "answers": clean}

        closed = wizard.collect(
            load_form("closure"),
            env,
            given,
            console=conversation(),
            rules=lambda a: closure_problems(store, number, a),
            save=save,
            draft=draft_for(env, store, "close", number, discard_draft),
            known=lambda a: reunified if a.get("reason") == "reunified" else {},
        )
        clean = closed["answers"]
    from casecli.forms.labels import answer

    if closed.get("awaiting_approval"):
        out.print(
            _(
                "Closure of {number} requested: it waits for a supervisor's approval"
                " (`casecli approval request {number} --to SUPERVISOR`)."
            ).format(number=number),
            markup=False,
        )
        return
    out.print(
        _("{number} is closed ({reason}). Reopen it with `casecli reopen {number} --reason …`.").format(
            number=number, reason=answer("closure", "reason", clean["reason"])
        )
    )


def _acknowledge_each(out, still_open: list[dict]) -> bool:
    """Ask about each open item before the closure's questions: acknowledge it, or stop to resolve it."""
    from casecli.errors import Cancelled
    from casecli.ui import prompts

    out.print("[bold]" + _("Still open on this case") + "[/bold]")
    for item in still_open:
        # a plan item kind is translated as data (plan_rules.ITEM_NAMES)
        name = item["kind"]
        kind = (_("referral") if name == "referral" else _(name)).capitalize()
        choice = prompts.select(
            f"{kind} {shown(item['id'])}: {shown(item['title'])}",
            [
                (_("Acknowledge: it stays open, recorded with the closure"), "acknowledge"),
                (_("Stop: I will resolve it first (nothing is saved)"), "stop"),
            ],
        )
        if choice == "stop":
            raise Cancelled()
    return True


@command(app, "reopen")
def reopen_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    reason: str = typer.Option(..., "--reason", help=_("Why the case is reopened.")),
) -> None:
    """Reopen a closed case.

    Example: casecli reopen MX7-0042-R --reason "the child came back to the shelter"
    """
    from casecli.case.steps.closure import reopen_case

    with opened(ctx) as (env, store):
        number = reopen_case(store, case, reason, env.today)
    console().print(_("{number} is open again.").format(number=number))
