"""The corrections listing's pages and its RSS and Atom feeds.

Each feed item is one correction, identified by its anchor on the article's
page (`…/#correction-2`); the corrected article's own entry in the main feeds
keeps its ID (the article's URL), so readers and search engines never see the
article twice.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from email.utils import format_datetime

from generator.core import xmltext as x
from generator.core.objects import Config, Listing, SiteModel
from generator.model.corrections import (
    CORRECTIONS_URL,
    CorrectionItem,
    correction_items,
    corrections_listing,
)
from generator.model.urls import absolute_url
from generator.outputs.feeds import ATOM_NAMESPACE, EPOCH, RSS_NAMESPACES


@dataclass(frozen=True, slots=True)
class CorrectionFeed:
    url: str
    format: str
    items: tuple[CorrectionItem, ...]


FEED_URLS = {"rss": f"{CORRECTIONS_URL}feed.xml", "atom": f"{CORRECTIONS_URL}atom.xml"}


def plan_corrections(model: SiteModel) -> tuple[Listing, list[CorrectionFeed]]:
    """The listing and its two feeds (the newest feed_count corrections)."""
    items = correction_items(model.articles)
    newest = tuple(items[: model.config.feed_count])
    feeds = [CorrectionFeed(url, kind, newest) for kind, url in FEED_URLS.items()]
    return corrections_listing(model.config, items), feeds


def feed_key(feed: CorrectionFeed) -> str:
    parts = [feed.url, feed.format, *(item.digest for item in feed.items)]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()


def render_feed(config: Config, feed: CorrectionFeed) -> str:
    return (_rss if feed.format == "rss" else _atom)(config, feed)


def _title(config: Config, item: CorrectionItem) -> str:
    return f"[{config.labels['correction_' + item.correction.type]}] {item.article.title}"


def _feed_title(config: Config) -> str:
    return f"{config.labels['corrections']} - {config.title}"


def _rss(config: Config, feed: CorrectionFeed) -> str:
    home = absolute_url(config, CORRECTIONS_URL)
    newest = feed.items[0].date if feed.items else EPOCH
    channel = [
        x.text("title", _feed_title(config)),
        x.text("link", home),
        x.text("description", html.escape(_feed_title(config), quote=False)),
        x.text("language", config.language),
        x.empty("atom:link", [("href", absolute_url(config, feed.url)), ("rel", "self"),
                              ("type", "application/rss+xml")]),
        x.text("lastBuildDate", _rfc822(newest, config)),
        x.text("generator", "newsgen"),
    ]
    for item in feed.items:
        link = absolute_url(config, item.url)
        channel.append(x.parent("item", [
            x.text("title", _title(config, item)),
            x.text("link", link),
            x.text("guid", link, [("isPermaLink", "true")]),
            x.text("pubDate", _rfc822(item.date, config)),
            x.text("category", config.labels["correction_" + item.correction.type]),
            x.text("description", html.escape(item.correction.text, quote=False)),
        ]))
    root = x.parent("rss", [x.parent("channel", channel)], [("version", "2.0"), *RSS_NAMESPACES])
    return x.document(root)


def _atom(config: Config, feed: CorrectionFeed) -> str:
    home = absolute_url(config, CORRECTIONS_URL)
    newest = feed.items[0].date if feed.items else EPOCH
    children = [
        x.text("title", _feed_title(config)),
        x.empty("link", [("rel", "alternate"), ("type", "text/html"), ("href", home)]),
        x.empty("link", [("rel", "self"), ("type", "application/atom+xml"),
                         ("href", absolute_url(config, feed.url))]),
        x.text("id", absolute_url(config, feed.url)),
        x.text("updated", _iso(newest, config)),
        x.parent("author", [x.text("name", config.publisher.get("name", config.title))]),
        x.text("generator", "newsgen"),
    ]
    for item in feed.items:
        link = absolute_url(config, item.url)
        when = _iso(item.date, config)
        children.append(x.parent("entry", [
            x.text("title", _title(config, item)),
            x.empty("link", [("rel", "alternate"), ("type", "text/html"), ("href", link)]),
            x.text("id", link),
            x.text("published", when),
            x.text("updated", when),
            x.empty("category", [("term", item.correction.type),
                                 ("label", config.labels["correction_" + item.correction.type])]),
            x.text("summary", item.correction.text),
        ]))
    attrs = [("xmlns", ATOM_NAMESPACE), ("xml:lang", config.language)]
    return x.document(x.parent("feed", children, attrs))


def _rfc822(moment, config: Config) -> str:
    return format_datetime(moment.astimezone(config.timezone))


def _iso(moment, config: Config) -> str:
    return moment.astimezone(config.timezone).isoformat()
