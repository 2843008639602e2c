"""`casecli shell`: a prompt for one worker's session, with the store unlocked once.

The loop only reads lines and hands each to `run_line` (the same command line parser a terminal
uses, so every command behaves as it does outside); what the worker typed stays in this process:
the history is in memory, never in a file (it holds case numbers and answers). At the prompt,
`idle_seconds` without a key pressed lock the session: the key is wiped, the screen cleared, and
the passphrase is asked again.
"""

from __future__ import annotations

import asyncio
import shlex
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from casecli.i18n import _, n_
from casecli.plaintext import visible

CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H"  # the screen and its scroll-back: what was shown may name a child
LEAVE_WORDS = {"exit", "quit", "salir"}


class IdleTimeout(Exception):
    pass


def completer(root: Any, case_numbers: Callable[[], Iterable[str]]):
    """Completion of command names, subcommands, options, and case numbers (from the store)."""
    from prompt_toolkit.completion import Completer, Completion

    class CommandCompleter(Completer):
        def get_completions(self, document, complete_event):
            text = document.text_before_cursor
            try:
                words = shlex.split(text)
            except ValueError:
                return
            current = "" if not text or text[-1].isspace() else (words.pop() if words else "")
            command = root
            for word in words:
                children = getattr(command, "commands", None)
                if children and word in children:
                    command = children[word]
            children = getattr(command, "commands", None)
            if current.startswith("-"):
                candidates: Iterable[str] = sorted(
                    {name for param in command.params for name in getattr(param, "opts", []) if name.startswith("--")}
                    | {"--help"}
                )
            elif children:
                candidates = sorted(name for name, cmd in children.items() if not getattr(cmd, "hidden", False))
            else:
                candidates = case_numbers()
            for candidate in candidates:
                if candidate.lower().startswith(current.lower()):
                    yield Completion(candidate, start_position=-len(current))

    return CommandCompleter()


def _read_line(session, message: str, idle_seconds: float) -> str:
    """One line from the worker; IdleTimeout when no key is pressed for `idle_seconds`."""
    from prompt_toolkit.application import get_app

    last_key = [time.monotonic()]

    def touched(_buffer) -> None:
        last_key[0] = time.monotonic()

    async def watch() -> None:
        while True:
            await asyncio.sleep(min(1.0, idle_seconds / 4))
            if time.monotonic() - last_key[0] >= idle_seconds:
                get_app().exit(exception=IdleTimeout())
                return

    def start() -> None:
        last_key[0] = time.monotonic()
        get_app().create_background_task(watch())

    session.default_buffer.on_text_changed += touched
    session.default_buffer.on_cursor_position_changed += touched
    try:
        return session.prompt(message, pre_run=start)
    finally:
        session.default_buffer.on_text_changed -= touched
        session.default_buffer.on_cursor_position_changed -= touched


def run(
    run_line: Callable[[list[str]], int],
    root: Any,
    case_numbers: Callable[[], Iterable[str]],
    idle_seconds: float,
    lock: Callable[[], None],
    unlock: Callable[[], bool],
    say: Callable[[str], None],
) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import InMemoryHistory

    from casecli.ui.terminal import prompt_streams

    numbers: list[str] | None = None

    def known_numbers() -> list[str]:
        nonlocal numbers
        if numbers is None:
            numbers = list(case_numbers())
        return numbers

    session: PromptSession = PromptSession(
        history=InMemoryHistory(),  # never a FileHistory: the lines hold case numbers and answers
        completer=completer(root, known_numbers),
        complete_while_typing=False,
        **prompt_streams(),
    )
    say(
        _(
            "Unlocked. Type commands without `casecli` (e.g. `agenda`, `show MX7-0042-R`); Tab completes; "
            "`help` lists the commands; Ctrl-D locks and ends."
        )
    )
    while True:
        try:
            line = _read_line(session, "casecli> ", idle_seconds)
        except EOFError:
            return
        except KeyboardInterrupt:
            continue
        except IdleTimeout:
            sys.stderr.write(CLEAR_SCREEN)  # first: `lock` may start a fresh process in this one's place
            sys.stderr.flush()
            lock()
            minutes = round(idle_seconds / 60, 1)
            say(
                n_(
                    "Locked after {minutes} idle minute.",
                    "Locked after {minutes} idle minutes.",
                    1 if minutes == 1 else 2,
                ).format(minutes=minutes)
            )
            if not unlock():
                return
            numbers = None
            continue
        try:
            args = shlex.split(line)
        except ValueError:
            say(_("error: unbalanced quotes in that line"))
            continue
        if args and args[0] == "casecli":
            args = args[1:]
        if not args:
            continue
        if args[0].lower() in LEAVE_WORDS:
            return
        if args[0] == "help":
            args = [*args[1:], "--help"]
        if args[0] == "shell":
            say(_("You are in the shell already."))
            continue
        run_line(args)
        numbers = None  # a command may have registered, imported or purged a case


def tell(text: str) -> None:
    sys.stderr.write(visible(text) + "\n")
