"""Nothing left behind: a pager keeps no history of what the worker searched and inherits no
secret, and a casecli process never writes a core dump (which would hold the passphrase, the data
key and children's names)."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from casecli.hardening import pager_environment

from .conftest import CHILD_NAMES, PASSPHRASE, files_holding

posix_only = pytest.mark.posix_only(reason="pseudo-terminals and core limits are POSIX's")


def test_a_pager_runs_without_secrets_and_without_history():
    environ = pager_environment({"CASECLI_PASSPHRASE": "x", "casecli_passphrase_file": "f", "HOME": "/h", "LESS": "-X"})
    assert environ == {"HOME": "/h", "LESS": "-X", "LESSHISTFILE": "-", "LESSSECURE": "1"}


def test_the_pager_casecli_starts_is_handed_that_environment(tmp_path, monkeypatch):
    from casecli.ui.pager import PipePager

    seen = tmp_path / "env.txt"
    monkeypatch.setenv("PAGER", f"env > {seen}")
    monkeypatch.setenv("CASECLI_PASSPHRASE", PASSPHRASE)
    PipePager().show("a long text\n")
    lines = seen.read_text().splitlines()
    assert "LESSHISTFILE=-" in lines and "LESSSECURE=1" in lines
    assert not [line for line in lines if line.upper().startswith("CASECLI_")]


@posix_only
def test_a_search_in_less_leaves_no_history_and_no_name_anywhere(ready):
    pexpect = pytest.importorskip("pexpect")
    if not __import__("shutil").which("less"):
        pytest.skip("no `less` on this machine: the pager test needs the real one")
    from .pty_session import spawn_env

    number = ready.register()
    home = ready.home / "home"
    temp = ready.home / "tmp"
    home.mkdir()
    temp.mkdir()
    env = spawn_env(ready.home)
    env.pop("PAGER")
    env.update(HOME=str(home), TMPDIR=str(temp), LINES="6")
    # where less keeps its history: $XDG_DATA_HOME, ~/.local/state or ~/.lesshst, by version
    env.update(XDG_DATA_HOME=str(home / ".local" / "share"), XDG_STATE_HOME=str(home / ".local" / "state"))
    (home / ".local" / "share").mkdir(parents=True)
    (home / ".local" / "state").mkdir(parents=True)
    child = pexpect.spawn(
        sys.executable, ["-m", "casecli", "show", number], env=env, encoding="utf-8", timeout=20, dimensions=(6, 100)
    )
    child.expect_exact(number)  # the first screen, in less
    time.sleep(1.5)  # less has read the whole text and waits at its prompt
    child.send("/" + CHILD_NAMES[1][:10] + "\r")  # a search for the child's surname
    time.sleep(0.5)
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert not (home / ".lesshst").exists()
    assert not [p for p in home.rglob("*") if "lesshst" in p.name], list(home.rglob("*"))
    assert files_holding(home, CHILD_NAMES[1][:10]) == [] and files_holding(temp, CHILD_NAMES[1][:10]) == []


@posix_only
def test_a_casecli_process_can_write_no_core_dump(ready, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    from .pty_session import spawn_env

    env = spawn_env(ready.home, passphrase=False)
    env["HOME"] = str(tmp_path)
    child = pexpect.spawn(
        sys.executable, ["-m", "casecli", "shell"], env=env, encoding="utf-8", timeout=20, cwd=str(tmp_path)
    )
    child.expect("passphrase|Frase de acceso")
    child.sendline(PASSPHRASE)
    child.expect_exact("casecli>")
    limits = Path(f"/proc/{child.pid}/limits")
    if limits.exists():
        line = next(x for x in limits.read_text().splitlines() if x.startswith("Max core file size"))
        assert line.split()[4:6] == ["0", "0"], line  # soft and hard
    os.kill(child.pid, signal.SIGABRT)  # what a crash in a C library does
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGABRT
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("core")]


@posix_only
def test_hardening_holds_in_a_real_process():
    import subprocess

    script = (
        "import resource, sys; from casecli import hardening as h; h.harden();"
        "print(resource.getrlimit(resource.RLIMIT_CORE));"
        "import ctypes; print(ctypes.CDLL(None).prctl(h.PR_GET_DUMPABLE, 0, 0, 0, 0) if sys.platform.startswith('linux') else 0)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    limit, dumpable = done.stdout.split("\n")[:2]
    assert limit == "(0, 0)" and dumpable == "0", done.stdout


@posix_only
def test_a_full_day_leaves_no_childs_name_in_the_home_the_temp_folder_or_the_mailbox(home, monkeypatch, tmp_path):
    """Registration, a pager search, the shell (killed by a crash), a handover through the mailbox,
    a backup into it: then every file under the worker's home, the temp folder and the mailbox is
    read, and none holds the child's name."""
    import tempfile

    pexpect = pytest.importorskip("pexpect")
    from .pty_session import spawn_env
    from .test_handover import NOTE, two_workers

    worker_home, temp, box = tmp_path / "home", tmp_path / "tmp", tmp_path / "mailbox"
    for folder in (worker_home, temp):
        folder.mkdir()
    monkeypatch.setenv("HOME", str(worker_home))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # the in-process commands use it too
    ana, luis = two_workers(home, monkeypatch)
    ana.ok("mailbox", "set", str(box))
    luis.ok("mailbox", "set", str(box))
    number = ana.register()
    env = spawn_env(home)
    env.pop("PAGER")
    env.update(CASECLI_STORE=str(ana.store), HOME=str(worker_home), TMPDIR=str(temp), LINES="6")
    env.update(
        XDG_DATA_HOME=str(worker_home / ".local" / "share"), XDG_STATE_HOME=str(worker_home / ".local" / "state")
    )
    pager = pexpect.spawn(
        sys.executable, ["-m", "casecli", "show", number], env=env, encoding="utf-8", dimensions=(6, 100)
    )
    pager.expect_exact(number)
    time.sleep(1.0)
    pager.send("/" + CHILD_NAMES[1][:10] + "\r")
    time.sleep(0.5)
    pager.send("q")
    pager.expect(pexpect.EOF)
    env.pop("CASECLI_PASSPHRASE")
    shell = pexpect.spawn(sys.executable, ["-m", "casecli", "shell"], env=env, encoding="utf-8", cwd=str(worker_home))
    shell.expect("passphrase|Frase de acceso")
    shell.sendline(PASSPHRASE)
    shell.expect_exact("casecli>")
    shell.sendline(f"show {number}")
    shell.expect_exact(CHILD_NAMES[0])
    os.kill(shell.pid, signal.SIGABRT)
    shell.expect(pexpect.EOF)
    ana.ok(
        "send",
        number,
        "--to",
        "luis",
        "--handover",
        "--reason",
        "moving_location",
        "--answers",
        ana.write("n.json", NOTE),
    )
    luis.ok("inbox", "import", "--all", "--yes")
    ana.ok("inbox", "import", "--all", "--yes")
    luis.ok("backup", "--to-mailbox")
    assert luis.json("show", number)["child_name"].endswith(CHILD_NAMES[1])  # the day's work is there
    for folder in (worker_home, temp, box):
        for marker in CHILD_NAMES:
            assert files_holding(folder, marker) == [], (folder, marker)
