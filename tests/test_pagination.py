"""Listings a reader can page through: from the front page, `다음` leads to the
articles right after the front's last, every archive page is reached, each
article is on exactly one page, and the page links name the days they cover."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote, unquote

import pytest
from conftest import article_text, build_site, parse_html
from test_incremental import assert_same_output, clean_copy_build, edit, snapshot

START = datetime(2026, 9, 1, 9, 0)
LISTINGS = ("latest/", "local/", f"tags/{quote('교통')}/", "authors/oh-kyungha/")


def newsroom(make_site, count: int):
    """`count` articles a day apart, all in local/, tagged 교통, by one reporter."""
    return make_site({
        f"content/local/a{n:02d}.md": article_text(
            f"기사 {n}", f"{START + timedelta(days=n):%Y-%m-%d %H:%M}", tags="[교통]",
            author="oh-kyungha")
        for n in range(count)})


def read(output, url: str):
    page = parse_html(output / unquote(url).lstrip("/") / "index.html")
    titles = [h.get_text(strip=True) for h in page.select(".cards .card-title")]
    return page, titles


def day(title: str) -> str:
    moment = START + timedelta(days=int(title.split()[1]))
    return f"{moment:%m.%d}"


def follow_older(output, listing: str) -> list[tuple[str, list[str]]]:
    """(URL, titles) of the front page and each page its `다음` chain leads to."""
    chain, url = [], "/" + listing
    while url:
        page, titles = read(output, url)
        chain.append((url, titles))
        older = page.select_one(".pagination a[rel=next]")
        url = older["href"] if older else None
        assert len(chain) < 50, "the chain must end"
    return chain


@pytest.mark.parametrize("count", [2, 3, 5, 6, 7, 8, 9, 14, 20])
def test_following_older_pages_shows_every_article_once(make_site, count):
    site = newsroom(make_site, count)
    build_site(site)
    output = site / "output"
    everything = [f"기사 {n}" for n in range(count - 1, -1, -1)]
    for listing in LISTINGS:
        chain = follow_older(output, listing)
        shown = [title for _, titles in chain for title in titles]
        assert shown == everything, (listing, chain)
        archive = output / unquote(listing) / "page"
        on_disk = {f"/{listing}page/{p.name}/" for p in archive.iterdir()} if archive.exists() \
            else set()
        assert {url for url, _ in chain[1:]} == on_disk, listing


def test_archive_pages_are_numbered_from_the_oldest_and_keep_their_articles(make_site):
    site = newsroom(make_site, 14)  # pages of 3: page 1 is the oldest three
    build_site(site)
    before = read(site / "output", "/local/page/1/")[1]
    assert before == ["기사 2", "기사 1", "기사 0"]
    (site / "content/local/new.md").write_text(article_text(
        "새 기사", "2026-11-20 09:00", tags="[교통]"), encoding="utf-8")
    build_site(site)
    assert read(site / "output", "/local/page/1/")[1] == before
    front = read(site / "output", "/local/")[1]
    older = follow_older(site / "output", "local/")[1][1]
    assert front[0] == "새 기사" and not set(front) & set(older)


def test_page_links_read_as_the_days_each_page_covers(make_site):
    site = newsroom(make_site, 20)
    build_site(site)
    output = site / "output"
    for url, _ in follow_older(output, "latest/"):
        page = read(output, url)[0]
        for link in page.select(".pagination li > a:not(.step), .pagination [aria-current]"):
            target = link.get("href") or url
            if target == "/latest/":
                assert link.get_text(strip=True) == "최신"
                continue
            shown = read(output, target)[1]
            assert link.get_text(strip=True) == f"{day(shown[-1])}–{day(shown[0])}", target
    heading = read(output, "/latest/page/2/")[0].select_one("h1").get_text(" ", strip=True)
    assert heading == "최신기사 2026.09.04–09.06"


def test_a_page_whose_days_change_renames_the_links_to_it(make_site, tmp_path):
    """Its neighbours' links name its days: an incremental build renders them again."""
    site = newsroom(make_site, 20)
    build_site(site)
    page_2 = read(site / "output", "/latest/page/2/")[0]
    assert "09.07–09.09" in page_2.select_one(".pagination").get_text()
    edit(site, "content/local/a08.md", "2026-09-09 09:00", "2026-09-10 08:00")  # still 8th
    build_site(site)
    page_2 = read(site / "output", "/latest/page/2/")[0]
    assert "09.07–09.10" in page_2.select_one(".pagination").get_text()
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))
