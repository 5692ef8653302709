"""The build's search stage: the search-index/ files of the published articles.

Each article's text and hidden nouns are cached by what decides them
(korean.ANALYSER_VERSION and search.text_key), so a build analyses only new or
edited articles. The postings of base/ live in the cache, shard by shard, with
the article keys they were made from: a build patches the shards of the
articles that changed instead of making every shard again. Every file's key is
the digest of its bytes (or of what decides them), so only changed files are
written.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate
from operator import attrgetter
from typing import NamedTuple

from generator.core.errors import BuildFailed, Problem
from generator.core.objects import Article, SiteModel
from generator.engine.cache import Cache
from generator.model.urls import site_url
from generator.outputs import korean, search

STATE = "search-base"
BATCH = 500  # bodies fetched from the cache and texts analysed per round
META_FILE = f"{search.FOLDER}/meta.json"
VERSION = "search-version"  # version_of the files other than meta.json, as last built
PATCH_LIMIT = 2000  # more changed articles than this: base/ is made again from scratch

StillValid = Callable[[str, str], bool]  # whether output/ holds the file made under a key
Stage = Callable[[str, bytes], bool]  # stage a file's bytes; whether they differ from output/'s


class SearchFile(NamedTuple):
    """A search index file as the search stage left it."""

    key: str
    made: bool  # its bytes were made anew (output/ did not hold its key)
    staged: bool  # and they differ from output/'s, so they were staged


class Files:
    """The index's files, each staged as soon as it is made.

    Doc files hold every article's text: keeping their bytes until the end of
    the stage would hold the whole archive's text in memory at once.
    """

    def __init__(self, still_valid: StillValid, stage: Stage):
        self.still_valid, self.stage = still_valid, stage
        self.found: dict[str, SearchFile] = {}

    def held(self, rel: str, key: str) -> bool:
        """Whether output/ holds the file under this key; if so, it is found as it is."""
        if not self.still_valid(rel, key):
            return False
        self.found[rel] = SearchFile(key, False, False)
        return True

    def put(self, rel: str, key: str, content: bytes) -> None:
        self.found[rel] = SearchFile(key, True, self.stage(rel, content))

    def put_by_digest(self, contents: dict[str, bytes]) -> None:
        for rel, content in contents.items():
            key = "sfile:" + search.digest(content)
            if not self.held(rel, key):
                self.put(rel, key, content)


class Declined(Exception):
    """The kept index cannot be carried on: the build plans the whole site instead."""


@dataclass(frozen=True, slots=True)
class KeptIndex:
    """The last build's index as a build that plans only the part of the site a content
    change reaches goes on from it: doc ids follow (date, URL), so a publish adds
    docs at the end, and an edit that keeps an article's date keeps its id."""

    count: int  # the docs it holds
    docs: Mapping[int, Article]  # the docs this build adds or edits, by id
    recent: list[Article]  # every doc from base/'s end on, in id order, as this build has them
    codes: list[int]  # the section codes of its last sections/ block


def index_files(model: SiteModel, cache: Cache, bodies, analyser: korean.Analyser | None,
                still_valid: StillValid, stage: Stage, kept: KeptIndex | None = None,
                last_key: Callable[[str], str | None] = lambda rel: None
                ) -> tuple[dict[str, SearchFile], list[str]]:
    """The index's files, those output/ does not hold yet staged; and those to delete
    (base/ shards an edit emptied). Of every doc, or of `kept`'s docs on top of the
    last build's index (`last_key`: the key output/'s file was last written under)."""
    docs = sorted(model.articles, key=attrgetter("date", "url")) if kept is None else []
    if kept is None and not docs:
        return {}, []
    total = len(docs) if kept is None else kept.count + sum(
        1 for doc_id in kept.docs if doc_id >= kept.count)
    files = Files(still_valid, stage)
    with analysing(analyser) as own:
        texts = TextSource(model, cache, bodies, own)
        if kept is None:
            doc_files(docs, model, texts, files)
            if own is not analyser:
                # A first build has analysed every article by now: the rest reads the
                # cache, and the dictionary's memory would only add to the build's peak.
                own.release()
            BaseIndex(cache, texts).files(docs[:search.base_end(total)], files)
            files.put_by_digest(recent_and_sections(docs, model, texts))
            version, emptied = version_of((rel, f.key) for rel, f in files.found.items()), []
        else:
            emptied = _kept_files(kept, total, model, cache, texts, files)
            version = _kept_version(cache, files, emptied, last_key)
    cache.put_value(VERSION, version)
    files.put_by_digest(meta_file(total, model, version))
    return files.found, emptied


def _kept_files(kept: KeptIndex, total: int, model: SiteModel, cache: Cache,
                texts: TextSource, files: Files) -> list[str]:
    """The added and edited docs' files, their postings in base/ or recent/, and the
    last sections/ block when docs were added; the base/ shards emptied."""
    start = search.base_end(total)
    for doc_id, article in sorted(kept.docs.items()):
        doc_files([article], model, texts, files, first_id=doc_id)
    in_base = {doc_id: a for doc_id, a in kept.docs.items() if doc_id < start}
    emptied = BaseIndex(cache, texts).patch(in_base, files) if in_base else []
    if emptied is None:
        raise Declined
    if len(in_base) < len(kept.docs):
        files.put_by_digest(recent(kept.recent, start, texts))
    added = [a for doc_id, a in sorted(kept.docs.items()) if doc_id >= kept.count]
    if added:
        codes = kept.codes + section_codes(added, model)
        files.put_by_digest(search.sections_files(codes, kept.count // search.BLOCK))
    return emptied


def _kept_version(cache: Cache, files: Files, emptied: list[str],
                  last_key: Callable[[str], str | None]) -> int:
    """version_of the files, from the last build's with the marks of the changed files."""
    version = cache.value(VERSION)
    if not isinstance(version, int):
        raise Declined
    for rel, found in files.found.items():
        old_key = last_key(rel)
        version ^= file_mark(rel, found.key) ^ (
            file_mark(rel, old_key) if old_key is not None else 0)
    for rel in emptied:
        version ^= file_mark(rel, last_key(rel))
    return version


@contextmanager
def analysing(analyser: korean.Analyser | None) -> Iterator[korean.Analyser]:
    """The given analyser, or one of the block's own; its errors become the build's."""
    own = analyser or korean.Analyser()
    try:
        yield own
    except korean.AnalyserError as error:
        raise BuildFailed([Problem("search index", None, None, str(error))]) from None
    finally:
        if own is not analyser:
            own.close()


class TextSource:
    """Indexed text per article: from the cache, or read from bodies and analysed."""

    def __init__(self, model: SiteModel, cache: Cache, bodies, analyser: korean.Analyser):
        self.cache, self.bodies, self.analyser = cache, bodies, analyser
        self.analyse = korean.applies_to(model.config.language)

    @staticmethod
    def key(article: Article) -> str:
        return f"{korean.ANALYSER_VERSION}:{search.text_key(article)}"

    def texts(self, articles: list[Article]) -> dict[str, search.SearchText]:
        """By cache key; articles not cached yet are analysed (in batches) and stored."""
        known = self.cached(sorted({self.key(a) for a in articles}))
        missing = list({self.key(a): a for a in articles if self.key(a) not in known}.values())
        for fresh in self._analysed([missing[start:start + BATCH]
                                     for start in range(0, len(missing), BATCH)]):
            known.update(fresh)
        return {self.key(a): known[self.key(a)] for a in articles}

    def cached(self, keys: list[str]) -> dict[str, search.SearchText]:
        found = {}
        for key, record in self.cache.search_texts(keys).items():
            if _is_text_record(record):
                found[key] = search.SearchText(record[0], tuple(record[1]), record[2],
                                               tuple(record[3]))
        return found

    def _analysed(self, chunks: list[list[Article]]) -> Iterator[dict[str, search.SearchText]]:
        """Each chunk's texts, stored in the cache."""
        for chunk in chunks:
            self.bodies.prefetch(chunk)
            shown = [search.article_text(a, self.bodies.html(a)) for a in chunk]
            nouns = self.analyser.hidden_nouns_many(
                [search.analysed_text(a, text) for a, text in zip(chunk, shown, strict=True)]
            ) if self.analyse else [()] * len(chunk)
            yield self._store(chunk, shown, nouns)

    def _store(self, chunk: list[Article], shown: list[str],
               nouns: list[tuple[str, ...]]) -> dict[str, search.SearchText]:
        fresh = {self.key(a): search.SearchText(text, tuple(found), a.title,
                                                tuple(t.name for t in a.tags))
                 for a, text, found in zip(chunk, shown, nouns, strict=True)}
        self.cache.put_search_texts({k: [t.text, list(t.terms), t.title, list(t.tags)]
                                     for k, t in fresh.items()})
        return fresh


def _is_text_record(record) -> bool:
    return (isinstance(record, list) and len(record) == 4 and isinstance(record[0], str)
            and isinstance(record[2], str)
            and all(isinstance(v, str) for part in (record[1], record[3]) for v in part))


def doc_files(docs: list[Article], model: SiteModel, texts: TextSource, files: Files,
              first_id: int = 0) -> None:
    """doc/: one file per article (ids from `first_id`); texts are fetched only for
    files not in output/ yet."""
    config = model.config
    # What every doc file shows besides its article: links and dates depend on these.
    shared = search.digest(search.FORMAT, config.base_path, config.timezone.key)
    todo = []
    for doc_id, article in enumerate(docs, first_id):
        rel = search.doc_file(doc_id)
        # Plain text, no hashing: this runs for every article on every build.
        key = (f"sdoc:{shared}:{article.digest}:{article.body_key}:{article.url}:"
               f"{article.section.name}")
        if not files.held(rel, key):
            todo.append((rel, key, article))
    for start in range(0, len(todo), BATCH):
        chunk = todo[start:start + BATCH]
        known = texts.texts([article for _, _, article in chunk])
        for rel, key, article in chunk:
            shown = known[texts.key(article)].text
            files.put(rel, key, search.doc_content(article, site_url(config, article.url),
                                                   _date(article, config), shown))


def _date(article: Article, config) -> str:
    return f"{article.date.astimezone(config.timezone):%Y.%m.%d %H:%M}"


class BaseIndex:
    """base/: postings of the articles below search.base_end, kept in the cache."""

    def __init__(self, cache: Cache, texts: TextSource):
        self.cache, self.texts = cache, texts
        self.old_keys: list[str] | None = None  # what the cached shards were made from

    def files(self, docs: list[Article], files: Files) -> None:
        keys = [self.texts.key(a) for a in docs]
        changed = self._patch(docs, keys) if self._can_patch(keys) else None
        if changed is None or not self._put(changed, keys, files):
            self._put(self._remake(docs), keys, files)

    def patch(self, edited: dict[int, Article], files: Files) -> list[str] | None:
        """files() for a base whose docs are last build's but for these, by doc id, staging
        only the shards that changed: the files of those now empty, to delete; None
        (nothing done) if the shards would have to be made again from every doc."""
        state = self.cache.value(STATE)
        if not (isinstance(state, list) and len(state) == 2 and state[0] == search.FORMAT
                and all(doc_id < len(state[1]) for doc_id in edited)):
            return None
        self.old_keys, keys = state[1], list(state[1])
        for doc_id, article in edited.items():
            keys[doc_id] = self.texts.key(article)
        changed = self._patch(edited, keys)
        if changed is None:
            return None
        self._put(changed, keys, files, every=False)
        return [search.base_file(name) for name, data in changed.items() if data is None]

    def _put(self, changed: dict[str, bytes | None], keys: list[str], files: Files,
             every: bool = True) -> bool:
        """Stage the changed shards, and (`every`) those output/ lacks though they did not
        change; shards that became empty (None) are left out of output/. False (nothing
        staged) when one of those the cache should hold fails its check."""
        if not every:
            self._keep_state(keys)
            for name, data in changed.items():
                if data is not None:
                    files.put(search.base_file(name), "sbase:" + search.digest(data), data)
            return True
        missing = {}  # shards output/ lacks though they did not change: from the cache
        listed = self.cache.search_shard_digests()
        for name, digest in listed.items():
            rel, key = search.base_file(name), "sbase:" + digest
            if name not in changed and not files.held(rel, key):
                missing[name] = key
        stored = self._stored(sorted(missing))
        if stored is None or stored.keys() != missing.keys():
            return False
        self._keep_state(keys)
        for name in listed.keys() & changed.keys():
            files.put(search.base_file(name), "sbase:" + listed[name], changed[name])
        for name, data in stored.items():
            files.put(search.base_file(name), missing[name], data)
        return True

    def _keep_state(self, keys: list[str]) -> None:
        if not self.old_keys == keys:
            self.cache.put_value(STATE, [search.FORMAT, keys])

    def _stored(self, names: list[str]) -> dict[str, bytes] | None:
        """The cached shards of these names; None if one fails its check."""
        stored = self.cache.search_shards(names)
        if any(search.digest(data) != digest for digest, data in stored.values()):
            return None
        return {name: data for name, (_, data) in stored.items()}

    def _can_patch(self, keys: list[str]) -> bool:
        state = self.cache.value(STATE)
        if not (isinstance(state, list) and len(state) == 2 and state[0] == search.FORMAT):
            return False
        self.old_keys = state[1]
        if self.old_keys == keys:
            return True
        changed = len(keys) - len(self.old_keys) + sum(
            1 for old, new in zip(self.old_keys, keys, strict=False) if old != new)
        return len(self.old_keys) <= len(keys) and changed <= PATCH_LIMIT

    def _remake(self, docs: list[Article]) -> dict[str, bytes]:
        postings: search.Postings = {}
        for start in range(0, len(docs), BATCH):
            chunk = docs[start:start + BATCH]
            known = self.texts.texts(chunk)
            for doc_id, article in enumerate(chunk, start):
                weights = search.term_weights(known[self.texts.key(article)])
                search.add_postings(postings, doc_id, weights)
        grouped = search.by_shard(postings)
        shards = {name: search.encode_postings(grouped.pop(name)) for name in list(grouped)}
        self.cache.put_search_shards({n: (search.digest(d), d) for n, d in shards.items()},
                                     replace_all=True)
        return shards

    def _patch(self, docs, keys: list[str]) -> dict[str, bytes | None] | None:
        """Take changed articles out of their old shards and put them into their new ones:
        the changed shards (None: now empty); None when the stored texts or shards do not
        allow it. `docs[i]` is doc i."""
        old = self.old_keys
        ids = [i for i, key in enumerate(keys) if i >= len(old) or old[i] != key]
        if not ids:
            return {}
        old_texts = self.texts.cached(sorted({old[i] for i in ids if i < len(old)}))
        if any(i < len(old) and old[i] not in old_texts for i in ids):
            return None
        new_texts = self.texts.texts([docs[i] for i in ids])
        fresh = {i: search.term_weights(new_texts[keys[i]]) for i in ids}
        held = {i: search.term_weights(old_texts[old[i]]) if i < len(old) else {} for i in ids}
        # Only terms whose weight changed for some article change; an edit that fixes one
        # word leaves its other terms' shards (some list most of the archive) as stored.
        terms = {t for i in ids for t in held[i].keys() | fresh[i].keys()
                 if held[i].get(t) != fresh[i].get(t)}
        fresh = {i: {t: w for t, w in weights.items() if t in terms}
                 for i, weights in fresh.items()}
        touched = {search.shard_key(t) for t in terms}
        stored = self._stored(sorted(touched))
        if stored is None:
            return None  # a damaged shard: trust nothing stored
        adding = search.group_by_key(fresh)
        shards: dict[str, bytes | None] = {}
        for name in sorted(touched):
            shard = json.loads(stored[name]) if name in stored else {}
            shards[name] = _replace(shard, set(ids), terms, adding.get(name, {}))
        self.cache.put_search_shards({n: None if d is None else (search.digest(d), d)
                                      for n, d in shards.items()})
        return shards


def _replace(shard: dict[str, list[int]], ids: set[int], terms: set[str],
             adding: search.Postings) -> bytes | None:
    """A stored shard without the given articles, then with their new postings; None if empty.

    Only the terms named are touched, each with list operations that run in C
    (accumulate, bisect, slices): a common word lists most of the archive.
    """
    for term in (terms & shard.keys()) | adding.keys():
        flat = shard.pop(term, [])
        doc_ids, weights = list(accumulate(flat[0::2])), flat[1::2]
        for doc_id in ids:
            at = bisect_left(doc_ids, doc_id)
            if at < len(doc_ids) and doc_ids[at] == doc_id:
                del doc_ids[at], weights[at]
        new = adding.get(term, ())
        for at in range(0, len(new), 2):
            where = bisect_left(doc_ids, new[at])
            doc_ids.insert(where, new[at])
            weights.insert(where, new[at + 1])
        if doc_ids:
            shard[term] = search.gap_encoded(doc_ids, weights)
    return search.to_json({term: shard[term] for term in sorted(shard)}) if shard else None


def recent_and_sections(docs: list[Article], model: SiteModel,
                        texts: TextSource) -> dict[str, bytes]:
    start = search.base_end(len(docs))
    files = recent(docs[start:], start, texts)
    files.update(search.sections_files(section_codes(docs, model)))
    return files


def recent(docs: list[Article], start: int, texts: TextSource) -> dict[str, bytes]:
    """recent/: the postings of the docs from id `start` (base/'s end) on."""
    known = texts.texts(docs)
    weights = {start + n: search.term_weights(known[texts.key(a)]) for n, a in enumerate(docs)}
    return search.recent_files(weights)


def section_codes(docs: list[Article], model: SiteModel) -> list[int]:
    order = {section.slug: n for n, section in enumerate(model.config.sections)}
    return [order.get(a.section.slug, -1) for a in docs]


def meta_file(count: int, model: SiteModel, version: int) -> dict[str, bytes]:
    """meta.json, for `count` docs and the other files' version_of: it changes with any
    other file, so browsers fetch them anew."""
    sections = [(s.slug, s.name) for s in model.config.sections]
    return {META_FILE: search.meta_content(count, sections, f"{version:024x}")}


def version_of(keys: Iterable[tuple[str, str]]) -> int:
    """A digest of the index's files and their keys that does not depend on their order:
    each file's, combined by XOR, so that a build changing a few files updates it
    with theirs (file_mark) instead of reading 100,000 keys."""
    version = 0
    for rel, key in keys:
        version ^= file_mark(rel, key)
    return version


def file_mark(rel: str, key: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{rel}={key}".encode(), digest_size=12).digest())

