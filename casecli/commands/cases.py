"""`casecli new-case`, `casecli list`, `casecli show`: registering and finding cases."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from casecli import messages
from casecli.commands.common import (
    AnswersOption,
    CaseArgument,
    DiscardDraftOption,
    JsonOption,
    NoInputOption,
    answers_from,
    command,
    console,
    conversation,
    draft_for,
    emit,
    env_of,
    next_step_line,
    open_store,
    opened,
    print_json,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


@command(app, "new-case")
def new_case(
    ctx: typer.Context,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    quick: bool = typer.Option(
        False, "--quick", help=_("Only the minimum for today; complete it later with `casecli edit`.")
    ),
    new_child: bool = typer.Option(
        False,
        "--new-child",
        help=_("Register even if casecli finds possible duplicates (you checked: another child)."),
    ),
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Register a child: a wizard in the order you meet the child, then a summary to check.

    Before saving, casecli looks for cases that may be the same child and asks.

    Example: casecli new-case
    Example: casecli new-case --quick
    Example: casecli new-case --answers child.json --no-input
    """
    from casecli.case.decisions import duplicates
    from casecli.case.due.lifecycle import next_step
    from casecli.case.steps.registration import register_case, rules
    from casecli.forms import load_form
    from casecli.ui import wizard

    env = env_of(ctx, no_input)
    given = answers_from(answers)
    out = console()
    with open_store(env) as store:
        form = load_form("registration-quick" if quick else "registration")

        def save(clean: dict) -> str | None:
            """Registered (the case number), or None when the worker found the child registered already."""
            matches = duplicates.matches_for(store, clean, env.today)
            if matches and not new_child and not decide_new_child(env, store, matches, out):
                return None
            return register_case(store, clean, form, env.today, not_same_as=tuple(n for n, _ in matches))

        number = wizard.collect(
            form,
            env,
            given,
            console=conversation(),
            rules=lambda a: rules(store, a),
            save=save,
            # a registration is the longest wizard: kept after every answer until it is saved
            draft=draft_for(env, store, form.id, "", discard_draft),
        )
        if number is None:
            return
        step = next_step(store, number, env.today)
    note = " " + _("(quick: complete it with `casecli edit {number}`)").format(number=number) if quick else ""
    out.print(_(messages.REGISTERED).format(number=f"[bold]{number}[/bold]") + note)
    if step is not None:
        out.print(next_step_line(step), markup=False)


@command(app, "edit")
def edit_cmd(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    set_: list[str] | None = typer.Option(
        None,
        "--set",
        help=_(
            "One answer as field=value (repeatable; field= empty removes it). Arguments stay in the "
            "shell's history: give names and other identifying answers with --answers FILE or interactively."
        ),
    ),
    no_input: bool = NoInputOption,
) -> None:
    """Change registration answers, or complete a quick registration. Old values stay in the history.

    Example: casecli edit MX7-0042-R
    Example: casecli edit MX7-0042-R --set current_location="Casa Refugio" --set risk_level=medium
    """
    from casecli.case.child.age import registration_problems
    from casecli.case.file.lookup import require_open
    from casecli.case.reads.view import get_case
    from casecli.case.steps.registration import edit_registration
    from casecli.errors import InvalidInput
    from casecli.forms import load_form
    from casecli.ui import wizard

    env = env_of(ctx, no_input)
    changes = answers_from(answers)
    for item in set_ or []:
        field, sep, value = item.partition("=")
        if not sep or not field.strip():
            raise InvalidInput(_("--set: expected field=value, e.g. risk_level=medium"))
        changes[field.strip()] = value if value.strip() else None
    out = console()
    with open_store(env) as store:
        record = get_case(store, case, env.today)
        require_open(store, record["case_number"])  # before any question
        if changes:
            diff = edit_registration(store, record["case_number"], changes, env.today)
        elif env.interactive:
            form = load_form("registration")
            clean = wizard.collect(
                form,
                env,
                record["registration"],
                console=conversation(),
                rules=lambda a: registration_problems(store, a),
            )
            diff = edit_registration(store, record["case_number"], clean, env.today, replace=True)
        else:
            raise InvalidInput(_("nothing to change: give --set field=value or --answers FILE"))
        after = get_case(store, record["case_number"], env.today)
    if not diff:
        out.print(_("Nothing changed."))
        return
    out.print(_("Updated {number}: {fields}.").format(number=after["case_number"], fields=", ".join(diff)))
    if after["incomplete"]:
        out.print(_("Still to complete: {fields}.").format(fields=", ".join(after["missing"])))
    elif record["incomplete"]:
        out.print(_("The registration is now complete."))


@command(app, "list")
def list_cmd(
    ctx: typer.Context,
    status: str | None = typer.Option(
        None, "--status", help=_("Only cases at this stage or status (e.g. registered, open, closed).")
    ),
    risk: str | None = typer.Option(None, "--risk", help=_("Only cases at this risk level: high, medium or low.")),
    search: str | None = typer.Option(
        None, "--search", help=_("Text to find in names (accents ignored) or case numbers.")
    ),
    incomplete: bool = typer.Option(False, "--incomplete", help=_("Only quick registrations still to complete.")),
    as_json: bool = JsonOption,
) -> None:
    """List cases, highest risk first.

    Example: casecli list --risk high --search hernandez
    """
    from casecli.case.reads.view import list_cases
    from casecli.ui import long_table
    from casecli.ui.views import case_table

    with opened(ctx) as (env, store):
        rows = list_cases(store, env.today, status=status, risk=risk, search=search, incomplete=incomplete)
        if as_json:  # as they come: memory does not grow with the store
            print_json(rows)
            return
        if not sys.stdout.isatty():  # a pipe or a file: the text straight from the values, as they come
            from casecli.case.reads.view import count_cases
            from casecli.ui.views import case_lines

            count = count_cases(store, status=status, risk=risk, search=search, incomplete=incomplete)
            sys.stdout.writelines(case_lines(rows, count))
            return
        found, longer = long_table.first(rows)
        if longer:  # printed as the rows come, the store open meanwhile: memory stays flat
            from casecli.ui.render import console
            from casecli.ui.views import print_long_cases

            print_long_cases(console(), longer)
            return
    emit(found, False, case_table, page=True)


@command(app, "show")
def show_cmd(
    ctx: typer.Context,
    case: str = typer.Argument(..., help=_("Case number (any letter case), e.g. MX7-0042-R.")),
    history: bool = typer.Option(False, "--history", help=_("Also list every recorded change.")),
    sharing: bool = typer.Option(
        False, "--sharing", help=_("Also what the child agreed to share, and every sharing with others.")
    ),
    voice: bool = typer.Option(
        False, "--voice", help=_("Only the child's voice: what the child said and was told, at every step.")
    ),
    as_json: bool = JsonOption,
) -> None:
    """Show everything known about a case, grouped by step.

    Example: casecli show MX7-0042-R --history
    Example: casecli show MX7-0042-R --voice
    """
    from casecli.case.reads.view import case_record
    from casecli.ui.notes_views import voice_view
    from casecli.ui.views import case_view

    with opened(ctx) as (env, store):
        record = case_record(store, case, env.today, history=history, sharing=sharing, voice=voice)
    if voice and as_json:
        emit({"case_number": record["case_number"], "voice": record["voice"]}, True, voice_view)
        return
    emit(record, as_json, voice_view if voice else (lambda value: case_view(value, env.lang)), page=True)


def decide_new_child(env, store, matches: list[tuple[str, float]], out) -> bool:
    """Possible duplicates found: True to register anyway (the worker says: another child)."""
    from casecli.case.reads.view import get_case
    from casecli.errors import PossibleDuplicate
    from casecli.ui.views import case_table

    numbers = [n for n, _ in matches]
    if not env.interactive:
        raise PossibleDuplicate(
            _(
                "possible duplicate of {numbers}: compare with `casecli show {first}`; if this is another child, "
                "run again with --new-child"
            ).format(numbers=", ".join(numbers), first=numbers[0])
        )
    from casecli.ui import prompts

    rows = [get_case(store, n, env.today) for n in numbers]
    out.print(_("[bold yellow]This child may already be registered:[/bold yellow]"))
    out.print(case_table(rows))
    choice = prompts.select(
        _("Is this one of these children?"),
        [(_("No: it is a new child, register"), "new"), (_("Yes: the same child, do not register"), "same")],
    )
    if choice == "same":
        out.print(
            _("Not registered. The child's case: {number} (`casecli show {number}`, `casecli edit {number}`).").format(
                number=numbers[0]
            )
        )
        return False
    return True
