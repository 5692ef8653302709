"""The build's search stage: search records for the published articles, then the bundle.

Plain text and Korean terms of each article are cached by what decides them
(korean.ANALYSER_VERSION and search.text_key), so a build analyses only new
or edited articles; the analyser and Pagefind do the rest.
"""

from __future__ import annotations

from generator import korean, search
from generator.cache import Cache
from generator.errors import BuildFailed, Problem
from generator.model import SiteModel

BATCH = 500  # bodies fetched from the cache and texts analysed per round


def index_files(model: SiteModel, cache: Cache, bodies,
                analyser: korean.Analyser | None) -> dict[str, bytes]:
    """The Pagefind bundle's files by path under output/; `bodies` gives body HTML."""
    own = analyser or korean.Analyser()
    try:
        records = search_records(model, cache, bodies, own)
        return search.build_index(records, model.config.language, cache.folder / "search-work")
    except (korean.AnalyserError, search.SearchIndexError) as error:
        raise BuildFailed([Problem("search index", None, None, str(error))]) from None
    finally:
        if own is not analyser:
            own.close()


def search_records(model: SiteModel, cache: Cache, bodies,
                   analyser: korean.Analyser) -> list[search.SearchRecord]:
    """One record per published article; only texts missing from the cache are analysed."""
    keys = {a.url: f"{korean.ANALYSER_VERSION}:{search.text_key(a)}" for a in model.articles}
    known = cache.search_texts(sorted(set(keys.values())))
    missing = [a for a in model.articles if keys[a.url] not in known]
    analyse = korean.applies_to(model.config.language)
    for start in range(0, len(missing), BATCH):
        chunk = missing[start:start + BATCH]
        bodies.prefetch(chunk)
        texts = [search.article_text(a, bodies.html(a)) for a in chunk]
        terms = analyser.hidden_nouns_many(texts) if analyse else [()] * len(texts)
        fresh = {keys[a.url]: (text, tuple(found))
                 for a, text, found in zip(chunk, texts, terms, strict=True)}
        cache.put_search_texts(fresh)
        known.update(fresh)
    return [search.make_record(a, search.SearchText(*known[keys[a.url]]), model.config)
            for a in model.articles]
