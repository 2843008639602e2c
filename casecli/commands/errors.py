"""Turning every failure into one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import errno
import os
import sys
import traceback

import typer

# typer >= 0.26 carries its own copy of click (pinned below 0.29 in pyproject, for the start-up
# time 0.29 costs every command): its private modules are used here only, and
# tests/test_errors.py::test_typers_private_parts_casecli_relies_on_are_there fails loudly on an
# upgrade that moves them.
from typer._click.exceptions import ClickException, MissingParameter, NoSuchOption, UsageError
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from casecli.errors import Cancelled, CaseCliError, ExitCode
from casecli.i18n import _
from casecli.plaintext import visible

# What a storage failure means for the worker, by SQLite's error name (prefix) or the OS's errno:
# never by words in a message, which may quote a path ("…/locked-cases/…").
STORAGE_MESSAGES = (
    ("SQLITE_FULL", "the disk is full: nothing was saved; free some space and try again"),
    ("SQLITE_BUSY", "the store is busy in another casecli window; try again"),
    ("SQLITE_LOCKED", "the store is busy in another casecli window; try again"),
    ("SQLITE_READONLY", "the store's folder is read-only: nothing was saved"),
    ("SQLITE_IOERR", "the store could not be written (disk error): nothing was saved"),
    ("SQLITE_NOTADB", "the store is damaged or is not a casecli store"),
    (
        "SQLITE_CORRUPT",
        "the store is damaged (SQLite found a broken page): restore a backup (`casecli restore`); `casecli verify --full` shows what is damaged",
    ),
    ("SQLITE_CANTOPEN", "the store's file could not be opened (moved, or no permission)"),
)
ERRNO_MESSAGES = {
    getattr(errno, name): message
    for name, message in (
        ("ENOSPC", "the disk is full: nothing was saved; free some space and try again"),
        ("EDQUOT", "the disk is full: nothing was saved; free some space and try again"),  # not on Windows
        ("EROFS", "the store's folder is read-only: nothing was saved"),
    )
    if hasattr(errno, name)
}


def report(message: str, code: int, notice: bool = False) -> None:
    # one line, whatever a message quotes (a file name, a sender's name): no control is obeyed;
    # a notice (the worker cancelled) is not an error, though scripts still see its exit code
    sys.stderr.write(("" if notice else "error: ") + visible(message).replace("\n", " ") + "\n")
    raise typer.Exit(code)


def storage_message(exc: BaseException) -> str | None:
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    for prefix, message in STORAGE_MESSAGES:
        if name.startswith(prefix):
            return _(message)
    if isinstance(exc, OSError) and exc.errno in ERRNO_MESSAGES:
        return _(ERRNO_MESSAGES[exc.errno])
    return None


def print_frames(exc: BaseException) -> None:
    """Where the error happened (file, line, function), never its message or values: those may hold child data."""
    for frame in traceback.extract_tb(exc.__traceback__):
        sys.stderr.write(f"  at {frame.filename}:{frame.lineno} in {frame.name}\n")


class TranslatedHelp:
    """Typer's own words in help screens (the help option, completion options, "Usage:") in the
    worker's language: their English text is a message of our catalog. Mixed into both the
    command and the group class, before Typer's own."""

    def get_params(self, ctx):
        from casecli.i18n import _

        params = super().get_params(ctx)  # type: ignore[misc]  # a mixin before Typer's classes
        for param in params:
            if isinstance(param, TyperOption | TyperArgument) and param.help:
                param.help = _(param.help)
        return params

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[misc]
        except UsageError as exc:
            raise translated(exc) from None

    def format_usage(self, ctx, formatter) -> None:
        from casecli.i18n import _

        formatter.write_usage(
            ctx.command_path,
            " ".join(self.collect_usage_pieces(ctx)),  # type: ignore[attr-defined]
            prefix=_("Usage: "),
        )


def speak_as_asked(ctx) -> None:
    """A usage error comes before any command sets the language: --lang, if given, applies now."""
    from casecli import i18n

    root = ctx.find_root() if ctx is not None else None
    lang = i18n.normalise((root.params or {}).get("lang")) if root is not None else None
    if lang:
        i18n.set_language(lang)


def translated(exc: UsageError) -> UsageError:
    """Click's own complaints about a command line (English only, in its code) in the worker's
    language: the same error, its message rewritten."""
    from casecli.i18n import _

    speak_as_asked(exc.ctx)
    message = None
    if isinstance(exc, MissingParameter):
        hint = exc.param.get_error_hint(exc.ctx) if exc.param is not None and exc.ctx is not None else ""
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "")
        if kind == "argument":
            message = _("Missing argument {name}.").format(name=hint)
        elif kind == "option":
            message = _("Missing option {name}.").format(name=hint)
    elif isinstance(exc, NoSuchOption):
        message = _("No such option: {name}").format(name=exc.option_name)
        if exc.possibilities:
            message += " " + _("(Did you mean {options}?)").format(options=", ".join(sorted(exc.possibilities)))
    if message is None:
        return exc
    again = UsageError(message, ctx=exc.ctx)
    return again


class CaseCliCommand(TranslatedHelp, TyperCommand):
    def __init__(self, *args, **kwargs):
        from casecli.i18n import _

        super().__init__(*args, **kwargs)
        self.options_metavar = _("[OPTIONS]")


class CaseCliGroup(TranslatedHelp, TyperGroup):
    """Catches errors once, at the top, for every command (CliRunner included)."""

    def __init__(self, *args, **kwargs):
        from casecli.i18n import _

        super().__init__(*args, **kwargs)
        self.options_metavar = _("[OPTIONS]")
        self.subcommand_metavar = _("COMMAND [ARGS]...")

    def resolve_command(self, ctx, args):
        from difflib import get_close_matches

        from casecli.i18n import _

        try:
            return super().resolve_command(ctx, args)
        except NoSuchOption as exc:
            raise translated(exc) from None
        except UsageError:
            if not args:
                raise
            speak_as_asked(ctx)
            message = _("No such command '{name}'.").format(name=args[0])
            matches = get_close_matches(args[0], self.list_commands(ctx))
            if matches:
                message += " " + _("Did you mean {suggestions}?").format(
                    suggestions=", ".join(f"'{m}'" for m in matches)
                )
            raise UsageError(message, ctx=ctx) from None

    def format_help(self, ctx, formatter) -> None:
        """At a terminal, the main help also suggests the shell (the passphrase typed once)."""
        from casecli.context import person_at_terminal
        from casecli.i18n import _

        if ctx.parent is None and person_at_terminal():
            self.epilog = _("Many commands in a row? `casecli shell` asks the passphrase once.")
        super().format_help(ctx, formatter)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Cancelled as exc:
            report(exc.message, exc.exit_code, notice=True)
        except CaseCliError as exc:
            report(exc.message, exc.exit_code)
        except KeyboardInterrupt:
            report(Cancelled().message, ExitCode.CANCELLED, notice=True)
        except OSError as exc:
            # File names are ours (store, answers file); the OS text names no child data.
            report(
                storage_message(exc) or f"{exc.strerror or exc.__class__.__name__}: {exc.filename or ''}".rstrip(": "),
                ExitCode.ERROR,
            )
        except (typer.Exit, ClickException):
            raise
        except typer.Abort:
            report(Cancelled().message, ExitCode.CANCELLED, notice=True)
        except Exception as exc:  # a bug or a storage failure: one line, no data, no traceback
            module = type(exc).__module__ or ""
            if module.startswith("sqlcipher3"):
                if os.environ.get("CASECLI_DEBUG"):
                    print_frames(exc)
                    sys.stderr.write(
                        f"  sqlite: {type(exc).__name__}: {str(exc)[:60]}\n"
                    )  # SQLite's own words, no data
                report(
                    storage_message(exc) or _("the store could not be read or written: nothing was saved"),
                    ExitCode.STORE,
                )
            if os.environ.get("CASECLI_DEBUG"):
                print_frames(exc)
            report(
                _(
                    "internal error ({kind}); nothing unsaved was written. Please report it with the command you ran "
                    "(not its data)."
                ).format(kind=type(exc).__name__),
                ExitCode.ERROR,
            )


class RecordGroup(CaseCliGroup):
    """A group whose first word may be a case number: `casecli bia CASE` is `casecli bia add CASE`."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["add", *args]
        return super().resolve_command(ctx, args)
