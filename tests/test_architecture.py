"""The layers are contracts (import-linter, in pyproject.toml): they hold, and they catch a breach."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("importlinter")
    script = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, "-c", script, "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def copy_of_the_package(tmp_path) -> Path:
    shutil.copytree(ROOT / "casecli", tmp_path / "casecli", ignore=shutil.ignore_patterns("__pycache__", "locale"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold(copy_of_the_package):
    done = lint_imports(copy_of_the_package)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # the store reaching up into the case layer
        ("store/db.py", "from casecli.case.due import lifecycle", "The store knows nothing"),
        # a step importing the view built on top of it: a breach of the rooms' layers and a cycle
        ("case/steps/closure.py", "from casecli.case.reads import view", "The case's rooms only look down"),
        ("case/steps/closure.py", "from casecli.case.reads import view", "No import cycles"),
        # the case file reaching up to a step
        ("case/file/lookup.py", "from casecli.case.steps import plan", "The case's rooms only look down"),
        # one step reading another's module instead of the case file
        ("case/steps/closure.py", "from casecli.case.steps import monitoring", "Steps do not import each other"),
        ("case/steps/plan.py", "from casecli.case.steps import assessment", "Steps do not import each other"),
        # a BID panel borrowing from the conference module instead of the panels they share
        (
            "case/decisions/best_interests.py",
            "from casecli.case.decisions import conference",
            "Best interests and conferences",
        ),
        # the bundle layer building on the whole case view
        ("handover/outgoing.py", "from casecli.case.reads import view", "Only the read models import view"),
        # the ground floor reaching for the store (settings used to run SQL from there)
        ("errors.py", "from casecli.store import settings", "The ground floor imports nothing above it"),
        ("casenumber.py", "from casecli.forms import load_form", "The ground floor imports nothing above it"),
        # handover and protection are independent
        ("protection/retention.py", "from casecli.handover import identity", "Layers only look down"),
        # a heavy library at the top of a command module
        ("commands/cases.py", "import questionary", "No heavy library"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(copy_of_the_package, module, line, contract):
    path = copy_of_the_package / "casecli" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    done = lint_imports(copy_of_the_package)
    assert done.returncode != 0
    broken = [line for line in done.stdout.splitlines() if line.endswith(" BROKEN")]
    assert any(line.startswith(contract) for line in broken), done.stdout[-3000:]


def test_the_readme_layout_and_the_architecture_name_every_folder_and_room():
    """Every package of casecli/ is in the README's layout, and every room of the case layer (with
    what lives there, in its __init__'s docstring) in docs/architecture.md."""
    import ast

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in (ROOT / "casecli").glob("*/__init__.py"))
    assert packages, "no packages found"
    for name in packages:
        assert f"casecli/{name}/" in layout, name
    rooms = sorted((ROOT / "casecli" / "case").glob("*/__init__.py"))
    assert len(rooms) >= 6
    for init in rooms:
        room = init.parent.name
        assert f"{room}/" in layout and f"case/{room}/" in architecture, room
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, f"case/{room}/__init__.py says what lives there"
