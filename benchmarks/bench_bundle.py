"""Bundle benchmark: export and import of N cases against plaintext JSON with the same compression.

    python benchmarks/bench_bundle.py [--cases 1000] [--runs 3]

The floor reads the very same records as export does (a query per table for 200 cases at a time),
writes them as zlib-compressed JSON lines to a file and reads them back (the work a bundle cannot
avoid); casecli's export and import add encryption, signing, validation of every record against
its form, and the store writes. Peak memory is the child process's maximum resident size. Each
timing is the median of --runs runs (each import into the same fresh store). Target (#19): <= 2x.
It then imports once more into a store that holds as many cases already: target <= 1.5x the
import into an empty one.
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

FLOOR = textwrap.dedent(
    """
    import json, sys, zlib
    from pathlib import Path
    from casecli.store.db import open_store
    from casecli.case.file.tables import records_of_cases
    store = open_store(Path(sys.argv[1]), lambda: sys.argv[2])
    numbers = [n for (n,) in store.conn.execute("SELECT case_number FROM cases WHERE status = 'open'")]
    out, deflate = open(sys.argv[3], "wb"), zlib.compressobj(6)
    for start in range(0, len(numbers), 200):  # read as export reads them, a query per table
        for number, table, row in records_of_cases(store, numbers[start : start + 200]):
            out.write(deflate.compress(json.dumps({"t": table, "c": number, "r": row}, ensure_ascii=False, separators=(",", ":")).encode() + b"\\n"))
    out.write(deflate.flush()); out.close()
    inflate, pending, count = zlib.decompressobj(), b"", 0
    with open(sys.argv[3], "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            pending += inflate.decompress(block)
            *lines, pending = pending.split(b"\\n")
            count += sum(1 for line in lines if json.loads(line))
    print(count)
    """
)


def run(cmd: list[str], env: dict) -> tuple[float, int]:
    """Wall time and peak resident memory (KiB) of one child process (GNU time where there is one)."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    start = time.perf_counter()
    if gnu_time:
        done = subprocess.run(
            [gnu_time, "-f", "%M", *cmd],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        return time.perf_counter() - start, int(done.stderr.strip().splitlines()[-1])
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, 0


def median(runs: list[tuple[float, int]]) -> tuple[float, int]:
    """The median time, and the largest peak memory seen."""
    return statistics.median(t for t, _ in runs), max(m for _, m in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ana, luis = folder / "ana" / "casecli.db", folder / "luis" / "casecli.db"
        env = dict(os.environ, CASECLI_PASSPHRASE=PASSPHRASE, CI="true", NO_COLOR="1")
        env.pop("CASECLI_KDF_MEMORY_KIB", None)
        for store, name, prefix in ((ana, "Ana", "MX7"), (luis, "Luis", "GT2")):
            answers = folder / f"{name}.json"
            answers.write_text(
                json.dumps({"name": name, "agency": "Bench", "role": "social_worker", "case_number_prefix": prefix})
            )
            subprocess.run(
                [py, "-m", "casecli", "--store", str(store), "init", "--answers", str(answers)],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        subprocess.run(
            [
                py,
                "-m",
                "casecli",
                "--store",
                str(ana),
                "demo",
                "--cases",
                str(args.cases),
                "--seed",
                "3",
                "--into-real-store",
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

        def line(store):
            return subprocess.run(
                [py, "-m", "casecli", "--store", str(store), "identity"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()

        subprocess.run(
            [py, "-m", "casecli", "--store", str(ana), "contacts", "add", "luis", line(luis)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [py, "-m", "casecli", "--store", str(luis), "contacts", "add", "ana", line(ana)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        note = folder / "note.json"
        note.write_text(json.dumps({"key_concerns": "benchmark", "child_told": "benchmark"}))
        open_cases = len(
            json.loads(
                subprocess.run(
                    [py, "-m", "casecli", "--store", str(ana), "list", "--status", "open", "--json"],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
        )
        floor_script = folder / "floor.py"
        floor_script.write_text(FLOOR)
        fresh = folder / "luis-fresh"
        shutil.copytree(luis.parent, fresh)
        floors, exports, imports = [], [], []
        for i in range(args.runs):
            floors.append(run([py, str(floor_script), str(ana), PASSPHRASE, str(folder / "plain.jsonl.z")], env))
            bundle = folder / f"all{i}.bundle"
            exports.append(
                run(
                    [
                        py,
                        "-m",
                        "casecli",
                        "--store",
                        str(ana),
                        "export",
                        "--all",
                        "--to",
                        "luis",
                        "--output",
                        str(bundle),
                        "--answers",
                        str(note),
                    ],
                    env,
                )
            )
            shutil.rmtree(luis.parent)
            shutil.copytree(fresh, luis.parent)
            imports.append(run([py, "-m", "casecli", "--store", str(luis), "import", str(bundle), "--yes"], env))
        (floor_time, floor_mem), (export_time, export_mem), (import_time, import_mem) = (
            median(r) for r in (floors, exports, imports)
        )
        size = bundle.stat().st_size
        plain = (folder / "plain.jsonl.z").stat().st_size
        ratio = (export_time + import_time) / floor_time
        print(f"median of {args.runs} run(s)")
        print(
            f"{open_cases} open cases of {args.cases}; bundle {size / 1e6:.1f} MB (plaintext JSON, same compression: {plain / 1e6:.1f} MB)"
        )
        print(
            f"export {export_time:.2f} s, peak {export_mem / 1024:.0f} MiB; import {import_time:.2f} s, peak {import_mem / 1024:.0f} MiB"
        )
        print(
            f"floor (write + read the same records as compressed JSON) {floor_time:.2f} s, peak {floor_mem / 1024:.0f} MiB"
        )
        print(f"ratio (export + import) / floor: {ratio:.2f}  target <= 2 {'ok' if ratio <= 2 else 'OVER'}")

        # The same import into a store that holds a caseload already: every new case is checked
        # against every child registered there (possible duplicates), which must not grow as N x M.
        shutil.rmtree(luis.parent)
        shutil.copytree(fresh, luis.parent)
        subprocess.run(
            [
                py,
                "-m",
                "casecli",
                "--store",
                str(luis),
                "demo",
                "--cases",
                str(args.cases),
                "--seed",
                "4",
                "--into-real-store",
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        busy_time, busy_mem = run([py, "-m", "casecli", "--store", str(luis), "import", str(bundle), "--yes"], env)
        print(
            f"import into a store already holding {args.cases} cases: {busy_time:.2f} s ({busy_time / import_time:.2f}x the import "
            f"into an empty one), peak {busy_mem / 1024:.0f} MiB"
        )


if __name__ == "__main__":
    main()
