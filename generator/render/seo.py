"""What search engines and social cards read in each page's <head>.

For every kind of page this builds a PageMeta: canonical URL, OpenGraph and
Twitter card values, feed links and JSON-LD (NewsArticle on articles,
WebSite and NewsMediaOrganization on the home and about pages, ProfilePage on
a reporter's page, BreadcrumbList on listings and standalone pages). Only
the page's own subject goes in, never the build time, so article pages stay
byte-stable. `absolute` turns a site path into an absolute URL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from generator.core.kinds import ORIGINAL, schema_type
from generator.core.objects import Article, Author, Config, Listing, ListingPage, StandalonePage
from generator.sources.trust import about_url, policy_links

Absolute = Callable[[str], str]
SCHEMA_ORG = "https://schema.org"


@dataclass(frozen=True, slots=True)
class FeedLink:
    type: str
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class PageMeta:
    title: str
    description: str
    og_type: str = "website"
    canonical: str | None = None
    image: str | None = None
    image_alt: str | None = None
    photo: bool = False  # a real photo (large card), not the logo standing in for one
    published: str | None = None
    modified: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    feeds: tuple[FeedLink, ...] = ()
    json_ld: tuple[Mapping, ...] = ()
    robots: str | None = None


def json_ld_text(data: Mapping) -> str:
    """JSON for a <script> element: '<', '>' and '&' escaped so no text can end the script."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def feed_links(config: Config, section=None) -> tuple[FeedLink, ...]:
    """The site's RSS and Atom feeds, and the section's when the page belongs to one."""
    links = [FeedLink("application/rss+xml", f"{config.title} RSS", "/feed.xml"),
             FeedLink("application/atom+xml", f"{config.title} Atom", "/atom.xml")]
    if section is not None:
        title = f"{section.name} - {config.title}"
        links += [FeedLink("application/rss+xml", f"{title} RSS", f"/{section.slug}/feed.xml"),
                  FeedLink("application/atom+xml", f"{title} Atom",
                           f"/{section.slug}/atom.xml")]
    return tuple(links)


def article_meta(config: Config, article: Article, absolute: Absolute) -> PageMeta:
    canonical = absolute(article.url)
    card = social_image(config, article)
    image = absolute(card) if card else _logo(config, absolute)
    zone = config.timezone
    return PageMeta(
        title=article.title,
        description=article.summary,
        og_type="article",
        canonical=canonical,
        image=image,
        image_alt=article.image_alt if article.image else None,
        photo=card is not None,
        published=article.date.astimezone(zone).isoformat(),
        modified=article.modified.astimezone(zone).isoformat(),
        section=article.section.name,
        tags=tuple(tag.name for tag in article.tags),
        authors=tuple(absolute(a.url) for a in article.authors if a.url),
        feeds=feed_links(config, article.section),
        json_ld=(news_article(config, article, absolute),
                 breadcrumbs(absolute, [(config.labels["home"], "/"),
                                        (article.section.name, f"/{article.section.slug}/"),
                                        (article.title, article.url)])),
    )


def news_article(config: Config, article: Article, absolute: Absolute) -> dict:
    """schema.org NewsArticle (OpinionNewsArticle for opinion), as Google's article rich
    results read it."""
    canonical = absolute(article.url)
    data = {
        "@context": SCHEMA_ORG,
        "@type": schema_type(article.kind),
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.date.astimezone(config.timezone).isoformat(),
        "dateModified": article.modified.astimezone(config.timezone).isoformat(),
        "articleSection": article.section.name,
        "inLanguage": config.language,
    }
    image = social_image(config, article) or config.logo
    if image:
        data["image"] = [absolute(image)]
    if article.tags:
        data["keywords"] = [tag.name for tag in article.tags]
    data["author"] = [_person(author, absolute) for author in article.authors] or [
        _organization(config, absolute)]
    data["publisher"] = _organization(config, absolute)
    data.update(_kind_properties(config, article))
    if article.corrections:
        data["correction"] = [correction_comment(config, c, f"{canonical}#correction-{n}")
                              for n, c in reversed(list(enumerate(article.corrections, 1)))]
    if article.live is not None:
        data.update(live_blog(config, article, canonical))
    return data


def correction_comment(config: Config, correction, url: str) -> dict:
    """schema.org CorrectionComment: what was corrected, and when."""
    return {"@type": "CorrectionComment", "url": url,
            "datePublished": correction.date.astimezone(config.timezone).isoformat(),
            "text": correction.text}


def live_blog(config: Config, article: Article, canonical: str) -> dict:
    """LiveBlogPosting's own properties: its coverage and its entries, newest first."""
    live, zone = article.live, config.timezone
    data = {"@type": "LiveBlogPosting",
            "coverageStartTime": article.date.astimezone(zone).isoformat()}
    last = live.entries[0].time if live.entries else article.modified
    end = live.end or (None if live.open else last)
    if end is not None:
        data["coverageEndTime"] = end.astimezone(zone).isoformat()
    if live.entries:
        newest = live.entries[0].time
        data["dateModified"] = max(newest, article.modified).astimezone(zone).isoformat()
    data["liveBlogUpdate"] = [
        {"@type": "BlogPosting", "headline": entry.title or article.title,
         "url": f"{canonical}#{entry.anchor}",
         "datePublished": entry.time.astimezone(zone).isoformat(),
         "articleBody": entry.text,
         **({"author": {"@type": "Person", "name": entry.author}} if entry.author else {})}
        for entry in live.entries]
    return data


def _kind_properties(config: Config, article: Article) -> dict:
    """The kind's label as `genre`, and a wire article's agency as `sourceOrganization`."""
    if article.kind == ORIGINAL:
        return {}
    found = {"genre": config.labels.get(f"kind_{article.kind}", article.kind)}
    if article.agency:
        found["sourceOrganization"] = {"@type": "NewsMediaOrganization", "name": article.agency}
    return found


def social_image(config: Config, article: Article) -> str | None:
    """The picture of the article's share card: its lead photo, else the site's card."""
    return article.image or config.trust.default_image


def _person(author: Author, absolute: Absolute, full: bool = False) -> dict:
    """A reporter; `full` adds what their profile page tells (job, photo, profiles)."""
    person = {"@type": "Person", "name": author.name}
    if author.url:
        person["url"] = absolute(author.url)
    if not full:
        return person
    optional = {"jobTitle": author.role, "description": author.bio,
                "image": absolute(author.photo) if author.photo else None,
                "email": author.email, "sameAs": list(author.links) or None}
    person.update((key, value) for key, value in optional.items() if value)
    return person


def profile_page(config: Config, author: Author, absolute: Absolute) -> dict:
    """schema.org ProfilePage of a reporter, as Google's profile-page results read it."""
    return {"@context": SCHEMA_ORG, "@type": "ProfilePage", "url": absolute(author.url),
            "inLanguage": config.language, "mainEntity": _person(author, absolute, full=True)}


def news_media_organization(config: Config, absolute: Absolute,
                            page_urls: frozenset[str] = frozenset()) -> dict:
    """schema.org NewsMediaOrganization: the outlet, its legal details and the pages of its
    policies that exist (see docs/trust.md)."""
    publisher = config.publisher
    data = {"@context": SCHEMA_ORG, **_organization(config, absolute),
            "@type": "NewsMediaOrganization"}
    legal = publisher.get("company") or publisher.get("name")
    optional = {"legalName": legal, "email": publisher.get("email"),
                "telephone": publisher.get("phone")}
    data.update((key, value) for key, value in optional.items() if value)
    if publisher.get("address"):
        data["address"] = {"@type": "PostalAddress", "streetAddress": publisher["address"]}
    if publisher.get("phone") or publisher.get("email"):
        contact = {"@type": "ContactPoint", "contactType": "customer service",
                   "telephone": publisher.get("phone"), "email": publisher.get("email")}
        data["contactPoint"] = {key: value for key, value in contact.items() if value}
    for prop, url in policy_links(config, set(page_urls)).items():
        data[prop] = absolute(url)
    return data


def _organization(config: Config, absolute: Absolute) -> dict:
    data = {"@type": "Organization", "name": config.publisher.get("name", config.title),
            "url": absolute("/")}
    if config.logo:
        data["logo"] = {"@type": "ImageObject", "url": absolute(config.logo)}
    return data


def home_meta(config: Config, absolute: Absolute,
              page_urls: frozenset[str] = frozenset()) -> PageMeta:
    website = {
        "@context": SCHEMA_ORG, "@type": "WebSite", "name": config.title,
        "url": absolute("/"), "inLanguage": config.language,
        "potentialAction": {"@type": "SearchAction",
                            "target": absolute("/search/") + "?q={search_term_string}",
                            "query-input": "required name=search_term_string"},
    }
    if config.description:
        website["description"] = config.description
    organization = news_media_organization(config, absolute, page_urls)
    return PageMeta(title=config.title, description=config.description or config.title,
                    canonical=absolute("/"), image=_logo(config, absolute),
                    feeds=feed_links(config), json_ld=(website, organization))


def listing_meta(config: Config, listing: Listing, page: ListingPage,
                 absolute: Absolute, reporter: Author | None = None) -> PageMeta:
    section = config.section(listing.key) if listing.kind == "section" else None
    trail = [(config.labels["home"], "/"), (listing.title, listing.url)]
    title = listing.title
    if page.number is not None:
        title = f"{listing.title} ({config.labels['page']} {page.number})"
        trail.append((title, page.url))
    description = (reporter.bio if reporter else None) or (
        f"{listing.title} - {config.description}" if config.description else listing.title)
    json_ld = [breadcrumbs(absolute, trail)]
    if reporter is not None and page.number is None:
        json_ld.insert(0, profile_page(config, reporter, absolute))
    image = absolute(reporter.photo) if reporter and reporter.photo else _logo(config, absolute)
    return PageMeta(title=title, description=description, canonical=absolute(page.url),
                    image=image, feeds=feed_links(config, section), json_ld=tuple(json_ld))


def standalone_meta(config: Config, page: StandalonePage, absolute: Absolute,
                    page_urls: frozenset[str]) -> PageMeta:
    """A standalone page; the about page also names the outlet (NewsMediaOrganization)."""
    json_ld = [breadcrumbs(absolute, [(config.labels["home"], "/"), (page.title, page.url)])]
    if page.url == about_url(config):
        json_ld.insert(0, news_media_organization(config, absolute, page_urls))
    return PageMeta(title=page.title, description=page.description or config.description
                    or page.title, canonical=absolute(page.url), image=_logo(config, absolute),
                    feeds=feed_links(config), json_ld=tuple(json_ld))


def breadcrumbs(absolute: Absolute, trail: list[tuple[str, str]]) -> dict:
    items = [{"@type": "ListItem", "position": n, "name": name, "item": absolute(url)}
             for n, (name, url) in enumerate(trail, 1)]
    return {"@context": SCHEMA_ORG, "@type": "BreadcrumbList", "itemListElement": items}


def utility_meta(config: Config, title: str) -> PageMeta:
    """Pages search engines should not index, such as the shared boxes page; render
    lifts `robots` for the search form and 404 (a host serves 404 with its status)."""
    return PageMeta(title=title, description=config.description or config.title,
                    feeds=feed_links(config), robots="noindex")


def _logo(config: Config, absolute: Absolute) -> str | None:
    return absolute(config.logo) if config.logo else None
