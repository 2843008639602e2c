"""`casecli shell` in a pseudo-terminal: one passphrase, then commands, completion, a wizard,
the idle lock, and a history that never reaches the disk."""

from __future__ import annotations

import os
import sys
import time

import pytest

pexpect = pytest.importorskip("pexpect")
if os.name != "posix":  # pragma: no cover
    pytest.skip("pseudo-terminals need POSIX", allow_module_level=True)

from .conftest import PASSPHRASE, files_holding
from .pty_session import ENTER, Wizard, spawn_env

TAB, CTRL_D = "\t", "\x04"
PROMPT = "casecli>"
MARKER = "HISTORY-MARKER-7Q"


def start_shell(home, *before: str, **extra):
    env = spawn_env(home, passphrase=False)
    env.update(HOME=str(home), **extra)
    child = pexpect.spawn(
        sys.executable, ["-m", "casecli", *before, "shell"], env=env, encoding="utf-8", timeout=20, dimensions=(50, 120)
    )
    child.expect("passphrase|Frase de acceso")
    child.sendline(PASSPHRASE)
    child.expect_exact(PROMPT)
    return child


def test_one_passphrase_then_commands_completion_a_wizard_and_ctrl_d(ready):
    number = ready.register()
    child = start_shell(ready.home)
    child.sendline("agenda")
    child.expect_exact(number)  # a new high-risk case: its initial assessment is due
    child.expect_exact(PROMPT)

    child.send("show " + number[:6] + TAB)  # the case number completed from the store
    time.sleep(0.5)  # (the completion is drawn in pieces: the case shown below proves it)
    child.send(ENTER)
    child.expect_exact("Yulissa")
    child.expect_exact(PROMPT)

    child.send(f"show {number} --hist" + TAB)  # an option completed too
    time.sleep(0.5)
    child.send(ENTER)
    child.expect_exact("Case registered")  # the history, which only --history shows
    child.expect_exact(PROMPT)

    child.sendline(f"show {MARKER}")  # a failing command does not end the shell
    child.expect_exact("error:")
    child.expect_exact(PROMPT)

    child.sendline(f"visit add {number}")  # a wizard, as on the command line, with no passphrase
    w = Wizard(child, "visit")
    w.answer("visited_on", ENTER)
    w.answer("kind", ENTER)
    w.answer("child_seen", ENTER)
    w.answer("seen_alone", ENTER)
    w.answer("wellbeing", "Calm" + ENTER)
    w.answer("child_views", ENTER)
    # where the child lives and the next visit are what the records say: kept with one choice
    child.expect_exact("Keep these answers?")
    child.expect_exact("Answer each one")  # the menu drawn whole
    child.send(ENTER)
    w.answer("placement_suitable", ENTER)
    w.answer("new_concerns", ENTER)
    w.answer("risk_level", ENTER)
    w.answer("risk_reason", ENTER)
    child.expect_exact("What now?")
    child.send(ENTER)
    child.expect_exact("Visit recorded")
    child.expect_exact(PROMPT)

    child.send(CTRL_D)
    child.expect_exact("Goodbye")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(ready.json("show", number)["visits"]) == 1
    # The history (with the typed marker) was in memory only: no file under the home holds it.
    assert files_holding(ready.home, MARKER) == []


def test_the_shell_locks_when_idle_and_asks_the_passphrase_again(ready):
    number = ready.register()
    child = start_shell(ready.home, CASECLI_LOCK_AFTER_SECONDS="2")
    child.expect_exact("Locked after", timeout=10)
    child.expect("passphrase")
    child.sendline("not the passphrase at all")
    child.expect_exact("wrong passphrase")
    child.expect("passphrase")
    child.sendline(PASSPHRASE)
    child.expect_exact(PROMPT)
    child.sendline(f"show {number}")
    child.expect_exact("Yulissa")
    child.send(CTRL_D)
    child.expect(pexpect.EOF)


def test_the_language_given_before_the_shell_holds_for_every_command(ready):
    number = ready.register()
    child = start_shell(ready.home, "--lang", "es")
    child.sendline(f"show {number}")
    child.expect_exact("Identidad")  # the case shown in Spanish
    child.expect_exact(PROMPT)
    child.sendline("agenda --nothing")
    child.expect_exact("No existe la opción")  # click's complaint, translated
    child.expect_exact(PROMPT)
    child.send(CTRL_D)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_the_shell_needs_a_terminal(ready):
    result = ready("shell")
    assert result.exit_code != 0 and "terminal" in result.stderr


def test_casecli_alone_on_a_terminal_suggests_the_shell(ready):
    from .pty_session import spawn

    child = spawn(ready.home)
    child.expect_exact("asks the passphrase once")
    child.expect(pexpect.EOF)


def process_memory_holds(pid: int, needle: bytes) -> bool:
    """Whether any readable memory of the process holds `needle` (root, or the same user with
    ptrace allowed, reads another process's memory through /proc)."""
    found = False
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            if not perms.startswith("r"):
                continue
            start, end = (int(x, 16) for x in span.split("-"))
            try:
                mem.seek(start)
                if needle in mem.read(end - start):
                    found = True
                    break
            except (OSError, OverflowError, ValueError):
                continue
    return found


def test_a_locked_shell_holds_neither_the_passphrase_nor_the_childs_name(ready):
    number = ready.register()
    child = start_shell(ready.home, CASECLI_LOCK_AFTER_SECONDS="3")
    try:
        open(f"/proc/{child.pid}/mem", "rb").close()
    except OSError:
        child.terminate(force=True)
        pytest.skip("this machine does not let a test read a process's memory")
    child.sendline(f"show {number}")
    child.expect_exact("Yulissa")
    child.expect_exact(PROMPT)
    secrets = (PASSPHRASE.encode(), b"Quetzalcoatl-Marker")
    before = [process_memory_holds(child.pid, s) for s in secrets]
    child.expect_exact("Locked after", timeout=10)
    child.expect("passphrase")
    after = [process_memory_holds(child.pid, s) for s in secrets]
    child.terminate(force=True)
    assert before[1], "the test saw no child's name in the unlocked shell: it proves nothing"
    assert after == [False, False], after
