"""Key changes against everything else at once: `rekey`, `passwd` and `restore` killed at many
points while another process opens the store in a loop. Afterwards the store always opens with a
passphrase or a recovery code the worker was shown, and holds every case."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import PASSPHRASE

pytestmark = pytest.mark.posix_only(reason="SIGKILL")

CODE = re.compile(r"(?<![\w-])[0-9A-Z]+(?:-[0-9A-Z]+){6}(?![\w-])")

# A second process that opens the store again and again, as a second window or a script would:
# every open may find a staged key file and must leave alone one whose owner is still at work.
OPENER = """
import sys, time
from pathlib import Path
from casecli.errors import CaseCliError
from casecli.store.db import open_store
path, secrets = Path(sys.argv[1]), sys.argv[2:]
while True:
    for secret in secrets:
        try:
            with open_store(path, lambda: secret) as store:
                store.conn.execute("SELECT count(*) FROM cases").fetchone()
            break
        except CaseCliError:
            continue
    time.sleep(0.005)
"""


def codes_in(text: str) -> list[str]:
    return CODE.findall(text)


class Worker:
    """What the worker knows: every passphrase chosen and every recovery code shown."""

    def __init__(self, cli, code: str):
        self.cli = cli
        self.passphrases = [PASSPHRASE]
        self.codes = [code]

    def env(self, **extra) -> dict:
        return {**os.environ, "CASECLI_STORE": str(self.cli.store), **extra}

    def run_killed(self, args: list[str], delay: float, env: dict) -> str:
        """Run a command, SIGKILL it after `delay` seconds (if still running); what it printed."""
        child = subprocess.Popen(
            [sys.executable, "-m", "casecli", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        out, _err = child.communicate()
        return out.decode(errors="replace")

    def opens(self) -> bool:
        from casecli.protection import keys
        from casecli.store.db import open_store

        for passphrase in self.passphrases:
            try:
                with open_store(self.cli.store, lambda p=passphrase: p) as store:
                    assert store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] >= 1
                return True
            except Exception:
                continue
        for code in self.codes:
            try:
                keys.unlock(self.cli.store, "recovery", code)
                return True
            except Exception:
                continue
        return False


def rekey(worker: Worker, delay: float) -> None:
    passphrase = worker.passphrases[-1]
    out = worker.run_killed(["rekey"], delay, worker.env(CASECLI_PASSPHRASE=passphrase))
    worker.codes += codes_in(out)


def passwd(worker: Worker, delay: float) -> None:
    old, new = worker.passphrases[-1], f"new passphrase {len(worker.passphrases)}"
    worker.passphrases.append(new)  # the worker chose it: known whether or not it took effect
    worker.run_killed(["passwd"], delay, worker.env(CASECLI_PASSPHRASE=old, CASECLI_NEW_PASSPHRASE=new))


def restore(worker: Worker, delay: float, backup: Path) -> None:
    # the backup opens with the first passphrase and the first recovery code (it was made then)
    worker.run_killed(["restore", str(backup), "--yes"], delay, worker.env(CASECLI_PASSPHRASE=PASSPHRASE))


@pytest.fixture
def worker(cli) -> Worker:
    code = codes_in(cli.init().stdout)
    assert code, "init shows a recovery code"
    cli.register()
    return Worker(cli, code[0])


def run_race(worker: Worker, tmp_path: Path, steps: list[tuple[str, float]]) -> None:
    backup = tmp_path / "stick" / "backup.db"
    worker.cli.ok("backup", "--output", str(backup))
    opener = subprocess.Popen(
        [
            sys.executable,
            "-c",
            OPENER,
            str(worker.cli.store),
            PASSPHRASE,
            *(f"new passphrase {i}" for i in range(1, 41)),
        ],
        env=worker.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for kind, delay in steps:
            if kind == "rekey":
                rekey(worker, delay)
            elif kind == "passwd":
                passwd(worker, delay)
            else:
                restore(worker, delay, backup)
            assert worker.opens(), f"after {kind} killed at {delay:.2f} s, no known secret opens the store"
    finally:
        opener.kill()
        opener.wait()
    # and the store is whole: it verifies and every case is there, with a passphrase the worker knows
    from casecli.cli import app

    verified = [worker.cli.runner.invoke(app, ["verify"], env={"CASECLI_PASSPHRASE": p}) for p in worker.passphrases]
    assert any(result.exit_code == 0 for result in verified), "no known passphrase opens the store for verify"
    assert not worker.cli.store.with_name(worker.cli.store.name + ".keys.new").exists() or worker.opens()


STEPS = [
    ("rekey", 0.0),
    ("rekey", 0.45),
    ("rekey", 0.6),
    ("passwd", 0.5),
    ("rekey", 0.75),
    ("restore", 0.5),
    ("rekey", 2.0),
    ("restore", 0.7),
]


@pytest.mark.slow  # several seconds: in `pytest -m slow` (.ci/run runs it), keeping the default run short
def test_key_changes_killed_at_many_points_while_another_process_opens_the_store(worker, tmp_path):
    run_race(worker, tmp_path, STEPS)


@pytest.mark.slow
def test_key_changes_killed_at_random_points_many_times(worker, tmp_path):
    rng = random.Random(os.environ.get("CASECLI_RACE_SEED", "13"))
    steps = [(rng.choice(("rekey", "rekey", "passwd", "restore")), rng.uniform(0.0, 1.5)) for _ in range(40)]
    run_race(worker, tmp_path, steps)
