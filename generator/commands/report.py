"""The portal partnership report: every article of the last months, then per reporter and
per month how many were published and what share was the outlet's own reporting (자체기사).

네이버·카카오 뉴스제휴 reviews ask for these figures. The report reads the content
files' front matter with the site's config and reporters: no body is rendered,
nothing is fetched and nothing is written to the site. Drafts and articles dated
after the report's moment are left out, as the build leaves them out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from generator.core.errors import BuildFailed, Problem, UsageError
from generator.core.kinds import ORIGINAL
from generator.core.objects import Article, Author, Config, RenderedBody
from generator.model.site import select_published
from generator.sources.articlefiles import article_scan
from generator.sources.config import load_config
from generator.sources.content import make_article, parse_source, scan_sources
from generator.sources.data import load_data

MAX_MONTHS = 120
NO_BYLINE = "(기자명 없음)"  # the reporter row of articles that name nobody


@dataclass(frozen=True, slots=True)
class Period:
    """The calendar months a report covers, oldest first, up to its moment."""

    start: datetime
    end: datetime
    months: tuple[str, ...]  # 'YYYY-MM'


@dataclass(frozen=True, slots=True)
class Count:
    articles: int
    original: int

    @property
    def percent(self) -> float:
        """The share of 자체기사, in percent with one decimal (0.0 without articles)."""
        return round(100 * self.original / self.articles, 1) if self.articles else 0.0


@dataclass(frozen=True, slots=True)
class ReporterCount:
    """One reporter's articles in one month, or in the whole period (`month` None)."""

    name: str
    key: str | None
    month: str | None
    count: Count


@dataclass(frozen=True, slots=True)
class PortalReport:
    config: Config
    period: Period
    articles: tuple[Article, ...]  # newest first
    reporters: tuple[ReporterCount, ...]  # by reporter: their months, then their total
    months: tuple[tuple[str, Count], ...]  # every month of the period, oldest first
    total: Count


def report_moment(until: date | None, now: datetime, config: Config) -> datetime:
    """The moment a report describes: the end of `until`, or now, in the site's zone."""
    if until is None:
        return now.astimezone(config.timezone)
    return datetime.combine(until, time.max, tzinfo=config.timezone)


def portal_report(site_dir: Path, months: int, until: date | None, now: datetime
                  ) -> PortalReport:
    """The report of the `months` calendar months ending with `until`'s month (or now's)."""
    if not 1 <= months <= MAX_MONTHS:
        raise UsageError(f"--months must be between 1 and {MAX_MONTHS}, not {months}")
    config = load_config(site_dir)
    moment = report_moment(until, now, config)
    period = period_of(months, moment)
    published = select_published(read_articles(site_dir, config), moment, False, False)
    shown = tuple(a for a in published if a.date >= period.start)
    return PortalReport(config, period, shown, reporter_counts(shown, config),
                        month_counts(shown, period, config), count(shown))


def period_of(months: int, moment: datetime) -> Period:
    """`months` calendar months, the last one holding `moment`."""
    last = moment.year * 12 + moment.month - 1
    names = tuple(f"{n // 12:04d}-{n % 12 + 1:02d}" for n in range(last - months + 1, last + 1))
    first = last - months + 1
    start = datetime(first // 12, first % 12 + 1, 1, tzinfo=moment.tzinfo)
    return Period(start, moment, names)


def read_articles(site_dir: Path, config: Config) -> list[Article]:
    """Every content file's Article (front matter only); BuildFailed on any problem."""
    data, problems = load_data(site_dir)
    articles = []
    for rel, _, _ in article_scan(scan_sources(site_dir)):
        source = parse_source(rel, (site_dir / rel).read_bytes(), config.timezone)
        if isinstance(source, list):  # problems, and the Source when they are warnings
            problems += [p for p in source if isinstance(p, Problem)]
            source = next((s for s in source if not isinstance(s, Problem)), None)
            if source is None:
                continue
        made = make_article(source, RenderedBody("", ""), "", config, dict(data.authors))
        if isinstance(made, list):
            problems += made
        else:
            articles.append(made)
    if any(not p.warning for p in problems):
        raise BuildFailed([p for p in problems if not p.warning])
    return articles


def month_of(article: Article, config: Config) -> str:
    return article.date.astimezone(config.timezone).strftime("%Y-%m")


def count(articles) -> Count:
    articles = list(articles)
    return Count(len(articles), sum(a.kind == ORIGINAL for a in articles))


def month_counts(articles: tuple[Article, ...], period: Period,
                 config: Config) -> tuple[tuple[str, Count], ...]:
    by_month: dict[str, list[Article]] = {month: [] for month in period.months}
    for article in articles:
        by_month[month_of(article, config)].append(article)
    return tuple((month, count(found)) for month, found in by_month.items())


def reporter_counts(articles: tuple[Article, ...], config: Config
                    ) -> tuple[ReporterCount, ...]:
    """Each reporter's months with articles, then their total; an article with two
    reporters counts for both."""
    totals: Counter = Counter()
    originals: Counter = Counter()
    for article in articles:
        for who in _reporters(article):
            for slot in ((who, month_of(article, config)), (who, None)):
                totals[slot] += 1
                originals[slot] += article.kind == ORIGINAL
    rows = [ReporterCount(name, key, month, Count(totals[slot], originals[slot]))
            for slot in totals for (name, key), month in [slot]]
    # months oldest first, each reporter's total after their months
    return tuple(sorted(rows, key=lambda r: (r.name, r.key or "", r.month or "9999")))


def _reporters(article: Article) -> list[tuple[str, str | None]]:
    names = [(author.name, author.key) for author in article.authors]
    return list(dict.fromkeys(names)) or [(NO_BYLINE, None)]


def byline_names(authors: tuple[Author, ...]) -> str:
    return ", ".join(author.name for author in authors)
