"""Load data/*.yaml: reporters from authors.yaml, everything else for templates."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml

from generator.errors import Problem
from generator.frontmatter import Loader, decode_source
from generator.model import Author
from generator.slugs import SLUG_RE

DATA_DIR = "data"
AUTHOR_KEYS = ("name", "email", "role", "bio")


@dataclass(frozen=True, slots=True)
class SiteData:
    authors: MappingProxyType
    values: MappingProxyType
    digest: str


def load_data(site_dir: Path) -> tuple[SiteData, list[Problem]]:
    """Read every data file; reporters are validated, other files are passed through."""
    problems: list[Problem] = []
    values: dict[str, object] = {}
    digest = hashlib.sha256()
    for path in sorted((site_dir / DATA_DIR).glob("*.y*ml")):
        rel = f"{DATA_DIR}/{path.name}"
        raw = path.read_bytes()
        digest.update(rel.encode() + b"\0" + raw)
        loaded = _load_yaml_file(rel, raw)
        if isinstance(loaded, Problem):
            problems.append(loaded)
        else:
            values[path.stem] = loaded
    authors = _load_authors(values.get("authors"), problems)
    data = SiteData(MappingProxyType(authors), MappingProxyType(values), digest.hexdigest()[:16])
    return data, problems


def _load_yaml_file(rel: str, raw: bytes):
    text = decode_source(rel, raw)
    if isinstance(text, Problem):
        return text
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        return Problem(rel, line, None, f"invalid YAML: {err.problem}")
    except yaml.YAMLError as err:
        return Problem(rel, None, None, f"invalid YAML: {err}")


def _load_authors(table, problems: list[Problem]) -> dict[str, Author]:
    path = f"{DATA_DIR}/authors.yaml"
    if table is None:
        return {}
    if not isinstance(table, dict):
        problems.append(Problem(path, 1, None, "must map reporter keys to their details"))
        return {}
    authors = {}
    for key, entry in table.items():
        if not isinstance(key, str) or not SLUG_RE.match(key):
            problems.append(Problem(path, None, str(key), "reporter keys must be lowercase "
                                    "letters, digits and hyphens"))
            continue
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            problems.append(Problem(path, None, f"{key}.name", "is required"))
            continue
        unknown = [k for k in entry if k not in AUTHOR_KEYS]
        for field in unknown:
            problems.append(Problem(path, None, f"{key}.{field}", "unknown key, ignored",
                                    warning=True))
        fields = {k: str(entry[k]) for k in AUTHOR_KEYS if entry.get(k) is not None}
        authors[key] = Author(key=key, **fields)
    return authors
