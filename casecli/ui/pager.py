"""A pager for long output on a terminal, fed through a pipe: never a temporary file.

rich's own pager goes through pydoc, which on some systems (Windows among them) writes the text
to a temporary file for `more` to read: a case in plaintext on disk. Here the pager (PAGER, else
`less`, else `more`) reads the text on its stdin; if it cannot start, the text is printed. It runs
without casecli's secrets in its environment and keeps no history (casecli.hardening).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from rich.pager import Pager

from casecli.hardening import pager_environment


def pager_command() -> str | None:
    chosen = os.environ.get("PAGER")
    if chosen is not None:
        return chosen.strip() or None  # PAGER="" turns paging off
    if shutil.which("less"):
        return "less"
    return "more" if shutil.which("more") else None


class PipePager(Pager):
    def show(self, content: str) -> None:
        command = pager_command()
        if command is None or command == "cat":
            sys.stdout.write(content)
            return
        environ = pager_environment(dict(os.environ))
        try:
            # shell=True as pydoc does: PAGER is the worker's own setting, often with its options
            process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=environ)
        except OSError:
            sys.stdout.write(content)
            return
        assert process.stdin is not None
        try:
            process.stdin.write(content.encode(sys.stdout.encoding or "utf-8", errors="replace"))
            process.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # the worker quit the pager before the end
        while True:
            try:
                process.wait()
                break
            except KeyboardInterrupt:
                continue  # Ctrl-C belongs to the pager while it runs
