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
    pages = sorted(pages, key=lambda p: p.source)
    if not pages:
        return []
    owners = reserved_owners(config)
    for article in articles:
        for key, _, _ in url_claims(article):
            owners.setdefault(key, article.source)
    problems = []
    for page in pages:
        claims = [(page.url, "url", 1), *((a, "aliases", page.lines.get("aliases", 1))
                                          for a in page.aliases)]
        for url, field, line in claims:
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
