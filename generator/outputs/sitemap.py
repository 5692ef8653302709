"""sitemap.xml (split under a sitemap index when large), news-sitemap.xml and robots.txt.

The URL list is ordered so that files stay put as the site grows: articles
oldest first, each followed by the listing archive pages its arrival made (a
page of older articles comes to be when the front has a full page of newer
ones), then the listing front pages (the ones that change with every new
article) at the very end. Split into parts of `sitemap_limit` URLs, publishing
one article rewrites only the newest part and the index. Archive pages carry
no lastmod: they change only when an article they list is edited, and crawlers
reach them from the front.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from generator.core import xmltext as x
from generator.core.objects import Article, SiteModel
from generator.model.schedule import NEWS_WINDOW
from generator.model.site import page_births
from generator.model.urls import absolute_url
from generator.render.templates import latest_pool

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NEWS_LIMIT = 1000
SITEMAP_URL = "/sitemap.xml"
NEWS_URL = "/news-sitemap.xml"


class Entry(NamedTuple):
    """One URL of a sitemap. A named tuple, not a dataclass: a big site has 100,000s."""

    loc: str
    lastmod: datetime | None = None
    stamp: str = ""  # what the lastmod depends on, cheaper to compare than the date
    image: str | None = None  # an article's lead photo, for Google Images


@dataclass(frozen=True, slots=True)
class UrlSet:
    """One sitemap file listing pages (`news` marks the Google News sitemap)."""

    url: str
    entries: tuple[Entry, ...]
    news: tuple[Article, ...] = ()


@dataclass(frozen=True, slots=True)
class SitemapIndex:
    url: str
    parts: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Robots:
    sitemaps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeptSitemap:
    """The last build's sitemap as a build that plans only the part of the site a
    publish reaches goes on from it (its articles are oldest first, so a publish
    changes only its end)."""

    earlier: tuple[Entry, ...]  # the index's entries of the full parts before `entries`
    entries: tuple[Entry, ...]  # the last part's entries, up to the front pages
    fronts: Mapping[str, Entry]  # the front pages' entries, by URL
    order: tuple[str, ...]  # every listing's front page URL, in the site model's order
    articles: tuple[Article, ...]  # those newer than every article it lists, newest first


def sitemap_entries(model: SiteModel, kept: KeptSitemap | None = None) -> list[Entry]:
    """Every article and listing page, in the stable order described above; or the
    entries from `kept`'s on, with its new articles'."""
    born: dict[str, list[str]] = defaultdict(list)  # article URL -> archive pages it made
    for listing in model.listings:
        for maker, url in page_births(listing, model.config.page_size):
            born[maker.url].append(url)
    entries = list(kept.entries) if kept else []
    for article in reversed(kept.articles if kept else model.articles):  # oldest first
        entries.append(article_entry(article))
        started = born.get(article.url)
        if started:
            entries.extend(Entry(url) for url in sorted(started))
    return entries + front_entries(model, kept)


def front_entries(model: SiteModel, kept: KeptSitemap | None = None) -> list[Entry]:
    """The entries that end the sitemap: home's, the standalone pages' and every listing's
    front page (those the model does not hold from `kept`)."""
    fronts = {listing.url: front_entry(listing.pages[0]) for listing in model.listings}
    if kept:
        fronts = {url: fronts.get(url) or kept.fronts[url] for url in kept.order}
    return [home_entry(model), *page_entries(model), *fronts.values()]


def article_entry(article: Article) -> Entry:
    return Entry(article.url, article.modified, article.digest, article.image)


def home_entry(model: SiteModel) -> Entry:
    return Entry("/", *_newest(model.articles[: latest_pool(model.config)]))


def page_entries(model: SiteModel) -> list[Entry]:
    """The standalone pages (about, policies), among the entries that end the sitemap."""
    return [Entry(page.url, page.updated, page.digest) for page in model.pages]


def front_entry(page) -> Entry:
    """A listing's front page, dated by the newest article it shows."""
    return Entry(page.url, *_newest(page.articles))


def plan_sitemaps(model: SiteModel, kept: KeptSitemap | None = None) -> list:
    """sitemap.xml, its parts when above the site's `sitemap_limit` URLs, the news sitemap
    and robots.txt; from `kept`'s part on when given."""
    return sitemap_files(model, sitemap_entries(model, kept), model.config.sitemap_limit,
                         kept.earlier if kept else ())


def sitemap_files(model: SiteModel, entries: list[Entry], limit: int,
                  earlier: tuple[Entry, ...] = ()) -> list:
    """The sitemap files for these entries; `earlier` are the index's entries of the full
    parts before them, when the entries start at a part's boundary after those."""
    if not earlier and len(entries) <= limit:
        planned: list = [UrlSet(SITEMAP_URL, tuple(entries))]
    else:
        parts = [_part(f"/sitemap-{len(earlier) + n + 1}.xml",
                       tuple(entries[start: start + limit]))
                 for n, start in enumerate(range(0, len(entries), limit))]
        index = (*earlier, *(Entry(part.url, *newest) for part, newest in parts))
        planned = [*(part for part, _ in parts), SitemapIndex(SITEMAP_URL, index)]
    news = news_sitemap(model)
    return [*planned, *news, Robots((SITEMAP_URL, NEWS_URL) if news else (SITEMAP_URL,))]


def news_sitemap(model: SiteModel) -> list[UrlSet]:
    """The news sitemap, if an article is new enough for it."""
    news = news_articles(model)
    return [UrlSet(NEWS_URL, (), news)] if news else []


def _part(url: str, entries: tuple[Entry, ...]) -> tuple[UrlSet, tuple]:
    """A part and its newest lastmod."""
    return UrlSet(url, entries), _latest(e.lastmod for e in entries)


def news_articles(model: SiteModel) -> tuple[Article, ...]:
    """Articles of the 48 hours before the build (one exactly 48 hours old has left),
    newest first, at most 1,000."""
    since = model.now - NEWS_WINDOW
    fresh = [a for a in model.articles if since < a.date <= model.now]
    return tuple(fresh[:NEWS_LIMIT])


def subject_url(subject) -> str:
    return "/robots.txt" if isinstance(subject, Robots) else subject.url


def subject_key(subject) -> str:
    """What a sitemap file shows, so it is rewritten only when that changes."""
    if isinstance(subject, Robots):
        parts = list(subject.sitemaps)
    elif isinstance(subject, UrlSet) and subject.news:
        parts = ["news", *(f"{a.url} {a.digest}" for a in subject.news)]
    else:
        entries = subject.parts if isinstance(subject, SitemapIndex) else subject.entries
        parts = [type(subject).__name__, *(f"{e.loc} {e.stamp}" for e in entries)]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()


def render_sitemap(model: SiteModel, subject) -> str:
    """The text of a sitemap part, the index, the news sitemap or robots.txt."""
    if isinstance(subject, Robots):
        return render_robots(model, subject)
    if isinstance(subject, SitemapIndex):
        return _render_index(model, subject)
    if subject.news:
        return _render_news(model, subject.news)
    urls = [_render_url(model, entry) for entry in subject.entries]
    attrs = [("xmlns", SITEMAP_NS), ("xmlns:image", IMAGE_NS)]
    return x.document(x.parent("urlset", urls, attrs))


def _render_url(model: SiteModel, entry: Entry) -> str:
    return x.parent("url", [x.text("loc", absolute_url(model.config, entry.loc)),
                            _lastmod(model, entry.lastmod), _image(model, entry.image)])


def _image(model: SiteModel, image: str | None) -> str:
    if image is None:
        return ""
    return x.parent("image:image", [x.text("image:loc", absolute_url(model.config, image))])


def _render_index(model: SiteModel, index: SitemapIndex) -> str:
    parts = [x.parent("sitemap", [x.text("loc", absolute_url(model.config, p.loc)),
                                  _lastmod(model, p.lastmod)]) for p in index.parts]
    return x.document(x.parent("sitemapindex", parts, [("xmlns", SITEMAP_NS)]))


def _render_news(model: SiteModel, articles: tuple[Article, ...]) -> str:
    config = model.config
    publication = x.parent("news:publication", [x.text("news:name", config.title),
                                                x.text("news:language", config.language)])
    urls = [x.parent("url", [
        x.text("loc", absolute_url(config, a.url)),
        x.parent("news:news", [
            publication,
            x.text("news:publication_date", a.date.astimezone(config.timezone).isoformat()),
            x.text("news:title", a.title),
        ]),
    ]) for a in articles]
    attrs = [("xmlns", SITEMAP_NS), ("xmlns:news", NEWS_NS)]
    return x.document(x.parent("urlset", urls, attrs))


# Naver's crawler and Google's news crawler, let in by name: some hosts and portal
# checks read only a group that names them.
NAMED_CRAWLERS = ("Yeti", "Googlebot-News")


def render_robots(model: SiteModel, robots: Robots) -> str:
    lines = []
    for agent in NAMED_CRAWLERS:
        lines += [f"User-agent: {agent}", "Allow: /", ""]
    lines += ["User-agent: *", "Disallow:", ""]
    lines += [f"Sitemap: {absolute_url(model.config, url)}" for url in robots.sitemaps]
    return "\n".join(lines) + "\n"


def _lastmod(model: SiteModel, moment: datetime | None) -> str:
    if moment is None:
        return ""
    return x.text("lastmod", moment.astimezone(model.config.timezone).isoformat())


def _newest(articles) -> tuple[datetime | None, str]:
    return _latest(a.modified for a in articles)


def _latest(moments) -> tuple[datetime | None, str]:
    """The newest of some dates, and its stamp for the file's key."""
    newest = max((m for m in moments if m is not None), default=None)
    return newest, newest.isoformat() if newest else ""
