"""Long tables on a terminal: rows of aligned text instead of rich's table layout.

Rich lays out a table cell by cell (measuring, wrapping, borders): about half a millisecond a row,
so an agenda of 20,000 items took minutes. Past `LONG` rows the same table is printed as aligned
lines, a column's width the widest of its cells (the last columns cut with an ellipsis to fit the
terminal), in batches as they are made: thousands of rows a second, colours kept.
"""

from __future__ import annotations

LONG = 200
BATCH = 500
GAP = 2
MIN_WIDTH = 6


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
