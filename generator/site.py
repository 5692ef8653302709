"""The site model: which articles are published, their order, listings, related articles.

Pure: articles + data + config in, SiteModel out. Listing pages are numbered from
the oldest article, so an archive page of older articles never changes when a
new article arrives; only the front page and the newest archive page move.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import partial
from operator import attrgetter
from types import MappingProxyType

from generator.errors import Problem
from generator.model import Article, Author, Config, Listing, ListingPage, SiteModel, Tag

RELATED_COUNT = 5
RELATED_WINDOW = 40
NEARBY_PAGES = 2


def select_published(articles: list[Article], now: datetime, drafts: bool,
                     future: bool) -> list[Article]:
    """Drop drafts and future articles unless asked for; newest first."""
    shown = [a for a in articles
             if (drafts or not a.draft) and (future or a.date <= now)]
    return sorted(shown, key=attrgetter("date", "source"), reverse=True)


def check_unique_urls(articles: list[Article], config: Config,
                      owners: dict[str, str] | None = None) -> list[Problem]:
    """Two sources (or an alias) resolving to one URL is an error naming both.

    `owners` may hold the URLs an earlier check found free of clashes (it is
    updated): then only `articles` (those added since) are checked against them.
    """
    owners = reserved_owners(config) if owners is None else owners
    problems = []
    for article in sorted(articles, key=lambda a: a.source):
        for key, url, field in url_claims(article):
            if key in owners:
                problems.append(Problem(article.source, 1, field,
                                        f"URL {url} is already used by {owners[key]}"))
            elif field == "aliases" and _generated_path(key, config):
                problems.append(Problem(article.source, 1, field,
                                        f"URL {url} is a page newsgen generates"))
            else:
                owners[key] = article.source
    return problems


def reserved_owners(config: Config) -> dict[str, str]:
    """The URLs no article may take, each with what holds it."""
    owners = {url: "(a listing page)" for url in reserved_urls(config)}
    owners.update({url: "(a file newsgen writes)" for url in GENERATED_FILES})
    return owners


def url_claims(article: Article) -> list[tuple[str, str, str]]:
    """(owner key, URL, field) of each URL an article takes: its own and its aliases."""
    claims = [(article.url, "slug"), *((alias, "aliases") for alias in article.aliases)]
    return [(url.rstrip("/") or "/", url, field) for url, field in claims]


def reserved_urls(config: Config) -> list[str]:
    fixed = ["/", "/latest", "/tags", "/authors", "/search", "/recent", "/404.html"]
    return fixed + [f"/{s.slug}" for s in config.sections]


GENERATED_FILES = ("/feed.xml", "/atom.xml", "/sitemap.xml", "/news-sitemap.xml",
                   "/robots.txt", "/_redirects")
GENERATED_FOLDERS = ("/latest/", "/tags/", "/authors/", "/recent/", "/search/", "/assets/",
                     "/search-index/")


def _generated_path(path: str, config: Config) -> bool:
    """Whether a path lies where listings, feeds or sitemap parts are written."""
    if re.fullmatch(r"/sitemap-\d+\.xml", path) or path.startswith(GENERATED_FOLDERS):
        return True
    for section in config.sections:
        if path.startswith(f"/{section.slug}/page/") or path in (
                f"/{section.slug}/feed.xml", f"/{section.slug}/atom.xml"):
            return True
    return False


def build_site_model(config: Config, articles: list[Article], authors: dict[str, Author],
                     data: dict, now: datetime,
                     related: Mapping[str, tuple[Article, ...]] | None = None,
                     kept: dict | None = None) -> SiteModel:
    """Group published articles (newest first) into sections, listings and related lists.

    `related` may come from `related_positions` with an earlier build's lists.
    `kept` is a dict a long-lived caller passes to every build: a listing of
    the same articles as in the last build is taken from it, not paginated again.
    """
    by_section: dict[str, list[Article]] = {s.slug: [] for s in config.sections}
    for article in articles:
        by_section[article.section.slug].append(article)
    tags = _collect_tags(articles)
    made: dict = {}
    listings = tuple(_listings(config, articles, by_section, tags, authors, kept or {}, made))
    if kept is not None:
        kept.clear()
        kept.update(made)
    return SiteModel(
        config=config,
        articles=tuple(articles),
        sections=MappingProxyType({k: tuple(v) for k, v in by_section.items()}),
        listings=listings,
        tags=tuple(tags),
        authors=MappingProxyType(dict(authors)),
        related=MappingProxyType(find_related(articles) if related is None else related),
        data=data,
        now=now,
    )


def _collect_tags(articles: list[Article]) -> list[Tag]:
    """One Tag per slug; the spelling of the oldest use names it, so names are stable."""
    first: dict[str, Tag] = {}
    for article in reversed(articles):
        for tag in article.tags:
            first.setdefault(tag.slug, tag)
    return sorted(first.values(), key=lambda t: t.slug)


def _listings(config, articles, by_section, tags, authors, kept, made):
    size = config.page_size
    _listing = partial(_kept_listing, kept, made)
    for section in config.sections:
        yield _listing("section", section.slug, *listing_heading(config, "section", section.slug,
                                                                 section.name),
                       by_section[section.slug], size)
    yield _listing("latest", "latest", *listing_heading(config, "latest", "latest", ""),
                   articles, size)
    by_tag: dict[str, list[Article]] = defaultdict(list)
    by_author: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for tag in article.tags:
            by_tag[tag.slug].append(article)
        for author in article.authors:
            if author.key:
                by_author[author.key].append(article)
    for tag in tags:
        yield _listing("tag", tag.slug, *listing_heading(config, "tag", tag.slug, tag.name),
                       by_tag[tag.slug], size)
    for key, author in sorted(authors.items()):
        yield _listing("author", key, *listing_heading(config, "author", key, author.name),
                       by_author.get(key, []), size)


def listing_heading(config: Config, kind: str, key: str, name: str) -> tuple[str, str]:
    """A listing's title and URL: `name` is its section's, tag's or reporter's."""
    if kind == "section":
        return name, f"/{key}/"
    if kind == "latest":
        return config.labels["latest"], "/latest/"
    if kind == "tag":
        return f"#{name}", Tag(name, key).url
    return f"{name} {config.labels['reporter']}".strip(), Author(key, name).url


def _kept_listing(kept: dict, made: dict, kind, key, title, url, newest_first, size) -> Listing:
    """The listing as kept from the last build when it shows the same articles, else made."""
    items = tuple(newest_first)
    what = (title, url, size, items)
    held = kept.get((kind, key))
    # Unchanged articles are the same objects build to build: the tuples compare by identity.
    if held is not None and held[0] == what:
        listing = held[1]
    else:
        listing = Listing(kind, key, title, url, paginate(url, items, size), len(items))
    made[(kind, key)] = (what, listing)
    return listing


def paginate(base_url: str, newest_first: tuple[Article, ...], size: int) -> tuple:
    """A front page of the newest articles, then archive pages counted from the oldest."""
    return newest_pages(base_url, newest_first, size, len(newest_first), 1)


def newest_pages(base_url: str, newest: tuple[Article, ...], size: int, total: int,
                 first: int) -> tuple:
    """The pages a listing of `total` articles, whose newest ones are `newest`, has from
    archive page `first` on (those showing only `newest`), after its front page.

    A build that adds articles newer than all others makes only these pages
    again: with pages counted from the oldest, none before them can change.
    """
    last = archive_pages(total, size)
    front = ListingPage(base_url, None, newest[:size], None,
                        _page_url(base_url, last - 1) if last >= 2 else None,
                        _nearby(base_url, last - 1 - NEARBY_PAGES, last) if last >= 2 else (),
                        base_url)
    pages = [front]
    for number in range(max(1, first), last + 1):
        span = archive_page_span(total, size, number)
        pages.append(archive_page(base_url, number, newest[span.start: span.stop], last))
    return tuple(pages)


def archive_page(base_url: str, number: int, articles: tuple[Article, ...],
                 last: int) -> ListingPage:
    """Archive page `number` of a listing whose last is `last`, showing these articles."""
    newer = _page_url(base_url, number + 1 if number < last else None)
    older = _page_url(base_url, number - 1) if number > 1 else None
    return ListingPage(base_url, number, articles, newer, older,
                       _nearby(base_url, number, last), base_url)


def archive_page_span(total: int, size: int, number: int) -> range:
    """Which articles archive page `number` shows, as indexes newest first."""
    start = total - number * size
    return range(max(0, start), start + size)


def _page_url(base_url: str, number: int | None) -> str:
    return base_url if number is None else f"{base_url}page/{number}/"


def _nearby(base_url: str, center: int, last: int) -> tuple:
    numbers = range(min(last, center + NEARBY_PAGES), max(0, center - NEARBY_PAGES - 1), -1)
    return tuple((n, _page_url(base_url, n)) for n in numbers)


def archive_pages(total: int, size: int) -> int:
    """How many archive pages a listing of `total` articles has besides its front page."""
    return 0 if total <= size else -(-total // size)


def find_related(newest_first: list[Article]) -> dict[str, tuple[Article, ...]]:
    """For each article, the older articles sharing a tag with it, most relevant first.

    Relevance is how many tags they share, then whether they are of the same
    section; among equals the newest comes first. An article without a shared
    tag is never shown, however close in time or section. Only older articles
    count, so publishing a new article never changes the related list of an
    existing one.
    """
    oldest_first = newest_first[::-1]
    return resolve_related(oldest_first, related_positions(oldest_first, ()))


def resolve_related(oldest_first: Sequence[Article], positions: Sequence[tuple[int, ...]],
                    start: int = 0) -> dict[str, tuple[Article, ...]]:
    """Turn related positions (indexes into `oldest_first`) into articles by URL,
    for the articles from `start` on."""
    return {article.url: tuple(oldest_first[p] for p in ranked)
            for article, ranked in zip(oldest_first[start:], positions[start:], strict=True)}


def related_positions(oldest_first: Sequence[Article],
                      known: Sequence[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Related positions of every article, oldest first, reusing `known` for the oldest ones.

    An article's list depends only on the articles before it, so when the
    oldest len(known) articles are the same as in an earlier build (same URL,
    section and tags in the same order: `related_identity`), their lists from
    that build hold.
    """
    positions = list(known[:len(oldest_first)])
    todo = range(len(positions), len(oldest_first))
    if not todo:
        return positions
    # Only the tags of the articles to rank are indexed: one publish into
    # 100,000 articles needs the positions of a few tags, not of all of them.
    tags = {tag.slug for position in todo for tag in oldest_first[position].tags}
    by_tag: dict[str, list[int]] = defaultdict(list)
    for position, article in enumerate(oldest_first):
        for tag in article.tags:
            if tag.slug in tags:
                by_tag[tag.slug].append(position)
    for position in todo:
        positions.append(_rank_related(oldest_first, position, by_tag))
    return positions


def _rank_related(oldest_first: Sequence[Article], position: int, by_tag) -> tuple[int, ...]:
    article = oldest_first[position]
    shared: Counter[int] = Counter()
    for tag in article.tags:
        candidates = by_tag[tag.slug]
        end = bisect.bisect_left(candidates, position)
        shared.update(candidates[max(0, end - RELATED_WINDOW): end])
    section = article.section.slug

    def relevance(p: int) -> tuple[int, bool, int]:
        return (shared[p], oldest_first[p].section.slug == section, p)

    return tuple(sorted(shared, key=relevance, reverse=True)[:RELATED_COUNT])


def related_identity(article: Article) -> str:
    """What an article contributes to the related lists of newer ones."""
    return "\0".join([article.url, article.section.slug, *(t.slug for t in article.tags)])
