"""Domain errors: each carries a one-line message for the worker and an exit code.

The CLI catches `CaseCliError` once, at the top, and prints only the message. Messages never
contain child data: they name fields, case numbers and files, never answers.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    STORE = 2  # wrong passphrase, not a store, store too new, store missing
    INPUT = 3  # invalid or missing answers, bad arguments
    NOT_FOUND = 4
    BUNDLE = 5  # a bundle refused: not for us, altered, truncated, wrong passphrase …
    USAGE = 64  # the command line itself: an unknown option, a missing argument (sysexits' EX_USAGE)
    CANCELLED = 130


class CaseCliError(Exception):
    exit_code: int = ExitCode.ERROR

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StoreError(CaseCliError):
    exit_code = ExitCode.STORE


class StoreMissing(StoreError):
    pass


class StoreExists(CaseCliError):
    pass


class NotAStore(StoreError):
    pass


class WrongPassphrase(StoreError):
    pass


class StoreTooNew(StoreError):
    pass


class StoreBusy(StoreError):
    pass


class PassphraseUnavailable(StoreError):
    pass


class FileBusy(CaseCliError):
    """A file another program holds open (Windows refuses to replace it) or that is read-only."""


class InvalidInput(CaseCliError):
    exit_code = ExitCode.INPUT


class ApprovalNeeded(CaseCliError):
    """The agency wants a supervisor to approve this first; the request is recorded."""


class InvalidAnswers(InvalidInput):
    """Answers that do not satisfy a form; `problems` maps field id to what is expected."""

    def __init__(self, form_id: str, problems: dict[str, str]):
        self.form_id = form_id
        self.problems = problems
        from casecli.i18n import _

        missing = [field for field, why in problems.items() if why == "missing"]
        invalid = [f"{field} ({why})" for field, why in problems.items() if why != "missing"]
        parts = []
        if missing:
            parts.append(_("missing: {fields}").format(fields=", ".join(missing)))
        if invalid:
            parts.append(_("invalid: {fields}").format(fields="; ".join(invalid)))
        super().__init__(_("{form} answers: {problems}").format(form=form_id, problems="; ".join(parts)))


class InvalidCaseNumber(InvalidInput):
    pass


class PossibleDuplicate(InvalidInput):
    pass


class CaseNotFound(CaseCliError):
    exit_code = ExitCode.NOT_FOUND


class Cancelled(CaseCliError):
    exit_code = ExitCode.CANCELLED

    def __init__(self, message: str | None = None):
        if message is None:
            from casecli import messages
            from casecli.i18n import _

            message = _(messages.NOTHING_SAVED)
        super().__init__(message)


class TerminalLost(Cancelled):
    """The terminal went away mid-question: nothing saved, but a wizard keeps its draft."""


class BundleRejected(CaseCliError):
    """A bundle that must not be used. Nothing was written."""

    exit_code = ExitCode.BUNDLE


class SyncthingUnreachable(CaseCliError):
    """The local Syncthing did not answer (not running, another address, a wrong API key)."""

    exit_code = ExitCode.ERROR
