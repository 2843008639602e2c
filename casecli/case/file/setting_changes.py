"""A change of the agency's settings on this laptop: the settings, every case's due dates in the
same transaction, and, where a setting that protects children is made weaker with no signed
policy to refuse it, an event in the history of every case it touches."""

from __future__ import annotations

from casecli.case.due.lifecycle import refresh_all
from casecli.case.file.history import append_event
from casecli.store import settings
from casecli.store.db import Store


def change_settings(store: Store, pairs: list[tuple[str, str]]) -> list[tuple[str, settings.Value]]:
    """Change agency settings and, in the same transaction, every case's derived due dates.

    A setting that protects children made weaker than the agency's value on this laptop, with no
    signed policy to refuse it (store/settings.py), is written into the history of every case it
    touches (each open case: the settings apply to them all), so the supervisor who gets a copy
    sees it, and the report says so."""
    with store.transaction():
        before = settings.all_settings(store)
        saved = [(key, settings.set_setting(store, key, raw)) for key, raw in pairs]
        weakened = [
            (key, value)
            for key, value in saved
            if value != before.get(key) and not settings.as_strict(key, value, settings.defaults()[key])
        ]
        if weakened:
            _record_weakened(store, weakened, before)
        refresh_all(store)
    return saved


def _record_weakened(
    store: Store, weakened: list[tuple[str, settings.Value]], before: dict[str, settings.Value]
) -> None:
    actor = store.profile().get("name", "")
    numbers = [n for (n,) in store.conn.execute("SELECT case_number FROM cases WHERE status = 'open' AND demo = 0")]
    for number in numbers:
        for key, value in weakened:
            default = settings.defaults()[key]
            append_event(
                store,
                number,
                actor,
                "setting weakened",
                f"Agency setting {key} set to {value} on this laptop (the agency's is {default}): weaker",
                {"setting": key, "value": value, "default": default, "previous": before.get(key)},
            )
