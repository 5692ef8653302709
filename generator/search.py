"""The static search index: published articles as Pagefind records, written as files.

Each article becomes one Pagefind record: its headline, deck and body text,
then, after an invisible separator, the nouns Korean hides inside longer
words (see korean.py), so `데이터` finds `AI데이터` while excerpts still come
from the article's own text. Pagefind turns the records into a folder of
small files (`pagefind/`) that the search page loads piece by piece; no
server is needed at read time.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from generator.model import Article, Config

BUNDLE = "pagefind"
# One Pagefind filter per section, each with one value: see canonical_filter_order.
FILTER_PREFIX = "section-"
FILTER_VALUE = "1"
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
    section_slug: str
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
                        section_slug=article.section.slug, date=f"{date:%Y.%m.%d %H:%M}",
                        timestamp=int(date.timestamp()), content=content)


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
            files[rel] = path.read_bytes()
    shutil.rmtree(work_dir, ignore_errors=True)
    slugs = sorted({r.section_slug for r in records})
    files = canonical_filter_order(files, [FILTER_PREFIX + s for s in slugs])
    return {f"{BUNDLE}/{rel}": content for rel, content in sorted(files.items())}


def canonical_filter_order(files: dict[str, bytes], names: list[str]) -> dict[str, bytes]:
    """Put the filters of Pagefind's meta file in name order, renaming it to match.

    Pagefind lists filters in hash-map order, different on every run, so two
    builds of the same site would differ in the meta file, its name and the
    entry file. Each filter here has one value, so its own file is stable;
    the list in the meta file is reordered in place (same bytes, other order).
    If the layout is not the one expected, the files are returned unchanged.
    """
    meta_rel = next((rel for rel in files if rel.endswith(".pf_meta")), None)
    if meta_rel is None or "pagefind-entry.json" not in files:
        return files
    raw = gzip.decompress(files[meta_rel])
    hashes = [rel[len("filter/"):-len(".pf_filter")] for rel in files
              if rel.startswith("filter/")]
    pairs = []
    for name in names:
        for digest in hashes:
            encoded = b"\x82" + _cbor_text(name) + _cbor_text(digest)
            at = raw.find(encoded)
            if at >= 0:
                pairs.append((at, name, encoded))
    pairs.sort()
    start = pairs[0][0] if pairs else 0
    end = start + sum(len(p[2]) for p in pairs)
    if len(pairs) != len(hashes) or raw[start:end] != b"".join(p[2] for p in pairs):
        return files
    ordered = raw[:start] + b"".join(p[2] for p in sorted(pairs, key=lambda p: p[1])) + raw[end:]
    old = meta_rel[len("pagefind."):-len(".pf_meta")]
    new = old.split("_")[0] + "_" + hashlib.sha256(ordered).hexdigest()[:len(old.split("_")[-1])]
    result = {rel: content for rel, content in files.items() if rel != meta_rel}
    result[f"pagefind.{new}.pf_meta"] = gzip.compress(ordered, mtime=0)
    entry = files["pagefind-entry.json"].decode("utf-8")
    result["pagefind-entry.json"] = entry.replace(f'"{old}"', f'"{new}"').encode("utf-8")
    return result


def _cbor_text(text: str) -> bytes:
    """A CBOR text string (major type 3), as Pagefind writes them."""
    data = text.encode("utf-8")
    if len(data) < 24:
        return bytes([0x60 + len(data)]) + data
    if len(data) < 256:
        return bytes([0x78, len(data)]) + data
    return bytes([0x79]) + len(data).to_bytes(2, "big") + data


def record_html(record: SearchRecord, language: str) -> str:
    """One record as the HTML Pagefind reads: metadata outside the indexed body."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in record.content.split("\n"))
    return (f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
            f"<title>{escape(record.title)}</title></head><body>"
            f'<header><span data-pagefind-meta="title">{escape(record.title)}</span>'
            f'<span data-pagefind-meta="section">{escape(record.section)}</span>'
            f'<span data-pagefind-filter="{FILTER_PREFIX}{escape(record.section_slug)}">'
            f"{FILTER_VALUE}</span>"
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
