"""`newsgen import wordpress`: a WordPress export (WXR 1.0-1.2) into a newsgen site.

Posts become articles in content/<section>/<yyyy>/<slug>.md, pages become
standalone pages in content/pages/, authors join data/authors.yaml. Each
item of the export ends in the report: imported, updated, unchanged, kept
(a person edited the file since) or skipped with its reason.
The XML is read with defusedxml: an export is outside input, and entity
tricks (billion laughs, external entities) are refused, not expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse as parse_xml

from generator.commands.importing.htmlbody import convert_body, html_text
from generator.commands.importing.report import ImportFailed, ImportReport
from generator.commands.importing.sitefiles import (
    Document,
    SiteWriter,
    local_image,
    site_moment,
)
from generator.core.objects import Config
from generator.core.slugs import SLUG_RE, check_url_path, make_slug, tag_slug
from generator.sources.config import load_config

WXR_NAMESPACE = re.compile(r"^\{(https?://wordpress\.org/export/1\.[0-2]/)\}")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
DRAFT_STATUSES = ("draft", "pending", "private")
ZERO_DATE = "0000-00-00 00:00:00"
MAX_TAG_LENGTH = 80
SKIP_REASONS = {
    "attachment": "attachment (a media file; posts that show it keep its URL)",
    "nav_menu_item": "menu item (menus belong to the theme, not to content)",
}


@dataclass(frozen=True, slots=True)
class Options:
    site_dir: Path
    section_map: dict[str, str]
    default_section: str | None
    dry_run: bool = False


class Export:
    """The parts of a parsed WXR file an import reads."""

    def __init__(self, path: Path):
        self.path = path
        try:
            root = parse_xml(path, forbid_dtd=True).getroot()
        except FileNotFoundError:
            raise ImportFailed([f"{path}: no such file"]) from None
        except IsADirectoryError:
            raise ImportFailed([f"{path}: is a folder, not an export file"]) from None
        except ParseError as error:
            raise ImportFailed([f"{path}: is not well-formed XML ({error})"]) from None
        except DefusedXmlException as error:
            raise ImportFailed([f"{path}: refused: the XML declares {error}; a WordPress "
                                "export has no DTD"]) from None
        channel = root.find("channel")
        self.wp = _wxr_namespace(root)
        if root.tag != "rss" or channel is None or self.wp is None:
            raise ImportFailed([f"{path}: is XML but not a WordPress export (WXR): no <rss> "
                                "with a <channel> in the wordpress.org/export namespace"])
        self.channel = channel
        self.excerpt = f"{{{self.wp}excerpt/}}encoded"
        self.items = channel.findall("item")
        self.base = (channel.findtext(f"{{{self.wp}}}base_blog_url") or
                     channel.findtext("link") or "").rstrip("/")

    def text(self, element: Element, name: str) -> str:
        return (element.findtext(f"{{{self.wp}}}{name}") or "").strip()

    def postmeta(self, item: Element) -> dict[str, str]:
        wp = self.wp
        return {(m.findtext(f"{{{wp}}}meta_key") or ""): (m.findtext(f"{{{wp}}}meta_value") or "")
                for m in item.findall(f"{{{wp}}}postmeta")}


def _wxr_namespace(root: Element) -> str | None:
    for element in root.iter():
        found = WXR_NAMESPACE.match(element.tag)
        if found:
            return found.group(1)
    return None


def import_wordpress(export_path: Path, options: Options) -> ImportReport:
    """Import one export into the site; the report says what happened to every item."""
    config = load_config(options.site_dir)
    _check_sections(config, options)
    export = Export(export_path)
    report = ImportReport(str(export_path), options.dry_run)
    writer = SiteWriter(options.site_dir, report, options.dry_run)
    importer = _Importer(export, config, options, report, writer)
    importer.run()
    writer.save()
    return report


def _check_sections(config: Config, options: Options) -> None:
    known = {s.slug for s in config.sections}
    names = ", ".join(sorted(known))
    wrong = [f"--section-map: '{name}={slug}': no section '{slug}' in site.toml "
             f"(known: {names})" for name, slug in options.section_map.items()
             if slug not in known]
    if options.default_section is not None and options.default_section not in known:
        wrong.append(f"--default-section: no section '{options.default_section}' in "
                     f"site.toml (known: {names})")
    if wrong:
        raise ImportFailed(wrong)


def parse_section_map(text: str | None) -> dict[str, str]:
    """'News=local, Culture=life-culture' as {category: section}."""
    mapping = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, mark, slug = part.partition("=")
        if not mark or not name.strip() or not slug.strip():
            raise ImportFailed([f"--section-map: '{part.strip()}' must read "
                                "Category=section-slug"])
        mapping[name.strip()] = slug.strip()
    return mapping


class _Importer:
    """One run over an export's items, in their order."""

    def __init__(self, export: Export, config: Config, options: Options,
                 report: ImportReport, writer: SiteWriter):
        self.export, self.config, self.options = export, config, options
        self.report, self.writer = report, writer
        self.default_section = options.default_section or config.sections[0].slug
        self.attachments = self._attachments()
        self.unmapped: dict[str, int] = {}
        self.authors: dict[str, dict] = {}
        self.author_keys = self._authors()

    def _attachments(self) -> dict[str, tuple[str, str, str, str]]:
        """Each attachment's id: (URL, alt text, caption, parent post id)."""
        found = {}
        for item in self.export.items:
            if self.export.text(item, "post_type") == "attachment":
                meta = self.export.postmeta(item)
                url = self.export.text(item, "attachment_url") or (item.findtext("guid") or "")
                caption = html_text(item.findtext(self.export.excerpt) or "")
                found[self.export.text(item, "post_id")] = (
                    url.strip(), meta.get("_wp_attachment_image_alt", "").strip(), caption,
                    self.export.text(item, "post_parent"))
        return found

    def _authors(self) -> dict[str, str]:
        """Each login's reporter key; the entries to add to data/authors.yaml."""
        keys = {}
        for author in self.export.channel.findall(f"{{{self.export.wp}}}author"):
            login = self.export.text(author, "author_login")
            if not login:
                continue
            key = login if SLUG_RE.match(login) else make_slug(login, 40)
            name = self.export.text(author, "author_display_name") or login
            entry = {"name": name}
            email = self.export.text(author, "author_email")
            if email:
                entry["email"] = email
            keys[login] = key
            self.authors[key] = entry
        return keys

    def run(self) -> None:
        if self.authors:
            self.writer.add_authors(self.authors)
        for item in self.export.items:
            self._item(item)
        for name, count in sorted(self.unmapped.items()):
            self.report.warn(f"category '{name}'", f"not in --section-map; {count} posts went "
                             f"to '{self.default_section}'")

    def _item(self, item: Element) -> None:
        export = self.export
        kind = export.text(item, "post_type") or "post"
        post_id = export.text(item, "post_id") or "?"
        label = f"{kind.replace('_', ' ')} {post_id}"
        status = export.text(item, "status")
        if kind in SKIP_REASONS:
            self.report.add(label, "skipped", SKIP_REASONS[kind])
        elif kind not in ("post", "page"):
            self.report.add(label, "skipped", f"post type '{kind}' (not a post or a page)")
        elif export.text(item, "post_password"):
            self.report.add(label, "skipped", "password-protected (a static page cannot "
                            "keep it secret)")
        elif status in ("trash", "auto-draft", "inherit"):
            self.report.add(label, "skipped", f"status '{status}' (not content)")
        else:
            comments = len(item.findall(f"{{{export.wp}}}comment"))
            if comments:
                self.report.warn(label, f"{comments} comments skipped (a static site shows "
                                 "no comments)")
            document = self._post(item, label, post_id) if kind == "post" else \
                self._page(item, label, post_id)
            self.writer.write(document)

    def _title(self, item: Element, label: str, slug: str) -> str:
        title = html_text(item.findtext("title") or "")
        if not title:
            self.report.warn(label, "has no title; one was made from its slug")
            title = slug.replace("-", " ").strip().capitalize() or label
        return title

    def _dates(self, item: Element) -> tuple[datetime, datetime | None]:
        export, zone = self.export, self.config.timezone
        published = _moment(export.text(item, "post_date_gmt"), True) or \
            _moment(export.text(item, "post_date"), False, zone) or datetime(2000, 1, 1)
        modified = _moment(export.text(item, "post_modified_gmt"), True) or \
            _moment(export.text(item, "post_modified"), False, zone)
        published = site_moment(published.astimezone(zone) if published.tzinfo else
                                published.replace(tzinfo=zone), zone)
        if modified is not None:
            modified = site_moment(modified, zone)
            if modified - published < timedelta(minutes=1):
                modified = None
        return published, modified

    def _post(self, item: Element, label: str, post_id: str) -> Document:
        export = self.export
        slug = _slug(export.text(item, "post_name"), item.findtext("title") or "", post_id)
        published, modified = self._dates(item)
        section = self._section(item)
        front: dict = {"title": self._title(item, label, slug), "date": published}
        if modified:
            front["updated"] = modified
        creator = (item.findtext(CREATOR) or "").strip()
        if creator:
            front["author"] = self.author_keys.get(creator, creator)
        tags = self._tags(item, label)
        if tags:
            front["tags"] = tags
        excerpt = html_text(item.findtext(export.excerpt) or "")
        if excerpt:
            front["summary"] = excerpt
        front.update(self._lead_image(item, label))
        front["slug"] = slug
        if export.text(item, "status") in DRAFT_STATUSES:
            front["draft"] = True
        aliases = self._aliases(item, post_id, f"/{section}/")
        if aliases:
            front["aliases"] = aliases
        rel = self.writer.path_for(f"wordpress:post:{post_id}",
                                   f"content/{section}/{published.year:04d}/{slug}.md")
        return Document(f"wordpress:post:{post_id}", label, rel, front,
                        self._body(item, label, post_id))

    def _page(self, item: Element, label: str, post_id: str) -> Document:
        export = self.export
        path = self._page_path(item, post_id)
        slug = path.rsplit("/", 1)[-1]
        published, modified = self._dates(item)
        front: dict = {"title": self._title(item, label, slug)}
        if modified or published:
            front["updated"] = modified or published
        if export.text(item, "status") in DRAFT_STATUSES or export.text(item, "status") == \
                "future":
            front["draft"] = True
        old = self._old_path(item)
        if old and old.rstrip("/") != f"/{path}":
            front["aliases"] = [old]
        rel = self.writer.path_for(f"wordpress:page:{post_id}", f"content/pages/{path}.md")
        return Document(f"wordpress:page:{post_id}", label, rel, front,
                        self._body(item, label, post_id))

    def _page_path(self, item: Element, post_id: str) -> str:
        """'level-1/level-2/level-3': a page's slug under its parents', as its old URL."""
        by_id = {self.export.text(i, "post_id"): i for i in self.export.items
                 if self.export.text(i, "post_type") == "page"}
        parts, seen, current = [], set(), item
        while current is not None and len(parts) < 10:
            current_id = self.export.text(current, "post_id")
            if current_id in seen:
                break
            seen.add(current_id)
            parts.append(_slug(self.export.text(current, "post_name"),
                               current.findtext("title") or "", current_id))
            current = by_id.get(self.export.text(current, "post_parent"))
        return "/".join(reversed(parts))

    def _section(self, item: Element) -> str:
        categories = [(c.get("nicename") or "", (c.text or "").strip())
                      for c in item.findall("category") if c.get("domain") == "category"]
        for nicename, name in categories:
            for key in (name, nicename):
                if key in self.options.section_map:
                    return self.options.section_map[key]
        for _, name in categories[:1]:
            self.unmapped[name] = self.unmapped.get(name, 0) + 1
        return self.default_section

    def _tags(self, item: Element, label: str) -> list[str]:
        tags = []
        for category in item.findall("category"):
            if category.get("domain") != "post_tag":
                continue
            name = " ".join((category.text or "").split())
            if not tag_slug(name) or len(name) > MAX_TAG_LENGTH:
                self.report.warn(label, f"tag '{name[:40]}' left out: it needs letters or "
                                 f"digits and at most {MAX_TAG_LENGTH} characters")
            elif name not in tags:
                tags.append(name)
        return tags

    def _lead_image(self, item: Element, label: str) -> dict:
        thumbnail = self.export.postmeta(item).get("_thumbnail_id", "").strip()
        found = self.attachments.get(thumbnail)
        if not thumbnail or found is None or not found[0]:
            return {}
        url, alt, caption, _ = found
        image = self._local_image(url)
        if image is None:
            self.report.warn(label, f"lead image kept as a remote URL: {url}")
            image = url
        fields = {"image": image}
        if alt:
            fields["image_alt"] = alt
        if caption:
            fields["image_caption"] = caption
        return fields

    def _local_image(self, url: str) -> str | None:
        return local_image(self.options.site_dir, url)

    def _old_path(self, item: Element) -> str | None:
        link = (item.findtext("link") or "").strip()
        split = urlsplit(link)
        path = re.sub(r"/{2,}", "/", split.path)
        if not path or path == "/" or split.query or check_url_path(path):
            return None
        return path

    def _aliases(self, item: Element, post_id: str, section_url: str) -> list[str]:
        aliases = []
        old = self._old_path(item)
        if old and not old.startswith(section_url):
            aliases.append(old)
        if post_id.isdigit():
            aliases.append(f"/?p={post_id}")
        return aliases

    def _body(self, item: Element, label: str, post_id: str) -> str:
        children = [url for url, _, _, parent in self.attachments.values() if parent == post_id]
        converted = convert_body(item.findtext(CONTENT) or "",
                                 lambda i: (self.attachments.get(i) or ("",))[0], children,
                                 self._local_image)
        for warning in converted.warnings:
            self.report.warn(label, warning)
        if converted.remote_images:
            self.report.warn(label, f"{len(converted.remote_images)} images in the body stay "
                             f"on the old host, like {converted.remote_images[0]}")
        return converted.markdown


def _moment(text: str, utc: bool, zone=None) -> datetime | None:
    if not text or text == ZERO_DATE:
        return None
    try:
        moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC if utc else zone)


def _slug(post_name: str, title: str, post_id: str) -> str:
    """A file and URL slug: WordPress's post name when it is one, else made from it."""
    name = unquote(post_name).strip().lower()
    if SLUG_RE.match(name) and len(name) <= 100:
        return name
    made = make_slug(name or html_text(title), 80)
    return made if made != "article" else f"post-{post_id}"
