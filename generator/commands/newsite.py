"""`newsgen init`: write a new site that builds at once, from the starter files in
`generator/starter/`.

The files are staged in a hidden folder beside the target and checked with the config
loader before any of them moves into place, so a bad `--base-url` leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from generator import __version__
from generator.core.errors import BuildFailed, NewsgenError, Problem, UsageError
from generator.sources.config import load_config

STARTER = Path(__file__).resolve().parents[1] / "starter"
# Starter files whose names start with a dot would be hidden in this repository
# (and a `.gitignore` there would ignore files of the repository itself).
DOT_PREFIX = "dot-"
TIMEZONE = ZoneInfo("Asia/Seoul")  # the starter site.toml's timezone
LOGO = "static/images/logo.svg"
OPTIONS = {"title": "--title", "base_url": "--base-url"}  # site.toml keys set from the command line


def create_site(target: Path, title: str, base_url: str, now: datetime) -> tuple[Path, ...]:
    """Write a new site into `target` (missing or empty); return the files written."""
    title = title.strip()
    if not title:
        raise UsageError("--title may not be empty")
    _check_empty(target)
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".newsgen-init-", dir=parent))
    try:
        _write_starter(staging, _placeholders(title, base_url, now))
        (staging / LOGO).write_text(logo_svg(title), encoding="utf-8")
        _check_config(staging)
        return _move_into(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_empty(target: Path) -> None:
    if target.is_dir():
        if any(target.iterdir()):
            raise NewsgenError(f"{target} is not empty; init writes a new site only into "
                               "an empty or new folder")
    elif target.exists() or target.is_symlink():
        raise NewsgenError(f"{target} exists and is not a folder")


def _placeholders(title: str, base_url: str, now: datetime) -> dict[str, str]:
    quoted = json.dumps(title, ensure_ascii=False)  # a JSON string is a TOML and YAML string
    return {
        "__TITLE__": quoted,
        "__TITLE_YAML__": quoted[1:-1],
        "__DESCRIPTION__": json.dumps(f"{title}의 소식", ensure_ascii=False),
        "__BASE_URL__": json.dumps(base_url, ensure_ascii=False),
        "__DATE__": f"{now.astimezone(TIMEZONE):%Y-%m-%d %H:%M}",
        "__VERSION__": __version__,
    }


def _write_starter(site: Path, placeholders: dict[str, str]) -> None:
    for source in sorted(STARTER.rglob("*")):
        if not source.is_file():
            continue
        parts = source.relative_to(STARTER).parts
        path = site.joinpath(*(_target_name(part) for part in parts))
        path.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        for marker, value in placeholders.items():
            text = text.replace(marker, value)
        path.write_text(text, encoding="utf-8")
    (site / "static" / "images").mkdir(parents=True, exist_ok=True)


def _target_name(part: str) -> str:
    return "." + part[len(DOT_PREFIX):] if part.startswith(DOT_PREFIX) else part


def _check_config(site: Path) -> None:
    """Only the command line's values can make the starter site.toml invalid."""
    try:
        load_config(site)
    except BuildFailed as failure:
        raise UsageError("; ".join(_as_option(p) for p in failure.problems)) from None


def _as_option(problem: Problem) -> str:
    if problem.field in OPTIONS:
        return f"{OPTIONS[problem.field]}: {problem.message}"
    return str(problem)


def _move_into(staging: Path, target: Path) -> tuple[Path, ...]:
    files = tuple(sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file()))
    target.mkdir(exist_ok=True)
    for entry in staging.iterdir():
        os.rename(entry, target / entry.name)
    return files


def logo_svg(title: str) -> str:
    """A placeholder masthead logo: the title beside a blue bar, as text the browser sets."""
    # Hangul and other wide characters take about one em; Latin letters about 0.6 em.
    ems = sum(1.0 if ord(char) > 0x2E80 else 0.6 for char in title)
    width = round(32 + ems * 40)
    label = escape(title, {'"': "&quot;"})
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="60" '
            f'viewBox="0 0 {width} 60" role="img" aria-label="{label}">'
            '<rect x="0" y="8" width="8" height="44" fill="#0a3d8f"/>'
            '<text x="22" y="45" font-size="40" font-weight="800" fill="#1a1a1a" '
            'font-family="Apple SD Gothic Neo, Malgun Gothic, Noto Sans KR, NanumGothic, '
            f'sans-serif">{escape(title)}</text></svg>\n')
