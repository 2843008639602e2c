"""`casecli bia` and `casecli bid`: Best Interests Assessments and the BID panels that decide on them.

`casecli bia CASE` records an assessment (as `casecli bia add CASE`); `bia list|show` read them.
The same for `bid`.
"""

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
from casecli.commands.errors import CaseCliGroup, RecordGroup
from casecli.i18n import _

bia_app = typer.Typer(
    cls=RecordGroup,
    help=_("Best Interests Assessments: `casecli bia CASE` records one; list, show."),
    no_args_is_help=True,
)
bid_app = typer.Typer(
    cls=RecordGroup,
    help=_("Best Interests Determination panels: `casecli bid CASE` records one; list, show."),
    no_args_is_help=True,
)
WhichArgument = typer.Argument(None, metavar="[N]", help=_("Its number (see list); the latest if not given."))


def bid_required_line(store, number: str) -> str | None:
    from casecli.case.due.bid_rules import required
    from casecli.i18n import format_date
    from casecli.ui.best_interests_views import reason_words

    found = required(store, number)
    if not found:
        return None
    return _("A BID is required ({why}): record the panel with `casecli bid {number}` by {date}.").format(
        why=reason_words(found[0]["why"]), number=number, date=format_date(found[0]["due"])
    )


@command(bia_app, "add")
def bia_add(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record a Best Interests Assessment: purpose, sources, the child's views and wishes, the family,
    risks, options and the recommendation, and whether the child accepts it.

    Example: casecli bia MX7-0042-R
    Example: casecli bia MX7-0042-R --answers bia.json --no-input
    """
    from casecli.case.decisions.best_interests import bia_problems, record_bia
    from casecli.case.file.lookup import resolve_open
    from casecli.forms import load_form
    from casecli.ui import wizard
    from casecli.ui.notes_views import earlier_words

    env = env_of(ctx, no_input)
    given = answers_from(answers)
    with open_store(env) as store:
        number = resolve_open(store, case)  # before any question
        words, hints = earlier_words(store, number) if env.interactive else ({}, {})
        saved = wizard.collect(
            load_form("bia"),
            env,
            given,
            console=conversation(),
            defaults=words,
            hints=hints,
            save=lambda clean: record_bia(store, number, clean),
            rules=lambda clean: bia_problems(store, number, clean),
            draft=draft_for(env, store, "bia", number, discard_draft),
        )
        required = bid_required_line(store, number)
    console().print(
        _("Best interests assessment {count} recorded for {number}.").format(count=saved["number"], number=number)
    )
    if saved["awaiting_approval"]:
        console().print(
            _(
                "It awaits a supervisor's approval before a BID panel decides on it: `casecli approval request {number}`."
            ).format(number=number)
        )
    if required:
        console().print(required)


@command(bid_app, "add")
def bid_add(
    ctx: typer.Context,
    case: str = CaseArgument,
    answers: Path | None = AnswersOption,
    no_input: bool = NoInputOption,
    discard_draft: bool = DiscardDraftOption,
) -> None:
    """Record a BID panel's decision on the case's latest Best Interests Assessment.

    Answers file: the BID form's fields, plus "members": [{"name", "agency", "role"}] and
    "actions": [{"action", "owner", "due"}]; the actions go into the next plan version.

    Example: casecli bid MX7-0042-R
    Example: casecli bid MX7-0042-R --answers bid.json --no-input
    """
    from casecli.case.decisions.best_interests import (
        bia_to_decide,
        bid_problems,
        known_members,
        member_problem,
        record_bid,
    )
    from casecli.case.file.lookup import resolve_open
    from casecli.forms import load_form
    from casecli.ui import wizard
    from casecli.ui.conference_parts import PanelParts

    env = env_of(ctx, no_input)
    given = answers_from(answers)
    members, actions = given.pop("members", None), given.pop("actions", None)
    with open_store(env) as store:
        number = resolve_open(store, case)  # before any question
        bia = bia_to_decide(store, number)  # a panel with nothing to decide on says so first
        parts = None
        if env.interactive:
            parts = PanelParts(
                env,
                members if isinstance(members, list) else None,
                actions if isinstance(actions, list) else None,
                person_problem=member_problem(store, bia),
                known_people=known_members(store),
            )

        def save(clean: dict) -> dict:
            people, follow_ups = (parts.participants, parts.actions) if parts is not None else (members, actions)
            return {**record_bid(store, number, clean, people, follow_ups, env.today), "answers": clean}

        # The menu starts on the assessment's recommendation (the answer the records imply); only at
        # a terminal, where the worker presses Enter on it: never filled in unasked.
        recommended = bia["answers"].get("best_interest_recommendation")
        defaults = {"durable_solution": recommended} if env.interactive and recommended else {}
        saved = wizard.collect(
            load_form("bid"),
            env,
            given,
            console=conversation(),
            extra=parts,
            save=save,
            defaults=defaults,
            rules=lambda clean: bid_problems(store, number, clean),
            draft=draft_for(env, store, "bid", number, discard_draft),
        )
        clean = saved["answers"]
    console().print(
        _("Best interests determination {count} recorded for {number}.").format(count=saved["number"], number=number)
    )
    if saved["actions"]:
        from casecli.ui.notes_views import follow_ups_line

        console().print(follow_ups_line(saved["actions"], number))
    next_words = {
        "closes_case": _("The panel decided to close the case: close it with `casecli close {number}`."),
        "reopens": _("The panel reopened the assessment: record a new one with `casecli bia {number}`."),
        "defers": _("The panel deferred its decision: the BID is due on its new date."),
        "does_not_approve": _(
            "The panel did not approve the recommendation: a new best interests assessment is due (`casecli bia {number}`)."
        ),
    }
    if clean["decision"] in next_words:
        console().print(next_words[clean["decision"]].format(number=number))


def _read_commands(app: typer.Typer, kind: str, list_doc: str, show_doc: str) -> None:
    """`casecli KIND list CASE` and `casecli KIND show CASE [N]` (KIND: bia or bid), helped by the docs given."""

    def list_cmd(ctx: typer.Context, case: str = CaseArgument, as_json: bool = JsonOption) -> None:
        from casecli.case.decisions.best_interests import records_of
        from casecli.ui.best_interests_views import records_table

        emit_case_rows(
            ctx,
            case,
            as_json,
            lambda store, number: records_of(store, number, kind),
            lambda number, rows: records_table(number, kind, rows),
        )

    def show_cmd(
        ctx: typer.Context,
        case: str = CaseArgument,
        which: int | None = WhichArgument,
        fmt: str | None = DocumentFormatOption,
        output: Path | None = DocumentOutputOption,
        doc_lang: str | None = DocumentLangOption,
    ) -> None:
        from casecli.case.reads.documents import best_interests_context, render

        check_document(fmt, doc_lang)
        with opened(ctx) as (env, store):
            context = best_interests_context(store, case, kind, which, env.today, doc_lang or env.lang)
        deliver_document(render("record", context, fmt or "markdown"), fmt, output)

    list_cmd.__doc__, show_cmd.__doc__ = list_doc, show_doc
    command(app, "list")(list_cmd)
    command(app, "show")(show_cmd)


_read_commands(
    bia_app,
    "bia",
    """A case's Best Interests Assessments, numbered in date order.

    Example: casecli bia list MX7-0042-R
    """,
    """A Best Interests Assessment as a printable record, with the worker's signature line.

    Example: casecli bia show MX7-0042-R --format html --output bia.html
    """,
)
_read_commands(
    bid_app,
    "bid",
    """A case's BID panels, numbered in date order.

    Example: casecli bid list MX7-0042-R
    """,
    """A BID panel's record: the decision, its reasons, the actions, a signature line for each member.

    Example: casecli bid show MX7-0042-R --format html --output bid.html
    """,
)


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(bia_app, name="bia")
app.add_typer(bid_app, name="bid")
