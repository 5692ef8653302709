"""The built site's structure, read back with a real HTML parser."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import article_text, build_site, parse_html


def local_target(output: Path, base_path: str, href: str) -> Path | None:
    """The file an internal link points at, or None for external links and anchors."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or href.startswith(("#", "mailto:")):
        return None
    assert parts.path.startswith(base_path), f"{href} is outside {base_path}"
    rel = unquote(parts.path[len(base_path):])
    return output / (rel + "index.html" if rel.endswith("/") or not rel else rel)


def internal_links(page) -> list[str]:
    links = [a["href"] for a in page.find_all("a", href=True)]
    links += [tag["href"] for tag in page.find_all("link", href=True)]
    links += [tag["src"] for tag in page.find_all(["img", "script"], src=True)]
    return links


def assert_links_resolve(output: Path, base_path: str) -> int:
    checked = 0
    for html in output.rglob("*.html"):
        for href in internal_links(parse_html(html)):
            target = local_target(output, base_path, href)
            if target is not None and "/search/" not in href:
                assert target.is_file(), f"{html.relative_to(output)} links to missing {href}"
                checked += 1
    return checked


def section_site(make_site, count: int, **extra):
    files = {f"content/local/a{n:02d}.md": article_text(f"기사 {n}", f"2026-10-{n + 1:02d} 09:00")
             for n in range(count)}
    return make_site({**files, **extra})


def titles(page) -> list[str]:
    return [h.get_text(strip=True) for h in page.select(".cards .card-title")]


def test_every_internal_link_of_the_sample_site_resolves(sample_site):
    assert assert_links_resolve(sample_site, "/") > 500


def test_links_resolve_under_a_sub_path_base_url(make_site):
    site = section_site(make_site, 8)
    build_site(site, base_url="https://example.org/news/")
    assert assert_links_resolve(site / "output", "/news/") > 50


def test_section_front_shows_newest_first_and_links_older_pages(make_site):
    site = section_site(make_site, 8)
    build_site(site)
    front = parse_html(site / "output/local/index.html")
    # Pages of 3: page 1 holds the oldest three, the front the five after them.
    assert titles(front) == ["기사 7", "기사 6", "기사 5", "기사 4", "기사 3"]
    assert front.select_one("a[rel=next]")["href"] == "/local/page/1/"
    assert titles(parse_html(site / "output/local/page/1/index.html")) == [
        "기사 2", "기사 1", "기사 0"]
    assert not (site / "output/local/page/2").exists()


def test_archive_pages_do_not_change_when_an_article_arrives(make_site):
    site = section_site(make_site, 17)
    build_site(site)
    # Pages 1-2 are older than the window of page links near the newest page (5).
    archive = [site / f"output/local/page/{n}/index.html" for n in (1, 2)]
    before = [p.read_bytes() for p in archive]
    (site / "content/local/new.md").write_text(article_text("새 기사", "2026-11-20 10:00"),
                                               encoding="utf-8")
    result = build_site(site)
    assert [p.read_bytes() for p in archive] == before
    assert titles(parse_html(site / "output/local/page/5/index.html")) == [
        "기사 14", "기사 13", "기사 12"]
    assert titles(parse_html(site / "output/local/index.html")) == [
        "새 기사", "기사 16", "기사 15"]
    # Pages, plus five search-index files: the new fragment, index chunk, filter, meta, entry.
    assert result.written < 25


def test_latest_lists_all_sections_newest_first(make_site):
    site = make_site({
        "content/local/a.md": article_text("지방 기사", "2026-11-01 09:00"),
        "content/society/b.md": article_text("사회 기사", "2026-11-02 09:00"),
    })
    build_site(site)
    assert titles(parse_html(site / "output/latest/index.html")) == ["사회 기사", "지방 기사"]


def test_drafts_and_future_articles_are_hidden_unless_asked_for(make_site):
    site = make_site({
        "content/local/draft.md": article_text("초안", draft="true"),
        "content/local/later.md": article_text("예정 기사", "2030-01-01 09:00"),
        "content/local/now.md": article_text("공개 기사"),
    })
    build_site(site)
    assert titles(parse_html(site / "output/latest/index.html")) == ["공개 기사"]
    assert not (site / "output/local/2030").exists()
    build_site(site, drafts=True, future=True)
    shown = titles(parse_html(site / "output/latest/index.html"))
    assert shown == ["예정 기사", "공개 기사", "초안"]


def test_titles_and_summaries_are_escaped(make_site):
    nasty = "<script>alert(1)</script> & \\\"quote\\\""
    site = make_site({"content/local/x.md": article_text(
        nasty, summary='"<img src=x onerror=alert(1)>"', tags='["<b>태그</b>"]')})
    build_site(site)
    for rel in ("local/2026/11/20/x/index.html", "latest/index.html", "index.html"):
        page = parse_html(site / "output" / rel)
        assert not [s for s in page.find_all("script", string=lambda s: s and "alert" in s)
                    if s.get("type") != "application/ld+json"], rel  # JSON-LD holds it escaped
        assert not page.find("img", src="x"), rel
        assert not page.find("b", string="태그"), rel
    article = parse_html(site / "output/local/2026/11/20/x/index.html")
    assert article.find("h1").get_text() == '<script>alert(1)</script> & "quote"'


def test_article_page_has_byline_timestamps_and_tags(sample_site):
    page = parse_html(sample_site / "local/2024/05/03/gyeonggi-ai-data/index.html")
    assert page.find("h1").get_text(strip=True).startswith("경기도-31개 시군과 손잡고")
    assert "-경기도 AI데이터 협의체 출범" in page.get_text()
    byline = page.select_one(".byline").get_text(" ", strip=True)
    assert "어웨이크뉴스 오경하 기자" in byline and "입력 2024.05.03 09:12" in byline
    assert page.select_one("a[href^='mailto:']")["href"].startswith("mailto:oh.kyungha@")
    assert "/tags/경기도/" in [unquote(a["href"]) for a in page.select(".tags a")]


def test_home_has_top_story_latest_box_and_a_box_per_section(sample_site):
    page = parse_html(sample_site / "index.html")
    assert page.select_one(".top-story h2 a")
    # latest_count headlines after the top story and the four beside it, none of them again
    latest = [a["href"] for a in page.select(".box-latest li a")]
    front = {a["href"] for a in page.select(".top-story h2 a, .front-grid h3 a")}
    assert len(latest) == 10 and len(front) == 5 and not front & set(latest)
    more_links = [a["href"] for a in page.select(".section-boxes .more")]
    assert more_links == ["/local/", "/politics-economy/", "/society/", "/life-culture/"]


def test_shared_boxes_page_prints_the_korean_date(make_site):
    site = section_site(make_site, 2)
    build_site(site)
    page = parse_html(site / "output/recent/index.html")
    assert page.select_one(".today").get_text(strip=True) == "2026.11.25 (수)"


def test_summary_defaults_to_first_paragraph(make_site):
    body = "첫 문단은 **요약**이 된다.\n\n둘째 문단은 아니다."
    site = make_site({"content/local/a.md": article_text("기사", body=body)})
    build_site(site)
    page = parse_html(site / "output/local/index.html")
    assert page.select_one(".card-summary").get_text() == "첫 문단은 요약이 된다."


def test_tag_and_reporter_pages_list_their_articles(make_site):
    site = make_site({
        "content/local/a.md": article_text("가", tags="[경기도, AI]", author="oh-kyungha"),
        "content/local/b.md": article_text("나", "2026-11-21 09:00", tags="[경기도]"),
    })
    build_site(site)
    assert titles(parse_html(site / "output/tags/경기도/index.html")) == ["나", "가"]
    assert titles(parse_html(site / "output/tags/ai/index.html")) == ["가"]
    assert titles(parse_html(site / "output/authors/oh-kyungha/index.html")) == ["가"]


def test_english_site_uses_english_labels(make_site):
    config = ('title = "Daily"\nbase_url = "/"\nlanguage = "en"\ntimezone = "UTC"\n'
              '[[sections]]\nslug = "local"\nname = "Local"\n')
    site = make_site({"site.toml": config, "content/local/a.md": article_text("Story")})
    build_site(site)
    page = parse_html(site / "output/index.html")
    assert page.find("html")["lang"] == "en"
    assert page.select_one(".box-latest h2").get_text(" ", strip=True).startswith("Latest")
