"""`newsgen new`: write a new article file with valid front matter."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from generator.core.errors import UsageError
from generator.core.slugs import SLUG_RE, make_slug
from generator.sources.config import load_config
from generator.sources.content import CONTENT_DIR
from generator.sources.data import load_data


def create_article(site_dir: Path, title: str, section: str, author: str | None,
                   slug: str | None, now: datetime) -> Path:
    """Create content/<section>/<slug>.md dated now in the site's time zone; return its path."""
    config = load_config(site_dir)
    if config.section(section) is None:
        known = ", ".join(s.slug for s in config.sections)
        raise UsageError(f"unknown section '{section}' (known: {known})")
    if author is not None:
        data, _ = load_data(site_dir)
        if author not in data.authors:
            raise UsageError(f"unknown reporter '{author}': not in data/authors.yaml")
    slug = slug or make_slug(title)
    if not SLUG_RE.match(slug):
        raise UsageError(f"'{slug}' is not a valid slug: lowercase letters, digits, hyphens")
    folder = site_dir / CONTENT_DIR / section
    path = _free_path(folder, slug)
    local = now.astimezone(config.timezone)
    lines = ["---", f"title: {json.dumps(title.strip(), ensure_ascii=False)}",
             f"date: {local:%Y-%m-%d %H:%M}"]
    if author:
        lines.append(f"author: {author}")
    lines += ["tags: []", "draft: true", "---", "", "본문을 여기에 쓰세요.", ""]
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _free_path(folder: Path, slug: str) -> Path:
    path = folder / f"{slug}.md"
    number = 2
    while path.exists():
        path = folder / f"{slug}-{number}.md"
        number += 1
    return path
