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
