"""The static search index: the files the search page downloads to find articles.

Terms are an article's words as written, lower-cased (`협의체는`), plus the
nouns Korean hides inside longer words (korean.py finds `데이터` in
`AI데이터`). The reader's browser matches each query word as a prefix of
terms, so `협의체` finds `협의체는`; search.js does the same splitting as
`words` below.

Files under output/search-index/; ids number the published articles from the
oldest, so a new article takes the next id and older ids never move:

  meta.json               article count, where base ends, sections, index version
  base/<key>.json         terms whose first two characters are <key>, with the
                          ids (below `base`) of the articles holding them
  recent/<bucket>.json    the same for the newest articles (fewer than SEGMENT),
                          spread over BUCKETS files by key
  sections/<block>.json   the section of every article, BLOCK ids per file
  doc/<folder>/<id>.json  headline, section, date, address and text of one article

Publishing rewrites recent/, meta.json, the last sections/ file and the new
article's doc file. base/ changes when an older article is edited, and once
every SEGMENT articles, when recent/ moves into it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass
from html import unescape
from operator import sub

from generator.core.objects import Article

FOLDER = "search-index"
FORMAT = "newsgen-search-3"
SEGMENT = 128  # articles in recent/ before they move into base/
BUCKETS = 16
BLOCK = 4096  # ids per sections/ file
PER_FOLDER = 1000  # doc files per doc/ folder
KEY_LENGTH = 2
MAX_COUNT = 9  # a term's count in one article, capped; TITLE_MARK is added in the headline
TITLE_MARK = 10

_WORD = re.compile(r"[^\W_]+")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")


@dataclass(frozen=True, slots=True)
class SearchText:
    """What the index holds for one article: shown text, hidden nouns, headline and tags."""

    text: str
    terms: tuple[str, ...]
    title: str
    tags: tuple[str, ...]


def words(text: str) -> list[str]:
    """Search terms of a text: runs of letters and digits, lower-cased, `1,860` as `1860`."""
    normal = unicodedata.normalize("NFC", text).lower()
    return _WORD.findall(_DIGIT_COMMA.sub("", normal))


def article_text(article: Article, body_html: str) -> str:
    """Deck and body as plain text, the way a reader sees them (the headline is apart)."""
    return "\n".join([*article.subtitle, plain_text(body_html)])


def analysed_text(article: Article, shown: str) -> str:
    """The text the Korean analyser reads: headline, tags and the shown text."""
    return "\n".join([article.title, " ".join(t.name for t in article.tags), shown])


def text_key(article: Article) -> str:
    """What decides an article's indexed text: its source bytes and the body rendering."""
    return f"{article.digest}:{article.body_key}"


def term_weights(prepared: SearchText) -> dict[str, int]:
    """Each term of an article and its weight: the count, capped, plus a mark if in the headline.

    A hidden noun inside a headline word (`의회` in `안양시의회`) counts as in the headline.
    """
    title = words(prepared.title)
    hidden = words(" ".join(prepared.terms))
    counts = Counter(title)
    counts.update(words(" ".join(prepared.tags)))
    counts.update(words(prepared.text))
    for term in hidden:
        counts.setdefault(term, 1)
    joined = " ".join(title)
    in_title = set(title) | {noun for noun in hidden if noun in joined}
    return {term: min(count, MAX_COUNT) + (TITLE_MARK if term in in_title else 0)
            for term, count in counts.items()}


def shard_key(term: str) -> str:
    return term[:KEY_LENGTH]


def key_name(key: str) -> str:
    """A file name for a shard key that any host serves: its code points in hex."""
    return "-".join(f"{ord(char):x}" for char in key)


def bucket(key: str) -> int:
    return sum(ord(char) for char in key) % BUCKETS


def base_file(key: str) -> str:
    return f"{FOLDER}/base/{key_name(key)}.json"


def recent_file(number: int) -> str:
    return f"{FOLDER}/recent/{number}.json"


def sections_file(block: int) -> str:
    return f"{FOLDER}/sections/{block}.json"


def doc_file(doc_id: int) -> str:
    return f"{FOLDER}/doc/{doc_id // PER_FOLDER}/{doc_id}.json"


def base_end(count: int) -> int:
    """Articles below this id are in base/; the rest, fewer than SEGMENT, in recent/."""
    return count // SEGMENT * SEGMENT


# term -> ids and weights in turn (id, weight, id, weight...), ids ascending
Postings = dict[str, "array[int] | list[int]"]


def encode_postings(postings: Postings) -> bytes:
    """Terms in order, each with its ids as gaps from the previous one, and weights."""
    return to_json({term: gap_encoded(postings[term][0::2], postings[term][1::2])
                    for term in sorted(postings)})


def gap_encoded(doc_ids, weights) -> list[int]:
    """Ascending ids as gaps from the previous one, each followed by its weight.

    map and slice assignment, not a Python loop: a common word lists most of the archive.
    """
    gaps = [doc_ids[0], *map(sub, doc_ids[1:], doc_ids[:-1])]
    merged = [0] * (2 * len(gaps))
    merged[0::2], merged[1::2] = gaps, list(weights)
    return merged


def add_postings(postings: Postings, doc_id: int, weights: dict[str, int]) -> None:
    """Add one article, newer than any already added, to postings by term.

    Arrays of 32-bit integers: a whole archive's postings fit in memory (ids
    stay far below 2**31).
    """
    for term, weight in weights.items():
        flat = postings.get(term)
        if flat is None:
            flat = postings[term] = array("i")
        flat.append(doc_id)
        flat.append(weight)


def by_shard(postings: Postings) -> dict[str, Postings]:
    """Postings grouped by shard key; emptied as it goes, to hold each posting once."""
    shards: dict[str, Postings] = {}
    for term in sorted(postings):
        shards.setdefault(shard_key(term), {})[term] = postings.pop(term)
    return shards


def group_by_key(weights: dict[int, dict[str, int]]) -> dict[str, Postings]:
    """Postings of many articles (id -> term weights), grouped by shard key."""
    postings: Postings = {}
    for doc_id in sorted(weights):
        add_postings(postings, doc_id, weights[doc_id])
    return by_shard(postings)


def recent_files(weights: dict[int, dict[str, int]]) -> dict[str, bytes]:
    """recent/: the newest articles' postings, one file per bucket (empty buckets too)."""
    buckets: list[Postings] = [{} for _ in range(BUCKETS)]
    for key, postings in group_by_key(weights).items():
        buckets[bucket(key)].update(postings)
    return {recent_file(n): encode_postings(p) for n, p in enumerate(buckets)}


def sections_files(codes: list[int], first_block: int = 0) -> dict[str, bytes]:
    """sections/: the section code of each doc id, BLOCK ids a file; `codes` start at
    the first id of block `first_block`."""
    return {sections_file(n): to_json(codes[start:start + BLOCK])
            for n, start in enumerate(range(0, len(codes), BLOCK), first_block)}


def doc_content(article: Article, url: str, date: str, shown: str) -> bytes:
    return to_json({"url": url, "title": article.title, "section": article.section.name,
                    "date": date, "text": shown})


def meta_content(count: int, sections: list[tuple[str, str]], version: str) -> bytes:
    return to_json({"format": FORMAT, "count": count, "base": base_end(count),
                    "buckets": BUCKETS, "block": BLOCK, "perFolder": PER_FOLDER,
                    "keyLength": KEY_LENGTH, "titleMark": TITLE_MARK,
                    "sections": [{"slug": slug, "name": name} for slug, name in sections],
                    "version": version})


def to_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.blake2b(digest_size=12)
    for part in parts:
        hasher.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        hasher.update(b"\0")
    return hasher.hexdigest()


def plain_text(html: str) -> str:
    """The text of an HTML fragment, one line per block, without tags.

    Regular expressions, not an HTML parser: the fragment is a body newsgen
    rendered and sanitised itself, and a parser took most of a cold build's
    search stage.
    """
    text = _SKIPPED.sub(" ", html)
    text = _BLOCK_TAG.sub("\n", text)
    text = unescape(_TAG.sub("", text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


_BLOCKS = ("p|li|h[1-6]|figcaption|blockquote|tr|br|div|pre|dt|dd|ul|ol|table|figure|hr")
_ATTRIBUTES = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""  # quoted values may hold a '>'
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCKS})(?:\s{_ATTRIBUTES})?>", re.IGNORECASE)
_SKIPPED = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->",
                      re.IGNORECASE | re.DOTALL)
_TAG = re.compile(rf"<{_ATTRIBUTES}>")
