"""Where the person is: prompts on the terminal while stdout goes to a pipe, tables a pipe can
read, a pager for a long case, the identity on a stick."""

from __future__ import annotations

import json
import re
import sys

import pytest

from .conftest import CHILD_NAMES, PASSPHRASE

pexpect = pytest.importorskip("pexpect")
posix_only = pytest.mark.posix_only(reason="pseudo-terminals need POSIX")


def shell_spawn(home, command: str, **extra):
    """`command` run by sh in a pseudo-terminal: stdin and stderr are the terminal, and the
    command's own pipes and redirections decide where stdout goes."""
    from .pty_session import spawn_env

    env = spawn_env(home, passphrase=False)
    env.update(extra)
    # the word casecli where it is a command, not inside a path ("…/casecli/…", git's clone folder)
    line = re.sub(r"(?<![\w/.-])casecli(?= )", f"{sys.executable} -m casecli".replace("\\", "\\\\"), command)
    return pexpect.spawn("/bin/sh", ["-c", line], env=env, encoding="utf-8", timeout=20)


@posix_only
def test_list_json_piped_asks_the_passphrase_on_the_terminal_and_pipes_clean_json(ready):
    ready.register()
    check = "import json,sys; rows = json.load(sys.stdin); print('CASES', len(rows))"
    child = shell_spawn(ready.home, f'casecli list --json | {sys.executable} -c "{check}"')
    child.expect("passphrase")
    child.sendline(PASSPHRASE)
    child.expect(r"CASES (\d+)")
    assert child.match.group(1) == "1"
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@posix_only
def test_identity_output_writes_the_line_after_asking_on_the_terminal(ready):
    target = ready.home / "stick" / "ana.id"
    child = shell_spawn(ready.home, f"casecli identity --output {target} > /dev/null")
    child.expect("passphrase")
    child.sendline(PASSPHRASE)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    line = target.read_text(encoding="utf-8").strip()
    printed = json.loads(ready.ok("identity", "--json").stdout)["identity"]
    assert line == printed


def test_identity_output_without_a_terminal_writes_the_same_line(ready):
    target = ready.home / "ana.id"
    ready.ok("identity", "--output", str(target))
    assert target.read_text(encoding="utf-8").strip() == json.loads(ready.ok("identity", "--json").stdout)["identity"]


def test_a_table_sent_to_a_pipe_is_one_tab_separated_line_per_row(ready, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")  # a narrow terminal would wrap the names: a pipe never does
    long_last = "Hernández-Quetzalcoatl de la Santísima Trinidad"
    number = ready.register(name_last=long_last)
    listed = ready.ok("list").stdout
    row = next(line for line in listed.splitlines() if line.startswith(number))
    assert f"{CHILD_NAMES[0]} {long_last}" in row.split("\t")
    assert "│" not in listed and "─" not in listed
    header = next(line for line in listed.splitlines() if not line.startswith("#"))
    assert len(header.split("\t")) == len(row.split("\t"))


@posix_only
def test_a_long_show_opens_in_the_pager_on_a_terminal(ready):
    number = ready.register()
    pager = "sh -c 'echo PAGER-STARTED; wc -l'"
    child = shell_spawn(ready.home, f"casecli show {number}", PAGER=pager, LINES="10", CASECLI_PASSPHRASE=PASSPHRASE)
    child.expect("PAGER-STARTED")
    child.expect(r"(\d+)")
    assert int(child.match.group(1)) > 10
    child.expect(pexpect.EOF)


@posix_only
def test_an_empty_pager_setting_prints_a_long_show_directly(ready):
    number = ready.register()
    child = shell_spawn(ready.home, f"casecli show {number}", PAGER="", LINES="10", CASECLI_PASSPHRASE=PASSPHRASE)
    child.expect_exact(number)
    child.expect_exact("Deadlines:")  # the end of the case, longer than the screen, printed whole
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
