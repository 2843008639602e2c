"""A store unlocked once for a `casecli shell`: its data key, held in memory until the shell locks.

Only the shell sets it; every command it runs opens the store with this key instead of asking
the passphrase (and paying for its key derivation) again. The key sits in a bytearray that is
overwritten with zeros when the shell locks (idle, Ctrl-D, its end). Python may have copied it
while opening connections (an immutable bytes cannot be wiped): the holder keeps those copies
few and short-lived, and the process that held them ends with the shell.
"""

from __future__ import annotations

from pathlib import Path

_path: Path | None = None
_key: bytearray | None = None


def hold(path: Path, data_key: bytes) -> None:
    global _path, _key
    forget()
    _path, _key = path.resolve(), bytearray(data_key)


def key_for(path: Path) -> bytes | None:
    """The held key when it is `path`'s store, else None."""
    if _key is None or _path is None or path.resolve() != _path:
        return None
    return bytes(_key)


def held() -> bool:
    return _key is not None


def forget() -> None:
    """Lock: the key's bytes overwritten, then dropped."""
    global _path, _key
    if _key is not None:
        for i in range(len(_key)):
            _key[i] = 0
    _path, _key = None, None
