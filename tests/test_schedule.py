"""Scheduled publishing, embargo and expiry, with a frozen clock."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import conftest
import pytest
from conftest import (
    AUTHORS,
    FIXED_NOW,
    article_text,
    build_site,
    jpeg_bytes,
    parse_html,
)

from generator.core.errors import BuildFailed
from generator.core.tuning import Tuning

MARKER = "zqxembargo"  # ASCII: it survives slugs, URLs and percent-encoding unchanged
DUE = FIXED_NOW + timedelta(hours=3)


def embargoed_article() -> str:
    """An article due at DUE with the marker in every field it has."""
    return article_text(
        f"{MARKER} 제목", f"{DUE:%Y-%m-%d %H:%M}", f"{MARKER} 본문 문단입니다.",
        subtitle=f'"{MARKER} 부제"', summary=f'"{MARKER} 요약"',
        tags=f'["{MARKER}태그", "공통"]', slug=f"{MARKER}-slug",
        image=f"/images/{MARKER}.jpg", image_alt=f'"{MARKER} 대체"',
        image_caption=f'"{MARKER} 설명"', aliases=f'["/old/{MARKER}/"]',
        authors="[oh-kyungha]")


def newsroom(make_site):
    return make_site({
        "data/authors.yaml": AUTHORS,
        "static/images/" + f"{MARKER}.jpg": jpeg_bytes(1600, 900),
        "content/local/public.md": article_text("공개 기사", "2026-11-24 09:00", "본문.",
                                                tags='["공통"]', authors="[oh-kyungha]"),
        "content/local/embargo.md": embargoed_article(),
    })


def leaks(output: Path) -> list[str]:
    """Every file of output/ whose name or bytes hold the marker."""
    found = []
    for path in output.rglob("*"):
        if MARKER in str(path.relative_to(output)):
            found.append(str(path.relative_to(output)))
        elif path.is_file() and MARKER.encode() in path.read_bytes():
            found.append(str(path.relative_to(output)))
    return found


def test_nothing_of_an_embargoed_article_reaches_output(make_site):
    site = newsroom(make_site)
    result = build_site(site)
    assert result.articles == 1
    assert leaks(site / "output") == []
    assert [(m.action, m.source) for m in result.upcoming][:1] == [
        ("publish", "content/local/embargo.md")]


@pytest.mark.parametrize("tuning", [Tuning(), Tuning.all_big()], ids=["full", "short path"])
def test_it_is_published_whole_when_it_falls_due(make_site, monkeypatch, tuning):
    monkeypatch.setattr(conftest, "TUNING", tuning)
    site = newsroom(make_site)
    build_site(site)
    build_site(site, now=DUE)
    found = leaks(site / "output")
    page = site / f"output/local/{DUE:%Y/%m/%d}/{MARKER}-slug/index.html"
    assert str(page.relative_to(site / "output")) in found
    for part in ("index.html", "feed.xml", "sitemap.xml", "news-sitemap.xml",
                 f"tags/{MARKER}태그/index.html", "_redirects"):
        assert any(f.startswith(part) or f == part for f in found), (part, found)
    assert any(f.startswith("search-index/") for f in found), found
    clean = make_site_copy(site, make_site)
    build_site(clean, now=DUE)
    assert tree(site / "output") == tree(clean / "output")


def make_site_copy(site: Path, make_site) -> Path:
    files = {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*")
             if p.is_file() and p.relative_to(site).parts[0] in ("content", "data", "static")}
    return make_site(files)


def tree(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("tuning", [Tuning(), Tuning.all_big()], ids=["full", "short path"])
def test_an_expired_article_is_taken_down_everywhere(make_site, monkeypatch, tuning):
    monkeypatch.setattr(conftest, "TUNING", tuning)
    site = make_site({
        "content/local/keep.md": article_text("남는 기사", "2026-11-24 09:00"),
        "content/local/gone.md": article_text(
            f"{MARKER} 행사 안내", "2026-11-24 10:00",
            expires=f"{FIXED_NOW + timedelta(hours=1):%Y-%m-%d %H:%M}"),
    })
    before = build_site(site)
    assert before.articles == 2 and leaks(site / "output")
    assert [m.action for m in before.upcoming if m.source.endswith("gone.md")] == ["expire"]
    build_site(site, now=FIXED_NOW + timedelta(hours=1))  # the moment it expires
    assert leaks(site / "output") == []
    assert (site / "output/local/2026/11/24/keep/index.html").exists()


def test_a_new_article_with_an_expiry_keeps_its_moment(make_site, monkeypatch):
    """The short path records the moments of what it publishes, as the full build does."""
    monkeypatch.setattr(conftest, "TUNING", Tuning.all_big())
    site = make_site({"content/local/old.md": article_text("이전 기사", "2026-11-20 09:00")})
    build_site(site)
    later = FIXED_NOW + timedelta(hours=2)
    (site / "content/local/notice.md").write_text(article_text(
        f"{MARKER} 공지", "2026-11-25 11:00", expires=f"{later:%Y-%m-%d %H:%M}"), encoding="utf-8")
    published = build_site(site)
    assert published.parsed == 1 and leaks(site / "output")
    assert "expire" in [m.action for m in published.upcoming]
    build_site(site, now=later)
    assert leaks(site / "output") == []


def test_an_expiry_before_the_date_is_an_error(make_site):
    site = make_site({"content/local/a.md": article_text("제목", "2026-11-20 09:00",
                                                         expires="2026-11-19 09:00")})
    with pytest.raises(BuildFailed) as failure:
        build_site(site)
    assert [str(p) for p in failure.value.problems] == [
        "content/local/a.md:4: expires: is not later than date: the article would never "
        "be shown"]


def test_serve_shows_the_embargoed_article_but_output_does_not(make_site):
    site = newsroom(make_site)
    result = build_site(site, output=site / "preview", future=True)
    assert result.articles == 2
    assert [kind for _, kind, _ in result.unpublished] == ["future"]
    assert leaks(site / "preview")
    page = parse_html(site / f"preview/local/{DUE:%Y/%m/%d}/{MARKER}-slug/index.html")
    assert MARKER in page.h1.get_text()


def run_newsgen(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args, "--site", str(site)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(conftest.ROOT)})


def test_a_build_says_when_the_next_scheduled_article_falls_due(make_site):
    site = make_site({
        "content/local/now.md": article_text("지금 기사", "2026-11-20 09:00"),
        "content/local/later.md": article_text("예약 기사", "2099-01-02 09:00"),
        "content/local/latest.md": article_text("더 늦은 기사", "2099-03-04 10:30"),
    })
    done = run_newsgen(site, "build")
    assert done.returncode == 0, done.stderr
    assert ("next scheduled: content/local/later.md at 2099-01-02 09:00:00 +0900 "
            "(2 scheduled; `newsgen schedule` lists them)") in done.stdout


def test_schedule_lists_publications_and_take_downs(make_site):
    site = make_site({
        "content/local/now.md": article_text("지금 기사", "2026-11-20 09:00"),
        "content/local/later.md": article_text("예약 기사", "2099-01-02 09:00",
                                               expires="2099-02-01 00:00"),
        "content/local/draft.md": article_text("초안", "2099-01-01 09:00", draft="true"),
    })
    done = run_newsgen(site, "schedule")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "2099-01-02 09:00 +0900  publish    content/local/later.md  예약 기사",
        "2099-02-01 00:00 +0900  take down  content/local/later.md  예약 기사"]
    (site / "content/local/later.md").write_text(article_text(
        "예약 기사", "2099-01-02 09:00", expires="2098-01-01 00:00"), encoding="utf-8")
    done = run_newsgen(site, "schedule")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "content/local/later.md:4: expires: is not later than date: the article would never "
        "be shown")
    assert "Traceback" not in done.stderr


def log_lines(site: Path) -> list[dict]:
    import json

    path = site / "publish-log.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] \
        if path.exists() else []


def actions(lines: list[dict]) -> list[tuple[str, str, str]]:
    return [(e["action"], e["file"], e["time"]) for e in lines]


@pytest.mark.parametrize("tuning", [Tuning(), Tuning.all_big()], ids=["full", "short path"])
def test_the_publish_log_records_each_placement_and_change(make_site, monkeypatch, tuning):
    monkeypatch.setattr(conftest, "TUNING", tuning)
    site = make_site({"content/local/a.md": article_text("첫 기사", "2026-11-20 09:00")})
    build_site(site)
    at = FIXED_NOW.isoformat()
    assert actions(log_lines(site)) == [("published", "content/local/a.md", at)]
    later = FIXED_NOW + timedelta(minutes=5)
    (site / "content/local/b.md").write_text(article_text("새 기사", "2026-11-25 11:50"),
                                             encoding="utf-8")
    build_site(site, now=later)
    edited = FIXED_NOW + timedelta(minutes=10)
    (site / "content/local/a.md").write_text(article_text("첫 기사", "2026-11-20 09:00",
                                                          "고친 본문."), encoding="utf-8")
    build_site(site, now=edited)
    build_site(site, now=edited)  # nothing changed: nothing logged
    os.unlink(site / "output")
    import shutil
    shutil.rmtree(site / ".newsgen-cache")
    build_site(site, now=edited)  # a clean build places nothing new
    (site / "content/local/b.md").unlink()
    build_site(site, now=edited)
    lines = log_lines(site)
    assert actions(lines) == [
        ("published", "content/local/a.md", at),
        ("published", "content/local/b.md", later.isoformat()),
        ("updated", "content/local/a.md", edited.isoformat()),
        ("taken down", "content/local/b.md", edited.isoformat())]
    assert lines[0]["url"] == "/local/2026/11/20/a/" and lines[0]["date"].startswith("2026-11-20")
    assert lines[0]["digest"] != lines[2]["digest"]


def test_a_scheduled_publication_and_an_expiry_are_logged_at_their_time(make_site):
    site = make_site({"content/local/a.md": article_text(
        "예약 기사", f"{DUE:%Y-%m-%d %H:%M}", expires=f"{DUE + timedelta(days=1):%Y-%m-%d %H:%M}")})
    build_site(site)
    assert log_lines(site) == []
    build_site(site, now=DUE)
    build_site(site, now=DUE + timedelta(days=1))
    assert [(e["action"], e["time"]) for e in log_lines(site)] == [
        ("published", DUE.isoformat()), ("taken down", (DUE + timedelta(days=1)).isoformat())]


def test_a_preview_logs_nothing(make_site):
    site = make_site({"content/local/a.md": article_text("초안", draft="true")})
    build_site(site, output=site / "preview", drafts=True, future=True)
    assert log_lines(site) == []


def test_schedule_can_wait_for_what_falls_due_soon(make_site):
    """The hosting workflow runs `newsgen schedule --wait 55m` before it builds."""
    from datetime import datetime

    due = (datetime.now(conftest.SEOUL) + timedelta(seconds=2)).replace(microsecond=0)
    site = make_site({"content/local/a.md": article_text("곧", f"{due:%Y-%m-%d %H:%M:%S}")})
    done = run_newsgen(site, "schedule", "--wait", "1m")
    assert done.returncode == 0, done.stderr
    assert f"waiting until {due:%H:%M:%S} for content/local/a.md" in done.stdout
    assert datetime.now(conftest.SEOUL) >= due
    assert run_newsgen(site, "schedule", "--wait", "soon").returncode == 2


def test_the_hosting_workflow_waits_for_scheduled_articles(tmp_path):
    from datetime import datetime

    from generator.commands.newsite import create_site

    create_site(tmp_path / "site", "테스트", "https://news.example/", datetime.now().astimezone())
    workflow = next((tmp_path / "site/.github/workflows").glob("*.yml")).read_text()
    assert "newsgen schedule --wait 55m" in workflow


def test_an_article_leaves_the_news_sitemap_at_its_moment(make_site):
    site = make_site({"content/local/a.md": article_text("기사", "2026-11-25 09:00")})
    result = build_site(site)
    leaving = [m.when for m in result.upcoming if m.action == "leave-news"]
    assert leaving == [FIXED_NOW.replace(hour=9) + timedelta(hours=48)]
    assert "/local/2026/11/25/a/" in (site / "output/news-sitemap.xml").read_text()
    build_site(site, now=leaving[0])
    news = site / "output/news-sitemap.xml"
    assert not news.exists() or "/local/2026/11/25/a/" not in news.read_text()


def test_build_watch_logs_as_one_shot_builds_do(make_site):
    """Builds of a watching session log as one-shot builds do, beside other builds."""
    from generator.engine.session import Session

    session = Session()
    site = make_site({"content/local/a.md": article_text("첫 기사", "2026-11-20 09:00"),
                      "content/local/b.md": article_text("둘째 기사", "2026-11-21 09:00")})

    def watch_build(*changed: str, now=FIXED_NOW):
        build_site(site, session=session, now=now,
                   changed=frozenset(str(site / rel) for rel in changed) if changed else None)

    watch_build()
    (site / "content/local/a.md").write_text(article_text("첫 기사", "2026-11-20 09:00",
                                                          "고친 본문."), encoding="utf-8")
    watch_build("content/local/a.md")
    watch_build("content/local/a.md")  # a save without a change: nothing logged
    (site / "content/local/b.md").unlink()
    watch_build("content/local/b.md")
    # another build appends meanwhile: the session reads the log again
    (site / "content/local/c.md").write_text(article_text("셋째 기사", "2026-11-22 09:00"),
                                             encoding="utf-8")
    build_site(site)
    watch_build("content/local/c.md")
    assert [(e["action"], e["file"]) for e in log_lines(site)] == [
        ("published", "content/local/a.md"), ("published", "content/local/b.md"),
        ("updated", "content/local/a.md"), ("taken down", "content/local/b.md"),
        ("published", "content/local/c.md")]
