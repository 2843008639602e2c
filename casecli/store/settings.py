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


Value = int | str  # a whole number (days, years, 0/1), or a text setting's line


@lru_cache(maxsize=1)
def _document() -> dict:
    path = resources.files("casecli") / "templates" / "settings.json"
    return json.loads(path.read_text(encoding="utf-8"))


def defaults() -> dict[str, Value]:
    return _document()["settings"]


def about(key: str, lang: str) -> str:
    """What a setting decides, in the worker's language (documented beside its default)."""
    text = _document()["about_settings"].get(key, {})
    return text.get(lang) or text.get("en", "")


def stricter_way(key: str) -> str | None:
    """Which way `key` is stricter ("higher", "lower", "exact", "lower, 0 none"), or None for a
    setting that protects nobody (the agenda's look-ahead, the mailbox's limits)."""
    return _document()["policy"]["stricter"].get(key)


def as_strict(key: str, value: Value, than: Value) -> bool:
    """Whether `value` is at least as strict as `than` for `key` (any value, for an unprotected one)."""
    way = stricter_way(key)
    if way is None:
        return True
    if not isinstance(value, int) or not isinstance(than, int):
        return value == than
    if way == "higher":
        return value >= than
    if way == "lower":
        return value <= than
    if way == "lower, 0 none":
        return than == 0 or (value != 0 and value <= than)
    return value == than


def policy(store: Store) -> tuple[int, dict[str, int]]:
    """The agency's signed policy this store follows: (its roster's number, its values); (0, {})
    without one. Read from the roster adopted here (its signature was checked when adopted), once
    for each opened store (`forget_policy` after adopting another)."""
    cached = getattr(store, "_policy", None)
    if cached is not None:
        return cached
    found: tuple[int, dict[str, int]] = (0, {})
    row = None
    # (no roster table yet in a store migrating from before schema 27: no policy)
    if store.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'roster'").fetchone():
        row = store.conn.execute("SELECT number, doc FROM roster ORDER BY number DESC LIMIT 1").fetchone()
    if row is not None:
        values = json.loads(row[1]).get("policy") or {}
        found = (row[0], {k: v for k, v in values.items() if k in defaults() and stricter_way(k) is not None})
    store._policy = found  # type: ignore[attr-defined]
    return found


def forget_policy(store: Store) -> None:
    store.__dict__.pop("_policy", None)


def _effective(store: Store, key: str, local: Value) -> Value:
    """The local value, unless the agency's policy fixes a stricter one."""
    _number, values = policy(store)
    fixed = values.get(key)
    return local if fixed is None or as_strict(key, local, fixed) else fixed


def all_settings(store: Store) -> dict[str, Value]:
    values = dict(defaults())
    for key, value in store.conn.execute("SELECT key, value FROM settings"):
        if key in values:
            values[key] = json.loads(value)
    return {key: _effective(store, key, value) for key, value in values.items()}


def _value(store: Store, key: str) -> Value:
    row = store.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return _effective(store, key, json.loads(row[0]) if row else defaults()[key])


def get(store: Store, key: str) -> int:
    """A whole-number setting."""
    value = _value(store, key)
    if not isinstance(value, int):
        raise TypeError(f"setting {key} is not a whole number")
    return value


def text(store: Store, key: str) -> str:
    """A text setting (the agency's country, the number a child can call)."""
    return str(_value(store, key))


def set_setting(store: Store, key: str, raw: str) -> Value:
    """Check and write one setting; call inside the transaction that also refreshes what depends
    on it (`case.file.setting_changes.change_settings` does both), so due dates never lag behind a setting."""
    if key not in defaults():
        raise InvalidInput(_("setting {key}: unknown; see `casecli settings show`").format(key=repr(key)))
    if isinstance(defaults()[key], str):
        return _set_text(store, key, raw)
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(_("setting {key}: expected a whole number").format(key=key)) from None
    if value < 0 or value > 3650:
        raise InvalidInput(_("setting {key}: expected a whole number from 0 to 3650").format(key=key))
    number, values = policy(store)
    if key in values and not as_strict(key, value, values[key]):
        raise InvalidInput(
            _(
                "setting {key}: the agency's policy (roster {number}) sets {fixed}; a value on this laptop may"
                " only be stricter"
            ).format(key=key, number=number, fixed=values[key])
        )
    store.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, json.dumps(value)))
    return value


def choices(key: str) -> list[str] | None:
    """The values a text setting allows (None: any short line)."""
    return _document().get("choices", {}).get(key)


def _set_text(store: Store, key: str, raw: str) -> str:
    """A text setting (the agency's country, a number the child can call): one printable line, or
    one of its choices."""
    value = raw.strip()
    allowed = choices(key)
    if key in _document().get("dates", []):
        ranges = date_ranges(value)
        if ranges is None:
            raise InvalidInput(
                _(
                    "setting {key}: expected dates as YYYY-MM-DD or ranges as YYYY-MM-DD..YYYY-MM-DD, separated by commas"
                ).format(key=key)
            )
        value = ",".join(a if a == b else f"{a}..{b}" for a, b in ranges)
        store.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, json.dumps(value)))
        return value
    if key in _document().get("several", []) and allowed is not None:
        chosen = [v.strip() for v in value.split(",") if v.strip()]
        wrong = [v for v in chosen if v not in allowed]
        if wrong:
            raise InvalidInput(
                _("setting {key}: expected ids among {choices}, separated by commas").format(
                    key=key, choices=", ".join(allowed)
                )
            )
        value = ",".join(dict.fromkeys(chosen))
        store.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, json.dumps(value)))
        return value
    if allowed is not None and value.upper() in allowed:
        value = value.upper()  # a country's code, however typed ("mx")
    if allowed is not None and value not in allowed:
        raise InvalidInput(_("setting {key}: expected one of {choices}").format(key=key, choices=", ".join(allowed)))
    if len(value) > 200 or not value.isprintable():
        raise InvalidInput(_("setting {key}: expected one line of text (at most 200 characters)").format(key=key))
    store.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, json.dumps(value)))
    return value


def date_ranges(text: str) -> list[tuple[str, str]] | None:
    """ "2026-12-21..2027-01-01, 2027-03-15" as [(first, last), ...] (ISO dates, a range at most a
    year long), [] for nothing, None for anything else."""
    import datetime as dt

    found = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        first, _dots, last = part.partition("..")
        try:
            a, b = dt.date.fromisoformat(first.strip()), dt.date.fromisoformat((last or first).strip())
        except ValueError:
            return None
        if b < a or (b - a).days > 366:
            return None
        found.append((a.isoformat(), b.isoformat()))
    return found
