"""Plain, frozen data objects passed between the pipeline's stages.

Every stage returns new objects; nothing here is filled in later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Section:
    slug: str
    name: str
    order: int


@dataclass(frozen=True, slots=True)
class TrustSettings:
    """What site.toml says about the outlet's legal notices and its trust signals."""

    legal_check: str = "warn"  # "warn", "error" or "off": the 신문법 §21 masthead items
    default_image: str | None = None  # the social card of articles without a photo
    naver_site_verification: str | None = None
    google_site_verification: str | None = None
    # (schema.org property such as "ethicsPolicy", the site path of the page it names)
    policies: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    """The validated contents of site.toml."""

    site_dir: Path
    title: str
    base_url: str
    language: str
    timezone: ZoneInfo
    theme: str
    sections: tuple[Section, ...]
    page_size: int
    latest_count: int
    box_count: int
    permalink: str
    description: str
    raw_html: bool
    labels: Mapping[str, str]
    publisher: Mapping[str, str]
    extra: Mapping[str, object]
    digest: str
    feed_count: int = 50
    feed_content: str = "summary"
    sitemap_limit: int = 10_000
    search: bool = True  # the static search index, /search/ and the header's search field
    weather_max_age: int = 6  # hours: older weather readings are not shown
    logo: str | None = None
    twitter: str | None = None
    embed_hosts: tuple[str, ...] = ()
    indexnow_key: str | None = None  # deploy tells IndexNow the changed pages
    indexnow_endpoints: tuple[str, ...] = ()
    websub_hub: str | None = None  # feeds name the hub, and deploy pings it
    trust: TrustSettings = TrustSettings()
    # Where `legacy_id:` answers: the old CMS's article page and its id parameter.
    legacy_path: str = "/news/articleView.html"
    legacy_param: str = "idxno"

    @property
    def base_path(self) -> str:
        """The path part of base_url, always ending in '/': '/' or '/news/'."""
        rest = self.base_url.split("://", 1)[-1]
        slash = rest.find("/")
        return "/" if slash < 0 else rest[slash:]

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)


@dataclass(frozen=True, slots=True)
class Author:
    key: str | None
    name: str
    email: str | None = None
    role: str | None = None
    bio: str | None = None
    photo: str | None = None  # a site path or an https:// URL
    links: tuple[str, ...] = ()  # the reporter's other profiles (schema.org sameAs)

    @property
    def url(self) -> str | None:
        return None if self.key is None else f"/authors/{self.key}/"


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Front-matter values after type checks; `lines` maps each key to its line."""

    title: str
    date: datetime
    subtitle: tuple[str, ...] = ()
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str | None = None
    image: str | None = None
    image_alt: str | None = None
    image_caption: str | None = None
    slug: str | None = None
    section: str | None = None
    draft: bool = False
    aliases: tuple[str, ...] = ()
    expires: datetime | None = None
    kind: str = "original"  # a slug of generator.core.kinds.KINDS
    agency: str | None = None  # the news agency of a wire article
    legacy_id: str | None = None
    lines: Mapping[str, int] = None  # type: ignore[assignment]
    # (ISO time, type key, text) of each correction: plain values, as the cache stores them
    corrections: tuple[tuple[str, str, str], ...] = ()
    live: bool | None = None  # None: not a live page; False: its coverage has ended
    coverage_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """One parsed content file: its front matter and Markdown body."""

    path: str
    folder_section: str | None
    meta: FrontMatter
    body: str
    digest: str
    body_line: int


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """What a build keeps of a content file: front matter and digests, not the body.

    `stamp` is the file's size and mtime plus the settings it was read with;
    `body_key` names its rendered body in the cache; `summary` is the body's
    first paragraph, which listings show.
    """

    path: str
    stamp: str
    folder_section: str | None
    meta: FrontMatter
    digest: str
    body_key: str
    summary: str


@dataclass(frozen=True, slots=True)
class RenderedBody:
    html: str
    summary: str


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    slug: str

    @property
    def url(self) -> str:
        return f"/tags/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Correction:
    """A dated notice on an article: `type` is correction, reply, follow-up or update."""

    date: datetime
    type: str
    text: str


@dataclass(frozen=True, slots=True)
class LiveEntry:
    """One timestamped update of a live page, from its own file."""

    source: str
    time: datetime
    html: str
    text: str  # the body as plain text, for JSON-LD
    author: str | None = None
    title: str | None = None

    @property
    def anchor(self) -> str:
        return "live-" + self.source.rpartition("/")[2].removesuffix(".md")


@dataclass(frozen=True, slots=True)
class Live:
    """A live page's coverage: `open` while it takes entries; entries newest first;
    `key` names the entries' files, so the page is rendered again when one changes."""

    open: bool
    end: datetime | None
    entries: tuple[LiveEntry, ...] = ()
    key: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """A publishable article: everything a template shows, except the body HTML."""

    source: str
    section: Section
    title: str
    subtitle: tuple[str, ...]
    date: datetime
    updated: datetime | None
    authors: tuple[Author, ...]
    tags: tuple[Tag, ...]
    summary: str
    image: str | None
    image_alt: str | None
    image_caption: str | None
    slug: str
    draft: bool
    aliases: tuple[str, ...]
    url: str
    body_key: str
    digest: str
    expires: datetime | None = None  # taken down at this time
    kind: str = "original"  # a slug of generator.core.kinds.KINDS
    agency: str | None = None  # the news agency of a wire article
    legacy_id: str | None = None  # the old CMS's id, answered at config's legacy_path
    corrections: tuple[Correction, ...] = ()  # oldest first
    live: Live | None = None

    @property
    def modified(self) -> datetime:
        return self.updated or self.date


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One page of a listing: `number` is None for the front page."""

    base_url: str
    number: int | None
    articles: tuple[Article, ...]
    newer_url: str | None
    older_url: str | None
    nearby: tuple[tuple[int, str, datetime, datetime], ...]  # number, URL, date range
    front_url: str

    @property
    def url(self) -> str:
        return self.base_url if self.number is None else f"{self.base_url}page/{self.number}/"


@dataclass(frozen=True, slots=True)
class Listing:
    """A paginated list of articles: a section, /latest/, a tag or a reporter."""

    kind: str
    key: str
    title: str
    url: str
    pages: tuple[ListingPage, ...]
    total: int


@dataclass(frozen=True, slots=True)
class SiteModel:
    config: Config
    articles: tuple[Article, ...]
    sections: Mapping[str, tuple[Article, ...]]
    listings: tuple[Listing, ...]
    tags: tuple[Tag, ...]
    authors: Mapping[str, Author]
    related: Mapping[str, tuple[Article, ...]]
    data: Mapping[str, object]
    now: datetime
    pages: tuple[StandalonePage, ...] = ()  # content/pages/: about, policies…


@dataclass(frozen=True, slots=True)
class Page:
    """A file of the finished site: its URL path and its bytes."""

    url: str
    content: bytes
    media_type: str = "text/html"


@dataclass(frozen=True, slots=True)
class BuildResult:
    articles: int
    written: int
    unchanged: int
    deleted: int
    seconds: float
    warnings: tuple = ()
    parsed: int = 0  # content files read and rendered again (the rest came from the cache)
    rendered: int = 0  # pages rendered again (written only when their bytes changed)
    # (URL, "draft" or "future", the time it is due) of each such article shown; None when the build
    # found nothing changed and read no article.
    unpublished: tuple[tuple[str, str, str], ...] | None = ()
    # When the site this build left changes by the clock alone (model/schedule.py's
    # Moments), soonest first.
    upcoming: tuple = ()


@dataclass(frozen=True, slots=True)
class StandalonePage:
    """A page of content/pages/ (about, policies): never listed as news."""

    source: str
    url: str
    title: str
    description: str | None
    updated: datetime | None
    draft: bool
    aliases: tuple[str, ...]
    footer: int | None  # its place among the footer's links; None: not there
    searchable: bool
    body_html: str
    digest: str
    lines: Mapping[str, int]
