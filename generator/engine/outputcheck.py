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
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from generator.engine.cache import Cache
from generator.engine.parallel import Beside
from generator.engine.stages import BuildOptions


def output_check(cache: Cache, options: BuildOptions, trusted: bool):
    """What finds the files output/ no longer holds as the last build left them: no
    look when output/'s lock says this watching session's last build left it
    (`trusted`); on a big site a process beside the build from its start; else a
    look when asked. None for a clean build, which trusts nothing there."""
    if options.clean:
        return None
    if trusted:
        return TrustedOutput(cache.manifest_count())
    if cache.manifest_count() > options.tuning.check_beside:
        return OutputCheck(cache.folder, options.output_dir)
    return LookWhenAsked(cache, options.output_dir)


class LookWhenAsked:
    """An OutputCheck's answer, found in this process when first asked."""

    def __init__(self, cache: Cache, output_dir: Path):
        self.cache, self.output_dir = cache, output_dir
        self.answer: tuple[int, set[str]] | None = None

    def result(self) -> tuple[int, set[str]]:
        if self.answer is None:
            stamps = self.cache.output_stamps()
            self.answer = (len(stamps), set(files_not_as_left(stamps, self.output_dir)))
        return self.answer

    def changed(self) -> set[str]:
        return self.result()[1]

    def stop(self) -> None:
        pass


class TrustedOutput:
    """An OutputCheck's answer for output/ as this session's last build left it."""

    def __init__(self, count: int):
        self.count = count

    def result(self) -> tuple[int, set[str]]:
        return self.count, set()

    def changed(self) -> set[str]:
        return set()

    def stop(self) -> None:
        pass


class OutputCheck:
    """The files of the last build's manifest that output/ no longer holds as it left
    them, found by a process beside the build from its start.

    A big site's output holds a few files per article; checking each with a stat
    call runs beside the reading of the site's inputs instead of before it.
    """

    def __init__(self, cache_folder: Path, output_dir: Path):
        self.job = Beside(partial(changed_output, cache_folder, output_dir))
        self.answer: tuple[int, set[str]] | None = None
        self.asked = False

    def result(self) -> tuple[int, set[str]] | None:
        """How many files the manifest lists and which changed; None if the check failed
        (each file is then checked by the build itself, as always)."""
        if not self.asked:
            self.asked = True
            try:
                count, changed = self.job.result()
                self.answer = (count, set(changed))
            except Exception:  # noqa: BLE001 - see the docstring
                self.answer = None
        return self.answer

    def changed(self) -> set[str] | None:
        answer = self.result()
        return None if answer is None else answer[1]

    def stop(self) -> None:
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
