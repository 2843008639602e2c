"""What casecli reads at run time ships in the package, not only in a checkout."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_data_file_is_package_data():
    """A wheel built for field laptops holds the forms, templates and compiled translations."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["casecli"]
    package = ROOT / "casecli"
    shipped = {p for pattern in patterns for p in package.glob(pattern) if p.is_file()}
    needed = {
        p
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".py", ".pyc", ".po")
    }
    assert needed, "no data files found"
    assert sorted(str(p.relative_to(package)) for p in needed - shipped) == []


def test_the_version_is_written_once():
    import casecli

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    from importlib.metadata import version

    assert version("casecli") == casecli.__version__


def test_the_source_distribution_can_test_itself_and_rebuild_its_catalogs(tmp_path):
    """An sdist holds the tests, the .po sources, docs/, scripts/ and the licence, and its
    catalog check passes from the unpacked sdist alone (not from this checkout)."""
    import subprocess
    import sys
    import tarfile

    pytest = __import__("pytest")
    pytest.importorskip("babel")
    build = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", build, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    sdist = tmp_path / done.stdout.strip().splitlines()[-1]
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
        archive.extractall(tmp_path / "unpacked", filter="data")
    for needed in (
        "LICENSE",
        "tests/conftest.py",
        "casecli/locale/es/LC_MESSAGES/casecli.po",
        "casecli/locale/es/LC_MESSAGES/casecli.mo",
        "docs/architecture.md",
        "docs/bundle-format.md",
        "scripts/messages.py",
        "casecli/templates/forms/registration.json",
    ):
        assert needed in names, needed
    assert not any("__pycache__" in name for name in names)
    assert not any(name.endswith((".db", ".db.keys")) for name in names)  # no store, not even a training one
    unpacked = next((tmp_path / "unpacked").iterdir())
    check = subprocess.run(
        [sys.executable, str(unpacked / "scripts" / "messages.py"), "check"],
        cwd=unpacked,
        capture_output=True,
        text=True,
        env={"PATH": "", "PYTHONPATH": str(unpacked)},
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr[-2000:]
    assert '"problems": []' in check.stdout


def test_the_version_names_the_store_schema_and_the_changelog_its_release(cli):
    """A laptop is matched to its release: `--version` prints the schema its stores are at, and the
    changelog has an entry for this version."""
    from pathlib import Path

    import casecli
    from casecli.store.migrations import LATEST_VERSION

    out = cli.ok("--version").stdout.strip()
    assert out == f"casecli {casecli.__version__} (store schema {LATEST_VERSION})"
    changelog = (Path(__file__).resolve().parents[1] / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {casecli.__version__} " in changelog and f"schema {LATEST_VERSION}" in changelog


def test_a_build_that_lost_its_own_files_says_which_at_start(monkeypatch, capsys):
    """A frozen build made without casecli's data failed halfway through `show`, and printed
    English under --lang es: now the first missing file is named at start, in one line."""
    import pytest

    from casecli import cli, package_data

    assert package_data.missing() is None  # this checkout has them all
    monkeypatch.setattr(package_data, "NEEDED", (*package_data.NEEDED, "locale/es/LC_MESSAGES/lost.mo"))
    monkeypatch.setattr("sys.argv", ["casecli", "--lang", "es", "list"])
    with pytest.raises(SystemExit) as ended:
        cli.main()
    assert ended.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "locale/es/LC_MESSAGES/lost.mo" in err and "reinstall" in err
