"""`casecli shell`: unlock once, then work: commands without `casecli` and without the passphrase."""

from __future__ import annotations

import os
import sys

import typer

from casecli.commands.common import command, env_of, open_store
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _, n_

IDLE_ENV = "CASECLI_LOCK_AFTER_SECONDS"  # may only shorten the agency's setting (a busy shared office)


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


@command(app, "shell")
def shell_cmd(
    ctx: typer.Context,
    relocked: float | None = typer.Option(None, "--relocked", hidden=True),  # set by the shell's own lock
) -> None:
    """Unlock the store once, then type commands without `casecli` and without the passphrase.

    Tab completes commands, options and case numbers. What you type is kept in memory only,
    never written to disk. The shell locks itself after the agency's idle time
    (`shell.lock_after_minutes`, 10 by default; CASECLI_LOCK_AFTER_SECONDS may shorten it)
    and asks the passphrase again; Ctrl-D locks it and ends it.

    Example: casecli shell
    """
    from casecli.case.file.lookup import case_numbers
    from casecli.errors import CaseCliError, ExitCode, InvalidInput
    from casecli.store import settings, unlocked
    from casecli.ui import shell
    from casecli.ui.passphrase import ATTEMPTS

    env = env_of(ctx)
    if not env.interactive:
        raise InvalidInput(_("shell: needs a person at a terminal; in a script, run each command on its own"))
    root = ctx.find_root()
    given = root.obj or {}
    prefix = (["--store", str(given["store"])] if given.get("store") else []) + (
        ["--lang", given["lang"]] if given.get("lang") else []
    )

    def unlock() -> bool:
        for _attempt in range(ATTEMPTS):
            try:
                with open_store(env) as store:
                    unlocked.hold(env.store_path, store.data_key)
                    return True
            except CaseCliError as exc:
                if exc.exit_code == ExitCode.CANCELLED:  # Ctrl-C at the passphrase: leave
                    return False
                shell.tell("error: " + exc.message)
        return False

    if relocked is not None:  # a fresh process after the lock: nothing of the last session in memory
        minutes = round(relocked / 60, 1)
        shell.tell(
            n_(
                "Locked after {minutes} idle minute.", "Locked after {minutes} idle minutes.", 1 if minutes == 1 else 2
            ).format(minutes=minutes)
        )
        if not unlock():
            return
    with open_store(env) as store:
        unlocked.hold(env.store_path, store.data_key)
        minutes = settings.get(store, "shell.lock_after_minutes")
    idle = max(minutes, 1) * 60.0
    if env.environ.get(IDLE_ENV):
        try:
            idle = min(idle, max(float(env.environ[IDLE_ENV]), 1.0))
        except ValueError:
            unlocked.forget()
            raise InvalidInput(_("{variable}: expected a number of seconds").format(variable=IDLE_ENV)) from None

    def run_line(args: list[str]) -> int:
        try:
            root.command.main(args=prefix + args, prog_name="casecli", standalone_mode=True)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 1
        return 0

    def numbers() -> list[str]:
        with open_store(env) as store:
            return case_numbers(store)

    def lock() -> None:
        """Wipe the key; on POSIX, then become a fresh casecli process (the same terminal, the same
        process id): the passphrase typed, the key's copies inside SQLite's and Python's memory
        (the `PRAGMA key` text among them) and the session's history all go with the old image."""
        unlocked.forget()
        if os.name == "posix":
            sys.stdout.flush()
            sys.stderr.flush()
            again = [sys.executable, "-m", "casecli", *prefix, "shell", "--relocked", str(idle)]
            os.execv(sys.executable, again)

    try:
        shell.run(run_line, root.command, numbers, idle, lock, unlock, shell.tell)
    finally:
        unlocked.forget()
    shell.tell(_("Locked. Goodbye."))
