"""Python's cycle collector, paused while a bundle is read and written.

An import makes a few million short-lived objects (a record, its row, its answers) and keeps some
thousands (each case's decision, the children here it is compared with). The collector, woken every
few hundred allocations, walks the kept ones again each time: a tenth of a 10,000-case import's
time, and a third of the comparison with 50,000 children here. The records are trees (JSON holds no
cycles), so there is nothing for it to find meanwhile (1,782 objects over a whole import); it runs
again as soon as the work ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block (left as it was after: blocks nest)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
