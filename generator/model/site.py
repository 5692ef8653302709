"""The site model: which articles are published, their order, listings, related articles.

Pure: articles + data + config in, SiteModel out. Listing pages are numbered from
the oldest article, so an archive page of older articles never changes when a
new article arrives: the front page shows the newest articles down to the last
full archive page, and only it moves (and, when it has a full page of older
articles to hand over, a new archive page appears).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from types import MappingProxyType

from generator.core.errors import Problem
from generator.core.objects import Article, Author, Config, Listing, ListingPage, SiteModel, Tag
from generator.model.schedule import is_public

RELATED_COUNT = 5
RELATED_WINDOW = 40
NEARBY_PAGES = 2


def select_published(articles: list[Article], now: datetime, drafts: bool,
                     future: bool) -> list[Article]:
    """Drop drafts and future articles unless asked for, and expired ones; newest first."""
    shown = [a for a in articles if is_public(a, now, drafts, future)]
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
        for key, url, claimed_by in url_claims(article, config):
            if key in owners:
                problems.append(Problem(article.source, 1, claimed_by,
                                        f"URL {url} is already used by {owners[key]}"))
            elif claimed_by == "aliases" and _generated_path(key, config):
                problems.append(Problem(article.source, 1, claimed_by,
                                        f"URL {url} is a page newsgen generates"))
            else:
                owners[key] = article.source
    return problems


def reserved_owners(config: Config) -> dict[str, str]:
    """The URLs no article may take, each with what holds it."""
    owners = {url: "(a listing page)" for url in reserved_urls(config)}
    owners.update({url: "(a file newsgen writes)" for url in GENERATED_FILES})
    owners[config.legacy_path.rstrip("/") or "/"] = "(the page answering old CMS URLs)"
    return owners


def url_claims(article: Article, config: Config) -> list[tuple[str, str, str]]:
    """(owner key, URL, field) of each URL an article takes: its own, its aliases and
    the old CMS URL its `legacy_id` names."""
    claims = [(article.url, "slug"), *((alias, "aliases") for alias in article.aliases)]
    if article.legacy_id is not None:
        claims.append((legacy_url(config, article.legacy_id), "legacy_id"))
    return [(url.rstrip("/") or "/", url, field) for url, field in claims]


def legacy_url(config: Config, legacy_id: str) -> str:
    """The old CMS URL a `legacy_id` stands for: '/news/articleView.html?idxno=12345'."""
    return f"{config.legacy_path}?{config.legacy_param}={legacy_id}"


def reserved_urls(config: Config) -> list[str]:
    fixed = ["/", "/latest", "/tags", "/authors", "/search", "/recent", "/404.html",
             "/corrections"]
    return fixed + [f"/{s.slug}" for s in config.sections]


GENERATED_FILES = ("/feed.xml", "/atom.xml", "/sitemap.xml", "/news-sitemap.xml",
                   "/robots.txt", "/_redirects")
GENERATED_FOLDERS = ("/latest/", "/tags/", "/authors/", "/recent/", "/search/", "/assets/",
                     "/search-index/", "/corrections/")


def _generated_path(path: str, config: Config) -> bool:
    """Whether a path lies where listings, feeds or sitemap parts are written."""
    if re.fullmatch(r"/sitemap-\d+\.xml", path) or path.startswith(GENERATED_FOLDERS):
        return True
    for section in config.sections:
        if path.startswith(f"/{section.slug}/page/") or path in (
                f"/{section.slug}/feed.xml", f"/{section.slug}/atom.xml"):
            return True
    return False


@dataclass(frozen=True, slots=True)
class ListingPart:
    """What a build knows of one listing: its newest articles (as far as the pages it
    plans reach), how many it lists, and older archive pages it plans besides.

    A whole plan knows every listing whole: `newest` holds all its articles. A
    build that plans only the part of the site a content change reaches knows
    the newest few, and the archive pages showing an edited article (`deep`,
    with the date ranges of the pages they link to in `spans`).
    """

    kind: str
    key: str
    name: str  # the section's, tag's or reporter's name its heading shows
    newest: tuple[Article, ...]
    total: int
    first: int = 1  # the first archive page planned from `newest`
    deep: Mapping[int, tuple[Article, ...]] = field(default_factory=dict)
    spans: Mapping[int, tuple[datetime, datetime]] = field(default_factory=dict)


def build_site_model(config: Config, articles: list[Article], authors: dict[str, Author],
                     data: dict, now: datetime,
                     related: Mapping[str, tuple[Article, ...]] | None = None,
                     parts: Sequence[ListingPart] | None = None) -> SiteModel:
    """Group published articles (newest first) into sections, listings and related lists.

    `related` may come from `related_positions` with an earlier build's lists.
    `parts` are the listings as far as a build plans them (whole_listings when
    it plans the whole site from every article).
    """
    by_section: dict[str, list[Article]] = {s.slug: [] for s in config.sections}
    for article in articles:
        by_section[article.section.slug].append(article)
    listings, tags = [], []
    # One part at a time: a whole site's parts hold every listing's articles.
    for part in whole_listings(config, articles, by_section, authors) if parts is None \
            else parts:
        listings.append(listing_of(config, part))
        if part.kind == "tag":
            tags.append(Tag(part.name, part.key))
    return SiteModel(
        config=config,
        articles=tuple(articles),
        sections=MappingProxyType({k: tuple(v) for k, v in by_section.items()}),
        listings=tuple(listings),
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


def listing_slots(config: Config, tag_slugs: Iterable[str],
                  author_keys: Iterable[str]) -> list[tuple[str, str]]:
    """(kind, key) of every listing, in the site model's order: sections, /latest/,
    tags and reporters (the sitemap ends with their front pages in this order)."""
    return ([("section", section.slug) for section in config.sections] + [("latest", "latest")]
            + [("tag", slug) for slug in sorted(tag_slugs)]
            + [("author", key) for key in sorted(author_keys)])


def whole_listings(config: Config, articles: list[Article],
                   by_section: dict[str, list[Article]],
                   authors: dict[str, Author]) -> Iterator[ListingPart]:
    """Every listing with all its articles."""
    by_tag: dict[str, list[Article]] = defaultdict(list)
    by_author: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for tag in article.tags:
            by_tag[tag.slug].append(article)
        for author in article.authors:
            if author.key:
                by_author[author.key].append(article)
    names = {("section", section.slug): section.name for section in config.sections}
    names.update((("tag", tag.slug), tag.name) for tag in _collect_tags(articles))
    names.update((("author", key), author.name) for key, author in authors.items())
    groups = {"section": by_section, "latest": {"latest": articles}, "tag": by_tag,
              "author": by_author}
    for kind, key in listing_slots(config, list(by_tag), authors):
        members = groups[kind].get(key, ())
        yield ListingPart(kind, key, names.get((kind, key), ""), tuple(members), len(members))


def listing_of(config: Config, part: ListingPart) -> Listing:
    """The listing's front page, its archive pages from `part.first` on, and the older
    archive pages `part.deep` names."""
    title, url = listing_heading(config, part.kind, part.key, part.name)
    size = config.page_size
    front, *newest = newest_pages(url, part.newest, size, part.total, part.first)
    deep = ()
    if part.deep:
        last = archive_pages(part.total, size)
        spans = {**part.spans, **page_spans(part.newest, size, part.total, last)}
        deep = tuple(archive_page(url, number, shown, last, spans)
                     for number, shown in sorted(part.deep.items()))
    return Listing(part.kind, part.key, title, url, (front, *deep, *newest), part.total)


def listing_heading(config: Config, kind: str, key: str, name: str) -> tuple[str, str]:
    """A listing's title and URL: `name` is its section's, tag's or reporter's."""
    if kind == "section":
        return name, f"/{key}/"
    if kind == "latest":
        return config.labels["latest"], "/latest/"
    if kind == "tag":
        return f"#{name}", Tag(name, key).url
    return f"{name} {config.labels['reporter']}".strip(), Author(key, name).url


def paginate(base_url: str, newest_first: tuple[Article, ...], size: int) -> tuple:
    """A front page of the newest articles, then archive pages counted from the oldest."""
    return newest_pages(base_url, newest_first, size, len(newest_first), 1)


def newest_pages(base_url: str, newest: tuple[Article, ...], size: int, total: int,
                 first: int) -> tuple:
    """The front page of a listing of `total` articles, whose newest ones are `newest`,
    and its archive pages from `first` on.

    Archive page k always shows the k-th `size` articles counted from the
    oldest, and exists once the articles after it fill a page of their own:
    the front shows those (between `size` and twice that, less one), so every
    article is on exactly one page and the front's older link leads to the
    articles right after its last. A build that adds articles newer than all
    others makes only these pages again: none before them can change.
    `newest` reaches down to page `first - NEARBY_PAGES` (and to the pages the
    front links to), whose date ranges the links show.
    """
    last = archive_pages(total, size)
    spans = page_spans(newest, size, total, last)
    front = ListingPage(base_url, None, newest[:total - last * size], None,
                        _page_url(base_url, last) if last else None,
                        _nearby(base_url, last - NEARBY_PAGES, last, spans), base_url)
    pages = [front]
    for number in range(max(1, first), last + 1):
        span = archive_page_span(total, size, number)
        pages.append(archive_page(base_url, number, newest[span.start: span.stop], last,
                                  spans))
    return tuple(pages)


def page_spans(newest: tuple[Article, ...], size: int, total: int,
               last: int) -> dict[int, tuple[datetime, datetime]]:
    """The oldest and newest date of each archive page whose articles `newest` holds."""
    spans = {}
    for number in range(last, 0, -1):
        span = archive_page_span(total, size, number)
        if span.stop > len(newest):
            break
        spans[number] = (newest[span.stop - 1].date, newest[span.start].date)
    return spans


def archive_page(base_url: str, number: int, articles: tuple[Article, ...],
                 last: int, spans: Mapping[int, tuple[datetime, datetime]]) -> ListingPage:
    """Archive page `number` of a listing whose last is `last`, showing these articles;
    `spans` holds the date ranges of the pages it links to."""
    newer = _page_url(base_url, number + 1 if number < last else None)
    older = _page_url(base_url, number - 1) if number > 1 else None
    return ListingPage(base_url, number, articles, newer, older,
                       _nearby(base_url, number, last, spans), base_url)


def archive_page_span(total: int, size: int, number: int) -> range:
    """Which articles archive page `number` shows, as indexes newest first."""
    start = total - number * size
    return range(max(0, start), start + size)


def _page_url(base_url: str, number: int | None) -> str:
    return base_url if number is None else f"{base_url}page/{number}/"


def _nearby(base_url: str, center: int, last: int, spans) -> tuple:
    """(number, URL, oldest date, newest date) of the archive pages around `center`,
    newest first."""
    numbers = range(min(last, center + NEARBY_PAGES), max(0, center - NEARBY_PAGES - 1), -1)
    return tuple((n, _page_url(base_url, n), *spans[n]) for n in numbers)


def archive_pages(total: int, size: int) -> int:
    """How many archive pages a listing of `total` articles has besides its front page:
    one per page of articles older than the newest `size` ones and their remainder."""
    return max(0, total // size - 1)


def page_births(listing: Listing, size: int) -> list[tuple[Article, str]]:
    """(the article whose arrival made an archive page, the page's URL) for each of the
    listing's pages whose maker it shows: page k's is the newest of the page above it."""
    by_number = {page.number: page for page in listing.pages}
    front = by_number[None]
    last = max((n for n in by_number if n is not None), default=0)
    births = []
    for page in listing.pages[1:]:
        above = by_number.get(page.number + 1)
        if above is not None:
            births.append((above.articles[0], page.url))
        elif page.number == last and page.newer_url == front.url:
            births.append((front.articles[len(front.articles) - size], page.url))
    return births


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
