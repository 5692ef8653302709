"""RSS 2.0 and Atom feeds for the whole site and for each section.

Each feed holds the newest `feed_count` articles with absolute URLs, dates in
the site's time zone, reporters, categories and the lead image as an
enclosure; with `websub_hub` set, each names the hub beside itself (WebSub).
Nothing in a feed depends on the build time, so a feed file is
rewritten only when the articles it lists change.
"""

from __future__ import annotations

import hashlib
import html
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from generator.core import xmltext as x
from generator.core.objects import Article, Config, Section, SiteModel
from generator.model.urls import absolute_url
from generator.sources.config import theme_dir

RSS_NAMESPACES = (
    ("xmlns:atom", "http://www.w3.org/2005/Atom"),
    ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
    ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
    ("xmlns:media", "http://search.yahoo.com/mrss/"),
)
ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
# Site paths in rendered bodies, to be made absolute for feed readers.
SITE_LINK = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')
SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed file: its format, what it covers and the articles it lists, newest first."""

    url: str
    format: str
    title: str
    home: str
    section: Section | None
    articles: tuple[Article, ...]


def feed_urls(section: str | None = None) -> dict[str, str]:
    """The RSS and Atom paths of the site ('/feed.xml') or of a section ('/local/feed.xml')."""
    prefix = f"/{section}" if section else ""
    return {"rss": f"{prefix}/feed.xml", "atom": f"{prefix}/atom.xml"}


def plan_feeds(model: SiteModel) -> list[Feed]:
    """The site's feeds, then each section's, in both formats."""
    config = model.config
    count = config.feed_count
    scopes = [(None, config.title, "/", model.articles)]
    scopes += [(s, f"{s.name} - {config.title}", f"/{s.slug}/", model.sections[s.slug])
               for s in config.sections]
    feeds = []
    for section, title, home, articles in scopes:
        for kind, url in feed_urls(section.slug if section else None).items():
            feeds.append(Feed(url, kind, title, home, section, tuple(articles[:count])))
    return feeds


def feed_key(feed: Feed) -> str:
    """What the feed shows: its identity and the digests of its articles."""
    parts = [feed.url, feed.format, feed.title, *(a.digest for a in feed.articles)]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()


def render_feed(model: SiteModel, feed: Feed, body_html) -> str:
    """The feed document; `body_html(article)` gives the body when feeds carry full text."""
    full = model.config.feed_content == "full"
    bodies = {a.url: absolute_links(model.config, body_html(a)) for a in feed.articles} \
        if full else {}
    render = render_rss if feed.format == "rss" else render_atom
    return render(model.config, feed, bodies)


def render_rss(config: Config, feed: Feed, bodies: dict[str, str]) -> str:
    channel = [
        x.text("title", feed.title),
        x.text("link", absolute_url(config, feed.home)),
        # RSS readers show <description> as HTML, so plain text is escaped for HTML first
        x.text("description", html.escape(config.description or feed.title, quote=False)),
        x.text("language", config.language),
        x.empty("atom:link", [("href", absolute_url(config, feed.url)), ("rel", "self"),
                              ("type", "application/rss+xml")]),
        x.empty("atom:link", [("href", config.websub_hub), ("rel", "hub")])
        if config.websub_hub else "",
        x.text("lastBuildDate", _rfc822(_newest(feed), config)),
        x.text("generator", "newsgen"),
    ]
    if config.logo:
        channel.append(x.parent("image", [x.text("url", absolute_url(config, config.logo)),
                                          x.text("title", feed.title),
                                          x.text("link", absolute_url(config, feed.home))]))
    channel += [_rss_item(config, a, bodies.get(a.url)) for a in feed.articles]
    root = x.parent("rss", [x.parent("channel", channel)], [("version", "2.0"), *RSS_NAMESPACES])
    return x.document(root)


def _rss_item(config: Config, article: Article, body: str | None) -> str:
    link = absolute_url(config, article.url)
    children = [
        x.text("title", article.title),
        x.text("link", link),
        x.text("guid", link, [("isPermaLink", "true")]),
        x.text("pubDate", _rfc822(article.date, config)),
        *(x.text("dc:creator", author.name) for author in article.authors),
        *(x.text("category", name) for name in _categories(config, article)),
        x.text("description", html.escape(article.summary, quote=False)),
        x.text("content:encoded", body) if body is not None else "",
    ]
    if article.image:
        image = absolute_url(config, article.image)
        kind = _image_type(article.image)
        children.append(x.empty("enclosure", [("url", image),
                                              ("length", str(_image_length(config, article))),
                                              ("type", kind)]))
        children.append(_media(image, kind, article))
    return x.parent("item", children)


def _media(image: str, kind: str, article: Article) -> str:
    attrs = [("url", image), ("medium", "image"), ("type", kind)]
    caption = article.image_caption or article.image_alt
    if not caption:
        return x.empty("media:content", attrs)
    return x.parent("media:content", [x.text("media:description", caption)], attrs)


def render_atom(config: Config, feed: Feed, bodies: dict[str, str]) -> str:
    home = absolute_url(config, feed.home)
    children = [
        x.text("title", feed.title),
        x.text("subtitle", config.description) if config.description else "",
        x.empty("link", [("rel", "alternate"), ("type", "text/html"), ("href", home)]),
        x.empty("link", [("rel", "self"), ("type", "application/atom+xml"),
                         ("href", absolute_url(config, feed.url))]),
        x.empty("link", [("rel", "hub"), ("href", config.websub_hub)])
        if config.websub_hub else "",
        x.text("id", home),
        x.text("updated", _iso(_newest(feed), config)),
        x.parent("author", [x.text("name", config.publisher.get("name", config.title))]),
        x.text("generator", "newsgen"),
        x.text("logo", absolute_url(config, config.logo)) if config.logo else "",
    ]
    children += [_atom_entry(config, a, bodies.get(a.url)) for a in feed.articles]
    attrs = [("xmlns", ATOM_NAMESPACE), ("xml:lang", config.language)]
    return x.document(x.parent("feed", children, attrs))


def _atom_entry(config: Config, article: Article, body: str | None) -> str:
    link = absolute_url(config, article.url)
    children = [
        x.text("title", article.title),
        x.empty("link", [("rel", "alternate"), ("type", "text/html"), ("href", link)]),
        x.text("id", link),
        x.text("published", _iso(article.date, config)),
        x.text("updated", _iso(article.modified, config)),
        *(_atom_author(config, author) for author in article.authors),
        x.empty("category", [("term", article.section.slug), ("label", article.section.name)]),
        *(x.empty("category", [("term", article.kind), ("label", label)])
          for label in _kind_label(config, article)),
        *(x.empty("category", [("term", tag.name)]) for tag in article.tags),
        x.text("summary", article.summary),
        x.text("content", body, [("type", "html")]) if body is not None else "",
    ]
    if article.image:
        children.append(x.empty("link", [
            ("rel", "enclosure"), ("type", _image_type(article.image)),
            ("length", str(_image_length(config, article))),
            ("href", absolute_url(config, article.image))]))
    return x.parent("entry", children)


def _atom_author(config: Config, author) -> str:
    parts = [x.text("name", author.name)]
    if author.url:
        parts.append(x.text("uri", absolute_url(config, author.url)))
    return x.parent("author", parts)


def _categories(config: Config, article: Article) -> list[str]:
    return [article.section.name, *_kind_label(config, article),
            *(tag.name for tag in article.tags)]


def _kind_label(config: Config, article: Article) -> list[str]:
    """The kind's label (사설, 보도자료 …) as a category; none for original reporting."""
    return [] if article.kind == "original" else [config.labels[f"kind_{article.kind}"]]


def absolute_links(config: Config, html: str) -> str:
    """Make the body's site paths ('/news/images/a.jpg') absolute, as feed readers need."""
    origin = config.base_url[: len(config.base_url) - len(config.base_path)]
    html = SITE_LINK.sub(lambda m: f'{m.group(1)}{origin}{m.group(2)}"', html)

    def srcset(match: re.Match) -> str:
        items = [item.strip() for item in match.group(2).split(",")]
        fixed = [origin + i if i.startswith("/") and not i.startswith("//") else i
                 for i in items]
        return f'{match.group(1)}{", ".join(fixed)}"'

    return SRCSET.sub(srcset, html)


def _newest(feed: Feed) -> datetime:
    """The feed's own date: its newest change, never the build time."""
    return max((a.modified for a in feed.articles), default=EPOCH)


def _rfc822(moment: datetime, config: Config) -> str:
    return format_datetime(moment.astimezone(config.timezone))


def _iso(moment: datetime, config: Config) -> str:
    return moment.astimezone(config.timezone).isoformat()


def _image_type(path: str) -> str:
    return mimetypes.guess_type(path.split("?", 1)[0])[0] or "image/jpeg"


def _image_length(config: Config, article: Article) -> int:
    """The lead image's size in bytes (RSS requires it); 0 for an image on another host."""
    image = article.image or ""
    if image.startswith(("http://", "https://")):
        return 0
    for folder in (config.site_dir / "static", theme_dir(config.site_dir, config.theme) /
                   "static"):
        path = folder / Path(image.lstrip("/"))
        if path.is_file():
            return path.stat().st_size
    return 0
