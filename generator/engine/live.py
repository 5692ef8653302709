"""Attach their entries to live pages' Articles.

An entry file is an input of its article: its page and its live.json are
keyed by the entries' digests (`Live.key`), so adding an entry renders those
two files again and nothing else. A build reads the entries of its live
pages, which are few.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from generator.core.errors import Problem
from generator.core.objects import Article, Author, Config, Live, LiveEntry
from generator.render.markdown import BodyTooLarge, render_markdown
from generator.sources.live import article_of, is_live_entry, parse_entry

TAG = re.compile(r"<[^>]+>")
BLOCK_END = re.compile(r"</(?:p|li|h\d|div|blockquote|td|th)>|<br\s*/?>")


def with_entries(config: Config, authors: dict[str, Author],
                 articles: list[Article], scan: list[tuple[str, int, str]], now: datetime,
                 problems: list[Problem]) -> list[Article]:
    """The articles, live ones with their entries (newest first) and open or closed at
    `now`; entry files without a live article are problems."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for rel, _, _ in scan:
        if is_live_entry(rel):
            grouped[article_of(rel)].append(rel)
    if not grouped and not any(a.live is not None for a in articles):
        return articles
    known = {a.source: a for a in articles}
    for owner, files in sorted(grouped.items()):
        article = known.get(owner)
        if article is None or article.live is None:
            problems.append(_orphan(owner, files[0], article is not None))
    return [article if article.live is None else _attach(
        config, authors, article, grouped.get(article.source, []), now, problems)
        for article in articles]


def next_change(articles: list[Article], now: datetime) -> list[datetime]:
    """The times at which a live page's coverage ends by its `coverage_end`."""
    return [a.live.end for a in articles if a.live is not None and a.live.end is not None
            and a.live.end > now]


def _orphan(owner: str, first: str, exists: bool) -> Problem:
    if exists:
        return Problem(first, None, None, f"is a live entry, but {owner} has no 'live:' line: "
                       "add 'live: true' to it to show its entries", warning=True)
    return Problem(first, None, None, f"is a live entry, but its article {owner} is missing "
                   "or invalid")


def _attach(config: Config, authors: dict[str, Author], article: Article, files: list[str],
            now: datetime, problems: list[Problem]) -> Article:
    is_open = article.live.open and (article.live.end is None or article.live.end > now)
    digest = hashlib.blake2b(str(is_open).encode(), digest_size=12)
    entries = []
    for rel in files:
        found = _read_entry(config, authors, article, rel)
        if isinstance(found, list):
            problems.extend(found)
            digest.update(f"\0{rel}\0".encode())
            continue
        problems.extend(found.warnings)
        entries.append(found)
        digest.update(f"\0{rel}\0{found.digest}".encode())
    entries.sort(key=lambda e: (e.time, e.source), reverse=True)
    live = Live(is_open, article.live.end, tuple(e.entry for e in entries), digest.hexdigest())
    return replace(article, live=live)


class _Parsed:
    """An entry as made from its file, with the digest of the file's bytes."""

    __slots__ = ("entry", "digest", "time", "source", "warnings")

    def __init__(self, entry: LiveEntry, digest: str, warnings: tuple[Problem, ...]):
        self.entry, self.digest, self.warnings = entry, digest, warnings
        self.time, self.source = entry.time, entry.source


def _read_entry(config: Config, authors: dict[str, Author], article: Article,
                rel: str) -> _Parsed | list[Problem]:
    try:
        raw = (config.site_dir / rel).read_bytes()
    except OSError as error:
        return [Problem(rel, None, None, f"cannot read: {error.strerror}")]
    source = parse_entry(rel, raw, config.timezone)
    if isinstance(source, list):
        return source
    if source.time < article.date:
        return [Problem(rel, source.time_line, "time", "is earlier than its article's date")]
    try:
        body = render_markdown(source.body, config.raw_html, config.base_path,
                               config.embed_hosts)
    except BodyTooLarge as error:
        return [Problem(rel, None, "body", str(error))]
    reporter = authors.get(source.author) if source.author else None
    text = " ".join(html.unescape(TAG.sub("", BLOCK_END.sub(" ", body.html))).split())
    entry = LiveEntry(rel, source.time, body.html, text,
                      reporter.name if reporter else source.author, source.title)
    return _Parsed(entry, source.digest, source.warnings)
