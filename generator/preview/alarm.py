"""Wake a watching build when the site changes by the clock alone.

The last build tells when its site next changes with no file saved (a
scheduled article falls due, an article expires or leaves the news sitemap);
the day's date changes at midnight. The watch loop asks how long it may wait
for a save, and builds when the alarm rings instead of polling.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

from generator.core.errors import NewsgenError
from generator.core.objects import BuildResult
from generator.model.schedule import Moment, describe, next_due, next_midnight
from generator.sources.config import load_config


def site_timezone(site_dir: Path) -> tzinfo | None:
    """The site's time zone; None (this machine's) while site.toml is broken."""
    try:
        return load_config(site_dir).timezone
    except NewsgenError:
        return None


class Alarm:
    """The next moment a build is due, from the last build's result."""

    def __init__(self, timezone: tzinfo | None = None) -> None:
        self.timezone = timezone  # the site's: its pages print the day's date there
        self.moments: tuple[Moment, ...] = ()
        self.due: datetime | None = None

    def now(self) -> datetime:
        return datetime.now(self.timezone).astimezone(self.timezone)

    def set(self, result: BuildResult | None, now: datetime) -> None:
        """After a build: wake at its next moment or at midnight. A failed build
        (None) waits for the save that fixes it."""
        if result is None:
            self.moments, self.due = (), None
            return
        self.moments = result.upcoming
        soonest = next_due(self.moments)
        midnight = next_midnight(now)
        self.due = midnight if soonest is None else min(soonest, midnight)

    def seconds_left(self, now: datetime, longest: float) -> float:
        """How long to wait for a save before the alarm is due (at most `longest`)."""
        if self.due is None:
            return longest
        return max(0.0, min(longest, (self.due - now).total_seconds()))

    def ring(self, now: datetime) -> str | None:
        """The reason to build now ('scheduled: …'), or None when nothing is due."""
        if self.due is None or now < self.due:
            return None
        came = [m for m in self.moments if m.when <= now]
        self.due = None  # the build it causes sets the next one
        return f"scheduled: {describe(came)}" if came else "scheduled: a new day"
