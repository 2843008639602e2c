"""The environment a command runs in, gathered in one object that tests can replace.

Store location, passphrase sources, today's date, whether a person is at the terminal, and the
language all come from here, never from scattered `os.environ` reads.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
# The years a date in casecli may fall in: due dates are counted forward from them, and no case
# date lies outside these (a date of 9999-12-31 would overflow every deadline counted from it).
FIRST_YEAR, LAST_YEAR = 1900, 2200

STORE_ENV = "CASECLI_STORE"
PASSPHRASE_ENV = "CASECLI_PASSPHRASE"
PASSPHRASE_FILE_ENV = "CASECLI_PASSPHRASE_FILE"
TODAY_ENV = "CASECLI_TODAY"
LANG_ENV = "CASECLI_LANG"
KDF_MEMORY_ENV = "CASECLI_KDF_MEMORY_KIB"  # lowers Argon2id cost for tests; never the default
STORE_FILE_NAME = "casecli.db"
TRAINING_STORE_FILE_NAME = "training.db"


def env_flag(name: str, environ: dict[str, str] | None = None) -> bool:
    value = (environ if environ is not None else os.environ).get(name, "")
    return value.strip().lower() in TRUE_WORDS


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("casecli", appauthor=False)


@dataclass
class Env:
    store_path: Path
    store_from_flag: bool = False  # named on this command line with --store
    interactive: bool = False
    no_input: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    lang: str = "en"
    lang_explicit: bool = False  # --lang or CASECLI_LANG given: the profile's language does not override it
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))

    @classmethod
    def from_process(cls, store: Path | None = None, no_input: bool = False, lang: str | None = None) -> Env:
        from casecli.errors import InvalidInput

        environ = dict(os.environ)
        if lang is not None and normalise(lang) is None:
            raise InvalidInput("--lang: expected en or es")
        from_flag = store is not None
        if store is None and environ.get(STORE_ENV):
            store = Path(environ[STORE_ENV])
        path = store if store is not None else data_dir() / STORE_FILE_NAME
        today = dt.date.today()
        if environ.get(TODAY_ENV):
            text = environ[TODAY_ENV].strip()
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                    raise ValueError(text)
                today = dt.date.fromisoformat(text)
            except ValueError:
                raise InvalidInput(f"{TODAY_ENV}: expected a date as YYYY-MM-DD") from None
            if not FIRST_YEAR <= today.year <= LAST_YEAR:
                raise InvalidInput(f"{TODAY_ENV}: expected a date from {FIRST_YEAR} to {LAST_YEAR}")
        interactive = person_at_terminal() and not no_input and not env_flag("CI", environ)
        return cls(
            store_path=path.expanduser(),
            store_from_flag=from_flag,
            interactive=interactive,
            no_input=no_input or not interactive,
            today=today,
            lang=language(lang, environ),
            lang_explicit=bool(normalise(lang) or normalise(environ.get(LANG_ENV))),
            environ=environ,
        )

    @property
    def keys_path(self) -> Path:
        return keys_path_for(self.store_path)


def person_at_terminal() -> bool:
    """A person can answer: stdin is a terminal, or (stdin redirected) the controlling terminal
    can be opened and stderr shows them the question. stdout does not matter: it may be a pipe."""
    if sys.stdin.isatty():
        return True
    if not sys.stderr.isatty():
        return False
    tty = controlling_terminal()
    if tty is None:
        return False
    tty.close()
    return True


def controlling_terminal(write: bool = False):
    """The process's controlling terminal, opened; None where there is none (cron, a service) or
    on Windows, where prompts keep to the console stdin and stdout already are."""
    if os.name != "posix":
        return None
    try:
        return open("/dev/tty", "w" if write else "r", encoding="utf-8")  # the caller keeps it
    except OSError:
        return None


def language(flag: str | None, environ: dict[str, str]) -> str:
    """--lang, else CASECLI_LANG, else the system's language, else English."""
    from casecli.i18n import choose

    return normalise(flag) or choose([], environ)


def normalise(value: str | None) -> str | None:
    from casecli.i18n import normalise as _normalise

    return _normalise(value)


def keys_path_for(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".keys")
