"""The Articles of the last build, kept by content folder, for `newsgen build`.

Without it a one-shot build makes every Article again before its first page:
it reads every cached entry one row at a time, rebuilds its front matter and
validates it against the sections and reporters, so publishing one article
costs as much as reading the whole archive. Here each
content folder's valid Articles are one record, made from the same entries
and the same config and data (the record says which), so a build reads a few
dozen records and makes Articles only for the files whose stamp changed.

A file with warnings or problems is never kept: it is read on every build,
so its messages repeat. Like the rest of the cache, a record is sealed with
a digest of its bytes and skipped when it does not match or was made under
other settings, so this changes nothing but speed.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from generator.core.errors import Problem
from generator.core.objects import Article, Author, Config, Live, SourceEntry
from generator.engine.cache import Cache, seal, unseal
from generator.engine.reading import read_settings, read_sources
from generator.sources.content import made_corrections, named_tag

ROW_FORMAT = "articles/2"
MakeArticle = Callable[[SourceEntry], Article | None]


@dataclass(frozen=True, slots=True)
class ReadArticles:
    """Every valid Article of the scanned files, by path, and what the build needs besides."""

    articles: list[Article]
    image_lines: dict[str, int | None]  # the `image:` line of each article's file
    parsed: int  # files parsed again (their stamps changed and so did their bytes)


def read_articles(config: Config, data_digest: str, authors: dict[str, Author], cache: Cache,
                  scan: list[tuple[str, int, int]], problems: list[Problem],
                  make: MakeArticle, workers: int | None = None) -> ReadArticles:
    """The scanned files' Articles: kept ones from their folders' records, the rest
    made from entries (parsing the files that changed); records are brought up to date."""
    context = _context(config, data_digest)
    kept = _load(cache, context)
    settings = read_settings(config)
    rebuild = _Rebuilder(config, authors)
    articles, image_lines, rows, stale = {}, {}, {}, []
    for rel, size, mtime in scan:
        row = kept.get(rel)
        article = rebuild(row) if row is not None and row[1] == row_stamp(size, mtime, settings) \
            else None
        if article is None:
            stale.append((rel, size, mtime))
        else:
            articles[rel], image_lines[rel], rows[rel] = article, row[2], row
    # Without records, every cached entry is read at once, as read_sources always did.
    known = cache.sources_at([rel for rel, _, _ in stale], config.timezone) if kept else None
    entries, parsed, cached = read_sources(config, cache, stale, problems, workers, known)
    gone = sorted(kept.keys() - {rel for rel, _, _ in scan})
    cache.forget_sources(gone)
    for entry in entries:
        article = make(entry)
        image_lines[entry.path] = entry.meta.lines.get("image")
        if article is not None:
            articles[entry.path] = article
            if cached.get(entry.path) is entry:  # no warnings: it may be kept
                rows[entry.path] = _row(article, entry.stamp, image_lines[entry.path])
    changed = None if not kept else {_folder(rel) for rel, _, _ in stale} | {
        _folder(rel) for rel in gone}
    _save(cache, context, rows, changed)
    ordered = [articles[rel] for rel in sorted(articles)]
    return ReadArticles(ordered, image_lines, parsed)


def kept_rows(cache: Cache, config: Config, data_digest: str,
              paths: list[str]) -> tuple[str, dict[str, tuple]]:
    """The records' context for this config and data, and the rows made under it of the
    folders holding these paths, by path."""
    context = _context(config, data_digest)
    return context, _load(cache, context, sorted({_folder(rel) for rel in paths}))


def rebuilder(config: Config, authors: dict[str, Author]) -> Callable[[tuple], Article | None]:
    """Articles from kept rows (None for a row of another shape)."""
    return _Rebuilder(config, authors)


def row_stamp(size: int, mtime: int, settings: str) -> str:
    """What a row holds of its file: it stands for the file while this matches its scan."""
    return f"{size}:{mtime}:{settings}"


def keep_new(cache: Cache, context: str, rows: dict[str, tuple], entries: list[SourceEntry],
             articles: list[Article]) -> None:
    """Add the rows of new files' Articles (made from these entries, without warnings)
    to their folders' records; `rows` are all rows kept so far, by path."""
    lines = {entry.path: entry.meta.lines.get("image") for entry in entries}
    stamps = {entry.path: entry.stamp for entry in entries}
    for article in articles:
        rows[article.source] = _row(article, stamps[article.source], lines[article.source])
    _save(cache, context, rows, {_folder(article.source) for article in articles})


def _context(config: Config, data_digest: str) -> str:
    """What an Article depends on besides its file: sections, permalink, reporters…"""
    parts = [ROW_FORMAT, config.digest, data_digest, read_settings(config)]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def _folder(rel: str) -> str:
    return rel.rpartition("/")[0]


def _load(cache: Cache, context: str, folders: list[str] | None = None) -> dict[str, tuple]:
    """The kept rows by path, from every record (or these folders') made under this context."""
    rows = {}
    records = cache.article_records() if folders is None else cache.article_records_at(folders)
    for record in records:
        payload = unseal(record)
        try:
            made_under, chunk = marshal.loads(payload) if payload is not None else ("", [])
        except (ValueError, EOFError, TypeError):
            continue
        if made_under == context and isinstance(chunk, list):
            rows.update((row[0], row) for row in chunk)
    return rows


def _save(cache: Cache, context: str, rows: dict[str, tuple],
          changed: set[str] | None) -> None:
    """Write the record of each changed folder (None: of every folder, replacing all)."""
    folders: dict[str, list[tuple]] = {folder: [] for folder in changed or ()}
    for rel, row in rows.items():
        folder = _folder(rel)
        if changed is None or folder in folders:
            folders.setdefault(folder, []).append(row)
    records = {folder: seal(marshal.dumps((context, sorted(found)))) if found else None
               for folder, found in folders.items()}
    cache.put_article_records(records, replace_all=changed is None)


def _row(article: Article, stamp: str, image_line: int | None) -> tuple:
    """An Article as plain values: marshal loads these several times faster than pickle
    loads the objects."""
    a = article
    authors = tuple((author.key, author.name) for author in a.authors)
    return (a.source, stamp, image_line, a.section.slug, a.title, a.subtitle,
            a.date.isoformat(), a.updated.isoformat() if a.updated else None, authors,
            tuple(tag.name for tag in a.tags), a.summary, a.image, a.image_alt,
            a.image_caption, a.slug, a.draft, a.aliases, a.url, a.body_key, a.digest,
            a.expires.isoformat() if a.expires else None,
            a.kind, a.agency, a.legacy_id,
            tuple((c.date.isoformat(), c.type, c.text) for c in a.corrections),
            None if a.live is None else (a.live.open, a.live.end.isoformat()
                                         if a.live.end else None))


class _Rebuilder:
    """Articles from rows, sharing one tuple of reporters or tags among the articles
    that name the same ones, as make_article's tags do."""

    def __init__(self, config: Config, authors: dict[str, Author]):
        self.timezone = config.timezone
        self.sections = {section.slug: section for section in config.sections}
        self.authors = authors
        self.bylines: dict[tuple, tuple[Author, ...]] = {}
        self.tag_sets: dict[tuple, tuple] = {}

    def __call__(self, row: tuple) -> Article | None:
        """The row's Article; None for a row of another shape, whose file is read again."""
        try:
            return self._article(row)
        except (ValueError, TypeError, KeyError):
            return None

    def _article(self, row: tuple) -> Article:
        (source, _, _, section, title, subtitle, date, updated, authors, tags, summary,
         image, image_alt, image_caption, slug, draft, aliases, url, body_key, digest,
         expires, kind, agency, legacy_id, corrections, live) = row
        byline = self.bylines.get(authors)
        if byline is None:
            byline = self.bylines[authors] = tuple(
                self.authors[key] if key is not None else Author(None, name)
                for key, name in authors)
        tag_set = self.tag_sets.get(tags)
        if tag_set is None:
            tag_set = self.tag_sets[tags] = tuple(map(named_tag, tags))
        timezone = self.timezone
        return Article(source, self.sections[section], title, subtitle, _moment(timezone, date),
                       _moment(timezone, updated) if updated else None, byline, tag_set,
                       summary, image, image_alt, image_caption, slug, draft, aliases, url,
                       body_key, digest, _moment(timezone, expires) if expires else None,
                       kind, agency, legacy_id, made_corrections(corrections, timezone),
                       None if live is None else Live(live[0], live[1] and _moment(
                           timezone, live[1])))


def _moment(timezone, text: str) -> datetime:
    """As the cache's entries give dates: in the site's time zone."""
    return datetime.fromisoformat(text).astimezone(timezone)
