"""A real browser keeps the preview open while files change on disk."""

from __future__ import annotations

import pytest
from conftest import article_text
from previewing import edit, serving

ARTICLE = "local/2026/11/20/a/"

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def site(make_site):
    body = "\n\n".join(f"본문 {n}번째 문단입니다. " * 8 for n in range(60))
    return make_site({"content/local/a.md": article_text("처음 제목", body=body)})


def h1_is(text: str) -> str:
    return f"(document.querySelector('h1') || {{}}).textContent?.trim() === {text!r}"


def test_page_reloads_by_itself_after_a_title_edit(browser, site):
    with serving(site) as preview:
        page = browser.new_page()
        page.goto(preview.url + ARTICLE)
        assert page.locator("h1").inner_text() == "처음 제목"
        page.evaluate("window.notReloaded = true; window.scrollTo(0, 1500)")
        edit(site / "content/local/a.md", "처음 제목", "바뀐 제목")
        page.wait_for_function(h1_is("바뀐 제목"), timeout=30000)
        assert page.evaluate("window.notReloaded === undefined"), "the page itself reloaded"
        page.wait_for_load_state("load")
        assert abs(page.evaluate("window.scrollY") - 1500) < 50, "the reader keeps their place"
        page.close()


def test_broken_edit_shows_error_page_then_recovers_in_the_browser(browser, site):
    with serving(site) as preview:
        page = browser.new_page()
        page.goto(preview.url + ARTICLE)
        edit(site / "content/local/a.md", "date: 2026-11-20 09:00", "date: 어제쯤")
        page.wait_for_selector(".newsgen-problems li", timeout=30000)
        problem = page.locator(".newsgen-problems li").first.inner_text()
        assert problem.startswith("content/local/a.md:3: date:"), problem
        edit(site / "content/local/a.md", "date: 어제쯤", "date: 2026-11-20 09:00")
        page.wait_for_function(h1_is("처음 제목"), timeout=30000)
        page.close()


def test_every_open_tab_reloads_through_one_event_stream(browser, site):
    with serving(site) as preview:
        context = browser.new_context()
        pages = [context.new_page() for _ in range(8)]
        streams = []
        for page in pages:
            page.on("request", lambda r: streams.append(r.url) if "events" in r.url else None)
            page.goto(preview.url + ARTICLE)
        pages[-1].wait_for_timeout(300)
        assert len(streams) == 1, "one tab holds the stream; the others listen to it"
        edit(site / "content/local/a.md", "처음 제목", "여덟 탭 제목")
        for page in pages:
            page.wait_for_function(h1_is("여덟 탭 제목"), timeout=30000)
        context.close()
