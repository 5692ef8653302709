"""`newsgen new`: write a new article file with valid front matter.

The file lists the optional keys commented out, so a reporter sees what can
be filled without opening the docs.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from generator.core.errors import NewsgenError, UsageError
from generator.core.slugs import SLUG_RE, file_slug, make_slug
from generator.sources.config import load_config
from generator.sources.content import CONTENT_DIR
from generator.sources.data import load_data

OPTIONAL_KEYS = (
    "# subtitle: 부제 (여러 줄이면 목록으로)",
    "# author: 기자 키 (data/authors.yaml)",
    "# tags: [태그1, 태그2]",
    "# image: /images/photo.jpg",
    "# image_alt: 사진 설명 (화면 낭독기용)",
    "# image_caption: ▲ 사진 설명",
    "# kind: 자체기사  # 또는 보도자료, 통신, 기고, 사설, 칼럼, 인터뷰",
)
# How far into a file its front matter's `slug:` is looked for.
HEAD_BYTES = 4096


def create_article(site_dir: Path, title: str, section: str, author: str | None,
                   slug: str | None, now: datetime) -> Path:
    """Create content/<section>/<slug>.md dated now in the site's time zone; return its path.

    A slug given with --slug that a file of the section already has is an
    error; one made from the title gets '-2', '-3'… instead.
    """
    config = load_config(site_dir)
    if config.section(section) is None:
        known = ", ".join(s.slug for s in config.sections)
        raise UsageError(f"unknown section '{section}' (known: {known})")
    if author is not None:
        data, _ = load_data(site_dir)
        if author not in data.authors:
            raise UsageError(f"unknown reporter '{author}': not in data/authors.yaml")
    if slug is not None and not SLUG_RE.match(slug):
        raise UsageError(f"'{slug}' is not a valid slug: lowercase letters, digits, hyphens")
    folder = site_dir / CONTENT_DIR / section
    taken = slugs_taken(folder)
    if slug is not None and slug in taken:
        raise NewsgenError(f"slug '{slug}' is taken in section '{section}' by "
                           f"{taken[slug].relative_to(site_dir).as_posix()}; "
                           "choose another with --slug")
    path = folder / f"{slug or _free_slug(make_slug(title), taken)}.md"
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:  # never over a file made meanwhile
        file.write(article_template(title, now.astimezone(config.timezone), author))
    return path


def article_template(title: str, local: datetime, author: str | None) -> str:
    """The new file's text: required keys filled, optional ones commented out."""
    lines = ["---", f"title: {json.dumps(title.strip(), ensure_ascii=False)}",
             f"date: {local:%Y-%m-%d %H:%M}"]
    optional = list(OPTIONAL_KEYS)
    if author:
        lines.append(f"author: {author}")
        optional = [line for line in optional if not line.startswith("# author:")]
    lines += ["draft: true", *optional, "---", "", "본문을 여기에 쓰세요.", ""]
    return "\n".join(lines)


def slugs_taken(folder: Path) -> dict[str, Path]:
    """The slug of each article file in a section folder, from `slug:` or its name."""
    taken: dict[str, Path] = {}
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        named = file_slug(path.stem)
        if named:
            taken.setdefault(named, path)
        declared = _declared_slug(path)
        if declared:
            taken.setdefault(declared, path)
    return taken


DECLARED_SLUG = re.compile(r"^slug:[ \t]*['\"]?([a-z0-9_-]+)['\"]?[ \t]*$", re.MULTILINE)


def _declared_slug(path: Path) -> str | None:
    try:
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    front = head.split("\n---", 1)[0]
    found = DECLARED_SLUG.search(front)
    return found.group(1) if found else None


def _free_slug(slug: str, taken: dict[str, Path]) -> str:
    free, number = slug, 2
    while free in taken:
        free = f"{slug}-{number}"
        number += 1
    return free
