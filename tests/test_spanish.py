"""Spanish all the way: the command line's own complaints, the words and dates a worker types on
options, local times, and a cancel that is a notice."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from .test_assessment_plan import INITIAL
from .test_cycle import PLAN, REFERRAL


def flat(text: str) -> str:
    return " ".join(text.replace("│", " ").replace("╭", " ").replace("╰", " ").split())


@pytest.mark.parametrize(
    ("args", "spanish", "english"),
    [
        (["show"], "Falta el argumento 'case'", "Missing argument"),
        (["shwo"], "No existe el comando 'shwo'. ¿Quiso decir 'show'?", "No such command"),
        (["list", "--rik", "high"], "No existe la opción: --rik (¿Quiso decir --risk?)", "No such option"),
        (["consent", "withdraw", "MX7-0001-Q"], "Falta la opción '--reason'", "Missing option"),
    ],
)
def test_the_command_lines_own_complaints_in_spanish(home, args, spanish, english):
    def run(*given: str):
        return subprocess.run([sys.executable, "-m", "casecli", *given], capture_output=True, text=True, check=False)

    result = run("--lang", "es", *args)
    assert result.returncode == 64
    assert spanish in flat(result.stderr) and english not in result.stderr
    assert "Try" not in result.stderr and "Usage" not in result.stderr
    assert english in flat(run(*args).stderr)


def test_options_take_the_workers_words_and_dates(ready):
    high = ready.register()
    ready.register(risk_level="low", name_first="Otra")
    for word in ("alto", "ALTO", "high", "High"):
        assert [r["case_number"] for r in ready.json("--lang", "es", "list", "--risk", word)] == [high]
    assert len(ready.json("--lang", "es", "list", "--status", "registrado")) == 2
    refused = ready("--lang", "es", "list", "--risk", "altísimo")
    assert refused.exit_code == 3
    assert "--risk: se esperaba uno de: alto, medio, bajo" in refused.stderr

    ready.ok("assess", high, "--answers", ready.write("i.json", INITIAL))
    ready.ok("plan", "edit", high, "--answers", ready.write("p.json", PLAN), "--activate")
    ref = (
        ready.ok("referral", "add", high, "--answers", ready.write("r.json", REFERRAL))
        .stdout.split("Referral ")[1]
        .split()[0]
    )
    done = ready.ok("--lang", "es", "referral", "update", ref, "--status", "aceptada", "--date", "23/11/2026")
    assert "aceptada el 23/11/2026" in flat(done.stdout)
    assert ready.json("referral", "list", high)[0]["status"] == "accepted"
    wrong = ready("--lang", "es", "referral", "update", ref, "--status", "completada", "--date", "31/02/2026")
    assert wrong.exit_code == 3 and "--date: se esperaba una fecha como DD/MM/AAAA" in wrong.stderr

    item = ready.json("show", high)["plan"]["data"]["services"][0]["id"]
    marked = ready.ok("--lang", "es", "plan", "item", "done", high, item, "--status", "en parte")
    assert "En parte" in marked.stdout and "partly" not in marked.stdout
    saved = ready.ok("--lang", "es", "plan", "activate", high)
    assert "activa" in saved.stdout or "activo" in saved.stdout


def test_the_history_is_in_local_time(ready, monkeypatch):
    if not hasattr(time, "tzset"):
        pytest.skip("changing the time zone in-process needs time.tzset (POSIX)")
    number = ready.register()
    at = ready.json("show", number, "--history")["history"][0]["at"]  # UTC, as stored
    monkeypatch.setenv("TZ", "CST+6")  # Chiapas: six hours behind UTC, no summer time
    time.tzset()
    try:
        import datetime as dt

        local = dt.datetime.fromisoformat(at).astimezone().strftime("%d/%m/%Y %H:%M")
        shown = ready.ok("--lang", "es", "show", number, "--history").stdout
        assert local in shown
        utc = dt.datetime.fromisoformat(at).strftime("%H:%M")
        assert f" {utc}" not in shown.split("# Historial")[1]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_the_profile_language_defaults_to_the_interfaces(cli):
    profile = {"name": "Ana Ruiz", "agency": "Casa Refugio", "role": "social_worker", "case_number_prefix": "MX7"}
    cli.ok("--lang", "es", "init", "--answers", cli.write("profile.json", profile))
    from .conftest import registration_answers

    cli.ok("new-case", "--answers", cli.write("child.json", registration_answers()))
    from casecli import i18n

    i18n.set_language("en")
    # No --lang now: the profile's language (Spanish, the interface's at init) speaks.
    assert "Número de caso" in cli.ok("list").stdout


def test_one_word_for_one_thing_in_spanish():
    """The passphrase is "frase de acceso" everywhere, the key is "Enter" (not "Intro"), a receipt
    "Confirmado" (not "Acusado")."""
    from babel.messages.pofile import read_po

    from casecli.i18n import LOCALE_DIR

    with open(LOCALE_DIR / "es" / "LC_MESSAGES" / "casecli.po", "rb") as handle:
        catalog = read_po(handle)
    words = [w for m in catalog if m.id for w in ((m.string,) if isinstance(m.string, str) else m.string)]
    for wrong in ("frase de contraseña", "Frase de contraseña", "frase de paso", "Intro ", "(Intro", "Acusado"):
        assert not [w for w in words if wrong in " ".join(w.split())], wrong  # across a line's end too


def test_the_history_names_changes_in_the_workers_words(ready):
    number = ready.register()
    ready.ok("edit", number, "--set", "risk_level=low", "--set", "current_location=Albergue DIF", "--no-input")
    spanish = ready.ok("--lang", "es", "log", number).stdout
    assert "Nivel de riesgo inicial: alto → bajo" in spanish and "risk" not in spanish and " low" not in spanish
    assert "current_location" not in spanish and "¿Dónde está el niño/a ahora?" in spanish
    english = ready.ok("log", number).stdout
    assert "high → low" in english


def test_counts_take_the_languages_plural_never_a_bracketed_one():
    """ "1 caso", "2 casos" (ngettext), never "caso(s)": in the catalog and on a screen with counts."""
    import re

    from babel.messages.pofile import read_po

    from casecli.i18n import LOCALE_DIR, n_, set_language

    with open(LOCALE_DIR / "es" / "LC_MESSAGES" / "casecli.po", "rb") as handle:
        catalog = read_po(handle)
    texts = [
        t
        for m in catalog
        if m.id
        for t in (
            *((m.id,) if isinstance(m.id, str) else m.id),
            *((m.string,) if isinstance(m.string, str) else m.string),
        )
    ]
    assert [t for t in texts if re.search(r"\w\((s|es|a|as)\)", t)] == []
    set_language("es")
    try:
        assert n_("{count} visit", "{count} visits", 1).format(count=1) == "1 visita"
        assert n_("{count} visit", "{count} visits", 2).format(count=2) == "2 visitas"
    finally:
        set_language("en")
