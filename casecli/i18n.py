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

import gettext
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

LANGUAGES = ("en", "es")
DOMAIN = "casecli"
LOCALE_DIR = Path(__file__).parent / "locale"

_translation: gettext.NullTranslations = gettext.NullTranslations()
current = "en"
recorded: set[str] | None = None  # msgids seen, when a check asks for them


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
    # Typer and Click translate their own words through stdlib gettext's default domain.
    gettext.bindtextdomain("messages", str(LOCALE_DIR))
    os.environ["LANGUAGE"] = current


def _(message: str) -> str:
    if recorded is not None:
        recorded.add(message)
    return _translation.gettext(message)


def setup(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    lang = choose(argv, environ)
    set_language(lang)
    return lang
