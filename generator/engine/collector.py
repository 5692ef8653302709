"""When Python's cyclic garbage collector runs, so that it never delays a build.

A build makes few reference cycles, while a big site's session holds
millions of objects that every full collection walks, for longer than a
small build takes. Builds pause the collector; a process that keeps a session between
builds (`build --watch`, the preview) also freezes what each build leaves
(`gc.freeze`), so that no full collection starts between builds, where it
would delay the next publish by its whole length. Reference counting still
frees what later builds replace; only garbage in cycles waits for a full
collection, which such a process runs after a build long enough to hide it.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager

# A full collection runs after a build that took this many times the last one's length.
BUILD_TO_COLLECTION = 20


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


class BetweenBuilds:
    """The collector of a process that builds again and again with one session."""

    def __init__(self) -> None:
        self.full_collection: float | None = None  # seconds the last one took

    @contextmanager
    def build(self) -> Iterator[None]:
        """Wrap a build and its report: collect fully if the build hid the cost, then freeze."""
        started = time.perf_counter()
        try:
            with collector_paused():
                yield
        except Exception:  # a failed build too; not Ctrl-C, which ends the process
            self.settle(time.perf_counter() - started)
            raise
        self.settle(time.perf_counter() - started)

    def settle(self, build_seconds: float) -> None:
        """After a build: a full collection if it costs little beside the build, then freeze."""
        if self.full_collection is None \
                or build_seconds >= BUILD_TO_COLLECTION * self.full_collection:
            gc.unfreeze()  # what earlier builds left is walked too: their cycles go now
            started = time.perf_counter()
            gc.collect()
            self.full_collection = time.perf_counter() - started
        gc.freeze()
