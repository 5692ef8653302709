"""search-index/pages.json: the standalone pages that ask to be found (`searchable: true`).

Pages are few and change rarely, so they are not in the articles' postings
(whose ids number the articles): the search page fetches this one small
file and matches each query word as the start of a page's words, as it does
for articles, and lists the pages found before the articles.
"""

from __future__ import annotations

from generator.core.objects import Config, StandalonePage
from generator.model.urls import site_url
from generator.outputs import search

FILE_URL = f"/{search.FOLDER}/pages.json"
EXCERPT_CHARS = 400


def searchable(pages: tuple[StandalonePage, ...]) -> tuple[StandalonePage, ...]:
    return tuple(page for page in pages if page.searchable and not page.draft)


def pages_key(pages: tuple[StandalonePage, ...]) -> str:
    return search.digest(*(f"{page.url} {page.digest}" for page in pages))


def render_pages_index(config: Config, pages: tuple[StandalonePage, ...]) -> bytes:
    """Each page's address, title, a text to show and the words to match."""
    found = []
    for page in pages:
        text = " ".join(search.plain_text(page.body_html).split())
        found.append({"url": site_url(config, page.url), "title": page.title,
                      "text": text[:EXCERPT_CHARS],
                      "terms": sorted(set(search.words(f"{page.title} {text}")))})
    return search.to_json(found)
