"""Write and maintenance commands at a supervisor's scale: each against the same command on a small
store, or against its full form, measured in the same run.

    python benchmarks/bench_writes.py [--sizes 10000 100000] [--runs 3] [--cache benchmarks/.cache]

Uses bench.py's cached training stores (built or migrated once). For each size N:
- `new-case --answers … --no-input` on N cases against the same on 10 cases (target <= 1.5x): the
  duplicate check reads an index of name keys, not every case;
- `visit add`, `referral add` and `plan edit` (each `--answers … --no-input`, on a case being
  implemented) on N cases against the same on 10 cases (target <= 1.5x);
- `duplicates --json` on N cases against its floor (benchmarks/duplicates_floor.py: the name index
  read, the same candidate pairs scored, each child's best five kept; target <= 3x), and what ten
  times its time on N/10 cases would be (pairs are compared within a shared name key);
- `verify` (from the checkpoint: the store is verified once first) against `verify --full`;
- `purge CASE --now` of one case (no rewrite of the store), and its peak memory.
Every run works on a fresh copy of the store, so that no run sees another's writes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
from bench import PASSPHRASE, cached_store, copy_store, peak_mib

# the answers of a case being implemented that the tests use (a visit of today's date is made below)
from tests.test_cycle import PLAN, REFERRAL, VISIT

CHILD = {
    "identified_on": "2026-11-20",
    "identified_how": "outreach",
    "identified_where": "bus station",
    "name_first": "Wendolyne",
    "name_last": "Xochiquetzal-Ibarguen",
    "sex": "female",
    "dob_known": False,
    "age_estimate": 16,
    "nationality": "honduras",
    "languages": "Spanish",
    "protection_status": "unaccompanied",
    "current_location": "shelter",
    "care_arrangement": "small_group_home",
    "urgent_needs": ["health"],
    "risk_level": "medium",
    "child_informed": True,
    "consent": "child_consent",
    "share_with": ["agency_team"],
}


def timed_on_copies(py: str, kept: Path, folder: Path, args: list[str], env: dict, runs: int) -> float:
    """The median time of `casecli ARGS` on `runs` fresh copies of the store `kept`."""
    samples = []
    for i in range(runs):
        store = folder / f"run{i}.db"
        copy_store(kept, store)
        run_env = dict(env, CASECLI_STORE=str(store))
        start = time.perf_counter()
        subprocess.run([py, "-m", "casecli", *args], env=run_env, check=True, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
        store.unlink()
        store.with_name(store.name + ".keys").unlink()
    return statistics.median(samples)


def _timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def line(name: str, value: float, floor_name: str, floor: float, target: float | None) -> None:
    ratio = value / floor
    verdict = "" if target is None else f"<= {target} {'ok' if ratio <= target else 'OVER'}"
    print(f"{name:34} {value * 1000:7.0f}   {floor_name:34} {floor * 1000:7.0f}   {ratio:6.2f}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / ".cache")
    parser.add_argument(
        "--writes-only", action="store_true", help="only the write commands (no duplicates, verify, purge)"
    )
    args = parser.parse_args()
    py = sys.executable
    env = dict(os.environ, CASECLI_PASSPHRASE=PASSPHRASE, CI="true", NO_COLOR="1")
    env.pop("CASECLI_KDF_MEMORY_KIB", None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        answers = folder / "child.json"
        answers.write_text(json.dumps(CHILD))
        register = ["new-case", "--answers", str(answers), "--no-input", "--new-child"]
        today = dt.date.today()
        visit = {**VISIT, "visited_on": today.isoformat(), "next_visit": (today + dt.timedelta(days=7)).isoformat()}
        for name, given in (("visit", visit), ("referral", REFERRAL), ("plan", PLAN)):
            (folder / f"{name}.json").write_text(json.dumps(given))

        def writes_on(kept: Path) -> list[tuple[str, list[str]]]:
            """The write commands on a case of this store being implemented (it has an active plan)."""
            listing = subprocess.run(
                [py, "-m", "casecli", "list", "--status", "in implementation", "--json"],
                env=dict(env, CASECLI_STORE=str(kept)),
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            number = json.loads(listing)[0]["case_number"]
            return [
                ("visit add", ["visit", "add", number, "--answers", str(folder / "visit.json"), "--no-input"]),
                ("referral add", ["referral", "add", number, "--answers", str(folder / "referral.json"), "--no-input"]),
                ("plan edit", ["plan", "edit", number, "--answers", str(folder / "plan.json"), "--no-input"]),
            ]

        def store_of(size: int) -> Path:
            kept = folder / f"kept-{size}.db"
            cached_store(py, size, args.cache, kept, dict(env, CASECLI_STORE=str(kept)))
            # verified once, as a worker's store is: `verify` then starts from its checkpoint
            subprocess.run(
                [py, "-m", "casecli", "verify"],
                env=dict(env, CASECLI_STORE=str(kept)),
                check=True,
                stdout=subprocess.DEVNULL,
            )
            return kept

        small = folder / "small.db"
        subprocess.run(
            [py, "-m", "casecli", "--store", str(small), "demo", "--cases", "10", "--seed", "1"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        on_ten = timed_on_copies(py, small, folder, register, env, args.runs)
        writes_on_ten = {
            name: timed_on_copies(py, small, folder, words, env, args.runs) for name, words in writes_on(small)
        }
        print(f"{'measured':34} {'ms':>7}   {'against':34} {'ms':>7}   {'ratio':>6}  target")
        duplicates: dict[int, float] = {}
        for size in args.sizes:
            kept = store_of(size)
            print(f"-- {size:,} cases")
            line(
                "new-case",
                timed_on_copies(py, kept, folder, register, env, args.runs),
                "new-case (10 cases)",
                on_ten,
                1.5,
            )
            for name, words in writes_on(kept):
                value = timed_on_copies(py, kept, folder, words, env, args.runs)
                line(name, value, f"{name} (10 cases)", writes_on_ten[name], 1.5)
            if args.writes_only:
                kept.unlink()
                continue
            duplicates[size] = timed_on_copies(py, kept, folder, ["duplicates", "--json"], env, args.runs)
            floor = statistics.median(
                _timed([py, str(Path(__file__).with_name("duplicates_floor.py")), str(kept)], env)
                for _ in range(args.runs)
            )
            line("duplicates", duplicates[size], "the same pairs scored (floor)", floor, 3.0)
            if size // 10 in duplicates:
                line(
                    "duplicates",
                    duplicates[size],
                    f"10 x duplicates ({size // 10:,})",
                    10 * duplicates[size // 10],
                    1.5,
                )
            else:
                print(f"{'duplicates':34} {duplicates[size] * 1000:7.0f}")
            full = timed_on_copies(py, kept, folder, ["verify", "--full"], env, args.runs)
            line(
                "verify (from the checkpoint)",
                timed_on_copies(py, kept, folder, ["verify"], env, args.runs),
                "verify --full",
                full,
                None,
            )
            listing = json.loads(
                subprocess.run(
                    [py, "-m", "casecli", "list", "--json"],
                    env=dict(env, CASECLI_STORE=str(kept)),
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            number = listing[len(listing) // 2]["case_number"]
            purge = ["purge", number, "--now", "--reason", "benchmark", "--yes"]
            value = timed_on_copies(py, kept, folder, purge, env, args.runs)
            copy_store(kept, folder / "peak.db")
            peak = peak_mib([py, "-m", "casecli", *purge], dict(env, CASECLI_STORE=str(folder / "peak.db")))
            print(f"{'purge CASE --now':34} {value * 1000:7.0f}   peak {peak.strip()}")
            kept.unlink()


if __name__ == "__main__":
    main()
