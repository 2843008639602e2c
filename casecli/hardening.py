"""What a casecli process does first, so that nothing it holds reaches the disk through the system:
no core dump (the passphrase, the data key and children's names would be in it), and, on Linux, not
dumpable at all (no core, no other process of the same user attaching to read its memory).

Each step is guarded: a platform without it (Windows has no core limit; macOS no prctl) keeps the
others, and a refusal by the system is not an error (the command still runs).
"""

from __future__ import annotations

import sys

PR_SET_DUMPABLE = 4  # linux/prctl.h
PR_GET_DUMPABLE = 3


def no_core_dumps() -> bool:
    """Set this process's core file limit to zero (soft and hard); True when it holds."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        return False
    return resource.getrlimit(resource.RLIMIT_CORE) == (0, 0)


def not_dumpable() -> bool:
    """Mark the process non-dumpable (Linux's prctl); True when it holds."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            return False
        return bool(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def harden() -> None:
    no_core_dumps()
    not_dumpable()


def pager_environment(environ: dict[str, str]) -> dict[str, str]:
    """The environment a pager (or any program casecli starts for the worker) runs with: without
    casecli's secrets (a `!command` typed in the pager inherits it), with `less` keeping no history
    file (a search typed in it is often a child's name) and in its secure mode (no shell, no saving
    the text to a file, no editor)."""
    kept = {key: value for key, value in environ.items() if not key.upper().startswith("CASECLI_")}
    kept.update(LESSHISTFILE="-", LESSSECURE="1")
    kept.setdefault("LESS", "-R")  # colours shown, not printed as escape codes
    return kept
