"""Where the person is: the terminal prompts read from and write to.

A command's output is for whoever reads stdout (a pipe, a file, `jq`); the conversation with the
worker (questions, summaries, progress) is not. Prompts therefore read the keyboard (stdin when
it is a terminal, else the controlling terminal) and write to stderr, so `casecli list --json |
jq` still asks for the passphrase and the JSON stays clean.
"""

from __future__ import annotations

import sys
from typing import Any

from casecli.context import controlling_terminal

_streams: dict[str, Any] | None = None


def prompt_streams() -> dict[str, Any]:
    """The `input` and `output` keyword arguments every questionary prompt gets (made once)."""
    global _streams
    if _streams is None:
        _streams = {}
        from prompt_toolkit.input import create_input
        from prompt_toolkit.output import create_output

        if not sys.stdin.isatty():
            tty = controlling_terminal()
            if tty is not None:
                _streams["input"] = create_input(stdin=tty)
        if sys.stderr.isatty():
            _streams["output"] = create_output(stdout=sys.stderr)
        elif not sys.stdout.isatty():
            tty = controlling_terminal(write=True)
            if tty is not None:
                _streams["output"] = create_output(stdout=tty)
    return _streams


def conversation():
    """The rich console of the conversation (section titles, summaries, progress): stderr."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def progress_bar():
    """Progress on the conversation's console, shown only when that is a terminal."""
    from rich.progress import Progress

    talk = conversation()
    return Progress(console=talk, transient=True, disable=not talk.is_terminal)
