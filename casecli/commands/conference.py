"""`casecli conference add|list|show`: case conferences of the multi-disciplinary team."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import (
    AnswersOption,
    CaseArgument,
    DiscardDraftOption,
    DocumentFormatOption,
    DocumentLangOption,
    DocumentOutputOption,
    JsonOption,
    NoInputOption,
    answers_from,
    check_document,
    command,
    console,
    conversation,
    deliver_document,
    draft_for,
    emit_case_rows,
    env_of,
    open_store,
    opened,
)
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

conference_app = typer.Typer(
    cls=CaseCliGroup, help=_("Case conferences of the team: add, list, show."), no_args_is_help=True
)


@command(conference_app, "add")
def conference_add(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record a case conference: who took part, how the child took part, the decisions and the follow-up actions.

    The follow-up actions go into the next version of the plan (`casecli plan edit`), linked to
    the conference. Answers file: the conference form's fields, plus "participants": [{"name",
    "role", "agency"}] and "actions": [{"action", "owner", "due"}].

    Example: casecli conference add MX7-0042-R
    Example: casecli conference add MX7-0042-R --answers conference.json --no-input
    """
    from casecli.case.decisions.conference import record_conference
    from casecli.case.file.lookup import resolve_open
    from casecli.forms import load_form
    from casecli.ui import wizard
    from casecli.ui.conference_parts import ConferenceParts
    from casecli.ui.notes_views import earlier_words

    env = env_of(ctx, no_input)
    given = answers_from(answers)
    participants, actions = given.pop("participants", None), given.pop("actions", None)
    with open_store(env) as store:
        number = resolve_open(store, case)  # before any question
        parts = None
        words: dict = {}
        hints: dict = {}
        if env.interactive:
            words, hints = earlier_words(store, number)
            from casecli.case.decisions.conference import known_participants, participants_problem

            parts = ConferenceParts(
                env,
                participants if isinstance(participants, list) else None,
                actions if isinstance(actions, list) else None,
                people_problem=lambda people: participants_problem(store, people),
                known_people=known_participants(store, number),
            )

        def save(clean: dict) -> dict:
            people, follow_ups = (parts.participants, parts.actions) if parts is not None else (participants, actions)
            return record_conference(store, number, clean, people, follow_ups, env.today)

        saved = wizard.collect(
            load_form("conference"),
            env,
            given,
            console=conversation(),
            defaults=words,
            hints=hints,
            extra=parts,
            save=save,
            draft=draft_for(env, store, "conference add", number, discard_draft),
        )
    console().print(_("Case conference {count} recorded for {number}.").format(count=saved["number"], number=number))
    if saved["actions"]:
        from casecli.ui.notes_views import follow_ups_line

        console().print(follow_ups_line(saved["actions"], number))


@command(conference_app, "list")
def conference_list(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
    """List a case's conferences, numbered in the order they were held.

    Example: casecli conference list MX7-0042-R
    """
    from casecli.case.decisions.conference import conferences_of
    from casecli.ui.notes_views import conference_table

    emit_case_rows(ctx, case, as_json, conferences_of, conference_table)


@command(conference_app, "show")
def conference_show(
    ctx: typer.Context,
    case: str = CaseArgument,
    which: int = typer.Argument(..., metavar="N", help=_("The conference's number (see `casecli conference list`).")),
    fmt: str | None = DocumentFormatOption,
    output: Path | None = DocumentOutputOption,
    doc_lang: str | None = DocumentLangOption,
) -> None:
    """A conference's record, with a signature line for each participant.

    Example: casecli conference show MX7-0042-R 1
    Example: casecli conference show MX7-0042-R 1 --format html --output conference.html
    """
    from casecli.case.reads.documents import conference_context, render

    check_document(fmt, doc_lang)
    with opened(ctx) as (env, store):
        context = conference_context(store, case, which, env.today, doc_lang or env.lang)
    deliver_document(render("record", context, fmt or "markdown"), fmt, output)


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(conference_app, name="conference")
