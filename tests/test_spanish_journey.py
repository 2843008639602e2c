"""A whole case in Spanish, in a pseudo-terminal, as a Spanish-speaking worker meets it: every
screen is read for the English words that used to slip through."""

from __future__ import annotations

import os
import re

import pytest

pexpect = pytest.importorskip("pexpect")
if os.name != "posix":  # pragma: no cover
    pytest.skip("pseudo-terminals need POSIX", allow_module_level=True)

from .pty_session import DOWN, ENTER, Wizard, fill_registration, spawn_env  # noqa: E402
from .test_assessment_plan import INITIAL  # noqa: E402
from .test_cycle import PLAN, VISIT  # noqa: E402

# What a Spanish screen showed in English before (issue: "Spanish all the way").
ENGLISH = (
    "done (",
    "selections)",
    "Missing argument",
    "Missing option",
    "No such command",
    "Did you mean",
    "(draft)",
    "(active)",
    ": continue",
    "Cancelled",
    "error:",
    "Use arrow keys",
    "Saved",
    "Next step",
    "recorded",
    "optional]",
    "skip",
    "back",
    "Yes",
)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Journey:
    def __init__(self, home):
        self.home = home
        self.screens: list[str] = []

    def spawn(self, *args: str):
        import sys

        env = spawn_env(self.home)
        env.update(LANG="es_MX.UTF-8", LANGUAGE="es")
        child = pexpect.spawn(
            sys.executable, ["-m", "casecli", *args], env=env, encoding="utf-8", timeout=20, dimensions=(50, 120)
        )
        child.logfile_read = _Screen(self.screens)
        return child

    def finish(self, child, status: int = 0) -> None:
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == status, self.screens[-1][-2000:]


def summary(child) -> None:
    """Keep the default of every question the answers file left out (an optional one empty, a
    prefilled one as it is, a menu where it starts), until the summary; then save."""
    while (found := child.expect_exact(["¿Y ahora?", "[opcional]", "(Enter lo conserva", "(flechas;"])) != 0:
        child.send(ENTER)
        if found == 1:
            child.expect_exact("[opcional]")  # the same question, answered
    child.send(ENTER)  # save


class _Screen:
    def __init__(self, screens: list[str]):
        self.screens = screens
        screens.append("")

    def write(self, text: str) -> None:
        self.screens[-1] += text

    def flush(self) -> None:
        pass


@pytest.mark.slow  # several seconds: in `pytest -m slow` (.ci/run runs it), keeping the default run short
def test_a_whole_case_in_spanish_shows_no_english(cli):
    cli.init(language="es")
    journey = Journey(cli.home)

    child = journey.spawn("new-case")
    w = Wizard(child, "registration", lang="es")
    fill_registration(w)
    child.expect_exact("¿Y ahora?")
    child.send(DOWN + ENTER)  # correct an answer
    child.expect_exact("¿Qué respuesta?")
    child.send("ahora?")  # search: where the child is now
    child.send(ENTER)
    child.expect_exact("?\x1b[0;1m ¿Dónde está el niño/a ahora?")  # the question, not the menu's line
    child.send("Albergue DIF Tapachula" + ENTER)
    child.expect_exact("¿Y ahora?")
    child.send(ENTER)
    child.expect(r"Caso registrado: \S*?(MX7-\d{4}-\w)")
    number = child.match.group(1)
    child.expect_exact("Siguiente paso")
    journey.finish(child)
    assert cli.json("show", number)["registration"]["current_location"] == "Albergue DIF Tapachula"

    child = journey.spawn("assess", number, "--answers", cli.write("i.json", INITIAL))
    summary(child)
    child.expect_exact("Siguiente paso")
    journey.finish(child)

    child = journey.spawn("plan", "edit", number, "--answers", cli.write("p.json", PLAN), "--activate")
    child.expect_exact("activ")
    journey.finish(child)

    child = journey.spawn("visit", "add", number, "--answers", cli.write("v.json", VISIT))
    summary(child)
    journey.finish(child)

    review = {
        "participants": ["child"],
        "progress": "Bien",
        "child_views": "Quiero estudiar",
        "decision": "continue",
        "risk_level": "high",
        "next_review": "2027-06-01",
    }
    child = journey.spawn("review", number, "--answers", cli.write("r.json", review))
    summary(child)
    child.expect_exact("continuar")
    journey.finish(child)

    closure = {  # not a durable solution (those need a BID panel first): the journey stays short
        "reason": "other",
        "reason_other": "Se fue a vivir con su tía en Chiapas",
        "final_visit": True,
        "child_informed": True,
        "notes": "Vive con su tía",
    }
    child = journey.spawn("close", number, "--answers", cli.write("c.json", closure), "--acknowledge-open")
    summary(child)
    journey.finish(child)
    assert cli.json("show", number)["status"] == "closed"

    child = journey.spawn("show", number, "--voice")
    child.expect_exact("Quiero estudiar")
    journey.finish(child)
    child = journey.spawn("shwo", number)  # a typo: click's complaint, in Spanish
    journey.finish(child, 64)

    assert "23/11/2026" in journey.screens[3]  # the visit's date prompt, prefilled as the worker writes it
    for screen in journey.screens:
        text = ANSI.sub("", screen)
        found = [word for word in ENGLISH if word in text]
        assert not found, (found, text[-1500:])
