"""Search in a real browser: Debian's Chromium against built sites served on 127.0.0.1."""

import re
from urllib.parse import quote

import pytest
from conftest import article_text, build_site, serving_folder

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AI_DATA = "/local/2024/05/03/gyeonggi-ai-data/"


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def sample_url(sample_site):
    with serving_folder(sample_site) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    outside = []
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"),
                  lambda route: (outside.append(route.request.url), route.abort()))
    tab = context.new_page()
    yield tab
    context.close()
    assert outside == [], "the page tried to reach another host"


def search_page(page, root, query, **params):
    params = "".join(f"&{k}={quote(v)}" for k, v in params.items())
    page.goto(f"{root}/search/?q={quote(query)}{params}")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent"
                           ".search(/[0-9]|없습니다/) >= 0")
    return page


def result_titles(page):
    return page.locator(".search-result-title").all_inner_texts()


def test_header_field_shows_highlighted_results_and_opens_the_article(page, sample_url):
    page.goto(sample_url + "/")
    page.locator("details:has(#search-q) > summary").click()
    page.locator("#search-q").press_sequentially("협의체", delay=30)
    first = page.locator(".search-preview .search-result").first
    first.wait_for()
    assert first.locator(".search-result-title a").evaluate("a => a.pathname") == AI_DATA
    marks = first.locator(".search-result-excerpt mark").all_inner_texts()
    assert marks and all(m == "협의체" for m in marks)
    assert first.locator(".search-result-section").inner_text() == "지방자치"
    first.locator(".search-result-title a").click()
    page.wait_for_url(sample_url + AI_DATA)
    assert "행정혁신" in page.locator("h1").inner_text()


def test_header_form_submits_to_the_search_page(page, sample_url):
    page.goto(sample_url + AI_DATA)
    page.locator("details:has(#search-q) > summary").click()
    page.locator("#search-q").fill("경기도")
    page.locator("#search-q").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    page.locator(".search-result").first.wait_for()
    assert page.locator("#search-page-q").input_value() == "경기도"


def test_noun_finds_its_part_inside_a_compound(page, sample_url):
    search_page(page, sample_url, "화폐")
    assert page.locator(".search-result").count() > 0
    excerpts = page.locator(".search-result-excerpt").all_inner_texts()
    assert any("화폐" in e for e in excerpts)


def test_multi_word_query_finds_inflected_forms(page, sample_url):
    search_page(page, sample_url, "경기도 협의체")
    links = page.locator(".search-result-title a").evaluate_all("ls => ls.map(a => a.pathname)")
    assert AI_DATA in links


def test_query_with_particle_still_finds_the_noun(page, sample_url):
    search_page(page, sample_url, "협의체를")
    links = page.locator(".search-result-title a").evaluate_all("ls => ls.map(a => a.pathname)")
    assert AI_DATA in links


def test_section_filter_keeps_only_that_section(page, sample_url):
    search_page(page, sample_url, "경기도")
    everywhere = page.locator(".search-result").count()
    page.get_by_label("사회", exact=True).check()
    page.wait_for_url(re.compile("section="))
    page.wait_for_function(f"document.querySelectorAll('.search-result').length < {everywhere}")
    sections = page.locator(".search-result-section").all_inner_texts()
    assert sections and set(sections) == {"사회"}


def test_newest_first_orders_results_by_date(page, sample_url):
    search_page(page, sample_url, "경기도", sort="newest")
    dates = page.locator(".search-result time").all_inner_texts()
    assert len(dates) > 2 and dates == sorted(dates, reverse=True)


def test_unknown_word_says_nothing_was_found(page, sample_url):
    search_page(page, sample_url, "존재하지않는낱말")
    assert page.locator("[data-search-status]").inner_text() == "검색 결과가 없습니다."


def test_drafts_and_future_articles_are_not_findable(page, make_site, tmp_path):
    site = make_site({
        "content/local/a.md": article_text("공개 기사", "2026-11-20 09:00", "공개낱말 본문."),
        "content/local/b.md": article_text("초안", "2026-11-20 10:00", "초안낱말 본문.",
                                           draft="true"),
        "content/local/c.md": article_text("예약", "2026-12-20 10:00", "예약낱말 본문."),
    })
    root = tmp_path / "root"
    build_site(site, root / "news", base_url="https://news.example/news/")
    with serving_folder(root) as url:
        for word in ("초안낱말", "예약낱말"):
            search_page(page, url + "/news", word)
            assert page.locator(".search-result").count() == 0, word
        search_page(page, url + "/news", "공개낱말")
        page.locator(".search-result-title a").click()
        page.wait_for_url(url + "/news/local/2026/11/20/a/")


def test_a_page_that_asks_to_be_found_comes_before_the_articles(page, make_site):
    """`searchable: true` puts a standalone page in search; the others stay out."""
    site = make_site({
        "content/local/a.md": article_text("구독 안내 기사", body="구독자낱말 기사 본문."),
        "content/pages/subscribe.md": "---\ntitle: 구독 신청\nsearchable: true\n---\n\n"
                                      "구독자낱말 신청은 전화로 받습니다.\n",
        "content/pages/privacy.md": "---\ntitle: 개인정보처리방침\n---\n\n비공개낱말 조항.\n",
    })
    build_site(site)
    import json

    listed = json.loads((site / "output/search-index/pages.json").read_text(encoding="utf-8"))
    assert [p["url"] for p in listed] == ["/subscribe/"]
    with serving_folder(site / "output") as url:
        search_page(page, url, "구독자낱말")
        assert result_titles(page) == ["구독 신청", "구독 안내 기사"]
        search_page(page, url, "비공개낱말")
        assert result_titles(page) == []
