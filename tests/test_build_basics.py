"""The sample site builds, and the core pages exist and link to each other."""

from conftest import build_site, parse_html


def test_sample_site_has_every_kind_of_page(sample_site):
    for rel in ("index.html", "latest/index.html", "local/index.html", "recent/index.html",
                "404.html", "local/2024/05/03/gyeonggi-ai-data/index.html",
                "authors/oh-kyungha/index.html", "tags/경기도/index.html"):
        assert (sample_site / rel).is_file(), rel


def test_second_build_writes_nothing(make_site):
    site = make_site({"content/local/a.md": "---\ntitle: 가\ndate: 2026-11-01\n---\n\n본문\n"})
    first = build_site(site)
    second = build_site(site)
    assert first.written > 0
    assert second.written == 0 and second.deleted == 0


def test_article_page_shows_title(make_site):
    text = "---\ntitle: 경기도 소식\ndate: 2026-11-01\n---\n\n본문\n"
    site = make_site({"content/local/a.md": text})
    build_site(site)
    page = parse_html(site / "output/local/2026/11/01/a/index.html")
    assert page.find("h1").get_text(strip=True) == "경기도 소식"


def test_site_with_only_drafts_builds(make_site):
    text = "---\ntitle: 초안\ndate: 2026-11-01\ndraft: true\n---\n\n본문\n"
    site = make_site({"content/local/a.md": text})
    result = build_site(site)
    assert result.articles == 0
    assert (site / "output/index.html").is_file()
