"""Checks of the site as a whole that the build reports on every run, whatever it plans:
the legal masthead, the [trust] pages, the default social image.

They read only site.toml, the content scan's page names and one image's header,
so a build over an empty change set or over part of the site reports them
too, and a warning among them never makes a build plan the whole site.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from generator.core.errors import Problem
from generator.core.objects import Config
from generator.sources.config import CONFIG_NAME
from generator.sources.pages import is_page_file, page_url
from generator.sources.trust import check_masthead, check_trust_pages, top_level_line

# Google Discover and the portals' large cards ask for images at least this wide.
CARD_WIDTH = 1200


def site_notices(config: Config, scan: list[tuple[str, int, str]],
                 static: dict[str, Path]) -> list[Problem]:
    """Problems with site.toml's masthead, trust pages and default image."""
    try:
        text = (config.site_dir / CONFIG_NAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    urls = {page_url(rel) for rel, _, _ in scan if is_page_file(rel)}
    return [*check_masthead(config, text), *check_trust_pages(config, urls, text),
            *_card_width(config, static, text)]


def _card_width(config: Config, static: dict[str, Path], text: str) -> list[Problem]:
    image = config.trust.default_image
    if image is None or image.startswith(("https://", "http://")):
        return []
    line = top_level_line(text, "default_image")
    source = static.get(image.lstrip("/"))
    if source is None:
        return [Problem(CONFIG_NAME, line, "default_image",
                        f"no file {image} in static/: articles without a photo get no card",
                        True)]
    try:
        with Image.open(source) as opened:
            width = opened.width
    except (OSError, UnidentifiedImageError, ValueError):
        return [Problem(CONFIG_NAME, line, "default_image", f"{image} is not an image", True)]
    if width < CARD_WIDTH:
        return [Problem(CONFIG_NAME, line, "default_image",
                        f"{image} is {width} px wide; social cards need at least "
                        f"{CARD_WIDTH} px", True)]
    return []

