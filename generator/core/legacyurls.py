"""Old CMS URLs that name an article by a query parameter: '/news/articleView.html?idxno=12345'.

Korean news CMSs (and WordPress's '/?p=123') address articles by a query
string, which no static file can answer by itself. An alias holding one, or
an article's `legacy_id:` (the id under the site's `[legacy]` path and
parameter), is a `QueryUrl`; outputs/legacy.py writes what answers them on
each kind of host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.core.slugs import check_url_path

# A legacy id: digits or a short token, safe in a URL, a JSON key and an nginx map.
LEGACY_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
PARAM_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
DEFAULT_PATH = "/news/articleView.html"
DEFAULT_PARAM = "idxno"


@dataclass(frozen=True, slots=True)
class QueryUrl:
    """An old URL: a path and one query parameter's value."""

    path: str
    param: str
    value: str

    @property
    def url(self) -> str:
        return f"{self.path}?{self.param}={self.value}"


def split_query_url(alias: str) -> QueryUrl | None:
    """The parts of an alias with a query string; None for a plain path."""
    path, mark, query = alias.partition("?")
    if not mark:
        return None
    param, _, value = query.partition("=")
    return QueryUrl(path, param, value)


def check_query_url(alias: str) -> str | None:
    """Why an alias with a query string cannot be answered, or None when it can."""
    found = split_query_url(alias)
    if found is None:
        return check_url_path(alias)
    message = check_url_path(found.path)
    if message:
        return message
    if not PARAM_RE.match(found.param) or not LEGACY_ID_RE.match(found.value):
        return ("may hold one query parameter like '?idxno=12345' (a name of letters, "
                "digits and '_', then a value of letters, digits, '-', '_' or '.')")
    return None


def check_legacy_id(value: str) -> str | None:
    """Why a `legacy_id:` value is unusable, or None."""
    if LEGACY_ID_RE.match(value):
        return None
    return ("must be digits or a short token of letters, digits, '-', '_' and '.' "
            "(at most 64 characters)")
