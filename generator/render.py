"""The Jinja environment: template lookup (site overrides, then theme), filters, pages.

Each render function takes the site model and one subject and returns HTML text.
"""

from __future__ import annotations

import hashlib
import traceback
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import jinja2
import markupsafe

from generator import seo
from generator.config import theme_dir
from generator.errors import Problem
from generator.model import Article, Config, Listing, ListingPage, SiteModel

WEEKDAYS = {"ko": "월화수목금토일", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


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


def make_environment(config: Config) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        url=lambda path: site_url(config, path),
        absolute_url=lambda path: absolute_url(config, path),
        day=lambda moment: format_day(moment, config),
        datetime=lambda moment: format_datetime(moment, config),
        isotime=lambda moment: moment.astimezone(config.timezone).isoformat(),
        json_ld=lambda data: markupsafe.Markup(seo.json_ld_text(data)),
    )
    return env


def site_url(config: Config, path: str) -> str:
    """A site path ('/local/') as a link that works under the base path ('/news/local/')."""
    if path.startswith(("http://", "https://", "//", "#", "mailto:")):
        return path
    return quote(config.base_path.rstrip("/") + path, safe="/%#?=&~-._:")


def absolute_url(config: Config, path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    origin = config.base_url[: len(config.base_url) - len(config.base_path)]
    return origin + site_url(config, path)


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
        "boxes": shared_boxes(model) if inline_shared else None,
    }


def shared_boxes(model: SiteModel) -> dict:
    """What the 최신기사 and section boxes show: the same on every page of a build."""
    config = model.config
    return {
        "latest": model.articles[: config.latest_count],
        "sections": [(s, model.sections[s.slug][: config.box_count]) for s in config.sections],
    }


def render_article(env, model: SiteModel, article: Article, body_html: str) -> str:
    context = _common(model, section=article.section.slug, inline_shared=False)
    context.update(article=article, body=body_html,
                   related=model.related.get(article.url, ()),
                   meta=seo.article_meta(model.config, article, _absolute(model)))
    return env.get_template("article.html").render(context)


def shows_shared_inline(listing: Listing, page: ListingPage) -> bool:
    """Section and latest front pages show the recency boxes inline.

    Tag and reporter front pages load them like article pages do: a site has
    hundreds of tags, and inlining would rewrite every tag page on every publish.
    """
    return page.number is None and listing.kind in ("section", "latest")


def render_listing(env, model: SiteModel, listing: Listing, page: ListingPage) -> str:
    section = listing.key if listing.kind == "section" else None
    context = _common(model, section=section, inline_shared=shows_shared_inline(listing, page))
    author = model.authors.get(listing.key) if listing.kind == "author" else None
    meta = seo.listing_meta(model.config, listing, page, _absolute(model),
                            author.bio if author else None)
    context.update(listing=listing, page=page, meta=meta)
    return env.get_template("listing.html").render(context)


def render_home(env, model: SiteModel) -> str:
    context = _common(model, section=None, inline_shared=True)
    context.update(top_story=model.articles[0] if model.articles else None,
                   meta=seo.home_meta(model.config, _absolute(model)))
    return env.get_template("index.html").render(context)


def render_recent(env, model: SiteModel) -> str:
    """The shared page that other pages load their recency boxes from."""
    context = _common(model, section=None, inline_shared=True)
    context.update(meta=seo.utility_meta(model.config, model.config.labels["latest"]))
    return env.get_template("recent.html").render(context)


def render_not_found(env, model: SiteModel) -> str:
    context = _common(model, section=None, inline_shared=False)
    context.update(meta=seo.utility_meta(model.config, model.config.labels["not_found"]))
    return env.get_template("404.html").render(context)


def _absolute(model: SiteModel):
    return lambda path: absolute_url(model.config, path)


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
