"""The command layer asks and prints: one command goes on to another by its name, and a write
command reads only what it needs."""

from __future__ import annotations

import json


def test_a_command_goes_on_to_another_by_the_words_a_worker_types(ready, capsys):
    import typer.main

    from casecli.cli import app
    from casecli.commands.common import invoke_command

    group = typer.main.get_command(app)
    with group.context_class(group, info_name="casecli", obj={"store": None, "no_input": True, "lang": None}) as ctx:
        invoke_command(ctx, "settings", "show", as_json=True)
    shown = json.loads(capsys.readouterr().out)
    assert shown["agenda.upcoming_days"] == 7
