"""Whether output/ is as the last build left it: the files of the cache's manifest with
the size and mtime that build gave them.

A build trusts output/ only as far as this check goes; a file changed or
deleted by hand there makes the build write it again. A watching session
whose own build left output/ (the lock's token says so) needs no check; a big
site's output (above `tuning.check_beside` files) is checked by a process
beside the build from its start, while the build reads its inputs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from generator.engine.cache import Cache
from generator.engine.parallel import Beside
from generator.engine.stages import BuildOptions


def output_check(cache: Cache, options: BuildOptions, trusted: bool) -> OutputCheck | None:
    """What finds the files output/ no longer holds as the last build left them, or None
    for a clean build, which trusts nothing there."""
    if options.clean:
        return None
    count = cache.manifest_count()
    if trusted:  # output/'s lock says this watching session's last build left it
        return OutputCheck(lambda: (count, []))
    look = partial(changed_output, cache.folder, options.output_dir)
    return OutputCheck(look, beside=count > options.tuning.check_beside)


class OutputCheck:
    """How many files the last build's manifest lists, and those output/ no longer
    holds as it left them: found by `look`, in a process beside the build from its
    start when `beside` (a big site's output holds a few files per article, and each
    takes a stat call), else in this process when first asked."""

    def __init__(self, look: Callable[[], tuple[int, list[str]]], beside: bool = False):
        self.look = look
        self.job = Beside(look) if beside else None
        self.answer: tuple[int, set[str]] | None = None

    def result(self) -> tuple[int, set[str]]:
        if self.answer is None:
            try:
                count, changed = self.job.result() if self.job else self.look()
            except Exception:  # noqa: BLE001 - the process beside failed: look here
                count, changed = self.look()
            self.answer = (count, set(changed))
        return self.answer

    def changed(self) -> set[str]:
        return self.result()[1]

    def stop(self) -> None:
        if self.job is not None:
            self.job.stop()


def changed_output(cache_folder: Path, output_dir: Path) -> tuple[int, list[str]]:
    """How many files the last build's manifest lists, and those of them that output/
    does not hold as that build left them."""
    cache = Cache(cache_folder)
    try:
        stamps = cache.output_stamps()
    finally:
        cache.close()
    return len(stamps), list(files_not_as_left(stamps, output_dir))


def files_not_as_left(stamps: list[tuple[str, int, int]], output_dir: Path) -> Iterator[str]:
    """Each file of the last build that is gone, or differs in size or mtime from then."""
    prefix = f"{output_dir}{os.sep}"
    stat = os.stat
    for rel, size, mtime in stamps:
        try:
            found = stat(prefix + rel)
        except OSError:
            yield rel
            continue
        if found.st_size != size or found.st_mtime_ns != mtime:
            yield rel
