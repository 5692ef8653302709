"""Write imported documents into a site, never over a person's work.

The site keeps `.newsgen-import.json`: for each imported item (by its key in
the old system) the file made for it and the digest of the bytes written.
On a later run the same item goes to the same file; the file is rewritten
only when it still holds exactly what the import wrote, so an edit made since
is kept (and reported), and a file the import did not make is never touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from generator.commands.importing.report import ImportFailed, ImportReport
from generator.core.sitefiles import is_inside
from generator.core.slugs import SLUG_RE, check_url_path
from generator.sources.frontmatter import load_yaml

MANIFEST = ".newsgen-import.json"
RECORDED_PATH = re.compile(r"^content/[\w\-./]+\.md$")
AUTHORS_FILE = "data/authors.yaml"


@dataclass(frozen=True, slots=True)
class Document:
    """One file to write: front matter and a Markdown body."""

    key: str  # the item's identity in the old system: 'wordpress:post:1149'
    item: str  # how the report names it: 'post 1149'
    rel_path: str  # 'content/local/2010/post-format-standard.md'
    front: dict
    body: str


def document_bytes(document: Document) -> bytes:
    """The file's text: YAML front matter between '---' lines, then the body."""
    front = yaml.safe_dump(document.front, allow_unicode=True, sort_keys=False, width=1000)
    body = document.body.strip()
    return f"---\n{front}---\n\n{body}\n".encode()


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class SiteWriter:
    """Places documents in a site under the manifest's rules; `dry_run` writes nothing."""

    def __init__(self, site_dir: Path, report: ImportReport, dry_run: bool = False):
        self.site_dir, self.report, self.dry_run = site_dir, report, dry_run
        self.manifest = self._load_manifest()
        self.claimed: set[str] = set()

    def _load_manifest(self) -> dict[str, dict]:
        path = self.site_dir / MANIFEST
        if not path.exists():
            return {}
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise ImportFailed([f"{path}: cannot be read as the import's record ({error})"]) \
                from None
        if not isinstance(value, dict) or not all(
                isinstance(v, dict) and isinstance(v.get("path"), str) for v in value.values()):
            raise ImportFailed([f"{path}: is not the import's record of the files it made"])
        wrong = [v["path"] for v in value.values() if not RECORDED_PATH.match(v["path"])
                 or ".." in v["path"].split("/")]
        if wrong:
            raise ImportFailed([f"{path}: names '{wrong[0][:80]}', which is not a file under "
                                "content/; the import writes nowhere else"])
        return value

    def path_for(self, key: str, wanted: str) -> str:
        """The file an item goes to: the one it went to before, else `wanted` made unique
        among the site's files and this run's."""
        known = self.manifest.get(key)
        if known is not None:
            self.claimed.add(known["path"])
            return known["path"]
        stem, suffix = wanted.rsplit(".", 1)
        candidate, number = wanted, 2
        while candidate in self.claimed or (self.site_dir / candidate).exists():
            candidate, number = f"{stem}-{number}.{suffix}", number + 1
        self.claimed.add(candidate)
        return candidate

    def write(self, document: Document) -> None:
        """Write one document and record the outcome in the report."""
        raw = document_bytes(document)
        target = self.site_dir / document.rel_path
        if not is_inside(target, self.site_dir):
            self.report.add(document.item, "skipped", f"{document.rel_path} leads out of the "
                            "site through a link; not written")
            return
        known = self.manifest.get(document.key)
        if known is not None and target.exists():
            current = target.read_bytes()
            if current == raw:
                self.report.add(document.item, "unchanged", document.rel_path)
                return
            if _digest(current) != known.get("digest"):
                self.report.add(document.item, "kept", f"{document.rel_path} was edited "
                                "since it was imported; not overwritten")
                return
            outcome = "updated"
        elif known is not None:
            self.report.add(document.item, "kept", f"{document.rel_path} was deleted since "
                            "it was imported; not made again")
            return
        else:
            outcome = "imported"
        if not self.dry_run:
            _write_file(target, raw)
            self.manifest[document.key] = {"path": document.rel_path, "digest": _digest(raw)}
        self.report.add(document.item, outcome, document.rel_path)

    def add_authors(self, authors: dict[str, dict]) -> None:
        """Append reporters not yet in data/authors.yaml; existing entries stay as they are."""
        path = self.site_dir / AUTHORS_FILE
        existing = self.known_authors()
        new = {key: entry for key, entry in authors.items() if key not in existing}
        for key in authors.keys() - new.keys():
            self.report.warn(f"author {key}", "already in data/authors.yaml; kept as it is")
        if not new or self.dry_run:
            return
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if text and not text.endswith("\n"):
            text += "\n"
        text += yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=1000)
        _write_file(path, text.encode())

    def known_authors(self) -> set[str]:
        path = self.site_dir / AUTHORS_FILE
        if not path.exists():
            return set()
        loaded = load_yaml(AUTHORS_FILE, path.read_text(encoding="utf-8"))
        value = getattr(loaded, "value", None)
        if not isinstance(value, dict):
            raise ImportFailed([f"{path}: must map reporter keys to their details; fix it "
                                "before importing"])
        return {key for key in value if isinstance(key, str) and SLUG_RE.match(key)}

    def save(self) -> None:
        if not self.dry_run:
            data = json.dumps(dict(sorted(self.manifest.items())), ensure_ascii=False,
                              indent=1)
            _write_file(self.site_dir / MANIFEST, (data + "\n").encode())


def _write_file(path: Path, raw: bytes) -> None:
    """Write through a temporary file and a rename, so no half-written file is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.importing")
    temporary.write_bytes(raw)
    os.replace(temporary, path)


def site_moment(moment: datetime, timezone) -> datetime:
    """A time as the front matter writes it: in the site's zone, to the second."""
    return moment.astimezone(timezone).replace(microsecond=0)


def local_image(site_dir: Path, url: str) -> str | None:
    """The site path of a file the site's static/ already holds at the URL's path."""
    path = unquote(urlsplit(url).path)
    if not path or check_url_path(path):
        return None
    return path if (site_dir / "static" / path.lstrip("/")).is_file() else None
