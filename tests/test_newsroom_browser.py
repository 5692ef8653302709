"""Newsroom notices in headless Chromium: a live page shows a new entry without a reload,
and the corrections box and breaking banner are visible and accessible.

Screenshots go to $NEWSGEN_SCREENSHOTS when set, else to pytest's temporary folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG, article_text, build_site, serving_folder

ARTICLE = "content/local/typhoon.md"
FOLDER = "content/local/typhoon.live"
URL = "/local/2026/11/25/typhoon/"
TIMEOUT_MS = 15_000


def entry(when: str, text: str) -> str:
    return f"---\ntime: {when}\nauthor: 김기자\n---\n\n{text}\n"


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = os.environ.get("NEWSGEN_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path / "shots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def live_site(make_site):
    site = make_site({
        # the test polls every second instead of every 30
        "site.toml": MINIMAL_CONFIG + "\n[extra]\nlive_poll = 1\n",
        ARTICLE: article_text(title="태풍 북상 실시간", date="2026-11-25 08:00", live="true",
                              body="태풍이 북상하고 있습니다."),
        f"{FOLDER}/0930.md": entry("2026-11-25 09:30", "해안도로가 통제됐습니다."),
    })
    build_site(site)
    return site


def test_a_live_page_shows_a_new_entry_without_reloading(browser, live_site, shots):
    # output/ is a link each build swaps: the server follows it on every request
    with serving_folder(live_site / "output") as origin:
        page = browser.new_page()
        page.goto(f"{origin}{URL}")
        page.evaluate("window.__loadedOnce = true")
        assert page.locator(".live-entry").count() == 1
        (live_site / FOLDER / "1015.md").write_text(
            entry("2026-11-25 10:15", "강풍 특보가 내려졌습니다."), encoding="utf-8")
        build_site(live_site)
        page.wait_for_function("document.querySelectorAll('.live-entry').length === 2",
                               timeout=TIMEOUT_MS)
        assert page.locator(".live-entries > li").first.get_attribute("id") == "live-1015"
        assert "강풍 특보" in page.locator("#live-1015").inner_text()
        assert page.evaluate("window.__loadedOnce") is True  # the same document: no reload
        page.screenshot(path=str(shots / "live-new-entry.png"), full_page=True)

        # the coverage ends: the page says so and stops asking
        text = (live_site / ARTICLE).read_text(encoding="utf-8")
        (live_site / ARTICLE).write_text(text.replace("live: true", "live: false"),
                                         encoding="utf-8")
        build_site(live_site)
        page.locator(".live-ended").wait_for(timeout=TIMEOUT_MS)
        asked = []
        page.on("request", lambda request: asked.append(request.url))
        page.wait_for_timeout(2500)
        assert not [url for url in asked if url.endswith("live.json")]
        assert page.evaluate("window.__loadedOnce") is True
        page.close()


def test_corrections_box_and_breaking_banner_are_visible(browser, make_site, shots):
    site = make_site({
        "content/local/bridge.md": article_text(
            title="다리 공사 예산 30억 원 확정", date="2026-11-20 09:00",
            corrections="\n  - {date: 2026-11-21 10:00, type: 정정, text: "
                        "\"예산 규모를 30억 원에서 3억 원으로 바로잡습니다.\"}\n",
            body="군포시가 다리 공사 예산을 확정했다.\n\n둘째 문단."),
        "data/breaking.yaml": 'headline: "[속보] 태풍 경보 발령"\nlink: /local/\n',
    })
    build_site(site)
    with serving_folder(site / "output") as origin:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{origin}/local/2026/11/20/bridge/")
        banner = page.locator('[data-shared="breaking"] .breaking')
        banner.wait_for(timeout=TIMEOUT_MS)  # filled in from /recent/
        assert banner.is_visible() and "태풍 경보" in banner.inner_text()
        notice = page.get_by_role("region", name="바로잡습니다")
        assert notice.is_visible()
        box, body = notice.bounding_box(), page.locator(".article-body").bounding_box()
        assert box["y"] + box["height"] <= body["y"]  # above the body
        assert box["height"] > 40 and box["width"] > 300
        page.screenshot(path=str(shots / "corrections-1280.png"), full_page=False)
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=str(shots / "corrections-375.png"), full_page=False)
        page.close()
    if os.environ.get("NEWSGEN_SCREENSHOTS") is None:
        shutil.rmtree(shots, ignore_errors=True)
