"""Standalone pages: `content/pages/**.md` (about, policies) into validated PageSources.

A page's URL comes from its path: `content/pages/about.md` is `/about/`,
`content/pages/policy/privacy.md` is `/policy/privacy/`. Its front matter is
`title` (required), `description`, `updated`, `draft`, `aliases`, `footer`
(its place among the footer's links) and `searchable` (default false).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from generator.core.errors import Problem
from generator.core.slugs import SLUG_RE, check_url_path
from generator.sources.content import CONTENT_DIR, FieldChecker, open_document, source_digest

PAGES_DIR = f"{CONTENT_DIR}/pages/"
PAGE_KEYS = ("title", "description", "updated", "draft", "aliases", "footer", "searchable")
MAX_PAGE_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class PageSource:
    """One page file's checked front matter and its Markdown body."""

    path: str
    url: str
    title: str
    description: str | None
    updated: datetime | None
    draft: bool
    aliases: tuple[str, ...]
    footer: int | None
    searchable: bool
    body: str
    body_line: int
    digest: str
    lines: dict


def is_page_file(rel: str) -> bool:
    """Whether a content file (a path relative to the site) is a standalone page."""
    return rel.startswith(PAGES_DIR)


def page_url(rel: str) -> str | None:
    """'content/pages/policy/privacy.md' -> '/policy/privacy/'; None for a bad name."""
    parts = rel[len(PAGES_DIR):].removesuffix(".md").split("/")
    if not all(SLUG_RE.match(part) for part in parts):
        return None
    return "/" + "/".join(parts) + "/"


def parse_page(rel: str, raw: bytes, tz: ZoneInfo) -> PageSource | list[Problem]:
    """Validate one page file; its problems (warnings among them) or the page."""
    opened = open_document(rel, raw, tz, f"is larger than {MAX_PAGE_BYTES // 1024} KB",
                           MAX_PAGE_BYTES)
    if isinstance(opened, list):
        return opened
    document, checker = opened
    values = document.values
    _unknown_keys(checker, values)
    url = page_url(rel)
    if url is None:
        checker.problems.append(Problem(rel, 1, None, "a page's file and folder names become "
                                        "its URL: use lowercase letters, digits and hyphens"))
    fields = dict(
        title=checker.text(values, "title", required=True),
        description=checker.text(values, "description"),
        updated=checker.datetime(values, "updated"),
        draft=checker.flag(values, "draft"),
        aliases=checker.aliases(values, check_url_path),
        footer=_footer(checker, values),
        searchable=checker.flag(values, "searchable"),
    )
    if url is None or fields["title"] is None or any(not p.warning for p in checker.problems):
        return checker.problems
    page = PageSource(rel, url, body=document.body, body_line=document.body_line,
                      digest=source_digest(rel, raw), lines=dict(document.lines), **fields)
    return [*checker.problems, page] if checker.problems else [page]


def _unknown_keys(checker: FieldChecker, values: dict) -> None:
    for key in values:
        if str(key) not in PAGE_KEYS:
            near = difflib.get_close_matches(str(key), PAGE_KEYS, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            checker.problem(str(key), f"unknown key for a page, ignored{hint}", warning=True)


def _footer(checker: FieldChecker, values: dict) -> int | None:
    value = values.get("footer")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
        checker.problem("footer", "must be a whole number from 0 to 1000: the page's place "
                        "among the footer's links")
        return None
    return value
