"""Output for a pipe or a file: plain tab-separated text that `grep`, `cut` and a spreadsheet read.

A rich table wraps a long name over two lines and draws borders; sent to a pipe, each row is
one line instead, its cells separated by tabs (tabs and line breaks inside data become spaces),
with the column headers first. Everything else is printed as plain text with no wrapping.
"""

from __future__ import annotations

import io
from typing import Any


def one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").splitlines())


def _plain(renderable: Any) -> str:
    """Any rich renderable as plain text, unwrapped."""
    from rich.console import Console
    from rich.text import Text

    if isinstance(renderable, str):
        # a cell with no "[" holds no markup (escaped data keeps its brackets as "\\["): as it is;
        # parsing every cell as markup was most of `list | grep`'s time (80,000 cells at 10,000 cases)
        return renderable if "[" not in renderable else Text.from_markup(renderable).plain
    if isinstance(renderable, Text):
        return renderable.plain
    buffer = io.StringIO()
    Console(file=buffer, width=10_000, color_system=None, soft_wrap=True, highlight=False).print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def _table_lines(table, titled: bool) -> list[str]:
    lines = []
    if titled and table.title:
        lines.append("# " + one_line(_plain(table.title)))
    if table.show_header:
        lines.append("\t".join(one_line(_plain(column.header)) for column in table.columns))
    cells = [list(column.cells) for column in table.columns]
    for row in zip(*cells, strict=False):
        lines.append("\t".join(one_line(_plain(cell)) for cell in row))
    return lines


def tab_separated(renderable: Any) -> str:
    """The text a pipe gets for `renderable` (a view: a table, a group of parts, a line)."""
    from rich.console import Group
    from rich.table import Table

    if isinstance(renderable, Table):
        return "\n".join(_table_lines(renderable, titled=True)) + "\n"
    if isinstance(renderable, Group):
        lines: list[str] = []
        for part in renderable.renderables:
            if isinstance(part, Table):
                lines.extend(_table_lines(part, titled=True))
            else:
                text = _plain(part)
                lines.extend(text.splitlines() or [""])
        return "\n".join(lines) + "\n"
    return _plain(renderable).rstrip("\n") + "\n"
