"""What every command shares: the environment, the console, opening the store, JSON output."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from casecli.context import Env
from casecli.errors import StoreMissing
from casecli.i18n import _
from casecli.ui.render import console as console
from casecli.ui.render import emit as emit
from casecli.ui.render import print_json as print_json
from casecli.ui.render import shown
from casecli.ui.terminal import conversation as conversation

if TYPE_CHECKING:
    from casecli.case.due.due_rules import DueItem
    from casecli.store.db import Store

AnswersOption = typer.Option(
    None,
    "--answers",
    help=_("JSON file of answers keyed by field id (see `casecli forms show`)."),
    exists=False,
    dir_okay=False,
)
NoInputOption = typer.Option(
    False,
    "--no-input",
    help=_("Never prompt: fail with the list of missing or invalid answers instead."),
)
CaseArgument = typer.Argument(..., help=_("Case number, e.g. MX7-0042-R."))
DiscardDraftOption = typer.Option(
    False, "--discard-draft", help=_("Start again: drop the answers a cut-off run of this command kept for this case.")
)
JsonOption = typer.Option(False, "--json", help=_("Print machine-readable JSON instead of a table."))
# The options of a printable document (`plan show`, `conference show`).
DocumentFormatOption = typer.Option(
    None, "--format", help=_("markdown or html, for printing (default: a terminal view).")
)
DocumentOutputOption = typer.Option(
    None, "--output", "-o", help=_("Write the document to this file (plain text: not encrypted)."), dir_okay=False
)
DocumentLangOption = typer.Option(
    None, "--lang", help=_("The document's language (en or es), whatever the interface's.")
)


def command(app: typer.Typer, name: str, **options):
    """Register a command whose help is its docstring, translated (the docstring is the msgid)."""
    import inspect

    from casecli.commands.errors import CaseCliCommand

    def register(function):
        text = reflowed(_(inspect.cleandoc(function.__doc__ or "")))
        return app.command(name, help=text, cls=CaseCliCommand, **options)(function)

    return register


def reflowed(text: str) -> str:
    """A help text with each paragraph's lines joined (a docstring breaks its lines where the
    source does, and the help showed those breaks mid-sentence); an example, or a line after one,
    keeps its own line."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            example = line.lstrip().startswith((_("Example:"), "Example:"))
            if lines and not example and not lines[-1].lstrip().startswith((_("Example:"), "Example:")):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def invoke_command(ctx: typer.Context, *path: str, **params: object) -> None:
    """Go on to another casecli command by the words the worker would type (`"plan", "edit"`),
    with its options: a command never imports another command's module."""
    found: Any = ctx.find_root().command
    for name in path:
        found = found.get_command(ctx, name) if hasattr(found, "get_command") else None
        if found is None:
            raise LookupError(" ".join(path))  # a command renamed without its callers: a bug
    values = {p.name: p.get_default(ctx) for p in found.params if p.name}  # what the worker did not say
    ctx.invoke(found.callback, **{**values, **params})


def env_of(ctx: typer.Context, no_input: bool = False) -> Env:
    options = ctx.find_root().obj or {}
    from casecli import i18n

    env = Env.from_process(
        store=options.get("store"), no_input=no_input or options.get("no_input", False), lang=options.get("lang")
    )
    i18n.set_language(env.lang)  # each command starts in its own language; a profile may change it
    return env


@contextmanager
def opened(ctx: typer.Context, no_input: bool = False) -> Iterator[tuple[Env, Store]]:
    """What nearly every command starts with: its environment, and the worker's store open (asking
    the passphrase); closed however the command ends."""
    env = env_of(ctx, no_input)
    with open_store(env) as store:
        yield env, store


def open_store(env: Env):
    """Open the worker's store; offer to create it (interactive) when there is none."""
    from casecli.case.due.lifecycle import refresh_if_stale

    if not env.store_path.exists() and env.interactive:
        from casecli.ui import prompts

        if prompts.confirm(
            _("There is no case store at {path}. Create it now?").format(path=env.store_path), default=True
        ):
            from casecli.ui.setup import create

            return create(env, {})
        raise StoreMissing(_("no store at {path}: create one with `casecli init`").format(path=env.store_path))
    store = _unlocked(env)
    refresh_if_stale(store)
    adopt_profile_language(env, store)
    return store


def _unlocked(env: Env):
    """The store opened with the passphrase; at a terminal a mistyped one is asked again (three
    tries in all), as the shell does, instead of ending the command."""
    from casecli.errors import WrongPassphrase
    from casecli.store.db import open_store as open_db
    from casecli.ui.passphrase import ATTEMPTS, passphrase_given, read_passphrase

    for attempt in range(ATTEMPTS):
        try:
            return open_db(env.store_path, lambda: read_passphrase(env))
        except WrongPassphrase as exc:
            if passphrase_given(env) or not env.interactive or attempt == ATTEMPTS - 1:
                raise
            console(stderr=True).print("[red]" + shown(exc.message) + "[/red]")
    raise AssertionError("unreachable")


def adopt_profile_language(env: Env, store) -> None:
    from casecli import i18n

    if not env.lang_explicit:
        env.lang = store.profile().get("language", env.lang)
    i18n.set_language(env.lang)


def option_date(value: str | None, today, option: str):
    """A date given on an option: ISO everywhere, DD/MM/AAAA in Spanish (read once the store is
    open, so in the worker's language); today when not given."""
    from casecli.errors import InvalidInput
    from casecli.i18n import current, parse_date

    if value is None:
        return today
    try:
        return parse_date(value)
    except ValueError:
        expected = _("a date as DD/MM/YYYY or YYYY-MM-DD") if current == "es" else _("a date as YYYY-MM-DD")
        raise InvalidInput(_("{option}: expected {what}").format(option=option, what=expected)) from None


def next_step_line(step: DueItem | None) -> str | None:
    """After a save: the case's next step, its deadline and the command to run (None: nothing due)."""
    if step is None:
        return None
    from casecli.i18n import format_date
    from casecli.plaintext import visible

    late = " " + _("({days} days late)").format(days=step["days_late"]) if step["overdue"] else ""
    return _("Next step: {what}, by {date}{late} — `{command}`").format(
        what=visible(step["what"]), date=format_date(step["due"]), late=late, command=visible(step["command"])
    )


def check_document(fmt: str | None, doc_lang: str | None) -> None:
    """A document's --format and --lang, checked before the passphrase is asked."""
    from casecli.case.reads.documents import FORMATS
    from casecli.errors import InvalidInput
    from casecli.i18n import LANGUAGES

    if fmt is not None and fmt not in FORMATS:
        raise InvalidInput(_("--format: expected one of: {choices}").format(choices=", ".join(FORMATS)))
    if doc_lang is not None and doc_lang not in LANGUAGES:
        raise InvalidInput(_("--lang: expected one of: {choices}").format(choices=", ".join(LANGUAGES)))


def deliver_document(text: str, fmt: str | None, output: Path | None) -> None:
    """A rendered document: to a file (plain text, with a warning), printed, or (no --format) shown
    on the terminal as rendered Markdown."""
    if output is not None:
        from casecli.fsutil import write_private_atomic

        write_private_atomic(output, text.encode("utf-8"))
        console(stderr=True).print(
            "[yellow]"
            + _(
                "Wrote {path}: this file is NOT encrypted. Keep it safe and delete it when it is no longer needed."
            ).format(path=output)
            + "[/yellow]"
        )
    elif fmt is None:
        from rich.markdown import Markdown

        console().print(Markdown(text))
    else:
        typer.echo(text)


def answers_from(path: Path | None) -> dict:
    from casecli.forms import load_answers_file

    return load_answers_file(path) if path else {}


def emit_case_rows(ctx: typer.Context, case: str, as_json: bool, rows_of, view) -> None:
    """A list command of one case's records: `rows_of(store, number)`, shown by `view(number, rows)`."""
    from casecli.case.file.lookup import resolve

    env = env_of(ctx)
    with open_store(env) as store:
        number = resolve(store, case)
        rows = rows_of(store, number)
    emit(rows, as_json, lambda value: view(number, value))


def draft_for(env: Env, store, command: str, number: str = "", discard: bool = False):
    """The draft a wizard keeps at a terminal (case/file/drafts.py), or None without one;
    `--discard-draft` drops what an earlier cut-off run kept."""
    from casecli.case.file.drafts import Draft

    draft = Draft(store, command, number)
    if discard:
        draft.clear()
    return draft if env.interactive else None


def write_json_file(path: Path, doc: dict) -> None:
    """A document for another laptop or person (a key file, a request, a roster): owner-only,
    atomic, its folder made if missing (a new folder on a stick, as backup and export allow)."""
    import json

    from casecli.fsutil import write_private_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_private_atomic(path, (json.dumps(doc, indent=2) + "\n").encode())


def record_on_case(
    ctx: typer.Context,
    case: str,
    no_input: bool,
    draft: tuple[str, bool],
    form_name: str,
    answers: Path | None,
    save: Callable[[Store, str, dict], Any],
    options: Callable[[Store, str], dict] | None = None,
    check: Callable[[Store, str], Any] | None = None,
) -> tuple[str, Any]:
    """The commonest write: one form's answers saved on an open case (resolved before any
    question, so a closed case loses no answers). `save(store, number, clean)` writes them;
    `draft`: (command, --discard-draft); `check(store, number)` refuses before any question (a
    consent that does not allow it); `options(store, number)`: `collect_form`'s rules, starts or
    known answers, which read the case. Returns (the case number, what `save` returned)."""
    from casecli.case.file.lookup import resolve_open

    with opened(ctx, no_input) as (env, store):
        number = resolve_open(store, case)
        if check is not None:
            check(store, number)
        saved = collect_form(
            env,
            store,
            (draft[0], number, draft[1]),
            form_name,
            answers,
            lambda clean: save(store, number, clean),
            **(options(store, number) if options else {}),
        )
    return number, saved


def collect_form(
    env, store, draft: tuple[str, str, bool], form_name: str, answers, save, starts=None, rules=None, known=None
):
    """What `save` returns for one form's answers (an answers file, flags, or a wizard at a terminal).

    `starts` (answers the records imply) only start questions at a terminal, never fill them in
    unasked; `known` (what the records already say outright: a dict, or a function of the answers
    so far) is shown at a terminal and kept with one choice (ui/wizard.py); `rules` checks answers
    across fields as they are given; `draft`: (command, case, --discard-draft) of the draft kept
    while the worker types."""
    from casecli.forms import load_form
    from casecli.ui import wizard

    return wizard.collect(
        load_form(form_name),
        env,
        answers_from(answers),
        console=conversation(),
        defaults=starts if env.interactive else None,
        save=save,
        draft=draft_for(env, store, *draft),
        rules=rules,
        known=(known if callable(known) else (lambda _answers: known)) if known else None,
    )
