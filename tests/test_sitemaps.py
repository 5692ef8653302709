"""sitemap.xml, its index and parts, news-sitemap.xml and robots.txt, checked with the XSDs."""

from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema
from conftest import FIXED_NOW, MINIMAL_CONFIG, article_text, build_site

SCHEMAS = Path(__file__).parent / "schemas"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "n": "http://www.google.com/schemas/sitemap-news/0.9",
      "i": "http://www.google.com/schemas/sitemap-image/1.1"}


@pytest.fixture(scope="module")
def urlset_schema():
    """The core schema with its extensions loaded together, as the schemas' README says."""
    names = ("sitemap.xsd", "sitemap-news.xsd", "sitemap-image.xsd", "xhtml-link.xsd")
    return xmlschema.XMLSchema([str(SCHEMAS / n) for n in names])


@pytest.fixture(scope="module")
def index_schema():
    return xmlschema.XMLSchema(str(SCHEMAS / "siteindex.xsd"))


def locs(path: Path) -> list[str]:
    return [e.text for e in ElementTree.parse(path).getroot().iterfind(".//s:loc", NS)]


def hours_ago(hours: float) -> str:
    return (FIXED_NOW - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


def test_sample_sitemap_lists_every_article_and_listing(sample_site, urlset_schema):
    urlset_schema.validate(str(sample_site / "sitemap.xml"))
    listed = set(locs(sample_site / "sitemap.xml"))
    pages = {p.parent.relative_to(sample_site).as_posix()
             for p in sample_site.rglob("index.html")}
    pages -= {".", "recent", "search", "news/articleView/1187"}
    # the corrections listing is linked from every page's footer, not listed here
    pages = {p for p in pages if not p.startswith("corrections")}
    expected = {"https://awakenews.example/"} | {
        "https://awakenews.example/" + _quoted(p) + "/" for p in pages}
    assert listed == expected
    photos = ElementTree.parse(sample_site / "sitemap.xml").getroot().iterfind(
        ".//i:image/i:loc", NS)
    assert "https://awakenews.example/images/anyang-naengcheon-protest.jpg" in {
        p.text for p in photos}


def _quoted(path: str) -> str:
    from urllib.parse import quote
    return quote(path)


def test_article_lastmod_comes_from_updated_in_site_time(make_site, urlset_schema):
    site = make_site({"content/local/a.md": article_text(
        date="2026-11-20 09:00", updated="2026-11-21 18:30")})
    build_site(site)
    urlset_schema.validate(str(site / "output/sitemap.xml"))
    root = ElementTree.parse(site / "output/sitemap.xml").getroot()
    entry = next(u for u in root.iterfind("s:url", NS)
                 if u.findtext("s:loc", namespaces=NS).endswith("/2026/11/20/a/"))
    assert entry.findtext("s:lastmod", namespaces=NS) == "2026-11-21T18:30:00+09:00"


def test_news_sitemap_holds_only_the_last_48_hours(make_site, urlset_schema):
    site = make_site({
        "content/local/fresh.md": article_text("새 소식 <1>", hours_ago(1)),
        "content/society/edge.md": article_text("이틀 전", hours_ago(47.5)),
        "content/local/stale.md": article_text("지난 소식", hours_ago(49)),
    })
    build_site(site)
    path = site / "output/news-sitemap.xml"
    urlset_schema.validate(str(path))
    root = ElementTree.parse(path).getroot()
    assert [u.findtext("n:news/n:title", namespaces=NS) for u in root] == [
        "새 소식 <1>", "이틀 전"]
    news = root[0].find("n:news", NS)
    assert news.findtext("n:publication/n:name", namespaces=NS) == "테스트뉴스"
    assert news.findtext("n:publication/n:language", namespaces=NS) == "ko"
    assert news.findtext("n:publication_date", namespaces=NS) == hours_ago(1).replace(
        " ", "T") + ":00+09:00"


def test_without_fresh_news_there_is_no_news_sitemap_and_robots_omits_it(make_site):
    site = make_site({"content/local/old.md": article_text(date=hours_ago(100))})
    build_site(site)
    assert not (site / "output/news-sitemap.xml").exists()
    robots = (site / "output/robots.txt").read_text()
    assert "news-sitemap" not in robots
    assert "Sitemap: https://news.example/sitemap.xml" in robots.splitlines()


def test_robots_txt_points_to_both_sitemaps(sample_site):
    lines = (sample_site / "robots.txt").read_text().splitlines()
    assert "User-agent: *" in lines
    assert "Sitemap: https://awakenews.example/sitemap.xml" in lines
    assert "Sitemap: https://awakenews.example/news-sitemap.xml" in lines


def split_site(make_site, count: int) -> Path:
    """Articles in one section, no tags, parts of ten URLs."""
    files = {f"content/local/a{n:02d}.md": article_text(f"기사 {n}", hours_ago(200 - n))
             for n in range(count)}
    return make_site({"site.toml": "sitemap_limit = 10\n" + MINIMAL_CONFIG, **files})


def sitemap_files(output: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in output.glob("sitemap*.xml")}


def test_large_site_is_split_under_a_sitemap_index(make_site, urlset_schema, index_schema):
    site = split_site(make_site, 12)
    build_site(site)
    output = site / "output"
    index_schema.validate(str(output / "sitemap.xml"))
    parts = locs(output / "sitemap.xml")
    assert parts == [f"https://news.example/sitemap-{n}.xml" for n in (1, 2, 3)]
    listed = []
    for url in parts:
        part = output / url.rsplit("/", 1)[1]
        urlset_schema.validate(str(part))
        assert len(locs(part)) <= 10
        listed += locs(part)
    # 12 articles, 3 archive pages of local/ and of latest/ (the front shows the newest 3),
    # home and the 4 listing fronts.
    assert len(listed) == len(set(listed)) == 12 + 3 + 3 + 5
    assert "https://news.example/local/page/1/" in listed


def test_publishing_one_article_rewrites_only_the_newest_part_and_the_index(make_site):
    # 14 articles and 3 archive pages of each listing fill parts 1 and 2; the fronts follow.
    site = split_site(make_site, 14)
    build_site(site)
    before = sitemap_files(site / "output")
    (site / "content/local/new.md").write_text(article_text("새 기사", hours_ago(2)))
    build_site(site)
    after = sitemap_files(site / "output")
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == {"sitemap.xml", "sitemap-3.xml"}


def test_rebuild_later_the_same_day_drops_news_older_than_48_hours(make_site):
    site = make_site({"content/local/a.md": article_text("곧 지날 소식", hours_ago(47))})
    build_site(site)
    assert (site / "output/news-sitemap.xml").exists()
    build_site(site, now=FIXED_NOW + timedelta(hours=2))  # same day, no input changed
    assert not (site / "output/news-sitemap.xml").exists()
