"""`newsgen import jsonl`: one article a line, from any CMS (format: docs/migration.md).

Each line is a JSON object; its fields become the front matter of
content/<section>/<yyyy>/<slug>.md. The file is checked the way a build
checks it (the same front-matter rules, the site's sections and reporters),
so what imports also builds. A line with a problem is not imported: each
problem reads 'FILE:LINE: field: what is wrong'. Re-runs follow the same
rules as the WordPress import (sitefiles.py): the same item goes to the same
file, and a file edited since is kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from generator.commands.importing.htmlbody import convert_body
from generator.commands.importing.report import ImportFailed, ImportReport
from generator.commands.importing.sitefiles import (
    Document,
    SiteWriter,
    document_bytes,
    local_image,
)
from generator.core.objects import Config
from generator.core.slugs import SLUG_RE, make_slug
from generator.sources.config import load_config
from generator.sources.content import parse_source
from generator.sources.data import load_data

FIELDS = ("title", "subtitle", "date", "updated", "section", "authors", "author", "tags",
          "summary", "slug", "body_html", "body_markdown", "image", "legacy_id", "legacy_url",
          "draft")
IMAGE_FIELDS = ("url", "alt", "caption")
# Front-matter keys whose problems a line reports under its own field's name.
FIELD_OF_KEY = {"image_alt": "image.alt", "image_caption": "image.caption", "image": "image.url",
                "aliases": "legacy_url"}
MAX_LINE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LineError:
    field: str | None
    message: str


def import_jsonl(path: Path, site_dir: Path, dry_run: bool = False) -> ImportReport:
    """Import every line of a JSON Lines file; the report says what became of each."""
    config = load_config(site_dir)
    data, _ = load_data(site_dir)
    lines = _read_lines(path)
    report = ImportReport(str(path), dry_run)
    writer = SiteWriter(site_dir, report, dry_run)
    converter = _LineConverter(config, set(data.authors), writer, report)
    for number, text in lines:
        if not text.strip():
            continue
        result = converter.convert(number, text)
        if isinstance(result, Document):
            writer.write(result)
        else:
            for error in result:
                where = f"{path}:{number}: "
                report.errors.append(where + (f"{error.field}: " if error.field else "") +
                                     error.message)
            report.add(f"line {number}", "skipped", "has problems (listed below)")
    writer.save()
    return report


def _read_lines(path: Path) -> list[tuple[int, str]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ImportFailed([f"{path}: is a folder, not a JSON Lines file"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ImportFailed([f"{path}:{line}: is not UTF-8; save the file as UTF-8"]) from None
    return list(enumerate(text.split("\n"), 1))


class _LineConverter:
    """A line's JSON as a Document, or the problems that keep it out."""

    def __init__(self, config: Config, authors: set[str], writer: SiteWriter,
                 report: ImportReport):
        self.config, self.authors, self.writer, self.report = config, authors, writer, report
        self.sections = {s.slug for s in config.sections}
        self.seen_ids: dict[str, int] = {}

    def convert(self, number: int, text: str) -> Document | list[LineError]:
        if len(text) > MAX_LINE_BYTES:
            return [LineError(None, "the line is longer than 4 MB; is it one article?")]
        try:
            record = json.loads(text)
        except ValueError as error:
            return [LineError(None, f"is not JSON ({error})")]
        if not isinstance(record, dict):
            return [LineError(None, "must be a JSON object: {\"title\": ..., ...}")]
        errors = self._check_record(record)
        if errors:
            return errors
        front, errors = self._front(record)
        body, warnings = self._body(record)
        errors += self._check_front(front, body)
        if errors:
            return errors
        item = f"line {number}"
        image = front.get("image")
        if isinstance(image, str) and image.startswith(("http://", "https://")):
            local = local_image(self.writer.site_dir, image)
            if local:
                front["image"] = local
            else:
                warnings.append(f"lead image kept as a remote URL: {image}")
        for warning in warnings:
            self.report.warn(item, warning)
        for key in record.keys() - set(FIELDS):
            self.report.warn(item, f"{key}: unknown field, ignored")
        legacy = front.get("legacy_id")
        if legacy is not None:
            if legacy in self.seen_ids:
                return [LineError("legacy_id", f"'{legacy}' is also on line "
                                  f"{self.seen_ids[legacy]}")]
            self.seen_ids[legacy] = number
        key = f"jsonl:{_identity(record, front)}"
        published = front["date"]
        slug = front.pop("slug", None) or make_slug(front["title"])
        rel = self.writer.path_for(key, f"content/{front['section']}/{published[:4]}/{slug}.md")
        return Document(key, item + (f" (legacy_id {legacy})" if legacy else ""), rel,
                        front, body)

    def _check_record(self, record: dict) -> list[LineError]:
        errors = [LineError(name, "is required") for name in ("title", "date", "section")
                  if record.get(name) in (None, "")]
        bodies = [name for name in ("body_html", "body_markdown")
                  if record.get(name) is not None]
        if len(bodies) != 1:
            errors.append(LineError("body_html", "give the body as body_html or as "
                                    "body_markdown, once"))
        elif not isinstance(record[bodies[0]], str):
            errors.append(LineError(bodies[0], "must be text"))
        section = record.get("section")
        if section not in (None, "") and section not in self.sections:
            known = ", ".join(sorted(self.sections))
            errors.append(LineError("section", f"'{section}' is not a section of site.toml "
                                    f"(known: {known})"))
        image = record.get("image")
        if image is not None and (not isinstance(image, dict) or not isinstance(
                image.get("url"), str) or set(image) - set(IMAGE_FIELDS)):
            errors.append(LineError("image", "must be an object like {\"url\": "
                                    "\"/images/a.jpg\", \"alt\": \"...\", \"caption\": \"...\"}"))
        authors = record.get("authors", record.get("author"))
        for name in authors if isinstance(authors, list) else [authors] if authors else []:
            if isinstance(name, str) and SLUG_RE.match(name) and name.isascii() \
                    and name not in self.authors:
                errors.append(LineError("authors", f"'{name}' looks like a reporter key but "
                                        "is not in data/authors.yaml; add it there or give "
                                        "the name"))
        return errors

    def _front(self, record: dict) -> tuple[dict, list[LineError]]:
        """The front matter the line stands for, in the order a person reads it."""
        errors: list[LineError] = []
        front: dict = {}
        for name in ("title", "subtitle", "date", "updated", "section"):
            if record.get(name) not in (None, "", []):
                front[name] = record[name]
        for name in ("date", "updated"):
            if isinstance(front.get(name), str):
                front[name] = " ".join(front[name].replace("T", " ").split())
            elif name in front:
                errors.append(LineError(name, "must be text like \"2024-05-03 14:20\""))
        authors = record.get("authors", record.get("author"))
        if authors not in (None, "", []):
            front["authors"] = authors
        for name in ("tags", "summary", "slug", "legacy_id", "draft"):
            if record.get(name) not in (None, "", []):
                front[name] = record[name]
        if isinstance(front.get("legacy_id"), int) and not isinstance(front["legacy_id"], bool):
            front["legacy_id"] = str(front["legacy_id"])
        image = record.get("image")
        if isinstance(image, dict):
            front["image"] = image.get("url")
            for field in ("alt", "caption"):
                if image.get(field):
                    front[f"image_{field}"] = image[field]
        legacy_url = record.get("legacy_url")
        if legacy_url:
            alias = _alias(legacy_url) if isinstance(legacy_url, str) else None
            if alias is None:
                errors.append(LineError("legacy_url", "must be an old URL or path like "
                                        "'/news/articleView.html?idxno=12345'"))
            elif alias != self._legacy_alias(front.get("legacy_id")):
                front["aliases"] = [alias]
        return front, errors

    def _legacy_alias(self, legacy_id) -> str | None:
        if not isinstance(legacy_id, str):
            return None
        return f"{self.config.legacy_path}?{self.config.legacy_param}={legacy_id}"

    def _body(self, record: dict) -> tuple[str, list[str]]:
        if isinstance(record.get("body_markdown"), str):
            return record["body_markdown"], []
        converted = convert_body(record.get("body_html") or "",
                                 local_image=lambda url: local_image(self.writer.site_dir, url))
        warnings = list(converted.warnings)
        if converted.remote_images:
            warnings.append(f"{len(converted.remote_images)} images in the body stay on the "
                            f"old host, like {converted.remote_images[0]}")
        return converted.markdown, warnings

    def _check_front(self, front: dict, body: str) -> list[LineError]:
        """The build's own front-matter checks, on the file the line would become."""
        raw = document_bytes(Document("", "", "", front, body))
        checked = parse_source("line.md", raw, self.config.timezone)
        problems = checked if isinstance(checked, list) else []
        return [LineError(FIELD_OF_KEY.get(p.field, p.field), p.message)
                for p in problems if not p.warning]


def _identity(record: dict, front: dict) -> str:
    """What names the article in the old system, so a re-run finds its file again."""
    if front.get("legacy_id"):
        return f"id:{front['legacy_id']}"
    if record.get("legacy_url"):
        return f"url:{record['legacy_url']}"
    return f"title:{front['date']}:{front['title']}"


def _alias(url: str) -> str | None:
    """The path and query of an old URL: 'https://old.example/a?b=1' -> '/a?b=1'."""
    split = urlsplit(url.strip())
    if not split.path.startswith("/"):
        return None
    return split.path + (f"?{split.query}" if split.query else "")

