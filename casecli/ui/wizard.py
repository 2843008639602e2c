"""A wizard: from a form and an answer source to validated answers.

The same function serves every form. Answers given up front (an answers file) are checked
first; without a person at the terminal, anything missing or invalid is an error listing every
field. With one, the wizard asks what is missing, shows a summary, lets the worker correct any
answer, and returns only when the worker chooses to save.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from casecli import messages
from casecli.context import Env
from casecli.errors import Cancelled, InvalidAnswers, TerminalLost
from casecli.forms import Form
from casecli.forms.labels import display_value
from casecli.i18n import _
from casecli.plaintext import visible
from casecli.ui.render import shown


def collect(
    form: Form,
    env: Env,
    given: dict | None = None,
    console=None,
    confirm_save: bool = True,
    defaults: dict | None = None,
    rules: Rules | None = None,
    extra: Extra | None = None,
    hints: dict[str, str] | None = None,
    save: Callable[[dict], Any] | None = None,
    draft: Draft | None = None,
    known: Known | None = None,
) -> Any:
    """Validated answers for `form` (or, with `save`, what `save(answers)` returns). `defaults` pre-fill questions (or fill them, without prompts).

    `rules` checks answers across fields (the field's rules of the case layer, e.g. the age of majority)
    and returns problems by field id: without a person they are an error; with one, the wizard
    shows them, asks the form's questions kept for when a rule needs them, and offers no save until
    they are solved.

    `extra` is a part asked after the form's questions and before the summary (a visit's walk over
    the plan's items): its answers are in the summary and can be corrected like the others.
    `hints` are lines shown before a question (e.g. what the child said last time).
    `save` writes the answers; a rule it refuses (InvalidAnswers) brings the worker back to the
    summary with the failing answers named, to correct them: what was typed is never discarded.
    `known` gives, from the answers so far, what the records already say outright (the
    registration's separation date for a tracing request, the reunification for a closure as
    reunified): at a terminal, when two or more of them would be asked, they are shown together
    and the worker keeps them with one choice, or answers each (pre-filled); either way they are in
    the summary to correct. Nothing is asked again that the store knows, and nothing is filled in
    that the worker did not see and choose. Without a person, `known` is not used (a script gives
    every answer).
    `draft` keeps the answers after every one given at a terminal (case/file/drafts.py): a run cut
    off (the terminal lost, an error, a kill) is offered back by the next one; a save or a
    deliberate cancel clears it.
    """
    given = dict(given or {})
    defaults = defaults or {}
    if not env.interactive:
        given = {**{k: v for k, v in defaults.items() if v is not None}, **given}
    clean, problems = form.check(given, env.today, use_defaults=not env.interactive)
    unknown = {k: v for k, v in problems.items() if k not in {f.id for f in form.fields}}
    if unknown:
        raise InvalidAnswers(form.id, unknown)
    if not env.interactive:
        problems = problems or (rules(clean) if rules else {})
        if problems:
            raise InvalidAnswers(form.id, problems)
        return save(clean) if save is not None else clean
    if draft is None:
        return _interactive(
            form, env, clean, console, confirm_save, defaults, rules, extra, hints or {}, save, None, known
        )
    clean = _resumed(form, draft, clean, extra)
    try:
        done = _interactive(
            form, env, clean, console, confirm_save, defaults, rules, extra, hints or {}, save, draft, known
        )
    except Cancelled as exc:
        if not isinstance(exc, TerminalLost):
            draft.clear()  # cancelled on purpose: nothing kept
        raise
    draft.clear()
    return done


# Where a draft keeps the state of a wizard's extra part (a visit's item walk, a panel's members):
# not a field id of any form.
EXTRA_KEY = "_extra"


def resume(draft: Draft) -> dict | None:
    """What a run that was cut off kept, when the worker wants it back; else it is discarded."""
    from casecli.i18n import format_time
    from casecli.ui import prompts

    kept = draft.load()
    if kept is None:
        return None
    answers, saved_at = kept
    if prompts.select(
        _("Answers you typed on {when} were not saved (the run was cut off). Resume them?").format(
            when=format_time(saved_at)
        ),
        [(_("Resume them"), True), (_("Start again (they are discarded)"), False)],
        default=True,
    ):
        return answers
    draft.clear()
    return None


def _resumed(form: Form, draft: Draft, given: dict, extra: Extra | None = None) -> dict:
    """The answers of a run that was cut off, when the worker wants them back (else discarded)."""
    answers = resume(draft)
    if answers is None:
        return given
    if extra is not None and isinstance(answers.get(EXTRA_KEY), dict):
        extra.restore(answers[EXTRA_KEY])
    known = {f.id for f in form.fields}
    answers = form.upgraded(answers)  # a draft kept by an earlier version of the form
    return {**{k: v for k, v in answers.items() if k in known}, **given}


def _keep(draft: Draft, answers: dict, extra: Extra | None) -> None:
    """Keep what was typed so far: the form's answers and the extra part's (a question left blank is
    kept as None: answered, so not asked again on resume)."""
    kept = dict(answers)
    if extra is not None:
        kept[EXTRA_KEY] = extra.state()
    draft.keep(kept)


Rules = Callable[[dict], dict[str, str]]
# What the records already say, given the answers so far: {field id: answer}.
Known = Callable[[dict], dict]


class Draft(Protocol):
    def load(self) -> tuple[dict, str] | None: ...
    def keep(self, answers: dict) -> None: ...
    def clear(self) -> None: ...


class Extra(Protocol):
    """A part asked after the form's questions. `changed` is called after each answer it takes (the
    wizard keeps the draft then); `state` and `restore` carry its answers through a draft."""

    changed: Callable[[], None]

    def ask(self, console) -> None: ...
    def state(self) -> dict: ...
    def restore(self, state: dict) -> None: ...
    def rows(self) -> list[tuple[str, str]]: ...
    def corrections(self) -> list[tuple[str, str]]: ...
    def correct(self, key: str, console) -> None: ...


def _ask_missing(
    form: Form,
    env: Env,
    answers: dict,
    console,
    lang: str,
    defaults: dict | None = None,
    hints: dict | None = None,
    rules: Rules | None = None,
    draft: Draft | None = None,
    extra: Extra | None = None,
    known: Known | None = None,
) -> None:
    """Ask, in order, each applicable question not yet answered. Every menu but the first offers
    "back": the previous question is asked again (its answer kept as the default). A rule that
    refuses an answer (`rules`) says so as soon as it is given, and the question is asked again:
    closing as "reunified" with no follow-up visit is refused at the reason, not after ten more
    questions."""
    from casecli.ui import prompts

    asked: list[str] = []  # the questions asked here, in order: where "back" returns to
    offered: set[str] = set()  # the records' answers already shown (kept or asked one by one)
    section = None
    index = 0
    fields = form.fields
    while index < len(fields):
        field = fields[index]
        if not field.applies(answers) or field.id in answers or field.when_needed:
            index += 1
            continue
        # the records' answers are shown when the first of them is reached (a visit's placement
        # after its date, from which its next visit follows), all those that apply by then together
        said = _known_now(form, known, answers, offered) if known is not None and field.id not in offered else {}
        if field.id in said:
            offered.update(said)
            if len(said) > 1 and _keep_known(form, said, console, lang):
                answers.update(said)
                if draft is not None:
                    _keep(draft, answers, extra)
                continue
            defaults = {**(defaults or {}), **said}  # each asked, starting from the records' answer
        if field.section != section:
            section = field.section
            if console is not None:
                console.print(f"\n[bold]{form.section_title(section, lang)}[/bold]")
        start = answers.get(field.id, (defaults or {}).get(field.id))
        if console is not None and (hints or {}).get(field.id):
            console.print("[dim]" + shown((hints or {})[field.id]) + "[/dim]")
        value = prompts.ask_field(field, start, env.today, lang, back=bool(asked))
        if value == prompts.BACK:
            previous = asked.pop()
            kept = answers.pop(previous, None)
            answers.pop(field.id, None)
            if kept is not None:
                defaults = {**(defaults or {}), previous: kept}
            index = next(i for i, f in enumerate(fields) if f.id == previous)
            section = None
            continue
        # (A question kept for when a rule needs it and that settles this one's problem, like
        # registration's "is the age disputed?" for the date of birth, answers the rule after the
        # other questions instead: see _interactive.)
        if value is not None and rules is not None and not any(field.id in f.settles for f in fields):
            ruled = rules({**{k: v for k, v in answers.items() if v is not None}, field.id: value})
            if field.id in ruled:
                _show_problems(form, {field.id: ruled[field.id]}, console, lang)
                defaults = {**(defaults or {}), field.id: value}
                continue  # the same question again
        asked.append(field.id)
        if value is not None:
            answers[field.id] = value
        else:
            answers.setdefault(field.id, None)
        if draft is not None:  # kept at once: a kill now costs no answer given so far
            _keep(draft, answers, extra)
        index += 1


def _known_now(form: Form, known: Known, answers: dict, offered: set[str]) -> dict:
    """The records' answers to the questions that apply now and are still unanswered."""
    said = known({k: v for k, v in answers.items() if v is not None})
    return {
        f.id: said[f.id]
        for f in form.applicable({**answers, **said})
        if said.get(f.id) not in (None, "", []) and f.id not in answers and f.id not in offered and not f.when_needed
    }


def _keep_known(form: Form, said: dict, console, lang: str) -> bool:
    """Show what the records already say and let the worker keep it with one choice."""
    from casecli.ui import prompts

    if console is not None:
        console.print("\n[bold]" + _("What the records already say") + "[/bold]")
        for field_id, value in said.items():
            field = form.field(field_id)
            console.print(f"  {shown(field.label(lang))}: {shown(display_value(field, value, lang))}")
    return prompts.select(
        _("Keep these answers? (each can still be corrected at the summary)"),
        [(_("Keep them"), True), (_("Answer each one (starting from these)"), False)],
    )


def _interactive(
    form: Form,
    env: Env,
    given: dict,
    console,
    confirm_save: bool,
    defaults: dict,
    rules: Rules | None,
    extra: Extra | None,
    hints: dict[str, str],
    save: Callable[[dict], Any] | None = None,
    draft: Draft | None = None,
    known: Known | None = None,
) -> Any:
    from casecli.ui import prompts

    lang = env.lang
    answers: dict[str, Any] = dict(given)
    _ask_missing(form, env, answers, console, lang, defaults, hints, rules, draft, extra, known)
    if extra is not None:
        if draft is not None:
            extra.changed = lambda: _keep(draft, answers, extra)
        extra.ask(console)
    while True:
        clean, problems = form.check({k: v for k, v in answers.items() if v is not None}, env.today)
        ruled = rules(clean) if rules and not problems else {}
        if ruled:
            _show_problems(form, ruled, console, lang)
            # The questions a rule may need (e.g. "is the age disputed?") are asked now, once.
            kept = [f for f in form.applicable(clean) if f.when_needed and f.id not in answers]
            if kept:
                for field in kept:
                    answers[field.id] = prompts.ask_field(field, None, env.today, lang)
                _ask_follow_ups(form, env, answers, lang)
                continue
            problems = ruled
        if not confirm_save and not problems and save is None:
            return clean
        if console is not None:
            show_summary(form, clean, console, lang, extra.rows() if extra is not None else [])
        choices = [(_(messages.SAVE), "save")] if not problems else []
        choices += [(_(messages.CORRECT), "correct"), (_(messages.CANCEL), "cancel")]
        action = prompts.select(_(messages.WHAT_NOW), choices, back=True)
        if action == "save":
            if save is None:
                return clean
            try:
                return save(clean)
            except InvalidAnswers as exc:  # refused by a rule of the save: back to the summary
                _show_problems(form, exc.problems, console, lang)
                answers = dict(clean)
                continue
        if action == "cancel":
            raise Cancelled()
        applicable = form.applicable(clean)
        if action == prompts.BACK:  # back from the summary: the last question again
            field_id = applicable[-1].id if applicable else prompts.BACK
        else:
            field_id = prompts.select(
                _(messages.WHICH_ANSWER),
                [(f"{f.label(lang)}: {visible(display_value(f, clean.get(f.id), lang))}", f.id) for f in applicable]
                + [(visible(text), key) for text, key in (extra.corrections() if extra is not None else [])],
                back=True,
            )
        answers = dict(clean)
        if field_id == prompts.BACK:
            continue
        if extra is not None and field_id.startswith("item:"):
            extra.correct(field_id, console)
            continue
        field = form.field(field_id)
        value = prompts.ask_field(field, clean.get(field_id), env.today, lang)
        if value is None:
            answers.pop(field_id, None)
        else:
            answers[field_id] = value
        _ask_follow_ups(form, env, answers, lang)
        if draft is not None:  # a correction is typed work too
            _keep(draft, answers, extra)


def _ask_follow_ups(form: Form, env: Env, answers: dict, lang: str) -> None:
    """A changed answer may open required questions that were skipped before: ask them now."""
    from casecli.ui import prompts

    for follow in form.fields:
        if follow.applies(answers) and follow.id not in answers and follow.required:
            answers[follow.id] = prompts.ask_field(follow, None, env.today, lang)


def _show_problems(form: Form, problems: dict[str, str], console, lang: str) -> None:
    if console is None:
        return
    labels = {f.id: f.label(lang) for f in form.fields}
    # the lists a wizard's extra part asks (a panel's members, a conference's participants …)
    labels.update({"participants": _("Participants"), "members": _("Members"), "actions": _("Follow-up actions")})
    for field_id, why in problems.items():
        console.print(f"[red]{shown(labels.get(field_id, field_id))}[/red]: {shown(why)}")


def show_summary(form: Form, answers: dict, console, lang: str, extra_rows: list | None = None) -> None:
    from rich.table import Table

    table = Table(title=form.title(lang), show_header=False, expand=False)
    table.add_column(_("Question"))
    table.add_column(_("Answer"))
    section = None
    for field in form.applicable(answers):
        if field.section != section:
            section = field.section
            table.add_row(f"[bold]{form.section_title(section, lang)}[/bold]", "")
        table.add_row(field.label(lang), shown(display_value(field, answers.get(field.id), lang)))
    if extra_rows:
        table.add_row("", "")
        for question, answer in extra_rows:
            table.add_row(shown(question), shown(answer))
    console.print(table)


def ask_all(form: Form, env: Env, current: dict, console=None) -> dict:
    """Ask every applicable field in order, each pre-filled with its current answer; returns clean
    answers. Every menu but the first offers "back" to the question before."""
    from casecli.ui import prompts

    lang = env.lang
    answers = dict(current)
    section = None
    asked: list[int] = []
    index = 0
    while index < len(form.fields):
        field = form.fields[index]
        if not field.applies(answers):
            answers.pop(field.id, None)
            index += 1
            continue
        if field.section != section and console is not None and len(form.sections) > 1:
            section = field.section
            console.print(f"\n[bold]{form.section_title(section, lang)}[/bold]")
        value = prompts.ask_field(field, answers.get(field.id), env.today, lang, back=bool(asked))
        if value == prompts.BACK:
            index = asked.pop()
            section = None
            continue
        asked.append(index)
        if value is None:
            answers.pop(field.id, None)
        else:
            answers[field.id] = value
        index += 1
    clean, _problems = form.check(answers, env.today, use_defaults=False)
    return clean
