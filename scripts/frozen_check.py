"""Use a frozen build (scripts/freeze.py) as a field laptop would: --version, init, new-case from
an answers file, show, a plan printed as HTML, a case for Primero (checked against its schema), and
Spanish with --lang es. Exits non-zero, saying
where, if any step fails.

    python scripts/frozen_check.py dist/casecli
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    sys.path.insert(0, str(ROOT))  # the tests' fictional answers
    from tests.conftest import PROFILE, registration_answers
    from tests.test_assessment_plan import INITIAL
    from tests.test_cycle import PLAN

    folder = Path(sys.argv[1]).resolve()
    program = folder / ("casecli.exe" if os.name == "nt" else "casecli")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        env = {
            **os.environ,
            "CASECLI_STORE": str(root / "store" / "casecli.db"),
            "CASECLI_PASSPHRASE": "una frase de acceso bastante larga para la prueba",
            "CASECLI_TODAY": "2026-11-23",
            "CI": "true",
        }
        answers = {"profile": PROFILE, "child": registration_answers(), "initial": INITIAL, "plan": PLAN}
        for name, doc in answers.items():
            (root / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

        def run(*words: str) -> str:
            print("+ casecli", " ".join(words), flush=True)
            done = subprocess.run([str(program), *words], env=env, capture_output=True, text=True, encoding="utf-8")
            if done.returncode != 0:
                raise SystemExit(f"frozen build failed at `casecli {' '.join(words)}`:\n{done.stdout}\n{done.stderr}")
            return done.stdout

        print(run("--version").strip())
        run("init", "--answers", str(root / "profile.json"))
        run("settings", "set", "approval.plan_activation", "0")
        run("settings", "set", "approval.sharing_beyond_consent", "0")  # the Primero file below
        number = run("new-case", "--answers", str(root / "child.json")).split("Registered case ")[1].split(".")[0]
        run("show", number)
        run("assess", number, "--answers", str(root / "initial.json"))
        run("plan", "edit", number, "--answers", str(root / "plan.json"), "--activate")
        page = root / "plan.html"
        run("plan", "show", number, "--format", "html", "--output", str(page))
        if "<html" not in page.read_text(encoding="utf-8").lower():
            raise SystemExit("frozen build: the plan's HTML page is not HTML")
        primero = root / "primero.json"
        run("export", "--primero", number, "--override-reason", "frozen check", "--output", str(primero))
        if json.loads(primero.read_text(encoding="utf-8"))[0]["data"]["other_agency_id"] != number:
            raise SystemExit("frozen build: export --primero did not write the case")
        spanish = run("--lang", "es", "show", number)
        if "Riesgo" not in spanish and "riesgo" not in spanish:
            raise SystemExit("frozen build: --lang es did not print Spanish")
        print(f"the frozen build at {folder} registered, showed and printed {number}, in English and Spanish")
    return 0


if __name__ == "__main__":
    sys.exit(main())
