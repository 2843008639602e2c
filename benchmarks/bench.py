"""casecli benchmarks: ratios against floors measured in the same run.

    python benchmarks/bench.py [--sizes 1000 10000 100000] [--runs 5] [--cache benchmarks/.cache]

The training store of each size is built once and kept in --cache (by size and schema version;
one cached by an older casecli is migrated by casecli itself), so that the 100,000-case runs do
not spend minutes building it again. Each line prints the command's and its floor's medians and
the command's peak memory (the child's maximum resident size); the run ends with the README's
table, every command at every size.

Floors, each doing the work the command must do and no more:
- `--help` against a minimal typer app's `--help` (and bare interpreter start-up, for reference);
- `list`, `list --search`, `show`, `agenda` and `report` (each `--json`) against the same SQL:
  benchmarks/floors.py records every statement the command runs (SQLite's trace callback) and a
  bare script unlocks the same store the same way (Argon2id key slot, SQLCipher with memory
  security), runs those statements and writes every row as JSON (`show`'s floor runs all of
  `show`'s queries, the agenda's reads the same items);
- `inbox` (JSON, pipe, terminal), with 20 bundles a colleague sent, against
  benchmarks/bundle_floors.py's inbox floor (headers, signatures, descriptions, the same rows);
- `passwd` on the full store against `passwd` on a store of one case (it re-wraps one key).
- `list`, `list --search`, `agenda`, `show`, `log`, `report` and `approvals` as text to a pipe
  against the same SQL whose rows the floor writes as tab-separated lines, and at a terminal (a
  pseudo-terminal of 120 columns, read as it is written) against the same rows written as aligned
  columns;
Targets: --help within 1.2x; the read commands within 2x; passwd about 1x.
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


# A command at a terminal: a pseudo-terminal of 120 x 40 whose output is read as it comes (as a
# terminal emulator reads it), the time taken until the command has ended and all is read.
AT_TERMINAL = textwrap.dedent(
    """
    import fcntl, os, resource, struct, subprocess, sys, termios, time
    given = sys.stdin.buffer.read()
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=slave, stderr=subprocess.DEVNULL)
    os.close(slave)
    proc.stdin.write(given)
    proc.stdin.close()
    while True:
        try:
            if not os.read(master, 1 << 16):
                break
        except OSError:  # the terminal's other end closed: all is read
            break
    proc.wait()
    print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    """
)


def at_terminal(cmd: list[str], env: dict, given: str | None = None) -> tuple[float, int]:
    """The time and peak memory (KiB) of `cmd` writing to a pseudo-terminal (POSIX only)."""
    done = subprocess.run(
        [sys.executable, "-c", AT_TERMINAL, *cmd],
        env=env,
        input=given or "",
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, peak = done.stdout.split()
    return float(seconds), int(peak)


def once(cmd: list[str], env: dict, given: str | None = None, terminal: bool = False) -> float:
    if terminal:
        return at_terminal(cmd, env, given)[0]
    start = time.perf_counter()
    subprocess.run(
        cmd, env=env, check=True, input=given, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


# The peak resident size of one run, read by a small launcher process: a child forked from this
# one (which holds the agenda it parsed) would report this process's size as its own.
LAUNCHER = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True);"
    " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_mib(cmd: list[str], env: dict, terminal: bool = False) -> str:
    try:
        import resource  # noqa: F401  (POSIX only)
    except ImportError:
        return "   ? MiB"
    if terminal:
        return f"{at_terminal(cmd, env)[1] / 1024:5.0f} MiB"
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *cmd], env=env, check=True, capture_output=True, text=True)
    return f"{int(done.stdout.split()[-1]) / 1024:5.0f} MiB"


def timed(cmd: list[str], env: dict, runs: int) -> float:
    return statistics.median(once(cmd, env) for _ in range(runs))


def paired(
    cmd: list[str],
    floor_cmd: list[str],
    env: dict,
    runs: int,
    floor_input: str | None = None,
    terminal: bool = False,
) -> tuple[float, float]:
    """The medians of a command and its floor run alternately, A B A B …: a machine that slows
    down during the run slows both, instead of going into the ratio."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        samples[0].append(once(cmd, env, terminal=terminal))
        samples[1].append(once(floor_cmd, env, floor_input, terminal=terminal))
    return statistics.median(samples[0]), statistics.median(samples[1])


COMMANDS = (  # (name, casecli's arguments); `{number}` is a case in the middle of the list
    ("list --json", ["list", "--json"]),
    ("list --search hernandez --json", ["list", "--search", "hernandez", "--json"]),
    ("show --json", ["show", "{number}", "--json"]),
    ("agenda --json", ["agenda", "--json"]),
    ("report --json", ["report", "--json"]),
    # text to a pipe (stdout is never a terminal here): against the same rows written as text
    ("list (pipe)", ["list"]),
    ("list --search hernandez (pipe)", ["list", "--search", "hernandez"]),
    ("agenda (pipe)", ["agenda"]),
    ("show (pipe)", ["show", "{number}"]),
    ("log (pipe)", ["log", "{number}"]),
    ("report (pipe)", ["report"]),
    ("approvals (pipe)", ["approvals"]),
    # at a terminal (a pseudo-terminal, 120 columns): against the same rows written as aligned columns
    ("list (terminal)", ["list"]),
    ("list --search hernandez (terminal)", ["list", "--search", "hernandez"]),
    ("agenda (terminal)", ["agenda"]),
    ("show (terminal)", ["show", "{number}"]),
    ("log (terminal)", ["log", "{number}"]),
    ("report (terminal)", ["report"]),
    ("approvals (terminal)", ["approvals"]),
    # the inbox: against benchmarks/bundle_floors.py's, which reads the same bundles' headers and descriptions
    ("inbox --json", ["inbox", "--json"]),
    ("inbox (pipe)", ["inbox"]),
    ("inbox (terminal)", ["inbox"]),
)
INBOX_BUNDLES = 20  # bundles a colleague sent, two cases each
TARGET = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="store sizes (cases)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / ".cache")
    parser.add_argument("--only", nargs="+", default=[], help="only the commands whose names start so (e.g. inbox)")
    args = parser.parse_args()

    py = sys.executable
    here = Path(__file__).resolve().parent
    # casecli's bytecode compiled first, as pip does when it installs a wheel: otherwise a checkout
    # run with PYTHONDONTWRITEBYTECODE compiles every changed module on every run, which the floor
    # (typer, installed) never pays.
    subprocess.run([py, "-m", "compileall", "-q", str(here.parent / "casecli"), str(here)], check=True)
    table: dict[str, dict[int, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # PAGER empty: a table taller than the terminal is printed, not handed to a pager (whose
        # own start-up and drawing are not casecli's)
        env = dict(os.environ, CASECLI_PASSPHRASE=PASSPHRASE, CI="true", NO_COLOR="1", PAGER="")
        env.pop("CASECLI_KDF_MEMORY_KIB", None)  # the real key derivation cost, as a worker has it
        (folder / "minimal_typer.py").write_text(MINIMAL_TYPER)
        print(f"bare interpreter start-up: {timed([py, '-c', 'pass'], env, args.runs) * 1000:.0f} ms")
        print(f"{'measured':36} {'ms':>7}   {'floor':26} {'ms':>7}   {'ratio':>6}  target")
        value, floor = paired(
            [py, "-m", "casecli", "--help"], [py, str(folder / "minimal_typer.py"), "--help"], env, args.runs
        )
        report_line(
            "casecli --help", value, "minimal typer --help", floor, 1.2, peak_mib([py, "-m", "casecli", "--help"], env)
        )
        sender = folder / "sender.db"  # a colleague whose bundles fill each size's inbox
        subprocess.run(
            [py, "-m", "casecli", "--store", str(sender), "demo", "--cases", str(INBOX_BUNDLES * 3), "--seed", "2"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for size in args.sizes:
            store = folder / f"bench-{size}.db"
            size_env = dict(env, CASECLI_STORE=str(store))
            cached_store(py, size, args.cache, store, size_env)
            listing = json.loads(run_out([py, "-m", "casecli", "list", "--json"], size_env))
            number = listing[len(listing) // 2]["case_number"]
            del listing
            agenda = json.loads(run_out([py, "-m", "casecli", "agenda", "--json"], size_env))
            print(f"-- {size:,} cases; the agenda holds {len(agenda):,} items due within 7 days or overdue")
            del agenda
            inbox = fill_inbox(py, env, sender, size_env, folder / f"mailbox-{size}")
            for name, words in COMMANDS:
                if not wanted(name, args.only):
                    continue
                cmd = [py, "-m", "casecli", *(w.format(number=number) for w in words)]
                terminal = name.endswith("(terminal)")
                form = "json" if "--json" in words else "table" if terminal else "text"
                if words[0] == "inbox":
                    statements = None
                    floor_cmd = [py, str(here / "bundle_floors.py"), "inbox", str(store), PASSPHRASE, str(inbox), form]
                else:
                    statements = run_out([py, str(here / "floors.py"), "capture", *cmd[3:]], size_env)
                    replay = {"json": "replay", "table": "replay-table", "text": "replay-text"}[form]
                    floor_cmd = [py, str(here / "floors.py"), replay, str(store)]
                value, floor = paired(cmd, floor_cmd, size_env, args.runs, floor_input=statements, terminal=terminal)
                peak = peak_mib(cmd, size_env, terminal)
                floor_name = "the same bundles, raw" if words[0] == "inbox" else "the same SQL, raw"
                ratio = report_line(f"casecli {name}", value, floor_name, floor, TARGET, peak)
                shown = (
                    f"`{name.removesuffix(' (pipe)')}` (text, to a pipe)"
                    if name.endswith("(pipe)")
                    else f"`{name.removesuffix(' (terminal)')}` (at a terminal)"
                    if terminal
                    else f"`{name}`"
                )
                table.setdefault(shown, {})[size] = cell(value, floor, ratio, peak)
            if not wanted("passwd", args.only):
                store.unlink()
                continue
            empty = folder / "empty.db"
            if not empty.exists():
                subprocess.run(
                    [py, "-m", "casecli", "--store", str(empty), "demo", "--cases", "1"],
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            full, one = passwd_time(py, store, env, args.runs), passwd_time(py, empty, env, args.runs)
            ratio = report_line("casecli passwd", full, "casecli passwd (1 case)", one, 1.2, "")
            table.setdefault("`passwd`", {})[size] = f"{full * 1000:.0f} / {one * 1000:.0f} = **{ratio:.2f}**"
            store.unlink()
    print_table(table, args.sizes)


def fill_inbox(py: str, env: dict, sender: Path, size_env: dict, mailbox: Path) -> Path:
    """The store's inbox in a new mailbox, holding INBOX_BUNDLES copies the sender sent (each of
    two of the sender's open cases), the sender in the store's contacts and the store in the sender's."""
    casecli = [py, "-m", "casecli"]
    as_sender = [*casecli, "--store", str(sender)]
    run_out([*casecli, "contacts", "add", "colleague", run_out([*as_sender, "identity"], env).split()[0]], size_env)
    me = json.loads(run_out([*casecli, "identity", "--json"], size_env))
    run_out([*as_sender, "contacts", "add", "reader", me["identity"]], env)
    run_out([*casecli, "mailbox", "set", str(mailbox)], size_env)
    run_out([*as_sender, "mailbox", "set", str(mailbox)], env)
    note = mailbox.parent / "note.json"
    note.write_text(json.dumps({"key_concerns": "none", "upcoming_dates": "none", "child_told": "yes"}))
    cases = [
        c["case_number"] for c in json.loads(run_out([*as_sender, "list", "--json"], env)) if c["status"] == "open"
    ]
    for i in range(INBOX_BUNDLES):
        run_out([*as_sender, "send", *cases[2 * i : 2 * i + 2], "--to", "reader", "--answers", str(note)], env)
    inbox = mailbox / me["fingerprint"].replace(" ", "-")
    assert len(list(inbox.glob("*.bundle"))) == INBOX_BUNDLES, "the inbox did not fill"
    return inbox


def wanted(name: str, only: list[str]) -> bool:
    """Whether a command is measured in this run (`--only`: the commands whose names start so)."""
    return not only or name.startswith(tuple(only))


def run_out(cmd: list[str], env: dict) -> str:
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout


def report_line(name: str, value: float, floor_name: str, floor: float, target: float, peak: str) -> float:
    ratio = value / floor
    verdict = "ok" if ratio <= target else "OVER"
    print(
        f"{name:36} {value * 1000:7.0f}   {floor_name:26} {floor * 1000:7.0f}   {ratio:6.2f}  <= {target} {verdict}"
        + (f"   peak {peak}" if peak else "")
    )
    return ratio


def cell(value: float, floor: float, ratio: float, peak: str) -> str:
    return f"{value * 1000:.0f} / {floor * 1000:.0f} = **{ratio:.2f}** ({peak.strip()})"


def print_table(table: dict[str, dict[int, str]], sizes: list[int]) -> None:
    """The README's table: each command at each size, `ms / floor ms = ratio (peak memory)`."""
    print()
    print("| command | " + " | ".join(f"{size:,} cases" for size in sizes) + " |")
    print("| --- |" + " ---: |" * len(sizes))
    for name, cells in table.items():
        print(f"| {name} | " + " | ".join(cells.get(size, "") for size in sizes) + " |")


def cached_store(py: str, cases: int, cache: Path, store: Path, env: dict) -> None:
    """A copy of the training store of this size: from the cache, or built (and cached) now. A
    store cached by an older casecli is brought up to date by casecli's own migrations (and kept
    so), which takes a minute at 100,000 cases where building one again takes eight."""
    from casecli.store.migrations import LATEST_VERSION

    kept = cache / f"demo-{cases}-seed1-v{LATEST_VERSION}.db"
    older = sorted(cache.glob(f"demo-{cases}-seed1-v*.db"), key=lambda p: int(p.stem.rsplit("-v", 1)[1]), reverse=True)
    if not kept.exists() and older:
        start = time.perf_counter()
        copy_store(older[0], store)
        subprocess.run([py, "-m", "casecli", "list", "--json"], env=env, check=True, stdout=subprocess.DEVNULL)
        copy_store(store, kept)
        print(f"brought {older[0].name} up to date in {time.perf_counter() - start:.1f} s (cached in {kept})")
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
    copy_store(kept, store)
    subprocess.run([py, "-m", "casecli", "list", "--json"], env=env, check=True, stdout=subprocess.DEVNULL)


def copy_store(source: Path, target: Path) -> None:
    """A store and its key file, readable by their owner only (as casecli makes them), on disk:
    flushed here, or the first command that commits would pay for writing back a 1.3 GB copy
    (its fsync took `new-case` on 100,000 cases from 0.6 to 1.0 s)."""
    for a, b in ((source, target), (source.with_name(source.name + ".keys"), target.with_name(target.name + ".keys"))):
        shutil.copyfile(a, b)
        b.chmod(0o600)
        with b.open("rb+") as copied:
            os.fsync(copied.fileno())


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
