"""What the preview tells an editor over the site's pages, seen in a real browser:
drafts and future articles marked wherever they are listed, warnings in a bar,
and a build-error page in the site's language pointing at the line to fix."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from conftest import SEOUL, article_text
from previewing import edit, serving

SOON = (datetime.now(SEOUL) + timedelta(days=30)).replace(hour=9, minute=0)
PUBLISHED = "local/2026/11/20/pub/"
DRAFT = "local/2026/11/21/draft/"
FUTURE = f"society/{SOON:%Y/%m/%d}/future/"

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def newsroom(make_site):
    shared = {"tags": "[선거]", "author": "oh-kyungha"}
    return make_site({
        "content/local/pub.md": article_text("공개 기사 제목", "2026-11-20 09:00",
                                             "공개낱말 본문.", **shared),
        "content/local/draft.md": article_text("초안 기사 제목", "2026-11-21 09:00",
                                               "초안낱말 본문.", draft="true", **shared),
        "content/society/future.md": article_text("예약 기사 제목", f"{SOON:%Y-%m-%d %H:%M}",
                                                  "예약낱말 본문.", **shared),
        # Newer than the draft, they fill the home page's top row, which the boxes
        # beside it leave out: the draft and the published one then sit in the boxes.
        **{f"content/society/filler{n}.md": article_text(
            f"다른 기사 {n}", f"2026-11-{22 + n} 09:00", "다른 본문.") for n in range(5)},
    })


def marked_links(page) -> dict[str, set[str]]:
    """For each article path linked with text: the marks its links carry ('' unmarked)."""
    return page.evaluate("""() => {
      const found = {};
      for (const link of document.querySelectorAll('main a[href], header a[href]')) {
        const path = new URL(link.href).pathname;
        if (!/\\/\\d{4}\\/\\d\\d\\/\\d\\d\\//.test(path) || !link.textContent.trim()) continue;
        const mark = link.querySelector('.newsgen-mark');
        (found[path] = found[path] || []).push(mark ? mark.textContent : '');
      }
      return Object.fromEntries(Object.entries(found).map(([k, v]) => [k, [...new Set(v)]]));
    }""")


def assert_marked(page, where: str, expected: dict[str, str]) -> None:
    """Every link to these articles on the page, wherever it is, carries its mark."""
    links = marked_links(page)
    for path, label in expected.items():
        assert links.get("/" + path, [label]) == [label], (where, path, links)


@pytest.mark.parametrize("where, selector", [
    ("", ".top-story"),  # the newest article, here the future one, leads the home page
    ("", ".box-latest"),
    ("", ".section-boxes"),
    ("local/", ".cards"),
    (f"tags/{quote('선거')}/", ".cards"),
    ("authors/oh-kyungha/", ".cards"),
])
def test_drafts_and_future_articles_are_marked_where_listed(browser, newsroom, where, selector):
    with serving(newsroom, "--future") as preview:
        page = browser.new_page()
        page.goto(preview.url + where)
        page.wait_for_selector(f"{selector} .newsgen-mark", timeout=10000)
        box = page.locator(selector).first
        texts = box.inner_text()
        if "초안 기사 제목" in texts:
            assert "초안 초안 기사 제목" in texts.replace("\n", " "), texts
        if "예약 기사 제목" in texts:
            # a scheduled article's mark tells when it is due
            assert f"예약 {SOON:%m.%d %H:%M} 예약 기사 제목" in texts.replace("\n", " "), texts
        assert "초안 공개 기사 제목" not in texts and "예약 공개 기사 제목" not in texts
        assert_marked(page, where, {PUBLISHED: "", DRAFT: "초안",
                                    FUTURE: f"예약 {SOON:%m.%d %H:%M}"})
        page.close()


def test_marks_reach_boxes_and_results_filled_in_by_scripts(browser, newsroom):
    with serving(newsroom, "--future") as preview:
        page = browser.new_page()
        page.goto(preview.url + PUBLISHED)  # its boxes come from /recent/ after load
        page.wait_for_selector("[data-shared] .newsgen-mark-draft", timeout=10000)
        page.wait_for_selector("[data-shared] .newsgen-mark-future", timeout=10000)
        for word, label in (("초안낱말", "초안"), ("예약낱말", f"예약 {SOON:%m.%d %H:%M}")):
            page.goto(f"{preview.url}search/?q={quote(word)}")
            result = page.locator(".search-result a").first
            result.locator(".newsgen-mark").wait_for(timeout=10000)
            assert result.locator(".newsgen-mark").inner_text() == label
        page.goto(preview.url + FUTURE)
        assert page.locator("h1 .newsgen-mark").inner_text() == f"예약 {SOON:%m.%d %H:%M}"
        page.close()


def test_warnings_show_in_a_bar_that_can_be_dismissed(browser, make_site):
    site = make_site({"content/local/a.md": article_text("제목", image_captoin="'▲ 사진'"),
                      "content/local/b.md": article_text("둘째", "2026-11-21 09:00")})
    with serving(site) as preview:
        page = browser.new_page()
        page.goto(preview.url + "local/2026/11/20/a/")
        bar = page.locator("#newsgen-warnings")
        assert bar.is_visible()
        assert "경고" in bar.inner_text()
        assert ("content/local/a.md:4: warning: image_captoin: unknown key, ignored "
                "(did you mean 'image_caption'?)") in bar.inner_text()
        bar.get_by_role("button", name="닫기").click()
        assert page.locator("#newsgen-warnings").count() == 0
        page.goto(preview.url + "local/2026/11/21/b/")
        assert page.locator("#newsgen-warnings").count() == 0, "dismissed for this build"
        old = preview.epoch()
        edit(site / "content/local/a.md", "image_captoin", "image_caption")
        preview.wait_for_new_epoch(old)
        fresh = browser.new_page()  # a tab of its own, that dismissed nothing
        fresh.goto(preview.url + "local/2026/11/20/a/")
        assert fresh.locator("#newsgen-warnings").count() == 0, "no warning left"
        fresh.close()
        page.close()


def test_error_page_speaks_korean_and_points_at_the_opening_quote(browser, make_site):
    site = make_site({"content/local/a.md": article_text("처음 제목")})
    with serving(site) as preview:
        page = browser.new_page()
        page.goto(preview.url + "local/2026/11/20/a/")
        edit(site / "content/local/a.md", 'title: "처음 제목"', 'title: "처음 제목')
        page.wait_for_selector(".newsgen-problems li", timeout=30000)
        assert page.locator("html").get_attribute("lang") == "ko"
        assert page.locator("h1").inner_text() == "빌드에 실패했습니다"
        problem = page.locator(".newsgen-problems li").first.inner_text()
        assert problem == ("content/local/a.md:2: invalid YAML: found unexpected end of "
                           "stream; the quote opened on this line is never closed: end the "
                           "value with it"), problem
        page.close()
