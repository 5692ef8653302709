"""What changed since the last successful build: the one decision every build starts from.

A successful build records its fingerprint (of the declared inputs, see
core/inputs.py) and the moments at which its site changes by the clock
(model/schedule.py); a whole plan also leaves the site index, which holds
the content files' stamps it read. A new build compares its own declared
inputs with that record, once:

- nothing changed: the same fingerprint and no moment passed, so the plan
  over an empty change set is empty and nothing is read or written (as long
  as output/ is as that build left it);
- only content files changed (new or edited, none gone), under the same
  config, data, templates, static files, options and day: the change set
  reach.py finds the part of the site it reaches from, when it is a publish
  or an in-place edit (else the whole site is planned);
- anything else, or no record: the whole site's plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from generator.core.inputs import BuildInputs
from generator.engine import siteindex
from generator.engine.cache import Cache
from generator.model.schedule import Moment, next_due

RECORD = "fingerprint"
NOTHING, CONTENT, EVERYTHING = "nothing", "content", "everything"


class LastBuild(NamedTuple):
    """What the last successful build recorded of itself."""

    fingerprint: str
    articles: int
    upcoming: tuple[Moment, ...]  # when the site it left changes by the clock

    @property
    def due(self) -> datetime | None:
        return next_due(self.upcoming)


@dataclass(frozen=True)
class Changes:
    """This build's changes against the last successful build."""

    kind: str  # NOTHING, CONTENT or EVERYTHING
    last: LastBuild | None = None
    index: siteindex.SiteIndex | None = None  # with CONTENT: the last build's
    added: list = field(default_factory=list)  # (path, size, stamp) of new content files
    modified: list = field(default_factory=list)  # and of changed ones


ALL = Changes(EVERYTHING)


def find_changes(cache: Cache, declared: BuildInputs, now: datetime) -> Changes:
    """The changes of a build with these inputs at `now`."""
    last = last_build(cache, now.tzinfo)
    if last is None or (last.due is not None and now >= last.due):
        return ALL
    if last.fingerprint == declared.fingerprint():
        return Changes(NOTHING, last)
    index = siteindex.load(cache)
    if index is None or index.fingerprint != last.fingerprint \
            or index.context != declared.context():
        return ALL
    known = dict(index.scan)
    added, modified = [], []
    for rel, size, stamp in declared.content:
        held = known.pop(rel, None)
        if held is None:
            added.append((rel, size, stamp))
        elif held != (size, stamp):
            modified.append((rel, size, stamp))
    if known:
        return ALL  # a file went away
    return Changes(CONTENT, last, index, added, modified)


def last_build(cache: Cache, timezone) -> LastBuild | None:
    """The record `remember` left; None if there is none or it is damaged."""
    saved = cache.value(RECORD)
    if not (isinstance(saved, list) and len(saved) == 3):
        return None
    fingerprint, articles, rows = saved
    try:
        return LastBuild(fingerprint, articles,
                         tuple(Moment.from_row(row, timezone) for row in rows))
    except (TypeError, ValueError):
        return None


def remember(cache: Cache, current: str, upcoming: tuple[Moment, ...], articles: int) -> None:
    """Record a successful build's fingerprint, and when its site changes by the clock."""
    cache.put_value(RECORD, [current, articles, [m.as_row() for m in upcoming]])


def forget(cache: Cache) -> None:
    """Output/ is about to change: until the build is done, no change set is found."""
    cache.put_value(RECORD, [])
