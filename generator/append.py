"""A one-shot build that only adds articles newer than all others, planned from the site index.

This is the newsroom's everyday change: publishing. Listings are numbered
from the oldest article, the sitemap and the search index list the oldest
first, and related lists look only at older articles, so such a build
changes only the newest end of each: the new articles' pages, the front and
last few pages of the listings they join, the shared boxes and the pages
showing them inline, the feeds, the sitemap's newest part and index, the
news sitemap, and the search index's new doc files, recent/ postings,
last sections/ block and meta.json. It makes Articles for the few hundred
articles those show, from the cache's records, and takes every other file's
key from the manifest, instead of making 100,000 Articles and 240,000 page
plans.

Anything else (an edit, a deletion, a back-dated or draft article, one with
aliases or with problems, a listing growing its first archive pages, the
search index moving a block into base/, a change to anything but content/)
returns None, and the full build runs as always. Its output is the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from operator import attrgetter
from types import MappingProxyType
from typing import NamedTuple

from generator import articlestore, indexing, korean, pages, search, siteindex, unchanged
from generator.assets import collect_assets
from generator.build import (
    BodyStore,
    BuildOptions,
    _global_key,
    _page_renderer,
    _stamp,
    make_one_article,
    render_pages,
)
from generator.cache import Cache
from generator.errors import BuildFailed, Problem
from generator.images import make_images, with_image_digests
from generator.model import Article, Config, Listing, SiteModel, SourceEntry
from generator.output import OutputWriter, relative_file
from generator.session import Session, SiteInputs
from generator.site import (
    NEARBY_PAGES,
    RELATED_COUNT,
    RELATED_WINDOW,
    archive_pages,
    check_unique_urls,
    newest_pages,
    related_positions,
    reserved_owners,
    resolve_related,
    select_published,
)
from generator.sitemap import (
    NEWS_LIMIT,
    NEWS_WINDOW,
    Entry,
    article_entry,
    front_entry,
    home_entry,
    sitemap_files,
)
from generator.sources import read_sources

MAX_NEW = 20  # more new files than this: the full build


def append_build(options: BuildOptions, config: Config, data, inputs: SiteInputs, cache: Cache,
                 now: datetime, fingerprint: str, context: str,
                 changed_output: Callable[[], set[str] | None]) -> tuple | None:
    """Publish the new articles: (articles, written, unchanged, parsed, rendered), or None
    when this build is not one that only adds them."""
    index = siteindex.load(cache)
    due = _due(cache, index, now) if index is not None and index.context == context else False
    if due is False:
        return None
    added = _added_files(index.scan, inputs.scan)
    count = len(index.order)
    if not added or len(added) > MAX_NEW or (
            config.search and search.base_end(count + len(added)) != search.base_end(count)):
        return None
    found = _new_articles(config, data, cache, added, index, now, options)
    if found is None:
        return None
    plan = _Plan.make(config, data, cache, index, found, now, due)
    if plan is None:
        return None
    changed = changed_output()
    if changed is None or changed:
        return None  # output/ is not as the last build left it: the full build mends it
    return plan.write(options, inputs, fingerprint)


def _due(cache: Cache, index: siteindex.SiteIndex, now: datetime) -> datetime | None | bool:
    """When the last build said the site changes by the clock next (None: never), if the
    index is that build's and that is still to come; else False."""
    saved = cache.value(unchanged.FINGERPRINT)
    if not (isinstance(saved, list) and len(saved) == 3 and saved[0] == index.fingerprint):
        return False
    due = datetime.fromisoformat(saved[1]) if saved[1] else None
    return False if due is not None and now >= due else due


def _added_files(before: list, now: list) -> list | None:
    """The files scanned now and not before, if no other file changed or went away."""
    known = {rel: (size, mtime) for rel, size, mtime in before}
    added = []
    for rel, size, mtime in now:
        held = known.pop(rel, None)
        if held is None:
            added.append((rel, size, mtime))
        elif held != (size, mtime):
            return None
    return None if known else added


class _Found(NamedTuple):
    articles: list[Article]  # newest first, as made (before lead-image digests)
    entries: list[SourceEntry]
    parsed: int


def _new_articles(config: Config, data, cache: Cache, added: list, index, now: datetime,
                  options: BuildOptions) -> _Found | None:
    """The new files' Articles, newest first; None unless each is valid, without warnings
    or aliases, published, and newer than every other."""
    problems = []
    known = cache.sources_at([rel for rel, _, _ in added], config.timezone)
    entries, parsed, _ = read_sources(config, cache, added, problems, 1, known)
    made = [make_one_article(config, dict(data.authors), problems, e) for e in entries]
    if problems or len(made) != len(added) or None in made:
        return None  # the full build reports them, as always
    published = select_published(made, now, options.drafts, options.future)
    newest = datetime.fromisoformat(index.newest) if index.newest else None
    if len(published) != len(made) or any(a.aliases for a in published) or (
            newest is not None and any(a.date <= newest for a in published)):
        return None
    # Among themselves as the full build checks them; against the site, by the files
    # output/ holds: any page, alias or listing at a new URL would clash with it.
    if check_unique_urls(published, config, reserved_owners(config)) or cache.keys_at(
            [relative_file(a.url) for a in published]):
        return None
    return _Found(published, entries, parsed)


class _Plan:
    """The part of the site the new articles reach: the old Articles it shows, by their
    position in the site's order, and the positions each listing shows."""

    def __init__(self, config: Config, data, cache: Cache, index, found: _Found,
                 moments: tuple[datetime, datetime | None], rows: tuple[str, dict],
                 old: dict[int, Article], positions: dict[str, list[int]]):
        self.config, self.data, self.cache, self.index = config, data, cache, index
        self.found, self.rows = found, rows
        self.now, self.due = moments
        self.old, self.positions = old, positions

    @classmethod
    def make(cls, config: Config, data, cache: Cache, index, found: _Found, now: datetime,
             due: datetime | None) -> _Plan | None:
        wanted = _Wanted(config, index, found.articles, now)
        positions = wanted.listings()
        if positions is None:
            return None
        shown = sorted(wanted.site.union(*positions.values()))
        context, rows = articlestore.kept_rows(cache, config, data.digest, [
            *(index.order[p] for p in shown), *(a.source for a in found.articles)])
        rebuild = articlestore.rebuilder(config, dict(data.authors))
        old = {}
        for position in shown:
            row = rows.get(index.order[position])
            article = rebuild(row) if row is not None else None
            if article is None:
                return None
            old[position] = article
        return cls(config, data, cache, index, found, (now, due), (context, rows), old,
                   positions)

    def write(self, options: BuildOptions, inputs: SiteInputs, fingerprint: str) -> tuple | None:
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
        model = self._model(new, dict(zip(sorted(self.old), old, strict=True)))
        global_key = _global_key(self.config, self.data.digest + assets.digest, inputs.templates,
                                 options)
        return _Writer(self, model, new, assets, global_key).write(options, inputs, fingerprint)

    def _model(self, new: list[Article], old: dict[int, Article]) -> SiteModel:
        config = self.config
        newest_first = new + [old[p] for p in sorted(old)]
        by_section = {s.slug: tuple(a for a in newest_first if a.section.slug == s.slug)
                      for s in config.sections}
        listings = tuple(self._listing(slot, new, old) for slot in self.positions)
        oldest_first = newest_first[::-1]
        ranked = related_positions(oldest_first, [()] * len(old))
        related = resolve_related(oldest_first, ranked, start=len(old))
        return SiteModel(config, tuple(newest_first), MappingProxyType(by_section), listings, (),
                         MappingProxyType(dict(self.data.authors)), MappingProxyType(related),
                         dict(self.data.values), self.now)

    def _listing(self, slot: str, new: list[Article], old: dict[int, Article]) -> Listing:
        kind, key = slot.split(":", 1)
        joined = [a for a in new if _joins(a, kind, key)]
        items = tuple(joined + [old[p] for p in self.positions[slot]])
        before = self.index.totals.get(slot, 0)
        title, url = _listing_title(self.config, self.data, self.index, new, kind, key)
        size = self.config.page_size
        total = before + len(joined)
        first = _first_page(before, len(joined), size)
        return Listing(kind, key, title, url, newest_pages(url, items, size, total, first), total)


def _joins(article: Article, kind: str, key: str) -> bool:
    if kind == "section":
        return article.section.slug == key
    if kind == "tag":
        return any(t.slug == key for t in article.tags)
    if kind == "author":
        return any(a.key == key for a in article.authors)
    return True  # latest


def _first_page(before: int, joined: int, size: int) -> int:
    """The first archive page that may change when `joined` articles join a listing of
    `before`: the one the oldest of them lands on, or the first whose links reach the end."""
    return max(1, min(archive_pages(before, size) - NEARBY_PAGES, before // size + 1))


def _needed(before: int, joined: int, size: int) -> int:
    """How many of a listing's old articles its pages from _first_page on show."""
    total = before + joined
    return min(before, total - (_first_page(before, joined, size) - 1) * size - joined)


def _listing_title(config: Config, data, index, new: list[Article], kind: str,
                   key: str) -> tuple[str, str]:
    labels = config.labels
    if kind == "section":
        return config.section(key).name, f"/{key}/"
    if kind == "latest":
        return labels["latest"], "/latest/"
    if kind == "tag":
        # The spelling of the oldest use names a tag: an old one's, else the oldest new one's.
        name = index.tag_names.get(key) or next(
            t.name for a in reversed(new) for t in a.tags if t.slug == key)
        return f"#{name}", f"/tags/{key}/"
    author = data.authors[key]
    return f"{author.name} {labels['reporter']}".strip(), author.url


class _Wanted:
    """Which old articles the pages the new ones reach show, by position in index.order."""

    def __init__(self, config: Config, index, new: list[Article], now: datetime):
        self.config, self.index, self.new, self.now = config, index, new, now
        self.site = set(range(min(len(index.order), self._site_count())))

    def _site_count(self) -> int:
        """The newest articles of the site that feeds, boxes, the news sitemap and the
        search index's recent/ show."""
        config, order = self.config, self.index.order
        total = len(order) + len(self.new)
        recent = total - search.base_end(total) - len(self.new) if config.search else 0
        since, dates = (self.now - NEWS_WINDOW).timestamp(), self.index.dates
        fresh = 0
        while fresh < min(len(order), NEWS_LIMIT) and dates[fresh] >= since:
            fresh += 1
        count = max(config.latest_count, config.feed_count, fresh, recent)
        # Doc ids follow (date, URL): take every article as old as the last one needed.
        while 0 < count < len(order) and dates[count] == dates[count - 1]:
            count += 1
        return count

    def listings(self) -> dict[str, list[int]] | None:
        """Slot -> positions of the old articles each listing shows; None if a listing
        grows its first archive pages (its oldest article then starts a sitemap entry)."""
        config, index = self.config, self.index
        size = config.page_size
        slots = [siteindex.slot("section", s.slug) for s in config.sections]
        slots.append(siteindex.slot("latest", "latest"))
        slots += sorted({siteindex.slot("tag", t.slug) for a in self.new for t in a.tags})
        slots += sorted({siteindex.slot("author", a.key) for n in self.new for a in n.authors
                         if a.key})
        found = {}
        for slot in slots:
            kind, key = slot.split(":", 1)
            before = index.totals.get(slot, 0)
            joined = sum(1 for a in self.new if _joins(a, kind, key))
            if before <= size < before + joined:
                return None
            count = _needed(before, joined, size)
            if joined and kind in ("tag", "section"):
                count = max(count, RELATED_WINDOW, 2 * RELATED_COUNT)  # related candidates
            if kind == "section":
                count = max(count, config.feed_count, config.box_count)
            found[slot] = self._newest_members(kind, key, min(count, before))
        return found

    def _newest_members(self, kind: str, key: str, count: int) -> list[int]:
        found = []
        for position, (section, tags, authors) in enumerate(self.index.members):
            if len(found) >= count:
                break
            if (kind == "latest" or (kind == "section" and section == key)
                    or (kind == "tag" and key in tags) or (kind == "author" and key in authors)):
                found.append(position)
        return found


class _Writer:
    """Plan, render and write the files the new articles change; update the records,
    the site index and the fingerprint as a full build would."""

    def __init__(self, plan: _Plan, model: SiteModel, new: list[Article], assets,
                 global_key: str):
        self.plan, self.model, self.new, self.assets = plan, model, new, assets
        self.global_key = global_key
        self.cache = plan.cache

    def write(self, options: BuildOptions, inputs: SiteInputs, fingerprint: str) -> tuple:
        subjects = self._sitemaps()
        planned = self._pages(subjects)
        expected = {relative_file(p.url): f"{self.global_key}:{p.key}" for p in planned}
        copies = self._new_image_files()
        held = self.cache.keys_at([*expected, *copies])
        todo = [(relative_file(p.url), p) for p in planned
                if held.get(relative_file(p.url)) != expected[relative_file(p.url)]]
        copies = {rel: key for rel, key in copies.items() if held.get(rel) != key}
        writer = OutputWriter(options.output_dir)
        render_page = _page_renderer(Session(lasting=False), self.model, self.assets,
                                     inputs.templates)
        try:
            writer.adopt(render_pages(self.model, todo, self.cache.folder, writer, options,
                                      render_page))
            writer.adopt([rel for rel in copies
                          if writer.stage_copy(rel, self.assets.files[rel])])
            searched = self._search(writer, options.analyser)
            written = len(writer.staged)
            unchanged.forget(self.cache)  # output/ is about to change
            writer.commit([])
        except BaseException:
            writer.discard()
            raise
        expected.update(copies)
        expected.update((rel, found.key) for rel, found in searched.items())
        touched = [rel for rel, _ in todo] + list(copies) + [
            rel for rel, found in searched.items() if found.made]
        self.cache.save_manifest(_stamp(f"{options.output_dir}{os.sep}", expected, touched), [])
        self._remember(inputs, fingerprint, subjects)
        total = self.cache.manifest_count()
        return (len(self.plan.index.order) + len(self.new), written, total - written,
                self.plan.found.parsed, len(todo))

    def _pages(self, subjects: list) -> list[pages.PagePlan]:
        model = self.model
        shared = pages.shared_key(model)
        planned = pages.fixed_plans(model, shared)
        for listing in model.listings:
            planned += pages.listing_plans(listing, shared, ())
        planned += [pages.article_plan(a, model.related.get(a.url, ())) for a in self.new]
        planned += pages.feed_plans(model)
        return planned + [pages.sitemap_plan(subject) for subject in subjects]

    def _sitemaps(self) -> list:
        """The sitemap's files from its stored tail on, with the new articles' entries
        (and the archive pages they start) before the listings' front pages."""
        model, index = self.model, self.plan.index
        earlier, tail, fronts = index.sitemap
        born: dict[str, list[str]] = {}
        new = {id(a) for a in self.new}
        for listing in model.listings:
            for page in listing.pages[1:]:
                if page.articles and id(page.articles[-1]) in new:
                    born.setdefault(page.articles[-1].url, []).append(page.url)
        entries = [siteindex.entry_from(p) for p in tail]
        for article in reversed(self.new):  # oldest first
            entries.append(article_entry(article))
            entries.extend(Entry(url) for url in sorted(born.get(article.url, ())))
        fronts = self._fronts(fronts)
        self.fronts = len(fronts)
        return sitemap_files(model, entries + fronts, self.plan.config.sitemap_limit, None,
                             tuple(siteindex.entry_from(p) for p in earlier))

    def _fronts(self, stored: list) -> list[Entry]:
        """Home's and every listing's front page entry, in the site model's listing order."""
        config, model = self.plan.config, self.model
        known = {plain[0]: siteindex.entry_from(plain) for plain in stored}
        known.update((listing.url, front_entry(listing.pages[0])) for listing in model.listings)
        tags = set(self.plan.index.tag_names) | {t.slug for a in self.new for t in a.tags}
        urls = [f"/{s.slug}/" for s in config.sections] + ["/latest/"]
        urls += [f"/tags/{slug}/" for slug in sorted(tags)]
        urls += [author.url for _, author in sorted(self.plan.data.authors.items())]
        return [home_entry(model), *(known[url] for url in urls)]

    def _new_image_files(self) -> dict[str, str]:
        """The new articles' lead-image variants, with their static keys."""
        sets = self.assets.images.sets
        found = {}
        for article in self.new:
            image_set = sets.get(article.image) if article.image else None
            for variant in (*image_set.webp, *image_set.fallback) if image_set else ():
                rel = variant.url.lstrip("/")
                stat = self.assets.files[rel].stat()
                found[rel] = f"static:{stat.st_size}:{stat.st_mtime_ns}"
        return found

    def _search(self, writer: OutputWriter, analyser: korean.Analyser | None) -> dict:
        """The new doc files, recent/, the last sections/ block and meta.json."""
        model, index, cache = self.model, self.plan.index, self.cache
        if not model.config.search:
            return {}
        count, total = len(index.order), len(index.order) + len(self.new)
        keys = cache.keys_under(search.FOLDER)
        files = indexing.Files(lambda rel, key: keys.get(rel) == key, writer.stage)
        own = analyser or korean.Analyser()
        try:
            texts = indexing.TextSource(model, cache, BodyStore(model.config, cache), own)
            docs = sorted(self.new, key=attrgetter("date", "url"))
            indexing.doc_files(docs, model, texts, files, first_id=count)
            start = search.base_end(total)
            old = siteindex.newest_by_id(list(model.articles[len(self.new):]), count - start)
            files.put_by_digest(indexing.recent(old + docs, start, texts))
            codes = index.search_codes + indexing.section_codes(docs, model)
            files.put_by_digest(search.sections_files(codes, count // search.BLOCK))
            keys.pop(indexing.META_FILE, None)
            keys.update((rel, found.key) for rel, found in files.found.items())
            files.put_by_digest(indexing.meta_file(total, model, keys))
            return files.found
        except korean.AnalyserError as error:
            raise BuildFailed([Problem("search index", None, None, str(error))]) from None
        finally:
            if own is not analyser:
                own.close()

    def _remember(self, inputs: SiteInputs, fingerprint: str, subjects: list) -> None:
        """The records, the site index and the fingerprint, as the full build leaves them."""
        plan, index, config = self.plan, self.plan.index, self.plan.config
        context, rows = plan.rows
        articlestore.keep_new(self.cache, context, rows, plan.found.entries, plan.found.articles)
        limit = config.sitemap_limit
        sitemap = siteindex.sitemap_state(subjects, self.fronts, limit,
                                          len(index.sitemap[0]) * limit)
        totals = dict(index.totals)
        for listing in self.model.listings:
            totals[siteindex.slot(listing.kind, listing.key)] = listing.total
        tag_names = dict(index.tag_names)
        for listing in self.model.listings:
            if listing.kind == "tag":
                tag_names.setdefault(listing.key, listing.title[1:])
        order = [a.source for a in self.new] + index.order
        codes = index.search_codes + indexing.section_codes(
            sorted(self.new, key=attrgetter("date", "url")), self.model)
        codes = codes[len(codes) - len(order) % search.BLOCK:] if len(order) % search.BLOCK \
            else []
        siteindex.save(self.cache, replace(
            index, fingerprint=fingerprint, scan=list(inputs.scan), order=order,
            members=[siteindex.members_of(a) for a in self.new] + index.members,
            dates=[a.date.timestamp() for a in self.new] + index.dates,
            newest=self.new[0].date.isoformat(), totals=totals, tag_names=tag_names,
            sitemap=sitemap, search_codes=codes))
        unchanged.remember(self.cache, fingerprint, self._next_due(), len(order))

    def _next_due(self) -> datetime | None:
        """As the full build's: the last build's, or sooner when a new article leaves the
        news sitemap first."""
        due = [self.plan.due] if self.plan.due else []
        now = self.plan.now
        due += [a.date + NEWS_WINDOW for a in self.new if now - NEWS_WINDOW <= a.date <= now]
        return min(due, default=None)
