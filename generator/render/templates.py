"""The Jinja environment: template lookup (site overrides, then theme), filters, pages.

Each render function takes the site model and one subject and returns HTML text.
"""

from __future__ import annotations

import hashlib
import re
import traceback
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup, escape

from generator.core.errors import Problem
from generator.core.objects import (
    Article,
    Config,
    Listing,
    ListingPage,
    SiteModel,
    StandalonePage,
)
from generator.model.standalone import footer_pages
from generator.model.urls import absolute_url, site_url
from generator.render import seo
from generator.sources.config import theme_dir
from generator.sources.data import observed_time

if TYPE_CHECKING:
    from generator.render.assets import Assets
    from generator.render.images import ImageSet, Variant

WEEKDAYS = {"ko": "월화수목금토일", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
# A section box picks its photo lead from this many times box_count of its newest articles.
BOX_POOL = 3
FRONT_COUNT = 5  # the home page's top story and the row of four beside it
# A middle dot with the character (or character reference) on each side of it.
MIDDLE_DOT = re.compile(r"(&#?\w+;|[^\s<&])([·ㆍ])(&#?\w+;|[^\s<&])")
# An element whose text must stay as written, a tag, or the text between tags.
HTML_TOKEN = re.compile(r"<(script|style|pre|code|title|textarea|option)\b.*?</\1\s*>|<[^>]*>"
                        r"|[^<]+", re.S | re.I)
# The footer prints the publisher's fields in this order; other keys follow as written.
PUBLISHER_ORDER = ("name", "registration", "registered", "publisher", "editor", "address",
                   "phone", "email", "youth_officer")


def template_dirs(config: Config) -> list[Path]:
    """Site templates first so a file of the same name overrides the theme's."""
    dirs = [config.site_dir / "templates", theme_dir(config.site_dir, config.theme) / "templates"]
    return [d for d in dirs if d.is_dir()]


def templates_digest(config: Config) -> str:
    """A digest of every template file: any template change re-renders every page."""
    digest = hashlib.sha256()
    for folder in template_dirs(config):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def make_environment(config: Config, assets: Assets | None = None,
                     compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The theme's Jinja environment with newsgen's filters and globals (see docs/theme.md).

    `compiled` keeps compiled templates for later builds (the cache's). Jinja
    folds a filter of a constant (`"style.css" | asset`) into the compiled code
    when it can; newsgen's filters depend on the config and the assets, so each
    is marked as one that cannot be folded, and the code depends on the
    templates' sources alone.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update({name: _unfolded(function) for name, function in dict(
        url=lambda path: site_url(config, path),
        absolute_url=lambda path: absolute_url(config, path),
        day=lambda moment: format_day(moment, config),
        datetime=lambda moment: format_datetime(moment, config),
        isotime=lambda moment: moment.astimezone(config.timezone).replace(
            microsecond=0).isoformat(),
        isodate=lambda moment: moment.astimezone(config.timezone).date().isoformat(),
        asset=lambda name: site_url(config, _assets_or_fail(assets).url_path(name)),
        srcset=lambda variants: srcset(config, variants),
        lede=lede,
        moment=lambda value: _local_moment(value, config),
        clock=lambda moment: f"{moment.astimezone(config.timezone):%H:%M}",
        json_ld=lambda data: Markup(seo.json_ld_text(data)),
    ).items()})
    env.globals.update(
        image=lambda path: lead_image(assets, path),
        publisher=publisher_fields(config),
    )
    return env


def _unfolded(function):
    """The filter, as one Jinja never calls at compile time (it takes the context)."""
    return jinja2.pass_context(lambda context, *args, **options: function(*args, **options))


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates in memory; Jinja compiles a template again when its source
    changed (it checks each template's checksum)."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


def _assets_or_fail(assets: Assets | None) -> Assets:
    if assets is None:
        raise LookupError("no assets were collected for this environment")
    return assets


def lead_image(assets: Assets | None, path: str | None) -> ImageSet | None:
    """The resized copies of a lead image, or None for remote or unprocessed images."""
    if assets is None or not path:
        return None
    return assets.images.sets.get(path)


def srcset(config: Config, variants: tuple[Variant, ...]) -> str:
    """'/images/a-320w.x.webp 320w, /images/a-640w.x.webp 640w' under the base path."""
    return ", ".join(f"{site_url(config, v.url)} {v.width}w" for v in variants)


def _local_moment(value: object, config: Config) -> datetime | None:
    """A time from a data file in the site's time zone (naive times are local), or None."""
    moment = observed_time(value)
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=config.timezone)


def lede(body_html: str, prefix: str) -> Markup:
    """Put the byline ('매체명 기자명 기자 |') at the start of the body's first paragraph."""
    body = str(body_html)
    start = body.lstrip()
    if start.startswith("<p>"):
        offset = len(body) - len(start) + 3
        return Markup(body[:offset]) + escape(prefix) + Markup(" " + body[offset:])
    return Markup("<p>") + escape(prefix) + Markup("</p>\n" + body)


def publisher_fields(config: Config) -> tuple[tuple[str, str, str], ...]:
    """(key, label, value) for the footer: known fields in order, labels from config."""
    keys = [k for k in PUBLISHER_ORDER if k in config.publisher]
    keys += [k for k in config.publisher if k not in PUBLISHER_ORDER]
    labels = config.labels
    return tuple((key, labels.get(f"publisher_{key}") or key.replace("_", " ").capitalize(),
                  config.publisher[key]) for key in keys)


def format_day(moment: datetime, config: Config) -> str:
    """'2024.05.03 (금)' in Korean; '2024.05.03 (Fri)' otherwise."""
    local = moment.astimezone(config.timezone)
    names = WEEKDAYS.get(config.language, WEEKDAYS["en"])
    return f"{local:%Y.%m.%d} ({names[local.weekday()]})"


def format_datetime(moment: datetime, config: Config) -> str:
    """'2024.05.03 14:20' in the site's time zone."""
    return f"{moment.astimezone(config.timezone):%Y.%m.%d %H:%M}"


def _common(model: SiteModel, *, section: str | None, inline_shared: bool) -> dict:
    return {
        "site": model.config,
        "labels": model.config.labels,
        "sections": model.config.sections,
        "data": model.data,
        "now": model.now,
        "current_section": section,
        "inline_shared": inline_shared,
        "boxes": shown_boxes(shared_boxes(model), model.config) if inline_shared else None,
        "footer_pages": footer_pages(model.pages),
    }


def shared_boxes(model: SiteModel) -> dict:
    """What the 최신기사 and section boxes choose from: the same on every page of a build.

    A section box picks its photo from the section's newest box_pool(config) articles.
    """
    config = model.config
    pool = box_pool(config)
    return {
        "latest": model.articles[: latest_pool(config)],
        "sections": [(s, model.sections[s.slug][:pool]) for s in config.sections],
        "breaking": breaking_banner(model),
    }


def breaking_banner(model: SiteModel):
    """The breaking-news banner of data/breaking.yaml while it has not expired, or None."""
    banner = model.data.get("breaking")
    shown = banner is not None and banner.shown_at(model.now, model.config.timezone)
    return banner if shown else None


def latest_pool(config: Config) -> int:
    """How many of the newest articles the home page's front and its 최신기사 box, which
    leaves the front out, choose from; other pages' 최신기사 show the first latest_count."""
    return config.latest_count + FRONT_COUNT


def box_pool(config: Config) -> int:
    """How many of a section's newest articles its box chooses from."""
    return config.box_count * BOX_POOL


def shown_boxes(boxes: dict, config: Config, shown: frozenset = frozenset()) -> dict:
    """The boxes as pages show them, leaving out the articles in `shown`: 최신기사 in
    date order; each section box led by its newest article with a photo, then its
    newest headlines, box_count in all."""
    return {
        "latest": tuple(a for a in boxes["latest"] if a not in shown)[: config.latest_count],
        "sections": [(section, photo_first([a for a in pool if a not in shown],
                                           config.box_count))
                     for section, pool in boxes["sections"]],
        "breaking": boxes.get("breaking"),
    }


def photo_first(articles: list[Article], count: int) -> tuple[Article, ...]:
    """The newest article with a photo, then the newest others: `count` in all."""
    lead = next((a for a in articles if a.image), None)
    rest = [a for a in articles if a is not lead]
    return tuple([lead, *rest] if lead else rest)[:count]


def render_article(env, model: SiteModel, article: Article, body_html: str) -> str:
    context = _common(model, section=article.section.slug, inline_shared=False)
    context.update(article=article, body=body_html,
                   related=model.related.get(article.url, ()),
                   meta=seo.article_meta(model.config, article, _absolute(model)))
    return keep_words_together(env.get_template("article.html").render(context))


def shows_shared_inline(listing: Listing, page: ListingPage) -> bool:
    """Section and latest front pages show the recency boxes inline.

    Tag and reporter front pages load them like article pages do: a site has
    hundreds of tags, and inlining would rewrite every tag page on every publish.
    """
    return page.number is None and listing.kind in ("section", "latest")


def render_listing(env, model: SiteModel, listing: Listing, page: ListingPage) -> str:
    section = listing.key if listing.kind == "section" else None
    context = _common(model, section=section, inline_shared=shows_shared_inline(listing, page))
    reporter = model.authors.get(listing.key) if listing.kind == "author" else None
    meta = seo.listing_meta(model.config, listing, page, _absolute(model), reporter)
    context.update(listing=listing, page=page, reporter=reporter, meta=meta)
    template = "corrections.html" if listing.kind == "corrections" else "listing.html"
    return keep_words_together(env.get_template(template).render(context))


def render_home(env, model: SiteModel) -> str:
    context = _common(model, section=None, inline_shared=False)
    boxes = shared_boxes(model)
    top_story, secondary = front_page(boxes["latest"])
    front = frozenset(a for a in (top_story, *secondary) if a is not None)
    context.update(top_story=top_story, secondary=secondary, inline_shared=True,
                   boxes=shown_boxes(boxes, model.config, front),
                   meta=seo.home_meta(model.config, _absolute(model), _page_urls(model)))
    return keep_words_together(env.get_template("index.html").render(context))


def front_page(latest: tuple[Article, ...]) -> tuple[Article | None, tuple[Article, ...]]:
    """The top story (the newest with a photo) and four more, photos first: all from
    최신기사, so the home page changes exactly when that box does. The boxes below
    leave these out."""
    top = next((a for a in latest if a.image), latest[0] if latest else None)
    rest = [a for a in latest if a is not top]
    return top, tuple(sorted(rest, key=lambda a: not a.image)[:4])  # stable: newest first


def render_standalone(env, model: SiteModel, page: StandalonePage) -> str:
    """A page of content/pages/ (about, a policy) in the theme's page.html."""
    context = _common(model, section=None, inline_shared=False)
    context.update(page=page, body=Markup(page.body_html),
                   meta=seo.standalone_meta(model.config, page, _absolute(model),
                                            _page_urls(model)))
    return keep_words_together(env.get_template("page.html").render(context))


def _page_urls(model: SiteModel) -> frozenset[str]:
    return frozenset(page.url for page in model.pages)


def render_recent(env, model: SiteModel) -> str:
    """The shared page that other pages load their recency boxes from."""
    context = _common(model, section=None, inline_shared=True)
    context.update(meta=seo.utility_meta(model.config, model.config.labels["latest"]))
    return keep_words_together(env.get_template("recent.html").render(context))


def render_search(env, model: SiteModel) -> str:
    """The search page: a form, and the script that queries the static index."""
    context = _common(model, section=None, inline_shared=False)
    meta = seo.utility_meta(model.config, model.config.labels["search"])
    # Indexable: the bare form is a page like any other, and ?q= variants name it canonical.
    context.update(meta=replace(meta, canonical=absolute_url(model.config, "/search/"),
                                robots=None))
    return keep_words_together(env.get_template("search.html").render(context))


def render_not_found(env, model: SiteModel) -> str:
    context = _common(model, section=None, inline_shared=False)
    # No noindex: hosts serve it with status 404, which search engines never index.
    meta = seo.utility_meta(model.config, model.config.labels["not_found"])
    context.update(meta=replace(meta, robots=None))
    return keep_words_together(env.get_template("404.html").render(context))


def _absolute(model: SiteModel):
    return lambda path: absolute_url(model.config, path)


def keep_words_together(html: str) -> str:
    """Keep a middle dot on the line of the words beside it ('군포·의왕').

    Browsers may break a line before '·' even under `word-break: keep-all`, leaving a
    line that starts with it, and CSS has no rule against that: the dot and its two
    neighbours go in a `<span class="nb">` the theme does not wrap. The text itself is
    unchanged; tags, scripts, the title and code are left as they are.
    """
    if "·" not in html and "ㆍ" not in html:
        return html
    return HTML_TOKEN.sub(_glue_text, html)


def _glue_text(match: re.Match) -> str:
    text = match.group(0)
    return text if text.startswith("<") else MIDDLE_DOT.sub(r'<span class="nb">\1\2\3</span>',
                                                            text)


def template_problem(error: Exception, config: Config) -> Problem:
    """Name the template file and line of a Jinja error, for syntax and runtime errors."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(_display_path(error.filename, config), error.lineno, None, error.message)
    if isinstance(error, UnicodeDecodeError):
        return _undecodable_template(config) or Problem("templates", None, None, str(error))
    message = str(error)
    if isinstance(error, jinja2.TemplateNotFound):
        message = f"template '{error.name}' not found"
    elif isinstance(error, RecursionError):
        message = "templates include or extend each other without end"
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if frame.filename.endswith((".html", ".xml", ".txt", ".json")):
            return Problem(_display_path(frame.filename, config), frame.lineno, None, message)
    if isinstance(error, jinja2.TemplateError):
        return Problem("templates", None, None, message)
    return Problem("templates", None, None, f"{type(error).__name__}: {message}")


def _undecodable_template(config: Config) -> Problem | None:
    """Jinja does not say which file failed to decode, so look for it."""
    for folder in template_dirs(config):
        for path in sorted(folder.rglob("*")):
            try:
                if path.is_file():
                    path.read_text(encoding="utf-8")
            except UnicodeDecodeError as err:
                return Problem(_display_path(str(path), config), None, None,
                               f"is not valid UTF-8 (byte 0x{err.object[err.start]:02x} at "
                               f"offset {err.start}); save the file as UTF-8")
    return None


def _display_path(filename: str | None, config: Config) -> str:
    if not filename:
        return "templates"
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(config.site_dir.resolve()))
    except ValueError:
        return str(path)
