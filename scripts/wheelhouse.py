"""Fill a folder with every wheel casecli needs on one platform and Python, for a field install
with no network (a USB stick from the agency's coordinator).

    python scripts/wheelhouse.py --platform win_amd64 --python 3.11 --output wheelhouse-win
    python scripts/wheelhouse.py --platform manylinux_2_28_x86_64 --python 3.12 --output wheelhouse-linux

Platforms: win_amd64, macosx_11_0_arm64, macosx_10_12_x86_64, manylinux_2_28_x86_64. The folder
holds casecli's wheel (built from this checkout), every dependency as a binary wheel for that
platform, pip itself (pipx upgrades its own pip first: offline, it must find one here) and pipx,
and INSTALL.txt with the one command to run there. Needs the package index (once, on the
coordinator's machine); the laptops need nothing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORMS = ("win_amd64", "macosx_11_0_arm64", "macosx_10_12_x86_64", "manylinux_2_28_x86_64")
PYTHONS = ("3.11", "3.12", "3.13")


def compatible_tags(platform: str) -> list[str]:
    """The platform tags a laptop of `platform` runs (pip download takes exactly the tags given):
    a manylinux_2_28 glibc runs every older manylinux wheel; a macOS version, the older ones and
    the universal2 wheels."""
    if platform.startswith("manylinux_2_28"):
        glibc = [f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)]
        return [*glibc, "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
    if platform == "macosx_11_0_arm64":
        return ["macosx_11_0_arm64", "macosx_11_0_universal2", *(f"macosx_10_{m}_universal2" for m in range(16, 8, -1))]
    if platform == "macosx_10_12_x86_64":
        return [*(f"macosx_10_{m}_{arch}" for m in range(12, 8, -1) for arch in ("x86_64", "intel", "universal2"))]
    return [platform]


INSTALL = {
    "windows": """casecli, installed with no network, from this folder ({folder}).

With pipx (if the laptop has it):
    pipx install --pip-args "--no-index --find-links {folder}" casecli

Without pipx (Python {python} from python.org installed "for me"):
    py -{python} -m pip install --user --no-index --find-links {folder} casecli

Then: casecli --version  (it prints the version and the store schema), casecli init
""",
    "posix": """casecli, installed with no network, from this folder ({folder}).

With pipx:
    pipx install --pip-args "--no-index --find-links {folder}" casecli

Without pipx (a private environment; Python {python}):
    python{python} -m venv ~/.casecli && ~/.casecli/bin/pip install --no-index --find-links {folder} casecli
    (then put ~/.casecli/bin on the PATH, or run ~/.casecli/bin/casecli)

Then: casecli --version  (it prints the version and the store schema), casecli init
""",
}


def run(*command: str) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", required=True, choices=PLATFORMS)
    parser.add_argument("--python", required=True, choices=PYTHONS)
    parser.add_argument("--output", required=True, type=Path)
    args = parser.parse_args()
    out: Path = args.output.resolve()
    out.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip"]
    with tempfile.TemporaryDirectory() as built:
        run(*pip, "wheel", "--no-deps", "--wheel-dir", built, str(ROOT))
        [wheel] = Path(built).glob("casecli-*.whl")
        shutil.copy2(wheel, out / wheel.name)
    target = ["--only-binary=:all:", "--python-version", args.python]
    target += [word for tag in compatible_tags(args.platform) for word in ("--platform", tag)]
    target += ["--implementation", "cp", "--dest", str(out), "--find-links", str(out)]
    run(*pip, "download", *target, str(out / wheel.name), "pip", "pipx")
    # what this folder was built (and, in CI, tested) with: `pip install -c constraints.txt` elsewhere
    pins = sorted(
        {"-".join(w.name.split("-")[:2]).replace("-", "==", 1).replace("_", "-").lower() for w in out.glob("*.whl")}
        - {f"casecli=={wheel.name.split('-')[1]}"}
    )
    (out / "constraints.txt").write_text("\n".join(pins) + "\n", encoding="utf-8")
    system = "windows" if args.platform.startswith("win") else "posix"
    (out / "INSTALL.txt").write_text(INSTALL[system].format(folder=out.name, python=args.python), encoding="utf-8")
    size = sum(p.stat().st_size for p in out.iterdir()) / 2**20
    print(f"{out}: {len(list(out.glob('*.whl')))} wheels, {size:.1f} MiB; see INSTALL.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
