"""When Python's cyclic garbage collector runs, so that it never delays a build.

A build makes few reference cycles, while a big site's build holds millions
of objects that every full collection would walk, for longer than a small
build takes. Builds pause the collector; reference counting still frees what
they drop, and a build's process ends with it (engine/apart.py runs each build
of a watching process in a process of its own).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection in the block; the collector is as it was after it.

    A caller that reports the build wraps the report too, so any collection
    comes after it.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
