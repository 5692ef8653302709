"""Redirects from an article's old URLs (`aliases:`) to its page.

Each alias gets a small HTML page (meta refresh, canonical link and a plain
link) at the old path, and all of them are listed in a `_redirects` file for
hosts that read one (Netlify, Cloudflare Pages). An alias ending in '/' is a
folder (its index.html); one ending in a file name ('/news/1179.html') is
that file; one without an extension is treated as a folder. Old URLs with a
query string are legacy.py's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape

from generator.core.objects import SiteModel
from generator.model.urls import absolute_url, site_url
from generator.outputs.legacy import legacy_redirects

REDIRECTS_FILE = "/_redirects"


@dataclass(frozen=True, slots=True)
class Redirect:
    url: str
    target: str
    title: str


@dataclass(frozen=True, slots=True)
class RedirectList:
    url: str
    redirects: tuple[Redirect, ...]


def alias_url(alias: str) -> str:
    """The URL path an alias is served at: a file path, or a folder ending in '/'."""
    last = alias.rstrip("/").rsplit("/", 1)[-1]
    if alias.endswith("/") or "." in last:
        return alias
    return alias + "/"


def plan_redirects(model: SiteModel) -> list:
    """A page per path alias, then the `_redirects` list when there is any old URL.

    Old URLs with a query string ('?idxno=12345') get no page of their own: legacy.py
    answers them; the list names them for the hosts that read it.
    """
    redirects = [Redirect(alias_url(alias), item.url, item.title)
                 for item in (*model.articles, *model.pages) for alias in item.aliases
                 if "?" not in alias]
    redirects.sort(key=lambda r: r.url)
    listed = redirects + [Redirect(r.old.url, r.target, "") for r in legacy_redirects(model)]
    return [*redirects, RedirectList(REDIRECTS_FILE, tuple(listed))] if listed else []


def subject_key(subject) -> str:
    items = subject.redirects if isinstance(subject, RedirectList) else (subject,)
    parts = [f"{r.url} {r.target} {r.title}" for r in items]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()


def render_redirect(model: SiteModel, subject) -> str:
    if isinstance(subject, RedirectList):
        return render_redirects_file(model, subject)
    return render_redirect_page(model, subject)


def render_redirect_page(model: SiteModel, redirect: Redirect) -> str:
    """A page that sends browsers and crawlers on to the article's current URL."""
    config = model.config
    canonical = escape(absolute_url(config, redirect.target))
    local = escape(site_url(config, redirect.target))
    title = escape(redirect.title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(config.language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<link rel="canonical" href="{canonical}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={local}">\n'
        f'</head>\n<body>\n<p><a href="{local}">{title}</a></p>\n</body>\n</html>\n'
    )


def render_redirects_file(model: SiteModel, listing: RedirectList) -> str:
    """Netlify/Cloudflare `_redirects`: 'old new 301', one per line."""
    config = model.config
    lines = [_redirect_line(config, r) for r in listing.redirects]
    return "\n".join(lines) + "\n"


def _redirect_line(config, redirect: Redirect) -> str:
    """'old new 301'; an old URL with a query string is matched by its parameter, and
    forced ('301!'), since a page (legacy.py's) exists at its path."""
    path, mark, query = redirect.url.partition("?")
    if mark:
        return f"{site_url(config, path)} {query} {site_url(config, redirect.target)} 301!"
    return f"{site_url(config, redirect.url)} {site_url(config, redirect.target)} 301"
