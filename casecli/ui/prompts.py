"""All prompting goes through here: one seam between the wizards and questionary.

Ctrl-C at any prompt raises Cancelled, which the CLI reports as "nothing was saved".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from casecli import messages
from casecli.errors import Cancelled
from casecli.forms import Field
from casecli.i18n import _

SKIP = "__skip__"


def _ask(question) -> Any:
    try:
        return question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Cancelled() from None


def _style():
    from questionary import Style

    return Style([("qmark", "fg:ansicyan bold"), ("question", "bold"), ("answer", "fg:ansigreen")])


def select(message: str, choices: list[tuple[str, Any]], default: Any = None) -> Any:
    import questionary

    options = [questionary.Choice(title=label, value=value) for label, value in choices]
    chosen = next((o for o in options if o.value == default), None)
    return _ask(
        questionary.select(message, choices=options, default=chosen, style=_style(), instruction=_("(Use arrow keys)"))
    )


def confirm(message: str, default: bool = False) -> bool:
    """Yes or no. In English the usual y/n keys; in another language a choice of two words,
    since the y and n keys only fit English."""
    import questionary

    from casecli import i18n

    if i18n.current != "en":
        return select(message, [(_(messages.YES), True), (_(messages.NO), False)], default=default)
    return _ask(questionary.confirm(message, default=default, style=_style()))


def text(message: str, default: str = "", validate=None) -> str:
    import questionary

    return _ask(questionary.text(message, default=default, validate=validate, style=_style()))


def password(message: str) -> str:
    import questionary

    return _ask(questionary.password(message, style=_style()))


def ask_field(field: Field, current: Any, today: dt.date, lang: str) -> Any:
    """Ask one form field; returns its stored value (None when an optional field is skipped)."""
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
        value = select(message, choices, default=current)
        return None if value == SKIP else value

    if field.type == "choice":
        options: list[tuple[str, Any]] = [(field.choice_label(v, lang), v) for v in field.offered_values(current)]
        if not field.required:
            options.append((_(messages.SKIP), SKIP))
        value = select(message, options, default=current)
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

        values = _ask(
            questionary.checkbox(
                message,
                choices=boxes,
                validate=check_many,
                style=_style(),
                instruction=_("(space to mark, enter to confirm)"),
            )
        )
        return field.coerce(values, today)

    def check_one(typed: str) -> bool | str:
        try:
            value = field.coerce(typed, today)
        except ValueError as exc:
            return str(exc)
        if value is None and field.required:
            return _("Required: {expected}").format(expected=field.expected())
        return True

    typed = text(message, default="" if current is None else str(current), validate=check_one)
    return field.coerce(typed, today)
