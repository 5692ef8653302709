"""Recognise a build whose inputs all match the last successful build's.

The inputs are the content files' names, sizes and mtimes, the config, data,
templates and static files, the build options and the day (pages print it).
When they match, and every file the last build wrote is still in output/ as
it was left, there is nothing to do; this is what keeps a no-change rebuild of
100,000 articles to about a second. A future-dated article due by now makes
the fingerprint stale, as its publication changes the site: the build records
the moments at which the site changes by the clock (see model/schedule.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from generator.engine.cache import Cache
from generator.model.schedule import Moment, next_due

FINGERPRINT = "fingerprint"


class LastBuild(NamedTuple):
    """What the last successful build recorded of itself."""

    fingerprint: str
    articles: int
    upcoming: tuple[Moment, ...]  # when the site it left changes by the clock

    @property
    def due(self) -> datetime | None:
        return next_due(self.upcoming)


def last_build(cache: Cache, timezone) -> LastBuild | None:
    """The record `remember` left; None if there is none or it is damaged."""
    saved = cache.value(FINGERPRINT)
    if not (isinstance(saved, list) and len(saved) == 3):
        return None
    fingerprint, articles, rows = saved
    try:
        return LastBuild(fingerprint, articles,
                         tuple(Moment.from_row(row, timezone) for row in rows))
    except (TypeError, ValueError):
        return None


def nothing_changed(cache: Cache, current: str, now: datetime, output_dir: Path,
                    checked: Callable[[], tuple[int, set[str]] | None] | None = None
                    ) -> tuple[int, int, LastBuild] | None:
    """Last build's article and file counts and record, if its fingerprint matches, no
    moment of its schedule has come, and output/ is intact.

    `checked`, when given, tells how many files the last build left and which
    of them changed since, as a process beside the build found them.
    """
    last = last_build(cache, now.tzinfo)
    if last is None or last.fingerprint != current:
        return None
    if last.due is not None and now >= last.due:
        return None
    answer = checked() if checked else None
    if answer is not None:
        files, changed = answer
        return (last.articles, files, last) if files and not changed else None
    stamps = cache.output_stamps()
    return (last.articles, len(stamps), last) if output_intact(stamps, output_dir) else None


def output_intact(stamps: list[tuple[str, int, int]], output_dir: Path) -> bool:
    """Every file of the last build is still there with the size and mtime it was left with."""
    return bool(stamps) and next(files_not_as_left(stamps, output_dir), None) is None


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


def remember(cache: Cache, current: str, upcoming: tuple[Moment, ...], articles: int) -> None:
    """Record a successful build's fingerprint, and when its site changes by the clock."""
    cache.put_value(FINGERPRINT, [current, articles, [m.as_row() for m in upcoming]])


def forget(cache: Cache) -> None:
    cache.put_value(FINGERPRINT, [])
