"""The command layer asks and prints: one command goes on to another by its name, and a write
command reads only what it needs."""

from __future__ import annotations

import json

import pytest


def test_a_command_goes_on_to_another_by_the_words_a_worker_types(ready, capsys):
    import typer.main

    from casecli.cli import app
    from casecli.commands.common import invoke_command

    group = typer.main.get_command(app)
    with group.context_class(group, info_name="casecli", obj={"store": None, "no_input": True, "lang": None}) as ctx:
        invoke_command(ctx, "settings", "show", as_json=True)
    shown = json.loads(capsys.readouterr().out)
    assert shown["agenda.upcoming_days"] == 7


CHECK_HELP = """
import sys
sys.argv = ["casecli", "--lang", LANG]
import typer.main
from casecli.cli import app

def commands(command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from commands(sub, (*path, name))

broken = [
    (path, line)
    for path, command in commands(typer.main.get_command(app))
    for paragraph in (command.help or "").split("\\n\\n")
    for line in paragraph.splitlines()[1:]
    if not line.lstrip().startswith(("Example:", "Ejemplo:"))
]
print(len(list(commands(typer.main.get_command(app)))), broken)
"""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_help_text_breaks_a_sentence_where_its_docstring_line_ended(lang):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", CHECK_HELP.replace("LANG", repr(lang))], capture_output=True, text=True, check=True
    )
    count, broken = done.stdout.split(" ", 1)
    assert int(count) > 50 and broken.strip() == "[]", broken


def test_the_command_table_is_what_the_command_modules_hold():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "command_table.py"
    done = subprocess.run([sys.executable, str(script), "--check"], check=False)
    assert done.returncode == 0, "casecli/commands/table.py is out of date: run scripts/command_table.py"


HELP_IMPORTS = """
import sys
sys.argv = ["casecli", *ARGS]
from casecli import cli
try:
    cli.main()
except SystemExit:
    pass
import json
print("MODULES", json.dumps(sorted(m for m in sys.modules if m.startswith("casecli.commands."))))
"""


def test_help_imports_no_command_module_and_a_command_imports_its_own():
    """`casecli --help` (and a completion of a command's name) lists the commands from their table;
    running one imports its module only."""
    import subprocess
    import sys

    def imported(*args: str) -> set[str]:
        code = HELP_IMPORTS.replace("ARGS", repr(list(args)))
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        line = next(x for x in done.stdout.splitlines() if x.startswith("MODULES"))
        return set(json.loads(line.removeprefix("MODULES ")))

    shared = {"casecli.commands.common", "casecli.commands.errors", "casecli.commands.lazy", "casecli.commands.table"}
    assert imported("--help") <= shared
    assert imported("tracing", "--help") - shared == {"casecli.commands.tracing"}
