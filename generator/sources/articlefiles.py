"""Which scanned content files are articles.

content/ also holds standalone pages (content/pages/) and live pages' entries
(a folder `<article>.live/`): each is read by its own reader, never as an article.
"""

from __future__ import annotations

from generator.sources.live import is_live_entry
from generator.sources.pages import is_page_file


def is_article_file(rel: str) -> bool:
    # The plain test first: a build asks this of every content file.
    return not (is_page_file(rel) or ".live/" in rel and is_live_entry(rel))


def article_scan(scan: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """The scanned files that are articles."""
    return [item for item in scan if is_article_file(item[0])]
