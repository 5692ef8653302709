"""Incremental builds give exactly the bytes of a clean build, after every kind of change.

Site A is built once and then again after each change, with its cache; site B
is a fresh copy of A's input after the change, built without any cache. Every
file and every byte of their outputs must match.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import conftest
import jinja2
import pytest
from conftest import FIXED_NOW, SHARED_ANALYSER, article_text, build_site, jpeg_bytes

from generator.core.errors import BuildFailed
from generator.core.tuning import Tuning
from generator.engine import build as build_module
from generator.engine import outputcheck, stages, writing
from generator.engine.output import lock_path
from generator.engine.parallel import Beside, split_in_runs
from generator.engine.session import Session

TAGS = ["경기도", "교통", "복지", "예산", "축제"]


def newsroom(count: int = 14) -> dict[str, str]:
    """Articles over two sections, with shared tags, reporters and a lead image."""
    files = {}
    for number in range(count):
        section = ("local", "society")[number % 2]
        tags = f"[{TAGS[number % 5]}, {TAGS[(number * 3) % 5]}]"
        extra = {"author": "oh-kyungha"} if number % 3 else {}
        files[f"content/{section}/a{number:02d}.md"] = article_text(
            title=f"기사 {number}", date=f"2026-10-{number + 1:02d} 09:00", tags=tags,
            body=f"{number}번 기사의 첫 문단.\n\n## 소제목\n\n- 항목 하나\n- 항목 둘\n", **extra)
    return files


def snapshot(folder: Path) -> dict[str, bytes]:
    files = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = Path(dirpath) / name
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def clean_copy_build(site: Path, where: Path, **options) -> dict[str, bytes]:
    """Copy the site's input (no output, no cache) and build it from scratch."""
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(site, where,
                    ignore=shutil.ignore_patterns("output", ".output.*", ".newsgen-cache"))
    build_site(where, **options)
    return snapshot(where / "output")


def assert_same_output(incremental: dict[str, bytes], clean: dict[str, bytes],
                       step: str = "") -> None:
    assert sorted(incremental) == sorted(clean), step
    different = [name for name in clean if incremental[name] != clean[name]]
    assert different == [], step


def edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def write(site: Path, rel: str, text: str) -> None:
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_text(text, encoding="utf-8")


CHANGES = [
    ("publish a new article", lambda s: write(s, "content/local/new.md", article_text(
        title="새 기사", date="2026-11-20 10:00", tags="[경기도, 교통]", author="oh-kyungha"))),
    ("publish a back-dated article", lambda s: write(s, "content/society/old.md", article_text(
        title="지난 기사", date="2026-10-05 12:00", tags="[복지]"))),
    ("edit a body", lambda s: edit(s, "content/local/a04.md", "첫 문단.", "첫 문단을 고쳤다.")),
    ("edit a title", lambda s: edit(s, "content/society/a03.md", "기사 3", "고친 기사 3")),
    ("edit tags", lambda s: edit(s, "content/local/a02.md", "tags: [복지, 교통]",
                                 "tags: [축제]")),
    ("delete an article", lambda s: (s / "content/society/a07.md").unlink()),
    ("rename an article", lambda s: (s / "content/local/a08.md").rename(
        s / "content/local/renamed.md")),
    ("touch a file without changing it", lambda s: os.utime(
        s / "content/local/a10.md", ns=(1, 1))),
    ("change a template", lambda s: write(s, "templates/article.html", (
        Path(__file__).parent.parent / "generator/themes/default/templates/article.html").read_text(
        encoding="utf-8").replace('<article class="article">',
                                  '<article class="article changed">'))),
    ("change a data file", lambda s: edit(s, "data/authors.yaml", "name: 오경하",
                                          "name: 오경하2")),
    ("change site.toml", lambda s: edit(s, "site.toml", 'title = "테스트뉴스"',
                                        'title = "새이름뉴스"')),
    ("change page size", lambda s: edit(s, "site.toml", "page_size = 3", "page_size = 4")),
]


def test_incremental_builds_match_clean_builds_after_every_change(make_site, tmp_path):
    site = make_site(newsroom())
    build_site(site)
    for name, change in CHANGES:
        change(site)
        build_site(site)
        clean = clean_copy_build(site, tmp_path / "clean")
        assert_same_output(snapshot(site / "output"), clean, f"after: {name}")


@pytest.fixture
def besides(monkeypatch) -> list:
    """The jobs the build runs beside its render workers."""
    made = []
    for module in (writing, outputcheck):
        monkeypatch.setattr(module, "Beside", lambda job: made.append(job) or Beside(job))
    return made


@pytest.mark.parametrize("limit, analyser, besides_made",
                         [(1000, None, 1), (10, None, 0), (1000, SHARED_ANALYSER, 0)])
def test_parallel_build_matches_single_process_build(make_site, tmp_path, monkeypatch, besides,
                                                     limit, analyser, besides_made):
    """Pages rendered by two workers, and the search index made beside them in a
    process of its own (up to `search_beside_limit` articles, when no analyser is
    running yet) or after them, give the bytes of a build in one process."""
    site = make_site(newsroom(20))
    build_site(site, workers=2, analyser=analyser, tuning=Tuning(search_beside_limit=limit))
    assert len(besides) == besides_made
    parallel = snapshot(site / "output")
    assert any(name.startswith("search-index/doc/") for name in parallel)
    assert_same_output(parallel, clean_copy_build(site, tmp_path / "serial", workers=1))
    assert len(besides) == besides_made  # none for the build in one process


def test_static_files_copied_beside_the_render_workers_match_a_single_process_build(
        make_site, tmp_path, monkeypatch, besides):
    """Many static files to copy (new photos, or a cold build's) go to a process of
    their own while the pages render; output/ is as a build in one process leaves
    it, and the next build copies nothing again."""
    site = make_site(newsroom(20))
    monkeypatch.setattr(conftest, "TUNING", Tuning(search_beside_limit=0, copies_beside=10))
    build_site(site, workers=2)
    assert besides == []  # the theme's few files are copied in this process
    photos = site / "static/photos"
    photos.mkdir(parents=True)
    for number in range(30):
        (photos / f"p{number:03}.txt").write_text(f"사진 {number}", encoding="utf-8")
    (site / "content/local/new.md").write_text(
        article_text(title="새 기사", date="2026-10-25 09:00"), encoding="utf-8")
    build_site(site, workers=2)  # copies the photos while the pages with the new article render
    assert len(besides) == 1
    parallel = snapshot(site / "output")
    assert parallel["photos/p007.txt"] == "사진 7".encode()
    assert_same_output(parallel, clean_copy_build(site, tmp_path / "serial", workers=1))
    assert build_site(site, workers=2).written == 0
    assert len(besides) == 1


def test_render_workers_get_consecutive_runs_of_pages_by_age(make_site, monkeypatch):
    """On a big site each worker renders the pages of one stretch of the archive,
    so it touches (and copies from its parent) only those articles."""
    site = make_site(newsroom(20))
    monkeypatch.setattr(conftest, "TUNING", Tuning(runs_above=10))
    given, run_parts = [], stages.run_parts

    def recording(work, items, workers=None, in_runs=False):
        given.append((list(items), in_runs))
        return run_parts(work, items, workers, in_runs)

    monkeypatch.setattr(stages, "run_parts", recording)
    build_site(site, workers=2)
    (items, in_runs), = given
    assert in_runs
    shown = [plan.article.date if plan.article else plan.page.articles[-1].date
             for _, plan in items if plan.article or (plan.page and plan.page.articles)]
    assert len(shown) > 20 and shown == sorted(shown)
    assert items[-1][1].kind not in ("article", "listing")  # pages of no one article last


def test_split_in_runs_keeps_order_and_evens_out_the_parts():
    assert split_in_runs(list(range(7)), 2) == [[0, 1, 2], [3, 4, 5, 6]]
    assert split_in_runs(list(range(6)), 3) == [[0, 1], [2, 3], [4, 5]]
    assert split_in_runs([1], 2) == [[], [1]]


def test_template_change_renders_pages_without_parsing_markdown(make_site):
    site = make_site(newsroom())
    build_site(site)
    write(site, "templates/article.html", (
        Path(__file__).parent.parent / "generator/themes/default/templates/article.html").read_text(
        encoding="utf-8").replace('<article class="article">', '<article class="article x">'))
    result = build_site(site)
    assert result.parsed == 0
    assert result.rendered > 14 and result.written >= 14
    assert b'class="article x"' in (site / "output/local/2026/10/05/a04/index.html").read_bytes()


def test_no_change_rebuild_parses_and_renders_nothing(make_site):
    site = make_site(newsroom())
    build_site(site)
    result = build_site(site)
    assert (result.parsed, result.rendered, result.written, result.deleted) == (0, 0, 0, 0)


def test_publishing_leaves_older_article_pages_untouched(make_site):
    site = make_site(newsroom())
    build_site(site)
    before = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("index.html")}
    write(site, "content/local/new.md", article_text(
        title="새 기사", date="2026-11-20 10:00", tags="[경기도, 교통]", author="oh-kyungha"))
    result = build_site(site)
    rewritten = sorted(p.relative_to(site / "output").as_posix() for p, mtime in before.items()
                       if p.stat().st_mtime_ns != mtime)
    assert result.parsed == 1
    assert "local/2026/11/20/new/index.html" not in before
    assert not [p for p in rewritten if p.startswith(("local/2026/", "society/2026/"))]
    assert "index.html" in rewritten


def test_a_publish_that_adds_a_listing_page_renders_only_the_pages_near_its_end(
        make_site, monkeypatch):
    # 29 articles in pages of 3: /latest/'s front shows the newest 5 and archive pages 1 to
    # 8 the rest; one more moves the front's oldest 3 into page 9.
    site = make_site(newsroom(29))
    build_site(site)
    rendered = []
    real = build_module.pages.render_plan
    monkeypatch.setattr(build_module.pages, "render_plan", lambda env, model, plan, *args, **kw: (
        rendered.append(plan.url), real(env, model, plan, *args, **kw))[1])
    write(site, "content/local/new.md", article_text(title="새 기사", date="2026-11-20 10:00"))
    build_site(site, workers=1)
    latest = sorted(url for url in rendered if url.startswith("/latest/"))
    # Pages up to 6 link to the same pages as before; 7 and 8 now also reach 9.
    assert latest == ["/latest/", "/latest/page/7/", "/latest/page/8/", "/latest/page/9/"]
    clean = clean_copy_build(site, site.parent / "clean")
    assert_same_output(snapshot(site / "output"), clean)


def test_deleting_the_cache_changes_nothing_but_speed(make_site):
    site = make_site(newsroom())
    build_site(site)
    before = snapshot(site / "output")
    shutil.rmtree(site / ".newsgen-cache")
    result = build_site(site)
    assert result.written == 0
    assert snapshot(site / "output") == before


@pytest.mark.parametrize("damage", ["garbage file", "garbage records"])
def test_damaged_cache_is_detected_and_rebuilt(make_site, damage):
    site = make_site(newsroom())
    build_site(site)
    before = snapshot(site / "output")
    database = site / ".newsgen-cache" / "cache.sqlite"
    if damage == "garbage file":
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        database.write_bytes(b"this is not a database" * 100)
    else:
        with sqlite3.connect(database) as db:
            db.execute("UPDATE sources SET record = x'00ff00'")
            db.execute("UPDATE bodies SET html = 'tampered'")
            db.execute("UPDATE blobs SET value = x'00'")
            db.execute("UPDATE articles SET record = x'00ff00'")
    edit(site, "content/local/a04.md", "첫 문단.", "첫 문단을 고쳤다.")
    build_site(site)
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, site.parent / "clean"))
    assert snapshot(site / "output") != before


@pytest.mark.parametrize("check_beside", [False, True])
def test_rebuild_restores_output_files_changed_by_hand(make_site, monkeypatch, besides,
                                                       check_beside):
    """A file removed from output/ and one edited there are written again, whether
    this process checks output/ or, on a big site, a process beside the build."""
    site = make_site(newsroom())
    build_site(site)
    if check_beside:
        monkeypatch.setattr(conftest, "TUNING", Tuning(check_beside=0))
    page = site / "output/local/2026/10/05/a04/index.html"
    listing = site / "output/society/index.html"
    originals = page.read_bytes(), listing.read_bytes()
    page.unlink()
    listing.write_bytes(originals[1].replace("기사".encode(), "사기".encode()))
    result = build_site(site)
    assert result.written == 2
    assert (page.read_bytes(), listing.read_bytes()) == originals
    assert len(besides) == check_beside


def test_future_article_appears_when_due_without_other_changes(make_site):
    files = newsroom()
    files["content/local/later.md"] = article_text(title="예약 기사", date="2026-11-25 15:00")
    site = make_site(files)
    build_site(site, now=FIXED_NOW)
    page = site / "output/local/2026/11/25/later/index.html"
    assert not page.exists()
    assert build_site(site, now=FIXED_NOW).written == 0
    build_site(site, now=FIXED_NOW + timedelta(hours=4))
    assert page.exists()


def move(site: Path, old: str, new: str) -> None:
    (site / new).parent.mkdir(parents=True, exist_ok=True)
    (site / old).rename(site / new)


# (what happens, the paths a watcher reports, the change). Batches naming anything but
# content files (a folder, a template, data, site.toml) make the session read everything.
SESSION_CHANGES = [
    ("edit a body", ["content/local/a04.md"],
     lambda s: edit(s, "content/local/a04.md", "첫 문단.", "첫 문단을 고쳤다.")),
    ("edit a title", ["content/society/a03.md"],
     lambda s: edit(s, "content/society/a03.md", "기사 3", "고친 기사 3")),
    ("edit tags", ["content/local/a02.md"],
     lambda s: edit(s, "content/local/a02.md", "tags: [복지, 교통]", "tags: [축제]")),
    ("publish a new article", ["content/local/new.md"], CHANGES[0][1]),
    ("publish a back-dated article", ["content/society/old.md"], CHANGES[1][1]),
    ("delete an article", ["content/society/a07.md"],
     lambda s: (s / "content/society/a07.md").unlink()),
    ("rename an article", ["content/local/a08.md", "content/local/renamed.md"],
     lambda s: move(s, "content/local/a08.md", "content/local/renamed.md")),
    ("touch a file without changing it", ["content/local/a10.md"],
     lambda s: os.utime(s / "content/local/a10.md", ns=(1, 1))),
    ("save an editor's temp file and a hidden file", ["content/local/a12.md~",
                                                      "content/local/.a12.md.swp"],
     lambda s: [write(s, rel, "x") for rel in ("content/local/a12.md~",
                                               "content/local/.a12.md.swp")]),
    ("move an article into a new folder", ["content/local/a06.md", "content/local/2026"],
     lambda s: move(s, "content/local/a06.md", "content/local/2026/a06.md")),
    ("edit the moved article", ["content/local/2026/a06.md"],
     lambda s: edit(s, "content/local/2026/a06.md", "기사 6", "고친 기사 6")),
    ("rename a folder", ["content/local/2026", "content/local/2025"],
     lambda s: move(s, "content/local/2026", "content/local/2025")),
    ("delete a folder", ["content/local/2025/a06.md", "content/local/2025"],
     lambda s: shutil.rmtree(s / "content/local/2025")),
    ("change a template", ["templates/article.html"], CHANGES[8][1]),
    ("edit after the template change", ["content/local/a00.md"],
     lambda s: edit(s, "content/local/a00.md", "기사 0", "고친 기사 0")),
    ("change a data file", ["data/authors.yaml"], CHANGES[9][1]),
    ("change site.toml", ["site.toml"], CHANGES[10][1]),
    ("edit after the config change", ["content/society/a05.md"],
     lambda s: edit(s, "content/society/a05.md", "기사 5", "고친 기사 5")),
]


def changed_paths(site: Path, rels: list[str]) -> frozenset[str]:
    """The batch as the watcher gives it: absolute paths under the resolved site folder."""
    return frozenset(str(site.resolve() / rel) for rel in rels)


@pytest.mark.parametrize("sitemap_limit", [10_000, 4], ids=["one sitemap", "sitemap parts"])
def test_preview_session_rebuilds_match_clean_builds(make_site, tmp_path, sitemap_limit):
    site = make_site(newsroom())
    edit(site, "site.toml", "page_size = 3", f"page_size = 3\nsitemap_limit = {sitemap_limit}")
    session = Session()
    build_site(site, session=session)
    for name, rels, change in SESSION_CHANGES:
        change(site)
        build_site(site, session=session, changed=changed_paths(site, rels))
        clean = clean_copy_build(site, tmp_path / "clean")
        assert_same_output(snapshot(site / "output"), clean, f"after: {name}")


def test_a_session_checks_output_again_after_another_process_built_there(make_site, tmp_path):
    """`build --watch` running while a one-shot `build` writes the same output/."""
    site = make_site(newsroom())
    session = Session()
    build_site(site, session=session)
    edit(site, "content/local/a04.md", "기사 4", "고친 기사 4")
    build_site(site)  # another process: its own session
    edit(site, "content/local/a04.md", "고친 기사 4", "기사 4")
    build_site(site, session=session, changed=changed_paths(site, ["content/local/a04.md"]))
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_the_output_lock_token_changes_only_when_files_are_swapped_in(make_site):
    """A build that writes nothing does not make a watching session check output/ again."""
    site = make_site(newsroom())
    build_site(site)
    token = lock_path(site / "output").read_text(encoding="utf-8")
    assert token.strip()
    assert build_site(site).written == 0
    assert lock_path(site / "output").read_text(encoding="utf-8") == token
    edit(site, "content/local/a04.md", "기사 4", "고친 기사 4")
    build_site(site)
    assert lock_path(site / "output").read_text(encoding="utf-8") != token


def test_preview_session_recovers_from_a_broken_save(make_site, tmp_path):
    site = make_site(newsroom())
    session = Session()
    build_site(site, session=session)
    edit(site, "content/local/a04.md", "date: 2026-10-05 09:00", "date: tomorrow")
    with pytest.raises(BuildFailed):
        build_site(site, session=session, changed=changed_paths(site, ["content/local/a04.md"]))
    edit(site, "content/society/a03.md", "기사 3", "고친 기사 3")
    with pytest.raises(BuildFailed):  # the broken file still breaks the build
        build_site(site, session=session, changed=changed_paths(site, ["content/society/a03.md"]))
    edit(site, "content/local/a04.md", "date: tomorrow", "date: 2026-10-05 09:00")
    build_site(site, session=session, changed=changed_paths(site, ["content/local/a04.md"]))
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_preview_session_reports_a_url_clash_as_a_clean_build_does(make_site, tmp_path):
    site = make_site(newsroom())
    session = Session()
    build_site(site, session=session)
    write(site, "content/local/copy.md", article_text(title="사본", date="2026-10-01 09:00",
                                                        slug="a00"))
    with pytest.raises(BuildFailed) as in_session:
        build_site(site, session=session, changed=changed_paths(site, ["content/local/copy.md"]))
    with pytest.raises(BuildFailed) as clean:
        clean_copy_build(site, tmp_path / "clean")
    assert [str(p) for p in in_session.value.problems] == [str(p) for p in clean.value.problems]
    assert "is already used by content/local/a00.md" in str(in_session.value.problems[0])
    edit(site, "content/local/copy.md", "slug: a00", "slug: a00-copy")
    build_site(site, session=session, changed=changed_paths(site, ["content/local/copy.md"]))
    (site / "content/local/a00.md").unlink()  # the URL is free again: the copy may take it
    edit(site, "content/local/copy.md", "slug: a00-copy", "slug: a00")
    build_site(site, session=session, changed=changed_paths(
        site, ["content/local/a00.md", "content/local/copy.md"]))
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


@pytest.fixture
def compiled(monkeypatch) -> list:
    """Records every template Jinja compiles from source."""
    sources = []
    original = jinja2.Environment.compile

    def compile_counted(env, *args, **options):
        sources.append(args)
        return original(env, *args, **options)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_counted)
    return sources


def test_templates_are_compiled_once_and_kept_in_the_cache(make_site, tmp_path, compiled):
    """A build compiles only the templates that changed since one was compiled: a new
    lead image (new assets) or a content save compiles none."""
    site = make_site({**newsroom(), "static/images/spare.jpg": jpeg_bytes()})
    build_site(site)
    assert compiled
    compiled.clear()
    write(site, "content/local/photo.md", article_text(
        title="사진 기사", date="2026-11-20 10:00", image="/images/spare.jpg"))
    build_site(site)
    assert compiled == []
    CHANGES[8][1](site)  # a template: that one is compiled again
    build_site(site)
    assert len(compiled) == 1
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_a_build_without_changed_paths_reads_everything_again(make_site, tmp_path):
    site = make_site(newsroom())
    session = Session()
    build_site(site, session=session)
    # A change no batch named: only a build told nothing (newsgen build) may see it.
    edit(site, "content/local/a04.md", "첫 문단.", "첫 문단을 고쳤다.")
    build_site(site, session=session)
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_preview_session_reads_everything_when_content_holds_links(make_site, tmp_path):
    site = make_site(newsroom())
    (site / "content/society/copy.md").symlink_to(site / "content/local/a00.md")
    session = Session()
    build_site(site, session=session)
    # The watcher names the file, not the link that shows it too.
    edit(site, "content/local/a00.md", "기사 0", "고친 기사 0")
    build_site(site, session=session, changed=changed_paths(site, ["content/local/a00.md"]))
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_a_session_learns_the_content_stamps_from_a_build_with_nothing_to_do(make_site):
    """`build --watch` on a built site: its first build writes nothing, yet brings the
    session's stamps back, so the first save reads one file and looks for no links."""
    site = make_site(newsroom())
    build_site(site)
    session = Session()
    result = build_site(site, session=session)
    assert (result.written, result.deleted) == (0, 0)
    assert session.known.stamps and session.known.linked is False
    assert session.output_token
    edit(site, "content/local/a04.md", "첫 문단.", "첫 문단을 고쳤다.")
    result = build_site(site, session=session,
                        changed=changed_paths(site, ["content/local/a04.md"]))
    assert result.parsed == 1 and result.rendered > 0


def test_a_failed_parallel_render_stops_the_search_beside_it(make_site, besides):
    site = make_site(newsroom(20))
    build_site(site, workers=2)
    before = snapshot(site / "output")
    write(site, "content/local/z.md", article_text(title="새 기사", date="2026-10-30 09:00"))
    write(site, "templates/article.html", "{% extends 'base.html' %}"
                                          "{% block main %}{{ 1 // 0 }}{% endblock %}")
    with pytest.raises(BuildFailed) as failure:
        build_site(site, workers=2, analyser=None)
    assert len(besides) == 1
    assert "division" in str(failure.value.problems[0])
    assert multiprocessing.active_children() == []
    assert snapshot(site / "output") == before
    assert not (site / ".output.newsgen-staging").exists()





def test_a_failed_check_beside_the_build_is_made_again_in_the_build(make_site, monkeypatch):
    """The process checking output/ beside a big build dies: the build looks itself and
    still writes only the file changed by hand."""
    site = make_site(newsroom())
    build_site(site)
    monkeypatch.setattr(conftest, "TUNING", Tuning(check_beside=0))

    class Failing:
        def __init__(self, job):
            pass

        def result(self):
            raise RuntimeError("a build worker stopped unexpectedly")

        def stop(self):
            pass

    monkeypatch.setattr(outputcheck, "Beside", Failing)
    page = site / "output/local/2026/10/05/a04/index.html"
    original = page.read_bytes()
    page.write_bytes(b"changed by hand")
    result = build_site(site)
    assert (result.written, page.read_bytes()) == (1, original)
