"""Long tables on a terminal: rows of aligned text instead of rich's table layout.

Rich lays out a table cell by cell (measuring, wrapping, borders): about half a millisecond a row,
so an agenda of 20,000 items took minutes. Past `LONG` rows the same table is printed as aligned
lines, a column's width the widest of its cells (the last columns cut with an ellipsis to fit the
terminal), in batches as they are made: thousands of rows a second, colours kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice

LONG = 200
BATCH = 500
GAP = 2
MIN_WIDTH = 6


def first(rows: Iterable) -> tuple[list, Iterator | None]:
    """The rows of a short table (up to `LONG`), or, for a long one, all of them again as an
    iterator that has read only the first `LONG` + 1 (to be printed as they come)."""
    pending = iter(rows)
    head = list(islice(pending, LONG + 1))
    if len(head) <= LONG:
        return head, None
    return [], chain(head, pending)


def is_long(renderable) -> bool:
    from rich.table import Table

    return isinstance(renderable, Table) and renderable.row_count > LONG


def print_long(out, table) -> None:
    from rich.text import Text

    def text(cell) -> Text:
        if isinstance(cell, Text):
            return cell
        cell = str(cell)
        # markup is parsed only where there is some: most cells are plain (escaped data has a "[")
        return Text.from_markup(cell) if "[" in cell else Text(cell)

    columns = [[text(c) for c in column.cells] for column in table.columns]
    headers = [text(column.header) for column in table.columns]
    widths = [max([h.cell_len] + [c.cell_len for c in cells]) for h, cells in zip(headers, columns, strict=True)]
    _fit(widths, out.width)
    if table.title:
        out.print(text(table.title), style="italic")
    out.print(_line(headers, widths), style="bold")
    batch: list[Text] = []
    for row in zip(*columns, strict=True):
        batch.append(_line(list(row), widths))
        if len(batch) == BATCH:  # each line fits already: no wrapping to work out (soft_wrap)
            out.print(Text("\n").join(batch), soft_wrap=True)
            batch = []
    if batch:
        out.print(Text("\n").join(batch), soft_wrap=True)


def _fit(widths: list[int], room: int) -> None:
    """Narrow the widest columns until the line fits the terminal (never below MIN_WIDTH)."""
    while sum(widths) + GAP * (len(widths) - 1) > room:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= MIN_WIDTH:
            return
        widths[widest] -= 1


def _line(cells: list, widths: list[int]):
    from rich.text import Text

    line = Text()
    for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        part = cell.copy()
        part.truncate(width, overflow="ellipsis", pad=i < len(cells) - 1)
        line.append_text(part)
        if i < len(cells) - 1:
            line.append(" " * GAP)
    return line


# A cell of a streamed table: its text (controls made visible, on one line), or its text and style.
Cell = str | tuple[str, str | None]


def stream_long(out, headers: Sequence[str], rows: Iterable[Sequence[Cell]], footer: Callable[[int], str]) -> int:
    """A long table printed as its rows come, `BATCH` at a time, with no table kept in memory: the
    columns as wide as the first batch's widest cells (fitted to the terminal), a later cell cut
    to its column with an ellipsis. Ends with `footer(rows printed)` (the count a title would have
    needed before the first row). Cells are text, never markup. Returns the number of rows.

    Each batch is written as one string, a styled cell wrapped in the terminal codes rich makes for
    this console's colours (rich's own drawing of it, a Text a cell, was most of the time: 2.4 s
    for an agenda of 35,000 items against 0.5 s for the same lines written plain)."""
    from rich.cells import cell_len

    paint = _painter(out)
    pending = iter(rows)
    batch = list(islice(pending, BATCH))
    widths = [
        max([cell_len(header)] + [cell_len(_text_of(row[i])) for row in batch]) for i, header in enumerate(headers)
    ]
    _fit(widths, out.width)
    write = out.file.write
    write(_row([(header, "bold") for header in headers], widths, paint))
    count = 0
    while batch:
        write("".join(_row(row, widths, paint) for row in batch))
        out.file.flush()
        count += len(batch)
        batch = list(islice(pending, BATCH))
    write(paint(footer(count), "italic") + "\n")
    out.file.flush()
    return count


def _text_of(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell[0]


def _painter(out) -> Callable[[str, str | None], str]:
    """A cell's text with its style's terminal codes, as rich writes them for this console (no
    colour under NO_COLOR, none at all where it draws no colour); a console only rich can draw on
    (a legacy Windows console, without terminal codes) gets the text plain."""
    from rich.color import ColorSystem
    from rich.style import Style

    system = {
        "standard": ColorSystem.STANDARD,
        "256": ColorSystem.EIGHT_BIT,
        "truecolor": ColorSystem.TRUECOLOR,
    }.get(out.color_system or "")
    styles: dict[str, Style] = {}

    def paint(text: str, style: str | None) -> str:
        if not style or system is None or out.legacy_windows:
            return text
        if style not in styles:
            parsed = Style.parse(style)
            styles[style] = parsed.without_color if out.no_color else parsed
        return styles[style].render(text, color_system=system)

    return paint


def _row(cells: Sequence[Cell], widths: list[int], paint: Callable[[str, str | None], str]) -> str:
    from rich.cells import cell_len, set_cell_size

    parts = []
    last = len(cells) - 1
    for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        text, style = (cell, None) if isinstance(cell, str) else cell
        size = len(text) if text.isascii() else cell_len(text)  # (one column a character: most cells)
        if size > width:
            text = set_cell_size(text, width - 1) + "…"
        elif i < last:
            text += " " * (width - size)
        parts.append(paint(text, style) if style else text)
    return (" " * GAP).join(parts) + "\n"
