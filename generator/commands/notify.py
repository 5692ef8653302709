"""Telling search engines what a deploy changed: IndexNow and WebSub.

A deploy's plan lists the files it uploaded: new on the target, or with other
bytes than the target held (digests for a folder, rsync's checksums for a
server). Those are exactly the files that deploy changed, so the pages among
them (each `.../index.html` not marked noindex) are what IndexNow is told, in
one JSON POST per endpoint and 10,000 URLs; the feeds among them are announced
to the WebSub hub, one POST per feed. Deleted pages are not announced.

Every notice is sent after the files are live, and a notice that fails is a
warning: the deploy itself has succeeded by then.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.core.objects import Config
from generator.model.urls import absolute_url
from generator.outputs.feeds import feed_urls

INDEXNOW_BATCH = 10_000  # IndexNow takes at most this many URLs in one request
TIMEOUT = 10  # seconds for each request
NOINDEX = re.compile(rb'<meta name="robots" content="[^"]*noindex')
JSON = "application/json; charset=utf-8"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class Notice:
    """One POST: where to, its body, and what it tells (for the messages)."""

    endpoint: str
    body: bytes
    content_type: str
    what: str


Post = Callable[[str, bytes, str], int]


def changed_pages(config: Config, output_dir: Path, uploads: tuple[str, ...]) -> list[str]:
    """The absolute URLs of the pages among the uploaded files, sorted."""
    pages = []
    for rel in uploads:
        if (rel == "index.html" or rel.endswith("/index.html")) and \
                not NOINDEX.search(_read(output_dir / rel)):
            pages.append(absolute_url(config, "/" + rel.removesuffix("index.html")))
    return sorted(pages)


def changed_feeds(config: Config, uploads: tuple[str, ...]) -> list[str]:
    """The absolute URLs of the feeds among the uploaded files, sorted."""
    feeds = [*feed_urls().values()]
    feeds += [url for s in config.sections for url in feed_urls(s.slug).values()]
    uploaded = set(uploads)
    return sorted(absolute_url(config, url) for url in feeds if url[1:] in uploaded)


def plan_notices(config: Config, output_dir: Path, uploads: tuple[str, ...]) -> list[Notice]:
    """The IndexNow and WebSub requests for a deploy that uploaded these files."""
    notices = []
    pages = changed_pages(config, output_dir, uploads) if config.indexnow_key else []
    host = urllib.parse.urlsplit(config.base_url).hostname or ""
    key_location = absolute_url(config, f"/{config.indexnow_key}.txt")
    for start in range(0, len(pages), INDEXNOW_BATCH):
        batch = pages[start: start + INDEXNOW_BATCH]
        body = json.dumps({"host": host, "key": config.indexnow_key,
                           "keyLocation": key_location, "urlList": batch},
                          ensure_ascii=False).encode("utf-8")
        what = f"{len(batch)} page{'s' * (len(batch) != 1)}"
        notices += [Notice(endpoint, body, JSON, what) for endpoint in config.indexnow_endpoints]
    if config.websub_hub:
        for feed in changed_feeds(config, uploads):
            body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": feed}).encode()
            notices.append(Notice(config.websub_hub, body, FORM, feed))
    return notices


def send_notices(notices: list[Notice], post: Post | None = None) -> list[tuple[bool, str]]:
    """Send each notice; (succeeded, message) for each, never raising."""
    post = post or http_post
    results = []
    for notice in notices:
        try:
            status = post(notice.endpoint, notice.body, notice.content_type)
        except (OSError, ValueError) as error:  # refused, unreachable, timed out, bad URL
            reason = getattr(error, "reason", None) or error
            results.append((False, f"{notice.endpoint}: {notice.what} not announced: {reason}"))
            continue
        told = f"{notice.endpoint}: {notice.what} announced (HTTP {status})"
        results.append((200 <= status < 300, told if 200 <= status < 300 else
                        f"{notice.endpoint}: {notice.what} refused (HTTP {status})"))
    return results


def http_post(url: str, body: bytes, content_type: str) -> int:
    """POST the body; the response's status code (an HTTP error's too)."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": content_type,
                                              "User-Agent": "newsgen"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
