"""Where secrets come from: a file or environment variable for scripts, else a hidden prompt.

Never from a command-line argument: arguments end up in shell history and process lists.
"""

from __future__ import annotations

from pathlib import Path

from casecli.context import KDF_MEMORY_ENV, PASSPHRASE_ENV, PASSPHRASE_FILE_ENV, Env
from casecli.errors import InvalidInput, PassphraseUnavailable
from casecli.i18n import _

MIN_LENGTH = 10
ATTEMPTS = 3
NEW_PASSPHRASE_ENV = "CASECLI_NEW_PASSPHRASE"
NEW_PASSPHRASE_FILE_ENV = "CASECLI_NEW_PASSPHRASE_FILE"
AGENCY_PASSPHRASE_ENV = "CASECLI_AGENCY_PASSPHRASE"
AGENCY_PASSPHRASE_FILE_ENV = "CASECLI_AGENCY_PASSPHRASE_FILE"


def read_secret_file(path: str | Path, what: str) -> str:
    try:
        return Path(path).expanduser().read_text(encoding="utf-8-sig").rstrip("\r\n")  # a Notepad BOM is not part of it
    except (OSError, UnicodeDecodeError):
        raise PassphraseUnavailable(_("{what}: cannot read the file it names").format(what=what)) from None


def _from_environment(env: Env, file_var: str, value_var: str) -> str | None:
    if env.environ.get(file_var):
        return read_secret_file(env.environ[file_var], file_var)
    if env.environ.get(value_var):
        return env.environ[value_var]
    return None


def _unavailable(file_var: str, value_var: str) -> PassphraseUnavailable:
    return PassphraseUnavailable(
        _(
            "a passphrase is needed and there is no terminal to ask at: set {file_variable} (a file holding it) or {variable}"
        ).format(file_variable=file_var, variable=value_var)
    )


def passphrase_given(env: Env, file_var: str = PASSPHRASE_FILE_ENV, value_var: str = PASSPHRASE_ENV) -> bool:
    """Whether the passphrase comes from the environment (a variable or a file), not the keyboard."""
    return _from_environment(env, file_var, value_var) is not None


def read_passphrase(
    env: Env, message: str | None = None, file_var: str = PASSPHRASE_FILE_ENV, value_var: str = PASSPHRASE_ENV
) -> str:
    given = _from_environment(env, file_var, value_var)
    if given is not None:
        return given
    if not env.interactive:
        raise _unavailable(file_var, value_var)
    from casecli import messages
    from casecli.i18n import _
    from casecli.ui import prompts

    return prompts.password(f"{message or _(messages.STORE_PASSPHRASE)}:")


def check_new(passphrase: str, min_score: int | None = None) -> str | None:
    """Why a new passphrase is refused, or None: too short, or easier to guess than the agency's
    minimum (`passphrase.min_score`, zxcvbn's estimate of how an offline guesser would do:
    "aaaaaaaaaa" scores 0, a few unrelated words 4)."""
    if len(passphrase) < MIN_LENGTH:
        return _("passphrase: expected at least {count} characters (a few words are easiest to remember)").format(
            count=MIN_LENGTH
        )
    from zxcvbn import zxcvbn

    from casecli.store import settings

    wanted = settings.defaults()["passphrase.min_score"] if min_score is None else min_score
    score = zxcvbn(passphrase[:100])["score"]  # its cost grows with the length; 100 characters decide
    if score < wanted:
        return _(
            "passphrase: too easy to guess (strength {score} of 4, the agency asks {wanted}); a few unrelated"
            " words are strong and easy to remember"
        ).format(score=score, wanted=wanted)
    return None


def new_passphrase(
    env: Env,
    file_var: str = PASSPHRASE_FILE_ENV,
    value_var: str = PASSPHRASE_ENV,
    message: str | None = None,
    from_environment: bool = True,
    min_score: int | None = None,
) -> str:
    """A new passphrase: checked for length and strength, and typed twice when prompted."""
    given = _from_environment(env, file_var, value_var) if from_environment else None
    if given is not None:
        problem = check_new(given, min_score)
        if problem:
            raise InvalidInput(problem)
        return given
    if not env.interactive:
        raise _unavailable(file_var, value_var)
    from casecli.ui import prompts

    message = message or _("Choose a passphrase")
    for _attempt in range(ATTEMPTS):
        first = prompts.password(
            _("{message} (at least {count} characters):").format(message=message, count=MIN_LENGTH)
        )
        problem = check_new(first, min_score)
        if problem:
            print(problem)
            continue
        if prompts.password(_("Type it again:")) == first:
            return first
        print(_("The two passphrases differ; try again."))
    raise InvalidInput(_("passphrase: not set after {count} attempts").format(count=ATTEMPTS))


def replacement_passphrase(env: Env, min_score: int | None = None) -> str:
    """The new passphrase of `passwd` and `recover` (scripts: CASECLI_NEW_PASSPHRASE[_FILE])."""
    return new_passphrase(
        env, NEW_PASSPHRASE_FILE_ENV, NEW_PASSPHRASE_ENV, _("Choose a new passphrase"), min_score=min_score
    )


def kdf_memory(env: Env) -> int | None:
    raw = env.environ.get(KDF_MEMORY_ENV)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(_("{variable}: expected a whole number of KiB").format(variable=KDF_MEMORY_ENV)) from None


def bundle_passphrase(env, passphrase_file: Path | None, new: bool, min_score: int | None = None):
    from casecli.ui import prompts

    if passphrase_file is not None:
        text = read_secret_file(passphrase_file, "--passphrase-file")
        problem = check_new(text, min_score) if new else None
        if problem:
            from casecli.errors import InvalidInput

            raise InvalidInput(_("--passphrase-file: {problem}").format(problem=problem))
        return text
    from casecli.errors import InvalidInput

    if not env.interactive:
        raise InvalidInput(_("bundle passphrase: give --passphrase-file FILE (there is no terminal to ask at)"))
    if new:
        from casecli.ui.passphrase import new_passphrase

        # Never the store's passphrase variables: a bundle's passphrase is its own, asked twice.
        return new_passphrase(
            env, message=_("Choose a passphrase for this bundle"), from_environment=False, min_score=min_score
        )
    return prompts.password(_("Bundle passphrase:"))
