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
