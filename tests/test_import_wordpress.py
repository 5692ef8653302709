"""`newsgen import wordpress` brings WordPress's theme unit test export into a site that
builds with zero errors, accounts for all 186 items, keeps every word of the posts and
their old URLs, and never overwrites a file a person edited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, build_site, parse_html
from defusedxml.ElementTree import parse as parse_xml

from generator.cli.main import main

# The WordPress project's theme unit test data, kept unchanged beside the tests
# (tests/data/import/README.md says where it comes from).
EXPORT = ROOT / "tests/data/import/themeunittestdata.wordpress.xml"
WP = "{https://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
SHORTCODE_TAGS = re.compile(r"\[/?(?:caption|gallery|embed|audio|video)\b[^\]]*\]")


@pytest.fixture(scope="module")
def export() -> Path:
    return EXPORT


def run_import(site: Path, *extra: str, capsys) -> tuple[int, list[str], str]:
    code = main(["import", "wordpress", *extra, "--site", str(site)])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def imported_site(make_site, export, capsys) -> tuple[Path, list[str]]:
    site = make_site({})
    code, out, err = run_import(site, str(export), "--section-map", "Markup=society",
                                capsys=capsys)
    assert code == 0, err
    return site, out


def built_pages(site: Path) -> dict[str, str]:
    """The imported standalone pages that are not drafts: URL -> title."""
    from generator.sources.pages import page_url

    found = {}
    for path in sorted((site / "content/pages").rglob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if not front.get("draft"):
            found[page_url(path.relative_to(site).as_posix())] = front["title"]
    return found


def published_posts(export: Path) -> dict[str, tuple[str, str]]:
    """Each published, open post's id: (title, body) as the export holds them."""
    posts = {}
    for item in parse_xml(export).getroot().iter("item"):
        if (item.findtext(f"{WP}post_type") == "post" and item.findtext(f"{WP}status") ==
                "publish" and not item.findtext(f"{WP}post_password")):
            posts[item.findtext(f"{WP}post_id")] = (item.findtext("title") or "",
                                                    item.findtext(CONTENT) or "")
    return posts


INLINE = {"a", "abbr", "b", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark",
          "q", "s", "samp", "small", "span", "strong", "sub", "sup", "u", "var", "strike",
          "big", "tt", "acronym", "font"}


def text_words(soup) -> set[str]:
    """The words a reader sees: 'Mark<sup>up</sup>' is one word, '<li>a</li><li>b</li>' two."""
    for tag in soup.find_all(True):
        if tag.name not in INLINE:
            tag.insert_before(" ")
            tag.append(" ")
    return set(re.findall(r"\w+", soup.get_text("")))


def words_of(fragment: str) -> set[str]:
    captions = " ".join(re.findall(r'caption="([^"]*)"', fragment))
    soup = BeautifulSoup(SHORTCODE_TAGS.sub(" ", fragment) + " " + captions, "html.parser")
    for tag in soup.find_all(["script", "style", "form", "iframe"]):
        tag.decompose()
    return text_words(soup)


def test_the_real_export_builds_and_every_item_is_accounted_for(make_site, export, capsys,
                                                                 tmp_path):
    site, out = imported_site(make_site, export, capsys)
    summary = next(line for line in out if ": 186 items: " in line)
    counts = dict((name, int(n)) for n, name in re.findall(r"(\d+) (imported|updated|"
                                                            r"unchanged|kept|skipped)", summary))
    assert sum(counts.values()) == 186 and counts["imported"] == 78
    assert "37 attachment" in out[-1] and "70 menu item" in out[-1]
    assert "1 password-protected" in out[-1]
    assert any(line.startswith("warning   post 1148: 20 comments skipped") for line in out)
    result = build_site(site)
    assert result.warnings == ()
    built = {path.parent for path in (site / "output").rglob("index.html")}
    redirects = (site / "output/_redirects").read_text()
    for post_id in published_posts(export):
        assert f"/ p={post_id} " in redirects  # WordPress's '/?p=ID' URL
    articles = [p for p in built if re.search(r"/\d{4}/\d\d/\d\d/[^/]+$", p.as_posix())
                and (p / "index.html").read_text().count('<article class="article"')]
    assert len(articles) == len(published_posts(export))
    pages = built_pages(site)
    assert len(pages) == 21  # every page of the export is published
    for url, title in pages.items():
        page = parse_html(site / "output" / url.strip("/") / "index.html")
        assert page.h1.get_text(strip=True) == title, url


def test_nasty_posts_render_without_losing_text(make_site, export, capsys, tmp_path):
    site, _ = imported_site(make_site, export, capsys)
    build_site(site)
    manifest = yaml.safe_load((site / ".newsgen-import.json").read_text())
    lost = {}
    for post_id, (title, body) in published_posts(export).items():
        rel = manifest[f"wordpress:post:{post_id}"]["path"]
        front = yaml.safe_load((site / rel).read_text().split("---")[1])
        url = next(p for p in (site / "output").glob(f"*/*/*/*/{front['slug']}/index.html"))
        page = parse_html(url)
        shown = text_words(page.find("article"))
        missing = (words_of(body) | words_of(title)) - shown
        if missing:
            lost[post_id] = sorted(missing)[:10]
    assert lost == {}


def test_old_permalinks_lead_to_the_new_pages(make_site, export, capsys, tmp_path):
    site, _ = imported_site(make_site, export, capsys)
    build_site(site)
    old = site / "output/2010/10/05/post-format-standard/index.html"
    refresh = parse_html(old).find("meta", attrs={"http-equiv": "refresh"})["content"]
    assert refresh.endswith("/2010/10/05/post-format-standard/") and "/local/" in refresh


def test_pages_are_written_as_standalone_pages(make_site, export, capsys):
    site, _ = imported_site(make_site, export, capsys)
    pages = site / "content/pages"
    level3 = (pages / "level-1/level-2/level-3.md").read_text()
    front = yaml.safe_load(level3.split("---")[1])
    assert front["title"] == "Level 3" and "updated" in front
    assert set(front) <= {"title", "description", "updated", "draft", "aliases"}
    assert "Level 3 of the reverse hierarchy test." in level3
    about = yaml.safe_load((pages / "about/clearing-floats.md").read_text().split("---")[1])
    assert about["title"] == "Clearing Floats"
    assert len(list(pages.rglob("*.md"))) == 21


def test_post_fields_follow_the_export(make_site, export, capsys):
    site, _ = imported_site(make_site, export, capsys)
    manifest = yaml.safe_load((site / ".newsgen-import.json").read_text())

    def front(post_id: str) -> dict:
        text = (site / manifest[f"wordpress:post:{post_id}"]["path"]).read_text()
        return yaml.safe_load(text.split("---")[1])

    assert front("1164")["draft"] is True  # status draft
    assert front("1153")["date"].year == 2030  # status future: scheduled
    assert front("1173")["title"] == "Markup: Title With Markup"
    assert manifest["wordpress:post:1173"]["path"].startswith("content/society/2013/")
    image = front("1163")
    assert image["image"].startswith("https://") and image["image_caption"]
    aliases = front("1149")["aliases"]
    assert aliases[0].startswith("/2012/01/01/template-pingbacks") and aliases[1] == "/?p=1149"
    authors = yaml.safe_load((site / "data/authors.yaml").read_text())
    assert authors["themedemos"]["name"] == "Theme Buster"
    assert authors["oh-kyungha"]["name"] == "오경하"  # the site's own reporters stay


def test_a_second_run_updates_its_files_and_keeps_edited_ones(make_site, export, capsys):
    site, _ = imported_site(make_site, export, capsys)
    manifest = yaml.safe_load((site / ".newsgen-import.json").read_text())
    edited = site / manifest["wordpress:post:1000"]["path"]
    edited.write_text(edited.read_text() + "\n편집자가 덧붙인 문단.\n")
    mine = site / manifest["wordpress:post:358"]["path"]
    before = mine.read_bytes()
    code, out, _ = run_import(site, str(export), "--section-map", "Markup=society",
                              capsys=capsys)
    assert code == 0
    assert any(line.startswith("kept      post 1000: ") and "edited since" in line
               for line in out)
    assert "편집자가 덧붙인 문단." in edited.read_text()
    assert mine.read_bytes() == before
    assert ": 186 items: 0 imported, 0 updated, 77 unchanged, 1 kept, 108 skipped" in out[-2]
    # Mapping Markup elsewhere moves nothing: the same post goes to the same file.
    code, out, _ = run_import(site, str(export), "--section-map", "Markup=local",
                              capsys=capsys)
    assert "0 imported" in out[-2]
    assert len(list((site / "content").rglob("*.md"))) == 78


def test_dry_run_writes_nothing(make_site, export, capsys):
    site = make_site({})
    code, out, _ = run_import(site, str(export), "--dry-run", capsys=capsys)
    assert code == 0 and out[-2].startswith("dry run, nothing written: ")
    assert not (site / "content").exists() and not (site / ".newsgen-import.json").exists()


@pytest.mark.parametrize("content, extra, message", [
    (None, (), "no such file"),
    (b"not xml at all", (), "is not well-formed XML"),
    (b"<rss><channel><title>x</title></channel></rss>", (), "not a WordPress export"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss>&a;</rss>', (),
     "refused"),
    (b"<rss/>", ("--section-map", "News=sports"), "no section 'sports' in site.toml"),
    (b"<rss/>", ("--section-map", "News"), "must read Category=section-slug"),
    (b"<rss/>", ("--default-section", "nope"), "--default-section: no section 'nope'"),
])
def test_bad_input_is_one_line_and_exit_1(make_site, capsys, tmp_path, content, extra,
                                         message):
    site = make_site({})
    path = tmp_path / "export.xml"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run_import(site, str(path), *extra, capsys=capsys)
    assert code == 1 and out == []
    lines = err.splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in err
    assert lines[0].startswith((str(path), "--section-map", "--default-section"))
