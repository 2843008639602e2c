"""The mailbox's benchmark: time from `send` to the receipt back, through real Syncthing on loopback,
and the inbox scan's cost when the mailbox is full of bundles addressed to others.

    python benchmarks/bench_mailbox.py [--round-trips 10] [--others 1000] [--runs 7]

- Send to receipt: Ana sends a copy to Luis; Syncthing A carries it to B; Luis's `inbox import`
  imports it and writes the receipt; Syncthing B carries the receipt to A; Ana's `inbox import`
  settles it. Each stage is timed (both Syncthings are asked to rescan at once, as their file
  watchers would within seconds); medians over the round trips.
- Inbox scan: `casecli inbox --json` as a whole process, with an inbox holding one bundle for me,
  with and without 1,000 bundles in another colleague's inbox, run alternately (A B A B …); the
  ratio should be about 1: the scan reads my inbox only.
Needs Debian's `syncthing` (skipped, saying so, without it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.syncthing_peers import Peer, stop_all, syncthing_binary, wait_for

PASSPHRASE = "benchmark passphrase"
NOTE = {"key_concerns": "none", "upcoming_dates": "none", "child_told": "yes"}


class Worker:
    """A casecli store driven by whole casecli processes."""

    def __init__(self, root: Path, name: str):
        self.env = {
            **os.environ,
            "CASECLI_STORE": str(root / name / "casecli.db"),
            "CASECLI_PASSPHRASE": PASSPHRASE,
            "CASECLI_KDF_MEMORY_KIB": "65536",
            "CI": "true",
        }
        self.root = root

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "casecli", *args], env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"casecli {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout


def init(worker: Worker, name: str, prefix: str) -> None:
    import json

    profile = worker.root / f"{prefix}.json"
    profile.write_text(
        json.dumps(
            {
                "name": name,
                "agency": "Casa Refugio",
                "role": "social_worker",
                "language": "en",
                "case_number_prefix": prefix,
            }
        )
    )
    worker.run("init", "--answers", str(profile))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--round-trips", type=int, default=10)
    parser.add_argument("--others", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    if syncthing_binary() is None:
        print("skipped: Syncthing is not installed here (Debian's package `syncthing`)")
        return
    root = Path(tempfile.mkdtemp(prefix="casecli-bench-mailbox-"))
    peers: list[Peer] = []
    try:
        a, b = Peer("a", root), Peer("b", root)
        peers = [a, b]
        ana, luis = Worker(root, "ana"), Worker(root, "luis")
        init(ana, "Ana Ruiz", "MX7")
        init(luis, "Luis Pérez", "GT2")
        ana.run("contacts", "add", "luis", luis.run("identity").strip())
        luis.run("contacts", "add", "ana", ana.run("identity").strip())
        boxes = {}
        for worker, me, other, name in ((ana, a, b, "luis"), (luis, b, a, "ana")):
            boxes[me.name] = root / f"mailbox-{me.name}"
            worker.run("mailbox", "set", str(boxes[me.name]))
            worker.run(
                "mailbox",
                "setup",
                "--syncthing-config",
                str(me.home),
                f"--device={name}={other.device_id}@{other.address}",
            )
        answers = root / "note.json"
        answers.write_text(__import__("json").dumps(NOTE))
        demo = root / "child.json"
        number = _register(ana, demo)
        ana_inbox = boxes["a"] / _inbox(ana)
        luis_inbox = boxes["b"] / _inbox(luis)
        stages: dict[str, list[float]] = {
            "send": [],
            "to B": [],
            "import at B": [],
            "back to A": [],
            "settle at A": [],
            "total": [],
        }
        for _ in range(options.round_trips):
            start = time.perf_counter()
            ana.run("send", number, "--to", "luis", "--answers", str(answers))
            sent = time.perf_counter()
            a.scan()
            wait_for("the bundle at B", lambda: list(luis_inbox.glob("*.bundle")), every=0.02)
            arrived = time.perf_counter()
            luis.run("inbox", "import", "--all", "--yes")
            imported = time.perf_counter()
            b.scan()
            wait_for("the receipt at A", lambda: list(ana_inbox.glob("*.bundle")), every=0.02)
            back = time.perf_counter()
            ana.run("inbox", "import", "--all", "--yes")
            settled = time.perf_counter()
            for key, value in zip(
                stages,
                (sent - start, arrived - sent, imported - arrived, back - imported, settled - back, settled - start),
                strict=True,
            ):
                stages[key].append(value)
        print(f"send to receipt, {options.round_trips} round trips (medians, seconds):")
        for key, values in stages.items():
            print(f"  {key:12} {statistics.median(values):7.2f}")
        # the scan: my inbox with one bundle, beside an empty or a full inbox of someone else's
        stop_all(peers)
        peers = []
        ana.run("send", number, "--to", "luis", "--answers", str(answers))  # Syncthing is stopped: moved by hand
        [written] = list((boxes["a"] / _inbox(luis)).glob("*.bundle"))
        mine = luis_inbox / written.name
        shutil.copyfile(written, mine)
        crowded = boxes["b"] / "0000-0000-0000-0000-0000"
        crowded.mkdir()
        empty_runs, full_runs = [], []
        for run in range(options.runs * 2):
            full = run % 2 == 1
            if full and not any(crowded.iterdir()):
                for i in range(options.others):
                    shutil.copyfile(mine, crowded / f"{i:064x}.bundle")
            if not full and any(crowded.iterdir()):
                shutil.rmtree(crowded)
                crowded.mkdir()
            began = time.perf_counter()
            luis.run("inbox", "--json")
            (full_runs if full else empty_runs).append(time.perf_counter() - began)
        floor, measured = statistics.median(empty_runs), statistics.median(full_runs)
        print(
            f"inbox scan: {measured:.2f} s with {options.others} bundles for others, {floor:.2f} s without"
            f" (ratio {measured / floor:.2f}; target about 1)"
        )
    finally:
        stop_all(peers)
        shutil.rmtree(root, ignore_errors=True)


def _inbox(worker: Worker) -> str:
    import json

    return json.loads(worker.run("identity", "--json"))["fingerprint"].replace(" ", "-")


def _register(worker: Worker, path: Path) -> str:
    import json

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.conftest import registration_answers

    path.write_text(json.dumps(registration_answers()))
    out = worker.run("new-case", "--answers", str(path))
    return out.split("Registered case ")[1].split(".")[0]


if __name__ == "__main__":
    main()
