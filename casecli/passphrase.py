"""Where the passphrase comes from: a file or environment variable for scripts, else a hidden prompt.

Never from a command-line argument: arguments end up in shell history and process lists.
"""

from __future__ import annotations

from pathlib import Path

from casecli.context import KDF_MEMORY_ENV, PASSPHRASE_ENV, PASSPHRASE_FILE_ENV, Env
from casecli.errors import InvalidInput, PassphraseUnavailable

MIN_LENGTH = 10
ATTEMPTS = 3


def _from_environment(env: Env) -> str | None:
    file_name = env.environ.get(PASSPHRASE_FILE_ENV)
    if file_name:
        try:
            text = Path(file_name).expanduser().read_text(encoding="utf-8")
        except OSError:
            raise PassphraseUnavailable(f"{PASSPHRASE_FILE_ENV}: cannot read the file it names") from None
        return text.rstrip("\r\n")
    if env.environ.get(PASSPHRASE_ENV):
        return env.environ[PASSPHRASE_ENV]
    return None


def _unavailable() -> PassphraseUnavailable:
    return PassphraseUnavailable(
        f"a passphrase is needed and there is no terminal to ask at: set {PASSPHRASE_FILE_ENV} "
        f"(a file holding it) or {PASSPHRASE_ENV}"
    )


def read_passphrase(env: Env, message: str = "Store passphrase") -> str:
    given = _from_environment(env)
    if given is not None:
        return given
    if not env.interactive:
        raise _unavailable()
    from casecli import prompts

    return prompts.password(f"{message}:")


def check_new(passphrase: str) -> str | None:
    if len(passphrase) < MIN_LENGTH:
        return f"passphrase: expected at least {MIN_LENGTH} characters (a few words are easiest to remember)"
    return None


def new_passphrase(env: Env) -> str:
    """A passphrase for a new store: checked for length, and typed twice when prompted."""
    given = _from_environment(env)
    if given is not None:
        problem = check_new(given)
        if problem:
            raise InvalidInput(problem)
        return given
    if not env.interactive:
        raise _unavailable()
    from casecli import prompts

    for _ in range(ATTEMPTS):
        first = prompts.password(f"Choose a passphrase (at least {MIN_LENGTH} characters):")
        problem = check_new(first)
        if problem:
            print(problem)
            continue
        if prompts.password("Type it again:") == first:
            return first
        print("The two passphrases differ; try again.")
    raise InvalidInput(f"passphrase: not set after {ATTEMPTS} attempts")


def kdf_memory(env: Env) -> int | None:
    raw = env.environ.get(KDF_MEMORY_ENV)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(f"{KDF_MEMORY_ENV}: expected a whole number of KiB") from None
