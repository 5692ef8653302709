"""What a build leaves for a next build whose change reaches only part of the site.

Publishing into a big archive changes a few dozen files, but a build that
reads the whole site to find them makes an Article for every article and a
plan for every page. The site index keeps, in the cache, what
such a build needs instead: the site's order of articles with the listings
each belongs to, the listings' sizes, the sitemap's newest part and the
search index's newest block. `reach.py` reads it.

It holds for exactly the build that wrote it: it names that build's
fingerprint, which `changes.remember` records after every successful build,
so after any other build (a preview's, a failed one) it is not used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from operator import attrgetter

from generator.core.objects import Article, SiteModel
from generator.engine.cache import Cache
from generator.outputs import search
from generator.outputs.sitemap import Entry, SitemapIndex, UrlSet

INDEX = "site index"
CHANGES = "site index changes"
FORMAT = "site-index/3"


@dataclass(frozen=True, slots=True)
class SiteIndex:
    fingerprint: str  # of the build that wrote it
    context: str  # all that build read besides the content files (see `context`)
    scan: dict  # each content file's (size, mtime), by site path, as that build found them
    order: list  # published articles' source paths, newest first
    members: list  # for each of those: (section slug, tag slugs, reporter keys)
    dates: list  # for each of those: its date as a POSIX timestamp
    newest: str  # the newest article's date, ISO 8601
    totals: dict  # listing slot "kind:key" -> how many articles it lists
    tag_names: dict  # tag slug -> the name its listing shows
    sitemap: tuple  # (index entries before the tail, tail entries, front entries)
    search_codes: list  # section codes of the search index's last block of doc ids
    unpublished: list  # a preview build's drafts and scheduled articles: unpublished_rows
    # Builds of a part (reach.py) store only what they changed, beside the whole's index:
    base: str = ""  # the fingerprint of the whole plan's index this one extends
    added: int = 0  # articles published since (the first of `order`)
    rescanned: dict = None  # type: ignore[assignment]  # files changed since: path -> stamp
    # the related lists of the articles added since, oldest first, as positions in the
    # site's order oldest first (the cache's "related" value holds the others')
    related_added: list = None  # type: ignore[assignment]


CHANGED_ONLY = ("base", "added", "rescanned", "related_added")
STORED = tuple(name for name in SiteIndex.__slots__ if name not in CHANGED_ONLY)
CHANGED = ("fingerprint", "newest", "totals", "tag_names", "sitemap", "search_codes",
           "unpublished", "added",
           "rescanned", "related_added")  # and those of the changes stored since


def slot(kind: str, key: str) -> str:
    return f"{kind}:{key}"


def members_of(article: Article) -> tuple:
    return (article.section.slug, tuple(t.slug for t in article.tags),
            tuple(a.key for a in article.authors if a.key))


def make_index(fingerprint: str, built_context: str, scan: list, model: SiteModel,
               sitemaps: list, unpublished: list) -> SiteIndex:
    """The index of a finished build, from its model and its sitemap files."""
    articles = model.articles
    return SiteIndex(
        fingerprint, built_context, {rel: (size, mtime) for rel, size, mtime in scan},
        [a.source for a in articles],
        [members_of(a) for a in articles], [a.date.timestamp() for a in articles],
        articles[0].date.isoformat() if articles else "",
        {slot(listing.kind, listing.key): listing.total for listing in model.listings},
        {tag.slug: tag.name for tag in model.tags},
        sitemap_state(sitemaps, 1 + len(model.pages) + len(model.listings),
                      model.config.sitemap_limit),
        last_block_codes(list(articles), model.config), unpublished)


def sitemap_state(sitemaps: list, fronts: int, limit: int, first: int = 0) -> tuple:
    """(index entries of the full parts before the tail, the tail's entries up to the
    front pages, the front pages' entries) of these sitemap files, whose entries start
    at entry number `first`; `fronts` entries (home, then each listing's) end them."""
    entries = [e for subject in sitemaps if isinstance(subject, UrlSet) and not subject.news
               for e in subject.entries]
    body = first + len(entries) - fronts
    boundary = body - body % limit if first + len(entries) > limit else 0
    index = next((s.parts for s in sitemaps if isinstance(s, SitemapIndex)), ())
    return (tuple(_plain(e) for e in index[: boundary // limit]),
            [_plain(e) for e in entries[boundary - first: body - first]],
            [_plain(e) for e in entries[body - first:]])


def last_block_codes(newest_first: list[Article], config) -> list[int]:
    """The section codes of the search index's last sections/ block (doc ids by date, URL)."""
    count = len(newest_first) % search.BLOCK
    order = {section.slug: n for n, section in enumerate(config.sections)}
    return [order.get(a.section.slug, -1) for a in newest_by_id(newest_first, count)]


def newest_by_id(newest_first: list[Article], count: int) -> list[Article]:
    """The `count` articles with the highest search doc ids, in id order (date, URL).

    They are among the articles dated no earlier than the count-th newest by
    (date, source), the site's order: `newest_first` must hold all of those.
    """
    if not count:
        return []
    oldest_date = newest_first[count - 1].date
    end = count
    while end < len(newest_first) and newest_first[end].date >= oldest_date:
        end += 1
    return sorted(newest_first[:end], key=attrgetter("date", "url"))[-count:]


def _plain(entry: Entry) -> tuple:
    lastmod = entry.lastmod.isoformat() if entry.lastmod else None
    return (entry.loc, lastmod, entry.stamp, entry.image)


def entry_from(plain: tuple) -> Entry:
    loc, lastmod, stamp, image = plain
    return Entry(loc, datetime.fromisoformat(lastmod) if lastmod else None, stamp, image)


def save(cache: Cache, index: SiteIndex | None) -> None:
    """Store a whole plan's index (None: none), replacing any changes stored since."""
    if index is not None:
        index = replace(index, scan=list(index.scan.items()))  # marshal loads lists faster
    cache.put_value(INDEX, None if index is None else [FORMAT, *(
        getattr(index, name) for name in STORED)])
    cache.put_value(CHANGES, None)


def save_changes(cache: Cache, index: SiteIndex) -> None:
    """Store what builds of a part (reach.py) changed since the whole site's index, so the
    whole index is not written again for every article published."""
    added = index.added
    cache.put_value(CHANGES, [FORMAT, index.base, index.order[:added], index.members[:added],
                              index.dates[:added], *(getattr(index, name) for name in CHANGED)])


def load(cache: Cache) -> SiteIndex | None:
    """The index with the changes stored since, or None."""
    value = cache.value(INDEX)
    if not (isinstance(value, list) and len(value) == 1 + len(STORED) and value[0] == FORMAT):
        return None
    try:
        fields = dict(zip(STORED, value[1:], strict=True))
        fields["scan"] = dict(fields["scan"])
        index = SiteIndex(**fields, base=fields["fingerprint"], rescanned={}, related_added=[])
    except (TypeError, ValueError):
        return None
    changes = cache.value(CHANGES)
    if not (isinstance(changes, list) and len(changes) == 5 + len(CHANGED)
            and changes[0] == FORMAT and changes[1] == index.base):
        return index
    order, members, dates = changes[2:5]
    changed = dict(zip(CHANGED, changes[5:], strict=True))
    index.scan.update(changed["rescanned"])
    return replace(index, order=order + index.order, members=members + index.members,
                   dates=dates + index.dates, **changed)
