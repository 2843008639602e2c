"""casecli benchmarks: ratios against floors measured in the same run.

    python benchmarks/bench.py [--cases 10000] [--runs 7] [--cache benchmarks/.cache]

The training store of each size is built once and kept in --cache (by size and schema version),
so that the 100,000-case runs do not spend minutes building it again. Each line prints the
command's and its floor's medians and the command's peak memory (the child's maximum resident
size).

Floors:
- `--help` against a minimal typer app's `--help` (and bare interpreter start-up, for reference);
- `list --json` and `show --json` against a raw sqlcipher3 script that unlocks the same store
  with the same key derivation (Argon2id from the key slot) and the same SQLCipher memory
  security, and reads the same rows.
- `passwd` on the full store against `passwd` on an empty store (it re-wraps one key).
- `agenda --json` against the same raw script running the agenda's queries (no Python logic).
- `report --json` (a supervisor's caseload) against `list --json` on the same store.
Targets: --help within 1.5x; list, show, agenda and report within 2x; passwd about 1x.
Each command and its floor run alternately (A B A B …), so drift in the machine's speed during
the run does not go into the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

PASSPHRASE = "benchmark passphrase"

MINIMAL_TYPER = textwrap.dedent(
    """
    import typer
    app = typer.Typer()
    @app.command()
    def hello(name: str = "x"):
        "Say hello."
    @app.command()
    def bye():
        "Say bye."
    app()
    """
)

RAW_READ = textwrap.dedent(
    """
    import base64, json, sys
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    import sqlcipher3
    store, passphrase, mode, number = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    doc = json.load(open(store + ".keys"))
    slot = next(s for s in doc["slots"] if s["kind"] == "passphrase")
    k = slot["kdf"]
    kek = Argon2id(salt=base64.b64decode(k["salt"]), length=32, iterations=k["iterations"],
                   lanes=k["lanes"], memory_cost=k["memory_kib"]).derive(passphrase.encode())
    described = json.dumps({"kind": slot["kind"], "kdf": slot["kdf"]}, sort_keys=True, separators=(",", ":"))
    aad = f"casecli-keyslots/1\\n{doc['store_id']}\\n{described}".encode()
    key = AESGCM(kek).decrypt(base64.b64decode(slot["nonce"]), base64.b64decode(slot["wrapped"]), aad)
    conn = sqlcipher3.connect(store)
    conn.execute("PRAGMA cipher_memory_security = ON")  # as casecli reads it
    conn.execute(f"PRAGMA key = \\"x'{key.hex()}'\\"")
    if mode == "agenda":
        from casecli.case.lifecycle import ALL_CASES, ITEMS_SQL, PROGRESS_SQL, REFERRALS_SQL
        rows = conn.execute(ALL_CASES + " WHERE c.status = 'open' AND c.next_due <= date('now', '+7 days')").fetchall()
        progress = conn.execute(PROGRESS_SQL).fetchall()
        items = conn.execute(ITEMS_SQL).fetchall()
        referrals = conn.execute(REFERRALS_SQL).fetchall()
        print(json.dumps([len(rows), len(progress), len(items), len(referrals)]))
    elif mode == "list":
        cur = conn.execute("SELECT case_number, child_name, date_of_birth, age_estimate, registered_on, status, risk, case_worker, incomplete, demo FROM cases")
        names = [d[0] for d in cur.description]
        print(json.dumps([dict(zip(names, r)) for r in cur], ensure_ascii=False))
    else:
        cur = conn.execute("SELECT * FROM cases WHERE case_number = ?", (number,))
        names = [d[0] for d in cur.description]
        row = dict(zip(names, cur.fetchone()))
        row["answers"] = json.loads(row["answers"])
        print(json.dumps(row, ensure_ascii=False))
    """
)


def once(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


# The peak resident size of one run, read by a small launcher process: a child forked from this
# one (which holds the agenda it parsed) would report this process's size as its own.
LAUNCHER = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True);"
    " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_mib(cmd: list[str], env: dict) -> str:
    try:
        import resource  # noqa: F401  (POSIX only)
    except ImportError:
        return "   ? MiB"
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *cmd], env=env, check=True, capture_output=True, text=True)
    return f"{int(done.stdout.split()[-1]) / 1024:5.0f} MiB"


def timed(cmd: list[str], env: dict, runs: int) -> float:
    return statistics.median(once(cmd, env) for _ in range(runs))


def paired(cmd: list[str], floor_cmd: list[str], env: dict, runs: int) -> tuple[float, float]:
    """The medians of a command and its floor run alternately, A B A B …: a machine that slows
    down during the run slows both, instead of going into the ratio."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        samples[0].append(once(cmd, env))
        samples[1].append(once(floor_cmd, env))
    return statistics.median(samples[0]), statistics.median(samples[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / ".cache")
    args = parser.parse_args()

    py = sys.executable
    # casecli's bytecode compiled first, as pip does when it installs a wheel: otherwise a checkout
    # run with PYTHONDONTWRITEBYTECODE compiles every changed module on every run, which the floor
    # (typer, installed) never pays.
    subprocess.run([py, "-m", "compileall", "-q", str(Path(__file__).resolve().parent.parent / "casecli")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = folder / "bench.db"
        env = dict(os.environ, CASECLI_PASSPHRASE=PASSPHRASE, CASECLI_STORE=str(store), CI="true", NO_COLOR="1")
        env.pop("CASECLI_KDF_MEMORY_KIB", None)  # the real key derivation cost, as a worker has it
        cached_store(py, args.cases, args.cache, store, env)
        listing = json.loads(
            subprocess.run(
                [py, "-m", "casecli", "list", "--json"], env=env, check=True, capture_output=True, text=True
            ).stdout
        )
        number = listing[len(listing) // 2]["case_number"]
        agenda_items = json.loads(
            subprocess.run(
                [py, "-m", "casecli", "agenda", "--json"], env=env, check=True, capture_output=True, text=True
            ).stdout
        )
        print(f"the agenda of this caseload holds {len(agenda_items)} items due within 7 days or overdue")
        (folder / "minimal_typer.py").write_text(MINIMAL_TYPER)
        (folder / "raw_read.py").write_text(RAW_READ)
        raw = [py, str(folder / "raw_read.py"), str(store), PASSPHRASE]

        interpreter = timed([py, "-c", "pass"], env, args.runs)
        rows = [
            (
                "casecli --help",
                [py, "-m", "casecli", "--help"],
                "minimal typer --help",
                [py, str(folder / "minimal_typer.py"), "--help"],
                1.5,
            ),
            (
                "casecli list --json",
                [py, "-m", "casecli", "list", "--json"],
                "raw sqlcipher3 list",
                raw + ["list", "-"],
                2.0,
            ),
            (
                "casecli show --json",
                [py, "-m", "casecli", "show", number, "--json"],
                "raw sqlcipher3 show",
                raw + ["show", number],
                2.0,
            ),
            (
                "casecli agenda --json",
                [py, "-m", "casecli", "agenda", "--json"],
                "raw sqlcipher3 agenda",
                raw + ["agenda", "-"],
                2.0,
            ),
            (
                "casecli report --json",
                [py, "-m", "casecli", "report", "--json"],
                "casecli list --json",
                [py, "-m", "casecli", "list", "--json"],
                2.0,
            ),
        ]
        print(f"bare interpreter start-up: {interpreter * 1000:.0f} ms (median of {args.runs})")
        print(f"{'measured':24} {'ms':>7}   {'floor':24} {'ms':>7}   {'ratio':>6}  target")
        for name, cmd, floor_name, floor_cmd, target in rows:
            value, floor = paired(cmd, floor_cmd, env, args.runs)
            ratio = value / floor
            verdict = "ok" if ratio <= target else "OVER"
            print(
                f"{name:24} {value * 1000:7.0f}   {floor_name:24} {floor * 1000:7.0f}   {ratio:6.2f}  <= {target} {verdict}"
                f"   peak {peak_mib(cmd, env)}"
            )

        # passwd re-wraps the data key: the store's size must not matter.
        empty = folder / "empty.db"
        subprocess.run(
            [py, "-m", "casecli", "--store", str(empty), "demo", "--cases", "1"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        full_time, empty_time = passwd_time(py, store, env, args.runs), passwd_time(py, empty, env, args.runs)
        ratio = full_time / empty_time
        print(
            f"{'casecli passwd (full)':24} {full_time * 1000:7.0f}   {'casecli passwd (1 case)':24} {empty_time * 1000:7.0f}   {ratio:6.2f}  <= 1.2 {'ok' if ratio <= 1.2 else 'OVER'}"
        )


def cached_store(py: str, cases: int, cache: Path, store: Path, env: dict) -> None:
    """A copy of the training store of this size: from the cache, or built (and cached) now."""
    from casecli.store.migrations import LATEST_VERSION

    kept = cache / f"demo-{cases}-seed1-v{LATEST_VERSION}.db"
    if not kept.exists():
        cache.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        building = kept.with_name(kept.name + ".building")
        for path in (building, building.with_name(building.name + ".keys")):
            path.unlink(missing_ok=True)
        subprocess.run(
            [py, "-m", "casecli", "--store", str(building), "demo", "--cases", str(cases), "--seed", "1"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        building.with_name(building.name + ".keys").replace(kept.with_name(kept.name + ".keys"))
        building.replace(kept)
        print(f"built a store of {cases} fictional cases in {time.perf_counter() - start:.1f} s (cached in {kept})")
    shutil.copyfile(kept, store)
    shutil.copyfile(kept.with_name(kept.name + ".keys"), store.with_name(store.name + ".keys"))
    subprocess.run([py, "-m", "casecli", "list", "--json"], env=env, check=True, stdout=subprocess.DEVNULL)


def passwd_time(py: str, store: Path, env: dict, runs: int) -> float:
    """Change the passphrase back and forth; the median of the runs."""
    samples = []
    other = PASSPHRASE + " changed"
    for i in range(runs):
        old, new = (PASSPHRASE, other) if i % 2 == 0 else (other, PASSPHRASE)
        run_env = dict(env, CASECLI_PASSPHRASE=old, CASECLI_NEW_PASSPHRASE=new)
        start = time.perf_counter()
        subprocess.run(
            [py, "-m", "casecli", "--store", str(store), "passwd"], env=run_env, check=True, stdout=subprocess.DEVNULL
        )
        samples.append(time.perf_counter() - start)
    if runs % 2:  # leave the store with the passphrase the other timings use
        subprocess.run(
            [py, "-m", "casecli", "--store", str(store), "passwd"],
            env=dict(env, CASECLI_PASSPHRASE=other, CASECLI_NEW_PASSPHRASE=PASSPHRASE),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return statistics.median(samples)


if __name__ == "__main__":
    main()
