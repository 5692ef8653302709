"""RSS and Atom feeds: valid for feedparser, absolute, dated in the site's zone, stable."""

from datetime import timedelta

import feedparser
from conftest import FIXED_NOW, MINIMAL_CONFIG, article_text, build_site, jpeg_bytes

PHOTO = jpeg_bytes()


def feeds_of(output):
    return [p for p in output.rglob("*.xml") if p.name in ("feed.xml", "atom.xml")]


def test_sample_feeds_parse_without_errors(sample_site):
    found = feeds_of(sample_site)
    # the site, four sections and the corrections listing, RSS and Atom each
    assert len(found) == 2 * 6
    for path in found:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path


def test_rss_item_carries_absolute_link_local_date_author_categories_enclosure(make_site):
    site = make_site({
        "static/images/photo.jpg": PHOTO,
        "content/local/a.md": article_text(
            "군포시 <가로등> & 안전", "2026-11-20 09:30", author="oh-kyungha",
            tags="[군포시, 안전]", image="/images/photo.jpg", image_caption="가로등"),
    })
    build_site(site)
    feed = feedparser.parse((site / "output/feed.xml").read_bytes())
    assert feed.bozo == 0
    entry = feed.entries[0]
    assert entry.title == "군포시 <가로등> & 안전"
    assert entry.link == "https://news.example/local/2026/11/20/a/"
    assert entry.id == entry.link
    assert entry.published.endswith("09:30:00 +0900")
    assert entry.author == "오경하"
    assert [t.term for t in entry.tags] == ["지방자치", "군포시", "안전"]
    enclosure = entry.enclosures[0]
    assert enclosure.href == "https://news.example/images/photo.jpg"
    assert int(enclosure.length) == len(PHOTO)
    assert enclosure.type == "image/jpeg"
    assert feed.feed.link == "https://news.example/"


def test_atom_entry_has_author_page_and_section_category(make_site):
    site = make_site({"content/society/a.md": article_text(
        "제목", "2026-11-20 09:30", updated="2026-11-21 10:00", author="oh-kyungha")})
    build_site(site)
    feed = feedparser.parse((site / "output/society/atom.xml").read_bytes())
    assert feed.bozo == 0 and feed.version == "atom10"
    entry = feed.entries[0]
    assert entry.author_detail.href == "https://news.example/authors/oh-kyungha/"
    assert entry.updated == "2026-11-21T10:00:00+09:00"
    assert entry.tags[0].term == "society" and entry.tags[0].label == "사회"
    assert feedparser.parse((site / "output/local/atom.xml").read_bytes()).entries == []


def test_feeds_hold_the_newest_fifty_by_default(make_site):
    files = {f"content/local/a{n:02d}.md": article_text(
        f"기사 {n}", (FIXED_NOW - timedelta(hours=n)).strftime("%Y-%m-%d %H:%M"))
        for n in range(55)}
    site = make_site(files)
    build_site(site)
    entries = feedparser.parse((site / "output/feed.xml").read_bytes()).entries
    assert len(entries) == 50
    assert entries[0].title == "기사 0" and entries[-1].title == "기사 49"


def test_full_text_feed_carries_body_with_absolute_links_under_sub_path(make_site):
    config = MINIMAL_CONFIG.replace('base_url = "https://news.example/"',
                                    'base_url = "https://example.org/news/"')
    config = 'feed_count = 1\nfeed_content = "full"\n' + config
    site = make_site({
        "site.toml": config,
        "content/local/old.md": article_text("예전", "2026-11-01 09:00"),
        "content/local/new.md": article_text(
            "새 기사", "2026-11-20 09:00", body="첫 문단.\n\n![사진](/images/p.jpg)\n\n"
            "[지난 기사](/local/2026/11/01/old/)"),
    })
    build_site(site)
    rss = feedparser.parse((site / "output/feed.xml").read_bytes())
    atom = feedparser.parse((site / "output/atom.xml").read_bytes())
    for feed in (rss, atom):
        assert feed.bozo == 0 and len(feed.entries) == 1
        html = feed.entries[0].content[0].value
        assert 'src="https://example.org/news/images/p.jpg"' in html
        assert 'href="https://example.org/news/local/2026/11/01/old/"' in html
        assert feed.entries[0].link == "https://example.org/news/local/2026/11/20/new/"


def test_summary_feed_carries_no_body(make_site):
    site = make_site({"content/local/a.md": article_text(body="요약 문단.\n\n둘째 문단.")})
    build_site(site)
    entry = feedparser.parse((site / "output/feed.xml").read_bytes()).entries[0]
    assert entry.summary == "요약 문단."
    assert "content" not in entry


def test_feeds_do_not_change_with_the_build_time(make_site):
    site = make_site({"content/local/a.md": article_text()})
    build_site(site)
    before = {p: p.read_bytes() for p in feeds_of(site / "output")}
    build_site(site, now=FIXED_NOW + timedelta(days=3), clean=True)
    assert {p: p.read_bytes() for p in feeds_of(site / "output")} == before


def test_rejects_unknown_feed_content_setting(make_site, capsys):
    from generator.cli.main import main

    site = make_site({"site.toml": 'feed_content = "everything"\n' + MINIMAL_CONFIG})
    assert main(["build", "--site", str(site)]) == 1
    assert ("site.toml:1: feed_content: must be 'summary' or 'full', not 'everything'"
            in capsys.readouterr().err)


def test_publishing_in_one_section_leaves_other_sections_feeds_alone(make_site):
    site = make_site({"content/local/a.md": article_text("가", "2026-11-01 09:00"),
                      "content/society/b.md": article_text("나", "2026-11-02 09:00")})
    build_site(site)
    output = site / "output"
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in feeds_of(output)}
    (site / "content/local/c.md").write_text(article_text("다", "2026-11-03 09:00"))
    build_site(site)
    changed = {p.relative_to(output).as_posix() for p in feeds_of(output)
               if (p.read_bytes(), p.stat().st_mtime_ns) != before[p]}
    assert changed == {"feed.xml", "atom.xml", "local/feed.xml", "local/atom.xml"}
