"""Corrections (정정·반론·추후보도): front matter, the notice box, JSON-LD, /corrections/."""

from __future__ import annotations

import feedparser
import pytest
from conftest import article_text, build_site, parse_html
from schemaorg import json_ld_blocks, problems, types_of

from generator.core.errors import BuildFailed

ARTICLE = "content/local/bridge.md"
URL = "local/2026/11/20/bridge"
CORRECTIONS = """
  - date: 2026-11-21 10:00
    type: 정정
    text: "예산 규모를 30억 원에서 3억 원으로 바로잡습니다."
  - date: 2026-11-22 15:30
    type: 반론
    text: "군포시는 공사 지연이 아니라고 밝혀왔습니다."
"""


def corrected(corrections: str = CORRECTIONS, **fields) -> str:
    return article_text(title="다리 공사 예산", corrections=corrections, **fields)


def test_the_article_shows_a_dated_notice_above_the_body(make_site):
    site = make_site({ARTICLE: corrected()})
    build_site(site)
    page = parse_html(site / "output" / URL / "index.html")
    notice = page.select_one("section.corrections-notice")
    assert notice is not None and notice.find("h2").get_text(strip=True) == "바로잡습니다"
    assert notice.get("aria-labelledby") == "corrections-title"
    items = notice.select("li")
    types = [li.select_one(".correction-type").get_text() for li in items]
    assert types == ["반론보도", "정정보도"]
    assert [li.find("time")["datetime"] for li in items] == [
        "2026-11-22T15:30:00+09:00", "2026-11-21T10:00:00+09:00"]
    assert [li["id"] for li in items] == ["correction-2", "correction-1"]
    body = page.select_one(".article-body")
    assert notice.sourceline < body.sourceline
    # 수정 follows the newest correction
    dates = [t["datetime"] for t in page.select(".dates time")]
    assert dates == ["2026-11-20T09:00:00+09:00", "2026-11-22T15:30:00+09:00"]


def test_json_ld_carries_correction_comments(make_site):
    site = make_site({ARTICLE: corrected()})
    build_site(site)
    blocks = json_ld_blocks(parse_html(site / "output" / URL / "index.html"))
    assert problems(blocks) == []
    article = next(b for b in blocks if b["@type"] == "NewsArticle")
    assert article["dateModified"] == "2026-11-22T15:30:00+09:00"
    assert [(c["@type"], c["datePublished"], c["text"][:5]) for c in article["correction"]] == [
        ("CorrectionComment", "2026-11-22T15:30:00+09:00", "군포시는 "),
        ("CorrectionComment", "2026-11-21T10:00:00+09:00", "예산 규모"),
    ]
    assert "CorrectionComment" in types_of(blocks)


def test_english_keys_and_labels(make_site):
    site = make_site({ARTICLE: corrected("\n  - {date: 2026-11-21 10:00, type: update, "
                                         "text: Added the council's vote.}\n")})
    toml = (site / "site.toml").read_text(encoding="utf-8")
    (site / "site.toml").write_text(toml.replace('language = "ko"', 'language = "en"'),
                                    encoding="utf-8")
    build_site(site)
    page = parse_html(site / "output" / URL / "index.html")
    assert page.select_one(".corrections-notice h2").get_text() == "Corrections and updates"
    assert page.select_one(".correction-type").get_text() == "Update"


@pytest.mark.parametrize(("corrections", "expected"), [
    ("\n  - {date: 2026-11-21, type: 사과, text: 잘못}\n",
     "content/local/bridge.md:5: corrections[0].type: '사과' is not a correction type"),
    ("\n  - date: 2026-11-19 10:00\n    type: 정정\n    text: 잘못\n",
     "content/local/bridge.md:5: corrections[0].date: '2026-11-19 10:00' is earlier than "
     "the article's date"),
    ("\n  - date: 2026-11-21 10:00\n    type: 정정\n  - date: 2026-11-21 11:00\n    type: 반론\n",
     "content/local/bridge.md:5: corrections[0].text: is required"),
])
def test_bad_corrections_are_path_line_errors(make_site, corrections, expected):
    site = make_site({ARTICLE: corrected(corrections)})
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    lines = [str(p) for p in failed.value.problems]
    assert any(line.startswith(expected) for line in lines), lines


def test_the_corrections_listing_shows_every_correction_newest_first(make_site):
    older = article_text(title="시장 인터뷰", date="2026-11-10 08:00", corrections=(
        "\n  - {date: 2026-11-23 09:00, type: 추후, text: 무혐의 처분을 받았습니다.}\n"
        "  - {date: 2026-11-12 09:00, type: 수정, text: 사진을 바꿨습니다.}\n"))
    plain = {f"content/society/n{n}.md": article_text(
        title=f"기사 {n}", date=f"2026-11-0{n} 09:00",
        corrections=f"[{{date: 2026-11-0{n} 10:00, type: 수정, text: 고침 {n}}}]")
        for n in range(1, 4)}
    site = make_site({ARTICLE: corrected(), "content/local/mayor.md": older, **plain})
    build_site(site)
    front = parse_html(site / "output/corrections/index.html")
    heads = [(li.select_one(".correction-type").get_text(), li.find("time")["datetime"][:10])
             for li in front.select(".correction-item")]
    # page_size is 3: the front shows the newest (between one and two pages), the rest
    # are on archive pages counted from the oldest
    archive = parse_html(site / "output/corrections/page/1/index.html")
    heads += [(li.select_one(".correction-type").get_text(), li.find("time")["datetime"][:10])
              for li in archive.select(".correction-item")]
    assert heads == [("추후보도", "2026-11-23"), ("반론보도", "2026-11-22"),
                     ("정정보도", "2026-11-21"), ("수정", "2026-11-12"),
                     ("수정", "2026-11-03"), ("수정", "2026-11-02"), ("수정", "2026-11-01")]
    assert len(archive.select(".correction-item")) == 3
    link = front.select_one(".correction-item a")["href"]
    assert link == "/local/2026/11/10/mayor/#correction-2"
    assert front.select_one('a[href="/corrections/"]') is not None  # the footer links it
    assert problems(json_ld_blocks(front)) == []


def test_corrections_feeds_list_corrections_and_main_feed_ids_stay(make_site):
    site = make_site({ARTICLE: article_text(title="다리 공사 예산")})
    build_site(site)
    before = {name: feedparser.parse((site / "output" / name).read_bytes())
              for name in ("feed.xml", "atom.xml")}
    (site / ARTICLE).write_text(corrected(), encoding="utf-8")
    build_site(site)
    for name, old in before.items():
        new = feedparser.parse((site / "output" / name).read_bytes())
        assert [e.id for e in new.entries] == [e.id for e in old.entries]
    atom = feedparser.parse((site / "output/atom.xml").read_bytes())
    assert atom.entries[0].updated == "2026-11-22T15:30:00+09:00"
    for name in ("corrections/feed.xml", "corrections/atom.xml"):
        feed = feedparser.parse((site / "output" / name).read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert [e.id for e in feed.entries] == [
            f"https://news.example/{URL}/#correction-2",
            f"https://news.example/{URL}/#correction-1"]
        assert feed.entries[0].title == "[반론보도] 다리 공사 예산"
        assert feed.entries[0].summary.startswith("군포시는")
