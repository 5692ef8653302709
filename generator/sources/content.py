"""Find content files, validate their front matter and turn them into Articles.

`parse_source` checks everything a single file can tell (types, dates, slug);
`make_article` adds what needs the rest of the site (sections, reporters).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from generator.core.errors import Problem
from generator.core.kinds import ORIGINAL, allowed_kinds, kind_slug
from generator.core.legacyurls import check_legacy_id, check_query_url
from generator.core.objects import (
    Article,
    Author,
    Config,
    Correction,
    FrontMatter,
    Live,
    RenderedBody,
    Source,
    SourceEntry,
    Tag,
)
from generator.core.sitefiles import is_inside
from generator.core.slugs import SLUG_RE, check_url_path, file_slug, tag_slug
from generator.core.stamps import file_stamp, settled_stat
from generator.sources.frontmatter import RawDocument, decode_source, split_document

CONTENT_DIR = "content"
KNOWN_KEYS = ("title", "subtitle", "date", "updated", "author", "authors", "tags", "summary",
              "image", "image_alt", "image_caption", "slug", "draft", "aliases", "section",
              "expires", "kind", "agency", "legacy_id",
              "corrections", "live", "coverage_end")
# Correction types as front matter may name them (Korean or English), by their key.
CORRECTION_TYPES = {"정정": "correction", "정정보도": "correction", "correction": "correction",
                    "반론": "reply", "반론보도": "reply", "reply": "reply",
                    "추후": "follow-up", "추후보도": "follow-up", "follow-up": "follow-up",
                    "수정": "update", "update": "update"}
CORRECTION_KEYS = ("date", "type", "text")
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y.%m.%d",
                "%Y/%m/%d %H:%M", "%Y/%m/%d")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# An article is text: anything bigger is a mistake (a pasted file), and rendering it
# would take minutes and gigabytes.
MAX_SOURCE_BYTES = 4 * 1024 * 1024
MAX_SLUG_LENGTH = 120
MAX_TAG_LENGTH = 80
YEARS = range(1000, 3000)


def find_sources(site_dir: Path) -> list[Path]:
    """Every Markdown file under content/, sorted, skipping hidden and '_' names.

    Links that leave the site are skipped here and reported by `sitefiles`.
    """
    return [site_dir / rel for rel, _, _ in scan_sources(site_dir)]


def scan_sources(site_dir: Path) -> list[tuple[str, int, str]]:
    """(path relative to the site, size, stamp) of each file `find_sources` finds, sorted.

    One scandir pass, no Path objects: a 100,000-article site is scanned on
    every build, and this is what a no-change build mostly costs.
    """
    found: list[tuple[str, int, str]] = []
    _scan(site_dir / CONTENT_DIR, f"{CONTENT_DIR}/", site_dir, set(), found)
    return sorted(found)


def _scan(folder: Path, prefix: str, site_dir: Path, seen: set[str], found: list) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith((".", "_")):
            continue
        if entry.is_symlink() and not is_inside(Path(entry.path), site_dir):
            continue
        if entry.is_dir():
            real = os.path.realpath(entry.path)
            if real not in seen:  # a link back up the tree must not loop forever
                seen.add(real)
                _scan(Path(entry.path), f"{prefix}{name}/", site_dir, seen, found)
        elif name.endswith(".md") and entry.is_file():
            stat = settled_stat(entry.path, entry.stat())
            found.append((prefix + name, stat.st_size, file_stamp(stat)))


Opened = tuple[RawDocument, "FieldChecker"]


def open_document(rel_path: str, raw: bytes, tz: ZoneInfo, too_big: str,
                  limit: int = MAX_SOURCE_BYTES) -> Opened | list[Problem]:
    """A content file's front matter and body, with a checker holding its warnings so far;
    or its problems. `too_big` says what is wrong with a file over `limit` bytes."""
    if len(raw) > limit:
        return [Problem(rel_path, None, None, too_big)]
    text = decode_source(rel_path, raw)
    if isinstance(text, Problem):
        return [text]
    document = split_document(rel_path, text)
    if isinstance(document, Problem):
        return [document]
    checker = FieldChecker(rel_path, document.lines, tz)
    checker.problems.extend(document.warnings)
    return document, checker


def parse_source(rel_path: str, raw: bytes, tz: ZoneInfo) -> Source | list[Problem]:
    """Validate one file's bytes into a Source, or return its problems."""
    opened = open_document(rel_path, raw, tz, f"is {len(raw) / 1024 / 1024:.1f} MB; an article "
                           f"may be at most {MAX_SOURCE_BYTES // 1024 // 1024} MB of text")
    if isinstance(opened, list):
        return opened
    document, checker = opened
    meta = checker.front_matter(document.values)
    if meta is None or any(not p.warning for p in checker.problems):
        return checker.problems
    folder = _folder_section(rel_path)
    source = Source(rel_path, folder, meta, document.body, source_digest(rel_path, raw),
                    document.body_line)
    return [*checker.problems, source] if checker.problems else source


def source_digest(rel_path: str, raw: bytes) -> str:
    """What identifies a file's content: its path and bytes."""
    return hashlib.sha256(rel_path.encode() + b"\0" + raw).hexdigest()[:20]


def _folder_section(rel_path: str) -> str | None:
    parts = rel_path.split("/")
    return parts[1] if len(parts) > 2 else None


class FieldChecker:
    """Turns raw YAML values into typed fields, collecting a Problem per bad field."""

    def __init__(self, path: str, lines: dict, tz: ZoneInfo):
        self.path, self.lines, self.tz = path, lines, tz
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str, warning: bool = False) -> None:
        line = self.lines.get(key, 2)
        self.problems.append(Problem(self.path, line, key, message, warning))

    def front_matter(self, values: dict) -> FrontMatter | None:
        self._unknown_keys(values)
        title = self.text(values, "title", required=True)
        published = self.datetime(values, "date", required=True)
        if "author" in values and "authors" in values:
            self.problem("authors", "give either 'author' or 'authors', not both")
        meta = dict(
            subtitle=self.text_list(values, "subtitle"),
            updated=self.datetime(values, "updated"),
            authors=self.text_list(values, "authors") or self.text_list(values, "author"),
            tags=self.tags(values),
            summary=self.text(values, "summary"),
            image=self.image(values),
            image_alt=self.text(values, "image_alt"),
            image_caption=self.text(values, "image_caption"),
            slug=self.slug(values),
            section=self.text(values, "section"),
            draft=self.flag(values, "draft"),
            aliases=self.aliases(values),
            expires=self.datetime(values, "expires"),
            kind=self.kind(values),
            agency=self.text(values, "agency"),
            legacy_id=self.legacy_id(values),
            live=self.flag(values, "live") if "live" in values else None,
            coverage_end=self.datetime(values, "coverage_end"),
        )
        if meta["agency"] and meta["kind"] != "wire":
            self.problem("agency", "is only used with 'kind: wire'; ignored", warning=True)
        if title is None or published is None:
            return None
        if meta["updated"] and meta["updated"] < published:
            self.problem("updated", "is earlier than date")
        if meta["expires"] and meta["expires"] <= published:
            self.problem("expires", "is not later than date: the article would never be shown")
        if meta["coverage_end"] and meta["live"] is None:
            self.problem("coverage_end", "needs 'live: true' (or false): only a live page "
                         "has coverage", warning=True)
        meta["corrections"] = self.corrections(values, published)
        return FrontMatter(title=title, date=published, lines=MappingProxyType(self.lines),
                           **meta)

    def _unknown_keys(self, values: dict) -> None:
        for key in values:
            if not isinstance(key, str):
                self.problems.append(Problem(self.path, self.lines.get(_yaml_text(key), 2),
                                             None, f"the key {_quote(key)} is not a field "
                                             "name; keys are words like 'title'"))
            elif key not in KNOWN_KEYS:
                near = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                self.problem(key, f"unknown key, ignored{hint}", warning=True)

    def _report_missing(self, key: str, required: bool) -> None:
        if required:
            self.problems.append(Problem(self.path, self.lines.get(key, 1), key, "is required"))

    def text(self, values: dict, key: str, required: bool = False) -> str | None:
        value = values.get(key)
        if value is None:
            self._report_missing(key, required)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(key, f"must be text, not {_kind(value)}{_quote_hint(value)}")
            return None
        cleaned = _clean_text(value)
        if not cleaned and required:
            self.problem(key, "must not be empty")
            return None
        return cleaned or None

    def text_list(self, values: dict, key: str) -> tuple[str, ...]:
        value = values.get(key)
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        texts = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.problem(key, "must be text or a list of text, not "
                             f"{_kind(item)}{_quote_hint(item)}")
                return ()
            cleaned = _clean_text(item)
            if cleaned:
                texts.append(cleaned)
        return tuple(texts)

    def datetime(self, values: dict, key: str, required: bool = False) -> datetime | None:
        value = values.get(key)
        if value is None:
            self._report_missing(key, required)
            return None
        moment = _to_moment(value)
        if moment is None:
            self.problem(key, f"{_quote(value)} is not a date "
                         "(write it like 2024-05-03 or 2024-05-03 14:20)")
            return None
        if moment.year not in YEARS:
            # also keeps every later time-zone conversion inside what datetime can hold
            self.problem(key, f"{_quote(value)} is out of range (years {YEARS.start} to "
                         f"{YEARS.stop - 1})")
            return None
        return moment.replace(tzinfo=self.tz) if moment.tzinfo is None \
            else moment.astimezone(self.tz)

    def flag(self, values: dict, key: str) -> bool:
        value = values.get(key, False)
        if not isinstance(value, bool):
            self.problem(key, f"must be true or false, not {_quote(value)}")
            return False
        return value

    def tags(self, values: dict) -> tuple[str, ...]:
        tags = self.text_list(values, "tags")
        for tag in tags:
            if not tag_slug(tag):
                self.problem("tags", f"{_quote(tag)} has no letters or digits to make a URL from")
                return ()
            if len(tag) > MAX_TAG_LENGTH:
                self.problem("tags", f"{_quote(tag)} is longer than {MAX_TAG_LENGTH} characters")
                return ()
        return tuple(dict.fromkeys(tags))

    def slug(self, values: dict) -> str | None:
        slug = values.get("slug")
        if slug is None:
            return None
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            self.problem("slug", f"{_quote(slug)} is not a valid slug: use lowercase letters, "
                         "digits and hyphens, without '/', '..' or spaces")
            return None
        if len(slug) > MAX_SLUG_LENGTH:
            self.problem("slug", f"is longer than {MAX_SLUG_LENGTH} characters")
            return None
        return slug

    def image(self, values: dict) -> str | None:
        image = self.text(values, "image")
        if image is None or image.startswith(("https://", "http://")):
            return image
        message = check_url_path(image)
        if message:
            self.problem("image", f"{_quote(image)} {message}")
            return None
        return image

    def kind(self, values: dict) -> str:
        value = values.get("kind")
        if value is None:
            return ORIGINAL
        slug = kind_slug(value) if isinstance(value, str) else None
        if slug is None:
            self.problem("kind", f"{_quote(value)} is not a kind of article; use one of: "
                         f"{allowed_kinds()}")
            return ORIGINAL
        return slug

    def legacy_id(self, values: dict) -> str | None:
        value = self.text(values, "legacy_id")
        message = None if value is None else check_legacy_id(value)
        if message:
            self.problem("legacy_id", f"{_quote(value)} {message}")
            return None
        return value

    def corrections(self, values: dict, published: datetime) -> tuple:
        """Each correction as (ISO time, type key, text), oldest first."""
        items = values.get("corrections")
        if items is None:
            return ()
        if not isinstance(items, list):
            self.problem("corrections", "must be a list of entries with date, type and text")
            return ()
        found = [self._correction(index, item, published) for index, item in enumerate(items)]
        return tuple(sorted(c for c in found if c is not None))

    def _correction(self, index: int, item, published: datetime) -> tuple | None:
        name = f"corrections[{index}]"
        line = self.lines.get(name, self.lines.get("corrections", 2))

        def problem(field: str | None, message: str, warning: bool = False) -> None:
            where = f"{name}.{field}" if field else name
            self.problems.append(Problem(self.path, self.lines.get(where, line), where,
                                         message, warning))

        if not isinstance(item, dict):
            problem(None, f"must be an entry with date, type and text, not {_kind(item)}")
            return None
        for key in item:
            if key not in CORRECTION_KEYS:
                problem(str(key), "unknown key, ignored (an entry has date, type and text)",
                        warning=True)
        moment = _to_moment(item["date"]) if "date" in item else None
        if "date" not in item:
            problem("date", "is required")
        elif moment is None or moment.year not in YEARS:
            problem("date", f"{_quote(item['date'])} is not a date "
                    "(write it like 2024-05-03 14:20)")
            moment = None
        else:
            moment = moment.replace(tzinfo=self.tz) if moment.tzinfo is None \
                else moment.astimezone(self.tz)
            if moment < published:
                problem("date", f"{_quote(item['date'])} is earlier than the article's date")
                moment = None
        kind = CORRECTION_TYPES.get(str(item.get("type", "")).strip())
        if kind is None:
            known = ", ".join(dict.fromkeys(CORRECTION_TYPES))
            problem("type", f"{_quote(item.get('type'))} is not a correction type (one of: "
                    f"{known})" if "type" in item else "is required")
        text = _clean_text(item.get("text") or "") if isinstance(
            item.get("text"), str | int | float) and not isinstance(item.get("text"), bool) \
            else ""
        if not text:
            problem("text", "is required: say what was corrected" if item.get("text") is None
                    else "must be text")
        if moment is None or kind is None or not text:
            return None
        return (moment.isoformat(), kind, text)

    def aliases(self, values: dict, check=check_query_url) -> tuple[str, ...]:
        """Old URLs; `check` says what is wrong with one (an article's may hold a query)."""
        aliases = self.text_list(values, "aliases")
        for alias in aliases:
            message = check(alias)
            if message:
                self.problem("aliases", f"{_quote(alias)} {message}")
                return ()
        return aliases


def _to_moment(value) -> datetime | None:
    """A YAML date, datetime or date text as a datetime, naive when no zone was given."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str):
        return _parse_date_text(value.strip())
    return None


def _parse_date_text(text: str) -> datetime | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _clean_text(value) -> str:
    """One line of text: control characters and runs of whitespace become single spaces."""
    return " ".join(CONTROL_RE.sub(" ", str(value)).split())


def _kind(value) -> str:
    names = {list: "a list", dict: "a mapping", bool: "true/false", type(None): "nothing",
             date: "a date", datetime: "a date and time"}
    return names.get(type(value), type(value).__name__)


def _quote_hint(value) -> str:
    """YAML reads `title: 2024-05-03` or `title: yes` as non-text; quoting fixes it."""
    return " (put it in quotes)" if isinstance(value, bool | date) else ""


def _yaml_text(key) -> str:
    """How a non-text key was probably spelled, to find its line."""
    if key is None or isinstance(key, bool):
        return {None: "~", True: "true", False: "false"}[key]
    return str(key)


def _quote(value) -> str:
    if isinstance(value, date):
        value = value.isoformat(" ") if isinstance(value, datetime) else value.isoformat()
    text = repr(value) if not isinstance(value, str) else "'" + value + "'"
    return CONTROL_RE.sub("?", text[:80])


def make_article(source: Source | SourceEntry, body: RenderedBody, body_key: str, config: Config,
                 authors: dict[str, Author]) -> Article | list[Problem]:
    """Combine a Source with its rendered body and the site's sections and reporters."""
    problems: list[Problem] = []
    meta = source.meta

    def problem(key: str, message: str) -> None:
        problems.append(Problem(source.path, meta.lines.get(key, 1), key, message))

    section_slug = meta.section or source.folder_section
    section = config.section(section_slug) if section_slug else None
    if section is None:
        known = ", ".join(s.slug for s in config.sections)
        message = (f"unknown section '{section_slug}' (known: {known})" if section_slug
                   else f"no section: put the file in content/<section>/ (one of: {known})")
        problems.append(Problem(source.path, meta.lines.get("section", 1), "section", message))
    slug = meta.slug or file_slug(Path(source.path).stem) or ""
    if not SLUG_RE.match(slug) or len(slug) > MAX_SLUG_LENGTH:
        problem("slug", f"the file name '{Path(source.path).name}' is not a valid slug "
                "and none can be made from it; rename it or set 'slug:' (lowercase "
                "letters, digits, hyphens)")
    reporters = _resolve_authors(meta, authors, problem)
    if problems:
        return problems
    corrections = made_corrections(meta.corrections, config.timezone)
    # The newest correction is the article's latest revision (수정, dateModified).
    updated = max(filter(None, (meta.updated, *(c.date for c in corrections[-1:]))),
                  default=None)
    return Article(
        source=source.path, section=section, title=meta.title, subtitle=meta.subtitle,
        date=meta.date, updated=updated, authors=reporters,
        tags=tuple(map(named_tag, meta.tags)),
        summary=meta.summary or body.summary, image=meta.image, image_alt=meta.image_alt,
        image_caption=meta.image_caption, slug=slug, draft=meta.draft, aliases=meta.aliases,
        url=article_url(config.permalink, section.slug, meta.date, slug),
        body_key=body_key, digest=source.digest, expires=meta.expires, kind=meta.kind,
        agency=meta.agency if meta.kind == "wire" else None, legacy_id=meta.legacy_id,
        corrections=corrections,
        live=None if meta.live is None else Live(meta.live, meta.coverage_end),
    )


def made_corrections(plain: tuple, tz: ZoneInfo) -> tuple[Correction, ...]:
    """Corrections from their plain (ISO time, type, text) values."""
    return tuple(Correction(datetime.fromisoformat(when).astimezone(tz), kind, text)
                 for when, kind, text in plain)


@lru_cache(maxsize=4096)
def named_tag(name: str) -> Tag:
    """One Tag per name: a 100,000-article archive repeats a few hundred tags 500,000 times."""
    return Tag(name, tag_slug(name))


def _resolve_authors(meta: FrontMatter, authors: dict[str, Author], problem) -> tuple:
    """Keys from data/authors.yaml resolve to reporters; other text is a plain byline."""
    key = "authors" if "authors" in meta.lines else "author"
    resolved = []
    for name in meta.authors:
        if name in authors:
            resolved.append(authors[name])
        elif SLUG_RE.match(name) and name.isascii():
            near = difflib.get_close_matches(name, authors, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            problem(key, f"unknown reporter '{name}': not in data/authors.yaml{hint}")
        else:
            resolved.append(Author(key=None, name=name))
    return tuple(resolved)


def article_url(pattern: str, section: str, published: datetime, slug: str) -> str:
    """Fill the permalink pattern: '/{section}/{yyyy}/{mm}/{dd}/{slug}/'."""
    return pattern.format(section=section, yyyy=f"{published.year:04d}",
                          mm=f"{published.month:02d}", dd=f"{published.day:02d}", slug=slug)
