"""Output: a core function's value printed as JSON (`--json`) or as a rich view, from one place.

Every read command ends in `emit(value, as_json, view)`: the JSON is the value itself, and the
view is built from the same value (ui.views), so the two can never disagree.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

from casecli.i18n import _
from casecli.plaintext import visible


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


# What json.dumps leaves raw with ensure_ascii=False and a terminal would act on: the C1 controls
# (U+009B is a one-character escape sequence), DEL, and the line and paragraph separators.
_RAW_CONTROLS = re.compile("[\u007f-\u009f\u2028\u2029]")


def _json_text(value: Any, indent: int | None) -> str:
    """JSON text with every control character escaped as \\u…: data is never terminal control."""
    text = json.dumps(value, ensure_ascii=False, indent=indent, default=str)
    return _RAW_CONTROLS.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def print_json(value: Any) -> None:
    """`value` as JSON: indented for a person at a terminal, compact (and several times faster) for
    scripts. An iterator (not a list or a dict) is written as a JSON array as its items come."""
    indent = 2 if sys.stdout.isatty() else None
    if isinstance(value, (list, dict, str, int, float, bool)) or value is None:
        sys.stdout.write(_json_text(value, indent) + "\n")
        return
    # In batches of a thousand: one json.dumps a batch is several times faster than one an item,
    # and memory still holds one batch, not the whole list.
    from itertools import islice

    items = iter(value)
    first = True
    sys.stdout.write("[")
    while batch := list(islice(items, 1000)):
        text = _json_text(batch, indent)
        sys.stdout.write(("" if first else ",") + text[1:-1].rstrip())
        first = False
    sys.stdout.write("\n]\n" if indent and not first else "]\n")


def shown(value: Any) -> str:
    """Data (what a person or a bundle typed) made safe to put inside rich markup: its brackets
    are escaped, so `Ana [/] Maria` is a name and not a closing tag, and controls are visible."""
    from rich.markup import escape

    return escape(visible(value))


def group(parts: list):
    """Several lines or tables as one renderable (a view returns one thing to print)."""
    from rich.console import Group

    return Group(*parts)


def emit(value: Any, as_json: bool, view: Callable[[Any], Any], page: bool = False) -> None:
    """Print `value` as JSON, or the view of it: tab-separated text to a pipe or a file, a rich
    view on a terminal (in a pager when `page` and it is longer than the screen)."""
    if as_json:
        print_json(value)
        return
    renderable = view(value)
    if not sys.stdout.isatty():
        from casecli.ui.pipe import tab_separated

        sys.stdout.write(tab_separated(renderable))
        return
    out = console()
    from casecli.ui import long_table

    parts = list(getattr(renderable, "renderables", [renderable]))
    if any(long_table.is_long(part) for part in parts):  # rows as they come, not rich's layout
        for part in parts:
            if long_table.is_long(part):
                long_table.print_long(out, part)
            else:
                out.print(part)
        return
    if page and _taller_than_screen(out, renderable):
        from casecli.ui.pager import PipePager

        with out.pager(pager=PipePager(), styles=True):
            out.print(renderable)
    else:
        out.print(renderable)


def _taller_than_screen(out, renderable) -> bool:
    from rich.table import Table

    if isinstance(renderable, Table) and renderable.row_count > out.size.height:
        return True  # a row a line at least: no need to lay it out once more only to count its lines
    lines = out.render_lines(renderable, out.options, pad=False)
    return len(lines) > out.size.height - 2


RISK_STYLE = {"high": "bold red", "medium": "yellow", "low": "green"}


def age_text(row: Mapping[str, Any]) -> str:
    if row.get("age") is None:
        return "?"
    age = f"~{row['age']}" if row.get("age_estimated") else str(row["age"])
    if row.get("age_disputed"):
        return age + " " + _("(disputed)")
    return age + " " + _("(assessed)") if row.get("age_assessed") else age


def parsed_table(**options):
    """A rich table whose cells given as markup are parsed once, when added: rich parses a markup
    cell each time it measures or draws it (a list of 85 cases: 111 ms to print, 58 ms parsed
    once)."""
    return _parsed_table_class()(**options)


@functools.cache
def _parsed_table_class():
    """The class, made once (rich is imported only by what prints a table)."""
    from rich.table import Table
    from rich.text import Text

    class ParsedTable(Table):
        def add_row(self, *renderables, **kwargs) -> None:
            cells = [Text.from_markup(cell) if isinstance(cell, str) else cell for cell in renderables]
            super().add_row(*cells, **kwargs)

    return ParsedTable


def titled_table(title: str, *columns: str):
    """A table titled on the left with these column headers: the shape of every list view."""
    table = parsed_table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    return table


def risk_text(risk: str) -> str:
    """The risk level as a word in the worker's language, coloured by level."""
    from casecli.forms.labels import label

    return f"[{RISK_STYLE.get(risk, '')}]{shown(label(risk))}[/]"
