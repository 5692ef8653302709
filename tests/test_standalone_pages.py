"""Standalone pages (content/pages/): clean URLs, the theme, the footer, never news."""

from __future__ import annotations

import json
import time

import pytest
from conftest import article_text, build_site, parse_html
from test_incremental import (
    assert_same_output,
    changed_paths,
    clean_copy_build,
    edit,
    newsroom,
    snapshot,
    write,
)

from generator.core.errors import BuildFailed
from generator.engine.session import Session


def page_text(title: str, body: str = "본문입니다.", **fields) -> str:
    lines = ["---", f'title: "{title}"', *(f"{k}: {v}" for k, v in fields.items()), "---"]
    return "\n".join([*lines, "", body, ""])


PAGES = {
    "content/pages/about.md": page_text("회사소개", "우리 신문을 소개합니다.", footer=1),
    "content/pages/policy/privacy.md": page_text("개인정보처리방침", "개인정보를 지킵니다.",
                                                 footer=3, description='"개인정보 처리 기준"'),
    "content/pages/ethics.md": page_text("윤리강령", "진실을 보도합니다.", footer=2),
    "content/pages/tips.md": page_text("기사제보", "제보를 받습니다."),
}


@pytest.fixture
def site(make_site):
    fresh = {"content/local/fresh.md": article_text("오늘 기사", date="2026-11-25 08:00")}
    return make_site({**newsroom(6), **fresh, **PAGES})


def footer_links(path) -> list[tuple[str, str]]:
    return [(a["href"], a.get_text()) for a in parse_html(path).select(".footer-pages a")]


def test_pages_are_built_at_clean_urls_with_the_theme(site):
    build_site(site)
    about = parse_html(site / "output/about/index.html")
    assert about.select_one("h1").get_text() == "회사소개"
    assert "우리 신문을 소개합니다." in about.select_one(".article-body").get_text()
    assert about.select_one("body")["class"] == ["page", "standalone-page"]
    assert about.select_one("link[rel=canonical]")["href"] == "https://news.example/about/"
    privacy = parse_html(site / "output/policy/privacy/index.html")
    assert privacy.select_one("meta[name=description]")["content"] == "개인정보 처리 기준"


def test_footer_links_pages_in_their_footer_order_on_every_page(site):
    build_site(site)
    expected = [("/about/", "회사소개"), ("/ethics/", "윤리강령"),
                ("/policy/privacy/", "개인정보처리방침")]
    for rel in ("index.html", "local/index.html", "latest/page/1/index.html", "tips/index.html",
                "404.html", "recent/index.html", "tags/교통/index.html"):
        assert footer_links(site / "output" / rel) == expected, rel
    article = next((site / "output/local/2026").rglob("index.html"))
    assert footer_links(article) == expected


def test_pages_are_never_listed_as_news(site):
    build_site(site)
    out = site / "output"
    latest = parse_html(out / "latest/index.html").select_one("main").get_text()
    assert "회사소개" not in latest
    news_files = ["feed.xml", "atom.xml", "local/feed.xml", "news-sitemap.xml"]
    news_files += [p.relative_to(out).as_posix() for p in (out / "search-index").rglob("*")
                   if p.is_file()]
    for rel in news_files:
        text = (out / rel).read_text(encoding="utf-8")
        assert "/about/" not in text and "회사소개" not in text, rel
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://news.example/about/" in sitemap
    assert "https://news.example/policy/privacy/" in sitemap
    assert not (out / "pages").exists()  # content/pages/ is no section


def test_a_draft_page_is_built_only_with_drafts(site):
    write(site, "content/pages/ads.md", page_text("광고문의", footer=4, draft="true"))
    build_site(site)
    assert not (site / "output/ads").exists()
    assert "/ads/" not in [href for href, _ in footer_links(site / "output/index.html")]
    build_site(site, drafts=True)
    assert (site / "output/ads/index.html").exists()
    assert ("/ads/", "광고문의") in footer_links(site / "output/index.html")


def test_a_page_alias_redirects_to_it(site):
    edit(site, "content/pages/about.md", "footer: 1", "footer: 1\naliases: [/company/intro/]")
    build_site(site)
    redirect = (site / "output/company/intro/index.html").read_text(encoding="utf-8")
    assert 'url=/about/"' in redirect


@pytest.mark.parametrize("path, text, expected", [
    ("content/pages/about.md", "---\nfooter: 1\n---\n\n본문\n",
     "content/pages/about.md:1: title: is required"),
    ("content/pages/about.md", page_text("회사소개", footer="first"),
     "content/pages/about.md:3: footer: must be a whole number"),
    ("content/pages/local.md", page_text("지방자치 안내"),
     "content/pages/local.md:1: url: URL /local/ is already used by (a listing page)"),
    ("content/pages/Big_Name.md", page_text("이상한 이름"),
     "content/pages/Big_Name.md:1: a page's file and folder names become its URL"),
    ("content/pages/tags/x.md", page_text("태그 흉내"),
     "content/pages/tags/x.md:1: url: URL /tags/x/ is a page newsgen generates"),
])
def test_bad_pages_are_errors_naming_file_and_line(make_site, path, text, expected):
    site = make_site({**newsroom(2), path: text})
    with pytest.raises(BuildFailed) as failure:
        build_site(site)
    assert any(str(p).startswith(expected) for p in failure.value.problems), \
        [str(p) for p in failure.value.problems]


def test_a_page_at_an_articles_url_is_an_error_naming_both(make_site):
    site = make_site({
        "content/local/a.md": article_text("기사", aliases="[/about/]"),
        "content/pages/about.md": page_text("회사소개"),
    })
    with pytest.raises(BuildFailed) as failure:
        build_site(site)
    assert [str(p) for p in failure.value.problems] == [
        "content/pages/about.md:1: url: URL /about/ is already used by content/local/a.md"]


def test_a_section_may_not_be_called_pages(make_site):
    site = make_site({"site.toml": '''\
        title = "t"
        base_url = "/"
        [[sections]]
        slug = "pages"
        name = "페이지"
        '''})
    with pytest.raises(BuildFailed) as failure:
        build_site(site)
    assert "'pages' is used twice or is reserved" in str(failure.value.problems[0])


def test_a_page_edit_is_seen_by_the_no_change_shortcut(site):
    build_site(site)
    assert build_site(site).written == 0
    edit(site, "content/pages/about.md", "우리 신문을 소개합니다.", "새 소개 문구입니다.")
    result = build_site(site)
    assert 0 < result.written <= 2  # the page (and nothing else: no footer change)
    assert "새 소개 문구입니다." in (site / "output/about/index.html").read_text(encoding="utf-8")


def test_a_footer_title_change_updates_every_page_as_a_clean_build_does(site, tmp_path):
    build_site(site)
    edit(site, "content/pages/ethics.md", "윤리강령", "윤리 강령")
    build_site(site)
    assert ("/ethics/", "윤리 강령") in footer_links(site / "output/local/index.html")
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


PAGE_CHANGES = [
    ("add a page", ["content/pages/ads.md"],
     lambda s: write(s, "content/pages/ads.md", page_text("광고문의", footer=9))),
    ("edit a page body", ["content/pages/tips.md"],
     lambda s: edit(s, "content/pages/tips.md", "제보를 받습니다.", "제보는 메일로.")),
    ("reorder the footer", ["content/pages/about.md"],
     lambda s: edit(s, "content/pages/about.md", "footer: 1", "footer: 7")),
    ("delete a page", ["content/pages/policy/privacy.md"],
     lambda s: (s / "content/pages/policy/privacy.md").unlink()),
]


def test_preview_session_follows_page_edits_as_clean_builds(site, tmp_path):
    session = Session()
    build_site(site, session=session)
    for name, rels, change in PAGE_CHANGES:
        change(site)
        build_site(site, session=session, changed=changed_paths(site, rels))
        clean = clean_copy_build(site, tmp_path / "clean")
        assert_same_output(snapshot(site / "output"), clean, f"after: {name}")


def test_page_json_ld_is_schema_org(site):
    from schemaorg import json_ld_blocks, problems
    build_site(site)
    for rel in ("about/index.html", "policy/privacy/index.html"):
        blocks = json_ld_blocks(parse_html(site / "output" / rel))
        assert blocks and problems(blocks) == [], rel
    crumbs = json.loads(parse_html(site / "output/tips/index.html").find(
        "script", type="application/ld+json").string)
    assert crumbs["@type"] == "BreadcrumbList"


def test_build_watch_updates_a_page_on_save(site, tmp_path):
    from test_watch_build import clean_build, files_of, watching
    with watching(site) as watch:
        assert watch.line().startswith("initial build: built 7 articles")
        time.sleep(0.3)  # the watcher's first events settle
        edit(site, "content/pages/tips.md", "제보를 받습니다.", "제보는 전화로 받습니다.")
        assert "built 7 articles" in watch.line()
        text = (site / "output/tips/index.html").read_text(encoding="utf-8")
        assert "제보는 전화로 받습니다." in text
        edit(site, "content/pages/ethics.md", 'title: "윤리강령"', 'title: "윤리 강령"')
        assert "built 7 articles" in watch.line()
        assert ("/ethics/", "윤리 강령") in footer_links(site / "output/local/index.html")
        assert files_of(site / "output") == clean_build(site, tmp_path / "clean")
