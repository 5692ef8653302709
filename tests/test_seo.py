"""Head metadata for search engines and social cards, JSON-LD, and alias redirects."""

import json
from datetime import timedelta
from urllib.parse import quote

from bs4 import BeautifulSoup
from conftest import FIXED_NOW, MINIMAL_CONFIG, article_text, build_site, jpeg_bytes, parse_html

ARTICLE = "output/local/2026/11/20/a/index.html"


def meta(page, key: str) -> list[str]:
    found = page.find_all("meta", attrs={"property": key}) or page.find_all(
        "meta", attrs={"name": key})
    return [tag["content"] for tag in found]


def json_ld(page) -> dict:
    scripts = page.head.find_all("script", type="application/ld+json")
    return {data["@type"]: data for data in (json.loads(s.string) for s in scripts)}


def photo_site(make_site, title="가로등 420개 설치"):
    config = 'logo = "/images/logo.png"\ntwitter = "@testnews"\n' + MINIMAL_CONFIG
    return make_site({
        "site.toml": config,
        "static/images/photo.jpg": jpeg_bytes(),
        "content/local/a.md": article_text(
            title, "2026-11-20 09:30", updated="2026-11-21 10:00", author="oh-kyungha",
            tags="[군포시, 안전]", image="/images/photo.jpg", image_alt="가로등 사진",
            summary="요약문입니다."),
    })


def test_article_head_has_canonical_opengraph_and_twitter_card(make_site):
    site = photo_site(make_site)
    build_site(site)
    page = parse_html(site / ARTICLE)
    url = "https://news.example/local/2026/11/20/a/"
    assert page.title.string == "가로등 420개 설치 - 테스트뉴스"
    assert meta(page, "description") == ["요약문입니다."]
    assert page.find("link", rel="canonical")["href"] == url
    assert meta(page, "og:type") == ["article"]
    assert meta(page, "og:title") == ["가로등 420개 설치"]
    assert meta(page, "og:description") == ["요약문입니다."]
    assert meta(page, "og:url") == [url]
    assert meta(page, "og:image") == ["https://news.example/images/photo.jpg"]
    assert meta(page, "og:site_name") == ["테스트뉴스"]
    assert meta(page, "article:published_time") == ["2026-11-20T09:30:00+09:00"]
    assert meta(page, "article:modified_time") == ["2026-11-21T10:00:00+09:00"]
    assert meta(page, "article:section") == ["지방자치"]
    assert meta(page, "article:tag") == ["군포시", "안전"]
    assert meta(page, "twitter:card") == ["summary_large_image"]
    assert meta(page, "twitter:site") == ["@testnews"]
    assert meta(page, "twitter:image") == ["https://news.example/images/photo.jpg"]


def test_article_json_ld_is_a_complete_news_article(make_site):
    site = photo_site(make_site)
    build_site(site)
    article = json_ld(parse_html(site / ARTICLE))["NewsArticle"]
    url = "https://news.example/local/2026/11/20/a/"
    assert article["headline"] == "가로등 420개 설치"
    assert article["description"] == "요약문입니다."
    assert article["image"] == ["https://news.example/images/photo.jpg"]
    assert article["datePublished"] == "2026-11-20T09:30:00+09:00"
    assert article["dateModified"] == "2026-11-21T10:00:00+09:00"
    assert article["author"] == [{"@type": "Person", "name": "오경하",
                                  "url": "https://news.example/authors/oh-kyungha/"}]
    assert article["publisher"]["name"] == "테스트뉴스"
    assert article["publisher"]["logo"]["url"] == "https://news.example/images/logo.png"
    assert article["mainEntityOfPage"]["@id"] == url


def test_title_with_closing_script_tag_stays_inside_json_ld(make_site):
    title = '</script><script>alert("x")</script> & <!-- 속보'
    site = photo_site(make_site, title=title.replace('"', '\\"'))
    build_site(site)
    page = parse_html(site / ARTICLE)
    assert not any("alert" in (s.string or "") and "ld+json" not in s.get("type", "")
                   for s in page.find_all("script"))
    assert json_ld(page)["NewsArticle"]["headline"] == title
    assert meta(page, "og:title") == [title]


def test_home_has_website_and_organization(sample_site):
    page = parse_html(sample_site / "index.html")
    data = json_ld(page)
    assert data["WebSite"]["url"] == "https://awakenews.example/"
    assert data["WebSite"]["name"] == "어웨이크뉴스"
    assert data["NewsMediaOrganization"]["logo"]["url"] == "https://awakenews.example/images/logo.png"
    assert meta(page, "og:type") == ["website"]
    assert meta(page, "twitter:card") == ["summary"]  # the logo is no photo for a large card


def test_archive_listing_has_breadcrumbs_to_its_page(sample_site):
    page = parse_html(sample_site / "latest/page/1/index.html")
    items = json_ld(page)["BreadcrumbList"]["itemListElement"]
    assert [i["item"] for i in items] == [
        "https://awakenews.example/", "https://awakenews.example/latest/",
        "https://awakenews.example/latest/page/1/"]
    assert [i["position"] for i in items] == [1, 2, 3]


def test_every_page_has_its_own_canonical_and_links_the_feeds(sample_site):
    checked = 0
    for path in sample_site.rglob("index.html"):
        rel = path.parent.relative_to(sample_site).as_posix()
        if rel.startswith(("recent", "news/")):
            continue
        page = BeautifulSoup(path.read_bytes(), "html.parser")  # html5lib is slow for 180 pages
        own = "https://awakenews.example/" + ("" if rel == "." else quote(rel) + "/")
        assert page.find("link", rel="canonical")["href"] == own
        feeds = {link["href"] for link in page.find_all("link", rel="alternate")}
        assert {"/feed.xml", "/atom.xml"} <= feeds, rel
        assert meta(page, "description") and meta(page, "og:title"), rel
        checked += 1
    assert checked > 100


def test_section_pages_link_their_section_feed(sample_site):
    page = parse_html(sample_site / "society/index.html")
    feeds = {link["href"] for link in page.find_all("link", rel="alternate")}
    assert feeds == {"/feed.xml", "/atom.xml", "/society/feed.xml", "/society/atom.xml"}


def test_shared_boxes_page_is_not_indexed(sample_site):
    assert meta(parse_html(sample_site / "recent/index.html"), "robots") == ["noindex"]


def test_article_pages_do_not_depend_on_the_build_time(make_site):
    site = photo_site(make_site)
    build_site(site)
    before = (site / ARTICLE).read_bytes()
    build_site(site, now=FIXED_NOW + timedelta(days=40), clean=True)
    assert (site / ARTICLE).read_bytes() == before


def test_aliases_become_redirect_pages_and_a_redirects_file(make_site):
    config = MINIMAL_CONFIG.replace("https://news.example/", "https://example.org/news/")
    site = make_site({"site.toml": config, "content/local/a.md": article_text(
        aliases='["/news/articleView/1179.html", "/old/story/", "/old/bare"]')})
    build_site(site)
    output = site / "output"
    target = "/news/local/2026/11/20/a/"
    for rel in ("news/articleView/1179.html", "old/story/index.html", "old/bare/index.html"):
        page = parse_html(output / rel)
        assert page.find("link", rel="canonical")["href"] == "https://example.org" + target
        refresh = page.find("meta", attrs={"http-equiv": "refresh"})["content"]
        assert refresh == f"0; url={target}"
        assert page.find("a")["href"] == target
    assert (output / "_redirects").read_text().splitlines() == [
        f"/news/news/articleView/1179.html {target} 301",
        f"/news/old/bare/ {target} 301",
        f"/news/old/story/ {target} 301",
    ]


def test_rejects_alias_on_a_generated_file(make_site):
    from generator.core.errors import BuildFailed

    site = make_site({"content/local/a.md": article_text(aliases='["/feed.xml"]')})
    try:
        build_site(site)
    except BuildFailed as failure:
        assert [str(p) for p in failure.problems] == ["content/local/a.md:1: aliases: "
                                                      "URL /feed.xml is already used by "
                                                      "(a file newsgen writes)"]
    else:
        raise AssertionError("the build accepted an alias on /feed.xml")
