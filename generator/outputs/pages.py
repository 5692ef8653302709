"""Plan every HTML page of the site with a key naming exactly what it shows.

A page is rendered again only when its key (plus the template, config and
data digests) differs from the last build's, so the plan is what makes
publishing one article touch only a handful of files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from generator.core.objects import Article, Listing, ListingPage, SiteModel
from generator.model.site import NEARBY_PAGES
from generator.outputs import corrections, feeds, legacy, pagesearch, redirects, sitemap
from generator.render import live
from generator.render import templates as render


@dataclass(frozen=True, slots=True)
class PagePlan:
    url: str
    kind: str
    key: str
    article: Article | None = None
    listing: Listing | None = None
    page: ListingPage | None = None
    subject: object = None  # a derived file's contents plan: a Feed, UrlSet, Redirect…


def plan_pages(model: SiteModel, reach: Reach | None = None) -> list[PagePlan]:
    """Every page of the site: home, shared boxes, 404, listings, articles, then the
    derived files; or only those a content change reaches (`reach`)."""
    shared = shared_key(model)
    whole = reach is None
    plans = fixed_plans(model, shared) + (standalone_plans(model) if whole else [])
    for listing in model.listings:
        plans += listing_plans(listing, shared)
    for article in model.articles if whole else reach.articles:
        plans.append(article_plan(article, model.related.get(article.url, ())))
        if article.live is not None:
            plans.append(live_plan(article))
    if whole:
        return plans + corrections_plans(model, shared) + plan_derived(model)
    subjects = sitemap.plan_sitemaps(model, reach.sitemap) if reach.sitemap \
        else sitemap.news_sitemap(model)
    return plans + feed_plans(model) + [sitemap_plan(subject) for subject in subjects]


@dataclass(frozen=True, slots=True)
class Reach:
    """The pages a content change reaches besides the shared ones, the listings' (as far
    as the model holds them), the feeds and the news sitemap: those of these articles,
    and the sitemap from its kept part on. The others' keys are as the last build left
    them: standalone pages, corrections, redirects and the legacy page show no
    article such a change touches (see engine/reach.py)."""

    articles: tuple[Article, ...]
    sitemap: sitemap.KeptSitemap | None = None  # None: only the news sitemap changes


def fixed_plans(model: SiteModel, shared: str) -> list[PagePlan]:
    """Home, the shared boxes' page, 404 and the search page."""
    plans = [
        PagePlan("/", "home", shared),
        PagePlan("/recent/", "recent", shared),
        PagePlan("/404.html", "not_found", "404"),
    ]
    if model.config.search:
        plans.append(PagePlan("/search/", "search", "search"))
    return plans


def standalone_plans(model: SiteModel) -> list[PagePlan]:
    """The pages of content/pages/: each shows its own file (the footer's links and the
    trust links, which name other pages, are in every page's global key)."""
    plans = [PagePlan(page.url, "standalone", page.digest, subject=page) for page in model.pages]
    found = pagesearch.searchable(model.pages) if model.config.search else ()
    if found:
        plans.append(PagePlan(pagesearch.FILE_URL, "page_search", pagesearch.pages_key(found),
                              subject=found))
    return plans


def corrections_plans(model: SiteModel, shared: str) -> list[PagePlan]:
    """The /corrections/ listing's pages and its feeds."""
    listing, correction_feeds = corrections.plan_corrections(model)
    plans = [PagePlan(p.url, "corrections", p.key, listing=p.listing, page=p.page)
             for p in listing_plans(listing, shared)]
    return plans + [PagePlan(f.url, "corrections_feed", corrections.feed_key(f), subject=f)
                    for f in correction_feeds]


def live_plan(article: Article) -> PagePlan:
    """A live page's live.json, keyed by its entries."""
    return PagePlan(live.live_url(article), "live", article.live.key, article=article)


def article_plan(article: Article, related: tuple[Article, ...]) -> PagePlan:
    # A digest names a file's bytes, hence its URL and all it shows; joining is
    # cheaper than hashing, and this runs for every changed article.
    key = "|".join([article.digest, *(a.digest for a in related),
                    *((article.live.key,) if article.live else ())])
    return PagePlan(article.url, "article", key, article=article)


def listing_plans(listing: Listing, shared: str) -> list[PagePlan]:
    """The listing's page plans."""
    return [PagePlan(page.url, "listing", _listing_key(listing, page, shared),
                     listing=listing, page=page) for page in listing.pages]


def plan_derived(model: SiteModel) -> list[PagePlan]:
    """Feeds, sitemaps, robots.txt, redirects and the IndexNow key file, each keyed by
    what it lists."""
    plans = feed_plans(model)
    plans += [sitemap_plan(subject) for subject in sitemap.plan_sitemaps(model)]
    return plans + redirect_plans(model) + legacy_plans(model) + key_file_plans(model)


def key_file_plans(model: SiteModel) -> list[PagePlan]:
    """IndexNow's key file at the output root: it proves the site sent the notices."""
    key = model.config.indexnow_key
    return [PagePlan(f"/{key}.txt", "key_file", key)] if key else []


def feed_plans(model: SiteModel) -> list[PagePlan]:
    return [PagePlan(f.url, "feed", feeds.feed_key(f), subject=f)
            for f in feeds.plan_feeds(model)]


def sitemap_plan(subject) -> PagePlan:
    return PagePlan(sitemap.subject_url(subject), "sitemap", sitemap.subject_key(subject),
                    subject=subject)


def redirect_plans(model: SiteModel) -> list[PagePlan]:
    return [PagePlan(r.url, "redirect", redirects.subject_key(r), subject=r)
            for r in redirects.plan_redirects(model)]


def legacy_plans(model: SiteModel) -> list[PagePlan]:
    return [PagePlan(s.url, "legacy", legacy.subject_key(s), subject=s)
            for s in legacy.plan_legacy(model)]


def shared_key(model: SiteModel) -> str:
    """What the shared recency boxes show, plus the day printed in the header."""
    boxes = render.shared_boxes(model)
    shown = [a.digest for a in boxes["latest"]]
    for section, articles in boxes["sections"]:
        shown += [section.slug, *(a.digest for a in articles)]
    banner = boxes["breaking"]
    if banner is not None:
        shown += ["breaking", repr(banner)]
    return _digest(model.now.astimezone(model.config.timezone).date().isoformat(), *shown)


def _listing_key(listing: Listing, page: ListingPage, shared: str) -> str:
    # The links name the date ranges of the pages they lead to.
    parts = [listing.title, listing.url, str(page.number), str(links_reach(listing, page)),
             *(a.digest for a in page.articles),
             *(f"{oldest.isoformat()}/{newest.isoformat()}"
               for _, _, oldest, newest in page.nearby)]
    if render.shows_shared_inline(listing, page):
        parts.append(shared)
    return _digest(*parts)


def links_reach(listing: Listing, page: ListingPage) -> int:
    """The highest page number the page's links depend on.

    Its links (newer, older, nearby numbers) follow from its URL, its number and
    this: cheaper to key than their repr, 35,000 times (the date ranges the
    nearby links print are keyed beside it). An archive page far from
    the newest end links to the same pages however many follow, so adding a page
    to a listing re-renders only its last few pages, not all of them.
    """
    last = listing.pages[-1].number or 0  # a listing's pages run to its last, or only the front
    return last if page.number is None else min(last, page.number + NEARBY_PAGES)


def render_plan(env, model: SiteModel, plan: PagePlan, body_html) -> str:
    """Render one planned page; `body_html(article)` fetches an article's body."""
    if plan.kind == "article":
        return render.render_article(env, model, plan.article, body_html(plan.article))
    if plan.kind in ("listing", "corrections"):
        return render.render_listing(env, model, plan.listing, plan.page)
    if plan.kind == "standalone":
        return render.render_standalone(env, model, plan.subject)
    if plan.kind == "page_search":
        return pagesearch.render_pages_index(model.config, plan.subject).decode("utf-8")
    if plan.kind == "live":
        return live.render_live_json(env, plan.article)
    if plan.kind == "corrections_feed":
        return corrections.render_feed(model.config, plan.subject)
    if plan.kind == "home":
        return render.render_home(env, model)
    if plan.kind == "feed":
        return feeds.render_feed(model, plan.subject, body_html)
    if plan.kind == "sitemap":
        return sitemap.render_sitemap(model, plan.subject)
    if plan.kind == "redirect":
        return redirects.render_redirect(model, plan.subject)
    if plan.kind == "legacy":
        return legacy.render_legacy(model, plan.subject)
    if plan.kind == "recent":
        return render.render_recent(env, model)
    if plan.kind == "key_file":
        return plan.key
    if plan.kind == "search":
        return render.render_search(env, model)
    return render.render_not_found(env, model)


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()
