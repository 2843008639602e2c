"""Text that people and bundles typed, made safe to show: never obeyed by a terminal or a reader.

A child's name, a note or a bundle's header may hold characters a terminal acts on instead of
showing (ESC starts the sequences that clear the screen, set the window title, write the
clipboard or make links; other C0 and C1 controls; the marks that reorder text right to left),
or markup that a Markdown reader would render as HTML or links. These functions write such
characters out as visible escapes; the terminal views (ui.render.shown) and the documents use them.
"""

from __future__ import annotations

import html
import os
import re
from typing import Any

# C0 and C1 controls but tab and newline, DEL, and the bidirectional marks and overrides.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What Markdown would read as emphasis, code, links, tables or headings.
_MARKDOWN = re.compile(r"([\\`*_\[\]|#])")


# What one cell of a line cannot hold as it is: the controls above, and what ends a line or a column.
_CELL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_SPACED = frozenset("\t\n\u2028\u2029")


def _cell_escape(match: re.Match) -> str:
    char = match.group()
    if char in _SPACED:
        return " "
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def cell_safe(value: Any) -> str:
    """What `visible` shows, on one line: a tab or a line break is a space (a last line break
    dropped, as `str.splitlines` drops it), in one pass."""
    text = str(value)
    if text[-1:] in ("\n", "\u2028", "\u2029"):
        text = text[:-1]
    return _CELL.sub(_cell_escape, text)


def visible(value: Any) -> str:
    """The text with every control character written out as an escape (ESC as \\x1b)."""

    def escaped(match: re.Match) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(escaped, str(value))


def markdown_text(value: Any) -> str:
    """The text as literal Markdown: no HTML, no links or emphasis, controls visible."""
    return _MARKDOWN.sub(r"\\\1", html.escape(visible(value), quote=False))


def file_name(path: str | os.PathLike[str]) -> str:
    """A file's name as a person may see it: bytes that are not UTF-8 (a name from another system,
    or a hostile one) and control characters escaped, never raw."""
    name = os.path.basename(os.fspath(path))
    return visible(os.fsencode(name).decode("utf-8", "backslashreplace"))
