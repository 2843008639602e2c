"""The root of the command line: a command's module is imported when that command runs, not for
`casecli --help` (which lists the commands from their table of contents, commands/table.py) nor
for completing a command's name: start-up pays for one module, not thirty."""

from __future__ import annotations

import importlib
from typing import Any

from casecli.commands.errors import CaseCliGroup
from casecli.commands.table import COMMANDS

BY_NAME = {name: (module, kind, message) for name, module, kind, message in COMMANDS}


class LazyRoot(CaseCliGroup):
    """`casecli`'s own group: its commands come from the table, each built when first asked for."""

    def __init__(self, *args: Any, **kwargs: Any):
        self._built: dict[str, Any] = {}
        self._listing = False  # the help screen or a completion: the table's entries are enough
        super().__init__(*args, **kwargs)

    # typer and click set `commands` as they make a group (empty: the root registers none); every
    # command, built, where something walks the whole tree (the shell's completion, the tests)
    @property  # type: ignore[override]
    def commands(self) -> dict[str, Any]:
        return {name: self._build(name) for name in BY_NAME}

    @commands.setter
    def commands(self, value: Any) -> None:
        pass

    def list_commands(self, ctx) -> list[str]:
        return list(BY_NAME)

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in BY_NAME:
            return None
        if self._listing and cmd_name not in self._built:
            return _entry(cmd_name)
        return self._build(cmd_name)

    def _build(self, name: str):
        if name not in self._built:
            import typer.main

            module = importlib.import_module(f"casecli.commands.{BY_NAME[name][0]}")
            built = typer.main.get_command(module.app)
            group = getattr(built, "commands", None)
            self._built[name] = group.get(name) if group is not None else built
        return self._built[name]

    def format_help(self, ctx, formatter) -> None:
        self._listing = ctx.parent is None
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx, incomplete: str):
        self._listing = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False


def _entry(name: str):
    """A command as the help screen lists it: its name and help, in the worker's language."""
    from typer.core import TyperCommand

    from casecli.commands.common import reflowed
    from casecli.i18n import _

    _module, kind, message = BY_NAME[name]
    return TyperCommand(name=name, help=_(message) if kind == "group" else reflowed(_(message)))
