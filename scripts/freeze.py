"""Build casecli as a frozen folder (PyInstaller `--onedir`): a laptop with no Python runs
`dist/casecli/casecli` (`casecli.exe` on Windows). The recipe is this code, not a note.

    python -m pip install pyinstaller && python scripts/freeze.py [--dist dist]

`--onedir`, not `--onefile`: a one-file build unpacks itself on every command (1.3-2 s slower on an
old laptop) into a temporary folder. casecli's own data (forms, lists, documents, settings, the
compiled catalogs) is collected whole; so are the modules other packages load by name (holidays'
countries) and zxcvbn's word lists. casecli checks its own files at start (casecli/package_data.py):
a build that lost one says which, never falls back to English.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    args = parser.parse_args()
    import PyInstaller.__main__

    with tempfile.TemporaryDirectory() as work:
        entry = Path(work) / "casecli_entry.py"
        entry.write_text("from casecli.cli import main\n\nmain()\n", encoding="utf-8")
        PyInstaller.__main__.run(
            [
                str(entry),
                "--name", "casecli",
                "--onedir",
                "--noconfirm",
                "--clean",
                "--console",
                "--distpath", str(args.dist.resolve()),
                "--workpath", str(Path(work) / "build"),
                "--specpath", work,
                # this checkout's casecli (an editable install's import hook is invisible to the analysis)
                "--paths", str(ROOT),
                "--collect-data", "casecli",
                "--collect-submodules", "casecli",
                "--collect-submodules", "holidays",
                "--collect-data", "zxcvbn",
                "--collect-data", "questionary",
                # the metaschemas jsonschema reads by name (export --primero checks against a schema)
                "--collect-data", "jsonschema",
                "--collect-data", "jsonschema_specifications",
                "--copy-metadata", "casecli",
            ]
        )  # fmt: skip
    print(f"built {args.dist.resolve() / 'casecli'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
