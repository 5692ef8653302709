"""A site path as a link: under the site's base path, or absolute for feeds and sitemaps."""

from __future__ import annotations

import re
from urllib.parse import quote

from generator.core.objects import Config

URL_SAFE = "/%#?=&~-._:"
UNQUOTED = re.compile(r"[A-Za-z0-9_.~/%#?=&:-]*")  # what quote(…, safe=URL_SAFE) leaves as is


def site_url(config: Config, path: str) -> str:
    """A site path ('/local/') as a link that works under the base path ('/news/local/')."""
    if path.startswith(("http://", "https://", "//", "#", "mailto:")):
        return path
    joined = config.base_path.rstrip("/") + path
    # Most paths hold only characters quote() keeps, and a sitemap has one per article.
    return joined if UNQUOTED.fullmatch(joined) else quote(joined, safe=URL_SAFE)


def absolute_url(config: Config, path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    origin = config.base_url[: len(config.base_url) - len(config.base_path)]
    return origin + site_url(config, path)
