"""`newsgen schedule`: what the site will publish or take down by the clock, for the desk.

It reads the content as a build does, through the front matter the cache
already holds, but writes nothing: a build may be running beside it.
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from generator.core.errors import BuildFailed, printable
from generator.engine.build import CACHE_DIR
from generator.engine.cache import Cache
from generator.engine.reading import read_sources
from generator.engine.stages import make_one_article
from generator.model.schedule import EXPIRE, PUBLISH, Moment, upcoming
from generator.sources.articlefiles import article_scan
from generator.sources.config import load_config
from generator.sources.content import scan_sources
from generator.sources.data import load_data

LISTED = {PUBLISH: "publish", EXPIRE: "take down"}


def scheduled(site_dir: Path, now: datetime | None = None) -> list[Moment]:
    """The coming publications and take-downs, soonest first (drafts are not scheduled)."""
    config = load_config(site_dir)
    now = (now or datetime.now()).astimezone(config.timezone)
    data, problems = load_data(site_dir)
    cache_dir = site_dir / CACHE_DIR
    known = _cached_entries(cache_dir, config.timezone) if cache_dir.is_dir() else {}
    with tempfile.TemporaryDirectory(prefix="newsgen-schedule-") as scratch:
        scratch_cache = Cache(Path(scratch))
        try:
            entries, _, _ = read_sources(config, scratch_cache,
                                         article_scan(scan_sources(site_dir)), problems, None,
                                         known)
        finally:
            scratch_cache.close()
    articles = [a for e in entries
                if (a := make_one_article(config, dict(data.authors), problems, e)) is not None]
    errors = [p for p in problems if not p.warning]
    if errors:
        raise BuildFailed(errors)
    return [m for m in upcoming(articles, now, False, False) if m.action in LISTED]


def _cached_entries(cache_dir: Path, timezone) -> dict:
    cache = Cache(cache_dir)
    try:
        return cache.sources(timezone)
    finally:
        cache.close()


def wait_for_next(moments: list[Moment], longest: timedelta, now: datetime) -> None:
    """Sleep until the first moment, if it comes within `longest`."""
    if not moments or moments[0].when - now > longest:
        return
    print(f"waiting until {moments[0].when:%H:%M:%S} for {printable(moments[0].source)}",
          flush=True)
    time.sleep(max(0.0, (moments[0].when - now).total_seconds()) + 1)


def schedule_lines(moments: list[Moment]) -> list[str]:
    """One line a moment: time, what happens, file, headline."""
    if not moments:
        return ["nothing scheduled"]
    return [f"{m.when:%Y-%m-%d %H:%M %z}  {LISTED[m.action]:<9}  {printable(m.source)}  "
            f"{printable(m.title)}" for m in moments]


__all__ = ["schedule_lines", "scheduled"]
