"""What only the worker can decide about a bundle of cases, asked before anything is written: a
sender who is not a contact, cases changed on both sides, new children who may be registered
here already, and the confirmation. `import` and `inbox import` pass `questions(...)` to
`handover.settle.settle`, which calls it once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from casecli.context import Env
from casecli.errors import Cancelled, InvalidInput
from casecli.i18n import _
from casecli.ui.import_views import bundle_summary
from casecli.ui.render import shown

if TYPE_CHECKING:
    from rich.console import Console

    from casecli.handover.import_plan import ImportPlan


class Skipped(InvalidInput):
    """An inbox bundle that needs a question and has no terminal to ask at: left in the inbox."""


def questions(
    out: Console, env: Env, trust_sender: bool, yes: bool, from_inbox: bool = False
) -> Callable[[ImportPlan], None]:
    """The questions for one bundle of cases. From the inbox, a bundle that would need a question
    with no terminal to ask at is skipped (a line says why) instead of stopping the run."""

    def ask(plan: ImportPlan) -> None:
        reader = plan.incoming.reader
        if from_inbox and not env.interactive:
            if not plan.sender_known and not trust_sender:
                raise Skipped(
                    _("from {sender}, not in your contacts (fingerprint {fingerprint})").format(
                        sender=shown(reader.sender_name), fingerprint=reader.fingerprint
                    )
                )
            if plan.undecided:
                raise Skipped(
                    _("{numbers} changed on both sides; choose with --on-conflict").format(
                        numbers=", ".join(plan.undecided)
                    )
                )
        bundle_summary(out, plan.incoming)
        ask_sender(env, plan, trust_sender)
        ask_conflicts(out, env, plan)
        ask_duplicates(out, env, plan)
        if not yes:
            from casecli.ui import prompts

            if not env.interactive:
                raise InvalidInput(
                    _("import: confirm with --yes (there is no terminal to ask at); nothing was changed")
                )
            if not prompts.confirm(_("Import now?"), default=True):
                raise Cancelled(_("import cancelled; nothing was changed"))

    return ask


def ask_sender(env: Env, plan: ImportPlan, trust_sender: bool) -> None:
    """A sender who is not a contact: the worker confirms the fingerprint, or the import stops."""
    from casecli.ui import prompts

    if plan.sender_known or trust_sender:
        return
    if not env.interactive:
        raise plan.unknown_sender()
    reader = plan.incoming.reader
    if not prompts.confirm(
        _("{sender} is not in your contacts. Have you checked the fingerprint {fingerprint} with them?").format(
            sender=shown(reader.sender_name), fingerprint=reader.fingerprint
        ),
        default=False,
    ):
        raise Cancelled(_("import cancelled: the sender was not confirmed; nothing was changed"))


def ask_conflicts(out: Console, env: Env, plan: ImportPlan) -> None:
    """Show each diverged case; ask what to do where `--on-conflict` did not say."""
    from casecli.ui import prompts

    for case in plan.diverged:
        out.print(
            "[yellow]"
            + _("{number} was changed on both sides since you last shared it.").format(number=case.number)
            + "[/yellow]"
        )
        out.print(
            "\n".join(
                ["  " + _("here only:") + "   " + shown(line) for line in case.local_only]
                + ["  " + _("theirs only:") + " " + shown(line) for line in case.theirs_only]
            )
        )
    if not env.interactive:
        plan.require_decided()
    for number in plan.undecided:
        plan.choices[number] = prompts.select(
            _("What to do with {number}?").format(number=number),
            [
                (_("Keep my version (ignore theirs)"), "keep_local"),
                (_("Take their version (mine is replaced)"), "take_theirs"),
                (_("Keep both: mine stays, theirs is kept aside for review"), "keep_both"),
            ],
        )


def ask_duplicates(out: Console, env: Env, plan: ImportPlan) -> None:
    """Say which new cases may be children registered here already; ask whether they are the same."""
    from casecli.ui import prompts

    for number, matches in plan.possible_duplicates.items():
        numbers = ", ".join(matches)
        out.print(
            "[yellow]"
            + _("{number} may be a child already registered here: {numbers}").format(number=number, numbers=numbers)
            + "[/yellow]"
        )
        if (
            env.interactive
            and prompts.select(
                _("Is {number} the same child as {numbers}?").format(number=number, numbers=numbers),
                [(_("No, another child"), "new"), (_("Yes, the same child (record it; nothing is merged)"), "same")],
            )
            == "same"
        ):
            plan.same_child[number] = matches
