"""A live page's entries: one Markdown file per entry, in a folder beside the article.

`content/local/typhoon.md` with `live: true` takes its entries from
`content/local/typhoon.live/*.md`; each entry has `time` (required), and
optional `author` and `title`, then its text. One file per entry lets several
reporters add entries at once without editing the same file. The content scan
lists entry files like any other, so every way of noticing a change notices
them; they are never articles themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from generator.core.errors import Problem
from generator.sources.content import open_document, source_digest

LIVE_SUFFIX = ".live"
ENTRY_KEYS = ("time", "author", "title")
LIVE_FOLDER = re.compile(r"/[^/]+\.live/")


@dataclass(frozen=True, slots=True)
class EntrySource:
    """One entry file, checked: its time, byline, title and Markdown text."""

    path: str
    time: datetime
    author: str | None
    title: str | None
    body: str
    digest: str
    time_line: int | None = None
    warnings: tuple[Problem, ...] = ()


def is_live_entry(rel: str) -> bool:
    """Whether a content file is a live page's entry rather than an article."""
    return LIVE_FOLDER.search(rel) is not None


def article_of(entry_rel: str) -> str:
    """The article file an entry file belongs to: 'x.live/0930.md' -> 'x.md'."""
    match = LIVE_FOLDER.search(entry_rel)
    return entry_rel[: match.end() - 1 - len(LIVE_SUFFIX)] + ".md"


def parse_entry(rel: str, raw: bytes, tz: ZoneInfo) -> EntrySource | list[Problem]:
    """Validate one entry file, or return its problems."""
    opened = open_document(rel, raw, tz, "is too big for a live entry")
    if isinstance(opened, list):
        return opened
    document, checker = opened
    values = document.values
    for key in values:
        if key not in ENTRY_KEYS:
            checker.problem(str(key), "unknown key, ignored (an entry has time, author and "
                            "title)", warning=True)
    when = checker.datetime(values, "time", required=True)
    author = checker.text(values, "author")
    title = checker.text(values, "title")
    if when is None or any(not p.warning for p in checker.problems):
        return checker.problems
    return EntrySource(rel, when, author, title, document.body, source_digest(rel, raw),
                       document.lines.get("time"), (*document.warnings, *checker.problems))
