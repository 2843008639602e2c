"""The translation layer: catalogs complete and compiled, and help in Spanish with no English left."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

WALK_HELP = """
import json, typer.main
from typer.testing import CliRunner
from casecli.cli import app
root = typer.main.get_command(app)
out = {}
def walk(command, path):
    result = CliRunner().invoke(app, path + ["--help"], terminal_width=100)
    out[" ".join(path) or "casecli"] = result.output
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        walk(sub, path + [name])
walk(root, [])
print(json.dumps(out))
"""


def flatten(text: str) -> str:
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def test_catalogs_hold_every_message_translated_and_compiled():
    pytest.importorskip("babel")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "messages.py"), "check"], capture_output=True, text=True
    )
    report = json.loads(done.stdout)
    assert report["problems"] == [], report["problems"]
    assert report["messages"] > 100


@pytest.mark.slow  # several seconds: in `pytest -m slow` (.ci/run runs it), keeping the default run short
def test_help_of_every_command_in_spanish_has_no_english_left():
    from babel.messages.pofile import read_po

    with (ROOT / "casecli" / "locale" / "es" / "LC_MESSAGES" / "casecli.po").open("rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle) if m.id and m.string != m.id}
    env = {**os.environ, "CASECLI_LANG": "es", "NO_COLOR": "1", "COLUMNS": "100"}
    helps = json.loads(
        subprocess.run([sys.executable, "-c", WALK_HELP], env=env, capture_output=True, text=True, check=True).stdout
    )
    assert len(helps) > 40
    english = [flatten(m) for m in catalog if len(m) > 12 and " " in m]  # single words are also flag names
    for command, text in helps.items():
        shown = flatten(text)
        assert "Uso:" in shown and "Mostrar este mensaje y salir." in shown, command
        left = [m for m in english if m[:60] in shown]
        assert left == [], (command, left)


def test_english_help_is_unchanged_without_a_language(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("CASECLI_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    }
    text = subprocess.run(
        [sys.executable, "-m", "casecli", "list", "--help"],
        env={**env, "COLUMNS": "100"},
        capture_output=True,
        text=True,
    ).stdout
    assert "List cases, highest risk first." in text and "Usage:" in text
    text = subprocess.run(
        [sys.executable, "-m", "casecli", "--lang", "es", "list", "--help"],
        env={**env, "COLUMNS": "100"},
        capture_output=True,
        text=True,
    ).stdout
    assert "Lista los casos" in text
    text = subprocess.run(
        [sys.executable, "-m", "casecli", "list", "--help"],
        env={**env, "LANG": "es_MX.UTF-8", "COLUMNS": "100"},
        capture_output=True,
        text=True,
    ).stdout
    assert "Lista los casos" in text


def test_plan_document_in_spanish_whatever_the_interface(ready):
    from .test_assessment_plan import INITIAL, complete_plan

    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL))
    ready.ok(
        "plan",
        "edit",
        number,
        "--answers",
        ready.write("p.json", complete_plan(("safety", "health", "family", "family"))),
        "--activate",
    )
    spanish = ready.ok("plan", "show", number, "--format", "html", "--lang", "es").stdout
    for expected in (
        "Plan de Cuidado y Protección",
        "Necesidades de protección",
        "Firmas",
        "Cada 7 días.",
        "Casa hogar pequeña",
        '<html lang="es">',
    ):
        assert expected in spanish, expected
    for english in ("Signatures", "Protection needs", "Small group home", "Every 7 days"):
        assert english not in spanish, english
    assert "Signatures" in ready.ok("plan", "show", number, "--format", "html").stdout  # the interface stays English
    assert ready("plan", "show", number, "--lang", "fr").exit_code == 3


def test_dates_in_the_languages_usual_format(ready, monkeypatch):
    import datetime as dt

    from casecli import i18n
    from casecli.forms import load_form

    try:
        i18n.set_language("es")
        field = load_form("registration").field("date_of_birth")
        assert field.coerce("3/2/2011", dt.date(2026, 11, 23)) == "2011-02-03"
        assert field.coerce("2011-02-03", dt.date(2026, 11, 23)) == "2011-02-03"
        assert i18n.format_date("2026-11-23") == "23/11/2026"
        i18n.set_language("en")
        with pytest.raises(ValueError):
            field.coerce("3/2/2011", dt.date(2026, 11, 23))  # ambiguous in English: ISO only
        assert i18n.format_date("2026-11-23") == "2026-11-23"
    finally:
        i18n.set_language("en")
    number = ready.register()
    assert "23/11/2026" in ready.ok("--lang", "es", "list").stdout
    assert ready.json("--lang", "es", "list")[0]["registered_on"] == "2026-11-23"  # JSON stays ISO
    del number


def test_history_reads_in_the_workers_language(ready):
    number = ready.register()
    ready.ok("edit", number, "--set", "risk_level=low")
    spanish = ready.ok("--lang", "es", "log", number).stdout
    assert "Caso registrado" in spanish and "Registro editado: Nivel de riesgo inicial" in spanish
    english = ready.ok("log", number).stdout
    assert "Case registered" in english and "Registration edited: risk_level" in english
    # the stored summaries, part of the hash chain, never change
    assert ready.json("--lang", "es", "show", number, "--history")["history"][0]["summary"] == "Case registered"


def _calls_of_gettext(tree):
    import ast

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            yield node


def test_messages_are_extracted_alike_on_every_python():
    """Babel reads the code as tokens: before Python 3.12 an f-string is one token (a message in it
    is never extracted), from 3.12 on its parts are (it is). And `_(row["kind"])` gives it the
    literal "kind" as a message. Either makes the catalog check pass on one Python and fail on
    another: a message is a literal argument of `_()` outside f-strings, or a plain name."""
    import ast

    def literals(node) -> list[str]:
        return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value]

    problems = []
    for path in sorted((ROOT / "casecli").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(ROOT))
        for joined in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
            for call in _calls_of_gettext(joined):
                if call.args and literals(call.args[0]):
                    problems.append(f"{where}:{call.lineno}: a message inside an f-string")
        for call in _calls_of_gettext(tree):
            if call.args and not isinstance(call.args[0], ast.Constant) and literals(call.args[0]):
                problems.append(f"{where}:{call.lineno}: _() of an expression holding a string")
    assert problems == []
