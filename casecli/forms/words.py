"""The words a worker types for a code, on the command line: `--risk alto`, `--status aceptada`.

An option that takes a stored code (a risk level, a referral's status, a transfer's reason)
accepts the code itself or the word the worker reads for it, in English or Spanish, with any
letter case, accents or not, spaces or underscores. Anything else is refused with the words
the option takes, in the worker's language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from casecli.errors import InvalidInput
from casecli.i18n import LANGUAGES, _, in_language


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("_", " ").replace("-", " ").replace("/", " ").split())


def spellings_of_codes(codes: Iterable[str]) -> dict[str, list[str]]:
    """For codes with a word in forms.labels.CODES: the code and that word in every language."""
    from casecli.forms.labels import CODES

    return {code: [code, *(in_language(CODES.get(code, code), lang) for lang in LANGUAGES)] for code in codes}


def spellings_of_choices(form_name: str, field_id: str) -> dict[str, list[str]]:
    """For a form's choice field: each value, and its label in every language of the form."""
    from casecli.forms import load_form

    field = load_form(form_name).field(field_id)
    return {
        value: [value, *(field.choice_label(value, lang) for lang in LANGUAGES)] for value in field.offered_values()
    }


def code_for(option: str, typed: str, spellings: dict[str, list[str]], shown: dict[str, str] | None = None) -> str:
    """The code `typed` names; InvalidInput naming `option` and its words when it names none (or two)."""
    wanted = fold(typed)
    found = {code for code, words in spellings.items() if wanted in {fold(w) for w in words}}
    if len(found) == 1:
        return found.pop()
    words = [(shown or {}).get(code) or spellings[code][1 + LANGUAGES.index(current_language())] for code in spellings]
    raise InvalidInput(_("{option}: expected one of: {choices}").format(option=option, choices=", ".join(words)))


def current_language() -> str:
    from casecli import i18n

    return i18n.current
