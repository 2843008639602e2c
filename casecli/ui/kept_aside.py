"""Stores that `restore` kept aside: named, and deleted with the worker's word (or --yes), so that
a purge or a rekey never leaves an old copy of cases behind without saying so."""

from __future__ import annotations

from casecli.context import Env
from casecli.i18n import _, n_
from casecli.ui.render import console, shown


def settle_kept_aside(env: Env, yes: bool, why: str) -> None:
    """Name every store `restore` kept aside, and delete them with --yes or the worker's word:
    a purge or a rekey never leaves one behind without saying so."""
    from casecli.protection.backup import forget_kept_aside, kept_aside

    kept = kept_aside(env.store_path)
    if not kept:
        return
    out = console(stderr=True)
    for path in kept:
        out.print(_("A store replaced by `restore` is kept at {path}: {why}.").format(path=shown(path), why=why))
    if not yes:
        if not env.interactive:
            out.print(_("Delete it when you no longer need it (or run this again with --yes)."))
            return
        from casecli.ui import prompts

        if not prompts.confirm(
            n_("Delete the kept store now?", "Delete the kept stores now?", len(kept)), default=True
        ):
            return
    forget_kept_aside(kept)
    out.print(n_("Deleted {count} kept store.", "Deleted {count} kept stores.", len(kept)).format(count=len(kept)))
