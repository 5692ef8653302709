"""What a content change reaches: the scope of a build that only publishes new articles
or edits articles in place, found from the site index the last build left.

These are a newsroom's everyday changes. Listings are numbered from the
oldest article, the sitemap and the search index list the oldest first, and
related lists look only at older articles, so a publish changes only the
newest end of each: the new articles' pages, the front and last few pages of
the listings they join, the shared boxes and the pages showing them inline,
the feeds, the sitemap's newest part and index, the news sitemap, and the
search index's new doc files, recent/ postings, last sections/ block and
meta.json. An edit that keeps an article's URL, dates, section, tags,
reporters and photo changes its page, the one page of each listing showing
it, the pages whose related lists name it, the boxes, feeds and news sitemap
when they show it, and its search doc and postings.

This module only finds that part (scope.Scope): the few hundred articles
those pages show, rebuilt from the cache's records, each listing as far as
the pages go (model.site.ListingPart), the sitemap's kept tail and the search
index's kept docs. The build's own stages model, plan, render and write it,
as they do the whole site; every other file keeps the key the manifest holds.
Anything else (a deletion, a back-dated or draft article, one with aliases or
a legacy id or with problems, an edit that moves an article, the search index
moving a block into base/, a change to anything but content/, a clock moment
of the last build's schedule passed) finds no part: the build plans the whole
site. What a part carries is an allow-list of Article fields (EDITABLE,
PUBLISHABLE): a field added for a new feature makes it decline until it is
taught that field. The output is the same either way.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime
from itertools import islice
from operator import attrgetter
from typing import NamedTuple

from generator.core.objects import Article, Config, SiteModel, SourceEntry
from generator.engine import articlestore, indexing, live, publishlog, siteindex
from generator.engine.cache import Cache
from generator.engine.changes import Changes, LastBuild
from generator.engine.changes import remember as remember_build
from generator.engine.output import relative_file
from generator.engine.pagereading import read_pages
from generator.engine.reading import read_settings, read_sources
from generator.engine.scope import BuildRun, Scope
from generator.engine.stages import BuildOptions, make_one_article, static_key
from generator.model.schedule import NEWS_WINDOW, Moment, unpublished_rows, upcoming
from generator.model.site import (
    NEARBY_PAGES,
    RELATED_COUNT,
    RELATED_WINDOW,
    ListingPart,
    archive_page_span,
    archive_pages,
    check_unique_urls,
    listing_heading,
    listing_slots,
    related_positions,
    reserved_owners,
    resolve_related,
    select_published,
)
from generator.outputs import pages, search
from generator.outputs.sitemap import NEWS_LIMIT, KeptSitemap
from generator.render import templates as render
from generator.render.assets import collect_assets
from generator.render.images import image_file, make_images, with_image_digests
from generator.sources.live import article_of, is_live_entry
from generator.sources.pages import is_page_file


def part_scope(run: BuildRun, changes: Changes,
               changed_output: Callable[[], set[str] | None]) -> Scope | None:
    """The part of the site a CONTENT change set reaches, when it only publishes new
    articles or only edits articles in place; None when the build must plan the whole
    site."""
    options, config, data, inputs, cache, now, _ = run
    index, last = changes.index, changes.last
    added, modified = changes.added, changes.modified
    if any(is_page_file(rel) for rel, _, _ in added + modified):
        return None  # a standalone page: its footer link and trust links show on every page
    entry_files = [f for f in added + modified if is_live_entry(f[0])]
    if entry_files:  # only live pages' entries: an edit of their articles' coverage
        found = None if len(entry_files) < len(added) + len(modified) else _live_edits(
            config, data, cache, entry_files, inputs.scan, index, now)
    else:
        count = len(index.order)
        too_many = len(added) + len(modified) > options.tuning.part_max_changed
        if bool(added) == bool(modified) or too_many or (
                config.search and search.base_end(count + len(added)) != search.base_end(count)):
            return None  # only new files, or only edited ones
        found = _new_articles(config, data, cache, added, index, now, options) if added else \
            _edited_articles(config, data, cache, modified, index, now, options)
    window = None if found is None else _Window.make(config, data, cache, index, found, now, last,
                                                 inputs.scan)
    if window is None:
        return None
    changed = changed_output()
    if changed is None or changed:
        return None  # output/ is not as the last build left it: the whole plan mends it
    try:
        return window.scope(run)
    except _Declined:
        return None


class _Declined(Exception):
    """Found while finding the part: the build plans the whole site."""


class _Found(NamedTuple):
    articles: list[Article]  # new ones, newest first, as made (before lead-image digests)
    entries: list[SourceEntry]  # of the files read
    edited: dict[int, Article] = {}  # edited ones by their position in index.order
    revised: frozenset[str] = frozenset()  # the edited files whose bytes changed
    stamps: dict = {}  # other files read (live entries): path -> (size, stamp)


def _live_edits(config: Config, data, cache: Cache, files: list, scan: list, index,
                now: datetime) -> _Found | None:
    """The live articles whose entry files were added or changed, with their entries, as
    edits that change only their coverage; None unless each is a published live page and
    its entries are valid, without warnings."""
    owners = sorted({article_of(rel) for rel, _, _ in files})
    positions = {source: position for position, source in enumerate(index.order)}
    if any(owner not in positions for owner in owners):
        return None
    _, rows = articlestore.kept_rows(cache, config, data.digest, owners)
    rebuild = articlestore.rebuilder(config, dict(data.authors))
    articles = [rebuild(rows[owner]) if owner in rows else None for owner in owners]
    if None in articles or any(a.live is None for a in articles):
        return None
    shown = _with_entries(config, data, articles, scan, now)
    if shown is None:
        return None
    return _Found([], [], {positions[a.source]: a for a in shown},
                  stamps={rel: (size, stamp) for rel, size, stamp in files})


def _with_entries(config: Config, data, articles: list[Article], scan: list,
                  now: datetime) -> list[Article] | None:
    """The articles as the whole plan makes them, live pages with their entries (records
    hold none); None if an entry has problems, which the whole plan reports."""
    owners = {a.source for a in articles if a.live is not None}
    if not owners:
        return articles
    problems: list = []
    their_entries = [f for f in scan if is_live_entry(f[0]) and article_of(f[0]) in owners]
    shown = live.with_entries(config, dict(data.authors), articles, their_entries, now,
                              problems)
    return None if problems else shown


def _edited_articles(config: Config, data, cache: Cache, modified: list, index, now: datetime,
                     options: BuildOptions) -> _Found | None:
    """The edited files' Articles; None unless each was published and stays so, valid,
    without warnings, and shown in the same place: the same URL, dates, section, tags,
    reporters, kind (listings label it) and lead image, and no aliases (whose pages show
    the title)."""
    read = _read(config, data, cache, modified, now, options)
    if read is None:
        return None
    made, entries = read
    paths = [rel for rel, _, _ in modified]
    _, rows = articlestore.kept_rows(cache, config, data.digest, paths)
    rebuild = articlestore.rebuilder(config, dict(data.authors))
    positions = {source: position for position, source in enumerate(index.order)}
    settings = read_settings(config)
    edited = {}
    for article in made:
        row = rows.get(article.source)
        # A failed build since the index was made may have recorded the file as it is
        # now: only a record of the file as the index's build read it tells the edit.
        as_indexed = row is not None and article.source in index.scan and \
            row[1] == articlestore.row_stamp(*index.scan[article.source], settings)
        before = rebuild(row) if as_indexed else None
        if before is None or article.source not in positions or _moved(before, article):
            return None
        edited[positions[article.source]] = article
    revised = frozenset(a.source for a in made if a.digest != rebuild(rows[a.source]).digest)
    return _Found([], entries, edited, revised)


def _read(config: Config, data, cache: Cache, scanned: list, now: datetime,
          options: BuildOptions) -> tuple[list[Article], list[SourceEntry], int] | None:
    """These files' Articles, newest first, and their entries; None
    unless each is valid, without warnings, and published (the whole plan reports the
    problems, as always)."""
    problems = []
    known = cache.sources_at([rel for rel, _, _ in scanned], config.timezone)
    entries, _, _ = read_sources(config, cache, scanned, problems, 1, known)
    made = [make_one_article(config, dict(data.authors), problems, e) for e in entries]
    if problems or len(made) != len(scanned) or None in made:
        return None
    published = select_published(made, now, options.drafts, options.future)
    return (published, entries) if len(published) == len(made) else None


# What a part knows how to carry to every page that shows an article. Any other
# field, and so any field added later, must be as before for an edit and at its
# default for a new article, or the whole site is planned: a new kind of front matter
# never needs teaching here to stay correct.
EDITABLE = frozenset({"source", "title", "subtitle", "summary", "image_alt", "image_caption",
                      "body_key", "digest"})
PUBLISHABLE = EDITABLE | {"section", "date", "updated", "authors", "tags", "image", "slug",
                          "url", "expires"}
PLAIN = {"draft": False, "aliases": ()}  # the values a new article must have for these
# An article holding any of these shows on pages a part does not plan: redirect
# pages (which show its title), the corrections listing, its live.json.
SHOWN_ELSEWHERE = ("aliases", "legacy_id", "corrections", "live")


def _moved(before: Article, after: Article) -> bool:
    """Whether an edit changes anything but what EDITABLE names (where the article is
    shown, its sitemap entry, or what a part does not know), or the article shows
    on pages a part does not plan (SHOWN_ELSEWHERE)."""
    return any(getattr(before, name) or getattr(after, name) for name in SHOWN_ELSEWHERE) or any(
        getattr(before, f.name) != getattr(after, f.name) for f in fields(Article)
        if f.name not in EDITABLE)


def _unknown(article: Article) -> bool:
    """Whether a new article sets a field a part does not publish (PUBLISHABLE)."""
    return any(f.name not in PUBLISHABLE
               and getattr(article, f.name) != PLAIN.get(f.name, f.default)
               for f in fields(Article))


def _new_articles(config: Config, data, cache: Cache, added: list, index, now: datetime,
                  options: BuildOptions) -> _Found | None:
    """The new files' Articles, newest first; None unless each is valid, without warnings
    or aliases, of the default kind, published, and newer than every other."""
    read = _read(config, data, cache, added, now, options)
    if read is None:
        return None
    published, entries = read
    newest = datetime.fromisoformat(index.newest) if index.newest else None
    if any(map(_unknown, published)) or (
            newest is not None and any(a.date <= newest for a in published)):
        return None
    # Among themselves as the whole plan checks them; against the site, by the files
    # output/ holds: any page, alias or listing at a new URL would clash with it.
    if check_unique_urls(published, config, reserved_owners(config)) or cache.keys_at(
            [relative_file(a.url) for a in published]):
        return None
    # A photo that only unpublished articles used is not in output/ (withheld_images).
    photos = {rel for a in published if (rel := image_file(a.image)) is not None}
    if len(cache.keys_at(list(photos))) != len(photos):
        return None
    return _Found(published, entries)


class _Window:
    """The part of the site a change reaches: the old Articles its pages show, by their
    position in the site's order, and the positions each listing shows."""

    def __init__(self, config: Config, data, cache: Cache, index, found: _Found,
                 moments: tuple[datetime, LastBuild], rows: tuple[str, dict],
                 old: dict[int, Article], wanted: _Wanted):
        self.config, self.data, self.cache, self.index = config, data, cache, index
        self.found, self.rows = found, rows
        self.now, self.last = moments
        self.old, self.wanted = old, wanted
        self.positions = wanted.positions

    @classmethod
    def make(cls, config: Config, data, cache: Cache, index, found: _Found, now: datetime,
             last: LastBuild, scan: list) -> _Window | None:
        wanted = _Wanted(config, index, found, now)
        if not wanted.find(cache):
            return None
        shown = sorted(wanted.shown())
        context, rows = articlestore.kept_rows(cache, config, data.digest, [
            *(index.order[p] for p in shown), *(a.source for a in found.articles)])
        rebuild = articlestore.rebuilder(config, dict(data.authors))
        rebuilt = {}
        for position in shown:
            row = rows.get(index.order[position])
            article = rebuild(row) if row is not None else None
            if article is None:
                return None
            rebuilt[position] = article
        made = _with_entries(config, data, list(rebuilt.values()), scan, now)
        if made is None:
            return None
        old = {position: found.edited.get(position, article)
               for position, article in zip(rebuilt, made, strict=True)}
        return cls(config, data, cache, index, found, (now, last), (context, rows), old, wanted)

    def scope(self, run: BuildRun) -> Scope | None:
        """The articles the reached pages show, with their lead images made, and what the
        build plans from them."""
        options, inputs = run.options, run.inputs
        shown = self.found.articles + [self.old[p] for p in sorted(self.old)]
        rows = self.rows[1]
        lines = {e.path: e.meta.lines.get("image") for e in self.found.entries}
        lines.update((rel, row[2]) for rel, row in rows.items() if rel not in lines)
        problems = []
        images = make_images(shown, lines.get, inputs.static, self.cache.folder / "images",
                             problems)
        if problems:
            return None
        assets = collect_assets(inputs.static, images)
        stamped = with_image_digests(shown, images)
        new, old = stamped[:len(self.found.articles)], stamped[len(self.found.articles):]
        old = dict(zip(sorted(self.old), old, strict=True))
        site_pages = read_pages(self.config, inputs.scan, problems, options.drafts)
        if problems:
            return None
        part = Part(self, new, old, options, run.declared.fingerprint())
        return Scope(new + [old[p] for p in sorted(old)], self._related(new, old), site_pages,
                     assets, part.new_image_files(assets), part,
                     listings=[self._listing(slot, new, old) for slot in self.positions],
                     reach=part.reach(), kept_index=part.kept_index())

    def _related(self, new: list[Article], old: dict[int, Article]) -> dict:
        """The new articles' related lists, and those of the old articles the pages of an
        edited one reach, from the cache's."""
        oldest_first = (new + [old[p] for p in sorted(old)])[::-1]
        ranked = related_positions(oldest_first, [()] * len(old))
        related = resolve_related(oldest_first, ranked, start=len(old))
        related.update((old[p].url, tuple(old[r] for r in ranked))
                       for p, ranked in self.wanted.related.items())
        return related

    def _listing(self, slot: str, new: list[Article], old: dict[int, Article]) -> ListingPart:
        """The listing's newest articles, the new ones among them, and the older pages
        showing an edited article."""
        kind, key = slot.split(":", 1)
        joined = [a for a in new if _joins(a, kind, key)]
        before = self.index.totals.get(slot, 0)
        spans = {number: (old[oldest].date, old[newest].date)
                 for number, (oldest, newest) in self.wanted.bounds.get(slot, {}).items()}
        deep = {number: tuple(old[p] for p in shown)
                for number, shown in self.wanted.deep.get(slot, {}).items()}
        return ListingPart(kind, key, _listing_name(self.config, self.data, self.index, new,
                                                    kind, key),
                           tuple(joined + [old[p] for p in self.positions[slot]]),
                           before + len(joined), _first_page(before, len(joined),
                                                             self.config.page_size),
                           deep, spans)


def _joins(article: Article, kind: str, key: str) -> bool:
    return _taker(kind, key)(siteindex.members_of(article))


def _first_page(before: int, joined: int, size: int) -> int:
    """The first archive page that may change when `joined` articles join a listing of
    `before`: the first whose links reach its last page (the new articles land on the
    front, which makes any new page from its oldest ones)."""
    return max(1, archive_pages(before, size) - NEARBY_PAGES + 1)


def _needed(before: int, joined: int, size: int) -> int:
    """How many of a listing's old articles its front and pages from _first_page on show,
    with the pages whose date ranges their links name."""
    total = before + joined
    lowest = max(1, archive_pages(before, size) - 2 * NEARBY_PAGES)
    return min(before, total - (lowest - 1) * size - joined)


def _listing_name(config: Config, data, index, new: list[Article], kind: str, key: str) -> str:
    """As the whole plan names the listing: a tag by the spelling of its oldest use (an
    old one's, else the oldest new one's)."""
    if kind == "section":
        return config.section(key).name
    if kind == "tag":
        return index.tag_names.get(key) or next(
            t.name for a in reversed(new) for t in a.tags if t.slug == key)
    return data.authors[key].name if kind == "author" else ""


class _Wanted:
    """Which old articles the pages a change reaches show, by position in index.order:
    the site's newest, each listing's newest pages, the archive pages an edited
    article is on, and the articles whose related lists name an edited one."""

    def __init__(self, config: Config, index, found: _Found, now: datetime):
        self.config, self.index, self.now = config, index, now
        self.new, self.edited = found.articles, found.edited
        self.site = set(range(min(len(index.order), self._site_count())))
        self.positions: dict[str, list[int]] = {}  # slot -> its newest articles
        self.deep: dict[str, dict[int, list[int]]] = {}  # slot -> older page -> its articles
        # slot -> page -> its oldest and newest article, for the deep pages' links
        self.bounds: dict[str, dict[int, tuple[int, int]]] = {}
        self.related: dict[int, tuple[int, ...]] = {}  # article -> its related ones

    def shown(self) -> set[int]:
        found = set(self.site).union(*self.positions.values())
        found.update(p for pages in self.deep.values() for shown in pages.values()
                     for p in shown)
        found.update(p for pages in self.bounds.values() for ends in pages.values()
                     for p in ends)
        found.update(self.related)
        found.update(p for ranked in self.related.values() for p in ranked)
        return found

    def _site_count(self) -> int:
        """The newest articles of the site that feeds, boxes, the news sitemap and the
        search index's recent/ show."""
        config, order = self.config, self.index.order
        total = len(order) + len(self.new)
        recent = total - search.base_end(total) - len(self.new) if config.search else 0
        since, dates = (self.now - NEWS_WINDOW).timestamp(), self.index.dates
        fresh = 0
        while fresh < min(len(order), NEWS_LIMIT) and dates[fresh] > since:
            fresh += 1
        count = max(render.latest_pool(config), config.feed_count, fresh, recent)
        # Doc ids follow (date, URL): take every article as old as the last one needed.
        while 0 < count < len(order) and dates[count] == dates[count - 1]:
            count += 1
        return count

    def find(self, cache: Cache) -> bool:
        """Find the listings' articles and the related lists; False if the change needs
        the whole plan: related lists the cache does not hold."""
        return self._listings() and self._related(cache)

    def _slots(self) -> list[str]:
        slots = [siteindex.slot("section", s.slug) for s in self.config.sections]
        slots.append(siteindex.slot("latest", "latest"))
        tags = {t.slug for a in self.new for t in a.tags}
        authors = {a.key for n in self.new for a in n.authors if a.key}
        for position in self.edited:
            _, tag_slugs, keys = self.index.members[position]
            tags.update(tag_slugs)
            authors.update(keys)
        slots += sorted(siteindex.slot("tag", slug) for slug in tags)
        return slots + sorted(siteindex.slot("author", key) for key in authors)

    def _listings(self) -> bool:
        config, index = self.config, self.index
        size = config.page_size
        for slot in self._slots():
            kind, key = slot.split(":", 1)
            before = index.totals.get(slot, 0)
            joined = sum(1 for a in self.new if _joins(a, kind, key))
            count = _needed(before, joined, size)
            if joined and kind in ("tag", "section"):
                count = max(count, RELATED_WINDOW, 2 * RELATED_COUNT)  # related candidates
            if kind == "section":
                count = max(count, config.feed_count, render.box_pool(config))
            self.positions[slot] = list(islice(self._members(kind, key), min(count, before)))
        if self.edited:
            self._deep()
        return True

    def _deep(self) -> None:
        """The archive pages showing an edited article that the newest pages do not
        cover: one walk down the site's order for every listing, as far as they reach."""
        size, totals = self.config.page_size, self.index.totals
        walks: dict[str, _Walk] = {}
        for position in self.edited:
            for slot in _slots_of(self.index.members[position]):
                if slot not in walks:
                    total = totals.get(slot, 0)
                    walks[slot] = _Walk(slot, total, size, _first_page(total, 0, size))
                walks[slot].edited.add(position)
        walking = list(walks.values())
        for position, member in enumerate(self.index.members):
            walking = [w for w in walking if not (w.takes(member) and w.add(position))]
            if not walking:
                break
        self.deep = {slot: walk.shown() for slot, walk in walks.items() if walk.pages}
        self.bounds = {slot: walk.bounds() for slot, walk in walks.items() if walk.pages}

    def _members(self, kind: str, key: str):
        takes = _taker(kind, key)
        return (position for position, member in enumerate(self.index.members)
                if takes(member))

    def _related(self, cache: Cache) -> bool:
        """The related lists of the edited articles and of those whose lists name one."""
        if not self.edited:
            return True
        value = cache.value("related")
        count = len(self.index.order)
        if not (isinstance(value, list) and len(value) == 2):
            return False
        lists = value[1] + self.index.related_added  # oldest first
        if len(lists) != count:
            return False
        oldest = {count - 1 - p: p for p in self.edited}  # oldest-first positions
        for at, ranked in enumerate(lists):
            if at in oldest or not oldest.keys().isdisjoint(ranked):
                self.related[count - 1 - at] = tuple(count - 1 - r for r in ranked)
        return True


def _taker(kind: str, key: str) -> Callable[[tuple], bool]:
    """Whether a listing takes an article, from its (section, tags, reporters) member."""
    if kind == "section":
        return lambda member: member[0] == key
    if kind == "tag":
        return lambda member: key in member[1]
    if kind == "author":
        return lambda member: key in member[2]
    return lambda member: True


def _slots_of(member: tuple) -> list[str]:
    section, tags, authors = member
    return [siteindex.slot("section", section), siteindex.slot("latest", "latest"),
            *(siteindex.slot("tag", slug) for slug in tags),
            *(siteindex.slot("author", key) for key in authors)]


def index_stamp(stamp: str) -> tuple[int, str]:
    """An entry's stamp ('size:file stamp:settings') as the scan gives it."""
    size, file, _ = stamp.split(":", 2)
    return int(size), file


class _Walk:
    """One listing's articles down the site's order, newest first, until the archive
    pages (before `first`) of the edited articles among them are complete."""

    def __init__(self, slot: str, total: int, size: int, first: int):
        self.slot, self.total, self.size, self.first = slot, total, size, first
        self.takes = _taker(*slot.split(":", 1))
        self.edited: set[int] = set()
        self.members: list[int] = []  # positions, newest first
        self.pages: dict[int, range] = {}  # archive page -> which members it shows
        self.met = self.end = 0

    def add(self, position: int) -> bool:
        """Take the listing's next article; True once the walk has all it needs."""
        rank = len(self.members)
        self.members.append(position)
        if position in self.edited:
            self.met += 1
            number = (self.total - 1 - rank) // self.size + 1
            if number < self.first:
                self.pages[number] = archive_page_span(self.total, self.size, number)
                # Its links name the date ranges of the older pages near it too.
                deepest = archive_page_span(self.total, self.size,
                                            max(1, number - NEARBY_PAGES))
                self.end = max(self.end, deepest.stop)
        return self.met == len(self.edited) and len(self.members) >= self.end

    def shown(self) -> dict[int, list[int]]:
        return {number: self.members[span.start:span.stop]
                for number, span in self.pages.items()}

    def bounds(self) -> dict[int, tuple[int, int]]:
        """The oldest and newest member of each page the deep pages link to."""
        last = archive_pages(self.total, self.size)
        near = {n for page in self.pages
                for n in range(max(1, page - NEARBY_PAGES), min(last, page + NEARBY_PAGES) + 1)}
        spans = {n: archive_page_span(self.total, self.size, n) for n in near}
        return {n: (self.members[span.stop - 1], self.members[span.start])
                for n, span in spans.items()}


class Part:
    """The part of the site a build plans: which pages and files the change reaches,
    and how the records, the site index and the fingerprint follow, as the whole plan
    would leave them."""

    def __init__(self, window: _Window, new: list[Article], old: dict[int, Article],
                 options: BuildOptions, fingerprint: str):
        self.window, self.new, self.old = window, new, old
        self.options, self.fingerprint = options, fingerprint
        self.edited = {p: old[p] for p in window.found.edited}  # with lead-image digests
        self.cache = window.cache

    def reach(self) -> pages.Reach:
        """The new articles' pages and those whose related lists name an edited one; the
        sitemap from its stored tail on (for an edit, only the news sitemap)."""
        shown = self.new + [self.old[p] for p in self.window.wanted.related]
        return pages.Reach(tuple(shown), None if self.edited else self._kept_sitemap())

    def _kept_sitemap(self) -> KeptSitemap:
        index = self.window.index
        earlier, tail, fronts = index.sitemap
        return KeptSitemap(tuple(map(siteindex.entry_from, earlier)),
                           tuple(map(siteindex.entry_from, tail)),
                           {plain[0]: siteindex.entry_from(plain) for plain in fronts},
                           tuple(self._front_order()), tuple(self.new))

    def _front_order(self) -> list[str]:
        """Every listing's front page URL, in the site model's order."""
        index, config = self.window.index, self.window.config
        tags = set(index.tag_names) | {t.slug for a in self.new for t in a.tags}
        return [listing_heading(config, kind, key, "")[1]
                for kind, key in listing_slots(config, tags, self.window.data.authors)]

    def record(self, model: SiteModel, sitemaps: list) -> tuple[int, tuple[Moment, ...],
                                                                list[list]]:
        """Keep the records and the site index, log what was published; how many
        articles the site has, its upcoming moments and its unpublished rows."""
        moments, unpublished = self._remember(model, self.fingerprint, sitemaps)
        options = self.options
        if publishlog.wanted(options):
            revised = self.window.found.revised
            publishlog.append(options.site_dir, self.window.now, [
                *((publishlog.PUBLISHED, a, a.url) for a in self.new),
                *((publishlog.UPDATED, a, a.url) for a in self.edited.values()
                  if a.source in revised)])
        return len(self.window.index.order) + len(self.new), moments, unpublished

    def new_image_files(self, assets) -> dict[str, str]:
        """The new articles' lead-image variants, with their static keys."""
        sets = assets.images.sets
        found = {}
        for article in self.new:
            image_set = sets.get(article.image) if article.image else None
            for variant in (*image_set.webp, *image_set.fallback) if image_set else ():
                rel = variant.url.lstrip("/")
                found[rel] = static_key(assets.files[rel])
        return found

    def kept_index(self) -> indexing.KeptIndex | None:
        """The search index's docs this build adds or edits, on top of the last build's."""
        index = self.window.index
        if not self.window.config.search:
            return None
        if not isinstance(self.cache.value(indexing.VERSION), int):
            raise _Declined
        count = len(index.order)
        added = sorted(self.new, key=attrgetter("date", "url"))
        docs = {self._doc_id(p, article): article for p, article in self.edited.items()}
        docs.update(enumerate(added, count))
        recent = count + len(added) - search.base_end(count + len(added))
        shown = self.new + [self.old[p] for p in sorted(self.old)]
        return indexing.KeptIndex(count, docs, siteindex.newest_by_id(shown, recent),
                                  index.search_codes)

    def _doc_id(self, position: int, article: Article) -> int:
        """The article's search doc id: how many articles come before it by (date, URL)."""
        dates = self.window.index.dates[::-1]  # oldest first
        moment = article.date.timestamp()
        before, through = bisect_left(dates, moment), bisect_right(dates, moment)
        count = len(dates)
        same = [self.old.get(count - 1 - at) for at in range(before, through)]
        if None in same:
            raise _Declined  # another article of the same minute that this build did not read
        return before + sum(1 for other in same if other.url < article.url)

    def _remember(self, model: SiteModel, fingerprint: str,
                  sitemaps: list) -> tuple[tuple[Moment, ...], list[list]]:
        """The records, the site index and the fingerprint, as the whole plan leaves them;
        the upcoming moments and unpublished rows."""
        window, index, config = self.window, self.window.index, self.window.config
        context, rows = window.rows
        read = {e.path for e in window.found.entries}  # a live page's own file was not
        articlestore.keep_new(self.cache, context, rows, window.found.entries,
                              [a for a in [*window.found.articles, *window.found.edited.values()]
                               if a.source in read])
        limit = config.sitemap_limit
        fronts = 1 + len(model.pages) + len(self._front_order())
        sitemap = self._edited_sitemap() if self.edited else siteindex.sitemap_state(
            sitemaps, fronts, limit, len(index.sitemap[0]) * limit)
        totals = dict(index.totals)
        for listing in model.listings:
            totals[siteindex.slot(listing.kind, listing.key)] = listing.total
        tag_names = dict(index.tag_names)
        for listing in model.listings:
            if listing.kind == "tag":
                tag_names.setdefault(listing.key, listing.title[1:])
        order = [a.source for a in self.new] + index.order
        codes = index.search_codes + indexing.section_codes(
            sorted(self.new, key=attrgetter("date", "url")), model)
        codes = codes[len(codes) - len(order) % search.BLOCK:] if len(order) % search.BLOCK \
            else []
        unpublished = self._unpublished()
        rescanned = dict(index.rescanned)
        rescanned.update((e.path, index_stamp(e.stamp)) for e in window.found.entries)
        rescanned.update(window.found.stamps)
        siteindex.save_changes(self.cache, replace(
            index, fingerprint=fingerprint, added=index.added + len(self.new),
            rescanned=rescanned, related_added=index.related_added + self._new_related(model),
            order=order,
            members=[siteindex.members_of(a) for a in self.new] + index.members,
            dates=[a.date.timestamp() for a in self.new] + index.dates,
            newest=self.new[0].date.isoformat() if self.new else index.newest,
            totals=totals, tag_names=tag_names,
            sitemap=sitemap, search_codes=codes, unpublished=unpublished))
        moments = self._upcoming()
        remember_build(self.cache, fingerprint, moments, len(order))
        return moments, unpublished

    def _unpublished(self) -> list[list]:
        """The last build's drafts and scheduled articles still so, and the new and
        edited ones that are (a preview build shows them; others hold none)."""
        now = self.window.now
        changed = [*self.new, *self.edited.values()]
        urls = {a.url for a in changed}
        kept = [row for row in self.window.index.unpublished
                if row[0] not in urls and (row[1] == "draft" or row[3] > now.timestamp())]
        return sorted(kept + unpublished_rows(changed, now), key=lambda row: -row[3])

    def _new_related(self, model: SiteModel) -> list[tuple[int, ...]]:
        """The new articles' related lists, oldest first, as positions in the site's
        order oldest first: an old article keeps its position, new ones follow."""
        count = len(self.window.index.order)
        position = {id(article): count - 1 - p for p, article in self.old.items()}
        position.update((id(a), count + n) for n, a in enumerate(reversed(self.new)))
        return [tuple(position[id(r)] for r in model.related.get(a.url, ()))
                for a in reversed(self.new)]

    def _edited_sitemap(self) -> tuple:
        """The stored sitemap tail with the edited articles' new digests."""
        earlier, tail, fronts = self.window.index.sitemap
        digests = {a.url: a.digest for a in self.edited.values()}
        tail = [(loc, lastmod, digests.get(loc, stamp), image)
                for loc, lastmod, stamp, image in tail]
        return earlier, tail, fronts

    def _upcoming(self) -> tuple[Moment, ...]:
        """As the whole plan's: the last build's moments, with the new articles' and the
        edited ones' (an edit keeps the dates, see _moved) in place of their old ones."""
        now = self.window.now
        sources = {a.source for a in [*self.new, *self.edited.values()]}
        kept = [m for m in self.window.last.upcoming if m.source not in sources]
        return tuple(sorted([*kept, *upcoming([*self.new, *self.edited.values()], now,
                                              False, False)],
                            key=lambda m: (m.when, m.source, m.action)))
