"""Driving casecli through a pseudo-terminal (pexpect): the person at the keyboard, for real."""

from __future__ import annotations

import os
import sys

import pexpect

from casecli.forms import load_form

from .conftest import PASSPHRASE

DOWN, UP, ENTER, SPACE, CTRL_C = "\x1b[B", "\x1b[A", "\r", " ", "\x03"


def spawn_env(home, passphrase: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CASECLI_PASSPHRASE", "CASECLI_PASSPHRASE_FILE")}
    env.update(
        CASECLI_STORE=str(home / "data" / "casecli.db"),
        CASECLI_KDF_MEMORY_KIB="64",
        CASECLI_TODAY="2026-11-23",
        TERM="xterm",
        PROMPT_TOOLKIT_NO_CPR="1",
        COLUMNS="120",
        LINES="50",
        NO_COLOR="1",
        PAGER="",
    )
    if passphrase:
        env["CASECLI_PASSPHRASE"] = PASSPHRASE
    return env


def spawn(home, *args, passphrase=True):
    return pexpect.spawn(
        sys.executable,
        ["-m", "casecli", *args],
        env=spawn_env(home, passphrase),
        encoding="utf-8",
        timeout=20,
        dimensions=(50, 120),
    )


def ends(child, status: int) -> None:
    """The program runs to its end and exits with `status`."""
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == status


class Wizard:
    def __init__(self, child, form_name, lang="en"):
        self.child = child
        self.form = load_form(form_name)
        self.lang = lang

    def answer(self, field_id: str, keys: str) -> None:
        self.child.expect_exact(self.form.field(field_id).label(self.lang))
        self.child.send(keys)


def fill_registration(w: Wizard, age: str = "15") -> None:
    w.answer("identified_on", ENTER)  # default: today
    w.answer("identified_how", ENTER)  # outreach
    w.answer("identified_where", "Tapachula" + ENTER)
    w.answer("identified_by", ENTER)
    w.answer("name_first", "Yulissa" + ENTER)
    w.answer("name_last", "Pty-Marker" + ENTER)
    w.answer("name_other", ENTER)
    w.answer("sex", ENTER)  # female
    w.answer("dob_known", DOWN + ENTER)  # No
    w.answer("age_estimate", age + ENTER)
    w.answer("nationality", DOWN + DOWN + ENTER)  # honduras
    w.answer("languages", "Spanish" + ENTER)
    w.answer("place_of_origin", ENTER)
    w.answer("id_documents", ENTER)
    w.answer("protection_status", ENTER)  # unaccompanied
    w.answer("date_of_separation", ENTER)
    w.answer("separation_cause", ENTER)  # migration
    w.answer("family_known", ENTER)
    w.answer("migration_situation", "transit" + ENTER)  # in transit (optional: it starts on "skip")
    w.answer("intended_destination", ENTER)
    w.answer("current_location", "Casa" + ENTER)
    w.answer("care_arrangement", ENTER)
    w.answer("caregiver", ENTER)
    w.answer("authority_notified", UP + ENTER)  # No (optional: it starts on "skip", below No)
    w.answer("urgent_needs", DOWN + SPACE + ENTER)  # health
    w.answer("urgent_needs_notes", ENTER)
    w.answer("risk_level", ENTER)  # high
    w.answer("risk_reason", ENTER)
    w.answer("child_informed", ENTER)  # yes
    w.answer("consent", ENTER)  # child consent
    w.answer("share_with", SPACE + ENTER)  # agency team
    w.answer("withhold_notes", ENTER)
