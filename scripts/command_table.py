"""Write casecli/commands/table.py: the command line's table of contents (each top-level command's
name, module and help message, in `--help` order), read by `casecli --help` instead of importing
every command module (a lazy command table, as pip keeps).

    python scripts/command_table.py            # rewrite the table from the command modules
    python scripts/command_table.py --check    # exit 1 when the table is not what they hold
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "casecli" / "commands" / "table.py"
# The modules whose commands `casecli --help` lists, in its order.
MODULES = (
    "init", "cases", "consent", "forms", "demo", "keys", "agency", "duplicates", "assess", "plan", "visits",
    "closure", "agenda", "referral", "conference", "best_interests", "tracing", "legal", "approval", "report",
    "contacts", "bundles", "primero", "handover", "protection", "settings", "mailbox", "inbox", "roster", "shell",
)  # fmt: skip


def entries() -> list[tuple[str, str, str, str]]:
    """(name, module, "command" or "group", the English help message) of every top-level command."""
    os.environ["CASECLI_LANG"] = "en"
    sys.path.insert(0, str(ROOT))
    import importlib

    import typer.main

    out = []
    for module_name in MODULES:
        module = importlib.import_module(f"casecli.commands.{module_name}")
        built = typer.main.get_command(module.app)
        commands = getattr(built, "commands", None)
        found = commands.items() if commands is not None else [(built.name, built)]
        for name, command in found:
            if getattr(command, "commands", None) is not None:
                out.append((name, module_name, "group", command.help or ""))
            else:
                out.append((name, module_name, "command", inspect.cleandoc(command.callback.__doc__ or "")))
    return out


def text(found: list[tuple[str, str, str, str]]) -> str:
    lines = [
        '"""The command line\'s table of contents, written by scripts/command_table.py (do not edit):',
        "each top-level command's name, module, kind and help message (English: the catalog's msgid),",
        '`casecli --help` lists them without importing the command modules."""',
        "",
        "from __future__ import annotations",
        "",
        "COMMANDS: tuple[tuple[str, str, str, str], ...] = (",
    ]
    lines += [f"    ({name!r}, {module!r}, {kind!r}, {message!r})," for name, module, kind, message in found]
    lines.append(")")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    found = entries()
    if args.check:  # the table's values (ruff may lay its text out otherwise)
        import runpy

        held = runpy.run_path(str(TABLE))["COMMANDS"] if TABLE.exists() else ()
        sys.exit(0 if list(held) == found else 1)
    TABLE.write_text(text(found), encoding="utf-8")


if __name__ == "__main__":
    main()
