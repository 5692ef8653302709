"""When the published site changes by the clock alone.

A newsroom schedules articles ahead (a future `date:`), takes some down at a
set time (`expires:`), and every article leaves the news sitemap 48 hours
after it appeared. Each of these is a Moment: the builds that run by the
clock (`build --watch`, a hosting workflow) wake at the next one, and
`newsgen schedule` lists them for the desk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from generator.core.objects import Article

NEWS_WINDOW = timedelta(hours=48)  # how long an article stays in news-sitemap.xml

PUBLISH, EXPIRE, LEAVE_NEWS = "publish", "expire", "leave-news"
LIVE_ENDS, BANNER_ENDS = "live-ends", "banner-ends"


@dataclass(frozen=True, slots=True)
class Moment:
    """A time at which the published site changes, and what changes then."""

    when: datetime
    action: str  # PUBLISH, EXPIRE, LEAVE_NEWS, or what another input names
    source: str  # the file whose content changes then
    title: str

    def as_row(self) -> list[str]:
        return [self.when.isoformat(), self.action, self.source, self.title]

    @classmethod
    def from_row(cls, row: list, timezone) -> Moment:
        when, action, source, title = row
        return cls(datetime.fromisoformat(when).astimezone(timezone), action, source, title)


def is_public(article: Article, now: datetime, drafts: bool, future: bool) -> bool:
    """Whether the article is on the site built at `now`: not a draft (unless asked),
    its date reached (unless asked) and not yet expired."""
    return ((drafts or not article.draft) and (future or article.date <= now)
            and (article.expires is None or article.expires > now))


def upcoming(articles: Iterable[Article], now: datetime, drafts: bool, future: bool,
             others: Iterable[Moment] = ()) -> tuple[Moment, ...]:
    """Every moment after `now` at which these articles (and the `others`, from other
    inputs) change the site, soonest first."""
    found = [m for m in others if m.when > now]
    for article in articles:
        if article.draft and not drafts:
            continue
        title, source = article.title, article.source
        if article.date > now and not future:
            found.append(Moment(article.date, PUBLISH, source, title))
        if article.expires is not None and article.expires > now:
            found.append(Moment(article.expires, EXPIRE, source, title))
        if article.live is not None and article.live.end is not None \
                and article.live.end > now:
            found.append(Moment(article.live.end, LIVE_ENDS, source, title))
        leaving = article.date + NEWS_WINDOW
        if article.date <= now < leaving and (article.expires is None
                                               or article.expires > leaving):
            found.append(Moment(leaving, LEAVE_NEWS, source, title))
    return tuple(sorted(found, key=lambda m: (m.when, m.source, m.action)))


DONE = {PUBLISH: "published", EXPIRE: "taken down", LEAVE_NEWS: "left the news sitemap",
        LIVE_ENDS: "live coverage ended", BANNER_ENDS: "banner expired"}


def describe(moments: Iterable[Moment]) -> str:
    """A line for the moments that came: 'content/x.md published at 09:00:00, …'."""
    parts = [f"{m.source} {DONE.get(m.action, m.action)} at {m.when:%H:%M:%S}" for m in moments]
    more = f" and {len(parts) - 3} more" if len(parts) > 3 else ""
    return ", ".join(parts[:3]) + more


def next_midnight(now: datetime) -> datetime:
    """The start of the next day where `now` is: pages print the day's date."""
    tomorrow = (now + timedelta(days=1)).date()
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=now.tzinfo)


def next_due(moments: Iterable[Moment]) -> datetime | None:
    return min((m.when for m in moments), default=None)


def still_ahead(moments: Iterable[Moment], now: datetime) -> tuple[Moment, ...]:
    return tuple(m for m in moments if m.when > now)


def unpublished_rows(shown: Iterable[Article], now: datetime) -> list[list]:
    """The drafts and future-dated articles a preview build shows, for its marks:
    [URL, "draft" or "future", the time a scheduled one is due, its POSIX time]."""
    return [[a.url, "draft" if a.draft else "future",
             "" if a.draft else f"{a.date:%m.%d %H:%M}", a.date.timestamp()]
            for a in shown if a.draft or a.date > now]


def marks(rows: list[list]) -> tuple[tuple[str, str, str], ...]:
    """BuildResult.unpublished of these rows: (URL, "draft" or "future", due)."""
    return tuple((url, kind, due) for url, kind, due, _ in rows)
