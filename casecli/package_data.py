"""The files casecli reads from its own package: checked at start, so an install or a frozen build
that lost them says which one in one line, instead of failing halfway through a case or falling
back to English without a word."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parent
# One file of each kind the commands read (a build that collects a folder collects all of it).
NEEDED = (
    "templates/settings.json",
    "templates/forms/registration.json",
    "templates/lists/countries.json",
    "templates/primero/mapping.json",
    "templates/primero/case-schema.json",
    "templates/documents/plan.html.j2",
    "locale/es/LC_MESSAGES/casecli.mo",
    "locale/es/LC_MESSAGES/messages.mo",
)


def missing() -> str | None:
    """The first needed file that is not there (relative to the package), or None."""
    return next((name for name in NEEDED if not (ROOT / name).is_file()), None)


def templates_dir() -> Path:
    """The package's templates folder (forms, lists, documents, the Primero mapping)."""
    return ROOT / "templates"
