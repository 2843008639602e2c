"""Long tables on a terminal (issue 19): printed as aligned rows as they come, not through rich's
table layout; every row there, within the terminal's width, data shown as typed, colours kept."""

from __future__ import annotations

import datetime as dt
import io

from rich.console import Console

from casecli.ui import long_table
from casecli.ui.views import agenda_table


def items(count: int) -> list[dict]:
    return [
        {
            "case_number": f"MX7-{i:04d}-A",
            "risk": ("high", "medium", "low")[i % 3],
            "due": "2026-11-20",
            "overdue": i % 2 == 0,
            "days_late": 3,
            "what": "visit [bold]not markup[/bold] " + "and a long explanation " * (i % 4),
            "command": f"casecli visit MX7-{i:04d}-A",
        }
        for i in range(count)
    ]


def test_a_long_agenda_prints_every_row_aligned_within_the_width():
    table = agenda_table(items(1000), dt.date(2026, 11, 30))
    assert long_table.is_long(table) and not long_table.is_long(agenda_table(items(10), dt.date(2026, 11, 30)))
    out = Console(file=io.StringIO(), force_terminal=True, width=100, color_system="standard")
    long_table.print_long(out, table)
    plain = Console(file=io.StringIO(), width=100, color_system=None)
    long_table.print_long(plain, table)
    lines = plain.file.getvalue().splitlines()
    assert len(lines) == 1 + 1 + 1000  # title, header, rows
    assert all(len(line) <= 100 for line in lines)
    assert lines[2].startswith("MX7-0000-A") and lines[-1].startswith("MX7-0999-A")
    assert "visit [bold]not markup" in lines[2]  # a person's text is never markup
    starts = {line.index("2026-11-20") for line in lines[2:]}
    assert len(starts) == 1  # one column, one place
    assert "\x1b[" in out.file.getvalue()  # colours kept on a colour terminal


def test_a_long_table_streams_its_rows_as_they_come_aligned_to_its_first_rows():
    """stream_long reads the rows as it prints them (a batch at a time, nothing kept), aligns every
    column to the first batch's widest cell, cuts a later, wider cell with an ellipsis, treats
    every cell as text, and ends with the count."""
    read = []

    def rows(count: int):
        for i in range(count):
            read.append(i)
            name = "Ana [red]not markup[/red]" if i < long_table.BATCH else "A much longer name " * 3
            yield (f"MX7-{i:04d}-A", name, ("alta", "bold red"), "2026-11-20")

    printed_at = []

    class Screen(io.StringIO):
        def write(self, text: str) -> int:
            printed_at.append(len(read))
            return super().write(text)

    plain = Console(file=Screen(), width=100, color_system=None)
    count = long_table.stream_long(plain, ("Case", "Child", "Risk", "Due"), rows(1200), lambda n: f"{n} cases")
    lines = plain.file.getvalue().splitlines()
    assert count == 1200 and len(lines) == 1 + 1200 + 1 and lines[-1] == "1200 cases"
    assert printed_at[1] <= long_table.BATCH + 1  # the first rows printed before the rest were read
    assert {line.index("alta") for line in lines[1:-1]} == {lines[0].index("Risk")}  # one column, one place
    assert "Ana [red]not markup[/red]" in lines[1]
    assert lines[-2].split("  ")[1].endswith("…")  # a later, wider name cut to its column
    colour = Console(file=io.StringIO(), force_terminal=True, width=100, color_system="standard")
    long_table.stream_long(colour, ("Case", "Child", "Risk", "Due"), rows(300), lambda n: f"{n} cases")
    assert "\x1b[1;31malta" in colour.file.getvalue()  # the risk keeps its colour


def test_first_returns_a_short_table_whole_and_a_long_one_still_to_read():
    short, longer = long_table.first(iter(range(long_table.LONG)))
    assert short == list(range(long_table.LONG)) and longer is None
    pending = iter(range(10_000))
    short, longer = long_table.first(pending)
    assert short == [] and next(pending) == long_table.LONG + 1  # only the first LONG + 1 were read
    assert list(longer)[: long_table.LONG + 1] == list(range(long_table.LONG + 1))


def screen_lines(text: str) -> list[str]:
    """What a terminal shows: the lines without their styles (bold, italics) or carriage returns."""
    import re

    return [
        line.rstrip() for line in re.sub(r"\x1b\[[0-9;]*m", "", text.replace("\r", "")).splitlines() if line.strip()
    ]


def test_a_long_list_and_agenda_at_a_terminal_print_every_row_then_the_count(ready):
    """At a terminal (a real pseudo-terminal), past LONG rows the list and the agenda are printed as
    they are read from the store: every case once, each line within the terminal's width."""
    import pexpect

    from .pty_session import spawn

    ready.ok(
        "--store", str(ready.store), "demo", "--cases", str(long_table.LONG + 40), "--seed", "2", "--into-real-store"
    )
    numbers = {row["case_number"] for row in ready.json("list")}
    child = spawn(ready.home, "list")
    child.expect(pexpect.EOF)
    lines = screen_lines(child.before)
    assert lines[-1] == f"{len(numbers)} cases" and len(numbers) > long_table.LONG
    assert {line.split()[0] for line in lines[1:-1]} == numbers and len(lines) == len(numbers) + 2
    assert all(len(line) <= 120 for line in lines)
    items = ready.json("agenda")
    assert len(items) > long_table.LONG  # (the training cases' agenda is long too)
    child = spawn(ready.home, "agenda")
    child.expect(pexpect.EOF)
    lines = screen_lines(child.before)
    assert lines[-1].startswith(f"Agenda: {len(items)} items due by") and len(lines) == len(items) + 2
