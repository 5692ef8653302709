"""Standalone pages in the site model: their URLs against the articles', the footer's links.

Pure: pages, articles and config in; problems, links and keys out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from generator.core.errors import Problem
from generator.core.objects import Article, Config, StandalonePage
from generator.model.site import _generated_path, reserved_owners, url_claims


def check_page_urls(pages: Iterable[StandalonePage], articles: Iterable[Article],
                    config: Config) -> list[Problem]:
    """A page (or its alias) at a URL an article, a listing, a generated file or another
    page holds is an error at the page's file, naming the other."""
    claims = [(page, url, field, line) for page in sorted(pages, key=lambda p: p.source)
              for url, field, line in _page_claims(page)]
    if not claims:
        return []
    wanted = {url.rstrip("/") or "/" for _, url, _, _ in claims}
    owners = {key: owner for key, owner in reserved_owners(config).items() if key in wanted}
    # Only the few page URLs are looked up: a preview checks this on every save.
    for article in articles:
        if article.url.rstrip("/") in wanted or article.aliases:
            for key, _, _ in url_claims(article, config):
                if key in wanted:
                    owners.setdefault(key, article.source)
    problems = []
    for page, url, field, line in claims:
        key = url.rstrip("/") or "/"
        if key in owners:
            problems.append(Problem(page.source, line, field,
                                    f"URL {url} is already used by {owners[key]}"))
        elif _generated_path(key, config):
            problems.append(Problem(page.source, line, field,
                                    f"URL {url} is a page newsgen generates"))
        else:
            owners[key] = page.source
    return problems


def _page_claims(page: StandalonePage) -> list[tuple[str, str, int]]:
    aliases_line = page.lines.get("aliases", 1)
    return [(page.url, "url", 1), *((alias, "aliases", aliases_line) for alias in page.aliases)]


def footer_pages(pages: Iterable[StandalonePage]) -> tuple[StandalonePage, ...]:
    """The pages that asked for a footer link, in their `footer:` order."""
    return tuple(sorted((p for p in pages if p.footer is not None),
                        key=lambda p: (p.footer, p.url)))


def pages_key(pages: Iterable[StandalonePage]) -> str:
    """What every page shows of the standalone pages: which exist (the trust links name
    them), and the footer's titles and order. '' when there is none."""
    pages = sorted(pages, key=lambda p: p.url)
    if not pages:
        return ""
    parts = [f"{p.url}\0{p.title}\0{p.footer}" for p in pages]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=8).hexdigest()
