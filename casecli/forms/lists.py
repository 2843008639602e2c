"""Lists kept as data beside the forms (templates/lists/*.json), read once per process."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=8)
def load_list(name: str) -> dict:
    path = resources.files("casecli") / "templates" / "lists" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def iso_country(nationality: str | None) -> str | None:
    """The ISO code of a country of the nationality list ("honduras" -> "HN"), None for another."""
    return load_list("countries")["iso"].get(nationality or "")
