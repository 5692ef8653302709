"""Load data/*.yaml: reporters from authors.yaml, everything else for templates.

Data files come from the newsroom like articles do, so they get the same care:
safe YAML, a size limit, no links out of the site, every problem with its line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from generator.core.errors import Problem
from generator.core.objects import Author
from generator.core.sitefiles import is_inside
from generator.core.slugs import SLUG_RE, check_url_path
from generator.sources.frontmatter import YamlValue, decode_source, load_yaml

DATA_DIR = "data"
BREAKING = "breaking"  # data/breaking.yaml: the breaking-news banner
BANNER_KEYS = ("headline", "link", "expires")
AUTHOR_KEYS = ("name", "email", "role", "bio", "photo", "links")
MAX_DATA_BYTES = 4 * 1024 * 1024
MAX_KEY_LENGTH = 80


@dataclass(frozen=True, slots=True)
class Banner:
    """The breaking-news banner of data/breaking.yaml; a naive `expires` is local time."""

    headline: str
    link: str | None = None
    expires: datetime | None = None

    def shown_at(self, now: datetime, tz) -> bool:
        """Whether the banner shows at `now` (before it expires)."""
        return self.expires is None or now < self.expires_in(tz)

    def expires_in(self, tz) -> datetime | None:
        """`expires` with its time zone: the site's, when the file gave none."""
        expires = self.expires
        return expires.replace(tzinfo=tz) if expires and expires.tzinfo is None else expires


@dataclass(frozen=True, slots=True)
class SiteData:
    """`digest` covers every data file but breaking.yaml, whose own digest is
    `breaking_digest`: the banner shows only through the shared boxes, so setting it
    must not make every page's key change."""

    authors: MappingProxyType
    values: MappingProxyType
    digest: str
    breaking_digest: str = ""


def load_data(site_dir: Path) -> tuple[SiteData, list[Problem]]:
    """Read every data file; reporters are validated, other files are passed through."""
    problems: list[Problem] = []
    loaded: dict[str, YamlValue] = {}
    digest, breaking = hashlib.sha256(), hashlib.sha256()
    for path in sorted((site_dir / DATA_DIR).glob("*.y*ml")):
        if not path.is_file() or not is_inside(path, site_dir):
            continue  # folders are not data; outside links are reported by sitefiles
        rel = f"{DATA_DIR}/{path.name}"
        result = _read_data_file(rel, path)
        if isinstance(result, Problem):
            problems.append(result)
            continue
        raw, value = result
        if path.stem == BREAKING:
            breaking.update(rel.encode() + b"\0" + raw)
        else:
            digest.update(rel.encode() + b"\0" + raw)
        loaded[path.stem] = value
    if "weather" in loaded:
        _check_weather(loaded["weather"], problems)
    authors_file = loaded.get("authors")
    authors = _load_authors(authors_file, problems) if authors_file else {}
    values = {name: item.value for name, item in loaded.items()}
    if BREAKING in loaded:
        values[BREAKING] = _banner(loaded[BREAKING], f"{DATA_DIR}/{BREAKING}.yaml", problems)
    data = SiteData(MappingProxyType(authors), MappingProxyType(values), digest.hexdigest()[:16],
                    breaking.hexdigest()[:16] if BREAKING in loaded else "")
    return data, problems


def _read_data_file(rel: str, path: Path) -> tuple[bytes, YamlValue] | Problem:
    try:
        raw = path.read_bytes()
    except OSError as err:
        return Problem(rel, None, None, f"cannot read: {err.strerror}")
    if len(raw) > MAX_DATA_BYTES:
        return Problem(rel, None, None, f"is {len(raw) / 1024 / 1024:.1f} MB; a data file may "
                       f"be at most {MAX_DATA_BYTES // 1024 // 1024} MB")
    text = decode_source(rel, raw)
    if isinstance(text, Problem):
        return text
    value = load_yaml(rel, text)
    return value if isinstance(value, Problem) else (raw, value)


def observed_time(value: object) -> datetime | None:
    """When weather readings were taken: a YAML time or text like '2026-11-25 06:00'."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return moment if len(value.strip()) > 10 else None  # a day alone is no time
    return None


def _check_weather(loaded: YamlValue, problems: list[Problem]) -> None:
    """The strip hides readings it cannot date, so say why it stays empty."""
    path, table = f"{DATA_DIR}/weather.yaml", loaded.value
    if not isinstance(table, dict) or not table.get("cities"):
        return
    if "observed" not in table:
        problems.append(Problem(path, None, "observed", "missing: the weather is not shown "
                                "until the file says when it was observed", warning=True))
    elif observed_time(table["observed"]) is None:
        problems.append(Problem(path, loaded.lines.get("observed"), "observed",
                                f"{str(table['observed'])[:40]!r} is not a date and time "
                                "(example: 2026-11-25 06:00)"))


def _banner(loaded: YamlValue, path: str, problems: list[Problem]) -> Banner | None:
    """The banner, or None for an empty file (no banner) or one with problems."""
    table = loaded.value
    if table is None or table == {}:
        return None
    if not isinstance(table, dict):
        problems.append(Problem(path, 1, None, "must have 'headline', and may have 'link' "
                                "and 'expires'"))
        return None
    found = len(problems)
    for key in table:
        if key not in BANNER_KEYS:
            problems.append(Problem(path, loaded.lines.get(str(key)), str(key),
                                    "unknown key, ignored (the banner has headline, link and "
                                    "expires)", warning=True))
    headline, link = table.get("headline"), table.get("link")
    if not isinstance(headline, str) or not headline.strip():
        problems.append(Problem(path, loaded.lines.get("headline", 1), "headline",
                                "is required and must be text"))
    if link is not None and (not isinstance(link, str) or (
            not link.startswith(("https://", "http://")) and check_url_path(link))):
        problems.append(Problem(path, loaded.lines.get("link"), "link",
                                f"{str(link)[:80]!r} must be a site path like /local/x/ "
                                "or an http(s) address"))
    expires = table.get("expires")
    if expires is not None:
        expires = observed_time(expires if not isinstance(expires, str) else expires.strip())
        if expires is None:
            problems.append(Problem(path, loaded.lines.get("expires"), "expires",
                                    f"{str(table['expires'])[:40]!r} is not a date and time "
                                    "(example: 2026-11-25 18:00)"))
    if any(not p.warning for p in problems[found:]):
        return None
    return Banner(" ".join(headline.split()), link, expires)


def _load_authors(loaded: YamlValue, problems: list[Problem]) -> dict[str, Author]:
    path = f"{DATA_DIR}/authors.yaml"
    table = loaded.value
    if table is None:
        return {}
    if not isinstance(table, dict):
        problems.append(Problem(path, 1, None, "must map reporter keys to their details"))
        return {}
    authors = {}
    for key, entry in table.items():
        line = loaded.lines.get(str(key))
        if not isinstance(key, str) or not SLUG_RE.match(key) or len(key) > MAX_KEY_LENGTH:
            problems.append(Problem(path, line, None, f"reporter key {str(key)[:80]!r} must be "
                                    "lowercase letters, digits and hyphens"))
            continue
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            problems.append(Problem(path, line, f"{key}.name", "is required and must be text"))
            continue
        for field in entry:
            if field not in AUTHOR_KEYS:
                problems.append(Problem(path, line, f"{key}.{field}", "unknown key, ignored",
                                        warning=True))
            elif field == "links":
                continue
            elif not isinstance(entry[field], str | int | float | None):
                problems.append(Problem(path, line, f"{key}.{field}", "must be text"))
        # A field that is not text is a problem already; str() of a list could be huge.
        fields = {k: str(entry[k]) for k in AUTHOR_KEYS if isinstance(entry.get(k), str | int
                                                                        | float)}
        fields.pop("links", None)
        links = _links(entry.get("links"), f"{key}.links", path, line, problems)
        authors[key] = Author(key=key, links=links, **fields)
    return authors


def _links(value, field: str, path: str, line: int | None,
           problems: list[Problem]) -> tuple[str, ...]:
    """A reporter's other profiles: a list of http(s) URLs."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) and item.startswith(("https://", "http://"))
               and not any(c in item for c in "\"'<> ") for item in items):
        problems.append(Problem(path, line, field, "must be a list of https:// addresses"))
        return ()
    return tuple(items)
