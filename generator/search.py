"""The static search index: published articles as Pagefind records, written as files.

Each article becomes one Pagefind record: its headline, deck and body text,
then, after an invisible separator, the nouns Korean hides inside longer
words (see korean.py), so `데이터` finds `AI데이터` while excerpts still come
from the article's own text. Pagefind turns the records into a folder of
small files (`pagefind/`) that the search page loads piece by piece; no
server is needed at read time.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from generator.model import Article, Config

BUNDLE = "pagefind"
# The search page cuts the indexed text here, so extra terms never show in an excerpt.
TERMS_SEPARATOR = "\u2063"
INDEX_FORMAT = "newsgen-search-1"
# Pagefind's own UIs and highlighter are not used: our search.js talks to pagefind.js.
UNUSED_FILES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.",
                "pagefind-highlight.")


@dataclass(frozen=True, slots=True)
class SearchText:
    """What the index holds for one article body: plain text and the hidden nouns."""

    text: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchRecord:
    url: str
    title: str
    section: str
    date: str
    timestamp: int
    content: str


def article_text(article: Article, body_html: str) -> str:
    """Headline, deck and body as plain text, the way a reader sees them."""
    return "\n".join([article.title, *article.subtitle, plain_text(body_html)])


def text_key(article: Article) -> str:
    """What decides an article's indexed text: its source bytes and the body rendering."""
    return f"{article.digest}:{article.body_key}"


def make_record(article: Article, prepared: SearchText, config: Config) -> SearchRecord:
    content = prepared.text
    if prepared.terms:
        content += f"\n{TERMS_SEPARATOR}\n" + " ".join(prepared.terms)
    date = article.date.astimezone(config.timezone)
    return SearchRecord(url=article.url, title=article.title, section=article.section.name,
                        date=f"{date:%Y.%m.%d %H:%M}", timestamp=int(date.timestamp()),
                        content=content)


def index_key(articles: tuple[Article, ...], config: Config) -> str:
    """Changes exactly when some record of the index would change."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{INDEX_FORMAT}\0{config.language}\0{config.timezone.key}\0".encode())
    for article in articles:
        digest.update(f"{article.url}\0{article.section.name}\0{article.date.isoformat()}\0"
                      f"{text_key(article)}\n".encode())
    return digest.hexdigest()


def build_index(records: list[SearchRecord], language: str, work_dir: Path) -> dict[str, bytes]:
    """Run Pagefind over the records; returns the bundle's files by path under output/.

    The records go to Pagefind as one small HTML file each, in `work_dir`
    (emptied first), because its command line indexes thousands of files in
    one run while its Python API takes a tenth of a second per record.
    """
    shutil.rmtree(work_dir, ignore_errors=True)
    pages, bundle = work_dir / "site", work_dir / "bundle"
    for record in records:
        path = pages / record.url.strip("/") / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(record_html(record, language), encoding="utf-8")
    pages.mkdir(parents=True, exist_ok=True)
    _run_pagefind(pages, bundle, language)
    files = {}
    for path in sorted(bundle.rglob("*")):
        rel = path.relative_to(bundle).as_posix()
        if path.is_file() and not rel.startswith(UNUSED_FILES):
            files[f"{BUNDLE}/{rel}"] = path.read_bytes()
    shutil.rmtree(work_dir, ignore_errors=True)
    return files


def record_html(record: SearchRecord, language: str) -> str:
    """One record as the HTML Pagefind reads: metadata outside the indexed body."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in record.content.split("\n"))
    return (f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
            f"<title>{escape(record.title)}</title></head><body>"
            f'<header><span data-pagefind-meta="title">{escape(record.title)}</span>'
            f'<span data-pagefind-meta="section" data-pagefind-filter="section">'
            f"{escape(record.section)}</span>"
            f'<span data-pagefind-meta="date">{escape(record.date)}</span>'
            f'<span data-pagefind-sort="date">{record.timestamp}</span></header>'
            f"<main data-pagefind-body>{paragraphs}</main></body></html>")


def _run_pagefind(pages: Path, bundle: Path, language: str) -> None:
    from pagefind_bin import get_executable  # imported late: only indexing builds need it

    command = [str(get_executable()), "--site", str(pages), "--output-path", str(bundle),
               "--force-language", language, "--silent"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError(detail[-1] if detail else f"pagefind exited with {done.returncode}")


class SearchIndexError(Exception):
    """Pagefind could not build the index."""


def plain_text(html: str) -> str:
    """The text of an HTML fragment, one line per block, without tags."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


class _TextParser(HTMLParser):
    BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption",
                        "blockquote", "tr", "br", "div", "pre", "dt", "dd"})
    SKIPPED = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)
