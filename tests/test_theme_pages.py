"""The default theme's page anatomy: header, article page, listings, boxes and footer."""

import re
from datetime import timedelta
from urllib.parse import unquote

from conftest import FIXED_NOW, MINIMAL_CONFIG, article_text, build_site, parse_html

ARTICLE = "local/2026/11/20/suwon-bus-route-reform/index.html"
WEATHER = ("source: 기상청 제공\nobserved: 2026-11-25 10:00\n"
           "cities:\n  - {name: 동두천, sky: 흐림, temp: 1}\n")


def text(node) -> str:
    """The text of each element, space-separated; `.nb` spans are part of a word."""
    for span in node.select(".nb"):
        span.unwrap()
    node.smooth()
    return node.get_text(" ", strip=True)


def test_header_prints_the_date_and_the_weather_strip(sample_site):
    page = parse_html(sample_site / "recent/index.html")
    assert text(page.select_one(".today")) == "2026.11.25 (수)"
    assert page.select_one(".today time")["datetime"] == "2026-11-25"
    cities = [text(li) for li in page.select(".weather-list li")]
    assert cities[0] == "흐림 동두천 1.0℃" and len(cities) == 16
    assert text(page.select_one(".weather-source")) == "기상청 제공"


def test_weather_strip_is_omitted_without_a_weather_file(make_site):
    site = make_site({"content/local/a.md": article_text()})
    build_site(site)
    page = parse_html(site / "output/index.html")
    assert page.select_one(".today") and not page.select_one(".weather")


def test_navigation_marks_the_current_section(sample_site):
    def current(rel):
        return [(text(a), a["aria-current"])
                for a in parse_html(sample_site / rel).select(".section-nav a[aria-current]")]

    names = [text(a) for a in parse_html(sample_site / "index.html").select(".section-nav a")]
    assert names == ["지방자치", "정치·경제", "사회", "라이프·문화"]
    assert current("index.html") == []
    assert current("society/index.html") == [("사회", "page")]
    assert current(ARTICLE) == [("지방자치", "true")]


def test_search_toggle_opens_a_field_that_submits_to_the_search_page(sample_site):
    page = parse_html(sample_site / "index.html")
    toggle = page.select_one("details.search")
    assert text(toggle.select_one("summary")) == "검색창 열기"
    form = toggle.select_one("form")
    assert form["action"] == "/search/" and form["method"] == "get"
    assert form.select_one("input[type=search]")["name"] == "q"


def test_article_page_follows_the_seed_anatomy(sample_site):
    page = parse_html(sample_site / ARTICLE)
    article = page.select_one("article.article")
    assert text(article.select_one(".kicker")) == "지방자치"
    assert text(article.select_one("h1")).startswith("수원시, 시내버스 노선 전면 개편…")
    assert [text(p) for p in article.select(".deck p")] == [
        "-내년 1월부터 32개 노선 조정", "-광교·호매실 연결 급행 신설"]
    who = text(article.select_one(".byline-who"))
    assert who == "어웨이크뉴스 박지원 기자 | park.jiwon@awakenews.example"
    assert [text(li) for li in article.select(".dates li")] == [
        "입력 2026.11.20 14:20", "수정 2026.11.21 09:05"]
    assert text(article.select_one("figure figcaption")) == "▲수원시청 앞 버스정류장"
    first = article.select_one(".article-body p")
    assert text(first).startswith("어웨이크뉴스 박지원 기자 | 수원시가")
    copyright_line = text(article.select_one(".copyright"))
    assert copyright_line == "저작권자 © 어웨이크뉴스 무단전재 및 재배포 금지"
    assert [text(a) for a in article.select(".tags a")] == ["#수원시", "#교통", "#시내버스"]
    related = article.select(".related li a")
    assert 3 <= len(related) <= 5


def test_article_page_loads_recency_boxes_instead_of_printing_them(sample_site):
    page = parse_html(sample_site / ARTICLE)
    for name, link in (("topbar", None), ("latest_box", "/latest/"),
                       ("section_boxes", "/recent/")):
        slot = page.select_one(f"[data-shared={name}]")
        assert slot.has_attr("data-pending"), name
        assert [a["href"] for a in slot.select("a")] == ([link] if link else [])
    assert not page.select(".latest-list, .weather-list")


def test_listings_show_thumbnail_headline_summary_reporter_and_date(sample_site):
    page = parse_html(sample_site / "local/index.html")
    card = page.select_one(".cards .card.has-thumb")
    assert card.select_one(".card-title a")["href"].startswith("/local/")
    assert text(card.select_one(".card-summary"))
    meta = text(card.select_one(".card-meta"))
    assert re.fullmatch(r"\S+ 기자 \d{4}\.\d\d\.\d\d \d\d:\d\d", meta), meta
    assert card.select_one(".card-thumb picture img")


def test_listings_have_pagination_named_by_days_with_previous_and_next(sample_site):
    page = parse_html(sample_site / "latest/page/2/index.html")
    nav = page.select_one("nav.pagination")
    assert [text(x) for x in nav.select("li")] == [
        "‹ 이전", "최신", "09.17–10.20", "2024.05.02–2026.09.15", "다음 ›"]
    assert text(nav.select_one("[aria-current=page]")) == "09.17–10.20"
    assert nav.select_one("a[rel=prev]")["href"] == "/latest/"
    assert nav.select_one("a[rel=next]")["href"] == "/latest/page/1/"


def test_every_box_links_to_its_listing(sample_site):
    page = parse_html(sample_site / "index.html")
    boxes = page.select(".box")
    assert len(boxes) == 5
    for box in boxes:
        more = box.select_one(".more")
        assert text(more).startswith("더보기"), text(box)
    assert page.select_one(".box-latest .more")["href"] == "/latest/"


def test_home_leads_with_the_newest_story_that_has_a_photo(sample_site):
    page = parse_html(sample_site / "index.html")
    top = page.select_one(".top-story")
    assert top.select_one("picture img")
    assert len(page.select(".front-grid .mini")) == 4


def test_reporter_page_introduces_the_reporter(sample_site):
    page = parse_html(sample_site / "authors/park-jiwon/index.html")
    assert text(page.select_one("h1")) == "박지원 기자"
    assert "교통과 도시계획" in text(page.select_one(".reporter-profile"))


def test_footer_prints_labelled_publisher_fields(sample_site):
    page = parse_html(sample_site / "index.html")
    labels = [text(dt) for dt in page.select(".publisher dt")]
    assert labels == ["제호", "등록번호", "등록일", "발행인", "편집인", "주소", "전화", "이메일",
                      "청소년보호책임자"]
    values = dict(zip(labels, (text(dd) for dd in page.select(".publisher dd")), strict=True))
    assert values["등록번호"] == "경기, 아00000" and values["제호"] == "어웨이크뉴스"
    assert "Copyright © 어웨이크뉴스. All rights reserved." in text(page.select_one("footer"))


def test_publisher_labels_are_configurable_with_an_english_fallback(make_site):
    config = ('title = "Daily"\nbase_url = "/"\nlanguage = "fr"\ntimezone = "UTC"\n'
              '[[sections]]\nslug = "local"\nname = "Local"\n'
              '[labels]\npublisher_registration = "Reg."\n'
              '[publisher]\nfax = "01"\nregistration = "A-1"\nname = "Daily"\n')
    site = make_site({"site.toml": config, "content/local/a.md": article_text("Story")})
    build_site(site)
    page = parse_html(site / "output/index.html")
    assert [text(dt) for dt in page.select(".publisher dt")] == ["Title", "Reg.", "Fax"]


def test_article_and_archive_pages_do_not_change_with_the_build_time(make_site):
    files = {f"content/local/a{n}.md": article_text(f"기사 {n}", f"2026-11-{n + 10} 09:00")
             for n in range(1, 10)}
    site = make_site({**files, "data/weather.yaml": WEATHER})
    build_site(site)
    stable = ["local/page/1/index.html", "local/page/2/index.html", "latest/page/1/index.html",
              "local/2026/11/11/a1/index.html", "local/2026/11/17/a7/index.html"]
    before = {rel: (site / "output" / rel).read_bytes() for rel in stable}
    later = WEATHER.replace("temp: 1", "temp: 9").replace("11-25", "11-28")
    (site / "data/weather.yaml").write_text(later, "utf-8")
    build_site(site, now=FIXED_NOW + timedelta(days=3))
    assert {rel: (site / "output" / rel).read_bytes() for rel in stable} == before
    assert "9.0℃" in (site / "output/recent/index.html").read_text("utf-8")


def test_site_templates_and_static_files_override_the_theme(make_site):
    footer = '<footer class="site-footer"><p>우리 신문 {{ site.title }}</p></footer>\n'
    site = make_site({"content/local/a.md": article_text(),
                      "templates/partials/footer.html": footer,
                      "static/assets/site.js": "// our own script\n"})
    build_site(site)
    page = parse_html(site / "output/index.html")
    assert text(page.select_one("footer")) == "우리 신문 테스트뉴스"
    script = page.select_one("script[src]")["src"]
    assert (site / "output" / script.lstrip("/")).read_text() == "// our own script\n"


def test_blocks_for_header_main_sidebar_and_footer_can_be_replaced(make_site):
    child = ('{% extends "base.html" %}{% block sidebar %}<aside aria-label="x">옆</aside>'
             '{% endblock %}{% block main %}<h1>{{ listing.title }}</h1>{% endblock %}'
             '{% block header %}<header>머리</header>{% endblock %}'
             '{% block footer %}<footer>꼬리</footer>{% endblock %}')
    site = make_site({"content/local/a.md": article_text(), "templates/listing.html": child})
    build_site(site)
    page = parse_html(site / "output/local/index.html")
    assert [text(page.select_one(t)) for t in ("header", "h1", "aside", "footer")] == [
        "머리", "지방자치", "옆", "꼬리"]


def test_stylesheet_sets_a_hangul_font_stack_and_keeps_words_whole(sample_site):
    css = next((sample_site / "assets").glob("style.*.css")).read_text("utf-8")
    stack = re.search(r"--sans:([^;]+);", css).group(1)
    for font in ("Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans KR", "NanumGothic"):
        assert font in stack
    headings = re.search(r"h1, h2, h3 \{[^}]*\}", css).group(0)
    assert "word-break: keep-all" in headings


def test_language_comes_from_config(make_site):
    config = MINIMAL_CONFIG.replace('language = "ko"', 'language = "en"')
    site = make_site({"site.toml": config, "content/local/a.md": article_text()})
    build_site(site)
    page = parse_html(site / "output/local/2026/11/20/a/index.html")
    assert page.find("html")["lang"] == "en"
    assert unquote(page.select_one(".copyright").get_text(" ", strip=True)).endswith(
        "All rights reserved.")
