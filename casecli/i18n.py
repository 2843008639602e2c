"""One translation layer for everything a worker reads: stdlib gettext over compiled catalogs.

Catalogs live in `casecli/locale/<lang>/LC_MESSAGES/`: `casecli.po` (edited by people) and
`casecli.mo` (compiled from it; a test fails when they disagree). The language is chosen before
the command modules are imported, because help texts are read when commands are defined:
`--lang`, else `CASECLI_LANG`, else the system locale; once a store is open, its profile's
language applies to what follows (unless --lang or CASECLI_LANG said otherwise).
Typer's own words (Options, Commands, Usage …) come through stdlib gettext's default domain;
`messages.mo` beside ours translates them.
"""

from __future__ import annotations

import functools
import gettext
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

LANGUAGES = ("en", "es")
DOMAIN = "casecli"
LOCALE_DIR = Path(__file__).parent / "locale"

_translation: gettext.NullTranslations = gettext.NullTranslations()
current = "en"
recorded: set | None = None  # msgids seen (a plural: its two English forms), when a check asks for them


def normalise(value: str | None) -> str | None:
    if not value:
        return None
    lang = value.split(":")[0].split(".")[0].split("_")[0].split("-")[0].strip().lower()
    return lang if lang in LANGUAGES else None


def choose(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """--lang X or --lang=X on the command line, then CASECLI_LANG, then the system locale."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            found = normalise(argv[i + 1])
            if found:
                return found
        if arg.startswith("--lang="):
            found = normalise(arg.split("=", 1)[1])
            if found:
                return found
    for name in ("CASECLI_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        found = normalise(environ.get(name))
        if found:
            return found
    return "en"


def set_language(lang: str) -> None:
    global _translation, current
    current = lang if lang in LANGUAGES else "en"
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[current], fallback=True)


def in_language(message: str, lang: str) -> str:
    """`message` in `lang`, whatever the current language (e.g. to accept a word in either)."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True).gettext(message)


def _(message: str) -> str:
    if recorded is not None:
        recorded.add(message)
    return _translation.gettext(message)


def n_(singular: str, plural: str, count: int) -> str:
    """The message for `count` things, in the language's plural form ("1 case", "2 cases"; Spanish
    "1 caso", "2 casos"): never "case(s)". Formatted by the caller, like `_()`."""
    if recorded is not None:
        recorded.add((singular, plural))
    return _translation.ngettext(singular, plural, count)


def setup(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """At start-up: our catalogs, and Typer's own words (stdlib gettext's default domain, which
    reads its language from the environment once, when Typer builds its help screens)."""
    lang = choose(argv, environ)
    set_language(lang)
    gettext.bindtextdomain("messages", str(LOCALE_DIR))
    os.environ["LANGUAGE"] = lang
    return lang


def format_date(value, lang: str | None = None) -> str:
    """A date as the worker's language (or `lang`) writes it: 2026-11-23 in English, 23/11/2026 in Spanish."""
    import datetime as dt

    if not value:
        return "—"
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return day.strftime("%d/%m/%Y") if (lang or current) == "es" else day.isoformat()


def moment(value):
    """A stored moment (ISO, UTC unless it says otherwise) as an aware datetime, or None."""
    import datetime as dt

    try:
        found = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=dt.UTC)


def format_time(value, lang: str | None = None) -> str:
    """A stored moment (UTC, ISO) as the worker's local date and time, in their language's (or
    `lang`'s) format: a worker in Chiapas reads 08:00, not the 14:00 UTC the store keeps."""
    if not value:
        return "—"
    found = moment(value)
    if found is None:
        return str(value)
    return found.astimezone().strftime("%d/%m/%Y %H:%M" if (lang or current) == "es" else "%Y-%m-%d %H:%M")


def local_date(value) -> str:
    """A stored moment's day where the worker is, in their language's format."""
    found = moment(value)
    return format_date(value) if found is None else format_date(found.astimezone().date())


@functools.cache
def date_patterns():
    """The date patterns, compiled once (a bundle's import reads a hundred thousand dates)."""
    import re

    return re.compile(r"\d{4}-\d{2}-\d{2}"), re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_date(text: str):
    """ISO dates everywhere; in Spanish also DD/MM/AAAA (or with dashes), which is unambiguous there."""
    import datetime as dt

    iso, day_first = date_patterns()
    text = text.strip()
    if iso.fullmatch(text):  # ISO with dashes only: not 20260301, not week dates
        return dt.date.fromisoformat(text)
    match = day_first.fullmatch(text)
    if current == "es" and match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)  # ValueError if there is no such day
    raise ValueError(text)
