"""A store kept aside by `restore` never outlives a purge or a rekey without a word: they name it,
and delete it with --yes (or the worker's yes at a terminal)."""

from __future__ import annotations

from casecli.protection.backup import kept_aside


def restored(cli):
    cli.register()
    backup = cli.home / "stick" / "backup.db"
    cli.ok("backup", "--output", str(backup))
    cli.ok("restore", str(backup), "--yes")
    kept = kept_aside(cli.store)
    assert len(kept) == 1 and kept[0].with_name(kept[0].name + ".keys").exists()
    return kept[0]


def test_purge_names_the_kept_store_and_deletes_it_with_yes(ready):
    kept = restored(ready)
    said = ready.ok("purge")
    assert str(kept) in said.stderr and kept.exists()  # no terminal, no --yes: named, left
    ready.ok("purge", "--yes")
    assert not kept.exists() and not kept.with_name(kept.name + ".keys").exists()
    assert ready.json("list")  # the store itself is untouched


def test_rekey_names_the_kept_store_under_the_old_key(ready):
    kept = restored(ready)
    said = ready.ok("rekey")
    assert str(kept) in said.stderr and "old key" in said.stderr and kept.exists()
    ready.ok("rekey", "--yes")
    assert kept_aside(ready.store) == []
