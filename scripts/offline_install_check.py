"""Install casecli from a wheelhouse (scripts/wheelhouse.py) into a fresh environment with the
package index switched off, as a field laptop would, then use it: --version, init, new-case from an
answers file, show. Exits non-zero, saying where, if any step fails.

    python scripts/offline_install_check.py WHEELHOUSE
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

PROFILE = {
    "name": "Ana Ruiz",
    "agency": "Casa Refugio",
    "role": "social_worker",
    "case_number_prefix": "MX7",
    "language": "es",
}
CHILD = {  # fictional
    "identified_on": "2026-11-20",
    "identified_how": "outreach",
    "identified_where": "Tapachula",
    "name_first": "Prueba",
    "name_last": "Instalación",
    "sex": "female",
    "dob_known": False,
    "age_estimate": 15,
    "nationality": "honduras",
    "languages": "Español",
    "protection_status": "unaccompanied",
    "current_location": "Casa Refugio",
    "care_arrangement": "small_group_home",
    "authority_notified": True,
    "authority_notified_on": "2026-11-20",
    "authority_name": "Procuraduría de Protección",
    "urgent_needs": ["none"],
    "risk_level": "medium",
    "child_informed": True,
    "consent": "child_consent",
    "share_with": ["agency_team"],
}


def main() -> int:
    wheelhouse = Path(sys.argv[1]).resolve()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        venv.create(root / "env", with_pip=True)
        bindir = root / "env" / ("Scripts" if os.name == "nt" else "bin")
        env = {
            **os.environ,
            "PIP_CONFIG_FILE": os.devnull,  # no index, no extra find-links: the folder alone
            "PIP_NO_INDEX": "1",
            "CASECLI_STORE": str(root / "store" / "casecli.db"),
            "CASECLI_PASSPHRASE": "una frase de acceso bastante larga para la prueba",
            "CI": "true",
        }
        steps = [
            [
                str(bindir / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                "--no-index",
                "--find-links",
                str(wheelhouse),
                "casecli",
            ],
            [str(bindir / "casecli"), "--version"],
        ]
        for name, doc in (("profile.json", PROFILE), ("child.json", CHILD)):
            (root / name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        steps += [
            [str(bindir / "casecli"), "init", "--answers", str(root / "profile.json")],
            [str(bindir / "casecli"), "new-case", "--answers", str(root / "child.json")],
            [str(bindir / "casecli"), "list", "--json"],
        ]
        for command in steps:
            print("+", " ".join(Path(command[0]).name if i == 0 else c for i, c in enumerate(command)), flush=True)
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
                return 1
            last = done.stdout
        [case] = json.loads(last)
        shown = subprocess.run(
            [str(bindir / "casecli"), "show", case["case_number"]], env=env, capture_output=True, text=True
        )
        if shown.returncode != 0 or "Prueba" not in shown.stdout:
            print(shown.stdout, shown.stderr, sep="\n", file=sys.stderr)
            return 1
        print(f"installed offline from {wheelhouse.name} and used: {case['case_number']} registered and shown")
    return 0


if __name__ == "__main__":
    sys.exit(main())
