"""Live pages (실시간): entries from files beside the article, live.json, LiveBlogPosting."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import conftest
import pytest
from conftest import FIXED_NOW, article_text, build_site, parse_html
from schemaorg import json_ld_blocks, problems
from test_incremental import assert_same_output, clean_copy_build, newsroom, snapshot
from test_reach import parts  # noqa: F401, F811 - a fixture
from test_watch_build import clean_build, files_of, watching

from generator.core.errors import BuildFailed
from generator.core.tuning import Tuning

ARTICLE = "content/local/typhoon.md"
FOLDER = "content/local/typhoon.live"
PAGE = "output/local/2026/11/25/typhoon/index.html"
JSON = "output/local/2026/11/25/typhoon/live.json"


def entry(when: str, text: str, **fields) -> str:
    lines = ["---", f"time: {when}", *(f"{k}: {v}" for k, v in fields.items()), "---", "", text]
    return "\n".join(lines) + "\n"


def live_article(**fields) -> str:
    fields.setdefault("live", "true")
    return article_text(title="태풍 북상 실시간", date="2026-11-25 08:00",
                        body="태풍이 북상하고 있습니다.", **fields)


def live_site(make_site, **fields):
    return make_site({
        **newsroom(6),
        ARTICLE: live_article(**fields),
        f"{FOLDER}/0930-kim.md": entry("2026-11-25 09:30", "해안도로가 통제됐습니다.",
                                       author="oh-kyungha", title="해안도로 통제"),
        f"{FOLDER}/0900-lee.md": entry("2026-11-25 09:00", "비가 시작됐습니다.", author="이기자"),
    })


def add_entry(site, name="1015-park.md", when="2026-11-25 10:15", text="강풍 특보가 내려졌습니다."):
    (site / FOLDER / name).write_text(entry(when, text), encoding="utf-8")


def entry_ids(page) -> list[str]:
    return [li["id"] for li in page.select(".live-entries > li")]


def test_entries_show_newest_first_with_their_reporters(make_site):
    site = live_site(make_site)
    build_site(site)
    page = parse_html(site / PAGE)
    assert entry_ids(page) == ["live-0930-kim", "live-0900-lee"]
    first = page.select_one("#live-0930-kim")
    assert first.select_one(".live-author").get_text() == "오경하"  # a key of authors.yaml
    assert first.select_one("h3").get_text() == "해안도로 통제"
    section = page.select_one("section.live")
    assert section["data-live"] == "/local/2026/11/25/typhoon/live.json"
    assert section["data-live-poll"] == "30"
    assert page.find("script", src=lambda s: s and "/assets/live." in s) is not None
    data = json.loads((site / JSON).read_text(encoding="utf-8"))
    assert data["open"] is True
    assert [e["id"] for e in data["entries"]] == ["live-0930-kim", "live-0900-lee"]
    assert "해안도로가 통제됐습니다." in data["entries"][0]["html"]
    # entries are never articles of their own
    assert not (site / "output/local/2026/11/25/0930-kim").exists()


def test_json_ld_is_a_live_blog_posting(make_site):
    site = live_site(make_site)
    build_site(site)
    blocks = json_ld_blocks(parse_html(site / PAGE))
    assert problems(blocks) == []
    posting = next(b for b in blocks if b["@type"] == "LiveBlogPosting")
    assert posting["coverageStartTime"] == "2026-11-25T08:00:00+09:00"
    assert "coverageEndTime" not in posting
    updates = posting["liveBlogUpdate"]
    assert [(u["@type"], u["datePublished"]) for u in updates] == [
        ("BlogPosting", "2026-11-25T09:30:00+09:00"), ("BlogPosting", "2026-11-25T09:00:00+09:00")]
    assert updates[0]["articleBody"] == "해안도로가 통제됐습니다."


@pytest.mark.parametrize("ending", [{"live": "false"}, {"coverage_end": "2026-11-25 11:00"}])
def test_ended_coverage_stops_polling(make_site, ending):
    site = live_site(make_site, **ending)
    build_site(site)
    page = parse_html(site / PAGE)
    section = page.select_one("section.live")
    assert not section.has_attr("data-live")
    assert page.find("script", src=lambda s: s and "/assets/live." in s) is None
    assert section.select_one(".live-ended") is not None
    assert entry_ids(page) == ["live-0930-kim", "live-0900-lee"]
    assert json.loads((site / JSON).read_text(encoding="utf-8"))["open"] is False
    posting = next(b for b in json_ld_blocks(page) if b["@type"] == "LiveBlogPosting")
    assert posting["coverageEndTime"] in ("2026-11-25T11:00:00+09:00",
                                          "2026-11-25T09:30:00+09:00")


def test_coverage_ends_at_its_time_without_any_file_changing(make_site):
    site = live_site(make_site, coverage_end="2026-11-25 13:00")
    build_site(site)
    assert json.loads((site / JSON).read_text(encoding="utf-8"))["open"] is True
    build_site(site, now=FIXED_NOW + timedelta(minutes=30))  # nothing due yet
    assert json.loads((site / JSON).read_text(encoding="utf-8"))["open"] is True
    build_site(site, now=FIXED_NOW + timedelta(hours=1))
    assert json.loads((site / JSON).read_text(encoding="utf-8"))["open"] is False
    assert parse_html(site / PAGE).select_one("section.live[data-live]") is None


def test_adding_an_entry_rewrites_only_the_live_page_and_its_json(make_site, tmp_path):
    site = live_site(make_site)
    build_site(site)
    before = snapshot(site / "output")
    time.sleep(0.01)
    add_entry(site)
    result = build_site(site)
    after = snapshot(site / "output")
    changed = sorted(rel for rel in after if before.get(rel) != after[rel])
    assert changed == ["local/2026/11/25/typhoon/index.html",
                       "local/2026/11/25/typhoon/live.json"]
    assert result.written == 2
    assert entry_ids(parse_html(site / PAGE))[0] == "live-1015-park"
    assert_same_output(after, clean_copy_build(site, tmp_path / "clean"))


def test_editing_and_removing_entries_follow_the_files(make_site, tmp_path):
    site = live_site(make_site)
    build_site(site)
    (site / FOLDER / "0900-lee.md").write_text(entry("2026-11-25 09:00", "폭우로 바뀌었습니다."),
                                               encoding="utf-8")
    build_site(site)
    assert "폭우로" in (site / JSON).read_text(encoding="utf-8")
    (site / FOLDER / "0930-kim.md").unlink()
    build_site(site)
    assert entry_ids(parse_html(site / PAGE)) == ["live-0900-lee"]
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


@pytest.mark.parametrize(("files", "expected"), [
    ({f"{FOLDER}/a.md": entry("2026-11-25 07:00", "너무 이름")},
     "content/local/typhoon.live/a.md:2: time: is earlier than its article's date"),
    ({f"{FOLDER}/a.md": "---\ntitle: 시간 없음\n---\n본문\n"},
     "content/local/typhoon.live/a.md:1: time: is required"),
    ({"content/local/storm.live/a.md": entry("2026-11-25 09:00", "고아")},
     "content/local/storm.live/a.md: is a live entry, but its article content/local/storm.md "
     "is missing"),
])
def test_bad_entries_are_path_line_errors(make_site, files, expected):
    site = make_site({ARTICLE: live_article(), **files})
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    lines = [str(p) for p in failed.value.problems]
    assert any(line.startswith(expected) for line in lines), lines


def test_an_unknown_key_in_an_entry_is_a_warning_every_build(make_site):
    site = live_site(make_site)
    (site / FOLDER / "0900-lee.md").write_text(entry("2026-11-25 09:00", "비", colour="red"),
                                               encoding="utf-8")
    for _ in range(2):
        warnings = [str(w) for w in build_site(site).warnings]
        assert warnings == ["content/local/typhoon.live/0900-lee.md:3: warning: colour: "
                            "unknown key, ignored (an entry has time, author and title)"]


def test_build_watch_shows_a_new_entry(make_site, tmp_path):
    site = live_site(make_site)
    with watching(site) as watch:
        assert watch.line().startswith("initial build")
        time.sleep(0.3)
        add_entry(site)
        assert "built" in watch.line()
        assert entry_ids(parse_html(site / PAGE))[0] == "live-1015-park"
        assert files_of(site / "output") == clean_build(site, tmp_path / "clean")


def test_editing_an_article_a_live_page_lists_as_related_keeps_its_entries(
        make_site, tmp_path, monkeypatch):
    """A part re-plans the pages whose related lists name an edited article; a
    live page among them keeps its entries (as a clean build shows it)."""
    monkeypatch.setattr(conftest, "TUNING", Tuning.all_big())
    site = live_site(make_site, tags="[경기도, 교통]")
    build_site(site)
    related = parse_html(site / PAGE).select("a[href*='/2026/']")
    targets = [a["href"] for a in related if "/typhoon/" not in a["href"]]
    assert targets, "the live page lists no related article"
    slug = targets[0].rstrip("/").rsplit("/", 1)[1]
    edited = next(p for p in (site / "content").rglob(f"{slug}.md"))
    edited.write_text(edited.read_text(encoding="utf-8").replace("첫 문단.", "고친 첫 문단."),
                      encoding="utf-8")
    build_site(site)
    assert entry_ids(parse_html(site / PAGE)), "the live page lost its entries"
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_a_new_or_edited_entry_plans_a_part_and_matches_a_clean_build(
        make_site, tmp_path, parts):  # noqa: F811 - the fixture
    site = live_site(make_site)
    build_site(site)
    for step, change in [
            ("new entry", lambda: add_entry(site)),
            ("edited entry", lambda: add_entry(site, text="강풍 경보로 격상됐습니다."))]:
        change()
        parts.clear()
        result = build_site(site)
        assert parts and parts[-1] is not None, f"{step}: the full build ran"
        assert result.written == 2, step  # the page and its live.json
        assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"),
                           step)
    assert entry_ids(parse_html(site / PAGE))[0].endswith("1015-park")
    # The site index took the entry's stamp: the next publish is a publish alone.
    (site / "content/local/later.md").write_text(
        article_text(title="다음 기사", date="2026-11-25 11:00"), encoding="utf-8")
    parts.clear()
    build_site(site)
    assert parts[-1] is not None
