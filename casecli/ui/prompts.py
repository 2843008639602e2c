"""All prompting goes through here: one seam between the wizards and questionary.

Ctrl-C at any prompt raises Cancelled, which the CLI reports as "nothing was saved". Every
prompt reads the person's keyboard and writes to stderr (ui.terminal). Letters typed at a menu
filter it, visibly, and never move the selection silently; a prefilled answer is replaced by
what is typed, unless the worker first moves into it to edit it; a menu may offer "back".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from casecli import messages
from casecli.errors import Cancelled, TerminalLost
from casecli.forms import Field
from casecli.i18n import _, format_date

SKIP = "__skip__"
BACK = "__back__"


def _io() -> dict[str, Any]:
    from casecli.ui.terminal import prompt_streams

    _translate_checkbox_answer()
    return prompt_streams()


def _ask(question) -> Any:
    try:
        return question.unsafe_ask()
    except KeyboardInterrupt:
        raise Cancelled() from None
    except EOFError:  # the terminal closed: not the worker's choice, so a wizard keeps its draft
        raise TerminalLost() from None


def _style():
    from questionary import Style

    return Style([("qmark", "fg:ansicyan bold"), ("question", "bold"), ("answer", "fg:ansigreen")])


def select(message: str, choices: list[tuple[str, Any]], default: Any = None, back: bool = False) -> Any:
    """One of `choices` (label, value); BACK when `back` is offered and chosen. The menu's values
    are their places (questionary would turn a value of None into the label's text); typing
    searches the labels, accents and ñ included, whatever accents are typed."""
    import questionary

    if back:
        choices = [*choices, (_(messages.BACK), BACK)]
    options = [questionary.Choice(title=label, value=index) for index, (label, _value) in enumerate(choices)]
    chosen = next((o for o, (_label, value) in zip(options, choices, strict=True) if value == default), None)
    question = questionary.select(
        message,
        choices=options,
        default=chosen,
        style=_style(),
        instruction=_("(arrow keys; type to search)"),
        use_jk_keys=False,
        use_search_filter=True,
        **_io(),
    )
    _search_any_letter(question)
    return choices[_ask(question)][1]


def _search_any_letter(question, menu: bool = True) -> None:
    """What questionary's search lacks for Spanish: every letter typed is searched (it takes only
    ASCII, and dropped "ó" from "Intervención"), the labels match whatever the accents on either
    side ("intervencion" finds "Intervención"), and Enter on a search that matches nothing does
    nothing (questionary would record the top item)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys
    from questionary.prompts.common import InquirerControl

    control = next(
        (w.content for w in question.application.layout.find_all_windows() if isinstance(w.content, InquirerControl)),
        None,
    )
    if control is None:
        return
    _fold_search_matches()
    bindings = KeyBindings()

    @bindings.add(Keys.Any, eager=True)
    def _letter(event) -> None:
        typed = event.data
        if typed and all(ch.isprintable() for ch in typed):
            control.add_search_character(typed)

    if not menu:  # a list to mark: Enter confirms the marks, whatever the search shows
        question.application.key_bindings = merge_key_bindings([question.application.key_bindings, bindings])
        return

    @bindings.add(Keys.ControlM, eager=True)
    def _enter(event) -> None:
        control.filtered_choices  # noqa: B018  (brings found_in_search up to what was typed, drawn or not)
        if control.search_filter and not control.found_in_search:
            return  # nothing matches what was typed: Backspace, or type something else
        control.is_answered = True
        event.app.exit(result=control.get_pointed_at().value)

    question.application.key_bindings = merge_key_bindings([question.application.key_bindings, bindings])


_folded_search = False


def _fold_search_matches() -> None:
    """questionary's search compares lower-cased text: here labels and what is typed are compared
    with accents taken off and case folded (once per process)."""
    global _folded_search
    if _folded_search:
        return
    _folded_search = True
    from questionary.prompts.common import InquirerControl

    from casecli.forms.words import fold

    def filtered_choices(self):
        if not self.search_filter:
            return self.choices
        wanted = fold(self.search_filter)
        found = [c for c in self.choices if wanted in fold(c.title if isinstance(c.title, str) else str(c.title))]
        self.found_in_search = bool(found)
        return found or self.choices

    InquirerControl.filtered_choices = property(filtered_choices)  # type: ignore[method-assign, assignment]


def confirm(message: str, default: bool = False) -> bool:
    """Yes or no. In English the usual y/n keys, confirmed with Enter; in another language a
    choice of two words, since the y and n keys only fit English."""
    import questionary

    from casecli import i18n

    if i18n.current != "en":
        return select(message, [(_(messages.YES), True), (_(messages.NO), False)], default=default)
    # y or n, then Enter: a habitual "y" + Enter must not send its Enter into the next question
    return _ask(questionary.confirm(message, default=default, auto_enter=False, style=_style(), **_io()))


def text(message: str, default: str = "", validate=None) -> str:
    import questionary

    extra: dict[str, Any] = {}
    if default:
        extra = {"key_bindings": _replace_on_typing(), "instruction": _("(Enter keeps it; typing replaces it)")}
    return _ask(questionary.text(message, default=default, validate=validate, style=_style(), **extra, **_io()))


def password(message: str) -> str:
    import questionary

    return _ask(questionary.password(message, style=_style(), **_io()))


def _replace_on_typing():
    """Key bindings for a prefilled answer: the first letter typed replaces the whole answer (the
    worker typing "Calle 5a Norte" over "Albergue DIF" means the new place, never both run
    together); moving the cursor or deleting first means editing it, and typing then inserts."""
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys

    pristine = [True]
    untouched = Condition(lambda: pristine[0])
    bindings = KeyBindings()

    @bindings.add(Keys.Any, filter=untouched)
    def _replace(event) -> None:
        pristine[0] = False
        event.current_buffer.text = ""
        event.current_buffer.insert_text(event.data)

    def editing(move):
        def handler(event) -> None:
            pristine[0] = False
            move(event.current_buffer)

        return handler

    moves = {
        Keys.Left: lambda b: setattr(b, "cursor_position", b.cursor_position + b.document.get_cursor_left_position()),
        Keys.Right: lambda b: setattr(b, "cursor_position", b.cursor_position + b.document.get_cursor_right_position()),
        Keys.Home: lambda b: setattr(b, "cursor_position", 0),
        Keys.End: lambda b: setattr(b, "cursor_position", len(b.text)),
        Keys.Backspace: lambda b: b.delete_before_cursor(1),
        Keys.Delete: lambda b: b.delete(1),
    }
    for key, move in moves.items():
        bindings.add(key, filter=untouched)(editing(move))
    return bindings


_checkbox_translated = False


def _translate_checkbox_answer() -> None:
    """questionary writes a checked list's answer as "done (4 selections)" in English whatever the
    language: its prompt's words are put through our catalog (once per process)."""
    global _checkbox_translated
    if _checkbox_translated:
        return
    _checkbox_translated = True
    import re

    from questionary.prompts import common

    make_layout = common.create_inquirer_layout

    def translated_layout(ic, get_prompt_tokens, **kwargs):
        def tokens():
            out = []
            for style, words in get_prompt_tokens():
                if style == "class:answer" and words == "done":
                    words = _("done")
                elif style == "class:answer" and (found := re.fullmatch(r"done \((\d+) selections\)", words)):
                    words = _("done ({count} selected)").format(count=found.group(1))
                out.append((style, words))
            return out

        return make_layout(ic, tokens, **kwargs)

    common.create_inquirer_layout = translated_layout


def checkbox(message: str, choices: list[tuple[str, Any]]) -> list[Any]:
    """The values of the `choices` (label, value) the worker ticks (none ticked: an empty list);
    nothing starts ticked."""
    import questionary

    boxes = [questionary.Choice(title=label, value=index) for index, (label, _value) in enumerate(choices)]
    question = questionary.checkbox(
        message,
        choices=boxes,
        style=_style(),
        instruction=_("(space to mark, enter to confirm; type to search)"),
        use_jk_keys=False,
        use_search_filter=True,
        **_io(),
    )
    _search_any_letter(question, menu=False)
    return [choices[index][1] for index in _ask(question) or []]


def ask_field(field: Field, current: Any, today: dt.date, lang: str, back: bool = False) -> Any:
    """Ask one form field; returns its stored value (None when an optional field is skipped, BACK
    when `back` is offered at a menu and chosen)."""
    import questionary

    label = field.label(lang)
    hint = field.help(lang)
    message = f"{label}{' (' + hint + ')' if hint else ''}{'' if field.required else ' [' + _(messages.OPTIONAL) + ']'}"
    if current is None:
        current = field.default(today)

    if field.type == "boolean":
        choices: list[tuple[str, Any]] = [(_(messages.YES), True), (_(messages.NO), False)]
        if not field.required:
            choices.append((_(messages.SKIP), SKIP))
        # An optional question not answered yet starts on "skip": Enter records nothing unchosen.
        start = SKIP if current is None and not field.required else current
        value = select(message, choices, default=start, back=back)
        return None if value == SKIP else value

    if field.type == "choice":
        options: list[tuple[str, Any]] = [(field.choice_label(v, lang), v) for v in field.offered_values(current)]
        if not field.required:
            options.append((_(messages.SKIP), SKIP))
        start = SKIP if current is None and not field.required else current
        value = select(message, options, default=start, back=back)
        return None if value == SKIP else value

    if field.type == "multichoice":
        selected = current or []
        boxes = [
            questionary.Choice(title=field.choice_label(v, lang), value=v, checked=v in selected)
            for v in field.offered_values(selected)
        ]

        def check_many(values: list[str]) -> bool | str:
            if not values:
                return _("Choose at least one (space to mark, enter to confirm)") if field.required else True
            try:
                field.coerce(values, today)
            except ValueError as exc:
                return str(exc)
            return True

        question = questionary.checkbox(
            message,
            choices=boxes,
            validate=check_many,
            style=_style(),
            instruction=_("(space to mark, enter to confirm; type to search)"),
            use_jk_keys=False,
            use_search_filter=True,
            **_io(),
        )
        _search_any_letter(question, menu=False)
        values = _ask(question)
        return field.coerce(values, today)

    def check_one(typed: str) -> bool | str:
        try:
            value = field.coerce(typed, today)
        except ValueError as exc:
            return str(exc)
        if value is None and field.required:
            return _("Required: {expected}").format(expected=field.expected())
        return True

    shown_now = "" if current is None else (format_date(current) if field.type == "date" else str(current))
    typed = text(message, default=shown_now, validate=check_one)
    return field.coerce(typed, today)
