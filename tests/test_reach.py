"""A build that only adds articles newer than all others plans only the part it reaches, and its
output is byte for byte what a clean build writes."""

from __future__ import annotations

import shutil

import conftest
import pytest
from conftest import article_text, build_site, jpeg_bytes
from test_incremental import assert_same_output, clean_copy_build, edit, newsroom, snapshot, write

from generator.core.errors import BuildFailed
from generator.core.tuning import Tuning
from generator.engine import reach as reach_module
from generator.outputs import search as search_module


@pytest.fixture
def parts(monkeypatch) -> list:
    """Big-site behaviour on a small site; records what each part_scope returned."""
    monkeypatch.setattr(conftest, "TUNING", Tuning(check_beside=0))
    results = []
    real = reach_module.part_scope

    def recorded(*args, **kwargs):
        results.append(real(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(reach_module, "part_scope", recorded)
    return results


def part_as_clean(site, tmp_path, parts: list, step: str):
    """Build; it must have planned a part and written what a clean build writes."""
    parts.clear()
    result = build_site(site)
    assert parts and parts[-1] is not None, f"{step}: the whole plan"
    clean = clean_copy_build(site, tmp_path / "clean")
    assert_same_output(snapshot(site / "output"), clean, f"after {step}")
    return result


def day_site(make_site, sitemap_limit: int = 4):
    site = make_site({**newsroom(20), "static/images/lead.jpg": jpeg_bytes()})
    edit(site, "site.toml", "page_size = 3", f"page_size = 3\nsitemap_limit = {sitemap_limit}")
    build_site(site)
    return site


def publish(site, number: int, **fields) -> None:
    section = ("local", "society")[number % 2]
    fields.setdefault("tags", "[경기도, 교통]" if number % 3 else "[새태그, 축제]")
    write(site, f"content/{section}/new{number:02d}.md", article_text(
        title=f"새 기사 {number}", date=f"2026-11-21 {8 + number // 2:02d}:{number % 2 * 30:02d}",
        body=f"{number}번째 새 기사. 도의회 예산 심사.\n", **fields))


@pytest.mark.parametrize("sitemap_limit", [4, 10_000], ids=["sitemap parts", "one sitemap"])
def test_a_day_of_publishing_plans_a_part_and_matches_clean_builds(
        make_site, tmp_path, parts, sitemap_limit):
    site = day_site(make_site, sitemap_limit)
    for number in range(9):
        extra = {"author": "oh-kyungha"} if number % 2 else {}
        if number == 4:
            extra["image"] = "/images/lead.jpg"
        publish(site, number, **extra)
        assert part_as_clean(site, tmp_path, parts, f"publish {number}").parsed == 1


def test_two_articles_at_once_plan_a_part(make_site, tmp_path, parts):
    site = day_site(make_site)
    publish(site, 1)
    publish(site, 2, author="oh-kyungha")
    build_site(site)
    assert parts[-1] is not None
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


@pytest.mark.parametrize("change", [
    "back-dated", "edit tags", "edit the date", "delete", "draft", "alias", "template",
    "unknown key", "publish and edit at once", "edit the kind", "publish an editorial",
    "legacy id", "edit adds a legacy id", "query alias",
    "publish live", "add a live entry beside another change", "retitle a corrected article",
])
def test_other_changes_plan_the_whole_site(make_site, tmp_path, parts, change):
    site = day_site(make_site)
    if change == "back-dated":
        write(site, "content/local/old.md",
              article_text(title="지난 기사", date="2026-10-05 12:00"))
    elif change == "edit tags":
        edit(site, "content/local/a02.md", "tags: [복지, 교통]", "tags: [축제]")
    elif change == "edit the date":
        edit(site, "content/local/a04.md", "2026-10-05 09:00", "2026-10-05 10:00")
    elif change == "edit the kind":
        edit(site, "content/local/a04.md", "2026-10-05 09:00", "2026-10-05 09:00\nkind: 칼럼")
    elif change == "publish an editorial":
        publish(site, 1, kind="editorial")
    elif change == "publish and edit at once":
        publish(site, 1)
        edit(site, "content/local/a04.md", "첫 문단.", "첫 문단을 고쳤다.")
    elif change == "delete":
        (site / "content/society/a07.md").unlink()
    elif change == "draft":
        publish(site, 1, draft="true")
    elif change == "alias":
        publish(site, 1, aliases="[/old/address/]")
    elif change == "legacy id":
        publish(site, 1, legacy_id="12345")
    elif change == "edit adds a legacy id":
        edit(site, "content/local/a02.md", "tags: [복지, 교통]",
             "tags: [복지, 교통]\nlegacy_id: 55")
    elif change == "query alias":
        publish(site, 1, aliases='["/news/articleView.html?idxno=9"]')
    elif change == "publish corrected":
        publish(site, 1, corrections="[{date: 2026-11-22 09:00, type: 정정, text: 고침}]")
    elif change == "add a correction":
        edit(site, "content/local/a04.md", "tags:",
             "corrections: [{date: 2026-11-22 09:00, type: 반론, text: 반론}]\ntags:")
    elif change == "retitle a corrected article":
        edit(site, "content/local/a04.md", "tags:",
             "corrections: [{date: 2026-11-22 09:00, type: 반론, text: 반론}]\ntags:")
        build_site(site)
        edit(site, "content/local/a04.md", "기사 4", "고친 기사 4")
    elif change == "publish live":
        publish(site, 1, live="true")
    elif change == "add a live entry beside another change":
        publish(site, 1, live="true")
        write(site, "content/society/new01.live/a.md",
              "---\ntime: 2026-11-21 09:00\n---\n첫 소식\n")
        build_site(site)
        write(site, "content/society/new01.live/b.md",
              "---\ntime: 2026-11-21 10:00\n---\n둘째 소식\n")
        publish(site, 2)
    elif change == "template":
        publish(site, 1)
        write(site, "templates/404.html", "{% extends 'base.html' %}")
    else:
        publish(site, 1, colour="red")
    build_site(site)
    assert parts == [] or parts[-1] is None
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_a_file_changed_in_output_by_hand_plans_the_whole_site(make_site, tmp_path, parts):
    site = day_site(make_site)
    page = site / "output/latest/page/2/index.html"
    page.write_text("changed by hand", encoding="utf-8")
    publish(site, 1)
    build_site(site)
    assert parts[-1] is None
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_after_a_watch_build_a_publish_plans_a_part(make_site, tmp_path, parts):
    """`build --watch` builds as newsgen build does, and leaves the site index too."""
    from generator.engine.session import Session
    site = day_site(make_site)
    publish(site, 1)
    build_site(site, session=Session())
    publish(site, 2)
    build_site(site)
    assert parts[-1] is not None
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_a_new_articles_related_list_reaches_past_the_pages_it_changes(make_site, tmp_path,
                                                                      parts):
    # The ten oldest share both tags with the new article and rank first, though no
    # listing page the publish changes shows them: the newer ones have one of the two.
    files = {}
    for number in range(50):
        tags = "[교통, 예산]" if number < 10 else "[예산]" if number < 20 else "[교통]"
        files[f"content/local/b{number:02d}.md"] = article_text(
            title=f"기사 {number}", date=f"2026-10-{number // 2 + 1:02d} {9 + number % 2}:00",
            tags=tags)
    site = make_site(files)
    edit(site, "site.toml", "page_size = 3", "page_size = 3\nfeed_count = 5\nsearch = false")
    build_site(site)
    publish(site, 0, tags="[교통, 예산]")
    build_site(site)
    assert parts[-1] is not None
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_publishing_into_a_search_index_with_base_shards_and_several_blocks(
        make_site, tmp_path, parts, monkeypatch):
    # Small blocks: base/ holds most articles and sections/ has several files, as at
    # 100,000 articles. A publish that would move recent/ into base/ is a full build.
    monkeypatch.setattr(search_module, "SEGMENT", 8)
    monkeypatch.setattr(search_module, "BLOCK", 16)
    site = day_site(make_site)
    taken = 0
    for number in range(9):
        publish(site, number)
        parts.clear()
        build_site(site)
        taken += parts[-1] is not None
        clean = clean_copy_build(site, tmp_path / "clean")
        assert_same_output(snapshot(site / "output"), clean, f"after publish {number}")
    assert taken >= 7


def test_a_new_article_at_a_taken_url_fails_as_the_whole_plan_says(make_site, parts):
    site = day_site(make_site)
    write(site, "content/society/again.md", article_text(
        title="같은 주소", date="2026-10-20 10:00", slug="a19"))
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    assert parts[-1] is None
    assert "is already used by content/society/a19.md" in str(failed.value)


EDITS = [
    ("a body deep in the archive", "content/local/a02.md", "첫 문단.", "첫 문단을 고쳤다."),
    ("a title deep in the archive", "content/society/a03.md", "기사 3", "고친 기사 3"),
    ("a title on the front pages", "content/society/a19.md", "기사 19", "고친 기사 19"),
    ("a summary", "content/local/a10.md", "첫 문단.", "다른 첫 문단."),
]


@pytest.mark.parametrize("sitemap_limit", [4, 10_000], ids=["sitemap parts", "one sitemap"])
def test_edits_that_keep_an_articles_place_plan_a_part(make_site, tmp_path, parts,
                                                                 sitemap_limit):
    site = day_site(make_site, sitemap_limit)
    for name, rel, old, new in EDITS:
        edit(site, rel, old, new)
        assert part_as_clean(site, tmp_path, parts, f"editing {name}").parsed == 1


def test_an_edit_in_base_shards_of_the_search_index(make_site, tmp_path, parts, monkeypatch):
    monkeypatch.setattr(search_module, "SEGMENT", 8)
    monkeypatch.setattr(search_module, "BLOCK", 16)
    site = day_site(make_site)
    for name, rel, old, new in EDITS:
        edit(site, rel, old, new)
        part_as_clean(site, tmp_path, parts, f"editing {name}")


def test_editing_an_article_of_the_news_sitemap(make_site, tmp_path, parts):
    site = make_site({**newsroom(20), "content/local/fresh.md": article_text(
        title="오늘 기사", date="2026-11-25 08:00", tags="[경기도]")})
    build_site(site)
    edit(site, "content/local/fresh.md", "오늘 기사", "고친 오늘 기사")
    build_site(site)
    assert parts[-1] is not None
    assert b"\xea\xb3\xa0\xec\xb9\x9c" in (site / "output/news-sitemap.xml").read_bytes()
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_an_edit_that_empties_a_search_shard_deletes_its_file(make_site, tmp_path, parts,
                                                               monkeypatch):
    monkeypatch.setattr(search_module, "SEGMENT", 8)
    site = day_site(make_site)
    rare = "\n\nqzxjvk 낱말이 한 번 나온다.\n"
    text = (site / "content/local/a02.md").read_text(encoding="utf-8")
    (site / "content/local/a02.md").write_text(text + rare, encoding="utf-8")
    build_site(site)
    with_word = set(snapshot(site / "output"))
    (site / "content/local/a02.md").write_text(text, encoding="utf-8")
    result = build_site(site)
    assert parts[-1] is not None and parts[-2] is not None
    assert result.deleted >= 1 and len(with_word - set(snapshot(site / "output"))) >= 1
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_edits_after_publishing_plan_a_part(make_site, tmp_path, parts):
    """The new articles' related lists are kept, so an edit an older one names in them
    finds their pages."""
    site = day_site(make_site)
    publish(site, 1, tags="[복지, 교통]")  # shares a02's tags: its 관련기사 name a02
    build_site(site)
    publish(site, 2, tags="[복지]")
    build_site(site)
    for name, rel, old, new in EDITS:
        edit(site, rel, old, new)
        part_as_clean(site, tmp_path, parts, f"editing {name}")


def test_a_change_saved_with_a_broken_file_is_built_once_the_file_is_fixed(
        make_site, tmp_path, parts):
    """The failed build read the retagged file; the build after the fix still shows the
    new tags everywhere, as a clean build does."""
    site = day_site(make_site)
    edit(site, "content/local/a02.md", "tags: [복지, 교통]", "tags: [복지, 새태그]")
    write(site, "content/local/broken.md", "---\ntitle: [unclosed\n---\n본문\n")
    with pytest.raises(BuildFailed):
        build_site(site)
    (site / "content/local/broken.md").unlink()
    build_site(site)
    clean = clean_copy_build(site, tmp_path / "clean")
    assert "tags/새태그/index.html" in clean
    assert_same_output(snapshot(site / "output"), clean, "after the fix")


def test_any_field_it_does_not_carry_makes_it_decline():
    """Safe by default: a field a part does not know (one added for a new
    feature) makes it decline, without anyone teaching it the field."""
    from dataclasses import fields, replace
    from datetime import datetime

    from generator.core.objects import Article, Section

    article = Article("content/local/a.md", Section("local", "지방자치", 0), "제목", (),
                      datetime(2026, 11, 20, 9, 0), None, (), (), "요약", None, None, None,
                      "a", False, (), "/local/2026/11/20/a/", "key", "digest")
    assert not reach_module._unknown(article)
    for field in fields(Article):
        changed = replace(article, **{field.name: object()})  # any other value
        assert reach_module._moved(article, changed) == (
            field.name not in reach_module.EDITABLE), field.name
        if field.name not in reach_module.PUBLISHABLE:
            assert reach_module._unknown(changed), field.name
PAGE = "---\ntitle: 회사소개\nfooter: 1\n---\n\n우리 신문을 소개합니다.\n"


def test_a_site_with_standalone_pages_still_publishes_by_a_part(make_site, tmp_path,
                                                                          parts):
    site = make_site({**newsroom(20), "content/pages/about.md": PAGE})
    build_site(site)
    publish(site, 1)
    part_as_clean(site, tmp_path, parts, "publish beside a page")
    assert '<a href="/about/">회사소개</a>' in (site / "output/latest/index.html").read_text(
        encoding="utf-8")


@pytest.mark.parametrize("change", ["new page", "edited page", "edited page and publish"])
def test_a_new_or_edited_standalone_page_plans_the_whole_site(make_site, tmp_path, parts,
                                                              change):
    site = make_site({**newsroom(20), "content/pages/about.md": PAGE})
    build_site(site)
    if change == "new page":
        write(site, "content/pages/ethics.md", PAGE.replace("회사소개", "윤리강령"))
    else:
        edit(site, "content/pages/about.md", "footer: 1", "footer: 2")
        edit(site, "content/pages/about.md", "회사소개", "매체 소개")
    if change == "edited page and publish":
        publish(site, 1)
    build_site(site)
    assert parts == [] or parts[-1] is None
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_a_preview_build_plans_a_part_and_keeps_the_marks(make_site, tmp_path,
                                                                  parts):
    """`serve` builds with drafts and scheduled articles shown: a publish or an edit takes
    a part, and the marks it reports are those of a clean preview build."""
    site = make_site({**newsroom(20),
                      "content/local/soon.md": article_text(title="예약 기사",
                                                            date="2026-12-24 09:00"),
                      "content/local/wip.md": article_text(title="쓰는 중",
                                                           date="2026-11-02 09:00")})
    edit(site, "content/local/wip.md", "title:", "draft: true\ntitle:")
    preview = {"drafts": True, "future": True}
    first = build_site(site, **preview)
    assert {kind for _, kind, _ in first.unpublished} == {"draft", "future"}
    write(site, "content/local/later.md", article_text(title="더 늦은 예약",
                                                       date="2026-12-25 09:00"))
    published = build_site(site, **preview)
    assert parts[-1] is not None
    edit(site, "content/local/soon.md", "예약 기사", "고친 예약 기사")
    edited = build_site(site, **preview)
    assert parts[-1] is not None
    clean = clean_copy_build(site, tmp_path / "clean", **preview)
    assert_same_output(snapshot(site / "output"), clean)
    (tmp_path / "clean/output").unlink()
    shutil.rmtree(tmp_path / "clean/.newsgen-cache")
    expected = set(build_site(tmp_path / "clean", **preview).unpublished)
    assert set(edited.unpublished) == expected and len(expected) == 3
    assert ("/local/2026/12/25/later/", "future", "12.25 09:00") in set(published.unpublished)


def test_a_file_read_before_a_part_was_declined_counts_as_parsed(make_site, parts):
    site = day_site(make_site)
    write(site, "content/local/old.md", article_text(title="지난 기사", date="2026-10-05 12:00"))
    result = build_site(site)
    assert parts[-1] is None  # back-dated: the full build
    assert result.parsed == 1
