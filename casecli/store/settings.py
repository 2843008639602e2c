"""Agency settings: defaults shipped as data (templates/settings.json), overridden per store."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from casecli.errors import InvalidInput
from casecli.i18n import _

if TYPE_CHECKING:
    from casecli.store.db import Store


@lru_cache(maxsize=1)
def _document() -> dict:
    path = resources.files("casecli") / "templates" / "settings.json"
    return json.loads(path.read_text(encoding="utf-8"))


def defaults() -> dict[str, int]:
    return _document()["settings"]


def about(key: str, lang: str) -> str:
    """What a setting decides, in the worker's language (documented beside its default)."""
    text = _document()["about_settings"].get(key, {})
    return text.get(lang) or text.get("en", "")


def all_settings(store: Store) -> dict[str, int]:
    values = dict(defaults())
    for key, value in store.conn.execute("SELECT key, value FROM settings"):
        if key in values:
            values[key] = json.loads(value)
    return values


def get(store: Store, key: str) -> int:
    row = store.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else defaults()[key]


def set_setting(store: Store, key: str, raw: str) -> int:
    """Check and write one setting; call inside the transaction that also refreshes what depends
    on it (`case.due.lifecycle.change_settings` does both), so due dates never lag behind a setting."""
    if key not in defaults():
        raise InvalidInput(_("setting {key}: unknown; see `casecli settings show`").format(key=repr(key)))
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(_("setting {key}: expected a whole number").format(key=key)) from None
    if value < 0 or value > 3650:
        raise InvalidInput(_("setting {key}: expected a whole number from 0 to 3650").format(key=key))
    store.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, json.dumps(value)))
    return value
