"""`casecli demo`: a store of fictional cases for training and benchmarks."""

from __future__ import annotations

import typer

from casecli.commands.common import command, console, env_of
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, n_

app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


@command(app, "demo")
def demo_cmd(
    ctx: typer.Context,
    cases: int = typer.Option(20, "--cases", min=1, max=100000, help=_("How many fictional cases to add.")),
    seed: int | None = typer.Option(None, "--seed", help=_("Make the fictional cases repeatable.")),
    into_real_store: bool = typer.Option(
        False, "--into-real-store", help=_("Allow adding training cases to a store that holds real cases.")
    ),
) -> None:
    """Fill a training store with fictional, clearly marked cases.

    By default the training store is training.db in your user data folder, apart from your
    real store, which it never touches; name another with the global --store.

    Example: casecli demo --cases 50
    Example: casecli --store /tmp/training.db demo --cases 10000
    """
    from casecli.case import demo
    from casecli.context import TRAINING_STORE_FILE_NAME, data_dir
    from casecli.errors import InvalidInput
    from casecli.forms import load_form
    from casecli.store.db import create_store, open_store
    from casecli.ui.passphrase import kdf_memory, new_passphrase, read_passphrase
    from casecli.ui.terminal import progress_bar

    env = env_of(ctx)
    if not env.store_from_flag:
        env.store_path = data_dir() / TRAINING_STORE_FILE_NAME
    out = console()
    form = load_form("registration")
    # Fictional data only: SQLCipher's memory wiping (several times slower on bulk writes) is
    # not needed to protect it; a store that holds real cases keeps it.
    if env.store_path.exists():
        store = open_store(
            env.store_path,
            lambda: read_passphrase(env, _("Training store passphrase")),
            memory_security=None if into_real_store else False,  # a real store: as always
        )
        real = store.conn.execute("SELECT count(*) FROM cases WHERE demo = 0").fetchone()[0]
        if real and not into_real_store:
            store.close()
            raise InvalidInput(
                n_(
                    "{path} holds {count} real case: training cases go into a training store "
                    "(add --into-real-store if you really mean this one)",
                    "{path} holds {count} real cases: training cases go into a training store "
                    "(add --into-real-store if you really mean this one)",
                    real,
                ).format(path=env.store_path, count=real)
            )
    else:
        profile_form = load_form("profile")
        store = create_store(
            env.store_path,
            new_passphrase(env),
            dict(demo.TRAINING_PROFILE),
            profile_form.version,
            kdf_memory_kib=kdf_memory(env),
            memory_security=False,
        )
    with (
        store,
        progress_bar() as progress,
    ):
        task = progress.add_task(_("Adding fictional cases"), total=cases)
        numbers = demo.fill(store, form, cases, env.today, seed, lambda: progress.advance(task))
    out.print(
        n_("Added {count} fictional case to {path}.", "Added {count} fictional cases to {path}.", len(numbers)).format(
            count=len(numbers), path=env.store_path
        )
    )
